// Internals of state_store shared by its three source files (state_store.cc: open, close and
// the committer; state_store_reads.cc: the read paths; state_store_retention.cc: the rings of
// run slots and the sweep). Not for use outside storage/.
#pragma once

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/tag_table.h"
#include "storage/state_store.h"

namespace mainspring {

struct state_store::impl {
  using clock = std::chrono::steady_clock;

  struct pending {
    mutation_batch batch;
    std::function<void(status)> done;
  };

  // -- fixed after open --
  std::string dir;
  store_options options;
  // Null while a reopen after a failed write has not succeeded. Only the committer replaces it,
  // holding db_mu exclusively; every other thread uses it under a shared lock of db_mu.
  std::unique_ptr<leveldb::DB> db;
  mutable std::shared_mutex db_mu;
  std::atomic<bool> reopen_wanted{false};  // a retention write failed: reopen before the next round
  std::string db_error;                    // why the DB is closed; committer thread only
  clock::time_point next_reopen{};         // no reopen attempt before; committer thread only

  // -- the commit queue --
  // Two lanes. `history` holds lazy batches of nothing but run records and audit entries:
  // keys no other write touches (except a range delete, which drops them: see take_round), so
  // they may be overtaken. A round takes at most k_history_batches_per_round of them, then all
  // of `queue` (every durable batch, and lazy batches with other keys), in order. A synced
  // change therefore waits for one bounded round, not for the whole run-history backlog.
  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::vector<pending> queue;
  std::deque<pending> history;
  bool closing = false;
  bool gathering = false;  // the committer waits for more history (k_history_gather_wait)
  // Batches queued (not dropped) so far, and those whose done has returned: drain() waits for
  // the second to reach what the first was. Guarded by queue_mu; settled_cv tells of progress.
  uint64_t batches_queued = 0;
  uint64_t batches_settled = 0;
  std::condition_variable settled_cv;
  std::thread committer;

  // -- committer thread only --
  uint64_t next_audit_seq = 0;
  clock::time_point last_sync_start{};  // of the last synced round (k_min_sync_interval)
  std::size_t last_sync_batches = 0;     // durable batches in it: more than one = concurrent writers
  // Each job's place in its ring of run slots (store_keys.h), by a hash of its runs prefix: the
  // slot its next run takes is `v % max_runs_per_job`, and v >= max_runs_per_job once the ring
  // is full (kept below twice that); with no cap the slot is v itself. After open the ring scan
  // (below) finds every job's place; a job it did not see has no ring yet and starts at 0. 12
  // bytes a job: a million jobs cost 16-24 MiB here, where a trim that read back each job's keys
  // cost more CPU than the writes.
  tag_table run_slots;
  std::string slot_key;  // the key being built (a put_run's)
  // Until ring_scan (its own thread, started at open) has read every ring once, in key order,
  // the committer keeps each new run under its run id (store_keys.h), reading nothing: finding
  // one job's place costs a seek and its ring, and a thousand jobs' first runs after a restart
  // held the committer back for seconds (the history lane overflowed: 222,000 runs dropped after
  // a restart at 150,000 runs/s). The scan's table then becomes run_slots (the committer takes
  // it at its next put_run); the runs kept by id meanwhile are extra keys that the reads sort
  // in and the sweep trims.
  std::thread ring_scan;
  tag_table scanned_slots;                 // the scan's; the committer's once ring_scan_done
  std::atomic<bool> ring_scan_done{false};
  std::atomic<bool> ring_scan_stop{false};
  // store_options::read_histories: the scan waits until read_histories() gave it where to.
  std::mutex histories_mu;
  std::condition_variable histories_cv;
  history_sink histories_each;  // set (guarded by histories_mu) once read_histories() is called
  std::function<void()> histories_done;
  bool slots_known = false;                // committer thread only: run_slots is complete
  // Jobs that had a run kept under its id before slots_known (committer thread only): they join
  // run_slots at the hand-over, so that run_slots then holds an entry for every job with a
  // stored run (see runs_may_exist()).
  std::vector<uint64_t> id_kept_jobs;

  // -- the sweep --
  std::mutex sweep_mu;  // one tick at a time; guards sweep_cursor
  std::string sweep_cursor;
  std::mutex sweep_wait_mu;
  std::condition_variable sweep_cv;
  bool sweep_stop = false;
  std::thread sweeper;

  // -- counters --
  std::atomic<uint64_t> commits{0}, batches{0}, failed_batches{0}, last_batch_size{0},
      max_batch_size{0};
  std::atomic<int64_t> last_commit_us{0}, max_commit_us{0}, total_commit_us{0};
  std::atomic<uint64_t> runs_trimmed{0};
  std::atomic<uint64_t> orphan_runs_erased{0};  // runs of deleted jobs, by the sweep
  bool orphans_pending = false;  // the last sweep tick stopped at its orphan budget; sweep_mu
  std::atomic<uint64_t> reopens{0};
  std::atomic<bool> db_open{true};
  std::atomic<uint64_t> dropped_lazy_batches{0};
  std::size_t queued_lazy = 0;  // lazy batches in `queue` and `history`; guarded by queue_mu
  mutable std::atomic<uint64_t> corrupt_runs_skipped{0};

  // -- committer (state_store.cc) --
  void enqueue(mutation_batch batch, std::function<void(status)> done);  // state_store::commit
  void run_committer();
  // Counts `n` more batches as settled (their done returned) and wakes drain().
  void settle(std::size_t n);
  // Moves the next round out of the lanes (queue_mu held); `superseded` gets the history batches
  // that a range delete in the round made pointless.
  void take_round(std::vector<pending>& round, std::vector<pending>& superseded);
  void write_round(std::vector<pending>& round);
  status append_batch(const mutation_batch& batch, leveldb::WriteBatch& round);
  status apply_op(const mutation_batch::op& op, leveldb::WriteBatch* out, const leveldb::WriteBatch& round);
  // The sweep's erase_run_if ops of the round, ahead of everything else in it.
  void apply_conditional_erases(const std::vector<pending>& round, leveldb::WriteBatch& wb);
  void record_commit(std::size_t batches_in_round, clock::duration took);
  // Closes the DB and opens it again (after a failed write); false while the open fails.
  bool reopen();
  // The DB is open (reopened when it has to be), or the error every batch of the round gets.
  status ready_to_write();

  // -- retention (state_store_retention.cc) --
  // The key (in slot_key) of the slot the job's next run (encoded as `value`) takes, counting an
  // overwritten run as trimmed; while the rings are not scanned yet, the run's own key.
  const std::string& next_run_key(std::string_view runs_prefix, std::string_view value);
  // The key of the slot holding the run that `value` (format 4) is, or next_run_key's.
  const std::string& slot_of_run(std::string_view runs_prefix, std::string_view value);
  // Fills scanned_slots with every job's place (ring_scan's thread, from open).
  void scan_rings();
  bool scan_rings_once();
  // With read_histories: waits for read_histories() (false when the store closes first).
  bool wait_for_history_sink();
  // The job's runs were all erased: its next run takes slot 0.
  void forget_run_slots(std::string_view runs_prefix);
  // Takes the scan's table once it is done (committer thread); true once run_slots is complete.
  bool take_scanned_slots();
  // False only when no run was ever stored under `runs_prefix`: run_slots is complete and has
  // no entry for it (entries are never removed; a hash collision only answers true).
  bool runs_may_exist(std::string_view runs_prefix);
  std::size_t sweep_once();
  // True when the runs under `runs_prefix` are listed and kept: their job exists, or was deleted
  // with its runs kept less than options.deleted_job_history before `now_ms`. When not, and a
  // deleted job's record remains (its time is up, or it does not read), *stale_record is set:
  // the sweep erases it with the runs.
  bool runs_kept(const leveldb::ReadOptions& ro, std::string_view runs_prefix, int64_t now_ms,
                 bool* stale_record = nullptr) const;
  // The deleted job's record of `runs_prefix` while its runs are kept; nullopt otherwise (with
  // *stale_record as runs_kept sets it). Reads only the x/ key.
  std::optional<deleted_job_record> kept_deleted_job(const leveldb::ReadOptions& ro, std::string_view runs_prefix,
                                                     int64_t now_ms, bool* stale_record = nullptr) const;
  // True while `gone`'s runs are kept: deleted less than options.deleted_job_history ago.
  bool still_kept(const deleted_job_record& gone, int64_t now_ms) const {
    return now_ms - gone.deleted_ms < options.deleted_job_history.count();
  }

  // -- reads (state_store_reads.cc) --
  // Into `runs`, the newest max_runs_per_job runs of the job's ring, newest first (group and
  // job_id empty); `it` is left on the first key after the ring.
  // REQUIRES: db_mu held (shared) and db open; `it` is the DB's.
  status read_ring(leveldb::Iterator* it, std::string_view runs_prefix, std::vector<run_record>& runs) const;
  void run_sweeper();
};

// "data dir X is damaged: ..." and the other open/read failures, from a LevelDB status.
status storage_error(const std::string& dir, const leveldb::Status& s);

// What a read answers while the DB is closed after a failed write.
status db_closed_error(const std::string& dir);

inline bool starts_with(const leveldb::Slice& key, std::string_view prefix) {
  return key.size() >= prefix.size() && std::string_view(key.data(), prefix.size()) == prefix;
}

}  // namespace mainspring
