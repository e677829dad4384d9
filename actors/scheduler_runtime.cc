#include "actors/scheduler_runtime.h"

#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/control_first_policy.h"
#include "actors/messages.h"
#include "actors/node_gateway.h"
#include "actors/node_protocol.h"
#include "actors/registry_actor.h"
#include "actors/runtime_impl.h"
#include "actors/runtime_restore.h"
#include "actors/worker_priority.h"
#include "executors/remote_runner.h"

namespace mainspring {

const char* job_phase_name(job_phase p) {
  switch (p) {
    case job_phase::active: return "active";
    case job_phase::paused: return "paused";
    case job_phase::done: return "done";
  }
  return "active";
}

status_or<std::unique_ptr<scheduler_runtime>> scheduler_runtime::start(const runtime_options& options) {
  auto zone = time_zone::find(options.default_timezone);
  if (!zone.ok()) return zone.status();

  auto i = std::make_unique<impl>();
  store_options store_opts;
  store_opts.max_runs_per_job = options.max_runs_per_job;
  store_opts.max_run_age = options.max_run_age;
  store_opts.deleted_job_history = options.deleted_job_history;
  store_opts.env = options.storage_env;
  store_opts.read_histories = true;  // history_relay, below
  store_opts.on_commit = [metrics = &i->metrics](std::size_t batches, double seconds) {
    metrics->on_storage_commit(batches, seconds);
  };
  auto store = state_store::open(options.data_dir, store_opts);
  if (!store.ok()) return store.status();
  i->store = std::move(store).value();
  auto restored = load_groups(*i->store);
  if (!restored.ok()) return restored.status();
  std::vector<group_spec> groups = restored->groups;

  executor_pool_options pool_options;
  pool_options.max_concurrent_runs = options.max_concurrent_runs;
  pool_options.kill_grace = options.kill_grace;
  pool_options.shell_ledger_path = options.shell_ledger_path;  // after the store's open: its lock first
  pool_options.reply_hook_url = options.reply_hook_url;
  pool_options.enabled = options.executors;
  i->pool = std::make_unique<executor_pool>(std::move(pool_options));
  unsigned threads = options.worker_threads ? options.worker_threads
                                            : std::max(1u, std::thread::hardware_concurrency());
  i->config.set("scheduler.max-threads", static_cast<size_t>(threads));
  // Shared queues whose idle workers sleep on a condition variable. CAF 0.17's work stealing
  // takes from the tail of a singly linked deque (O(length) per steal, both locks held) and
  // spins while idle: a group that made a million job actors runnable at once took minutes.
  // The registry and the groups go first (control_first_policy.h), so API calls do not wait
  // behind fires.
  i->config.load<control_first_coordinator>();
  add_worker_priority_hook(i->config);
  if (options.worker_nodes) {
    i->config.load<caf::io::middleman>();
    add_node_message_types(i->config);
  }
  i->system = std::make_unique<caf::actor_system>(i->config);
  i->ctx.pool = i->pool.get();
  i->ctx.ids = &i->ids;
  i->ctx.process_first_id = i->ids.next(now_ms());
  i->ctx.stats = &i->stats;
  i->ctx.metrics = &i->metrics;
  i->ctx.store = i->store.get();
  i->ctx.lists = i->lists.get();
  i->ctx.routes = &i->routes;
  i->ctx.lingering = &i->lingering;
  i->ctx.pools = &i->pools;
  i->ctx.documents = &i->documents;
  i->ctx.default_zone = std::move(zone).value();
  i->ctx.last_alive_ms = read_last_alive(*i->store);
  // Before any job is restored: a paused scheduler starts no catch-up run either.
  i->stats.scheduler_paused.store(read_scheduler_paused(*i->store), std::memory_order_relaxed);
  if (i->stats.scheduler_paused.load(std::memory_order_relaxed)) {
    const int64_t since = read_scheduler_paused_since(*i->store);
    i->stats.paused_since_ms.store(since ? since : i->ctx.last_alive_ms, std::memory_order_relaxed);
  }
  if (i->stats.scheduler_paused.load(std::memory_order_relaxed))
    spdlog::warn("the scheduler is paused as a whole: scheduled fires are skipped until it is resumed");
  i->ctx.max_run_age_ms = options.max_run_age.count();
  i->ctx.max_runs_per_job = options.max_runs_per_job;
  i->ctx.deleted_job_history_ms = options.deleted_job_history.count();
  i->ctx.hook_formats = options.hook_formats;
  i->ctx.input_formats = options.input_formats;
  i->ctx.chain_params = options.chain_params;
  i->ctx.clock = spawn_clock(*i->system, &i->clock);
  spdlog::info("restoring {} group(s) from {}", groups.size(), options.data_dir);
  i->registry = spawn_registry(*i->system, std::move(restored).value(), &i->ctx);
  i->ctx.registry = i->registry;
  if (options.worker_nodes) {
    i->node_gateway = spawn_node_gateway(*i->system, i->registry);
    auto port = i->system->middleman().publish(i->node_gateway, 0, "127.0.0.1", true);
    if (!port) {
      caf::anon_send(i->node_gateway, stop_atom::value);
      caf::anon_send(i->registry, stop_atom::value);
      caf::anon_send(i->ctx.clock, stop_atom::value);
      return status::unavailable("cannot publish the node gateway: " + i->system->render(port.error()));
    }
    i->node_gateway_port = *port;
    i->pool->remote().set_dispatch([registry = i->registry](run_request req, run_callback done) {
      caf::anon_send(registry, node_dispatch_atom::value, std::move(req), std::move(done));
    });
  }
  // Before the jobs: a restored job's first run is admitted by its pool.
  if (auto st = restore_run_pools(*i->store, groups, i->pools); !st.ok()) {
    caf::anon_send(i->registry, stop_atom::value);
    caf::anon_send(i->ctx.clock, stop_atom::value);
    if (i->node_gateway) caf::anon_send(i->node_gateway, stop_atom::value);
    return st;
  }
  if (auto st = restore_group_documents(*i->store, groups, i->documents); !st.ok()) {
    caf::anon_send(i->registry, stop_atom::value);
    caf::anon_send(i->ctx.clock, stop_atom::value);
    if (i->node_gateway) caf::anon_send(i->node_gateway, stop_atom::value);
    return st;
  }
  auto jobs = stream_jobs(*i->store, i->registry, groups, i->ctx.last_alive_ms);
  if (!jobs.ok()) {  // stop what was started, so that the actor system can end
    caf::anon_send(i->registry, stop_atom::value);
    caf::anon_send(i->ctx.clock, stop_atom::value);
    if (i->node_gateway) caf::anon_send(i->node_gateway, stop_atom::value);
    return jobs.status();
  }
  i->jobs_restored = *jobs;
  spdlog::info("restoring {} job(s)", i->jobs_restored);
  i->histories = history_relay::start(i->registry, *i->store);
  i->heartbeat = std::thread([raw = i.get()] { raw->heartbeat_loop(); });
  return std::unique_ptr<scheduler_runtime>(new scheduler_runtime(std::move(i)));
}

scheduler_runtime::scheduler_runtime(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {
  impl_->metrics.set_snapshot_source([this] {
    auto s = snapshot();
    auto count = [](const std::atomic<int64_t>& a) {
      return static_cast<uint64_t>(std::max<int64_t>(0, a.load(std::memory_order_relaxed)));
    };
    scheduler_snapshot m;
    m.jobs_active = count(impl_->stats.jobs_active);
    m.jobs_paused = count(impl_->stats.jobs_paused);
    m.jobs_done = count(impl_->stats.jobs_done);
    m.timer_wheel_pending_timers = s.pending_timers;
    m.fires_held = impl_->clock.fires_held.load(std::memory_order_relaxed);
    m.fires_in_flight = static_cast<uint64_t>(
        std::max<int64_t>(0, impl_->clock.fires_in_flight.load(std::memory_order_relaxed)));
    m.clock_last_pass_ms = impl_->clock.last_pass_ms.load(std::memory_order_relaxed);
    m.runs_in_flight = s.runs_in_flight;
    m.runs_queued = s.runs_queued;
    m.runs_skipped_total = s.runs_skipped;
    for (std::size_t r = 0; r < k_skip_reasons; ++r)
      m.runs_skipped_by_reason[r] = impl_->stats.runs_skipped_by_reason[r].load(std::memory_order_relaxed);
    static_assert(std::tuple_size_v<decltype(m.runs_skipped_by_reason)> == k_skip_reasons);
    m.run_retries_total = s.retries;
    m.runs_waited_total = impl_->stats.runs_waited.load(std::memory_order_relaxed);
    m.chain_misses_total = impl_->stats.chain_misses.load(std::memory_order_relaxed);
    m.run_hooks_sent_total = impl_->stats.run_hooks_sent.load(std::memory_order_relaxed);
    m.run_hooks_failed_total = impl_->stats.run_hooks_failed.load(std::memory_order_relaxed);
    // Every job and group is an actor, plus the registry and the clock.
    m.actors = static_cast<uint64_t>(std::max<int64_t>(0, impl_->stats.jobs())) +
               count(impl_->stats.groups) + 2;
    m.nodes_up = count(impl_->stats.nodes_up);
    m.node_auth_failures_total = impl_->stats.node_auth_failures.load(std::memory_order_relaxed);
    if (impl_->store) {
      auto storage = impl_->store->stats();
      m.storage_queued_batches = storage.queued_batches;
      m.storage_dropped_writes_total = storage.dropped_lazy_batches;
      m.storage_failed_writes_total = storage.failed_batches;
    }
    for (auto& c : impl_->pools.counts())
      m.run_pools.push_back({std::move(c.group), std::move(c.name), c.running,
                             static_cast<uint64_t>(std::max(0, c.max_running)), c.enabled});
    if (impl_->add_to_snapshot) impl_->add_to_snapshot(m);
    return m;
  });
}

scheduler_runtime::~scheduler_runtime() { stop(); }

void scheduler_runtime::stop() {
  auto& i = *impl_;
  {
    std::lock_guard<std::mutex> lock(i.heartbeat_mutex);
    if (i.stopped) return;
    i.stopped = true;
  }
  i.heartbeat_wake.notify_all();
  i.heartbeat.join();
  if (i.histories) i.histories->stop();
  i.send(stop_atom::value);
  i.lingering.stop_all();  // deleted jobs' actors waiting for their runs: no group reaches them
  caf::anon_send(i.ctx.clock, stop_atom::value);
  if (i.node_gateway) {
    caf::anon_send(i.node_gateway, stop_atom::value);
    i.node_gateway = nullptr;
  }
  i.registry = nullptr;
  i.ctx.clock = nullptr;
  i.system->await_all_actors_done();
  i.lists.reset();   // lists in progress finish (reading ended jobs as gone) and answer
  i.pool.reset();    // no actor can start a run any more; late callbacks find their actors gone
  // A commit's done runs on the store's committer thread and may still be sending to an actor
  // (persist_then): the scheduler it enqueues into must outlive that send.
  if (i.store) i.store->drain();
  i.system.reset();
  i.write_heartbeat(true);
}

runtime_snapshot scheduler_runtime::snapshot() const {
  const auto& i = *impl_;
  runtime_snapshot s;
  s.jobs = i.stats.jobs();
  s.pending_timers = i.clock.pending_timers.load(std::memory_order_relaxed);
  s.fires = i.clock.fires.load(std::memory_order_relaxed);
  s.timer_arms = i.clock.arms.load(std::memory_order_relaxed);
  s.timer_rearms = i.clock.rearms.load(std::memory_order_relaxed);
  s.runs_started = i.stats.runs_started.load(std::memory_order_relaxed);
  s.runs_finished = i.stats.runs_finished.load(std::memory_order_relaxed);
  s.runs_skipped = i.stats.runs_skipped.load(std::memory_order_relaxed);
  s.retries = i.stats.retries.load(std::memory_order_relaxed);
  s.nodes_up = i.stats.nodes_up.load(std::memory_order_relaxed);
  s.node_auth_failures = i.stats.node_auth_failures.load(std::memory_order_relaxed);
  if (i.pool) {
    s.runs_in_flight = i.pool->running();
    s.runs_queued = i.pool->queued();
  }
  s.jobs_restored = i.jobs_restored;
  return s;
}

std::optional<std::string> scheduler_runtime::not_ready_reason() const {
  if (impl_->stopped) return "stopping";
  // Counted by the clock once it has armed them: a restored job is ready when its timer is.
  auto jobs = impl_->clock.restored_jobs_armed.load(std::memory_order_acquire);
  if (jobs < impl_->jobs_restored)
    return "restoring jobs: " + std::to_string(jobs) + " of " + std::to_string(impl_->jobs_restored);
  return std::nullopt;
}

scheduler_metrics& scheduler_runtime::metrics() { return impl_->metrics; }
state_store& scheduler_runtime::store() { return *impl_->store; }
uint16_t scheduler_runtime::node_gateway_port() const { return impl_->node_gateway_port; }
void scheduler_runtime::add_to_snapshot(std::function<void(scheduler_snapshot&)> add) {
  impl_->add_to_snapshot = std::move(add);
}

std::string scheduler_runtime::default_timezone() const { return impl_->ctx.default_zone.name(); }

}  // namespace mainspring
