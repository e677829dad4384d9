// scheduler_runtime's run pool calls: each change of a group's pools rewrites the group's list in
// the store (synced, with its audit entry) before it takes effect in run_pools. An import writes
// the lists of its groups itself (registry_actor.cc); a change of a group being imported is
// refused with unavailable (run_pools.h: importing).
#include <algorithm>

#include "actors/runtime_impl.h"
#include "storage/codec.h"
#include "storage/mutation_batch.h"

namespace mainspring {

namespace {

// Writes `pools` as the group's list, with `audit`, synced.
status write_pools(state_store& store, const std::string& group, const std::vector<run_pool_spec>& pools,
                   const audit_entry& audit) {
  mutation_batch batch;
  batch.put_meta(run_pools_meta(group), encode_run_pools(pools));
  batch.put_audit(audit);
  return store.commit_sync(std::move(batch));
}

}  // namespace

status group_being_imported(const std::string& group) {
  return status::unavailable("group " + group + " is being imported; try again once the import is answered");
}

// Removals and imports of a group are one at a time (the registry's gate): no import to wait for.
void scheduler_runtime::impl::forget_run_pools(const std::string& group) {
  auto lock = pools.lock_writes();
  if (!pools.erase_group(group)) return;
  mutation_batch batch;
  batch.put_meta(run_pools_meta(group), encode_run_pools({}));
  store->commit(std::move(batch), [](status) {});  // a group made again under the name starts without
}

std::vector<run_pool_spec> scheduler_runtime::run_pools(const std::string& group) const {
  return impl_->pools.list(group);
}

std::size_t scheduler_runtime::run_pool_running(const std::string& group, const std::string& name) const {
  return impl_->pools.running(group, name);
}

// Blocks the caller for one synced write, as set_scheduler_enabled: a rare admin call.
void scheduler_runtime::put_run_pool(request_origin origin, std::string group, run_pool_spec pool, done_fn done) {
  if (auto st = validate_run_pool(pool); !st.ok()) return done(st);
  auto lock = impl_->pools.lock_writes();
  if (impl_->pools.importing(group)) return done(group_being_imported(group));
  auto pools = impl_->pools.list(group);
  auto it = std::find_if(pools.begin(), pools.end(), [&](const run_pool_spec& p) { return p.name == pool.name; });
  if (it == pools.end() && pools.size() >= k_max_run_pools_per_group)
    return done(status::resource_exhausted("a group has at most " + std::to_string(k_max_run_pools_per_group) +
                                           " run pools"));
  // Decided before the push_back, which leaves `it` pointing nowhere.
  const bool added = it == pools.end();
  if (added) pools.push_back(pool);
  else *it = pool;
  origin.detail = pool.name;
  auto audit = audit_of(origin, added ? "pool.add" : "pool.edit", group);
  if (auto st = write_pools(*impl_->store, group, pools, audit); !st.ok()) return done(st);
  impl_->pools.put(group, std::move(pool));
  done(status{});
}

void scheduler_runtime::delete_run_pool(request_origin origin, std::string group, std::string name, done_fn done) {
  auto lock = impl_->pools.lock_writes();
  if (impl_->pools.importing(group)) return done(group_being_imported(group));
  auto pools = impl_->pools.list(group);
  auto it = std::find_if(pools.begin(), pools.end(), [&](const run_pool_spec& p) { return p.name == name; });
  if (it == pools.end()) return done(status::not_found("group " + group + " has no run pool " + name));
  pools.erase(it);
  origin.detail = name;
  if (auto st = write_pools(*impl_->store, group, pools, audit_of(origin, "pool.delete", group)); !st.ok())
    return done(st);
  impl_->pools.erase(group, name);
  done(status{});
}

}  // namespace mainspring
