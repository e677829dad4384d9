// The group actor: one per group. It owns the group's secret, its funcs and its jobs (one job
// actor each): it adds jobs, lists them, clears them and deletes them by name, and hands every
// other job request to the job's own actor. It keeps the funcs itself, checks a caller's TOTP
// code and hands the call to the executor pool's func threads.
//
// Example (from the registry):
//   caf::actor group = spawn_group(self->system(), spec, {}, 0, ctx);
//   self->send(group, add_job_atom::value, std::move(audit), std::move(job), reply);
#pragma once

#include <vector>

#include <caf/fwd.hpp>

#include "actors/job_context.h"
#include "core/job.h"

namespace mainspring {

// Spawns a group's actor; `restored` are its jobs found in the state store at start-up or in an
// import (empty for a new group), planned as if the server was last alive at `last_alive_ms`.
// Restored funcs arrive after the spawn as (funcs_atom, std::vector<func_spec>).
// REQUIRES: *ctx outlives the actor.
caf::actor spawn_group(caf::actor_system& sys, group_spec spec, std::vector<job_spec> restored,
                       int64_t last_alive_ms, const job_context* ctx);

}  // namespace mainspring
