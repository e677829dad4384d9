#include "actors/job_actor.h"

#include "actors/job_state.h"
#include "storage/mutation_batch.h"

namespace mainspring {

// -- state helpers shared with job_runs.cc --

void compile(job_state& st, const job_context* ctx) {
  st.sched = parse_schedule(st.spec.schedule).value();
  st.zone = st.spec.timezone.empty() ? ctx->default_zone : time_zone::find(st.spec.timezone).value();
  st.target = parse_executor_target(st.spec.request_url, st.spec.exec_command).value();
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

void arm(job_self self, const job_context* ctx, int64_t at_ms, timer_kind kind) {
  self->send(ctx->clock, arm_atom::value, caf::actor_cast<caf::actor>(self), at_ms, kind);
}

void arm_schedule(job_self self, const job_context* ctx, std::optional<int64_t> at_ms) {
  self->state.next_fire_ms = at_ms;
  if (at_ms) arm(self, ctx, *at_ms, timer_kind::schedule);
  else self->send(ctx->clock, disarm_atom::value, self->id(), timer_kind::schedule);
}

job_view view_of(const job_state& st) {
  job_view v;
  v.spec = st.spec;
  v.phase = st.phase;
  v.next_fire_ms = st.phase == job_phase::active ? st.next_fire_ms : std::nullopt;
  v.runs = st.runs;
  v.successes = st.successes;
  v.failures = st.failures;
  v.skipped = st.skipped;
  v.retries = st.retries;
  v.running = static_cast<uint32_t>(st.in_flight.size());
  v.last_success_ms = st.last_success_ms;
  v.last_error_ms = st.last_error_ms;
  if (!st.in_flight.empty()) v.last_run = st.in_flight.back();
  else if (!st.recent.empty()) v.last_run = st.recent.back();
  return v;
}

namespace {

void count_skipped(job_state& st, const job_context* ctx, uint64_t n) {
  st.skipped += n;
  ctx->stats->runs_skipped.fetch_add(n, std::memory_order_relaxed);
}

// The schedule is over (a one-shot ran, or no fire remains): the job stays, marked done.
void mark_done(job_self self, const job_context* ctx) {
  auto& st = self->state;
  set_phase(st, ctx, job_phase::done);
  st.spec.done = true;
  arm_schedule(self, ctx, std::nullopt);
  persist(ctx, mutation_batch{}.put_job(st.spec), nullptr);
}

// Runs the catch-up fires of `plan`, counts what it dropped, and arms its next fire.
void apply_plan(job_self self, const job_context* ctx, const fire_plan& plan) {
  for (int64_t missed_plan : plan.catch_up_ms) start_run(self, ctx, run_trigger::misfire, missed_plan, 0);
  count_skipped(self->state, ctx, static_cast<uint64_t>(plan.missed) - plan.catch_up_ms.size());
  if (plan.next_ms) arm_schedule(self, ctx, plan.next_ms);
  else mark_done(self, ctx);
}

// A scheduled fire planned at `plan_ms`: run it (or skip it), then arm the next one.
void on_schedule_fire(job_self self, const job_context* ctx, int64_t plan_ms) {
  auto& st = self->state;
  if (st.phase != job_phase::active || st.next_fire_ms != plan_ms) return;  // stale timer
  if (st.spec.concurrency == concurrency_policy::forbid && !st.in_flight.empty()) count_skipped(st, ctx, 1);
  else start_run(self, ctx, run_trigger::schedule, plan_ms, 0);
  apply_plan(self, ctx, plan_after(*st.sched, st.zone, plan_ms, to_unix_ms(now_ms()), st.spec.misfire));
}

// Plans a job found in the state store at start-up, with the misfire policy for what was missed.
void restore(job_self self, const job_context* ctx, int64_t last_alive_ms) {
  auto& st = self->state;
  if (st.phase != job_phase::active || st.sched->get_kind() == schedule::kind::manually) return;
  apply_plan(self, ctx, plan_on_restart(*st.sched, st.zone, st.spec, last_alive_ms, to_unix_ms(now_ms())));
}

// (Re)starts the schedule with its first fire at exec_time_s (0 = now; never for @manually).
void start_schedule(job_self self, const job_context* ctx, int64_t exec_time_s) {
  auto& st = self->state;
  auto first = first_fire(*st.sched, exec_time_s, to_unix_ms(now_ms()));
  st.spec.anchor_ms = first.value_or(0);
  st.spec.done = false;
  set_phase(st, ctx, job_phase::active);
  arm_schedule(self, ctx, first);
}

// Persists the job's spec with `audit`, then answers `reply(value)` (or the storage error).
template <class T>
void persist_spec(const job_context* ctx, const job_state& st, audit_entry audit,
                  std::function<void(status_or<T>)> reply, T value) {
  persist(ctx, mutation_batch{}.put_job(st.spec).put_audit(audit),
          [reply = std::move(reply), value = std::move(value)](status s) mutable {
            if (s.ok()) reply(std::move(value));
            else reply(std::move(s));
          });
}

void persist_spec(const job_context* ctx, const job_state& st, audit_entry audit, done_fn done) {
  persist(ctx, mutation_batch{}.put_job(st.spec).put_audit(audit), std::move(done));
}

// The job is deleted (its group already removed it from the store): its timers go, it leaves
// the gauges, and the actor ends.
void retire(job_self self, const job_context* ctx) {
  self->send(ctx->clock, disarm_atom::value, self->id());
  phase_counter(ctx->stats, self->state.phase).fetch_sub(1, std::memory_order_relaxed);
  self->quit();
}

status_or<job_spec> edited_spec(const job_state& st, const job_patch& patch, const job_context* ctx) {
  job_spec next = apply_patch(st.spec, patch);
  next.updated_ms = to_unix_ms(now_ms());
  if (auto v = validate_job(next); !v.ok()) return v;
  if (auto s = ctx->pool_accepts(next); !s.ok()) return s;
  return next;
}

caf::behavior job_behavior(job_self self, job_spec spec, const job_context* ctx, int64_t last_alive_ms) {
  auto& st = self->state;
  st.spec = std::move(spec);
  compile(st, ctx);
  st.phase = st.spec.done ? job_phase::done : st.spec.paused ? job_phase::paused : job_phase::active;
  phase_counter(ctx->stats, st.phase).fetch_add(1, std::memory_order_relaxed);
  if (last_alive_ms != k_new_job) restore(self, ctx, last_alive_ms);
  else if (st.phase == job_phase::active && st.spec.anchor_ms != 0) arm_schedule(self, ctx, st.spec.anchor_ms);

  return {
      [=](fire_atom, int64_t plan_ms, timer_kind kind) {
        auto& st = self->state;
        if (kind == timer_kind::schedule) return on_schedule_fire(self, ctx, plan_ms);
        if (!st.retry) return;
        auto retry = *st.retry;
        st.retry.reset();
        ++st.retries;
        start_run(self, ctx, run_trigger::retry, retry.plan_ms, retry.attempt);
      },
      [=](run_done_atom, run_outcome& out) { finish_run(self, ctx, std::move(out)); },
      [=](view_atom) -> job_view { return view_of(self->state); },
      [=](view_atom, const reply_fn<job_view>& reply) { reply(view_of(self->state)); },
      [=](edit_job_atom, audit_entry& audit, const job_patch& patch, const reply_fn<job_view>& reply) {
        auto& st = self->state;
        auto next = edited_spec(st, patch, ctx);
        if (!next.ok()) return reply(next.status());
        st.spec = std::move(next).value();
        compile(st, ctx);
        bool retimed = patch.schedule || patch.timezone || patch.exec_time_s;
        if (retimed && st.phase != job_phase::paused) start_schedule(self, ctx, st.spec.exec_time_s);
        persist_spec(ctx, st, std::move(audit), reply, view_of(st));
      },
      [=](pause_atom, audit_entry& audit, const done_fn& done) {
        auto& st = self->state;
        if (st.phase == job_phase::active) {
          set_phase(st, ctx, job_phase::paused);
          arm_schedule(self, ctx, std::nullopt);
        }
        st.spec.paused = true;
        persist_spec(ctx, st, std::move(audit), done);
      },
      [=](activate_atom, audit_entry& audit, int64_t exec_time_s, const done_fn& done) {
        auto& st = self->state;
        st.spec.paused = false;
        start_schedule(self, ctx, exec_time_s);
        persist_spec(ctx, st, std::move(audit), done);
      },
      [=](delete_atom) { retire(self, ctx); },
      [=](run_now_atom, audit_entry& audit, const reply_fn<uint64_t>& reply) {
        uint64_t id = start_run(self, ctx, run_trigger::manual, to_unix_ms(now_ms()), 0);
        audit.detail = "run " + std::to_string(id);
        persist_lazily(ctx, mutation_batch{}.put_audit(audit));
        reply(id);
      },
      [=](executions_atom, std::size_t limit, uint64_t before, std::vector<run_record>& stored,
          const reply_fn<std::vector<run_record>>& reply) {
        reply(merge_runs(self->state, std::move(stored), limit, before));
      },
  };
}

}  // namespace

caf::actor spawn_job(caf::actor_system& sys, job_spec spec, const job_context* ctx,
                     int64_t last_alive_ms) {
  return sys.spawn(job_behavior, std::move(spec), ctx, last_alive_ms);
}

}  // namespace mainspring
