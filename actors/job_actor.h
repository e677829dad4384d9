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
#include <optional>

#include <caf/fwd.hpp>

#include "actors/job_context.h"
#include "actors/scheduler_api.h"
#include "core/job.h"

namespace mainspring {

// Spawns the actor of a new job, which fires first at spec.anchor_ms. (Jobs from the store or an
// import are spawned by restore_job() in job_state.h, which plans what they missed.)
// REQUIRES: validate_job(spec).ok(), ctx->pool_accepts(spec).ok(), *ctx outlives the
// actor.
caf::actor spawn_job(caf::actor_system& sys, const job_spec& spec, const job_context* ctx);

// The job's view as it is now, read from any thread without a message: it waits for a handler
// the job is running (at most microseconds) and never queues behind its mailbox. nullopt when
// the job's actor has ended. `dependents` is left empty (the group knows them).
// REQUIRES: `job` is a job actor (spawn_job, restore_job).
std::optional<job_view> read_job_view(const caf::actor& job);

}  // namespace mainspring
