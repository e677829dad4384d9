// job_runs: a job actor's runs: starting them (one here, or one per node of a REMOTE@ job),
// aborting them, retries, recording outcomes, and the list of a job's runs. Called from the job
// actor's handlers (job_actor.cc), on its thread; the state is the actor's own (job_state.h).
//
// Example (in a fire handler):
//   uint64_t id = start_run(self, ctx, run_trigger::schedule, plan_ms, /*attempt=*/0,
//                           st.spec.concurrency == concurrency_policy::forbid);
//   ... later, from the executor's callback, on the actor's thread:
//   finish_run(self, ctx, std::move(outcome));   // arms a retry when one remains
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/job_state.h"

namespace mainspring {

// Starts a fire's runs now: one here, or one per node of a REMOTE@a,b job (only on `node` when
// it is not empty: a retry), or one on a REMOTE@* job's allocated node. With skip_busy
// (concurrency forbid), a place that still has a run in flight is skipped and counted as
// skipped. A job with a max_running (job_controls) that has as many runs in flight (a REMOTE@a,b
// job: on that node) puts the run in its queue when it has one with room, and skips it
// otherwise (counted as overlap, or queue_full). Answers the first run's id (0 if all were
// skipped or the run waits).
uint64_t start_run(job_self self, const job_context* ctx, run_trigger trigger, int64_t plan_ms,
                   int attempt, bool skip_busy = false, const std::string& node = {},
                   std::shared_ptr<const run_cause> cause = nullptr);
// What became of a REMOTE@ job's runs asked for at once (one per node of a REMOTE@a,b job, one
// for a REMOTE@* job): how many started (the first one's id), wait in the job's queue, or were
// refused, and why.
struct remote_placement {
  uint64_t first_id = 0;
  uint32_t started = 0;
  uint32_t waited = 0;
  uint32_t overlap = 0;
  uint32_t queue_full = 0;
  uint32_t no_node = 0;  // a REMOTE@* job with no live node
};
// start_run's part for a REMOTE@ job, counting nothing: the caller counts the refused
// (count_refused), or answers a client refused everywhere (a run now) with an error instead.
remote_placement place_remote_runs(job_self self, const job_context* ctx, run_trigger trigger, int64_t plan_ms,
                                   int attempt, bool skip_busy, const std::string& node,
                                   std::shared_ptr<const run_cause> cause);
// Counts `placed`'s refused runs as skipped, each with its reason.
void count_refused(job_state& st, const job_context* ctx, const remote_placement& placed);
// Starts one run of the job on `node` ("" = here), whatever its limits: the building block of
// start_run and the job's queue (job_queue.h). A manual run or a retry runs with its own fields
// (own_fields_of) where it has them. `waited`: the run waited in the queue, so its lateness is
// its job's own and not counted as the scheduler's. Answers the run's id.
uint64_t start_one(job_self self, const job_context* ctx, run_trigger trigger, int64_t plan_ms, int attempt,
                   std::string node = {}, bool waited = false, std::shared_ptr<const run_cause> cause = nullptr);
// Asks the run `run_id` to end, if it is in flight (recorded as abort_runs records them); the
// job's pending retries stay. When run_id is a finished try whose retry waits for its delay,
// that retry is dropped and recorded at once as a try the client aborted. Answers 1, or 0 when
// there is neither.
std::size_t abort_one_run(job_self self, const job_context* ctx, uint64_t run_id, const std::string& why);
// Asks every run in flight to end (each is then recorded as failed, "aborted: <why>") and drops
// the pending retries and the runs waiting in the job's queue; answers how many runs were asked.
// Shell, HTTP and REMOTE@ runs end at once; a Lua function runs on to its own end or timeout.
std::size_t abort_runs(job_self self, const job_context* ctx, const std::string& why);
// Starts the retries that are due and arms the timer for the next one.
void start_due_retries(job_self self, const job_context* ctx);
void count_skipped(job_state& st, const job_context* ctx, uint64_t n, skip_reason why);
// Takes in flight `run`, a run of this REMOTE@ job that an earlier process of the server started
// and its node (run.node) still runs (node_running in node_protocol.h): the job shows it running,
// counts it against its one-at-a-time rules, can stop it, and finish_run records it when the
// node reports its end, as a run it started. Answers false, taking nothing, when the job is not a
// REMOTE@ one or is deleted, the run is of this process (ctx->process_first_id), or in flight
// already: its result is then recorded as one nobody waits for (node_actor.cc).
bool adopt_remote_run(job_self self, const job_context* ctx, run_record run);
// Records a run's outcome; arms a retry when the run failed and retries remain; otherwise asks
// the group to run the job's follow-up (job_controls on_success / on_failure; none after a
// client's abort); posts the run hook; starts runs waiting in the job's queue.
void finish_run(job_self self, const job_context* ctx, run_outcome out);
// The server stops while runs of the job are in flight here: each is recorded as failed,
// k_interrupted_by_stop (its process is ended with the server; nothing follows it). A REMOTE@ run
// goes on on its node, which reports it when it joins again, so it is left to that report; a
// deleted job's runs are not recorded.
void record_interrupted_runs(job_self self, const job_context* ctx);
inline constexpr const char* k_interrupted_by_stop = "interrupted: the server stopped while it ran";
// At start: `runs` were in flight here when the last process ended without recording them (a kill
// -9, a crash; their in-flight markers, storage/mutation_batch.h), each with its end_ms set to
// when that process was last known alive (a run that started after that ends at its start). They
// are recorded as failed, k_interrupted_by_crash, counted, and their markers deleted: at once when
// the job's stored counts are known, else when they are (adopt_history, then record_cut_short_runs). No retry or follow-up runs after them. A
// run that started before the job was made (spec created_ms) was a deleted job's of the same id:
// its marker is deleted, the run not recorded.
void restore_cut_short_runs(job_state& st, const job_context* ctx, std::vector<run_record> runs);
void record_cut_short_runs(job_state& st, const job_context* ctx);
inline constexpr const char* k_interrupted_by_crash = "interrupted: the server ended (killed or crashed) while it ran";
// The job is being deleted: `batch` (its delete) also deletes the in-flight markers of its runs,
// which are no longer recorded after a crash (a deleted job's runs are recorded through its group,
// which a start does not restore), and those of its cut-short runs not recorded yet.
void forget_in_flight_markers(job_state& st, mutation_batch& batch);
// Adds what the store kept of the job from before this start (the ring scan's `history`, less
// the runs of this process the scan saw: ctx->process_first_id) to what it counted since,
// unless it knows that already (it was told, or its runs were cleared since); the stored run
// that ended last becomes its last finished one if none finished since. From then on its runs
// are written with its tally.
void adopt_history(job_state& st, const job_context* ctx, stored_history history);
// Makes `run` the job's last finished run; the one it replaces stays in recent_finished if it
// ended less than k_recent_finished_window_ms before `run` did.
void keep_finished(job_state& st, finished_run run);
// The job's memory of its finished runs after `run_ids` were erased from its stored history:
// they go from the runs on their way to the store (recent_finished), and the last finished one,
// if erased, is kept for the job's last outcome but no longer listed (merge_runs). Answers how
// many it remembered.
std::size_t forget_erased_runs(job_state& st, const std::vector<uint64_t>& run_ids);

// In-flight and remembered runs merged with `stored` ones (the store's newest `limit` runs below
// `before`, read before this call): newest first, at most `limit`, only ids below `before` when
// that is non-zero, none that the store's retention has dropped. A remembered run missing from
// `stored` counts unless the store's page was full and the run is older than all of it (it is in
// the store, outside the page), or the store keeps fewer runs (ctx->max_runs_per_job) than
// finished after it (it was trimmed).
std::vector<run_record> merge_runs(const job_state& st, const job_context* ctx,
                                   std::vector<run_record> stored, std::size_t limit, uint64_t before);

}  // namespace mainspring
