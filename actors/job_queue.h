// job_queue: whether a job's run starts now, waits in the job's queue or is refused, by the
// job's controls (core/job_controls.h: max_running, queue, queue_max); the queue; and manual runs
// with fields of their own (run_override), whose fields their retries keep. Private to actors/:
// called on the job actor's thread from job_runs.cc and job_actor.cc.
//
// Where the limit holds: a job running here and a REMOTE@* job (one run per fire, on the node
// its group's allocation table gives it) count their runs at once job-wide (admit); a REMOTE@a,b
// job, which runs once per node per fire, counts them per node (admit_on): each node has its own
// max_running, and a run waits in the job's queue for room on its own node. queue_max bounds the
// job's whole queue either way.
//
// Example (a fire):
//   switch (admit(st, /*skip_busy=*/false)) {
//     case admission::start: start_one(...); break;
//     case admission::wait: enqueue(st, ctx, waiting_run{trigger, plan_ms, 0, std::nullopt}); break;
//     default: count_skipped(...);   // overlap, queue_full
//   }
//   ... when a run ends: start_waiting_runs(self, ctx);
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "actors/job_state.h"

namespace mainspring {

// What becomes of a run asked for now: it starts, waits in the job's queue, or is refused because
// the job is at its runs at once (overlap) and its queue, if it has one, is full.
// A job in a run pool (job_controls::pool) is refused by its pool too: pool_full (the pool's runs
// at once at its max_running, and the job has no queue) or pool_disabled.
enum class admission { start, wait, overlap, queue_full, pool_full, pool_disabled };

// `skip_busy`: the job's concurrency policy forbids overlap for this run (a scheduled fire), a
// limit of one when the job sets no max_running. Runs already waiting go first.
admission admit(const job_state& st, bool skip_busy);
// The same for `node` of a REMOTE@a,b job: its runs in flight on that node count, and its runs
// already waiting for that node go first.
admission admit_on(const job_state& st, std::string_view node, bool skip_busy);
// `a`, an admission by the job's own limits, checked against the job's run pool when `a` is start
// and the job names one (else `a`, at no cost): start takes a slot of the pool for the run
// (given back by finish_run); wait when the pool is full and the job has a queue with room (the
// job is woken, pool_slot_atom, when a slot may be free); else pool_full, queue_full (its queue is
// full) or pool_disabled. REQUIRES: the run starts at once when this answers start.
admission admit_to_pool(job_self self, const job_context* ctx, admission a);
// Takes a slot of the job's run pool, if it names one, for a run that starts whatever the limit.
void take_pool_slot(job_state& st, const job_context* ctx);
// A run of the job ended: gives back a slot of its pool if it holds one.
void give_back_pool_slot(job_state& st, const job_context* ctx);
// Counts a run refused by `why` (overlap, queue_full, pool_full, pool_disabled; others count
// nothing) as skipped; a pool's refusals are logged too (run_pools::note_refusal).
void count_refused_run(job_state& st, const job_context* ctx, admission why);
// The index in the job's queue of the run to start next: the oldest with room under max_running
// (job-wide, or on its node for a REMOTE@a,b job's), or nullopt when none has.
std::optional<std::size_t> next_waiting_run(const job_state& st);
// Puts `run` at the end of the job's queue (counted in runs_waited) and stores it (lazily: a
// client that is answered for it waits for a durable write of its own, which syncs this one).
void enqueue(job_state& st, const job_context* ctx, waiting_run run);
// Start-up: puts the runs the job's stored queue held (oldest first) ahead of its queue, and
// starts what its max_running allows. A REMOTE@ job's waiting runs are held k_remote_queue_hold_ms
// first (its retry timer): the runs still going on its nodes are only taken back once their agents
// rejoin (adopt_remote_run), and they count against the limit. A run ending meanwhile starts them
// early, as any run's end does.
void restore_waiting(job_self self, const job_context* ctx, std::vector<waiting_record> stored);
// Longer than an agent takes to dial again after a server restart (its backoff caps at 10 s).
inline constexpr int64_t k_remote_queue_hold_ms = 15'000;
// Runs waiting in the job's queue.
std::size_t waiting_runs(const job_state& st);
// Starts the runs waiting in the job's queue while its max_running allows (a run ended).
void start_waiting_runs(job_self self, const job_context* ctx);
// Drops every run waiting in the job's queue (Cronicle's flush_event_queue), stored ones too;
// answers how many.
std::size_t flush_waiting_runs(job_self self, const job_context* ctx);

// A manual run now, with `run.change` applied to it and its retries when set, planned at
// `run.as_of_ms` when set (else now; either way moved on to a millisecond no other run of the job
// holds, free_plan_ms): its id, or 0 when it waits in the job's queue. resource_exhausted when
// the job is at its max_running without a queue ("max_running: ...") or its queue is full
// ("queue_max: ..."); invalid_argument for a change to a REMOTE@ job or to a target of another
// executor kind. A REMOTE@a,b job's run starts on each node with room: refused only when no node
// has room and none can wait (the nodes refused next to one that started or waits are counted
// skipped, as for a fire); its first run's id, or 0 when none started but one waits.
status_or<uint64_t> start_manual_run(job_self self, const job_context* ctx, manual_run run);

// The run after another job's (trigger parent: a parent_job child, a chain's follow-up), now, in
// a millisecond no other run of the job holds. With params from the run it follows
// (cause->after_params) that the job's dialect turns into fields of its own
// (job_context::chain_params), it runs with them, and so do its retries. Waits in the queue or is
// skipped (overlap, queue_full) as a scheduled fire would.
void start_chained_run(job_self self, const job_context* ctx, std::shared_ptr<const run_cause> cause);

// The fields of its own that the run planned at `plan_ms` (or a retry of it) runs with, or null;
// forget_own_fields drops them once no retry of that run is due. Runs are told apart by their plan
// time alone: a manual run takes a millisecond no other run of its job holds (start_manual_run),
// but a scheduled fire planned in the very millisecond of a manual run started before it shares.
const run_override* own_fields_of(const job_state& st, int64_t plan_ms);
void forget_own_fields(job_state& st, int64_t plan_ms);

// The controls a run with fields `own` (or none: null) runs with: its job's, or a copy in
// `storage` with the run's own over them, and for a job in a run pool the pool's defaults for
// what neither sets (core/run_pool.h). The job's are not copied when neither applies.
const job_controls& controls_for(const job_state& st, const run_override* own, std::optional<job_controls>& storage);

// The job's view as run `run_id` runs it: its own fields over the spec while it has them (a run
// in flight; see own_fields_of), else the job's view.
job_view view_for_run(const job_state& st, uint64_t run_id);

// Changes run `run_id` while it runs (Cronicle's update_job): each field `change` sets becomes the
// run's own, for it and its retries, over any it had. The runner moves its time limit (counted
// from its start) and shell limits at once; retries, follow-ups and the hook at its end are read
// when it ends. A finished try whose retry waits for its delay is changed the same way: the retry
// runs with the change. Answers 1, or 0 when the run is neither in flight nor followed by a
// waiting retry; invalid_argument for a REMOTE@ run or a change of target.
status_or<std::size_t> update_run(job_self self, const job_context* ctx, uint64_t run_id, const run_override& change);

}  // namespace mainspring
