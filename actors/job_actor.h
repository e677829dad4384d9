// The job actor: one per job. It owns the job's spec and run-time state and decides what a fire
// means: start a run, skip it (paused, or `forbid` with a run in flight), retry after a failure,
// finish after `@once`. Runs happen in the executor pool, so a slow run never blocks it; their
// outcomes come back as run_done messages and are recorded in the job's history.
//
// Example (from a group actor):
//   caf::actor job = spawn_job(self->system(), std::move(spec), ctx);
//   self->send(job, view_atom::value);   // -> job_view
#pragma once

#include <cstdint>

#include <caf/fwd.hpp>

#include "actors/job_context.h"
#include "core/job.h"

namespace mainspring {

// `last_alive_ms` for a job that is new rather than restored.
inline constexpr int64_t k_new_job = -1;

// Spawns the actor of a job. A new job (last_alive_ms = k_new_job) fires first at
// spec.anchor_ms; a restored one (from the store at start-up, or from an import) is planned by
// plan_on_restart() as if the server was last alive at last_alive_ms (0 = unknown).
// REQUIRES: validate_job(spec).ok(), ctx->pool_accepts(spec).ok(), *ctx outlives the
// actor.
caf::actor spawn_job(caf::actor_system& sys, job_spec spec, const job_context* ctx,
                     int64_t last_alive_ms);

}  // namespace mainspring
