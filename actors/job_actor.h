// The job actor: one per job. It owns the job's spec and run-time state and decides what a fire
// means: start a run, skip it (paused, or `forbid` with a run in flight), retry after a failure,
// finish after `@once`. Runs happen in the executor pool, so a slow run never blocks it; their
// outcomes come back as run_done messages and are recorded in the job's history.
//
// Example (from a group actor):
//   schedule_batch arms;
//   caf::actor job = spawn_job(self->system(), spec, ctx, arms);
//   self->send(ctx->clock, arm_atom::value, std::move(arms));
//   self->send(job, view_atom::value);   // -> job_view
#pragma once

#include <cstdint>
#include <optional>

#include <caf/fwd.hpp>

#include "actors/clock_actor.h"  // schedule_batch
#include "actors/job_context.h"
#include "actors/scheduler_api.h"
#include "core/job.h"

namespace mainspring {

// Spawns the actor of a new job, which fires first at spec.anchor_ms: its timer is added to
// `arms` for the caller to hand to the clock as (arm_atom, schedule_batch) before it sends the
// job anything (a message the job answers by disarming must not reach the clock first). Jobs
// from the store or an import are spawned by restore_job(), below, which plans what they missed.
// REQUIRES: validate_job(spec).ok(), ctx->pool_accepts(spec).ok(), *ctx outlives the
// actor.
caf::actor spawn_job(caf::actor_system& sys, const job_spec& spec, const job_context* ctx,
                     schedule_batch& arms);

// Spawns the actor of a job found in the store (or in an import) without scheduling it: the job
// is compiled and planned on the caller's thread, as if the server was last alive at
// `last_alive_ms`, and its first fire is added to `batch` (batch.jobs counts the job either way)
// for the caller to hand to the clock as (arm_atom, schedule_batch). The actor starts at its first
// message, so restoring a million jobs queues nothing at the actor scheduler. Catch-up runs that
// its misfire policy asks for start at once, in the actor. A job read from the store at start
// `awaits_history`: its counts from before the start, which the store's ring scan reads
// (restore_history_atom, then histories_read_atom for all); an imported job starts with none.
// REQUIRES: as spawn_job().
caf::actor restore_job(caf::actor_system& sys, job_spec spec, const job_context* ctx,
                       int64_t last_alive_ms, schedule_batch& batch, bool awaits_history);

// The job's view as it is now, read from any thread without a message: it waits for a handler
// the job is running (at most microseconds) and never queues behind its mailbox. nullopt when
// the job's actor has ended. `dependents` is left empty (the group knows them).
// REQUIRES: `job` is a job actor (spawn_job, restore_job).
std::optional<job_view> read_job_view(const caf::actor& job);
// The same from a plain pointer. REQUIRES: something holds a reference to the actor meanwhile.
std::optional<job_view> read_job_view(caf::abstract_actor* job);

// The job's runs in flight, read as read_job_view reads its view (none once its actor has ended),
// oldest first. REQUIRES: as read_job_view(caf::abstract_actor*).
std::vector<run_record> read_runs_in_flight(caf::abstract_actor* job);

// The job's retries waiting for their delay, soonest first, read the same way.
std::vector<waiting_retry> read_retries_due(caf::abstract_actor* job);

}  // namespace mainspring
