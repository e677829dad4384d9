// state_store: everything Mainspring must remember across restarts, in one LevelDB.
//
// Groups, jobs, Lua functions, worker nodes, API keys, run history and the audit log live
// under the key layout of store_keys.h (documented in storage/README.md). Writes go through
// commit(): one committer thread gathers every mutation_batch queued while the previous write
// was syncing and writes them as ONE synced leveldb::WriteBatch ("group commit"), so a burst
// of N concurrent requests costs about one fsync, not N. A batch's done callback runs, on the
// committer thread, only after its changes are on disk; a batch is applied entirely or not at
// all. Batches are written in the order committed, with one exception: lazy batches of only run
// records and audit entries (run history) may be overtaken by later batches, at most
// k_history_batches_per_round of them per round, so that a durable change never waits behind a
// run-history backlog; a job or group delete drops the history still queued for it.
//
// Deleting a job or group does not erase its runs in the deleting write (mutation_batch.h): they
// are orphans that list_group_runs() skips and the background sweep erases, at most
// k_orphan_runs_per_sweep_tick a tick. A job deleted with delete_job_keeping_runs() keeps its
// runs for store_options::deleted_job_history: list_group_runs() lists them and
// list_deleted_jobs() names the job; after that they are orphans like the others.
//
// Run history is bounded: store_options.max_runs_per_job (each job's runs are a ring of that many
// slots, a new run overwriting the oldest: no trim, no delete, no read on the write path) and
// max_run_age (a background sweep walking a bounded number of keys per tick). Neither ever
// scans the whole store on a write path.
//
// Example:
//   auto opened = state_store::open("/var/lib/mainspring", {});
//   if (!opened.ok()) return opened.status();    // "data dir ... is damaged: ...; run ..."
//   std::unique_ptr<state_store> store = std::move(opened).value();
//   store->commit(mutation_batch{}.put_job(job).put_audit(entry),
//                 [reply](status st) { reply(st); });        // after the sync
//   store->load_all({.on_group = ..., .on_job = ..., .on_func = ...});   // at restart
//   auto runs = store->list_runs("YM55", "12", /*limit=*/20);           // newest first
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/job.h"
#include "core/node.h"
#include "core/run_record.h"
#include "core/run_tally.h"
#include "core/status.h"
#include "storage/mutation_batch.h"
#include "storage/records.h"

namespace leveldb {
class Env;
}

namespace mainspring {

// The default bound of store_options::max_queued_lazy_batches: about 20 MB of run records, a
// fraction of a second of writes at the rates the committer sustains.
inline constexpr std::size_t k_max_queued_lazy_batches = 50'000;

// Run-history batches (run records, audit entries) one commit round takes at most, ahead of the
// round's durable writes: about 5 ms of writing, the most a synced change waits behind history
// when the committer is behind (state_store_impl.h).
inline constexpr std::size_t k_history_batches_per_round = 512;

// A round of nothing but run history waits up to k_history_gather_wait for this many batches
// before it writes. Each LevelDB write is a write() system call and a pass through its writer
// queue: at 125,000 runs/s the committer wrote rounds of about 8 records, 15,000 writes a
// second. A durable change ends the wait at once.
inline constexpr std::size_t k_history_gather_batches = 256;
inline constexpr std::chrono::milliseconds k_history_gather_wait{1};

// A synced round starts at least k_min_sync_interval after the last one began, unless
// k_sync_gather_batches are waiting: fewer, larger syncs. On the AMD test machine a VM's
// fdatasync stalled 3-6 ms on a 100 ms cycle once syncs passed about 400 a second (open-loop
// creates at 5,000/s synced 1,400 times a second, 3-4 creates each, p99 12.8 ms). Only while
// writers are concurrent (the last synced round carried more than one durable batch): a client alone,
// even back to back, waits for nothing.
inline constexpr std::chrono::microseconds k_min_sync_interval{2000};
inline constexpr std::size_t k_sync_gather_batches = 16;

// Runs of deleted jobs (orphans) one sweep tick erases at most: one write of this many deletes
// takes a few milliseconds, so durable writes never wait long behind it. While orphans remain,
// the next tick follows after k_orphan_sweep_pause instead of the sweep interval: the history of
// 200,000 jobs of 100 runs each is gone in about two minutes, in the background.
inline constexpr std::size_t k_orphan_runs_per_sweep_tick = 20'000;
inline constexpr std::chrono::milliseconds k_orphan_sweep_pause{100};

struct store_options {
  // Runs kept per job (the slots of its ring); 0 = no count limit. Lowering it between opens
  // leaves the slots past the new cap to the sweep; reads list only the newest max_runs_per_job.
  std::size_t max_runs_per_job = 100;
  // Runs older than this (by their latest of plan, start and end) are swept; 0 = no age limit.
  std::chrono::milliseconds max_run_age{0};
  // How long a job deleted with mutation_batch::delete_job_keeping_runs keeps its runs (listed
  // by list_group_runs, its record by list_deleted_jobs); 0 = its runs go with it.
  std::chrono::milliseconds deleted_job_history{0};
  // Background retention sweep period; 0 = no sweep thread (call sweep_retention() yourself).
  std::chrono::milliseconds sweep_interval{1000};
  // Run keys one sweep tick reads at most (it always finishes the job it is in).
  std::size_t sweep_keys_per_tick = 10'000;
  // LevelDB memtable size: larger absorbs run-history bursts, smaller replays faster at open.
  std::size_t write_buffer_bytes = 16u << 20;
  // Lazy (non-durable) batches waiting for the committer at most: run records and heartbeats
  // beyond it are dropped and counted (store_stats::dropped_lazy_batches) rather than queued
  // without bound when writes come faster than the disk takes them. Durable batches (changes a
  // client waits for) always queue. 0 = no bound.
  std::size_t max_queued_lazy_batches = k_max_queued_lazy_batches;
  // Told of every group commit (mutation_batches in it, seconds the write took), on the
  // committer thread; for metrics. Must be quick and must not throw.
  std::function<void(std::size_t batches, double seconds)> on_commit;
  // The file system LevelDB works through; null = leveldb::Env::Default(). Tests give a
  // fault_env (storage/fault_env.h) to fail writes and syncs or to lose power. Must outlive the
  // store.
  leveldb::Env* env = nullptr;
  // Called on the ring scan's thread once its iterator is made, before it reads
  // (state_store_impl.h): tests hold the scan back to see the runs a job finishes meanwhile,
  // which the scan does not see. Null in the server.
  std::function<void()> before_ring_scan;
  // Called on the ring scan's thread as it starts, before it looks for the DB: tests hold it
  // there while a failed write closes the DB. Null in the server.
  std::function<void()> ring_scan_starting;
  // The ring scan also reads each job's history for state_store::read_histories(), and waits for
  // that call before it reads (the server makes it once the stored jobs are restored).
  bool read_histories = false;
};

// Receives, on the ring scan's thread, the history of one job that has stored runs.
using history_sink = std::function<void(std::string group, std::string job_id, stored_history history)>;

// Counters for metrics. Latencies are of the WriteBatch write including its sync.
struct store_stats {
  uint64_t commits = 0;          // group commits (WriteBatches) written
  uint64_t batches = 0;          // mutation_batches acknowledged ok
  uint64_t failed_batches = 0;   // mutation_batches acknowledged with an error
  uint64_t last_batch_size = 0;  // mutation_batches in the last group commit
  uint64_t max_batch_size = 0;
  int64_t last_commit_us = 0;
  int64_t max_commit_us = 0;
  int64_t total_commit_us = 0;        // divide by commits for the mean
  uint64_t queued_batches = 0;        // waiting for the committer right now
  uint64_t dropped_lazy_batches = 0;  // lazy batches refused: the committer was too far behind
  uint64_t runs_trimmed = 0;          // run records overwritten or deleted by retention
  uint64_t orphan_runs_erased = 0;    // runs of deleted jobs and groups erased by the sweep
  uint64_t corrupt_runs_skipped = 0;  // unreadable run records list_runs passed over
  uint64_t reopens = 0;               // times the DB was reopened after a failed write
  bool db_open = true;                // false while a failed write's reopen has not succeeded yet
};

// What load_all() calls for each stored record; a null function skips that kind (and its
// scan). The initializers let a caller name only the kinds it wants ({.on_job = ...}) without
// -Wmissing-field-initializers.
struct load_visitor {
  std::function<void(group_spec&&)> on_group = nullptr;
  std::function<void(job_spec&&)> on_job = nullptr;
  std::function<void(func_spec&&)> on_func = nullptr;
  std::function<void(node_spec&&)> on_node = nullptr;
  std::function<void(api_key_record&&)> on_api_key = nullptr;
  std::function<void(waiting_record&&)> on_waiting = nullptr;  // in queue order within a job
  // Runs that were in flight when the last process ended without recording them
  // (mutation_batch::put_in_flight), by job and run id, with their group and job id. A marker
  // whose key or value does not read is skipped, not an error: it is a hint, not state.
  std::function<void(run_record&&)> on_in_flight = nullptr;
  // The meta values (mutation_batch::put_meta) whose name starts with `meta_prefix`, by name, in
  // name order, as stored: what a caller keeps there per group (the runtime's run pools, which
  // a dump reads) in the same snapshot as the records.
  std::string meta_prefix;
  std::function<void(std::string_view name, std::string_view value)> on_meta = nullptr;
};

class state_store {
 public:
  // -- constructors --

  // Opens (creating if missing) the store in `dir`. A damaged store gives failed_precondition,
  // "data dir X is damaged: <leveldb message>; run `mainspring repair --data-dir X`"; a store
  // another process holds gives unavailable.
  static status_or<std::unique_ptr<state_store>> open(const std::string& dir,
                                                      store_options options = {});

  // Rebuilds a damaged store with leveldb::RepairDB (keeps every record it can read).
  // REQUIRES: no process has `dir` open.
  static status repair(const std::string& dir);

  // Stops the sweep, then commits everything still queued (calling each done) and closes.
  ~state_store();
  state_store(const state_store&) = delete;
  state_store& operator=(const state_store&) = delete;

  // -- writes --

  // Queues `batch`; `done` (may be empty) gets ok once the batch is applied (and synced when
  // durable), or the write error: unavailable, and then nothing of the batch is in the store,
  // now or after a restart. After a failed write (disk full, an IO error) the committer closes
  // and reopens the DB (LevelDB refuses every write after a failed sync, and a log written past
  // a failed append cannot be trusted); until a reopen succeeds, commits and reads answer
  // unavailable, and each later round tries the reopen again, so writes resume without a
  // restart once space is back. Thread-safe. done runs on the committer thread and must be
  // short and must not throw; it may call commit() again (but not commit_sync). A lazy batch
  // (not durable) over max_queued_lazy_batches is dropped: done gets resource_exhausted at once,
  // on the caller's thread.
  void commit(mutation_batch batch, std::function<void(status)> done);

  // commit() and wait. REQUIRES: not called from a done callback.
  status commit_sync(mutation_batch batch);

  // Waits until every batch commit() queued before this call is written (or failed) and its
  // done has returned; batches queued meanwhile are not waited for. An owner calls it before it
  // tears down what those callbacks reach (scheduler_runtime::stop() before the actor system
  // they send to), since done runs on the committer thread. REQUIRES: not called from a done
  // callback.
  void drain();

  // -- reads (thread-safe, concurrent with commits; each sees a consistent snapshot) --

  // Streams every group, then every job, every function, every worker node and every API key,
  // the waiting runs, the in-flight markers and the meta values asked for (each kind in key
  // order, all from one snapshot). Stops at the first unreadable record with a status naming
  // its key.
  status load_all(const load_visitor& visitor) const;

  // Up to `limit` runs of the job, newest first; with before_run_id != 0 only runs with a
  // smaller id (the next page). Reads the job's whole ring (max_runs_per_job values at most,
  // more only after the cap was lowered) and lists only its newest max_runs_per_job runs.
  // Unreadable records are skipped and counted in stats().
  status_or<std::vector<run_record>> list_runs(std::string_view group, std::string_view job_id,
                                               std::size_t limit, uint64_t before_run_id = 0) const;

  // The keys of the job's stored runs among `run_ids` with their records, in key order: what a
  // delete of single runs erases (mutation_batch::erase_run_if, which leaves a slot a newer run
  // has taken since). Runs not in the job's history are left out. Unreadable records are skipped.
  struct stored_run {
    std::string key;
    run_record run;
  };
  status_or<std::vector<stored_run>> find_runs(std::string_view group, std::string_view job_id,
                                               const std::vector<uint64_t>& run_ids) const;

  // Up to `limit` runs of every job of the group whose planned time is in [from_ms, to_ms]
  // (both inclusive), newest run id first (ids grow with time), of each job's newest
  // max_runs_per_job runs. Reads the group's whole run history (max_runs_per_job runs per job):
  // for dialects that list a group's executions.
  // Unreadable records are skipped and counted in stats().
  status_or<std::vector<run_record>> list_group_runs(std::string_view group, int64_t from_ms, int64_t to_ms,
                                                     std::size_t limit) const;

  // Up to `limit` jobs of the group deleted with their runs kept, whose
  // store_options::deleted_job_history has not passed, in key (job id) order: what a list of
  // the group's runs shows of their jobs. Unreadable records are skipped.
  status_or<std::vector<deleted_job_record>> list_deleted_jobs(std::string_view group, std::size_t limit) const;

  // The job's record when it is gone but its runs are kept (list_deleted_jobs would name it);
  // not_found otherwise. Two point reads.
  status_or<deleted_job_record> find_deleted_job(std::string_view group, std::string_view job_id) const;

  // Up to `limit` audit entries with from_ms <= time_ms < to_ms, oldest first.
  status_or<std::vector<audit_entry>> audit_range(int64_t from_ms, int64_t to_ms,
                                                  std::size_t limit) const;
  // The newest `limit` audit entries of `group` with from_ms <= time_ms < to_ms, oldest first:
  // read from the end of the range back, so that a range holding more keeps its latest entries
  // (entries of every group share one time-ordered log; each one read is decoded to see its
  // group). At most k_max_audit_entries_scanned entries are read, whatever the range, so that a
  // wide range over a busy log answers in bounded time.
  static constexpr std::size_t k_max_audit_entries_scanned = 200'000;
  status_or<std::vector<audit_entry>> latest_group_audit(std::string_view group, int64_t from_ms, int64_t to_ms,
                                                         std::size_t limit,
                                                         std::size_t max_scanned = k_max_audit_entries_scanned) const;
  // The same over the entries of any of `groups`, in the log's one order (a dialect whose log
  // holds its group's changes and global ones, group "": API keys, the scheduler's switch).
  status_or<std::vector<audit_entry>> latest_group_audit(const std::vector<std::string>& groups, int64_t from_ms,
                                                         int64_t to_ms, std::size_t limit,
                                                         std::size_t max_scanned = k_max_audit_entries_scanned) const;

  // -- retention and properties --

  // One tick of the retention sweep (what the sweep thread runs every sweep_interval): walks
  // at most about sweep_keys_per_tick run keys from where the last tick stopped, deleting runs
  // past max_run_age and beyond max_runs_per_job. Returns the runs it deleted.
  std::size_t sweep_retention();

  // With store_options::read_histories: the ring scan, which waits for this call, gives `each`
  // the history of every job with stored runs (core/run_tally.h: its tally and newest run), then
  // calls `done`, both on its own thread; neither when the store closes first. Call once.
  void read_histories(history_sink each, std::function<void()> done);

  // True once the scan that open() starts has found every job's place in its ring (a pass
  // over the run history, about 5 million runs a second). Until then a finished run is kept
  // under its run id (store_keys.h), which reads list as any other and the sweep later trims.
  bool rings_scanned() const;

  // The value put_meta() stored under `name`, or nullopt when there is none.
  status_or<std::optional<std::string>> get_meta(std::string_view name) const;

  store_stats stats() const;
  const std::string& dir() const;

 private:
  struct impl;
  explicit state_store(std::unique_ptr<impl> impl);

  // -- member variables --
  std::unique_ptr<impl> impl_;
};

}  // namespace mainspring
