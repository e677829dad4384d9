// The registry actor: the root of the actor tree. It knows every group by name, creates and
// removes groups, publishes each group's actor in ctx->routes (group_routes.h) so that job calls
// go to it directly, and passes on the job calls that come to it instead (for a group not
// published yet, or behind an earlier call or a removal still here) to the group's actor (which
// passes them to the job actor).
//
// Example:
//   caf::actor registry = spawn_registry(sys, std::move(restored), ctx);
//   caf::anon_send(registry, reg_group_atom::value, audit_entry{...}, std::string("YM55"),
//                  reply_fn<std::string>{...});
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/job_context.h"
#include "core/func.h"
#include "core/job.h"
#include "core/node.h"

namespace mainspring {

// What the state store held at start-up: every group, and each group's funcs by group name.
// The jobs follow the spawn as (restore_atom, group, std::vector<job_spec>) messages, so that
// reading the store and spawning the job actors overlap.
struct restored_state {
  std::vector<group_spec> groups;
  std::unordered_map<std::string, std::vector<func_spec>> funcs;
  std::unordered_map<std::string, std::vector<node_spec>> nodes;  // worker nodes, by group
};

// Spawns the registry, which spawns the restored groups; the jobs streamed to it afterwards
// plan their missed fires by their misfire policies. REQUIRES: *ctx outlives the actor.
caf::actor spawn_registry(caf::actor_system& sys, restored_state restored, const job_context* ctx);

}  // namespace mainspring
