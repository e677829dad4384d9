// Run history retention: per-job count trimming after writes, and the age/count sweep.
#include <algorithm>
#include <functional>

#include "core/time_types.h"
#include "storage/codec.h"
#include "storage/state_store_impl.h"
#include "storage/store_keys.h"

namespace mainspring {
namespace {

// Slots of the trim floor table (state_store_impl.h): 4 MiB. Jobs trim in turn, so a job keeps
// its slot until about this many other jobs have trimmed.
constexpr std::size_t k_trim_floor_slots = std::size_t{1} << 18;

// splitmix64's finalizer: run ids are snowflakes whose low bits are a per-ms sequence, so hash
// them before taking one in K.
uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

int64_t latest_time_ms(const run_record& r) {
  return std::max({r.plan_ms, r.start_ms, r.end_ms});
}

}  // namespace

bool state_store::impl::should_trim_after(uint64_t run_id) const {
  return trim_interval <= 1 || mix(run_id) % trim_interval == 0;
}

// Bounded work: each job's range holds about max_runs_per_job + trim_interval keys from its
// trim floor on. A run older than the floor written after the trim (a long run that ended
// late) is not seen by the next trims; the sweep's count check removes it.
void state_store::impl::trim_jobs(std::vector<std::string>& prefixes) {
  std::sort(prefixes.begin(), prefixes.end());
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
  if (trim_floors.empty()) trim_floors.resize(k_trim_floor_slots);
  leveldb::WriteBatch wb;
  uint64_t deleted = 0;
  // The run ids, not the keys: a trim reads about twice max_runs_per_job keys and deletes half,
  // and a string per key read was most of the committer's allocations.
  std::vector<uint64_t> ids;
  std::string key;
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(leveldb::ReadOptions{}));
  for (const auto& prefix : prefixes) {
    const uint64_t tag = std::hash<std::string>{}(prefix) | 1;  // never 0 (empty)
    trim_floor& floor = trim_floors[tag % trim_floors.size()];
    key = prefix;
    if (floor.tag == tag) key += hex16(floor.run_id);
    ids.clear();
    for (it->Seek(key); it->Valid() && starts_with(it->key(), prefix); it->Next()) {
      uint64_t run_id = 0;  // the key is the prefix and the run id's 16 hex digits
      if (parse_hex16(std::string_view(it->key().data() + prefix.size(), it->key().size() - prefix.size()), &run_id))
        ids.push_back(run_id);
    }
    std::size_t excess = 0;
    if (ids.size() > options.max_runs_per_job) {
      excess = ids.size() - options.max_runs_per_job;
      for (std::size_t k = 0; k < excess; ++k) {  // oldest ids first
        key.resize(prefix.size());
        key += hex16(ids[k]);
        wb.Delete(key);
      }
      deleted += excess;
    }
    if (excess < ids.size()) floor = {tag, ids[excess]};
  }
  if (deleted == 0) return;
  // Not synced: losing a trim on a crash only means the next trim deletes a little more.
  if (db->Write(leveldb::WriteOptions{}, &wb).ok()) {
    runs_trimmed.fetch_add(deleted, std::memory_order_relaxed);
  } else {
    reopen_wanted = true;  // as after any failed write: the log past it cannot be trusted
  }
}

// Walks run keys from the cursor in key order, i.e. job by job, each job's runs oldest first.
// A job whose key is gone (deleted: its runs were left as orphans) loses all its runs; those
// count against their own, larger budget, as they need no decoding.
std::size_t state_store::impl::sweep_once() {
  const bool by_age = options.max_run_age.count() > 0;
  const bool by_count = options.max_runs_per_job != 0;
  std::lock_guard<std::mutex> lock(sweep_mu);
  std::shared_lock<std::shared_mutex> db_lock(db_mu);
  if (!db) return 0;  // closed after a failed write; the next tick tries again
  const int64_t cutoff_ms = to_unix_ms(now_ms()) - options.max_run_age.count();

  // One snapshot for the walk and the job lookups: a job created after it (under an id whose
  // orphans are being erased) is not seen, and neither are its runs, so they are never touched.
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
  leveldb::WriteBatch wb;
  std::size_t deleted = 0, orphans = 0, visited = 0, orphan_keys = 0;
  std::string job;                // runs prefix of the job being walked
  bool orphaned = false;          // that job's key is gone
  std::vector<std::string> kept;  // its runs that the age limit keeps, oldest first
  auto finish_job = [&] {
    if (by_count && kept.size() > options.max_runs_per_job) {
      const std::size_t excess = kept.size() - options.max_runs_per_job;
      for (std::size_t k = 0; k < excess; ++k) wb.Delete(kept[k]);
      deleted += excess;
    }
    kept.clear();
  };
  auto job_exists = [&](std::string_view runs_prefix) {
    std::string ignored;
    return !db->Get(ro, job_key_of_runs_prefix(runs_prefix), &ignored).IsNotFound();
  };

  it->Seek(sweep_cursor.empty() ? std::string(k_run_prefix) : sweep_cursor);
  sweep_cursor.clear();  // wraps to the start unless we stop early below
  orphans_pending = false;
  run_record run;
  for (; it->Valid() && starts_with(it->key(), k_run_prefix); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    std::string_view prefix;
    uint64_t run_id = 0;
    if (!split_run_key(key, &prefix, &run_id)) continue;
    if (prefix != job) {
      finish_job();
      if (visited >= options.sweep_keys_per_tick || orphan_keys >= k_orphan_runs_per_sweep_tick) {
        sweep_cursor.assign(key);  // stop only between jobs
        orphans_pending = orphan_keys >= k_orphan_runs_per_sweep_tick;
        break;
      }
      job.assign(prefix);
      orphaned = !job_exists(prefix);
    }
    if (orphaned) {
      wb.Delete(it->key());
      ++orphans;
      ++orphan_keys;
      continue;
    }
    ++visited;
    if (by_age && decode(std::string_view(it->value().data(), it->value().size()), &run).ok() &&
        latest_time_ms(run) < cutoff_ms) {
      wb.Delete(it->key());
      ++deleted;
    } else {
      kept.emplace_back(key);
    }
  }
  if (sweep_cursor.empty()) finish_job();
  if (deleted == 0 && orphans == 0) return 0;
  if (!db->Write(leveldb::WriteOptions{}, &wb).ok()) {
    reopen_wanted = true;  // the committer reopens the DB; the next pass retries
    return 0;
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

std::size_t state_store::sweep_retention() {
  return impl_->sweep_once();
}

}  // namespace mainspring
