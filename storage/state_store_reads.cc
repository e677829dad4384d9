// The read paths of state_store: restart loading, run history pages and the audit log.
#include <algorithm>

#include "storage/codec.h"
#include "storage/state_store_impl.h"
#include "storage/store_keys.h"

namespace mainspring {
namespace {

std::string_view view(const leveldb::Slice& s) {
  return {s.data(), s.size()};
}

// Decodes every value under `prefix` into a Record and hands it to `visit`.
template <class Record, class Visit>
status scan_prefix(leveldb::DB* db, const leveldb::Snapshot* snapshot, const std::string& dir,
                   std::string_view prefix, const Visit& visit) {
  leveldb::ReadOptions ro;
  ro.snapshot = snapshot;
  ro.fill_cache = false;       // a bulk scan must not evict the hot set
  ro.verify_checksums = true;  // a damaged block is reported, not misread
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(ro));
  Record record;
  for (it->Seek(leveldb::Slice(prefix.data(), prefix.size()));
       it->Valid() && starts_with(it->key(), prefix); it->Next()) {
    if (status st = decode(view(it->value()), &record); !st.ok()) {
      return status(st.code(),
                    "data dir " + dir + ": record " + it->key().ToString() + ": " + st.message());
    }
    visit(std::move(record));
  }
  if (!it->status().ok()) return storage_error(dir, it->status());
  return {};
}

}  // namespace

status_or<std::optional<std::string>> state_store::get_meta(std::string_view name) const {
  std::shared_lock<std::shared_mutex> lock(impl_->db_mu);
  if (!impl_->db) return db_closed_error(impl_->dir);
  std::string key = meta_key(name), value;
  auto s = impl_->db->Get(leveldb::ReadOptions{}, key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return storage_error(impl_->dir, s);
  return std::optional<std::string>(std::move(value));
}

status state_store::load_all(const load_visitor& visitor) const {
  std::shared_lock<std::shared_mutex> lock(impl_->db_mu);
  if (!impl_->db) return db_closed_error(impl_->dir);
  leveldb::DB* db = impl_->db.get();
  // One snapshot for every scan: no job or node without its group from a concurrent commit.
  auto release = [db](const leveldb::Snapshot* snap) { db->ReleaseSnapshot(snap); };
  std::unique_ptr<const leveldb::Snapshot, decltype(release)> snapshot(db->GetSnapshot(), release);
  const leveldb::Snapshot* snap = snapshot.get();
  const std::string& dir = impl_->dir;
  status st;
  if (visitor.on_group)
    st = scan_prefix<group_spec>(db, snap, dir, k_group_prefix, visitor.on_group);
  if (st.ok() && visitor.on_job)
    st = scan_prefix<job_spec>(db, snap, dir, k_job_prefix, visitor.on_job);
  if (st.ok() && visitor.on_func)
    st = scan_prefix<func_spec>(db, snap, dir, k_func_prefix, visitor.on_func);
  if (st.ok() && visitor.on_node)
    st = scan_prefix<node_spec>(db, snap, dir, k_node_prefix, visitor.on_node);
  if (st.ok() && visitor.on_api_key)
    st = scan_prefix<api_key_record>(db, snap, dir, k_api_key_prefix, visitor.on_api_key);
  if (st.ok() && visitor.on_waiting)
    st = scan_prefix<waiting_record>(db, snap, dir, k_waiting_prefix, visitor.on_waiting);
  return st;
}

status_or<std::vector<run_record>> state_store::list_runs(std::string_view group,
                                                          std::string_view job_id,
                                                          std::size_t limit,
                                                          uint64_t before_run_id) const {
  std::vector<run_record> out;
  if (limit == 0) return out;
  const std::string prefix = job_runs_prefix(group, job_id);
  std::shared_lock<std::shared_mutex> lock(impl_->db_mu);
  if (!impl_->db) return db_closed_error(impl_->dir);
  std::unique_ptr<leveldb::Iterator> it(impl_->db->NewIterator(leveldb::ReadOptions{}));
  // Trims are amortized (a job may hold about twice max_runs_per_job runs between them): runs
  // past the newest max_runs_per_job are not listed, so the history a client sees keeps its cap.
  if (const std::size_t cap = impl_->options.max_runs_per_job; cap != 0) {
    std::size_t newer = 0;  // runs at or after before_run_id: listed on earlier pages
    if (before_run_id != 0) {
      for (it->Seek(prefix + hex16(before_run_id)); it->Valid() && starts_with(it->key(), prefix) && newer < cap;
           it->Next())
        ++newer;
    }
    limit = std::min(limit, cap - newer);
    if (limit == 0) return out;
  }
  // Position on the last key below the start bound, then walk backwards: newest first.
  it->Seek(before_run_id != 0 ? prefix + hex16(before_run_id) : prefix_end(prefix));
  if (it->Valid()) {
    it->Prev();
  } else {
    it->SeekToLast();
  }
  run_record run;
  for (; it->Valid() && starts_with(it->key(), prefix) && out.size() < limit; it->Prev()) {
    std::string_view job_prefix;
    uint64_t run_id = 0;
    if (split_run_key(view(it->key()), &job_prefix, &run_id) && decode(view(it->value()), &run).ok()) {
      run.run_id = run_id;  // the key is the run's identity (a format 3 value does not hold it)
      run.group.assign(group);
      run.job_id.assign(job_id);
      out.push_back(std::move(run));
    } else {
      impl_->corrupt_runs_skipped.fetch_add(1, std::memory_order_relaxed);
    }
  }
  if (!it->status().ok()) return storage_error(impl_->dir, it->status());
  return out;
}

status_or<std::vector<run_record>> state_store::list_group_runs(std::string_view group, int64_t from_ms,
                                                                int64_t to_ms, std::size_t limit) const {
  std::vector<run_record> out;
  if (limit == 0 || to_ms < from_ms) return out;
  const std::string prefix = group_runs_prefix(group);
  std::shared_lock<std::shared_mutex> lock(impl_->db_mu);
  if (!impl_->db) return db_closed_error(impl_->dir);
  const leveldb::Snapshot* snapshot = impl_->db->GetSnapshot();
  leveldb::ReadOptions ro;
  ro.snapshot = snapshot;
  std::unique_ptr<leveldb::Iterator> it(impl_->db->NewIterator(ro));
  run_record run;
  std::string job;         // runs prefix of the job being read
  bool orphaned = false;   // its job is deleted (the sweep has not erased its runs yet), or the
                           // prefix does not name a group and job
  std::string run_group, run_job;  // the group and job id that prefix names
  std::size_t job_begin = 0;       // where the job's runs begin in `out`
  std::vector<std::size_t> nth;    // for each of them, its place among all the job's stored runs
  std::size_t job_keys = 0;        // the job's stored runs so far, in the time range or not
  const std::size_t cap = impl_->options.max_runs_per_job;
  // Only the job's newest `cap` runs are listed (as list_runs does): older ones wait for a trim.
  auto finish_job = [&] {
    if (cap == 0 || job_keys <= cap) return;
    const auto stale = std::lower_bound(nth.begin(), nth.end(), job_keys - cap) - nth.begin();
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(job_begin),
              out.begin() + static_cast<std::ptrdiff_t>(job_begin) + stale);
  };
  for (it->Seek(prefix); it->Valid() && starts_with(it->key(), prefix); it->Next()) {
    std::string_view job_prefix;
    uint64_t run_id = 0;
    if (!split_run_key(view(it->key()), &job_prefix, &run_id)) continue;
    if (job_prefix != job) {
      finish_job();
      job.assign(job_prefix);
      job_begin = out.size();
      nth.clear();
      job_keys = 0;
      std::string ignored;
      orphaned = !run_owner_of_runs_prefix(job, &run_group, &run_job) ||
                 impl_->db->Get(ro, job_key_of_runs_prefix(job), &ignored).IsNotFound();
    }
    if (orphaned) continue;
    const std::size_t place = job_keys++;
    if (!decode(view(it->value()), &run).ok()) {
      impl_->corrupt_runs_skipped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (run.plan_ms < from_ms || run.plan_ms > to_ms) continue;
    run.run_id = run_id;  // the key is the run's identity (a format 3 value does not hold it)
    run.group = run_group;
    run.job_id = run_job;
    out.push_back(std::move(run));
    nth.push_back(place);
  }
  finish_job();
  const leveldb::Status walked = it->status();
  it.reset();
  impl_->db->ReleaseSnapshot(snapshot);
  if (!walked.ok()) return storage_error(impl_->dir, walked);
  std::sort(out.begin(), out.end(), [](const run_record& a, const run_record& b) { return a.run_id > b.run_id; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

status_or<std::vector<audit_entry>> state_store::audit_range(int64_t from_ms, int64_t to_ms,
                                                             std::size_t limit) const {
  std::vector<audit_entry> out;
  if (limit == 0 || to_ms <= from_ms) return out;
  const std::string end = audit_time_prefix(to_ms);
  std::shared_lock<std::shared_mutex> lock(impl_->db_mu);
  if (!impl_->db) return db_closed_error(impl_->dir);
  std::unique_ptr<leveldb::Iterator> it(impl_->db->NewIterator(leveldb::ReadOptions{}));
  audit_entry entry;
  for (it->Seek(audit_time_prefix(from_ms));
       it->Valid() && out.size() < limit && it->key().compare(end) < 0; it->Next()) {
    if (status st = decode(view(it->value()), &entry); !st.ok()) {
      return status(st.code(), "data dir " + impl_->dir + ": record " + it->key().ToString() +
                                   ": " + st.message());
    }
    out.push_back(std::move(entry));
  }
  if (!it->status().ok()) return storage_error(impl_->dir, it->status());
  return out;
}

}  // namespace mainspring
