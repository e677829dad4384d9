// The state of one job actor and the steps its handlers share. Private to actors/: the behaviour
// is in job_actor.cc, running and recording runs in job_runs.cc.
#pragma once

#include <algorithm>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include "actors/clock_actor.h"
#include "actors/job_context.h"
#include "actors/messages.h"
#include "actors/scheduler_api.h"
#include "core/compact_job_spec.h"
#include "core/fire_plan.h"
#include "core/run_tally.h"
#include "core/schedule.h"
#include "core/schedule_cache.h"
#include "core/write_gate.h"
#include "storage/records.h"

namespace mainspring {


// A failed run to be tried again at due_ms, on the node it failed on (REMOTE@ retries per node):
// as job views show it (scheduler_api.h).
using pending_retry = retry_due;

// A run that waits in its job's queue (job_controls::queue) for one in flight to end.
struct waiting_run {
  uint64_t id = 0;  // its stored record's (waiting_record); set by enqueue
  run_trigger trigger = run_trigger::schedule;
  int64_t plan_ms = 0;
  int attempt = 0;
  std::optional<run_override> change;  // a manual run's own fields
  std::shared_ptr<const run_cause> cause;  // run_record::cause
  // A REMOTE@a,b job's run waits for room on this node (its limit is per node); "" for a run
  // here and for a REMOTE@* job's, which runs on the node allocated when it starts.
  std::string node;
};

// A manual run's own fields (run_override), kept while the run or one of its retries is in
// flight or due, so that its retries run as it did. Found by the run's plan time, which its
// retries keep.
struct run_fields {
  int64_t plan_ms = 0;
  run_override change;
};

// A finished run as its job keeps it (job_state::last_finished): a run_record without the job's
// id and group (the job's own) and with its texts apart, since most runs print nothing: 64 bytes
// on the heap for a quiet run rather than a run_record's 232, for each of a million jobs.
struct finished_run {
  struct texts {
    std::string output_tail;
    std::string error;
    std::string node;
    std::shared_ptr<const run_override> own_fields;  // run_record::own_fields
    std::shared_ptr<const run_cause> cause;          // run_record::cause
    std::shared_ptr<const std::string> reported;     // run_record::reported
  };
  uint64_t run_id = 0;
  int64_t plan_ms = 0;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int code = 0;
  int attempt = 0;
  run_state state = run_state::running;
  run_trigger trigger = run_trigger::schedule;
  // Erased from the stored history by a client (scheduler_api::delete_runs): it still tells the
  // job's last outcome, and is no longer listed as a run on its way to the store. (The flag takes
  // the struct from 56 to 64 bytes, jemalloc's size class for both.)
  bool erased = false;
  std::unique_ptr<texts> text;  // null when all six are empty

  // `run` without its job id and group; its texts are moved.
  static finished_run of(run_record&& run);
  // The run_record again, with the job's id and group.
  run_record record(std::string_view job_id, std::string_view group) const;
};

// See job_state::recent_finished. The window is far longer than a run record takes to reach the
// store (the history lane gathers for a millisecond), and far shorter than a second, so that a
// job firing each second keeps one finished run, not two.
inline constexpr int64_t k_recent_finished_window_ms = 100;
inline constexpr std::size_t k_max_recent_finished = 8;

struct job_state {
  // -- the job as asked for --
  compact_job_spec spec;  // a job_spec in a third of the memory: unpack() for views and the store
  // Shared with every job of the same pattern and zone (ctx->schedules); set by compile().
  std::shared_ptr<const zoned_schedule> timing;
  executor_kind kind = executor_kind::shell;  // the target's URL is parsed per run (request_for)
  const job_context* ctx = nullptr;  // set at spawn; the shared handlers find it here
  // -- run-time state --
  job_phase phase = job_phase::active;
  std::optional<int64_t> next_fire_ms;
  // Oldest first (one retry delay for all: due times only grow); empty for nearly every job.
  std::vector<pending_retry> retries_due;
  std::vector<run_record> in_flight;
  // Runs waiting for a place under the job's max_running, oldest first; null while none waits
  // (a pointer: a million jobs without a queue pay 8 bytes each, not a deque's 80).
  std::unique_ptr<std::deque<waiting_run>> waiting;
  // Manual runs with fields of their own, in flight or with a retry due; null while there is none.
  std::unique_ptr<std::vector<run_fields>> own_fields;
  // The last finished run, for the job's view and for the moment between a run's end and its lazy
  // write reaching the store (null until one finished). Compact (finished_run):
  // last_finished_run() makes the run_record.
  std::unique_ptr<finished_run> last_finished;
  // The runs that finished less than k_recent_finished_window_ms before the last one, oldest
  // first, at most k_max_recent_finished (keep_finished in job_runs.h): runs of a job that end
  // together (concurrent runs timed out at once) are all on their way to the store for a moment,
  // and a read then must see each of them. Null for nearly every job: the store has the history.
  std::unique_ptr<std::vector<finished_run>> recent_finished;
  // Runs the last process had in flight here when it ended without recording them (a kill -9, a
  // crash: their in-flight markers), recorded as cut short once `counts` holds what the store
  // kept (record_cut_short_runs in job_runs.h); null for nearly every job.
  std::unique_ptr<std::vector<run_record>> cut_short;
  // Its runs counted (and the id of the newest it started): written with each run it stores
  // (core/run_tally.h), so that a restart gives them back.
  run_tally counts;
  // `counts` includes what the store kept from before this start (a restored job learns that
  // from the ring scan: restore_history_atom), so its runs are written with their tally. A run
  // written before that carries none, and the next start counts it from the store.
  bool history_known = true;
  bool has_dependents = false;  // jobs run after this one's successes (its group says so)
  // Its delete is durable; the group retires the actor once it has forgotten the job.
  bool deleted = false;
  // Deleted while runs were in flight, its runs kept (--deleted-job-history): in ctx->lingering
  // from the moment its delete is durable, before anyone hears of the delete, so that a read of
  // the runs right after the delete finds them; out of it once the last run ended (finish_run).
  bool kept_for_runs = false;
  // Retired (its group forgot it) while kept_for_runs: the actor records the runs as they end and
  // quits after the last (finish_run).
  bool lingering = false;
  // Scheduled fires that came while the whole scheduler was paused: counted as skipped when it
  // resumes, less those its misfire policy runs then (replay_missed_fires), so that a fire is
  // never both skipped and run.
  uint32_t fires_while_paused = 0;
  // The client's changes waiting for the one being written (job_changes.cc); null while none is.
  std::unique_ptr<write_gate> gate;
  // A REMOTE@* job: the node its group's allocation table gives it ("" = none live, or not told
  // yet). Other jobs leave it empty.
  std::string allocated_node;
  // -- readers on other threads (lists: read_job_view in job_actor.h) --
  // Held by every handler (dispatch) and by a reader, for a few microseconds each: a spin lock
  // rather than a mutex, to keep the state small for a million jobs.
  mutable std::atomic_flag busy = ATOMIC_FLAG_INIT;
  // Set under the lock as the state is destroyed (the actor ended). A reader holding the actor's
  // handle still reaches this trivially destructible flag, sees it, and reads nothing else.
  bool retired = false;
  // Slots of a run pool are held for runs of this job (run_pools.h): its runs give one back as
  // they end. Never set for a job whose controls name no pool (a byte of the padding above).
  bool holds_pool_slots = false;

  job_state() = default;
  job_state(const job_state&) = delete;
  job_state& operator=(const job_state&) = delete;
  ~job_state();

  static inline const char* name = "mainspring.job";
};

// The retry waiting after the finished try `run_id` (retry_due::after_run_id), or
// st.retries_due.end() when none does.
inline std::vector<pending_retry>::iterator retry_after(job_state& st, uint64_t run_id) {
  return std::find_if(st.retries_due.begin(), st.retries_due.end(),
                      [run_id](const pending_retry& r) { return r.after_run_id == run_id; });
}

// Holds a job state's `busy` lock for its scope.
class job_state_lock {
 public:
  explicit job_state_lock(const job_state& st) : st_(st) {
    for (int spins = 0; st_.busy.test_and_set(std::memory_order_acquire); ++spins)
      if (spins >= 64) std::this_thread::yield();
  }
  ~job_state_lock() { st_.busy.clear(std::memory_order_release); }
  job_state_lock(const job_state_lock&) = delete;
  job_state_lock& operator=(const job_state_lock&) = delete;

 private:
  const job_state& st_;
};

using job_self = caf::stateful_actor<job_state>*;

// -- restoring (group_actor.cc) --

// -- state --

// Parses what validate_job() already accepted into the forms the actor works with.
void compile(job_state& st, const job_context* ctx);
// Every phase change goes through here so that the jobs-by-state gauges stay exact.
void set_phase(job_state& st, const job_context* ctx, job_phase p);
std::atomic<int64_t>& phase_counter(scheduler_stats* stats, job_phase p);
job_view view_of(const job_state& st);
// The job's last finished run with its job_id and group, or nullopt.
std::optional<run_record> last_finished_run(const job_state& st);

// -- placement (REMOTE@* jobs) --

// Tells the group's node registry that this job (a REMOTE@* one; others are ignored) is to be in
// its allocation table (wanted) or not, with its entry version: revision + 1, so that an edit
// raises it and a restart or a pause and activation never lowers it.
void sync_allocation(const caf::actor& job, job_state& st, const job_context* ctx, bool wanted);
// Takes the job out of its group's allocation table, whatever its target is now.
void leave_allocation(const caf::actor& job, job_state& st, const job_context* ctx);
// The node ids a REMOTE@* job is limited to (empty: any), or nullopt for every other job.
std::optional<std::vector<std::string>> placement_of(const job_state& st);

// -- timers --
// period_ms: the schedule's period when the clock may arm each next fire itself (clock_actor.h).
void arm(job_self self, const job_context* ctx, int64_t at_ms, timer_kind kind, int64_t period_ms = 0);
// Sets (or with nullopt clears) the job's next scheduled fire.
void arm_schedule(job_self self, const job_context* ctx, std::optional<int64_t> at_ms);

// -- a client's changes, applied once durable (job_changes.cc) --

// Runs `change` now, or after the change being written (and those queued before) is done.
void when_idle(job_self self, std::function<void()> change);
// Each validates, writes the changed spec with `audit`, and only once that is durable applies it
// and answers; a failed write changes nothing and answers the storage error. A deleted job
// answers not_found.
void edit_job(job_self self, audit_entry audit, job_patch patch, reply_fn<job_view> reply);
void pause_job(job_self self, audit_entry audit, done_fn done);
void activate_job(job_self self, audit_entry audit, int64_t exec_time_s, done_fn done);
// Writes `batch` (what the group writes with the delete: its audit entry) with the job's delete
// (delete_job_keeping_runs when it ran and --deleted-job-history is set); once durable the job
// stops firing and is marked deleted. `then` hears the outcome, on this job's thread.
void delete_job(job_self self, mutation_batch batch, std::function<void(status)> then);
// Stores the job's spec as it is after the change in flight (run-time updates: done).
void persist_spec_when_idle(job_self self);
// Forgets the job's finished runs: deletes its stored history (durably, with `audit`) and zeroes
// its counts and last outcomes. What is forgotten is every run recorded before the call; a run
// ending later is counted (and kept, but for one ending while the delete is written). A failed
// write puts the counts back and answers its error.
void clear_runs(job_self self, audit_entry audit, done_fn done);

}  // namespace mainspring
