// run_pools: every group's run pools (core/run_pool.h): their definitions, and the runs in flight
// of their member jobs, counted so that a job actor can take a slot of its pool before a run
// starts and give it back when the run ends. A pool is shared by job actors on any thread, so the
// count is kept here, under a lock, rather than in any one actor.
//
// Only a job whose controls name a pool ever calls in (job_queue.h: admit_to_pool); a job that
// names none takes no lock and sends no message here. A job whose run waits for a slot (its queue)
// is told when one may be free: each job registered as waiting gets (pool_slot_atom) when a run of
// the pool ends, or when the pool is changed (enabled, its limit raised), and tries again.
//
// Refused scheduled fires are counted by the jobs (skip reasons pool_full and pool_disabled); the
// refusals are logged here, at most once per pool every k_pool_refusal_log_interval_ms, with how
// many there were.
//
// Thread-safe. The definitions are written to the store before they are put here: by the runtime
// (scheduler_runtime: put_run_pool), or by an import with the group's jobs (registry_actor.cc);
// they are read back at start (restore). Each group's list is one meta value of the store,
// run_pools_meta(group), written whole at each change.
//
// Example:
//   pools.put("cronicle", {.name = "nightly", .max_running = 1});
//   if (pools.try_take("cronicle", "e1", "nightly", job_actor) == pool_admission::start) ...start
//   ... the run ends: pools.give_back("cronicle", "e1");   // wakes the jobs waiting for "nightly"
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>

#include "core/job_controls.h"
#include "core/run_pool.h"

namespace mainspring {

inline constexpr int64_t k_pool_refusal_log_interval_ms = 60'000;

// The store's meta name of a group's run pools, k_run_pools_meta_prefix + the escaped group name
// (storage/store_keys.h escape_key_part); its value is storage/codec.h encode_run_pools.
inline constexpr std::string_view k_run_pools_meta_prefix = "run_pools/";
std::string run_pools_meta(std::string_view group);

class run_pools {
 public:
  // -- definitions --

  // The group's pools as stored (start-up, an import): replaces what the group had, runs kept
  // (the jobs waiting for a pool the list no longer has are woken: it limits nothing now).
  void restore(const std::string& group, std::vector<run_pool_spec> pools);
  // The group's pools, by name.
  std::vector<run_pool_spec> list(std::string_view group) const;
  std::optional<run_pool_spec> find(std::string_view group, std::string_view name) const;
  // The pool with the defaults it gives its member jobs' runs, without its dialect data (which a
  // run start has no use for: no copy of it per run); nullopt when the group has no such pool or
  // the pool sets no default (has_pool_defaults).
  std::optional<run_pool_spec> defaults(std::string_view group, std::string_view name) const;
  // Adds or replaces the pool `pool.name` of `group` (written already); the jobs waiting for it
  // are woken.
  void put(const std::string& group, run_pool_spec pool);
  // Forgets the pool (its runs in flight are no longer counted anywhere); false when unknown.
  bool erase(std::string_view group, std::string_view name);
  // Forgets the group's pools (the group is removed); false when it had none.
  bool erase_group(std::string_view group);

  // Every pool of every group with its runs in flight, by group then name (for /metrics).
  struct pool_count {
    std::string group;
    std::string name;
    std::size_t running = 0;
    int max_running = 0;  // 0 = no limit
    bool enabled = true;
  };
  std::vector<pool_count> counts() const;

  // -- changes of the stored lists --
  //
  // A change of a group's pools reads its list, writes the changed list to the store, then puts
  // it here; lock_writes() makes those changes one at a time (scheduler_runtime: put_run_pool,
  // delete_run_pool, a group's removal). An import writes a group's list in the registry's write
  // of the group's jobs, which the caller does not wait for: begin_import() marks the group until
  // that write is done (end_import()), and a change asked for meanwhile must be refused
  // (importing()): it would write a list made from the one the import is replacing, after it.

  std::unique_lock<std::mutex> lock_writes();
  // True between begin_import(group) and end_import(group). REQUIRES: lock_writes() held.
  bool importing(std::string_view group) const;
  // Waits for a change in progress (one synced write at most), then marks the group.
  // REQUIRES: lock_writes() not held.
  void begin_import(const std::string& group);
  // The import's write is done: when it succeeded, `pools` (what it wrote) are the group's, as
  // restore(); when it failed, nullopt (the group's pools stay as they were). The mark goes.
  // REQUIRES: lock_writes() not held.
  void end_import(const std::string& group, std::optional<std::vector<run_pool_spec>> pools);

  // -- slots --

  // Takes a slot of the pool `name` of `group` for a run of job `job_id`, when the pool has one
  // (pool_admission_for) and is enabled: start. Otherwise nothing is taken, and `waiter` (when
  // not null) is woken by the next run of the pool to end, or change of the pool. A pool the group
  // does not have limits nothing: start, with no slot taken.
  pool_admission try_take(const std::string& group, const std::string& job_id, const std::string& name,
                          const caf::actor& waiter);
  // Takes a slot whatever the limit (a run that starts by its job's own rules: a retry recorded
  // as aborted at once).
  void take(const std::string& group, const std::string& job_id, const std::string& name);
  // Gives back one slot job `job_id` of `group` holds, and wakes the jobs waiting for that pool.
  // Answers whether the job still holds any.
  bool give_back(const std::string& group, const std::string& job_id);
  // Runs in flight counted against the pool.
  std::size_t running(std::string_view group, std::string_view name) const;
  // A refused scheduled fire of a member job, for the log (see above).
  void note_refusal(const std::string& group, const std::string& name, const char* reason);

 private:
  struct pool_entry {
    run_pool_spec spec;
    std::size_t running = 0;
    std::vector<caf::actor> waiters;  // each once
    uint64_t refusals_unlogged = 0;
    int64_t last_logged_ms = 0;
  };
  struct group_pools {
    std::map<std::string, pool_entry, std::less<>> pools;
    // The slots each job holds, by pool name (a job edited into another pool keeps the slots of
    // its runs in flight until they end).
    std::map<std::string, std::map<std::string, std::size_t>, std::less<>> held;
  };
  // The group's pool `name`, or null. REQUIRES: mutex_ held.
  pool_entry* entry(std::string_view group, std::string_view name);
  const pool_entry* entry(std::string_view group, std::string_view name) const;
  // The pool's waiters, taken out to be woken outside the lock.
  static std::vector<caf::actor> take_waiters(pool_entry& p);
  static void wake(const std::vector<caf::actor>& waiters);

  mutable std::mutex mutex_;
  std::map<std::string, group_pools, std::less<>> groups_;
  // Taken before mutex_ when both are held. Guards importing_.
  std::mutex writes_;
  std::set<std::string, std::less<>> importing_;
};

}  // namespace mainspring
