// Admission to a job's runs, its queue of waiting runs, and manual runs with fields of their own.
#include "actors/job_queue.h"

#include <algorithm>

#include "actors/job_runs.h"
#include "actors/run_pools.h"
#include "executors/executor_pool.h"
#include "executors/run_limits.h"

namespace mainspring {

namespace {

void remember_own_fields(job_state& st, int64_t plan_ms, run_override change) {
  if (!st.own_fields) st.own_fields = std::make_unique<std::vector<run_fields>>();
  st.own_fields->push_back(run_fields{plan_ms, std::move(change)});
}

// Starts a manual or chained run with `change` (fields of its own) and keeps them for its retries.
uint64_t start_with_own_fields(job_self self, const job_context* ctx, run_trigger trigger, int64_t plan_ms,
                               run_override change, bool waited, std::shared_ptr<const run_cause> cause) {
  remember_own_fields(self->state, plan_ms, std::move(change));
  return start_one(self, ctx, trigger, plan_ms, 0, {}, waited, std::move(cause));
}

// `from_ms`, or the first millisecond after it that no run of the job in flight, due for a retry,
// waiting or holding fields of its own has as its plan time: a manual run's own fields are found
// by its plan time (own_fields_of), so two run_event calls in one millisecond must not share one
// (the second would run with the first's script and limits). Bounded by the runs the job holds.
int64_t free_plan_ms(const job_state& st, int64_t from_ms) {
  auto taken = [&st](int64_t ms) {
    auto planned_at = [ms](const auto& r) { return r.plan_ms == ms; };
    return std::any_of(st.in_flight.begin(), st.in_flight.end(), planned_at) ||
           std::any_of(st.retries_due.begin(), st.retries_due.end(), planned_at) ||
           (st.waiting && std::any_of(st.waiting->begin(), st.waiting->end(), planned_at)) ||
           (st.own_fields && std::any_of(st.own_fields->begin(), st.own_fields->end(), planned_at));
  };
  int64_t ms = from_ms;
  while (taken(ms)) ++ms;
  return ms;
}

run_fields* own_fields_entry(job_state& st, int64_t plan_ms) {
  if (!st.own_fields) return nullptr;
  for (auto& f : *st.own_fields)
    if (f.plan_ms == plan_ms) return &f;
  return nullptr;
}

}  // namespace

const run_override* own_fields_of(const job_state& st, int64_t plan_ms) {
  if (!st.own_fields) return nullptr;
  for (const auto& f : *st.own_fields)
    if (f.plan_ms == plan_ms) return &f.change;
  return nullptr;
}

const job_controls& controls_for(const job_state& st, const run_override* own, std::optional<job_controls>& storage) {
  const job_controls& job = st.spec.controls();
  // A job in a run pool: the pool's defaults for what neither the run nor the job sets.
  if (!job.pool.empty() && st.ctx && st.ctx->pools)
    if (auto pool = st.ctx->pools->defaults(st.spec.group(), job.pool))
      return storage.emplace(with_pool_defaults(own ? patched(job, own->controls) : job, *pool));
  if (!own || own->controls.empty()) return job;
  return storage.emplace(patched(st.spec.controls(), own->controls));
}

// The fields of its own of the run planned at `plan_ms`, with each field `change` sets replaced.
static run_override& merge_own_fields(job_state& st, int64_t plan_ms, const run_override& change) {
  run_fields* f = own_fields_entry(st, plan_ms);
  if (!f) {
    remember_own_fields(st, plan_ms, {});
    f = &st.own_fields->back();
  }
  run_override& own = f->change;
  if (change.timeout_ms) own.timeout_ms = change.timeout_ms;
  if (change.retries) own.retries = change.retries;
  if (change.retry_delay_ms) own.retry_delay_ms = change.retry_delay_ms;
  own.controls.merge(change.controls);
  return own;
}

status_or<std::size_t> update_run(job_self self, const job_context* ctx, uint64_t run_id, const run_override& change) {
  auto& st = self->state;
  auto run = std::find_if(st.in_flight.begin(), st.in_flight.end(), [run_id](const run_record& r) { return r.run_id == run_id; });
  const bool in_flight = run != st.in_flight.end();
  // Or a finished try whose retry waits: the retry runs with the change (as Cronicle's
  // updateLocalJob changes a job in its queue).
  auto retry = in_flight ? st.retries_due.end() : retry_after(st, run_id);
  if (!in_flight && retry == st.retries_due.end()) return std::size_t{0};
  if (st.kind == executor_kind::remote)
    return status::invalid_argument("a run on worker nodes (REMOTE@) cannot be changed while it runs");
  if (change.target) return status::invalid_argument("a run in flight keeps its target");
  run_override& own = merge_own_fields(st, in_flight ? run->plan_ms : retry->plan_ms, change);
  if (!in_flight) return std::size_t{1};  // nothing runs yet to adjust
  // The runner enforces the time limit and the shell limits; the rest (retries, follow-ups, the
  // hook at the end) is read from the run's own fields when it finishes.
  std::optional<job_controls> storage;
  const job_controls& c = controls_for(st, &own, storage);
  run_adjustment adjustment;
  adjustment.timeout = std::chrono::milliseconds(own.timeout_ms.value_or(st.spec.timeout_ms));
  adjustment.limits = limits_of(c);
  ctx->pool->adjust(st.kind, run_id, adjustment);
  return std::size_t{1};
}

job_view view_for_run(const job_state& st, uint64_t run_id) {
  job_view v = view_of(st);
  auto run = std::find_if(st.in_flight.begin(), st.in_flight.end(), [run_id](const run_record& r) { return r.run_id == run_id; });
  const run_override* own = run == st.in_flight.end() ? nullptr : own_fields_of(st, run->plan_ms);
  if (own) v.spec = with_own_fields(std::move(v.spec), *own);
  return v;
}

void forget_own_fields(job_state& st, int64_t plan_ms) {
  if (!st.own_fields) return;
  std::erase_if(*st.own_fields, [plan_ms](const run_fields& f) { return f.plan_ms == plan_ms; });
  if (st.own_fields->empty()) st.own_fields.reset();
}

// A run's admission where the limit holds (the job, or one node of a REMOTE@a,b job): `running`
// runs in flight there, `waiting_ahead` runs waiting for the same place, `waiting` in the queue.
static admission admit_counting(const job_controls& c, bool skip_busy, std::size_t running, std::size_t waiting_ahead,
                                std::size_t waiting) {
  const std::size_t limit = c.max_running > 0 ? static_cast<std::size_t>(c.max_running) : skip_busy ? 1 : 0;
  // Runs already waiting go first, so that the queue stays first in, first out.
  if (limit == 0 || (running < limit && waiting_ahead == 0)) return admission::start;
  if (!c.queue) return admission::overlap;
  return waiting < static_cast<std::size_t>(c.queue_capacity()) ? admission::wait : admission::queue_full;
}

static std::size_t running_on(const job_state& st, std::string_view node) {
  return static_cast<std::size_t>(
      std::count_if(st.in_flight.begin(), st.in_flight.end(), [node](const run_record& r) { return r.node == node; }));
}

admission admit(const job_state& st, bool skip_busy) {
  const std::size_t waiting = st.waiting ? st.waiting->size() : 0;
  return admit_counting(st.spec.controls(), skip_busy, st.in_flight.size(), waiting, waiting);
}

admission admit_on(const job_state& st, std::string_view node, bool skip_busy) {
  std::size_t waiting = 0, ahead = 0;
  if (st.waiting) {
    waiting = st.waiting->size();
    ahead = static_cast<std::size_t>(
        std::count_if(st.waiting->begin(), st.waiting->end(), [node](const waiting_run& w) { return w.node == node; }));
  }
  return admit_counting(st.spec.controls(), skip_busy, running_on(st, node), ahead, waiting);
}

// Takes a slot of the job's run pool for one run, or leaves `waiter` (when not null) to be woken
// when one may be free. REQUIRES: the job's controls name a pool and ctx->pools is set.
static pool_admission try_pool_slot(job_self self, const job_context* ctx, const caf::actor& waiter) {
  auto& st = self->state;
  const auto a = ctx->pools->try_take(std::string(st.spec.group()), std::string(st.spec.id()), st.spec.controls().pool, waiter);
  if (a == pool_admission::start) st.holds_pool_slots = true;
  return a;
}

admission admit_to_pool(job_self self, const job_context* ctx, admission a) {
  auto& st = self->state;
  if (a != admission::start) return a;
  const job_controls& c = st.spec.controls();
  if (c.pool.empty() || !ctx->pools) return a;  // the fire path of a job in no pool ends here
  const bool can_wait = c.queue && waiting_runs(st) < static_cast<std::size_t>(c.queue_capacity());
  const caf::actor waiter = can_wait ? caf::actor_cast<caf::actor>(self) : caf::actor{};
  switch (try_pool_slot(self, ctx, waiter)) {
    case pool_admission::start: return admission::start;
    case pool_admission::full: return can_wait ? admission::wait : c.queue ? admission::queue_full : admission::pool_full;
    case pool_admission::disabled: return admission::pool_disabled;
  }
  return a;
}

void take_pool_slot(job_state& st, const job_context* ctx) {
  const job_controls& c = st.spec.controls();
  if (c.pool.empty() || !ctx->pools) return;
  ctx->pools->take(std::string(st.spec.group()), std::string(st.spec.id()), c.pool);
  st.holds_pool_slots = true;
}

void give_back_pool_slot(job_state& st, const job_context* ctx) {
  if (!st.holds_pool_slots) return;
  st.holds_pool_slots = ctx->pools->give_back(std::string(st.spec.group()), std::string(st.spec.id()));
}

void count_refused_run(job_state& st, const job_context* ctx, admission why) {
  switch (why) {
    case admission::start:
    case admission::wait: return;
    case admission::overlap: return count_skipped(st, ctx, 1, skip_reason::overlap);
    case admission::queue_full: return count_skipped(st, ctx, 1, skip_reason::queue_full);
    case admission::pool_full:
    case admission::pool_disabled: {
      const bool full = why == admission::pool_full;
      count_skipped(st, ctx, 1, full ? skip_reason::pool_full : skip_reason::pool_disabled);
      ctx->pools->note_refusal(std::string(st.spec.group()), st.spec.controls().pool, full ? "pool_full" : "pool_disabled");
      return;
    }
  }
}

// A waiting run of a job in a run pool may start only with a slot of the pool: taken, or the job
// is woken when one may be free (the run waits on). True for a job in no pool.
static bool pool_slot_for_waiting_run(job_self self, const job_context* ctx) {
  auto& st = self->state;
  const job_controls& c = st.spec.controls();
  if (c.pool.empty() || !ctx->pools || st.kind == executor_kind::remote) return true;
  return try_pool_slot(self, ctx, caf::actor_cast<caf::actor>(self)) == pool_admission::start;
}

// Whether the job's max_running holds per node: a REMOTE@a,b job's (not a REMOTE@* one's, nor a
// job running here).
static bool limited_per_node(const job_state& st) {
  if (st.kind != executor_kind::remote) return false;
  const executor_target target = st.spec.target();
  const auto* remote = std::get_if<remote_target>(&target);
  return remote && !remote->allocated;
}

std::optional<std::size_t> next_waiting_run(const job_state& st) {
  if (!st.waiting) return std::nullopt;
  const int max_running = st.spec.controls().max_running;
  // A run keeps the node it waits for when an edit has the job run elsewhere since (here, or on
  // REMOTE@*): its limit is then the job's, as the run will start on no node of its own.
  const bool per_node = max_running > 0 && limited_per_node(st);
  for (std::size_t i = 0; i < st.waiting->size(); ++i) {
    const waiting_run& w = (*st.waiting)[i];
    if (max_running <= 0) return i;
    const bool for_node = per_node && !w.node.empty();
    const std::size_t running = for_node ? running_on(st, w.node) : st.in_flight.size();
    if (running < static_cast<std::size_t>(max_running)) return i;
    // A run waiting job-wide holds back every run behind it; one waiting for its node only the
    // runs behind it for that node, which have no room either.
    if (!for_node) return std::nullopt;
  }
  return std::nullopt;
}

void enqueue(job_state& st, const job_context* ctx, waiting_run run) {
  run.id = ctx->ids->next(now_ms());
  waiting_record stored{std::string(st.spec.group()), std::string(st.spec.id()), run.id, run.trigger, run.plan_ms,
                        run.attempt, run.change, run.cause, run.node};
  persist_lazily(ctx, mutation_batch{}.put_waiting(stored));
  if (!st.waiting) st.waiting = std::make_unique<std::deque<waiting_run>>();
  st.waiting->push_back(std::move(run));
  ctx->stats->runs_waited.fetch_add(1, std::memory_order_relaxed);
}

void restore_waiting(job_self self, const job_context* ctx, std::vector<waiting_record> stored) {
  auto& st = self->state;
  if (st.deleted || stored.empty()) return;
  if (!st.waiting) st.waiting = std::make_unique<std::deque<waiting_run>>();
  // Ahead of any run that waited since the start: these waited longer.
  for (auto it = stored.rbegin(); it != stored.rend(); ++it)
    st.waiting->push_front(waiting_run{it->id, it->trigger, it->plan_ms, it->attempt, std::move(it->change),
                                       std::move(it->cause), std::move(it->node)});
  if (st.kind != executor_kind::remote) return start_waiting_runs(self, ctx);
  // Held until the agents are back and have said what their nodes still run (see job_queue.h).
  // The retry timer's tick starts them (job_actor.cc); a retry due earlier holds it already.
  if (st.retries_due.empty()) arm(self, ctx, to_unix_ms(now_ms()) + k_remote_queue_hold_ms, timer_kind::retry);
}

// The refusal of a run asked for now (a client waits for the answer): admission overlap,
// queue_full, pool_full ("pool_full: <pool>") or pool_disabled ("pool_disabled: <pool>").
static status refusal(const job_controls& c, admission why) {
  if (why == admission::pool_full) return status::resource_exhausted("pool_full: " + c.pool);
  if (why == admission::pool_disabled) return status::failed_precondition("pool_disabled: " + c.pool);
  if (why == admission::queue_full)
    return status::resource_exhausted("queue_max: the queue already holds " + std::to_string(c.queue_capacity()) +
                                      " runs");
  return status::resource_exhausted("max_running: " + std::to_string(c.max_running) + " " +
                                    (c.max_running == 1 ? "run" : "runs") + " already in flight");
}

// A REMOTE@ job's run now: on each node with room (see job_queue.h).
static status_or<uint64_t> start_manual_remote_run(job_self self, const job_context* ctx, int64_t plan_ms,
                                                   std::shared_ptr<const run_cause> cause) {
  auto& st = self->state;
  const remote_placement placed = place_remote_runs(self, ctx, run_trigger::manual, plan_ms, 0, false, {}, cause);
  if (placed.started == 0 && placed.waited == 0 && placed.no_node == 0 && (placed.overlap || placed.queue_full))
    return refusal(st.spec.controls(), placed.queue_full ? admission::queue_full : admission::overlap);
  count_refused(st, ctx, placed);
  return placed.first_id;
}

status_or<uint64_t> start_manual_run(job_self self, const job_context* ctx, manual_run run) {
  auto& st = self->state;
  std::optional<run_override>& change = run.change;
  if (change && st.kind == executor_kind::remote)
    return status::invalid_argument("a run with fields of its own cannot run on worker nodes (REMOTE@)");
  if (change && change->target && change->target->index() != st.spec.target().index())
    return status::invalid_argument("a run with fields of its own keeps its job's executor");
  const int64_t now = free_plan_ms(st, run.as_of_ms ? run.as_of_ms : to_unix_ms(now_ms()));
  if (st.kind == executor_kind::remote) return start_manual_remote_run(self, ctx, now, run.cause);
  switch (const admission a = admit_to_pool(self, ctx, admit(st, false))) {
    case admission::start: break;
    case admission::wait:
      enqueue(st, ctx,
              waiting_run{.trigger = run_trigger::manual, .plan_ms = now, .change = std::move(change), .cause = run.cause});
      return uint64_t{0};
    case admission::overlap:
    case admission::queue_full:
    case admission::pool_full:
    case admission::pool_disabled: return refusal(st.spec.controls(), a);
  }
  if (!change) return start_one(self, ctx, run_trigger::manual, now, 0, {}, false, run.cause);
  return start_with_own_fields(self, ctx, run_trigger::manual, now, std::move(*change), /*waited=*/false, run.cause);
}

void start_chained_run(job_self self, const job_context* ctx, std::shared_ptr<const run_cause> cause) {
  auto& st = self->state;
  // Its own millisecond: a run's own fields are found by its plan time (own_fields_of).
  const int64_t now = free_plan_ms(st, to_unix_ms(now_ms()));
  std::optional<run_override> change;
  if (cause && !cause->after_params.empty() && ctx->chain_params && st.kind != executor_kind::remote)
    change = ctx->chain_params(st.spec.unpack(), cause->after_params);
  if (change && change->target && change->target->index() != st.spec.target().index()) change.reset();
  if (!change) return void(start_run(self, ctx, run_trigger::parent, now, 0, false, {}, std::move(cause)));
  switch (const admission a = admit_to_pool(self, ctx, admit(st, false))) {
    case admission::start: break;
    case admission::wait:
      enqueue(st, ctx,
              waiting_run{.trigger = run_trigger::parent, .plan_ms = now, .change = std::move(change), .cause = std::move(cause)});
      return;
    case admission::overlap:
    case admission::queue_full:
    case admission::pool_full:
    case admission::pool_disabled: return count_refused_run(st, ctx, a);
  }
  start_with_own_fields(self, ctx, run_trigger::parent, now, std::move(*change), /*waited=*/false, std::move(cause));
}

std::size_t waiting_runs(const job_state& st) { return st.waiting ? st.waiting->size() : 0; }

std::size_t flush_waiting_runs(job_self self, const job_context* ctx) {
  auto& st = self->state;
  const std::size_t n = waiting_runs(st);
  if (!st.waiting) return 0;
  st.waiting.reset();
  persist_lazily(ctx, mutation_batch{}.delete_all_waiting(st.spec.group(), st.spec.id()));
  return n;
}

// Starts a REMOTE@ job's run that waited: on its node (a REMOTE@a,b job's), or on the node the
// job is allocated now (a REMOTE@* job's; none live: skipped, as a fire would be).
static void start_waited_remote_run(job_self self, const job_context* ctx, waiting_run run) {
  auto& st = self->state;
  const executor_target target = st.spec.target();
  const auto& remote = std::get<remote_target>(target);
  if (remote.allocated) {
    if (st.allocated_node.empty()) return count_skipped(st, ctx, 1, skip_reason::no_node);
    return void(start_one(self, ctx, run.trigger, run.plan_ms, run.attempt, st.allocated_node, true, std::move(run.cause)));
  }
  bool placed = false;
  for (const auto& n : remote.nodes) {
    // A run without a node waited before its job ran on nodes (an edit): one on each, as a fire.
    if (!run.node.empty() && n != run.node) continue;
    start_one(self, ctx, run.trigger, run.plan_ms, run.attempt, n, true, run.cause);
    placed = true;
  }
  // Its node was taken out of the job's list since (an edit): it runs nothing, and is counted
  // skipped for want of its node, not dropped unseen.
  if (!placed && !run.node.empty()) count_skipped(st, ctx, 1, skip_reason::no_node);
}

// Starts the runs waiting in the job's queue while its max_running allows. A run that completes
// inline comes back here through finish_run, which is fine: each call takes its own runs.
void start_waiting_runs(job_self self, const job_context* ctx) {
  auto& st = self->state;
  while (auto at = next_waiting_run(st)) {
    if (!pool_slot_for_waiting_run(self, ctx)) return;
    const auto it = st.waiting->begin() + static_cast<std::ptrdiff_t>(*at);
    waiting_run next = std::move(*it);
    st.waiting->erase(it);
    if (st.waiting->empty()) st.waiting.reset();
    persist_lazily(ctx, mutation_batch{}.delete_waiting(st.spec.group(), st.spec.id(), next.id));
    if (st.kind == executor_kind::remote) {
      start_waited_remote_run(self, ctx, std::move(next));
      continue;
    }
    if (next.change) {
      start_with_own_fields(self, ctx, next.trigger, next.plan_ms, std::move(*next.change), /*waited=*/true,
                            std::move(next.cause));
      continue;
    }
    // A retry that waited runs with its run's own fields, if it had some (start_one finds them).
    start_one(self, ctx, next.trigger, next.plan_ms, next.attempt, {}, /*waited=*/true, std::move(next.cause));
  }
}

}  // namespace mainspring
