// Internals of state_store shared by its three source files (state_store.cc: open, close and
// the committer; state_store_reads.cc: the read paths; state_store_retention.cc: history
// trimming). Not for use outside storage/.
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
  std::size_t trim_interval = 1;
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
  std::thread committer;

  // -- committer thread only --
  uint64_t next_audit_seq = 0;
  // Where each job's runs began at its last trim, so that the next trim seeks past the keys that
  // trim deleted: LevelDB keeps a deleted key as a tombstone until compaction reaches the bottom
  // level, and a scan from the job's first key walks every one of them (at steady state most of
  // a trim's cost). A direct-mapped table by a hash of the job's runs prefix: a job whose slot
  // another job took scans from its first key, as without the table.
  struct trim_floor {
    uint64_t tag = 0;       // the prefix's hash; 0 = empty
    uint64_t run_id = 0;    // the oldest run the last trim kept
  };
  std::vector<trim_floor> trim_floors;

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
  void run_committer();
  // Moves the next round out of the lanes (queue_mu held); `superseded` gets the history batches
  // that a range delete in the round made pointless.
  void take_round(std::vector<pending>& round, std::vector<pending>& superseded);
  void write_round(std::vector<pending>& round);
  status append_batch(const mutation_batch& batch, leveldb::WriteBatch& round,
                      std::vector<std::string>& to_trim);
  status apply_op(const mutation_batch::op& op, leveldb::WriteBatch* out,
                  const leveldb::WriteBatch& round, std::vector<std::string>& to_trim);
  void record_commit(std::size_t batches_in_round, clock::duration took);
  // Closes the DB and opens it again (after a failed write); false while the open fails.
  bool reopen();
  // The DB is open (reopened when it has to be), or the error every batch of the round gets.
  status ready_to_write();

  // -- retention (state_store_retention.cc) --
  // True when this put_run should be followed by a check of its job's run count.
  bool should_trim_after(uint64_t run_id) const;
  // Deletes the oldest runs of each job (by runs prefix) beyond max_runs_per_job.
  void trim_jobs(std::vector<std::string>& job_run_prefixes);
  std::size_t sweep_once();
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
