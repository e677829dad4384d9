#include "storage/state_store.h"

#include <algorithm>
#include <filesystem>
#include <future>

#include <leveldb/env.h>

#include "storage/background_env.h"
#include "storage/codec.h"
#include "storage/log_runway.h"
#include "storage/state_store_impl.h"
#include "storage/store_keys.h"

namespace mainspring {
namespace {

// 2: a job's runs are a ring of slots (store_keys.h); 1 keyed them by run id (migrated at open).
constexpr std::string_view k_schema_version = "2";
constexpr std::string_view k_schema_run_ids = "1";

// Deletes and puts one migration write carries at most (each job's whole history in one write).
constexpr std::size_t k_migration_ops_per_write = 20'000;

// While the DB cannot be reopened (the disk is still full), how often a write tries again: each
// try replays the log, and run records may ask many times a second.
constexpr std::chrono::milliseconds k_reopen_retry_interval{250};

// The Env of a store on the real disk: LevelDB's logs written over zeros (storage/log_runway.h),
// its compactions at a low priority (storage/background_env.h). Never destroyed, as
// leveldb::Env::Default().
leveldb::Env* runway_env() {
  static log_runway_env* env = new log_runway_env(background_env());
  return env;
}

leveldb::Options db_options(const store_options& options) {
  leveldb::Options o;
  o.create_if_missing = true;
  // Report a damaged log or table at open instead of silently dropping records. A log whose
  // tail was cut by kill -9 is still fine: LevelDB reads a torn last record as end of log, and
  // trim_logs_before_open() has cut a runway log's zeros (and a record torn before them).
  o.paranoid_checks = true;
  o.write_buffer_size = options.write_buffer_bytes;
  o.env = options.env ? options.env : runway_env();
  return o;
}

// Cuts the unwritten tails a crash left on the logs of `dir` (storage/log_runway.h), holding
// LevelDB's lock; LevelDB, opened next, would report them as corruption. Only the runway Env
// writes such tails: a store on another Env (a test's fault_env) is left as it is.
status trim_logs_before_open(const std::string& dir, const store_options& options) {
  if (options.env) return {};
  leveldb::Env* env = leveldb::Env::Default();
  leveldb::FileLock* lock = nullptr;
  // Held by another process: its DB::Open will say so, and its logs are not ours to cut.
  if (!env->LockFile(dir + "/LOCK", &lock).ok()) return {};
  status trimmed = trim_log_tails(dir);
  env->UnlockFile(lock);
  return trimmed;
}

// Rewrites a schema 1 store's run history (keys "r/<g>/<j>/<run id>") as rings of slots: each
// job's newest `cap` runs go to slots 0, 1, ... oldest first, as format 4 values. A job's new
// slots and the deletes of its old keys are one write, so a migration cut short by a crash
// resumes where it stopped (a job already moved has no 16-digit keys left). Unreadable runs
// are dropped.
leveldb::Status migrate_run_keys(leveldb::DB* db, std::size_t cap) {
  leveldb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(ro));
  leveldb::WriteBatch wb;
  std::size_t ops = 0;
  std::string job;  // the runs prefix being gathered
  std::vector<std::pair<uint64_t, std::string>> runs;  // its runs, by id (key order)
  std::vector<std::string> old_keys;
  leveldb::Status failed;
  auto finish_job = [&] {
    const std::size_t first = cap != 0 && runs.size() > cap ? runs.size() - cap : 0;
    uint32_t slot = 0;
    run_record run;
    for (std::size_t k = first; k < runs.size(); ++k) {
      if (!decode(runs[k].second, &run).ok()) continue;
      if (run.run_id == 0) run.run_id = runs[k].first;  // format 3 held it in the key
      wb.Put(run_slot_key(job, slot++), encode(run));
    }
    for (const auto& key : old_keys) wb.Delete(key);
    ops += runs.size() + old_keys.size();
    runs.clear();
    old_keys.clear();
    if (ops >= k_migration_ops_per_write && failed.ok()) {
      failed = db->Write(leveldb::WriteOptions{}, &wb);
      wb.Clear();
      ops = 0;
    }
  };
  for (it->Seek(leveldb::Slice(k_run_prefix.data(), k_run_prefix.size()));
       it->Valid() && starts_with(it->key(), k_run_prefix) && failed.ok(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    std::string_view prefix;
    uint64_t run_id = 0;
    if (!split_legacy_run_key(key, &prefix, &run_id)) continue;  // moved already
    if (prefix != job) {
      if (!job.empty()) finish_job();
      job.assign(prefix);
    }
    runs.emplace_back(run_id, it->value().ToString());
    old_keys.emplace_back(key);
  }
  if (!job.empty()) finish_job();
  if (!it->status().ok()) return it->status();
  if (!failed.ok()) return failed;
  return db->Write(leveldb::WriteOptions{}, &wb);
}

// Adds Delete(key) to *out for every key in [prefix, prefix_end) in the DB and for every key an
// earlier Put of this group commit (the round so far, and *out: the batch's own earlier ops)
// wrote there, since those are not in the DB yet.
class range_eraser : public leveldb::WriteBatch::Handler {
 public:
  range_eraser(std::string_view prefix, leveldb::WriteBatch* out) : prefix_(prefix), out_(out) {}
  void Put(const leveldb::Slice& key, const leveldb::Slice&) override {
    if (starts_with(key, prefix_)) keys_.emplace_back(key.data(), key.size());
  }
  void Delete(const leveldb::Slice&) override {}

  // REQUIRES: out (given to the constructor) is not `round`.
  status erase(leveldb::DB* db, const std::string& dir, const leveldb::WriteBatch& round) {
    if (!round.Iterate(this).ok() || !out_->Iterate(this).ok()) {
      return status::internal("state store: unreadable pending batch");
    }
    leveldb::ReadOptions ro;
    ro.fill_cache = false;
    std::unique_ptr<leveldb::Iterator> it(db->NewIterator(ro));
    for (it->Seek(leveldb::Slice(prefix_.data(), prefix_.size()));
         it->Valid() && starts_with(it->key(), prefix_); it->Next()) {
      out_->Delete(it->key());
    }
    if (!it->status().ok()) return storage_error(dir, it->status());
    for (const auto& k : keys_) out_->Delete(k);
    return {};
  }

 private:
  std::string_view prefix_;
  leveldb::WriteBatch* out_;
  std::vector<std::string> keys_;
};


// A lazy batch of run records, audit entries and in-flight markers only: the committer's history
// lane. (A marker may then be overtaken by a delete of its job in the other lane, and outlive it:
// a start drops a marker whose job is gone or younger than the run, actors/job_runs.h.)
bool is_history_only(const mutation_batch& batch) {
  using k = mutation_batch::op_kind;
  if (batch.durable() || batch.empty()) return false;
  for (const auto& op : batch.ops()) {
    const bool marker = (op.kind == k::put || op.kind == k::erase) && op.key.starts_with(k_in_flight_prefix);
    if (op.kind != k::put_run && op.kind != k::update_run && op.kind != k::put_audit && !marker) return false;
  }
  return true;
}

// The run-key prefixes whose runs `batch` deletes (now, or as orphans for the sweep).
void append_erased_run_prefixes(const mutation_batch& batch, std::vector<std::string>& out) {
  using k = mutation_batch::op_kind;
  for (const auto& op : batch.ops()) {
    if (op.kind == k::erase_job || op.kind == k::erase_runs) out.push_back(op.value);
    if (op.kind == k::erase_group) out.push_back(group_runs_prefix(op.key));
  }
}

// True when `batch` writes a run record under one of `prefixes`.
bool writes_under(const mutation_batch& batch, const std::vector<std::string>& prefixes) {
  for (const auto& op : batch.ops()) {
    if (op.kind != mutation_batch::op_kind::put_run && op.kind != mutation_batch::op_kind::update_run) continue;
    for (const auto& prefix : prefixes) {
      if (std::string_view(op.key).substr(0, prefix.size()) == prefix) return true;
    }
  }
  return false;
}

}  // namespace

status storage_error(const std::string& dir, const leveldb::Status& s) {
  const std::string msg = s.ToString();
  if (s.IsCorruption() || msg.find("No such file") != std::string::npos) {
    return status::failed_precondition("data dir " + dir + " is damaged: " + msg +
                                       "; run `mainspring repair --data-dir " + dir + "`");
  }
  if (msg.find("lock") != std::string::npos || msg.find("LOCK") != std::string::npos) {
    return status::unavailable("data dir " + dir + " is in use by another process: " + msg);
  }
  return status::unavailable("data dir " + dir + ": " + msg);
}

status db_closed_error(const std::string& dir) {
  return status::unavailable("data dir " + dir +
                             " cannot be written (the disk is full or failing); retried on the next change");
}

// -- constructors --

state_store::state_store(std::unique_ptr<impl> i) : impl_(std::move(i)) {}

status_or<std::unique_ptr<state_store>> state_store::open(const std::string& dir,
                                                          store_options options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return status::unavailable("cannot create data dir " + dir + ": " + ec.message());

  auto i = std::make_unique<impl>();
  i->dir = dir;
  i->options = options;
  if (auto trimmed = trim_logs_before_open(dir, options); !trimmed.ok()) return trimmed;
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(db_options(options), dir, &raw);
  if (!s.ok()) return storage_error(dir, s);
  i->db.reset(raw);

  // The schema version: refuse a store a newer Mainspring wrote in a layout we do not know.
  std::string schema;
  s = i->db->Get(leveldb::ReadOptions{}, leveldb::Slice(k_schema_key.data(), k_schema_key.size()),
                 &schema);
  if (s.ok() && schema == k_schema_run_ids) s = migrate_run_keys(i->db.get(), options.max_runs_per_job);
  if (s.IsNotFound() || (s.ok() && schema == k_schema_run_ids)) {
    leveldb::WriteOptions wo;
    wo.sync = true;
    s = i->db->Put(wo, leveldb::Slice(k_schema_key.data(), k_schema_key.size()),
                   leveldb::Slice(k_schema_version.data(), k_schema_version.size()));
  } else if (s.ok() && schema != k_schema_version) {
    return status::failed_precondition(
        "data dir " + dir + " has schema version " + schema + ", which this Mainspring (schema " +
        std::string(k_schema_version) + ") cannot read: run a newer Mainspring");
  }
  if (!s.ok()) return storage_error(dir, s);

  // Audit keys end in a sequence number that must keep growing across restarts.
  {
    std::unique_ptr<leveldb::Iterator> it(i->db->NewIterator(leveldb::ReadOptions{}));
    it->Seek(prefix_end(k_audit_prefix));
    if (it->Valid()) {
      it->Prev();
    } else {
      it->SeekToLast();
    }
    uint64_t seq = 0;
    if (it->Valid() && starts_with(it->key(), k_audit_prefix) &&
        audit_seq_of(std::string_view(it->key().data(), it->key().size()), &seq)) {
      i->next_audit_seq = seq + 1;
    }
    if (!it->status().ok()) return storage_error(dir, it->status());
  }

  impl* p = i.get();
  p->ring_scan = std::thread([p] { p->scan_rings(); });
  p->committer = std::thread([p] { p->run_committer(); });
  if (options.sweep_interval.count() > 0) p->sweeper = std::thread([p] { p->run_sweeper(); });
  return std::unique_ptr<state_store>(new state_store(std::move(i)));
}

status state_store::repair(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return status::not_found("data dir " + dir + " does not exist");
  }
  // RepairDB does not take LevelDB's lock: rewriting the files under a running server would
  // damage what the repair should save. A server holds the LOCK file; if we cannot take it, stop.
  leveldb::Env* env = leveldb::Env::Default();  // repair is never run on a test Env
  leveldb::FileLock* lock = nullptr;
  if (leveldb::Status held = env->LockFile(dir + "/LOCK", &lock); !held.ok())
    return status::failed_precondition("data dir " + dir +
                                       " is in use (a running server holds its LOCK); stop it first: " +
                                       held.ToString());
  env->UnlockFile(lock);
  leveldb::Status s = leveldb::RepairDB(dir, db_options(store_options{}));
  if (!s.ok()) return status::internal("repair of data dir " + dir + " failed: " + s.ToString());
  return {};
}

state_store::~state_store() {
  {
    std::lock_guard<std::mutex> lock(impl_->sweep_wait_mu);
    impl_->sweep_stop = true;
  }
  impl_->sweep_cv.notify_all();
  if (impl_->sweeper.joinable()) impl_->sweeper.join();
  {
    std::lock_guard<std::mutex> lock(impl_->histories_mu);
    impl_->ring_scan_stop = true;
  }
  impl_->histories_cv.notify_all();
  if (impl_->ring_scan.joinable()) impl_->ring_scan.join();
  {
    std::lock_guard<std::mutex> lock(impl_->queue_mu);
    impl_->closing = true;
  }
  impl_->queue_cv.notify_all();
  if (impl_->committer.joinable()) impl_->committer.join();
}

// -- writes --

void state_store::commit(mutation_batch batch, std::function<void(status)> done) {
  impl_->enqueue(std::move(batch), std::move(done));
}

void state_store::impl::enqueue(mutation_batch batch, std::function<void(status)> done) {
  bool dropped = false;
  {
    std::lock_guard<std::mutex> lock(queue_mu);
    if (!closing) {
      const std::size_t cap = options.max_queued_lazy_batches;
      if (!batch.durable() && cap != 0 && queued_lazy >= cap) {
        dropped = true;
      } else {
        if (!batch.durable()) ++queued_lazy;
        ++batches_queued;
        const bool was_idle = queue.empty() && history.empty();
        bool wake = was_idle;
        if (is_history_only(batch)) {
          history.push_back({std::move(batch), std::move(done)});
          wake = wake || (gathering && history.size() == k_history_gather_batches);
        } else {
          // Ends a history gather (it waits for any such batch) or a sync gather (for enough).
          wake = wake || (gathering && (queue.empty() || queue.size() + 1 == k_sync_gather_batches));
          queue.push_back({std::move(batch), std::move(done)});
        }
        if (wake) queue_cv.notify_one();
        return;
      }
    }
  }
  if (dropped) {
    dropped_lazy_batches.fetch_add(1, std::memory_order_relaxed);
    if (done) done(status::resource_exhausted("state store: the committer is behind; lazy write dropped"));
    return;
  }
  if (done) done(status::unavailable("state store is closed"));
}

status state_store::commit_sync(mutation_batch batch) {
  std::promise<status> promise;
  std::future<status> result = promise.get_future();
  commit(std::move(batch), [&promise](status st) { promise.set_value(std::move(st)); });
  return result.get();
}

bool state_store::impl::reopen() {
  std::unique_lock<std::shared_mutex> lock(db_mu);  // no reader holds an iterator into it
  db.reset();
  db_open = false;
  reopen_wanted = false;
  if (auto trimmed = trim_logs_before_open(dir, options); !trimmed.ok()) {
    db_error = trimmed.message();
    return false;
  }
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(db_options(options), dir, &raw);
  if (!s.ok()) {
    db_error = s.ToString();
    return false;
  }
  db.reset(raw);
  db_open = true;
  reopens.fetch_add(1, std::memory_order_relaxed);
  return true;
}

status state_store::impl::ready_to_write() {
  if (db && !reopen_wanted) return {};
  if (db || clock::now() >= next_reopen) {
    if (reopen()) return {};
    next_reopen = clock::now() + k_reopen_retry_interval;
  }
  return status::unavailable("data dir " + dir + " cannot be written (" + db_error +
                             "); nothing was changed; try again once the disk has space or works again");
}

// History first (bounded), then the rest in order: a delete of a job or group in the rest drops
// the run records still waiting for it (those in the round become orphans for the sweep).
void state_store::impl::take_round(std::vector<pending>& round, std::vector<pending>& superseded) {
  std::size_t lazy = std::min(history.size(), k_history_batches_per_round);
  for (std::size_t n = lazy; n > 0; --n) {
    round.push_back(std::move(history.front()));
    history.pop_front();
  }
  std::vector<std::string> erased_prefixes;
  for (auto& p : queue) {
    if (!p.batch.durable()) ++lazy;
    append_erased_run_prefixes(p.batch, erased_prefixes);
    round.push_back(std::move(p));
  }
  queue.clear();
  queued_lazy -= lazy;
  if (erased_prefixes.empty() || history.empty()) return;
  std::deque<pending> kept;
  for (auto& p : history) {
    if (writes_under(p.batch, erased_prefixes)) superseded.push_back(std::move(p));
    else kept.push_back(std::move(p));
  }
  queued_lazy -= superseded.size();
  history.swap(kept);
}

void state_store::impl::run_committer() {
  std::vector<pending> round, superseded;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(queue_mu);
      queue_cv.wait(lock, [this] { return !queue.empty() || !history.empty() || closing; });
      if (queue.empty() && history.empty()) return;  // closing and drained
      if (queue.empty() && history.size() < k_history_gather_batches && !closing) {
        gathering = true;
        queue_cv.wait_for(lock, k_history_gather_wait, [this] {
          return !queue.empty() || history.size() >= k_history_gather_batches || closing;
        });
        gathering = false;
      } else if (last_sync_batches > 1 && queue.size() < k_sync_gather_batches && !closing &&
                 std::any_of(queue.begin(), queue.end(), [](const pending& p) { return p.batch.durable(); })) {
        const clock::time_point due = last_sync_start + k_min_sync_interval;
        if (clock::now() < due) {
          gathering = true;
          queue_cv.wait_until(lock, due, [this] { return queue.size() >= k_sync_gather_batches || closing; });
          gathering = false;
        }
      }
      take_round(round, superseded);
    }
    // Their job or group is gone with the round's delete: nothing to write, and nothing lost.
    for (auto& p : superseded) {
      if (p.done) p.done(status{});
    }
    const std::size_t settled = superseded.size() + round.size();
    superseded.clear();
    write_round(round);
    round.clear();
    settle(settled);
  }
}

void state_store::impl::settle(std::size_t n) {
  {
    std::lock_guard<std::mutex> lock(queue_mu);
    batches_settled += n;
  }
  settled_cv.notify_all();
}

void state_store::drain() {
  std::unique_lock<std::mutex> lock(impl_->queue_mu);
  const uint64_t target = impl_->batches_queued;
  impl_->settled_cv.wait(lock, [&] { return impl_->batches_settled >= target; });
}

// Adds one op to *out. Range deletes also see the round's and this batch's earlier puts.
status state_store::impl::apply_op(const mutation_batch::op& op, leveldb::WriteBatch* out,
                                   const leveldb::WriteBatch& round) {
  using k = mutation_batch::op_kind;
  switch (op.kind) {
    case k::put:
      out->Put(op.key, op.value);
      return {};
    case k::put_run:
      out->Put(next_run_key(op.key, op.value), op.value);
      return {};
    case k::update_run:
      out->Put(slot_of_run(op.key, op.value), op.value);
      return {};
    case k::erase_run_if:
    case k::erase_orphan_run:
      return {};  // apply_conditional_erases wrote it ahead of the round
    case k::erase:
      out->Delete(op.key);
      return {};
    case k::put_audit:
      out->Put(op.key + hex16(next_audit_seq++), op.value);
      return {};
    case k::erase_job:
      out->Delete(op.key);  // its runs are orphans now: reads skip them, the sweep erases them
      return {};
    case k::erase_runs:
      // A create under a client's id erases the runs a deleted job of that id may have left;
      // nearly always there are none, and the table says so without a LevelDB iterator (2% of a
      // create's CPU). A deleted job's record is only written for a job that has runs.
      if (!runs_may_exist(op.value)) return {};
      out->Delete(deleted_job_key_of_runs_prefix(op.value));
      forget_run_slots(op.value);
      return range_eraser(op.value, out).erase(db.get(), dir, round);
    case k::erase_range:
      return range_eraser(op.value, out).erase(db.get(), dir, round);
    case k::erase_group:
      out->Delete(group_key(op.key));
      for (const auto& prefix : {group_jobs_prefix(op.key), group_funcs_prefix(op.key), group_nodes_prefix(op.key),
                                 group_waiting_prefix(op.key), group_deleted_jobs_prefix(op.key),
                                 group_in_flight_prefix(op.key)}) {
        if (status st = range_eraser(prefix, out).erase(db.get(), dir, round); !st.ok()) {
          return st;
        }
      }
      return {};
  }
  return status::internal("state store: unknown mutation");
}

// A batch with a range delete is built on its own first, so that a failed range scan leaves
// nothing of it in the round.
status state_store::impl::append_batch(const mutation_batch& batch, leveldb::WriteBatch& round) {
  if (!batch.has_range_delete()) {
    for (const auto& op : batch.ops()) apply_op(op, &round, round);
    return {};
  }
  leveldb::WriteBatch own;
  for (const auto& op : batch.ops()) {
    if (status st = apply_op(op, &own, round); !st.ok()) return st;
  }
  round.Append(own);
  return {};
}

// Everything queued while the last write synced becomes one WriteBatch and one (synced) write.
void state_store::impl::write_round(std::vector<pending>& round) {
  if (status ready = ready_to_write(); !ready.ok()) {
    for (auto& p : round) {
      failed_batches.fetch_add(1, std::memory_order_relaxed);
      if (!p.done) continue;
      try {
        p.done(ready);
      } catch (...) {
      }
    }
    return;
  }
  leveldb::WriteBatch wb;
  std::vector<status> outcome(round.size());
  bool sync = false;
  apply_conditional_erases(round, wb);
  for (std::size_t b = 0; b < round.size(); ++b) {
    outcome[b] = append_batch(round[b].batch, wb);
    if (outcome[b].ok() && round[b].batch.durable()) sync = true;
  }

  leveldb::WriteOptions wo;
  wo.sync = sync;
  const auto start = clock::now();
  if (sync) {
    last_sync_start = start;
    last_sync_batches = static_cast<std::size_t>(
        std::count_if(round.begin(), round.end(), [](const pending& p) { return p.batch.durable(); }));
  }
  const leveldb::Status s = db->Write(wo, &wb);
  record_commit(round.size(), clock::now() - start);

  const status write_status =
      s.ok() ? status{}
             : status::unavailable("data dir " + dir + ": the change could not be stored, so it was not made (" +
                                   s.ToString() + "); try again once the disk has space or works again");
  // LevelDB refuses every write after a failed sync, and its log may end in a torn record: the
  // DB is reopened (which also drops what the failed write left) before anything else is written.
  if (!s.ok()) reopen();
  for (std::size_t b = 0; b < round.size(); ++b) {
    status st = outcome[b].ok() ? write_status : outcome[b];
    (st.ok() ? batches : failed_batches).fetch_add(1, std::memory_order_relaxed);
    if (!round[b].done) continue;
    try {
      round[b].done(std::move(st));
    } catch (...) {  // REQUIRES says done does not throw; do not let one kill the committer
    }
  }
}

void state_store::impl::record_commit(std::size_t batches_in_round, clock::duration took) {
  const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(took).count();
  commits.fetch_add(1, std::memory_order_relaxed);
  last_batch_size.store(batches_in_round, std::memory_order_relaxed);
  if (batches_in_round > max_batch_size.load(std::memory_order_relaxed)) {
    max_batch_size.store(batches_in_round, std::memory_order_relaxed);
  }
  last_commit_us.store(us, std::memory_order_relaxed);
  total_commit_us.fetch_add(us, std::memory_order_relaxed);
  if (us > max_commit_us.load(std::memory_order_relaxed)) {
    max_commit_us.store(us, std::memory_order_relaxed);
  }
  if (options.on_commit) options.on_commit(batches_in_round, std::chrono::duration<double>(took).count());
}

// -- properties --

store_stats state_store::stats() const {
  const impl& i = *impl_;
  store_stats out;
  out.commits = i.commits.load();
  out.batches = i.batches.load();
  out.failed_batches = i.failed_batches.load();
  out.last_batch_size = i.last_batch_size.load();
  out.max_batch_size = i.max_batch_size.load();
  out.last_commit_us = i.last_commit_us.load();
  out.max_commit_us = i.max_commit_us.load();
  out.total_commit_us = i.total_commit_us.load();
  out.runs_trimmed = i.runs_trimmed.load();
  out.orphan_runs_erased = i.orphan_runs_erased.load();
  out.corrupt_runs_skipped = i.corrupt_runs_skipped.load();
  out.dropped_lazy_batches = i.dropped_lazy_batches.load();
  out.reopens = i.reopens.load();
  out.db_open = i.db_open.load();
  {
    std::lock_guard<std::mutex> lock(impl_->queue_mu);
    out.queued_batches = impl_->queue.size() + impl_->history.size();
  }
  return out;
}

const std::string& state_store::dir() const {
  return impl_->dir;
}

}  // namespace mainspring
