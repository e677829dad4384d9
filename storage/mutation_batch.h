// mutation_batch: the changes one request makes, committed to the state store all or nothing.
//
// Each put encodes its value at once, on the caller's thread, so that the store's single
// committer thread only copies bytes. Deletes of a group or a job name a key range; the store
// expands them when it commits (see state_store::commit), so they also remove whatever an
// earlier batch of the same group commit put into that range. A group's range is its jobs,
// runs, funcs and worker nodes; API keys are not under any group's range.
//
// A batch is durable by default: its done callback runs only once it is synced to disk. Run
// history may be written with set_durable(false): it is then applied without waiting for a sync
// (it becomes durable with the next synced commit) and may lose its last few records on kill -9
// or power loss. Acknowledged user mutations must stay durable.
//
// Example:
//   mutation_batch b;
//   b.put_job(job).put_audit(entry);
//   store.commit(std::move(b), [reply](status st) { reply(st); });
//
//   store.commit(mutation_batch{}.put_run(run).set_durable(false), nullptr);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/job.h"
#include "core/node.h"
#include "core/run_record.h"
#include "core/run_tally.h"
#include "storage/records.h"

namespace mainspring {

class mutation_batch {
 public:
  enum class op_kind : uint8_t {
    put,          // key <- value
    erase,        // delete key
    erase_group,  // delete g/<group> and everything under j/, f/, n/, q/, x/, i/ of that group (runs: swept)
    erase_job,    // delete j/<group>/<job> (its runs: swept)
    erase_runs,   // delete every run under a job's runs prefix, and its deleted job's record, now
    put_audit,    // key is "a/<time>/", the store appends the sequence number
    put_run,      // key is the job's runs prefix: the store picks the slot (store_keys.h)
    erase_range,  // delete every key under the prefix in `value`, now
    erase_run_if, // delete the run slot `key` if its run id is still `value` (16 hex digits)
    update_run,   // as put_run, into the slot already holding that run id if the ring has it
    erase_orphan_run,  // delete the run slot `key` if its job's key is gone
  };
  // What the store reads back when it commits (callers only use the builders).
  struct op {
    op_kind kind;
    std::string key;    // erase_group: the group name itself
    std::string value;  // puts: the encoded value; erase_job, erase_runs: the job's runs prefix
  };

  // -- builders: each returns *this so that calls chain --
  mutation_batch& put_group(const group_spec& group);
  // With its jobs, funcs and worker nodes. API keys scoped to the group stay: they are not under
  // its key range and are managed on their own (delete_api_key).
  //
  // A deleted job's (or group's) run history is not erased in the deleting write: a job that
  // ran every second for a while has its history cap of runs, and clearing 200,000 such jobs
  // would write 20 million deletes before it could answer. The runs become orphans that reads
  // pass over and the store's background sweep erases (state_store.h).
  mutation_batch& delete_group(std::string_view group);
  mutation_batch& put_job(const job_spec& job);
  mutation_batch& delete_job(std::string_view group, std::string_view job_id);
  // Deletes `job` as delete_job does, but its runs stay listed for the store's
  // deleted_job_history (state_store.h), with a record of the job as it was: a group's run
  // history still shows what ran. Run records queued for it are still written.
  mutation_batch& delete_job_keeping_runs(const job_spec& job, int64_t deleted_ms);
  // Erases a job's runs now: for a job created under an id a deleted job may have had (an id
  // the client chose), so that it does not inherit history the sweep has not reached yet.
  mutation_batch& delete_runs(std::string_view group, std::string_view job_id);
  // Into the job's ring of runs, over its oldest once the ring holds the history cap; with the
  // job's tally after this run when `tally` is not null (storage/run_value.h).
  mutation_batch& put_run(const run_record& run, const run_tally* tally = nullptr);
  // A run the job's ring may already hold (a remote run its node reported after the job had
  // recorded it lost): overwrites that slot, or is put as put_run when the ring does not hold
  // it. Reads the ring (max_runs_per_job values) when written: not for the fire path.
  // With the job's tally after this run when `tally` is not null, as put_run.
  mutation_batch& update_run(const run_record& run, const run_tally* tally = nullptr);
  // Deletes run slot `slot_key` if it still holds run `run_id` when the batch is written: the
  // retention sweep's deletes, which a newer run written to the slot since must survive. These
  // are applied before the rest of their commit round.
  mutation_batch& erase_run_if(std::string slot_key, uint64_t run_id);
  // Deletes run slot `slot_key` if its job does not exist when the batch is written (a job made
  // again under the id has a key): the sweep's erase of a deleted job's runs. Applied, like
  // erase_run_if, before the rest of the round.
  mutation_batch& erase_orphan_run(std::string slot_key);
  // A run in flight here (its state running): a marker that a start after a kill -9 or a crash
  // finds and records as cut short (load_visitor::on_in_flight); deleted in the batch that
  // records the run, or when its job or group is deleted.
  mutation_batch& put_in_flight(const run_record& run);
  mutation_batch& delete_in_flight(std::string_view group, std::string_view job_id, uint64_t run_id);
  // A run waiting in its job's queue; deleted once it starts, or all of a job's at once (a
  // flush, an abort, the job's delete).
  mutation_batch& put_waiting(const waiting_record& run);
  mutation_batch& delete_waiting(std::string_view group, std::string_view job_id, uint64_t id);
  mutation_batch& delete_all_waiting(std::string_view group, std::string_view job_id);
  mutation_batch& put_func(const func_spec& func);
  mutation_batch& delete_func(std::string_view group, std::string_view name);
  mutation_batch& put_node(const node_spec& node);
  mutation_batch& delete_node(std::string_view group, std::string_view node_id);
  mutation_batch& put_api_key(const api_key_record& key);
  mutation_batch& delete_api_key(std::string_view key_id);
  mutation_batch& put_audit(const audit_entry& entry);
  // A small value of the store's own under "m/<name>" (e.g. the last-alive heartbeat).
  mutation_batch& put_meta(std::string_view name, std::string_view value);

  // False: apply without waiting for a sync (run history only; see above).
  mutation_batch& set_durable(bool durable) {
    durable_ = durable;
    return *this;
  }

  // -- properties --
  bool durable() const { return durable_; }
  bool empty() const { return ops_.empty(); }
  std::size_t size() const { return ops_.size(); }
  const std::vector<op>& ops() const { return ops_; }
  // True when some op names a key range that the store must expand when it commits.
  bool has_range_delete() const { return has_range_delete_; }
  bool has_conditional_erase() const { return has_conditional_erase_; }  // an erase_run_if

 private:
  // -- member variables --
  std::vector<op> ops_;
  bool durable_ = true;
  bool has_range_delete_ = false;
  bool has_conditional_erase_ = false;
};

}  // namespace mainspring
