// runtime_restore: reading a data dir back at start: the groups, funcs and nodes (few, read
// before the registry is spawned), then the jobs streamed to the registry in batches so that the
// group actors plan them while the rest is still being read, and the last heartbeat (which tells
// each job what it missed while the server was down).
//
// Example:
//   auto restored = load_groups(store);                        // status_or<restored_state>
//   std::vector<group_spec> groups = restored->groups;
//   auto registry = spawn_registry(sys, std::move(*restored), &ctx);
//   ctx.last_alive_ms = read_last_alive(store);
//   auto sent = stream_jobs(store, registry, groups, ctx.last_alive_ms);  // jobs the registry will restore
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <caf/all.hpp>

#include "actors/group_documents.h"
#include "actors/registry_actor.h"
#include "core/job.h"
#include "core/status.h"
#include "storage/state_store.h"

namespace mainspring {

// Stored jobs per restore message: a group adopts one batch while the next is being read.
inline constexpr std::size_t k_restore_stream_jobs = 4096;

// The groups and their funcs and nodes.
status_or<restored_state> load_groups(state_store& store);

// Reads the stored jobs (key order: group by group) and streams them to the registry in batches,
// then the runs that were waiting in their queues (one message per job), then the runs the last
// process had in flight here and did not record (their markers: a kill -9 or a crash), one message
// per job, each run's end_ms set to `last_alive_ms` (when that process was last known alive; now
// when that is unknown), then restored_atom, after which the registry lets requests go straight
// to the restored groups (until then they go through it, behind the groups' jobs). Answers how
// many jobs it sent (counted for readiness even when reading fails part way); jobs of a group
// that is not among `groups` (none are written that way) are skipped with a warning.
status_or<std::size_t> stream_jobs(state_store& store, const caf::actor& registry,
                                   const std::vector<group_spec>& groups, int64_t last_alive_ms);

// Hands the histories the store's ring scan reads (state_store::read_histories) to the job
// actors, through the registry: start() once the stored jobs were streamed (stream_jobs), so
// that each history reaches its job after the job, and histories_read_atom after every history
// (a restored job that got none had no stored run). The store's callbacks keep the relay alive;
// stop() ends the hand-over before the actor system goes, and the scan's later calls are dropped.
class history_relay {
 public:
  static std::shared_ptr<history_relay> start(caf::actor registry, state_store& store);
  void stop();

 private:
  void send(caf::message msg);

  std::mutex mu_;
  caf::actor registry_;  // null once stopped
};

// The last heartbeat the previous process recorded (unix ms), 0 when there is none.
int64_t read_last_alive(state_store& store);

// Reads each group's run pools (scheduler_runtime: put_run_pool) into `pools`; a value that does
// not read is an error (the store is damaged: refusing to start beats running without limits).
status restore_run_pools(state_store& store, const std::vector<group_spec>& groups, run_pools& pools);
// Reads every group's documents (scheduler_runtime: put_group_document) into `documents`, in one
// scan; those of a group not in `groups` are left out (logged). A value that does not decode stops
// the start, as a run pool list's does.
status restore_group_documents(state_store& store, const std::vector<group_spec>& groups, group_documents& documents);

// True when the scheduler was paused as a whole (scheduler_api::set_scheduler_enabled).
bool read_scheduler_paused(state_store& store);
// When that pause began (unix ms), 0 when it is not recorded (a pause written before it was).
int64_t read_scheduler_paused_since(state_store& store);

}  // namespace mainspring
