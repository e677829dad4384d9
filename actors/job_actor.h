// The job actor: one per job. It owns the job's spec and run-time state and decides what a fire
// means: start a run, skip it (paused, or `forbid` with a run in flight), retry after a failure,
// finish after `@once`. Runs happen in the executor pool, so a slow run never blocks it; their
// outcomes come back as run_done messages and are recorded in the job's history.
//
// Example (from a group actor):
//   caf::actor job = spawn_job(self->system(), std::move(spec), ctx);
//   self->send(job, view_atom::value);   // -> job_view
#pragma once

#include <caf/fwd.hpp>

#include "actors/job_context.h"
#include "core/job.h"

namespace mainspring {

// Spawns the actor of a job. A new job (restored = false) has spec.anchor_ms set to its first
// fire; a restored one (found in the state store at start-up) is planned by plan_on_restart().
// REQUIRES: validate_job(spec).ok(), ctx->pool_supports(kind of spec).ok(), *ctx outlives the
// actor.
caf::actor spawn_job(caf::actor_system& sys, job_spec spec, const job_context* ctx, bool restored);

}  // namespace mainspring
