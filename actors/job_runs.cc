// Running a job: building the executor request, recording the outcome, retries, history.
#include "actors/job_runs.h"

#include <algorithm>

#include "actors/job_queue.h"
#include "actors/job_state.h"
#include "actors/lingering_jobs.h"
#include "actors/node_protocol.h"
#include "core/reported_chain.h"
#include "core/totp.h"
#include "executors/executor_pool.h"
#include "executors/run_limits.h"
#include "executors/run_report.h"
#include "metrics/scheduler_metrics.h"
#include "storage/mutation_batch.h"

namespace mainspring {

namespace {

// Seconds from the planned time to now, at microsecond resolution (run records keep ms).
double lateness_seconds(int64_t plan_ms) {
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return static_cast<double>(now.count() - plan_ms * 1000) / 1e6;
}

run_request request_for(const job_state& st, const job_context* ctx, const run_record& run, executor_target target,
                        std::optional<int64_t> timeout_ms, const job_controls& controls) {
  run_request req;
  req.run_id = run.run_id;
  req.job_id = st.spec.id();
  req.group = st.spec.group();
  req.job_name = st.spec.name();
  req.timeout = std::chrono::milliseconds(timeout_ms.value_or(st.spec.timeout_ms));
  req.plan_time = from_unix_ms(run.plan_ms);
  struct visitor {
    const job_state& st;
    const job_context* ctx;
    const run_record& run;
    const job_controls& c;
    run_request& req;
    void operator()(http_target& h) {
      req.target = std::move(h.url);
      req.method = std::move(h.method);
      req.headers = std::move(h.headers);
      req.body = std::move(h.body);
      req.expect_codes = std::move(h.expect_codes);
      req.expect_body = std::move(h.expect_body);
      req.follow_redirects = h.follow_redirects;
      req.success_match = std::move(h.success_match);
      req.error_match = std::move(h.error_match);
      // As the original: the callee can check otp_code against the job's otp_token.
      if (h.signed_query)
        req.extras = {{"otp_code", totp_now(st.spec.otp_secret(), to_unix_ms(now_ms()) / 1000)},
                      {"job_id", std::string(st.spec.id())},
                      {"job_name", std::string(st.spec.name())}};
    }
    void operator()(shell_target& s) {
      req.target = std::move(s.command);
      req.shell = std::move(s.shell);
      req.cwd = std::move(s.cwd);
      req.input = std::move(s.input);
      if (!s.input_format.empty())  // a dialect's shape of the job, rendered as the run starts
        if (auto f = ctx->input_formats.find(s.input_format); f != ctx->input_formats.end())
          req.input = f->second(run, st.spec.unpack());
      req.stderr_apart = s.stderr_apart;
      req.progress_lines = s.progress_lines;
      req.annotate_lines = s.annotate_lines;
      req.json_lines = s.json_lines;
      req.extras = std::move(s.env);
      set_limits(req, limits_of(c));
    }
    void operator()(lua_target& l) { req.target = std::move(l.source); }
    void operator()(remote_target& r) {  // req.node: the caller
      req.target = std::move(r.command);
      req.extras = std::move(r.env);
    }
    void operator()(noop_target&) {}
  };
  std::visit(visitor{st, ctx, run, controls, req}, target);
  req.node = run.node;
  req.trigger = static_cast<uint8_t>(run.trigger);
  req.attempt = run.attempt;
  return req;
}

run_state state_of(run_result r) {
  switch (r) {
    case run_result::succeeded: return run_state::succeeded;
    case run_result::timed_out: return run_state::timed_out;
    case run_result::failed: return run_state::failed;
  }
  return run_state::failed;
}

// Posts the run hook of controls `c` (the run's) for `run` at `action` ("job_start",
// "job_complete"), its body shaped by the hook format. REQUIRES: c.hook_url is set.
void post_run_hook(job_self self, const job_context* ctx, const job_controls& c, std::string_view action,
                   const run_record& run) {
  std::string body;
  if (auto f = ctx->hook_formats.find(c.hook_format); f != ctx->hook_formats.end())
    body = f->second(action, run, self->state.spec.unpack());
  else
    body = run_report_json(run, std::string(self->state.spec.name()));
  ctx->stats->run_hooks_sent.fetch_add(1, std::memory_order_relaxed);
  ctx->pool->post_hook(c.hook_url, std::move(body), [stats = ctx->stats](bool ok) {
    if (!ok) stats->run_hooks_failed.fetch_add(1, std::memory_order_relaxed);
  });
}

// What a run started by the end of `run` (a follow-up, a dependent job) keeps of it, with what
// `run` passes on (its reported chain_data and chain_params).
std::shared_ptr<const run_cause> cause_after(const job_state& st, const run_record& run, const reported_chain& chain) {
  auto cause = std::make_shared<run_cause>();
  cause->after_job = st.spec.id();
  cause->after_name = st.spec.name();
  cause->after_run_id = run.run_id;
  cause->after_kind = static_cast<uint8_t>(st.kind);
  cause->after_state = run.state;
  cause->after_code = run.code;
  cause->after_error = run.error.substr(0, k_max_cause_error_bytes);
  cause->after_data = chain.data;
  cause->after_params = chain.params;
  return cause;
}

// Asks the group to run job `next` ("" = none) after `run` of this one (job_controls on_success,
// on_failure, or what the run reported in their place), passing it what the run reported for it.
void follow_with(job_self self, const job_context* ctx, const std::string& next, const run_record& run,
                 const reported_chain& chain) {
  if (next.empty() || self->state.deleted) return;
  self->send(ctx->registry, follow_atom::value, std::string(self->state.spec.group()), next,
             cause_after(self->state, run, chain));
}

// Where a runner that completes inline (a no-op, a run refused at once) leaves its outcome, so
// that the job records it without a message round trip: set only while start_one calls the pool.
struct inline_sink {
  uint64_t run_id = 0;
  std::optional<run_outcome> out;
};
thread_local inline_sink* t_inline = nullptr;

}  // namespace

// A new run of the job that starts now, put in flight and counted as started; answers a copy
// (a runner that completes inline takes the one in flight away).
static run_record put_in_flight(job_state& st, const job_context* ctx, run_trigger trigger, int64_t plan_ms,
                                int attempt, std::string node, std::shared_ptr<const run_cause> cause = nullptr) {
  run_record run;
  run.run_id = ctx->ids->next(now_ms());
  st.counts.newest_started_id = run.run_id;
  run.job_id = st.spec.id();
  run.group = st.spec.group();
  run.trigger = trigger;
  run.attempt = attempt;
  run.plan_ms = plan_ms;
  run.start_ms = to_unix_ms(now_ms());
  run.node = std::move(node);
  run.cause = std::move(cause);
  st.in_flight.push_back(run);
  ctx->stats->runs_started.fetch_add(1, std::memory_order_relaxed);
  return run;
}

uint64_t start_one(job_self self, const job_context* ctx, run_trigger trigger, int64_t plan_ms, int attempt,
                   std::string node, bool waited, std::shared_ptr<const run_cause> cause) {
  auto& st = self->state;
  // A manual run, a chained one (its params) or a retry may have fields of its own; a scheduled
  // fire gets some only once it runs (update_run).
  const run_override* own =
      trigger == run_trigger::manual || trigger == run_trigger::retry || trigger == run_trigger::parent
          ? own_fields_of(st, plan_ms)
          : nullptr;
  std::optional<job_controls> own_controls;
  const job_controls& controls = controls_for(st, own, own_controls);
  const run_record run = put_in_flight(st, ctx, trigger, plan_ms, attempt, std::move(node), std::move(cause));
  if (trigger == run_trigger::retry) ctx->stats->retries.fetch_add(1, std::memory_order_relaxed);
  // Manual runs have no schedule to be late for; a run that waited in its job's queue is late
  // by its job's own limit, not the scheduler's.
  if (trigger != run_trigger::manual && !waited)
    ctx->metrics->on_run_started(st.kind, lateness_seconds(plan_ms));
  if (!controls.hook_url.empty()) post_run_hook(self, ctx, controls, "job_start", st.in_flight.back());

  inline_sink sink{run.run_id, std::nullopt};
  t_inline = &sink;
  ctx->pool->start(st.kind,
                   request_for(st, ctx, run, own && own->target ? *own->target : st.spec.target(),
                               own ? own->timeout_ms : std::nullopt, controls),
                   [job = caf::actor_cast<caf::actor>(self)](run_outcome out) {
                     if (t_inline && t_inline->run_id == out.run_id) t_inline->out = std::move(out);
                     else caf::anon_send(job, run_done_atom::value, std::move(out));
                   });
  t_inline = nullptr;
  if (sink.out) {
    finish_run(self, ctx, std::move(*sink.out));
  } else if (st.kind != executor_kind::remote) {
    // In flight here until the executor answers: a marker lets a start after a crash record it
    // (a REMOTE@ run goes on on its node, which reports it). A run that ended at once (a no-op)
    // needs none, so the fire path of no-op jobs writes nothing more.
    auto it = std::find_if(st.in_flight.begin(), st.in_flight.end(),
                           [&](const run_record& r) { return r.run_id == run.run_id; });
    if (it != st.in_flight.end()) {
      it->marker_stored = true;
      persist_lazily(ctx, mutation_batch{}.put_in_flight(*it));
    }
  }
  return run.run_id;
}

uint64_t start_run(job_self self, const job_context* ctx, run_trigger trigger, int64_t plan_ms,
                   int attempt, bool skip_busy, const std::string& node, std::shared_ptr<const run_cause> cause) {
  auto& st = self->state;
  if (st.kind == executor_kind::remote) {
    const remote_placement placed = place_remote_runs(self, ctx, trigger, plan_ms, attempt, skip_busy, node, std::move(cause));
    count_refused(st, ctx, placed);
    return placed.first_id;
  }
  switch (const admission a = admit_to_pool(self, ctx, admit(st, skip_busy))) {
    case admission::start: break;
    case admission::wait:
      enqueue(st, ctx,
              waiting_run{.trigger = trigger, .plan_ms = plan_ms, .attempt = attempt, .cause = std::move(cause)});
      return 0;
    case admission::overlap:
    case admission::queue_full:
    case admission::pool_full:
    case admission::pool_disabled: return count_refused_run(st, ctx, a), 0;
  }
  return start_one(self, ctx, trigger, plan_ms, attempt, {}, false, std::move(cause));
}

// Starts, queues (for `node`: "" = wherever the job is allocated when it starts) or refuses one
// of a REMOTE@ job's runs by `a`, and notes which in `placed`.
static void place_remote_run(job_self self, const job_context* ctx, admission a, remote_placement& placed,
                             run_trigger trigger, int64_t plan_ms, int attempt, const std::string& node,
                             const std::string& queue_node, const std::shared_ptr<const run_cause>& cause) {
  switch (a) {
    case admission::start: {
      const uint64_t id = start_one(self, ctx, trigger, plan_ms, attempt, node, false, cause);
      if (placed.started++ == 0) placed.first_id = id;
      return;
    }
    case admission::wait:
      enqueue(self->state, ctx,
              waiting_run{.trigger = trigger, .plan_ms = plan_ms, .attempt = attempt, .cause = cause, .node = queue_node});
      ++placed.waited;
      return;
    case admission::overlap: ++placed.overlap; return;
    case admission::queue_full: ++placed.queue_full; return;
    // A REMOTE@ job's runs are not admitted by a run pool (admit_to_pool is not asked).
    case admission::pool_full:
    case admission::pool_disabled: ++placed.overlap; return;
  }
}

remote_placement place_remote_runs(job_self self, const job_context* ctx, run_trigger trigger, int64_t plan_ms,
                                   int attempt, bool skip_busy, const std::string& node,
                                   std::shared_ptr<const run_cause> cause) {
  auto& st = self->state;
  remote_placement placed;
  const executor_target target = st.spec.target();
  const auto& remote = std::get<remote_target>(target);
  if (remote.allocated) {
    // One run, on the node the allocation table gives the job now (a retry too: its old node
    // may be gone). With no live node the run is skipped, as Cloudtask runs nothing then. Its
    // limit is the job's: a run that waits takes the node allocated when it starts.
    if (st.allocated_node.empty()) return ++placed.no_node, placed;
    place_remote_run(self, ctx, admit(st, skip_busy), placed, trigger, plan_ms, attempt, st.allocated_node, {}, cause);
    return placed;
  }
  // One run per node, each with its own record, retries, and limit (max_running, or one under
  // concurrency forbid): a node at its limit skips its run, or queues it for itself.
  for (const auto& n : remote.nodes) {
    if (!node.empty() && n != node) continue;
    place_remote_run(self, ctx, admit_on(st, n, skip_busy), placed, trigger, plan_ms, attempt, n, n, cause);
  }
  return placed;
}

void count_refused(job_state& st, const job_context* ctx, const remote_placement& placed) {
  if (placed.overlap) count_skipped(st, ctx, placed.overlap, skip_reason::overlap);
  if (placed.queue_full) count_skipped(st, ctx, placed.queue_full, skip_reason::queue_full);
  if (placed.no_node) count_skipped(st, ctx, placed.no_node, skip_reason::no_node);
}

// Asks one run in flight to end: its node's agent, or the executor here.
static void abort_in_flight(job_self self, const job_context* ctx, const run_record& run, const std::string& why) {
  auto& st = self->state;
  if (st.kind == executor_kind::remote)
    self->send(ctx->registry, node_abort_atom::value, std::string(st.spec.group()), run.node, run.run_id, why);
  else
    ctx->pool->abort(st.kind, run.run_id, why);
}

// Marks a run in flight as ended by a client: its failure then runs no follow-up job (as
// Cronicle, whose chain_error skips manual aborts). Its record's error is set when it finishes.
static void mark_aborted(run_record& run, const std::string& why) { run.error = why; }

// Drops the retry waiting after run `after` and records it as a try a client aborted: a record
// of the retry's attempt that starts and ends now, finished as any run is (counts, hook, store).
// Answers 1, or 0 when no retry waits after that run.
static std::size_t abort_waiting_retry(job_self self, const job_context* ctx, uint64_t after, const std::string& why) {
  auto& st = self->state;
  auto it = retry_after(st, after);
  if (it == st.retries_due.end()) return 0;
  const bool held_timer = it == st.retries_due.begin();
  pending_retry retry = std::move(*it);
  st.retries_due.erase(it);
  // The earliest waiting retry holds the job's retry timer.
  if (st.retries_due.empty()) self->send(ctx->clock, disarm_atom::value, self->id(), timer_kind::retry);
  else if (held_timer) arm(self, ctx, st.retries_due.front().due_ms, timer_kind::retry);
  if (st.kind != executor_kind::remote) take_pool_slot(st, ctx);  // finish_run gives it back
  const uint64_t run_id =
      put_in_flight(st, ctx, run_trigger::retry, retry.plan_ms, retry.attempt, std::move(retry.node), retry.cause)
          .run_id;
  mark_aborted(st.in_flight.back(), why);
  finish_run(self, ctx, failed_outcome(run_id, "aborted: " + why));
  return 1;
}

std::size_t abort_one_run(job_self self, const job_context* ctx, uint64_t run_id, const std::string& why) {
  for (run_record& run : self->state.in_flight)
    if (run.run_id == run_id) return mark_aborted(run, why), abort_in_flight(self, ctx, run, why), 1;
  return abort_waiting_retry(self, ctx, run_id, why);
}

std::size_t abort_runs(job_self self, const job_context* ctx, const std::string& why) {
  auto& st = self->state;
  st.retries_due.clear();
  flush_waiting_runs(self, ctx);  // the runs waiting would start as soon as these end
  st.own_fields.reset();
  self->send(ctx->clock, disarm_atom::value, self->id(), timer_kind::retry);
  for (run_record& run : st.in_flight) {
    mark_aborted(run, why);
    abort_in_flight(self, ctx, run, why);
  }
  return st.in_flight.size();
}

void start_due_retries(job_self self, const job_context* ctx) {
  auto& st = self->state;
  const int64_t now = to_unix_ms(now_ms());
  std::vector<pending_retry> due;
  auto split = std::find_if(st.retries_due.begin(), st.retries_due.end(),
                            [now](const pending_retry& r) { return r.due_ms > now; });
  due.assign(std::make_move_iterator(st.retries_due.begin()), std::make_move_iterator(split));
  st.retries_due.erase(st.retries_due.begin(), split);
  if (st.retries_due.empty()) std::vector<pending_retry>().swap(st.retries_due);
  else arm(self, ctx, st.retries_due.front().due_ms, timer_kind::retry);
  for (auto& r : due) {
    ++st.counts.retries;
    start_run(self, ctx, run_trigger::retry, r.plan_ms, r.attempt, false, r.node, std::move(r.cause));
  }
}

bool adopt_remote_run(job_self self, const job_context* ctx, run_record run) {
  auto& st = self->state;
  if (st.kind != executor_kind::remote || st.deleted || run.run_id >= ctx->process_first_id) return false;
  for (const run_record& r : st.in_flight)
    if (r.run_id == run.run_id) return false;
  run.job_id = st.spec.id();
  run.group = st.spec.group();
  run.state = run_state::running;
  st.in_flight.push_back(std::move(run));
  // This process counts it as it ends (runs_finished): as started, so that the two stay apart by
  // the runs in flight.
  ctx->stats->runs_started.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void finish_run(job_self self, const job_context* ctx, run_outcome out) {
  auto& st = self->state;
  auto it = std::find_if(st.in_flight.begin(), st.in_flight.end(),
                         [&](const run_record& r) { return r.run_id == out.run_id; });
  if (it == st.in_flight.end()) return;
  run_record run = std::move(*it);
  st.in_flight.erase(it);
  give_back_pool_slot(st, ctx);  // a job in no run pool holds none: a flag test
  const bool aborted_by_client = !run.error.empty();
  // Most jobs are idle between runs: give the buffer back rather than keep ~200 B per job.
  if (st.in_flight.empty()) std::vector<run_record>().swap(st.in_flight);
  run.state = state_of(out.result);
  run.start_ms = std::max(run.start_ms, to_unix_ms(out.start_time));
  run.end_ms = to_unix_ms(out.end_time);
  run.code = out.code;
  run.output_tail = std::move(out.output_tail);
  run.error = std::move(out.error);
  if (!out.reported.empty()) run.reported = std::make_shared<const std::string>(std::move(out.reported));

  // A script's reports may name the follow-ups and data of this run (Cronicle's chain, chain_error
  // and chain_data).
  const reported_chain chain = run.reported ? chain_of_report(*run.reported) : reported_chain{};

  ctx->stats->runs_finished.fetch_add(1, std::memory_order_relaxed);
  ctx->metrics->on_run_finished(st.kind, run.state,
                                std::chrono::duration<double>(out.end_time - out.start_time).count());
  if (run.state == run_state::succeeded) {
    ++st.counts.successes;
    st.counts.last_success_ms = run.end_ms;
    // Only then does the group hear of it: dependents run, an ephemeral job goes.
    if ((st.has_dependents || st.spec.ephemeral) && !st.deleted)
      self->send(ctx->registry, succeeded_atom::value, std::string(st.spec.group()), std::string(st.spec.id()),
                 static_cast<bool>(st.spec.ephemeral), cause_after(st, run, chain));
  } else {
    ++st.counts.failures;
    st.counts.last_error_ms = run.end_ms;
  }
  // A run with fields of its own (a manual run's, or given while it ran) retries by them.
  const run_override* own = own_fields_of(st, run.plan_ms);
  std::optional<job_controls> own_controls;
  const job_controls& controls = controls_for(st, own, own_controls);
  const int retries = own && own->retries ? *own->retries : st.spec.retries;
  const int64_t retry_delay_ms = own && own->retry_delay_ms ? *own->retry_delay_ms : st.spec.retry_delay_ms;
  // An abort: a client's (its error set before the end), the time limit's, or the shell limits'
  // (the runner's "aborted: ..."; executors/shell_runner.h).
  const bool aborted = aborted_by_client || run.state == run_state::timed_out || run.error.starts_with("aborted: ");
  // A client's abort is never retried (it asked for the run to end); the job's controls say
  // whether a run cut by its time or shell limits is.
  const bool retried = run.state != run_state::succeeded && run.attempt < retries && st.phase != job_phase::paused &&
                       !st.deleted && !aborted_by_client && (controls.retry_aborted || !aborted);
  if (run.state != run_state::succeeded) {
    if (retried) {
      const int64_t due = to_unix_ms(now_ms()) + retry_delay_ms;
      st.retries_due.push_back(pending_retry{run.plan_ms, run.attempt + 1, due, run.node, run.run_id, run.cause});
      // One retry timer per job: the earliest pending retry holds it (start_due_retries re-arms).
      if (st.retries_due.size() == 1) arm(self, ctx, due, timer_kind::retry);
    } else if (!aborted_by_client) {
      follow_with(self, ctx, chain.on_failure.value_or(controls.on_failure), run, chain);
    }
  }
  if (run.state == run_state::succeeded)
    follow_with(self, ctx, chain.on_success.value_or(controls.on_success), run, chain);
  if (!controls.hook_url.empty()) post_run_hook(self, ctx, controls, "job_complete", run);
  // The record keeps them, so that the run shows them once it has ended (Cronicle's job views).
  if (own) run.own_fields = std::make_shared<const run_override>(*own);
  if (own && !retried) forget_own_fields(st, run.plan_ms);  // `own` points nowhere after this
  if (ctx->pool->has_reply_hook()) ctx->pool->report(run_report_json(run, std::string(st.spec.name())));
  const run_tally* tally = st.history_known ? &st.counts : nullptr;
  // A run of an earlier process (adopt_remote_run) may have a record already, if that process
  // gave it up as lost before it stopped: this one replaces it.
  auto record = run.run_id < ctx->process_first_id ? mutation_batch{}.update_run(run, tally)
                                                   : mutation_batch{}.put_run(run, tally);
  if (run.marker_stored) record.delete_in_flight(run.group, run.job_id, run.run_id);
  // A deleted job's record goes through its group, which knows whether a new job has the id now.
  if (st.deleted)
    self->send(ctx->registry, deleted_run_atom::value, std::string(st.spec.group()), std::string(st.spec.id()),
               self->id(), std::move(record));
  else
    persist_lazily(ctx, std::move(record));
  keep_finished(st, finished_run::of(std::move(run)));
  start_waiting_runs(self, ctx);
  // A deleted job kept for its runs in flight leaves ctx->lingering after the last; retired
  // already, it goes (else retire ends it).
  if (st.kept_for_runs && st.in_flight.empty()) {
    ctx->lingering->remove(self->id());
    st.kept_for_runs = false;
    if (st.lingering) self->quit();
  }
}

void record_interrupted_runs(job_self self, const job_context* ctx) {
  auto& st = self->state;
  // A deleted job's runs are recorded through its group (finish_run), which is stopping too.
  if (st.deleted) return;
  const int64_t now = to_unix_ms(now_ms());
  for (auto& run : st.in_flight) {
    if (!run.node.empty()) continue;
    run.state = run_state::failed;
    run.end_ms = std::max(now, run.start_ms);
    run.error = k_interrupted_by_stop;
    ++st.counts.failures;
    st.counts.last_error_ms = run.end_ms;
    auto record = mutation_batch{}.put_run(run, st.history_known ? &st.counts : nullptr);
    if (run.marker_stored) record.delete_in_flight(run.group, run.job_id, run.run_id);
    persist_lazily(ctx, std::move(record));
  }
}

void restore_cut_short_runs(job_state& st, const job_context* ctx, std::vector<run_record> runs) {
  // A run that started before the job was made is a deleted job's of the same id, whose marker
  // outlived it (its delete overtook the marker's write): not this job's to record.
  std::vector<run_record> stale;
  for (auto& run : runs) {
    if (run.start_ms < st.spec.created_ms) {
      stale.push_back(std::move(run));
      continue;
    }
    run.end_ms = std::max(run.end_ms, run.start_ms);  // started after the last heartbeat
    if (!st.cut_short) st.cut_short = std::make_unique<std::vector<run_record>>();
    st.cut_short->push_back(std::move(run));
  }
  drop_in_flight_markers(ctx, stale);
  record_cut_short_runs(st, ctx);
}

void record_cut_short_runs(job_state& st, const job_context* ctx) {
  // Written with the job's tally, which counts them: until the store's counts are in it, a record
  // would carry none and the ring scan could count it a second time.
  if (!st.cut_short || !st.history_known) return;
  auto runs = std::move(*st.cut_short);
  st.cut_short.reset();
  // In the order they ended, so that the last one to end is the job's last run.
  std::sort(runs.begin(), runs.end(), [](const run_record& a, const run_record& b) { return a.end_ms < b.end_ms; });
  for (auto& run : runs) {
    run.state = run_state::failed;
    run.error = k_interrupted_by_crash;
    ++st.counts.failures;
    st.counts.last_error_ms = std::max(st.counts.last_error_ms, run.end_ms);
    persist_lazily(ctx, mutation_batch{}.put_run(run, &st.counts).delete_in_flight(run.group, run.job_id, run.run_id));
    if (!st.last_finished || st.last_finished->end_ms <= run.end_ms) keep_finished(st, finished_run::of(std::move(run)));
  }
}

void forget_in_flight_markers(job_state& st, mutation_batch& batch) {
  for (auto& run : st.in_flight) {
    if (!run.marker_stored) continue;
    batch.delete_in_flight(run.group, run.job_id, run.run_id);
    run.marker_stored = false;
  }
  if (!st.cut_short) return;
  for (const auto& run : *st.cut_short) batch.delete_in_flight(run.group, run.job_id, run.run_id);
  st.cut_short.reset();
}

void adopt_history(job_state& st, const job_context* ctx, stored_history history) {
  if (st.history_known) return;
  st.counts.add(history.tally_before(ctx->process_first_id));
  // A retry is counted as it starts: a cut-short retry run is in the stored tally's retries only
  // when a run recorded after its start carried the tally (which then covers its id). Else its
  // count died with the process. (The cut-short runs reach the job before its history does:
  // runtime_restore streams them before the ring scan starts.)
  if (st.cut_short)
    for (const run_record& run : *st.cut_short)
      if (run.trigger == run_trigger::retry && run.run_id > history.tally.newest_started_id) ++st.counts.retries;
  auto& newest = history.newest;
  if (!st.last_finished && newest && newest->run_id < ctx->process_first_id)
    st.last_finished = std::make_unique<finished_run>(finished_run::of(std::move(*newest)));
  st.history_known = true;
}

void keep_finished(job_state& st, finished_run run) {
  if (st.last_finished && run.end_ms - st.last_finished->end_ms < k_recent_finished_window_ms) {
    if (!st.recent_finished) st.recent_finished = std::make_unique<std::vector<finished_run>>();
    auto& recent = *st.recent_finished;
    recent.push_back(std::move(*st.last_finished));
    std::erase_if(recent, [&](const finished_run& r) { return run.end_ms - r.end_ms >= k_recent_finished_window_ms; });
    if (recent.size() > k_max_recent_finished)
      recent.erase(recent.begin(), recent.end() - static_cast<std::ptrdiff_t>(k_max_recent_finished));
  } else {
    st.recent_finished.reset();
  }
  if (st.last_finished) *st.last_finished = std::move(run);
  else st.last_finished = std::make_unique<finished_run>(std::move(run));
}

std::size_t forget_erased_runs(job_state& st, const std::vector<uint64_t>& run_ids) {
  auto erased = [&](uint64_t id) { return std::find(run_ids.begin(), run_ids.end(), id) != run_ids.end(); };
  std::size_t forgotten = 0;
  if (st.recent_finished) {
    forgotten += std::erase_if(*st.recent_finished, [&](const finished_run& r) { return erased(r.run_id); });
    if (st.recent_finished->empty()) st.recent_finished.reset();
  }
  if (st.last_finished && erased(st.last_finished->run_id) && !st.last_finished->erased) {
    st.last_finished->erased = true;
    ++forgotten;
  }
  return forgotten;
}

std::vector<run_record> merge_runs(const job_state& st, const job_context* ctx,
                                   std::vector<run_record> stored, std::size_t limit, uint64_t before) {
  auto wanted = [before](const run_record& r) { return before == 0 || r.run_id < before; };
  // Finished runs in memory count when the store did not return them: they have not reached it
  // yet. Unless the store's page was full and they are older than all of it (they are in the
  // store, outside the page), or they are older than the age limit (the store drops those, and
  // may have dropped every run of the job).
  const bool page_full = stored.size() >= limit;
  uint64_t oldest_stored = UINT64_MAX;
  for (const auto& r : stored) oldest_stored = std::min(oldest_stored, r.run_id);
  const int64_t cutoff_ms = ctx->max_run_age_ms > 0 ? to_unix_ms(now_ms()) - ctx->max_run_age_ms : 0;
  auto aged_out = [cutoff_ms](const run_record& r) {
    return std::max({r.plan_ms, r.start_ms, r.end_ms}) < cutoff_ms;
  };
  const std::size_t stored_count = stored.size();
  auto remembered = [&](run_record r) {
    if (!wanted(r) || aged_out(r) || (page_full && r.run_id < oldest_stored)) return;
    for (std::size_t i = 0; i < stored_count; ++i)
      if (stored[i].run_id == r.run_id) return;
    stored.push_back(std::move(r));
  };
  // Of the runs remembered (oldest to finish first, the last one last), the store's ring holds at
  // most the last max_runs_per_job to finish: the older ones it has trimmed.
  if (st.recent_finished) {
    const auto& recent = *st.recent_finished;
    const std::size_t cap = ctx->max_runs_per_job;
    const std::size_t skip = cap == 0 || recent.size() + 1 <= cap ? 0 : recent.size() + 1 - cap;
    for (std::size_t i = skip; i < recent.size(); ++i) remembered(recent[i].record(st.spec.id(), st.spec.group()));
  }
  if (st.last_finished && !st.last_finished->erased) remembered(*last_finished_run(st));
  for (const auto& r : st.in_flight)
    if (wanted(r)) stored.push_back(r);
  std::sort(stored.begin(), stored.end(),
            [](const run_record& a, const run_record& b) { return a.run_id > b.run_id; });
  if (stored.size() > limit) stored.resize(limit);
  return stored;
}

}  // namespace mainspring
