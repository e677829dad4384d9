#include "actors/job_actor.h"

#include <algorithm>

#include "actors/job_queue.h"
#include "actors/job_runs.h"
#include "actors/job_state.h"
#include "actors/lingering_jobs.h"
#include "storage/mutation_batch.h"

namespace mainspring {

// -- state helpers shared with job_runs.cc --

job_state::~job_state() {
  job_state_lock lock(*this);  // no reader is inside the state when its members go
  retired = true;
}

void compile(job_state& st, const job_context* ctx) {
  std::string_view zone = st.spec.timezone().empty() ? ctx->default_zone.name() : st.spec.timezone();
  st.timing = ctx->schedules.get(st.spec.schedule(), zone).value();  // as ctx->timing_of, unpacked
  st.kind = st.spec.kind();
}

std::atomic<int64_t>& phase_counter(scheduler_stats* stats, job_phase p) {
  switch (p) {
    case job_phase::paused: return stats->jobs_paused;
    case job_phase::done: return stats->jobs_done;
    case job_phase::active: break;
  }
  return stats->jobs_active;
}

void set_phase(job_state& st, const job_context* ctx, job_phase p) {
  if (st.phase == p) return;
  phase_counter(ctx->stats, st.phase).fetch_sub(1, std::memory_order_relaxed);
  phase_counter(ctx->stats, p).fetch_add(1, std::memory_order_relaxed);
  st.phase = p;
}

std::optional<std::vector<std::string>> placement_of(const job_state& st) {
  if (st.kind != executor_kind::remote) return std::nullopt;
  executor_target target = st.spec.target();
  auto& remote = std::get<remote_target>(target);
  if (!remote.allocated) return std::nullopt;
  return std::move(remote.nodes);
}

// The node registry ignores a job it does not hold.
void leave_allocation(const caf::actor& job, job_state& st, const job_context* ctx) {
  st.allocated_node.clear();
  caf::anon_send(ctx->registry, alloc_sync_atom::value, std::string(st.spec.group()), std::string(st.spec.id()),
                 job, false, std::vector<std::string>{}, uint64_t{0});
}

void sync_allocation(const caf::actor& job, job_state& st, const job_context* ctx, bool wanted) {
  auto servers = placement_of(st);
  if (!servers) return;
  if (!wanted) return leave_allocation(job, st, ctx);
  caf::anon_send(ctx->registry, alloc_sync_atom::value, std::string(st.spec.group()), std::string(st.spec.id()),
                 job, true, std::move(*servers), uint64_t{st.spec.revision} + 1);  // a uint64_t on the wire
}

void arm(job_self self, const job_context* ctx, int64_t at_ms, timer_kind kind, int64_t period_ms) {
  self->send(ctx->clock, arm_atom::value, caf::actor_cast<caf::actor>(self), at_ms, kind, period_ms);
}

namespace {

// An @every schedule is periodic: the clock then arms each next fire itself (clock_actor.h).
// 0 for every other schedule.
int64_t period_of(const job_state& st) {
  if (!st.timing || st.timing->sched.get_kind() != schedule::kind::every) return 0;
  return st.timing->sched.interval().count();
}

}  // namespace

void arm_schedule(job_self self, const job_context* ctx, std::optional<int64_t> at_ms) {
  auto& st = self->state;
  st.next_fire_ms = at_ms;
  if (!at_ms) return self->send(ctx->clock, disarm_atom::value, self->id(), timer_kind::schedule);
  arm(self, ctx, *at_ms, timer_kind::schedule, period_of(st));
}

job_view view_of(const job_state& st) {
  job_view v;
  v.spec = st.spec.unpack();
  v.phase = st.phase;
  v.next_fire_ms = st.phase == job_phase::active ? st.next_fire_ms : std::nullopt;
  v.runs = st.counts.runs();
  v.successes = st.counts.successes;
  v.failures = st.counts.failures;
  v.skipped = st.counts.skipped;
  v.retries = st.counts.retries;
  v.running = static_cast<uint32_t>(st.in_flight.size());
  v.waiting = static_cast<uint32_t>(waiting_runs(st));
  v.last_success_ms = st.counts.last_success_ms;
  v.last_error_ms = st.counts.last_error_ms;
  if (!st.in_flight.empty()) v.last_run = st.in_flight.back();
  else {
    v.last_run = last_finished_run(st);
    v.last_run_erased = st.last_finished && st.last_finished->erased;
  }
  v.retries_due = st.retries_due;
  return v;
}

finished_run finished_run::of(run_record&& run) {
  finished_run f;
  f.run_id = run.run_id;
  f.plan_ms = run.plan_ms;
  f.start_ms = run.start_ms;
  f.end_ms = run.end_ms;
  f.code = run.code;
  f.attempt = run.attempt;
  f.state = run.state;
  f.trigger = run.trigger;
  if (!run.output_tail.empty() || !run.error.empty() || !run.node.empty() || run.own_fields || run.cause ||
      run.reported)
    f.text = std::make_unique<texts>(texts{std::move(run.output_tail), std::move(run.error), std::move(run.node),
                                           std::move(run.own_fields), std::move(run.cause), std::move(run.reported)});
  return f;
}

run_record finished_run::record(std::string_view job_id, std::string_view group) const {
  run_record run;
  run.run_id = run_id;
  run.job_id = job_id;
  run.group = group;
  run.trigger = trigger;
  run.attempt = attempt;
  run.state = state;
  run.plan_ms = plan_ms;
  run.start_ms = start_ms;
  run.end_ms = end_ms;
  run.code = code;
  if (text) {
    run.output_tail = text->output_tail;
    run.error = text->error;
    run.node = text->node;
    run.own_fields = text->own_fields;
    run.cause = text->cause;
    run.reported = text->reported;
  }
  return run;
}

std::optional<run_record> last_finished_run(const job_state& st) {
  if (!st.last_finished) return std::nullopt;
  return st.last_finished->record(st.spec.id(), st.spec.group());
}

void count_skipped(job_state& st, const job_context* ctx, uint64_t n, skip_reason why) {
  if (n == 0) return;
  st.counts.skipped += n;
  ctx->stats->runs_skipped.fetch_add(n, std::memory_order_relaxed);
  ctx->stats->runs_skipped_by_reason[static_cast<std::size_t>(why)].fetch_add(n, std::memory_order_relaxed);
}

namespace {

// The schedule is over (a one-shot ran, or no fire remains): the job stays, marked done.
void mark_done(job_self self, const job_context* ctx) {
  auto& st = self->state;
  set_phase(st, ctx, job_phase::done);
  st.spec.done = true;
  arm_schedule(self, ctx, std::nullopt);
  sync_allocation(caf::actor_cast<caf::actor>(self), st, ctx, false);
  persist_spec_when_idle(self);  // after a change being written, so that it keeps that change
}

// True while the whole scheduler is paused: scheduled fires and catch-up runs do not start then.
// Those the job's misfire policy may run when it resumes (one for `once`, up to
// k_max_catch_up_runs for `all`) are held, and counted as skipped then unless they run
// (replay_missed_fires); the others are counted as skipped now.
bool skipped_while_paused(job_state& st, const job_context* ctx, uint64_t fires) {
  if (!ctx->stats->scheduler_paused.load(std::memory_order_relaxed)) return false;
  const uint64_t replayable = st.spec.misfire == misfire_policy::all    ? k_max_catch_up_runs
                              : st.spec.misfire == misfire_policy::once ? 1
                                                                        : 0;
  const uint64_t held = std::min(fires, replayable - std::min<uint64_t>(replayable, st.fires_while_paused));
  st.fires_while_paused += static_cast<uint32_t>(held);
  count_skipped(st, ctx, fires - held, skip_reason::scheduler_paused);
  return true;
}

// True when the scheduler is paused for a fire planned at `plan_ms`: one planned before the
// instant the pause took effect is not (it was due while the scheduler ran, and reaches the job
// late: a busy clock), so it runs as any other, rather than being held and then, as the replay
// on resume starts at that instant, counted as skipped even under misfire `all`.
bool paused_for(const job_context* ctx, int64_t plan_ms) {
  if (!ctx->stats->scheduler_paused.load(std::memory_order_acquire)) return false;
  const int64_t since = ctx->stats->paused_since_ms.load(std::memory_order_relaxed);
  return since == 0 || plan_ms >= since;
}

void start_catch_up_runs(job_self self, const job_context* ctx, const std::vector<int64_t>& plan_ms) {
  if (skipped_while_paused(self->state, ctx, plan_ms.size())) return;
  for (int64_t missed_plan : plan_ms) start_run(self, ctx, run_trigger::misfire, missed_plan, 0);
}

// Runs the catch-up fires of `plan`, counts what it dropped, and arms its next fire, unless the
// clock armed that very deadline already (`rearmed_ms`, clock_actor.h: periodic schedules).
void apply_plan(job_self self, const job_context* ctx, const fire_plan& plan, int64_t rearmed_ms) {
  start_catch_up_runs(self, ctx, plan.catch_up_ms);
  count_skipped(self->state, ctx, static_cast<uint64_t>(plan.missed) - plan.catch_up_ms.size(), skip_reason::misfire);
  if (!plan.next_ms) return mark_done(self, ctx);
  if (rearmed_ms != 0 && *plan.next_ms == rearmed_ms) self->state.next_fire_ms = rearmed_ms;
  else arm_schedule(self, ctx, plan.next_ms);
}

// Why fires since a past time are replayed: the scheduler resumed after a pause that began then
// (fires from the job's first one on), or a client rewound the job's cursor to it (every fire of
// its schedule since then, even from before the job existed, as Cronicle's reset_cursor).
enum class replay_reason { resumed, rewound };

// The fires since `since_ms` are missed ones, run as the job's misfire policy says (all of them,
// one, or none), as after downtime. The next fire stays as armed. Answers how many runs started.
std::size_t replay_missed_fires(job_self self, const job_context* ctx, int64_t since_ms,
                                replay_reason why = replay_reason::resumed) {
  auto& st = self->state;
  // The fires held while paused (skipped_while_paused) that are not run now were skipped. (A
  // restart during the pause forgets those held before it, which are run now or not counted.)
  const uint64_t held = why == replay_reason::resumed ? std::exchange(st.fires_while_paused, 0) : 0;
  auto count_held = [&](std::size_t replayed) {
    count_skipped(st, ctx, held > replayed ? held - replayed : 0, skip_reason::scheduler_paused);
  };
  if (st.deleted || st.phase != job_phase::active || st.spec.misfire == misfire_policy::skip) return count_held(0), 0;
  const auto& timing = *st.timing;
  if (timing.sched.get_kind() == schedule::kind::manually) return count_held(0), 0;
  const job_spec spec = st.spec.unpack();
  // Every fire up to now was skipped (after downtime, the last second's would still be due): move
  // plan_on_restart's horizon to now.
  const int64_t horizon = to_unix_ms(now_ms()) + k_misfire_threshold_ms;
  auto plan = before_expiry(why == replay_reason::rewound
                                ? plan_after(timing.sched, timing.zone, since_ms, horizon, spec.misfire)
                                : plan_on_restart(timing.sched, timing.zone, spec, since_ms, horizon),
                            spec.expires_at_ms);
  start_catch_up_runs(self, ctx, plan.catch_up_ms);
  count_held(plan.catch_up_ms.size());
  return plan.catch_up_ms.size();
}

// A scheduled fire planned at `plan_ms`: run it (or, taken too late, as its misfire policy
// says), then arm the next one (`rearmed_ms`: the deadline the clock armed next, 0 = none).
void on_schedule_fire(job_self self, const job_context* ctx, int64_t plan_ms, int64_t rearmed_ms) {
  auto& st = self->state;
  if (st.phase != job_phase::active || st.next_fire_ms != plan_ms) return;  // stale timer
  const auto& timing = *st.timing;
  auto decision = plan_fire(timing.sched, timing.zone, plan_ms, to_unix_ms(now_ms()), st.spec.misfire);
  if (decision.run_planned && !(paused_for(ctx, plan_ms) && skipped_while_paused(st, ctx, 1)))
    start_run(self, ctx, run_trigger::schedule, plan_ms, 0, st.spec.concurrency == concurrency_policy::forbid);
  apply_plan(self, ctx, before_expiry(std::move(decision.after), st.spec.expires_at_ms), rearmed_ms);
}

// Answers a run-now: a run that started is answered at once (its audit entry written lazily, as
// its record); one that waits in the job's queue is a stored promise, answered once its audit
// entry is durable (that write syncs the queue's record, written just before it).
void answer_run_now(const job_context* ctx, audit_entry audit, uint64_t id, const reply_fn<uint64_t>& reply) {
  if (id != 0) {
    persist_lazily(ctx, mutation_batch{}.put_audit(audit));
    return reply(id);
  }
  persist(ctx, mutation_batch{}.put_audit(audit), [reply](status st) {
    if (st.ok()) reply(uint64_t{0});
    else reply(std::move(st));
  });
}

// Starts a run the client asked for, or queues it (controls.queue); answers its id (0: queued).
void run_now(job_self self, audit_entry audit, manual_run run, const reply_fn<uint64_t>& reply) {
  const job_context* ctx = self->state.ctx;
  if (self->state.deleted) return reply(status::not_found("job_id: the job was deleted"));
  const bool own = run.change.has_value();
  const int64_t as_of_ms = run.as_of_ms;
  auto id = start_manual_run(self, ctx, std::move(run));
  if (!id.ok()) return reply(id.status());
  audit.detail = *id ? "run " + std::to_string(*id) : "a run waits in the job's queue";
  if (own) audit.detail += " with fields of its own";
  if (as_of_ms) audit.detail += " as of " + std::to_string(as_of_ms) + " ms";
  answer_run_now(ctx, std::move(audit), *id, reply);
}

// The job is deleted (its group forgot it): its timers go, it leaves the gauges, and the actor
// ends. A change still being written lands first.
void retire(job_self self) {
  when_idle(self, [self] {
    const job_context* ctx = self->state.ctx;
    self->send(ctx->clock, disarm_atom::value, self->id());
    sync_allocation(caf::actor_cast<caf::actor>(self), self->state, ctx, false);
    phase_counter(ctx->stats, self->state.phase).fetch_sub(1, std::memory_order_relaxed);
    // A job deleted with its runs kept stays to record the runs it has in flight as they end
    // (finish_run quits after the last); one that goes with its group, or whose runs go, ends now.
    auto& st = self->state;
    if (st.kept_for_runs) {
      st.lingering = true;
      return;
    }
    self->quit();
  });
}

// -- one behaviour for every job actor --
//
// A behaviour built per actor costs about 600 bytes (a match case per handler, each holding its
// captures): a million job actors would hold 600 MB of identical copies. So the handlers below
// exist once and capture nothing. Each job actor's own behaviour is a shared no-op; every message
// falls through to its default handler, dispatch(), which points t_job at the actor for the
// duration of the call and runs the shared handlers (CAF's matching, replies and errors as usual).

thread_local job_self t_job = nullptr;

// Never sent: it only gives the actor a behaviour, without which CAF would end it.
using keep_alive_atom = caf::atom_constant<caf::atom("keepalive")>;

// The actor a shared handler is running for, and its context.
job_self me() { return t_job; }
const job_context* my_ctx() { return t_job->state.ctx; }

caf::behavior make_job_handlers() {
  return {
      [](catch_up_atom, const std::vector<int64_t>& plan_ms) { start_catch_up_runs(me(), my_ctx(), plan_ms); },
      // The ticket frees the clock's slot when this message is gone (clock_actor.h).
      [](fire_atom, int64_t plan_ms, timer_kind kind, int64_t rearmed_ms, const fire_ticket&) {
        auto self = me();
        auto& st = self->state;
        if (st.deleted) return;  // a timer that was in flight when the delete was written
        if (kind == timer_kind::schedule) return on_schedule_fire(self, st.ctx, plan_ms, rearmed_ms);
        start_due_retries(self, st.ctx);
        // A REMOTE@ job's restored queue waits for this tick (restore_waiting in job_queue.h).
        start_waiting_runs(self, st.ctx);
      },
      [](run_done_atom, run_outcome& out) { finish_run(me(), my_ctx(), std::move(out)); },
      [](adopt_run_atom, run_record& run, const caf::actor& node) {
        auto self = me();
        const uint64_t id = run.run_id;
        const bool taken = adopt_remote_run(self, my_ctx(), std::move(run));
        self->send(node, adopted_atom::value, id, taken ? caf::actor_cast<caf::actor>(self) : caf::actor{});
      },
      [](replay_atom, int64_t since_ms) { replay_missed_fires(me(), my_ctx(), since_ms); },
      [](rewind_atom, audit_entry& audit, int64_t since_ms, const reply_fn<std::size_t>& reply) {
        const std::size_t n = replay_missed_fires(me(), my_ctx(), since_ms, replay_reason::rewound);
        audit.detail = "from " + std::to_string(since_ms) + ": " + std::to_string(n) + " catch-up run(s)";
        persist_lazily(my_ctx(), mutation_batch{}.put_audit(audit));
        reply(n);
      },
      [](view_atom) -> job_view { return view_of(me()->state); },
      [](view_atom, const reply_fn<job_view>& reply) { reply(view_of(me()->state)); },
      [](view_atom, uint64_t run_id, const reply_fn<job_view>& reply) { reply(view_for_run(me()->state, run_id)); },
      [](edit_job_atom, audit_entry& audit, job_patch& patch, const reply_fn<job_view>& reply) {
        edit_job(me(), std::move(audit), std::move(patch), reply);
      },
      [](pause_atom, audit_entry& audit, const done_fn& done) { pause_job(me(), std::move(audit), done); },
      [](activate_atom, audit_entry& audit, int64_t exec_time_s, const done_fn& done) {
        activate_job(me(), std::move(audit), exec_time_s, done);
      },
      [](delete_atom, mutation_batch& batch, std::function<void(status)>& then) {
        delete_job(me(), std::move(batch), std::move(then));
      },
      [](delete_atom) { retire(me()); },
      [](written_atom, actor_task& task) { task(); },
      // The server stops: the clock is stopping too, so no disarm; the gauges no longer matter.
      [](stop_atom) {  // the server stops
        record_interrupted_runs(me(), my_ctx());
        me()->quit();
      },
      [](run_now_atom, audit_entry& audit, manual_run& run, const reply_fn<uint64_t>& reply) {
        // After a change being written (an edit of its command, a delete), as if sent after it.
        when_idle(me(), [self = me(), audit = std::move(audit), run = std::move(run), reply]() mutable {
          run_now(self, std::move(audit), std::move(run), reply);
        });
      },
      [](abort_atom, audit_entry& audit, uint64_t run_id, std::string& reason, const reply_fn<std::size_t>& reply) {
        // The caller's reason, when it gives one (Cronicle names the key that aborted it).
        std::size_t n = abort_one_run(me(), my_ctx(), run_id, reason.empty() ? "stopped through the " + audit.api + " API" : reason);
        if (n) persist_lazily(my_ctx(), mutation_batch{}.put_audit(audit));
        reply(n);
      },
      [](restore_waiting_atom, std::vector<waiting_record>& stored) {
        restore_waiting(me(), my_ctx(), std::move(stored));
      },
      [](restore_in_flight_atom, std::vector<run_record>& runs) {
        restore_cut_short_runs(me()->state, my_ctx(), std::move(runs));
      },
      [](restore_history_atom, stored_history& history) {
        adopt_history(me()->state, my_ctx(), std::move(history));
        record_cut_short_runs(me()->state, my_ctx());
      },
      // Every stored history was given: a job that got none had no stored run.
      [](histories_read_atom) {
        adopt_history(me()->state, my_ctx(), stored_history{});
        record_cut_short_runs(me()->state, my_ctx());
      },
      [](flush_queue_atom, audit_entry& audit, const reply_fn<std::size_t>& reply) {
        const std::size_t n = flush_waiting_runs(me(), my_ctx());
        audit.detail = std::to_string(n) + (n == 1 ? " waiting run dropped" : " waiting runs dropped");
        persist_lazily(my_ctx(), mutation_batch{}.put_audit(audit));
        reply(n);
      },
      [](clear_runs_atom, audit_entry& audit, const done_fn& done) { clear_runs(me(), std::move(audit), done); },
      [](update_run_atom, audit_entry& audit, uint64_t run_id, run_override& change,
         const reply_fn<std::size_t>& reply) {
        auto n = update_run(me(), my_ctx(), run_id, change);
        if (n.ok() && *n) persist_lazily(my_ctx(), mutation_batch{}.put_audit(audit));
        reply(std::move(n));
      },
      [](abort_atom, audit_entry& audit, const reply_fn<std::size_t>& reply) {
        // The caller's detail, when it gives one, is the reason (Cronicle names the event disabled).
        reply(abort_runs(me(), my_ctx(), audit.detail.empty() ? "stopped through the " + audit.api + " API" : audit.detail));
        persist_lazily(my_ctx(), mutation_batch{}.put_audit(audit));
      },
      // A slot of its run pool may be free, or the pool changed (run_pools.h).
      [](pool_slot_atom) { start_waiting_runs(me(), my_ctx()); },
      [](dependents_atom, bool has) { me()->state.has_dependents = has; },
      [](alloc_node_atom, std::string& node) { me()->state.allocated_node = std::move(node); },
      [](run_after_atom, std::shared_ptr<const run_cause>& cause) {
        auto self = me();
        // A paused child waits, as a paused job; a deleted one never runs again.
        if (self->state.phase == job_phase::paused || self->state.deleted) return;
        start_chained_run(self, self->state.ctx, std::move(cause));
      },
      [](forget_runs_atom, const std::vector<uint64_t>& run_ids, const reply_fn<std::size_t>& reply) {
        reply(forget_erased_runs(me()->state, run_ids));
      },
      [](executions_atom, std::size_t limit, uint64_t before, std::vector<run_record>& stored,
         const reply_fn<std::vector<run_record>>& reply) {
        reply(merge_runs(me()->state, my_ctx(), std::move(stored), limit, before));
      },
  };
}

caf::result<caf::message> dispatch(caf::scheduled_actor* actor, caf::message_view& view) {
  static caf::behavior handlers = make_job_handlers();  // immutable once built: safe to share
  struct restore_outer {
    job_self outer;
    ~restore_outer() { t_job = outer; }
  } guard{std::exchange(t_job, static_cast<job_self>(actor))};
  auto msg = view.move_content_to_message();
  // A list reading this state on another thread waits for the handler (read_job_view).
  job_state_lock lock(t_job->state);
  auto answer = handlers(msg);
  if (!answer) return caf::sec::unexpected_message;
  return std::move(*answer);
}

// A job's actor. A class rather than a function: no init function, and no arguments kept per
// actor for it until the first message (it is spawned with lazy_init; its state is filled in).
class job_actor final : public caf::stateful_actor<job_state> {
 public:
  using caf::stateful_actor<job_state>::stateful_actor;

  caf::behavior make_behavior() override {
    static caf::behavior keep_alive{[](keep_alive_atom) {}};
    set_default_handler(dispatch);
    return keep_alive;
  }
};

// The state of a job actor spawned with lazy_init that has not had a message yet: until then
// nothing runs in it, so the spawning thread may fill it in. Sending the actor anything (or
// handing it to the clock) publishes what was written.
job_state& unstarted_state(const caf::actor& job) {
  return static_cast<job_actor*>(caf::actor_cast<caf::abstract_actor*>(job))->state;
}

// Spawns a job's actor without scheduling it, its state compiled from `spec` and counted in the
// gauges. An idle job costs no scheduling and no behaviour until its first message.
caf::actor spawn_unstarted(caf::actor_system& sys, const job_spec& spec, const job_context* ctx) {
  auto job = sys.spawn<job_actor, caf::lazy_init>();
  auto& st = unstarted_state(job);
  st.ctx = ctx;
  st.spec = compact_job_spec(spec);
  compile(st, ctx);
  st.phase = st.spec.done ? job_phase::done : st.spec.paused ? job_phase::paused : job_phase::active;
  phase_counter(ctx->stats, st.phase).fetch_add(1, std::memory_order_relaxed);
  if (st.phase == job_phase::active) sync_allocation(job, st, ctx, true);
  return job;
}

}  // namespace

caf::actor restore_job(caf::actor_system& sys, job_spec spec, const job_context* ctx,
                       int64_t last_alive_ms, schedule_batch& batch, bool awaits_history) {
  auto job = spawn_unstarted(sys, spec, ctx);
  auto& st = unstarted_state(job);
  st.history_known = !awaits_history;
  ++batch.jobs;
  if (st.phase != job_phase::active || st.timing->sched.get_kind() == schedule::kind::manually) return job;
  // As apply_plan(), but on this thread; the catch-up runs need the actor, so they go last.
  const auto& timing = *st.timing;
  auto plan = before_expiry(plan_on_restart(timing.sched, timing.zone, spec, last_alive_ms, to_unix_ms(now_ms())),
                            spec.expires_at_ms);
  count_skipped(st, ctx, static_cast<uint64_t>(plan.missed) - plan.catch_up_ms.size(), skip_reason::misfire);
  if (plan.next_ms) {
    st.next_fire_ms = plan.next_ms;
    batch.timers.push_back({job, *plan.next_ms, 0});
  } else {
    set_phase(st, ctx, job_phase::done);
    st.spec.done = spec.done = true;
    persist(ctx, mutation_batch{}.put_job(spec), nullptr);
  }
  if (!plan.catch_up_ms.empty()) caf::anon_send(job, catch_up_atom::value, std::move(plan.catch_up_ms));
  return job;
}

std::optional<job_view> read_job_view(const caf::actor& job) {
  return read_job_view(caf::actor_cast<caf::abstract_actor*>(job));
}

namespace {

// `read` of the job's state under its lock, or `none` when there is no actor or it has retired.
// REQUIRES: as read_job_view(caf::abstract_actor*).
template <class T, class F>
T read_state(caf::abstract_actor* job, T none, F read) {
  auto* actor = static_cast<job_actor*>(job);
  if (!actor) return none;
  const job_state& st = actor->state;
  job_state_lock lock(st);
  if (st.retired) return none;
  return read(st);
}

}  // namespace

std::optional<job_view> read_job_view(caf::abstract_actor* job) {
  return read_state<std::optional<job_view>>(job, std::nullopt, [](const job_state& st) { return view_of(st); });
}

std::vector<run_record> read_runs_in_flight(caf::abstract_actor* job) {
  return read_state<std::vector<run_record>>(job, {}, [](const job_state& st) { return st.in_flight; });
}

std::vector<waiting_retry> read_retries_due(caf::abstract_actor* job) {
  return read_state<std::vector<waiting_retry>>(job, {}, [](const job_state& st) {
    std::vector<waiting_retry> out;
    for (const auto& r : st.retries_due) out.push_back({std::string(st.spec.id()), r});
    return out;
  });
}

caf::actor spawn_job(caf::actor_system& sys, const job_spec& spec, const job_context* ctx,
                     schedule_batch& arms) {
  auto job = spawn_unstarted(sys, spec, ctx);
  auto& st = unstarted_state(job);
  if (st.phase == job_phase::active && st.spec.anchor_ms != 0) {
    st.next_fire_ms = st.spec.anchor_ms;
    arms.timers.push_back({job, st.spec.anchor_ms, period_of(st)});
  }
  return job;
}

}  // namespace mainspring
