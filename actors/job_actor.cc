#include "actors/job_actor.h"

#include <deque>
#include <optional>
#include <vector>

#include "actors/messages.h"
#include "core/fire_plan.h"
#include "core/schedule.h"
#include "core/totp.h"
#include "executors/executor_pool.h"
#include "executors/run_report.h"

namespace mainspring {

namespace {

struct pending_retry {
  int64_t plan_ms = 0;
  int attempt = 0;
};

struct job_state {
  // -- the job as asked for --
  job_spec spec;
  std::optional<schedule> sched;  // always set after compile()
  time_zone zone = time_zone::utc();
  executor_target target;
  // -- run-time state --
  job_phase phase = job_phase::active;
  std::optional<int64_t> next_fire_ms;
  std::optional<pending_retry> retry;
  std::vector<run_record> in_flight;
  std::deque<run_record> history;  // finished runs, newest last
  uint64_t runs = 0, successes = 0, failures = 0, skipped = 0, retries = 0;
  int64_t last_success_ms = 0, last_error_ms = 0;

  static inline const char* name = "mainspring.job";
};

using job_self = caf::stateful_actor<job_state>*;

// Parses what validate_job() already accepted into the forms the actor works with.
void compile(job_state& st, const job_context* ctx) {
  st.sched = parse_schedule(st.spec.schedule).value();
  st.zone = st.spec.timezone.empty() ? ctx->default_zone : time_zone::find(st.spec.timezone).value();
  st.target = parse_executor_target(st.spec.request_url, st.spec.exec_command).value();
}

caf::actor handle_of(job_self self) { return caf::actor_cast<caf::actor>(self); }

void arm(job_self self, const job_context* ctx, int64_t at_ms, timer_kind kind) {
  self->send(ctx->clock, arm_atom::value, handle_of(self), at_ms, kind);
}

void arm_schedule(job_self self, const job_context* ctx, std::optional<int64_t> at_ms) {
  auto& st = self->state;
  st.next_fire_ms = at_ms;
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
  else if (!st.history.empty()) v.last_run = st.history.back();
  return v;
}

run_request request_for(const job_state& st, const run_record& run) {
  run_request req;
  req.run_id = run.run_id;
  req.job_id = st.spec.id;
  req.group = st.spec.group;
  req.job_name = st.spec.name;
  req.timeout = std::chrono::milliseconds(st.spec.timeout_ms);
  req.plan_time = from_unix_ms(run.plan_ms);
  if (st.target.kind == executor_kind::http) {
    req.target = st.target.url;
    // As the original: the callee can check otp_code against the job's otp_token.
    req.extras = {{"otp_code", totp_now(st.spec.otp_secret, to_unix_ms(now_ms()) / 1000)},
                  {"job_id", st.spec.id},
                  {"job_name", st.spec.name}};
  } else {
    req.target = st.spec.exec_command;
  }
  return req;
}

void finish_run(job_self self, const job_context* ctx, run_outcome out);

// Starts one run and answers its id.
uint64_t start_run(job_self self, const job_context* ctx, run_trigger trigger, int64_t plan_ms,
                   int attempt) {
  auto& st = self->state;
  run_record run;
  run.run_id = ctx->ids->next(now_ms());
  run.job_id = st.spec.id;
  run.group = st.spec.group;
  run.trigger = trigger;
  run.attempt = attempt;
  run.plan_ms = plan_ms;
  run.start_ms = to_unix_ms(now_ms());
  st.in_flight.push_back(run);
  ctx->stats->runs_started.fetch_add(1, std::memory_order_relaxed);
  if (trigger == run_trigger::retry) ctx->stats->retries.fetch_add(1, std::memory_order_relaxed);

  if (st.target.kind == executor_kind::noop) {
    run_outcome out;
    out.run_id = run.run_id;
    out.result = run_result::succeeded;
    out.start_time = out.end_time = from_unix_ms(run.start_ms);
    finish_run(self, ctx, std::move(out));
    return run.run_id;
  }
  ctx->pool->start(st.target.kind, request_for(st, run),
                   [job = handle_of(self)](run_outcome out) {
                     caf::anon_send(job, run_done_atom::value, std::move(out));
                   });
  return run.run_id;
}

run_state state_of(run_result r) {
  switch (r) {
    case run_result::succeeded: return run_state::succeeded;
    case run_result::timed_out: return run_state::timed_out;
    case run_result::failed: return run_state::failed;
  }
  return run_state::failed;
}

void finish_run(job_self self, const job_context* ctx, run_outcome out) {
  auto& st = self->state;
  auto it = std::find_if(st.in_flight.begin(), st.in_flight.end(),
                         [&](const run_record& r) { return r.run_id == out.run_id; });
  if (it == st.in_flight.end()) return;
  run_record run = std::move(*it);
  st.in_flight.erase(it);
  run.state = state_of(out.result);
  run.start_ms = std::max(run.start_ms, to_unix_ms(out.start_time));
  run.end_ms = to_unix_ms(out.end_time);
  run.code = out.code;
  run.output_tail = std::move(out.output_tail);
  run.error = std::move(out.error);

  ++st.runs;
  ctx->stats->runs_finished.fetch_add(1, std::memory_order_relaxed);
  if (run.state == run_state::succeeded) {
    ++st.successes;
    st.last_success_ms = run.end_ms;
  } else {
    ++st.failures;
    st.last_error_ms = run.end_ms;
    if (run.attempt < st.spec.retries && st.phase != job_phase::paused) {
      st.retry = pending_retry{run.plan_ms, run.attempt + 1};
      arm(self, ctx, to_unix_ms(now_ms()) + st.spec.retry_delay_ms, timer_kind::retry);
    }
  }
  ctx->pool->report(run_report_json(run, st.spec.name));
  st.history.push_back(std::move(run));
  if (st.history.size() > k_run_history_per_job) st.history.pop_front();
}

// A scheduled fire planned at `plan_ms`: run it (or skip it), then arm the next one.
void on_schedule_fire(job_self self, const job_context* ctx, int64_t plan_ms) {
  auto& st = self->state;
  if (st.phase != job_phase::active || st.next_fire_ms != plan_ms) return;  // stale timer
  if (st.spec.concurrency == concurrency_policy::forbid && !st.in_flight.empty()) {
    ++st.skipped;
    ctx->stats->runs_skipped.fetch_add(1, std::memory_order_relaxed);
  } else {
    start_run(self, ctx, run_trigger::schedule, plan_ms, 0);
  }
  auto plan = plan_after(*st.sched, st.zone, plan_ms, to_unix_ms(now_ms()), st.spec.misfire);
  for (int64_t missed_plan : plan.catch_up_ms) start_run(self, ctx, run_trigger::misfire, missed_plan, 0);
  auto dropped = static_cast<uint64_t>(plan.missed) - plan.catch_up_ms.size();
  st.skipped += dropped;
  ctx->stats->runs_skipped.fetch_add(dropped, std::memory_order_relaxed);
  if (!plan.next_ms) st.phase = job_phase::done;
  arm_schedule(self, ctx, plan.next_ms);
}

caf::behavior job_behavior(job_self self, job_spec spec, const job_context* ctx) {
  auto& st = self->state;
  st.spec = std::move(spec);
  compile(st, ctx);
  st.phase = st.spec.paused ? job_phase::paused : job_phase::active;
  if (st.phase == job_phase::active)
    arm_schedule(self, ctx, first_fire_ms(st.spec.exec_time_s, to_unix_ms(now_ms())));
  ctx->stats->jobs.fetch_add(1, std::memory_order_relaxed);
  self->attach_functor([stats = ctx->stats] { stats->jobs.fetch_sub(1, std::memory_order_relaxed); });

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
      [=](edit_job_atom, const job_patch& patch, const reply_fn<job_view>& reply) {
        auto& st = self->state;
        job_spec next = apply_patch(st.spec, patch);
        next.updated_ms = to_unix_ms(now_ms());
        if (auto v = validate_job(next); !v.ok()) return reply(v);
        auto target = parse_executor_target(next.request_url, next.exec_command);
        if (auto s = ctx->pool->supports(target->kind); !s.ok()) return reply(s);
        bool timing_changed = patch.schedule || patch.timezone || patch.exec_time_s;
        st.spec = std::move(next);
        compile(st, ctx);
        if (timing_changed && st.phase != job_phase::paused) {
          st.phase = job_phase::active;
          int64_t now = to_unix_ms(now_ms());
          auto at = patch.exec_time_s
                        ? std::optional<int64_t>(first_fire_ms(*patch.exec_time_s, now))
                        : plan_after(*st.sched, st.zone, now, now, misfire_policy::skip).next_ms;
          if (!at) st.phase = job_phase::done;
          arm_schedule(self, ctx, at);
        }
        reply(view_of(st));
      },
      [=](pause_atom, const done_fn& done) {
        auto& st = self->state;
        if (st.phase == job_phase::active) {
          st.phase = job_phase::paused;
          st.spec.paused = true;
          arm_schedule(self, ctx, std::nullopt);
        }
        done(status{});
      },
      [=](activate_atom, int64_t exec_time_s, const done_fn& done) {
        auto& st = self->state;
        st.phase = job_phase::active;
        st.spec.paused = false;
        arm_schedule(self, ctx, first_fire_ms(exec_time_s, to_unix_ms(now_ms())));
        done(status{});
      },
      [=](delete_atom, const done_fn& done) {
        self->send(ctx->clock, disarm_atom::value, self->id());
        done(status{});
        self->quit();
      },
      [=](delete_atom) {
        self->send(ctx->clock, disarm_atom::value, self->id());
        self->quit();
      },
      [=](run_now_atom, const reply_fn<uint64_t>& reply) {
        reply(start_run(self, ctx, run_trigger::manual, to_unix_ms(now_ms()), 0));
      },
      [=](executions_atom, std::size_t limit, uint64_t before,
          const reply_fn<std::vector<run_record>>& reply) {
        auto& st = self->state;
        std::vector<run_record> out;
        auto take = [&](const run_record& r) {
          if (before == 0 || r.run_id < before) out.push_back(r);
        };
        for (const auto& r : st.in_flight) take(r);
        for (const auto& r : st.history) take(r);
        std::sort(out.begin(), out.end(),
                  [](const run_record& a, const run_record& b) { return a.run_id > b.run_id; });
        if (out.size() > limit) out.resize(limit);
        reply(std::move(out));
      },
  };
}

}  // namespace

caf::actor spawn_job(caf::actor_system& sys, job_spec spec, const job_context* ctx) {
  return sys.spawn(job_behavior, std::move(spec), ctx);
}

}  // namespace mainspring
