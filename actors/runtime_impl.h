// runtime_impl: what a running scheduler_runtime holds (actor system, store, executors, metrics,
// heartbeat), shared by the files that implement it. Private to actors/: nothing outside
// includes it.
//
//   scheduler_runtime.cc      start, stop, snapshot, readiness
//   runtime_heartbeat.cc      the alive record and the dashboard's activity samples
//   runtime_restore.cc        reading groups and jobs back from the store at start
//   scheduler_runtime_api.cc  the scheduler_api calls, each one message to the registry or to
//                             the group it is for (group_routes.h)
//   runtime_dump.cc           dump archives built from the store
//   runtime_overview.cc       the dashboard's overview, from atomics
//
// Example (in one of those files):
//   void scheduler_runtime::list_groups(reply_fn<std::vector<std::string>> done) {
//     impl_->send(groups_atom::value, std::move(done));
//   }
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include <caf/all.hpp>

#include "actors/clock_actor.h"
#include "actors/group_documents.h"
#include "actors/group_routes.h"
#include "actors/lingering_jobs.h"
#include "actors/job_context.h"
#include "actors/list_worker.h"
#include "actors/run_pools.h"
#include "actors/runtime_restore.h"
#include "actors/scheduler_runtime.h"
#include "core/audit_entry.h"
#include "core/id_generator.h"
#include "executors/executor_pool.h"
#include "metrics/activity_history.h"
#include "metrics/scheduler_metrics.h"
#include "storage/state_store.h"

namespace mainspring {

// The store's meta key of the last heartbeat (unix ms).
inline constexpr std::string_view k_last_alive_meta = "last_alive_ms";
// The store's meta key of the scheduler-wide pause: "1" while paused.
inline constexpr std::string_view k_scheduler_paused_meta = "scheduler_paused";
// The store's meta key of when that pause began (unix ms), written with it.
inline constexpr std::string_view k_scheduler_paused_since_meta = "scheduler_paused_since_ms";

struct scheduler_runtime::impl {
  // Declaration order matters: stop() ends the actors, then the executors, then the actor
  // system; the store and metrics outlive them all.
  scheduler_metrics metrics;
  std::unique_ptr<state_store> store;
  std::unique_ptr<executor_pool> pool;
  std::unique_ptr<list_worker> lists = std::make_unique<list_worker>();
  id_generator ids;
  scheduler_stats stats;
  clock_stats clock;
  // Before the actor system: replies wrapped by released_on_answer() point at it.
  group_routes routes;
  lingering_jobs lingering;
  mainspring::run_pools pools;  // qualified: scheduler_runtime::run_pools is a member function
  mainspring::group_documents documents;  // the same
  job_context ctx;
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  caf::actor registry;
  caf::actor node_gateway;  // null without worker nodes
  uint16_t node_gateway_port = 0;
  std::function<void(scheduler_snapshot&)> add_to_snapshot;
  // Carries the store's ring scan's histories to the registry (runtime_restore.h) until stop().
  std::shared_ptr<history_relay> histories;
  std::size_t jobs_restored = 0;
  // The dashboard's last hour, sampled by the heartbeat thread every k_activity_slot_ms.
  activity_history activity{scheduler_metrics::lateness_bucket_bounds()};
  int64_t last_activity_sample_ms = 0;  // heartbeat thread only
  // -- heartbeat --
  std::thread heartbeat;
  std::mutex heartbeat_mutex;
  std::condition_variable heartbeat_wake;
  bool stopped = false;

  template <class... Ts>
  void send(Ts&&... xs) {
    caf::anon_send(registry, std::forward<Ts>(xs)...);
  }

  // -- requests for one group: to its actor directly when group_routes allows (one hop fewer on
  // every job call), else through the registry with the group named, held until answered --

  // A question, (atom, xs..., reply) to the group; (atom, group, xs..., reply) to the registry.
  template <class Reply, class Atom, class... Ts>
  void ask_group(const std::string& group, Reply reply, Atom atom, Ts&&... xs) {
    auto direct = [&](const caf::actor& g) { caf::anon_send(g, atom, std::forward<Ts>(xs)..., std::move(reply)); };
    if (routes.send_direct(group, direct)) return;
    send(atom, group, std::forward<Ts>(xs)..., routes.released_on_answer(group, std::move(reply)));
  }

  // A change, (atom, audit, xs..., reply) to the group; (atom, audit, group, xs..., reply) to the
  // registry.
  template <class Reply, class Atom, class... Ts>
  void change_group(const std::string& group, Reply reply, Atom atom, audit_entry audit, Ts&&... xs) {
    auto direct = [&](const caf::actor& g) {
      caf::anon_send(g, atom, std::move(audit), std::forward<Ts>(xs)..., std::move(reply));
    };
    if (routes.send_direct(group, direct)) return;
    send(atom, std::move(audit), group, std::forward<Ts>(xs)..., routes.released_on_answer(group, std::move(reply)));
  }

  // A message that names its group itself (a job or func spec): (xs..., reply) either way.
  template <class Reply, class... Ts>
  void give_group(const std::string& group, Reply reply, Ts&&... xs) {
    auto direct = [&](const caf::actor& g) { caf::anon_send(g, std::forward<Ts>(xs)..., std::move(reply)); };
    if (routes.send_direct(group, direct)) return;
    send(std::forward<Ts>(xs)..., routes.released_on_answer(group, std::move(reply)));
  }

  // The group was removed: its run pools go too, in memory and (lazily) in the store
  // (runtime_pools.cc).
  void forget_run_pools(const std::string& group);
  // The same for its documents (runtime_documents.cc).
  void forget_group_documents(const std::string& group);

  // -- heartbeat (runtime_heartbeat.cc) --
  // Records that the process is alive: lazily while running, synced at the end (`durable`).
  void write_heartbeat(bool durable);
  // The heartbeat's tick is the dashboard history's clock too: no thread of its own for a 10 s
  // sample.
  void sample_activity();
  // The heartbeat thread's body, until stopped.
  void heartbeat_loop();
};


// The audit record of a change asked for by `origin`.
audit_entry audit_of(const request_origin& origin, std::string action, std::string group,
                     std::string job_id = {});

// The refusal of a change of a group's run pools or documents while an import writes them
// (run_pools::importing, group_documents::importing): unavailable, to retry (runtime_pools.cc).
status group_being_imported(const std::string& group);

}  // namespace mainspring
