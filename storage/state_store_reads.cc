// The read paths of state_store: restart loading, run history pages and the audit log.
#include <algorithm>

#include "core/time_types.h"
#include "storage/codec.h"
#include "storage/run_value.h"
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

// The in-flight markers (k_in_flight_prefix): as scan_prefix, but a marker that does not read is
// skipped, not an error: a run's record is all it could give, and nothing else depends on it.
status scan_in_flight(leveldb::DB* db, const leveldb::Snapshot* snapshot, const std::string& dir,
                      const std::function<void(run_record&&)>& visit) {
  leveldb::ReadOptions ro;
  ro.snapshot = snapshot;
  ro.fill_cache = false;
  ro.verify_checksums = true;
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(ro));
  const std::string_view prefix = k_in_flight_prefix;
  for (it->Seek(leveldb::Slice(prefix.data(), prefix.size())); it->Valid() && starts_with(it->key(), prefix);
       it->Next()) {
    run_record run;
    uint64_t id = 0;
    const std::string_view key = view(it->key());
    status st = split_in_flight_key(key, &run.group, &run.job_id, &id) ? decode_run_value(view(it->value()), &run)
                                                                        : status::internal("not a marker's key");
    if (st.ok() && run.run_id != id) st = status::internal("the key names another run");
    if (st.ok()) visit(std::move(run));
  }
  if (!it->status().ok()) return storage_error(dir, it->status());
  return {};
}

// The meta values whose name starts with `name_prefix`, undecoded: their owners decode them.
status scan_meta(leveldb::DB* db, const leveldb::Snapshot* snapshot, const std::string& dir,
                 std::string_view name_prefix, const std::function<void(std::string_view, std::string_view)>& visit) {
  leveldb::ReadOptions ro;
  ro.snapshot = snapshot;
  ro.fill_cache = false;
  ro.verify_checksums = true;
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(ro));
  const std::string prefix = meta_key(name_prefix);
  const std::size_t name_at = meta_key({}).size();
  for (it->Seek(prefix); it->Valid() && starts_with(it->key(), prefix); it->Next())
    visit(view(it->key()).substr(name_at), view(it->value()));
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
  if (st.ok() && visitor.on_in_flight) st = scan_in_flight(db, snap, dir, visitor.on_in_flight);
  if (st.ok() && visitor.on_meta) st = scan_meta(db, snap, dir, visitor.meta_prefix, visitor.on_meta);
  return st;
}

// The job's ring holds its runs in slot order: read all of it, newest first by run id, and
// keep the newest `cap` (more are stored only after the cap was lowered, until the sweep).
status state_store::impl::read_ring(leveldb::Iterator* it, std::string_view runs_prefix,
                                   std::vector<run_record>& runs) const {
  runs.clear();
  for (it->Seek(leveldb::Slice(runs_prefix.data(), runs_prefix.size()));
       it->Valid() && starts_with(it->key(), runs_prefix); it->Next()) {
    std::string_view job_prefix;  // a slot key, or a run kept under its id (store_keys.h)
    if (!split_any_run_key(view(it->key()), &job_prefix) || job_prefix.size() != runs_prefix.size()) continue;
    run_record run;
    if (!decode(view(it->value()), &run).ok() || run.run_id == 0) {
      corrupt_runs_skipped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    runs.push_back(std::move(run));
  }
  if (!it->status().ok()) return storage_error(dir, it->status());
  std::sort(runs.begin(), runs.end(), [](const run_record& a, const run_record& b) { return a.run_id > b.run_id; });
  if (const std::size_t cap = options.max_runs_per_job; cap != 0 && runs.size() > cap) runs.resize(cap);
  return {};
}

status_or<std::vector<state_store::stored_run>> state_store::find_runs(std::string_view group, std::string_view job_id,
                                                                       const std::vector<uint64_t>& run_ids) const {
  std::shared_lock<std::shared_mutex> lock(impl_->db_mu);
  if (!impl_->db) return db_closed_error(impl_->dir);
  const std::string runs_prefix = job_runs_prefix(group, job_id);
  std::vector<stored_run> found;
  std::unique_ptr<leveldb::Iterator> it(impl_->db->NewIterator(leveldb::ReadOptions{}));
  for (it->Seek(runs_prefix); it->Valid() && starts_with(it->key(), runs_prefix); it->Next()) {
    std::string_view job_prefix;
    if (!split_any_run_key(view(it->key()), &job_prefix) || job_prefix.size() != runs_prefix.size()) continue;
    run_record run;
    if (!decode(view(it->value()), &run).ok() || std::find(run_ids.begin(), run_ids.end(), run.run_id) == run_ids.end())
      continue;
    run.group.assign(group);
    run.job_id.assign(job_id);
    found.push_back({it->key().ToString(), std::move(run)});
  }
  if (!it->status().ok()) return storage_error(impl_->dir, it->status());
  return found;
}

status_or<std::vector<run_record>> state_store::list_runs(std::string_view group,
                                                          std::string_view job_id,
                                                          std::size_t limit,
                                                          uint64_t before_run_id) const {
  if (limit == 0) return std::vector<run_record>{};
  std::shared_lock<std::shared_mutex> lock(impl_->db_mu);
  if (!impl_->db) return db_closed_error(impl_->dir);
  std::vector<run_record> runs;
  std::unique_ptr<leveldb::Iterator> it(impl_->db->NewIterator(leveldb::ReadOptions{}));
  if (status st = impl_->read_ring(it.get(), job_runs_prefix(group, job_id), runs); !st.ok()) return st;
  auto first = runs.begin();
  if (before_run_id != 0) {
    first = std::find_if(runs.begin(), runs.end(), [&](const run_record& r) { return r.run_id < before_run_id; });
  }
  std::vector<run_record> out;
  for (auto r = first; r != runs.end() && out.size() < limit; ++r) {
    r->group.assign(group);
    r->job_id.assign(job_id);
    out.push_back(std::move(*r));
  }
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
  struct release_snapshot {
    leveldb::DB* db;
    const leveldb::Snapshot* s;
    ~release_snapshot() { db->ReleaseSnapshot(s); }
  } release{impl_->db.get(), snapshot};
  leveldb::ReadOptions ro;
  ro.snapshot = snapshot;
  const int64_t now = to_unix_ms(now_ms());
  std::unique_ptr<leveldb::Iterator> it(impl_->db->NewIterator(ro));
  std::string run_group, run_job;  // the group and job id of the job being read
  std::vector<run_record> ring;
  it->Seek(prefix);
  while (it->Valid() && starts_with(it->key(), prefix)) {
    std::string_view job_prefix;
    if (!split_any_run_key(view(it->key()), &job_prefix)) {
      it->Next();
      continue;
    }
    const std::string job(job_prefix);
    // Skipped: a deleted job's runs (orphans the sweep has not erased yet) unless they are kept
    // a while, and a prefix that does not name a group and job.
    const bool listed = run_owner_of_runs_prefix(job, &run_group, &run_job) && impl_->runs_kept(ro, job, now);
    if (!listed) {
      it->Seek(prefix_end(job));
      continue;
    }
    // Leaves the iterator on the next job's ring.
    if (status st = impl_->read_ring(it.get(), job, ring); !st.ok()) return st;
    for (auto& run : ring) {
      if (run.plan_ms < from_ms || run.plan_ms > to_ms) continue;
      run.group = run_group;
      run.job_id = run_job;
      out.push_back(std::move(run));
    }
  }
  const leveldb::Status walked = it->status();
  if (!walked.ok()) return storage_error(impl_->dir, walked);
  std::sort(out.begin(), out.end(), [](const run_record& a, const run_record& b) { return a.run_id > b.run_id; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

status_or<std::vector<deleted_job_record>> state_store::list_deleted_jobs(std::string_view group,
                                                                          std::size_t limit) const {
  std::vector<deleted_job_record> out;
  if (limit == 0) return out;
  const std::string prefix = group_deleted_jobs_prefix(group);
  std::shared_lock<std::shared_mutex> lock(impl_->db_mu);
  if (!impl_->db) return db_closed_error(impl_->dir);
  const int64_t now = to_unix_ms(now_ms());
  std::unique_ptr<leveldb::Iterator> it(impl_->db->NewIterator(leveldb::ReadOptions{}));
  deleted_job_record gone;
  for (it->Seek(prefix); it->Valid() && starts_with(it->key(), prefix) && out.size() < limit; it->Next()) {
    if (!decode(view(it->value()), &gone).ok()) continue;  // the sweep erases it with its runs
    if (!impl_->still_kept(gone, now)) continue;
    // A job made again under its id (whose create erased the record, unless it had no runs).
    std::string live;
    if (!impl_->db->Get(leveldb::ReadOptions{}, job_key(gone.job.group, gone.job.id), &live).IsNotFound()) continue;
    out.push_back(std::move(gone));
  }
  if (!it->status().ok()) return storage_error(impl_->dir, it->status());
  return out;
}

status_or<deleted_job_record> state_store::find_deleted_job(std::string_view group, std::string_view job_id) const {
  std::shared_lock<std::shared_mutex> lock(impl_->db_mu);
  if (!impl_->db) return db_closed_error(impl_->dir);
  const leveldb::ReadOptions ro;
  std::string ignored;
  auto gone = impl_->db->Get(ro, job_key(group, job_id), &ignored).IsNotFound()
                  ? impl_->kept_deleted_job(ro, job_runs_prefix(group, job_id), to_unix_ms(now_ms()))
                  : std::nullopt;  // a job made again under its id
  if (!gone) return status::not_found("job " + std::string(job_id) + " of group " + std::string(group) +
                                      " is not a deleted job with runs kept");
  return std::move(*gone);
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

status_or<std::vector<audit_entry>> state_store::latest_group_audit(std::string_view group, int64_t from_ms,
                                                                   int64_t to_ms, std::size_t limit,
                                                                   std::size_t max_scanned) const {
  return latest_group_audit(std::vector<std::string>{std::string(group)}, from_ms, to_ms, limit, max_scanned);
}

status_or<std::vector<audit_entry>> state_store::latest_group_audit(const std::vector<std::string>& groups,
                                                                   int64_t from_ms, int64_t to_ms, std::size_t limit,
                                                                   std::size_t max_scanned) const {
  std::vector<audit_entry> out;
  if (limit == 0 || to_ms <= from_ms) return out;
  const std::string begin = audit_time_prefix(from_ms);
  std::shared_lock<std::shared_mutex> lock(impl_->db_mu);
  if (!impl_->db) return db_closed_error(impl_->dir);
  std::unique_ptr<leveldb::Iterator> it(impl_->db->NewIterator(leveldb::ReadOptions{}));
  // The last key before the end of the range: Seek lands on the first key at or after it.
  it->Seek(audit_time_prefix(to_ms));
  if (it->Valid()) it->Prev();
  else it->SeekToLast();
  audit_entry entry;
  std::size_t scanned = 0;
  for (; it->Valid() && out.size() < limit && it->key().compare(begin) >= 0 && scanned < max_scanned;
       it->Prev(), ++scanned) {
    if (status st = decode(view(it->value()), &entry); !st.ok()) {
      return status(st.code(), "data dir " + impl_->dir + ": record " + it->key().ToString() +
                                   ": " + st.message());
    }
    if (std::find(groups.begin(), groups.end(), entry.group) != groups.end()) out.push_back(std::move(entry));
  }
  if (!it->status().ok()) return storage_error(impl_->dir, it->status());
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace mainspring
