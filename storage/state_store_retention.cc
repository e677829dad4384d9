// Run history retention: each job's ring of run slots, and the age/count sweep.
#include <algorithm>
#include <functional>
#include <future>
#include <optional>
#include <thread>

#include "core/time_types.h"
#include "storage/codec.h"
#include "storage/history_reader.h"
#include "storage/state_store_impl.h"
#include "storage/store_keys.h"

namespace mainspring {
namespace {

int64_t latest_time_ms(const run_record& r) {
  return std::max({r.plan_ms, r.start_ms, r.end_ms});
}

// How often the ring scan looks again for a DB that a failed write closed (scan_rings).
constexpr std::chrono::milliseconds k_ring_scan_retry_interval{100};

// The sweep's deletes one committer round checks at most: each erase_run_if is a Get (a few
// microseconds), so a round of them holds durable writes back a few milliseconds at most.
constexpr std::size_t k_sweep_erases_per_write = 1'000;

uint64_t tag_of(std::string_view runs_prefix) {
  return std::hash<std::string_view>{}(runs_prefix) | 1;  // 0 marks an empty tag_table slot
}

// Where a job's ring goes on, from its slots: after the newest run's slot, which holds the
// oldest run once the ring is full, or is the first free slot while it fills.
class ring_place {
 public:
  explicit ring_place(uint64_t cap) : cap_(cap) {}

  void add(uint32_t slot, uint64_t run_id) {
    if (cap_ == 0 || slot < cap_) ++in_ring_;
    if (!any_ || run_id > newest_id_) {
      any_ = true;
      newest_id_ = run_id;
      newest_slot_ = slot;
    }
  }
  // The value run_slots keeps for the job (state_store_impl.h).
  uint32_t value() const {
    if (!any_) return 0;
    const uint64_t next = uint64_t{newest_slot_} + 1;
    if (cap_ == 0) return static_cast<uint32_t>(next);
    const uint64_t in_cap = next < cap_ ? next : 0;
    return static_cast<uint32_t>(in_ring_ >= cap_ ? in_cap + cap_ : in_cap);
  }

 private:
  uint64_t cap_;
  bool any_ = false;
  uint64_t newest_id_ = 0;
  uint32_t newest_slot_ = 0;
  uint64_t in_ring_ = 0;  // slots below the cap holding a readable run
};

}  // namespace

bool state_store::impl::take_scanned_slots() {
  if (slots_known || !ring_scan_done.load(std::memory_order_acquire)) return slots_known;
  run_slots = std::move(scanned_slots);
  for (uint64_t tag : id_kept_jobs) run_slots.insert_or_get(tag, 0);  // 0: no ring yet
  id_kept_jobs = {};
  slots_known = true;
  return true;
}

bool state_store::impl::runs_may_exist(std::string_view runs_prefix) {
  return !take_scanned_slots() || run_slots.find(tag_of(runs_prefix)) != nullptr;
}

const std::string& state_store::impl::next_run_key(std::string_view runs_prefix, std::string_view value) {
  slot_key.assign(runs_prefix);
  const uint64_t tag = tag_of(runs_prefix);
  if (!take_scanned_slots()) {  // kept under its id (put_run's values always carry it)
    uint64_t run_id = 0;
    run_id_of_value(value, &run_id);
    slot_key += hex16(run_id);
    // The scan may have passed this job already: the hand-over adds it.
    if (id_kept_jobs.empty() || id_kept_jobs.back() != tag) id_kept_jobs.push_back(tag);
    return slot_key;
  }
  const uint64_t cap = options.max_runs_per_job;
  uint32_t& place = run_slots.insert_or_get(tag, 0);  // absent: a job with no ring yet
  uint32_t slot = place;
  if (cap == 0) {
    ++place;
  } else {
    if (slot >= cap) {  // the ring is full: this run overwrites the oldest
      slot -= static_cast<uint32_t>(cap);
      runs_trimmed.fetch_add(1, std::memory_order_relaxed);
    }
    place = place + 1 < 2 * cap ? place + 1 : static_cast<uint32_t>(cap);
  }
  append_run_slot(slot_key, slot);
  return slot_key;
}

const std::string& state_store::impl::slot_of_run(std::string_view runs_prefix, std::string_view value) {
  uint64_t wanted = 0;
  if (!run_id_of_value(value, &wanted)) return next_run_key(runs_prefix, value);
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(leveldb::ReadOptions{}));
  for (it->Seek(leveldb::Slice(runs_prefix.data(), runs_prefix.size()));
       it->Valid() && starts_with(it->key(), runs_prefix); it->Next()) {
    std::string_view prefix;
    uint64_t id = 0;
    if (split_any_run_key(std::string_view(it->key().data(), it->key().size()), &prefix) &&
        prefix.size() == runs_prefix.size() &&
        run_id_of_value(std::string_view(it->value().data(), it->value().size()), &id) && id == wanted) {
      slot_key.assign(it->key().data(), it->key().size());
      return slot_key;
    }
  }
  return next_run_key(runs_prefix, value);
}

// The DB is null while the reopen after a failed write has not succeeded (the disk still full,
// perhaps before the scan began): the scan waits for the committer's next reopen.
void state_store::impl::scan_rings() {
  if (options.ring_scan_starting) options.ring_scan_starting();
  if (options.read_histories && !wait_for_history_sink()) return;
  while (!scan_rings_once()) {
    if (ring_scan_stop.load(std::memory_order_relaxed)) return;
    std::this_thread::sleep_for(k_ring_scan_retry_interval);
  }
  if (ring_scan_stop.load(std::memory_order_relaxed)) return;
  ring_scan_done.store(true, std::memory_order_release);
  if (histories_done) histories_done();
}

bool state_store::impl::wait_for_history_sink() {
  std::unique_lock<std::mutex> lock(histories_mu);
  histories_cv.wait(lock, [this] { return histories_each || ring_scan_stop.load(std::memory_order_relaxed); });
  return histories_each && !ring_scan_stop.load(std::memory_order_relaxed);
}

// One pass over every run key in key order (about 5 million keys a second here), holding the
// DB open (a reopen after a failed write waits for it); false when there is no DB to read.
bool state_store::impl::scan_rings_once() {
  {
    std::shared_lock<std::shared_mutex> db_lock(db_mu);
    if (!db) return false;
    leveldb::ReadOptions ro;
    ro.fill_cache = false;  // a bulk scan must not evict the hot set
    std::unique_ptr<leveldb::Iterator> it(db->NewIterator(ro));
    if (options.before_ring_scan) options.before_ring_scan();
    std::string job;
    ring_place place(options.max_runs_per_job);
    // Each job's history, for read_histories (this pass's: a retried pass starts again).
    std::optional<history_reader> history;
    if (histories_each) history.emplace();
    auto finish_job = [&] {
      if (job.empty()) return;
      scanned_slots.insert_or_get(tag_of(job), place.value());
      if (!history) return;
      std::optional<stored_history> h = history->finish();
      std::string group, job_id;
      if (!h || !run_owner_of_runs_prefix(job, &group, &job_id)) return;
      if (h->newest) {
        h->newest->group = group;
        h->newest->job_id = job_id;
      }
      histories_each(std::move(group), std::move(job_id), std::move(*h));
    };
    for (it->Seek(leveldb::Slice(k_run_prefix.data(), k_run_prefix.size()));
         it->Valid() && starts_with(it->key(), k_run_prefix); it->Next()) {
      if (ring_scan_stop.load(std::memory_order_relaxed)) return true;
      std::string_view prefix;
      uint32_t slot = 0;
      uint64_t id = 0;
      if (!split_any_run_key(std::string_view(it->key().data(), it->key().size()), &prefix)) continue;
      if (prefix != job) {
        finish_job();
        job.assign(prefix);
        place = ring_place(options.max_runs_per_job);
      }
      const std::string_view value(it->value().data(), it->value().size());
      if (history) history->add(value);
      // Runs kept under their id are not in the ring: they do not move its place.
      if (split_run_key(std::string_view(it->key().data(), it->key().size()), &prefix, &slot) &&
          run_id_of_value(value, &id))
        place.add(slot, id);
    }
    finish_job();
  }
  return true;
}

std::optional<deleted_job_record> state_store::impl::kept_deleted_job(const leveldb::ReadOptions& ro,
                                                                    std::string_view runs_prefix, int64_t now_ms,
                                                                    bool* stale_record) const {
  std::string value;
  if (!db->Get(ro, deleted_job_key_of_runs_prefix(runs_prefix), &value).ok()) return std::nullopt;
  deleted_job_record gone;
  if (decode(value, &gone).ok() && still_kept(gone, now_ms)) return gone;
  if (stale_record != nullptr) *stale_record = true;
  return std::nullopt;
}

bool state_store::impl::runs_kept(const leveldb::ReadOptions& ro, std::string_view runs_prefix, int64_t now_ms,
                                  bool* stale_record) const {
  std::string value;
  if (!db->Get(ro, job_key_of_runs_prefix(runs_prefix), &value).IsNotFound()) return true;
  return kept_deleted_job(ro, runs_prefix, now_ms, stale_record).has_value();
}

void state_store::impl::forget_run_slots(std::string_view runs_prefix) {
  if (uint32_t* place = run_slots.find(tag_of(runs_prefix))) *place = 0;
}

// Before the round's other ops, so that a run a put_run of this same round writes to the slot
// is not the one erased; runs of earlier rounds are in the DB, where Get sees them. An orphan's
// job is looked up once for its run of consecutive slots (the sweep sends a job's together); a
// deleted job's record whose time is up goes with its first run.
void state_store::impl::apply_conditional_erases(const std::vector<pending>& round, leveldb::WriteBatch& wb) {
  std::string value;
  std::string orphan_prefix;  // the job last looked up, and whether its runs are no longer kept
  bool orphaned = false;
  const int64_t now = to_unix_ms(now_ms());
  for (const auto& p : round) {
    if (!p.batch.has_conditional_erase()) continue;
    for (const auto& op : p.batch.ops()) {
      if (op.kind == mutation_batch::op_kind::erase_orphan_run) {
        std::string_view prefix;
        if (!split_any_run_key(op.key, &prefix)) continue;
        if (prefix != orphan_prefix) {
          orphan_prefix.assign(prefix);
          bool stale_record = false;
          orphaned = !runs_kept(leveldb::ReadOptions{}, prefix, now, &stale_record);
          if (stale_record) wb.Delete(deleted_job_key_of_runs_prefix(prefix));
        }
        if (orphaned) wb.Delete(op.key);
        continue;
      }
      if (op.kind != mutation_batch::op_kind::erase_run_if) continue;
      uint64_t wanted = 0, held = 0;
      if (!parse_hex16(op.value, &wanted)) continue;
      if (!db->Get(leveldb::ReadOptions{}, op.key, &value).ok()) continue;  // gone already
      if (run_id_of_value(value, &held) && held == wanted) wb.Delete(op.key);
    }
  }
}

// Walks run keys from the cursor in key order, i.e. job by job (each job's ring in slot order).
// A job whose key is gone (deleted: its runs were left as orphans, or kept for a while that has
// passed) loses all its runs; those
// count against their own, larger budget, as they need no decoding. The deletes go through the
// committer (erase_run_if, erase_orphan_run), k_sweep_erases_per_write at a time: a run written
// to a slot since the walk read it stays, and no round waits long behind the checks.
std::size_t state_store::impl::sweep_once() {
  const bool by_age = options.max_run_age.count() > 0;
  const uint64_t cap = options.max_runs_per_job;
  std::lock_guard<std::mutex> lock(sweep_mu);
  std::vector<mutation_batch> writes(1);
  std::size_t deleted = 0, orphans = 0;
  auto erases = [&writes]() -> mutation_batch& {
    if (writes.back().size() >= k_sweep_erases_per_write) writes.emplace_back();
    return writes.back();
  };
  {
    std::shared_lock<std::shared_mutex> db_lock(db_mu);
    if (!db) return 0;  // closed after a failed write; the next tick tries again
    const int64_t cutoff_ms = to_unix_ms(now_ms()) - options.max_run_age.count();

    // One snapshot for the walk and the job lookups: a job created after it (under an id whose
    // orphans are being erased) is not seen, and its runs are not erased (erase_orphan_run).
    const leveldb::Snapshot* snapshot = db->GetSnapshot();
    struct release_snapshot {
      leveldb::DB* db;
      const leveldb::Snapshot* s;
      ~release_snapshot() { db->ReleaseSnapshot(s); }
    } release{db.get(), snapshot};
    leveldb::ReadOptions ro;
    ro.fill_cache = false;
    ro.snapshot = snapshot;
    std::unique_ptr<leveldb::Iterator> it(db->NewIterator(ro));
    std::size_t visited = 0, orphan_keys = 0;
    std::string job;        // runs prefix of the job being walked
    bool orphaned = false;  // that job's key is gone
    struct kept_run {
      uint64_t id;
      std::string key;
    };
    std::vector<kept_run> kept;  // its runs that the age limit keeps
    auto finish_job = [&] {
      if (cap != 0 && kept.size() > cap) {  // the cap was lowered: the oldest go
        std::sort(kept.begin(), kept.end(), [](const kept_run& a, const kept_run& b) { return a.id < b.id; });
        const std::size_t excess = kept.size() - cap;
        for (std::size_t k = 0; k < excess; ++k) erases().erase_run_if(std::move(kept[k].key), kept[k].id);
        deleted += excess;
      }
      kept.clear();
    };
    const int64_t now = to_unix_ms(now_ms());

    it->Seek(sweep_cursor.empty() ? std::string(k_run_prefix) : sweep_cursor);
    sweep_cursor.clear();  // wraps to the start unless we stop early below
    orphans_pending = false;
    run_record run;
    for (; it->Valid() && starts_with(it->key(), k_run_prefix); it->Next()) {
      const std::string_view key(it->key().data(), it->key().size());
      const std::string_view value(it->value().data(), it->value().size());
      std::string_view prefix;
      if (!split_any_run_key(key, &prefix)) continue;
      if (prefix != job) {
        finish_job();
        if (visited >= options.sweep_keys_per_tick || orphan_keys >= k_orphan_runs_per_sweep_tick) {
          sweep_cursor.assign(key);  // stop only between jobs
          orphans_pending = orphan_keys >= k_orphan_runs_per_sweep_tick;
          break;
        }
        job.assign(prefix);
        orphaned = !runs_kept(ro, prefix, now);
      }
      if (orphaned) {
        erases().erase_orphan_run(std::string(key));
        ++orphans;
        ++orphan_keys;
        continue;
      }
      ++visited;
      uint64_t id = 0;
      if (!run_id_of_value(value, &id)) continue;  // left for the reads to skip and count
      if (by_age && decode(value, &run).ok() && latest_time_ms(run) < cutoff_ms) {
        erases().erase_run_if(std::string(key), id);
        ++deleted;
      } else {
        kept.push_back({id, std::string(key)});
      }
    }
    if (sweep_cursor.empty()) finish_job();
  }
  if (writes.front().empty()) return 0;
  for (auto& batch : writes) {
    std::promise<status> written;
    enqueue(std::move(batch.set_durable(false)), [&written](status st) { written.set_value(std::move(st)); });
    if (!written.get_future().get().ok()) return 0;  // dropped or failed: the next pass retries
  }
  runs_trimmed.fetch_add(deleted, std::memory_order_relaxed);
  orphan_runs_erased.fetch_add(orphans, std::memory_order_relaxed);
  return deleted + orphans;
}

void state_store::impl::run_sweeper() {
  std::unique_lock<std::mutex> lock(sweep_wait_mu);
  auto pause = options.sweep_interval;
  while (!sweep_cv.wait_for(lock, pause, [this] { return sweep_stop; })) {
    lock.unlock();
    sweep_once();
    {
      std::lock_guard<std::mutex> sweep_lock(sweep_mu);
      pause = orphans_pending ? std::min(options.sweep_interval, k_orphan_sweep_pause) : options.sweep_interval;
    }
    lock.lock();
  }
}

void state_store::read_histories(history_sink each, std::function<void()> done) {
  {
    std::lock_guard<std::mutex> lock(impl_->histories_mu);
    impl_->histories_each = std::move(each);
    impl_->histories_done = std::move(done);
  }
  impl_->histories_cv.notify_all();
}

bool state_store::rings_scanned() const {
  return impl_->ring_scan_done.load(std::memory_order_acquire);
}

std::size_t state_store::sweep_retention() {
  return impl_->sweep_once();
}

}  // namespace mainspring
