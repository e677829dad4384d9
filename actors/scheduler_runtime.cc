#include "actors/scheduler_runtime.h"

#include "actors/list_worker.h"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <utility>

#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/clock_actor.h"
#include "actors/worker_priority.h"
#include "actors/job_context.h"
#include "actors/list_worker.h"
#include "actors/messages.h"
#include "actors/node_gateway.h"
#include "actors/node_protocol.h"
#include "actors/registry_actor.h"
#include "executors/executor_pool.h"
#include "executors/remote_runner.h"
#include "metrics/scheduler_metrics.h"
#include "storage/dump_archive.h"
#include "storage/mutation_batch.h"
#include "storage/state_store.h"

namespace mainspring {

namespace {

constexpr std::string_view k_last_alive_meta = "last_alive_ms";
// The whole scheduler's switch: "0" off, anything else (or nothing stored) on.
constexpr std::string_view k_scheduling_meta = "scheduling_enabled";

// Stored jobs per restore message: a group adopts one batch while the next is being read.
constexpr std::size_t k_restore_stream_jobs = 4096;

// The groups and their funcs (few and small): read before the registry is spawned.
status_or<restored_state> load_groups(state_store& store) {
  restored_state restored;
  load_visitor visitor;
  visitor.on_group = [&](group_spec&& g) { restored.groups.push_back(std::move(g)); };
  visitor.on_func = [&](func_spec&& f) {
    std::string group = f.group;
    restored.funcs[group].push_back(std::move(f));
  };
  visitor.on_node = [&](node_spec&& n) {
    std::string group = n.group;
    restored.nodes[group].push_back(std::move(n));
  };
  if (auto st = store.load_all(visitor); !st.ok()) return st;
  return restored;
}

// Reads the stored jobs (key order: group by group) and streams them to the registry in batches,
// so that the group actors spawn and plan jobs while the rest is still being read. Answers how
// many it sent; jobs of a group that is not stored (none are written that way) are skipped.
status_or<std::size_t> stream_jobs(state_store& store, const caf::actor& registry,
                                   const std::vector<group_spec>& groups) {
  std::unordered_set<std::string> known;
  for (const auto& g : groups) known.insert(g.name);
  std::vector<job_spec> batch;
  std::string batch_group;
  std::size_t sent = 0, orphans = 0;
  auto flush = [&] {
    if (batch.empty()) return;
    sent += batch.size();
    caf::anon_send(registry, restore_atom::value, batch_group, std::exchange(batch, {}));
  };
  load_visitor visitor;
  visitor.on_job = [&](job_spec&& j) {
    if (!known.count(j.group)) return void(++orphans);
    if (j.group != batch_group || batch.size() == k_restore_stream_jobs) {
      flush();
      batch_group = j.group;
      batch.reserve(k_restore_stream_jobs);
    }
    batch.push_back(std::move(j));
  };
  auto st = store.load_all(visitor);
  flush();  // even after a failure: what was sent must be counted for readiness
  if (orphans) spdlog::warn("skipped {} stored job(s) of groups that are not stored", orphans);
  if (!st.ok()) return st;
  return sent;
}

int64_t read_last_alive(state_store& store) {
  auto value = store.get_meta(k_last_alive_meta);
  if (!value.ok() || !*value) return 0;
  try {
    return std::stoll(**value);
  } catch (...) {
    return 0;
  }
}

bool read_scheduling_enabled(state_store& store) {
  auto value = store.get_meta(k_scheduling_meta);
  return !value.ok() || !*value || **value != "0";
}

audit_entry audit_of(const request_origin& origin, std::string action, std::string group,
                     std::string job_id = {}) {
  return audit_entry{to_unix_ms(now_ms()), origin.api, origin.key_id, std::move(action),
                     std::move(group), std::move(job_id), origin.detail};
}

}  // namespace

const char* job_phase_name(job_phase p) {
  switch (p) {
    case job_phase::active: return "active";
    case job_phase::paused: return "paused";
    case job_phase::done: return "done";
  }
  return "active";
}

struct scheduler_runtime::impl {
  // Declaration order matters: stop() ends the actors, then the executors, then the actor
  // system; the store and metrics outlive them all.
  scheduler_metrics metrics;
  std::unique_ptr<state_store> store;
  std::unique_ptr<executor_pool> pool;
  std::unique_ptr<list_worker> lists = std::make_unique<list_worker>();
  id_generator ids;
  scheduler_stats stats;
  clock_stats clock;
  std::atomic<bool> scheduling_enabled{true};  // ctx.scheduling_enabled points here
  job_context ctx;
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  caf::actor registry;
  caf::actor node_gateway;  // null without worker nodes
  uint16_t node_gateway_port = 0;
  std::function<void(scheduler_snapshot&)> add_to_snapshot;
  std::size_t jobs_restored = 0;
  // The dashboard's last hour, sampled by the heartbeat thread every k_activity_slot_ms.
  activity_history activity{scheduler_metrics::lateness_bucket_bounds()};
  int64_t last_activity_sample_ms = 0;  // heartbeat thread only
  // -- heartbeat --
  std::thread heartbeat;
  std::mutex heartbeat_mutex;
  std::condition_variable heartbeat_wake;
  bool stopped = false;

  template <class... Ts>
  void send(Ts&&... xs) {
    caf::anon_send(registry, std::forward<Ts>(xs)...);
  }

  void write_heartbeat(bool durable) {
    mutation_batch batch;
    batch.put_meta(k_last_alive_meta, std::to_string(to_unix_ms(now_ms())));
    if (durable) store->commit_sync(std::move(batch));
    else persist_lazily(&ctx, std::move(batch));
  }

  // The heartbeat's tick is the history's clock too: no thread of its own for a 10 s sample.
  void sample_activity() {
    int64_t now = to_unix_ms(now_ms());
    if (now - last_activity_sample_ms < k_activity_slot_ms) return;
    last_activity_sample_ms = now;
    activity.record(now, metrics.totals());
  }

  void heartbeat_loop() {
    std::unique_lock<std::mutex> lock(heartbeat_mutex);
    while (!stopped) {
      write_heartbeat(false);
      sample_activity();
      heartbeat_wake.wait_for(lock, k_heartbeat_interval);
    }
  }
};

status_or<std::unique_ptr<scheduler_runtime>> scheduler_runtime::start(const runtime_options& options) {
  auto zone = time_zone::find(options.default_timezone);
  if (!zone.ok()) return zone.status();

  auto i = std::make_unique<impl>();
  store_options store_opts;
  store_opts.max_runs_per_job = options.max_runs_per_job;
  store_opts.max_run_age = options.max_run_age;
  store_opts.env = options.storage_env;
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
  pool_options.reply_hook_url = options.reply_hook_url;
  pool_options.enabled = options.executors;
  i->pool = std::make_unique<executor_pool>(std::move(pool_options));
  unsigned threads = options.worker_threads ? options.worker_threads
                                            : std::max(1u, std::thread::hardware_concurrency());
  i->config.set("scheduler.max-threads", static_cast<size_t>(threads));
  // One shared queue whose idle workers sleep on a condition variable. CAF 0.17's work stealing
  // takes from the tail of a singly linked deque (O(length) per steal, both locks held) and
  // spins while idle: a group that made a million job actors runnable at once took minutes.
  i->config.set("scheduler.policy", caf::atom("sharing"));
  add_worker_priority_hook(i->config);
  if (options.worker_nodes) {
    i->config.load<caf::io::middleman>();
    add_node_message_types(i->config);
  }
  i->system = std::make_unique<caf::actor_system>(i->config);
  i->ctx.pool = i->pool.get();
  i->ctx.ids = &i->ids;
  i->ctx.stats = &i->stats;
  i->ctx.metrics = &i->metrics;
  i->ctx.store = i->store.get();
  i->ctx.lists = i->lists.get();
  i->ctx.default_zone = std::move(zone).value();
  i->ctx.last_alive_ms = read_last_alive(*i->store);
  i->scheduling_enabled.store(read_scheduling_enabled(*i->store));
  i->ctx.scheduling_enabled = &i->scheduling_enabled;
  if (!i->scheduling_enabled.load()) spdlog::warn("the scheduler is switched off: scheduled fires are skipped");
  i->ctx.max_run_age_ms = options.max_run_age.count();
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
  auto jobs = stream_jobs(*i->store, i->registry, groups);
  if (!jobs.ok()) {  // stop what was started, so that the actor system can end
    caf::anon_send(i->registry, stop_atom::value);
    caf::anon_send(i->ctx.clock, stop_atom::value);
    if (i->node_gateway) caf::anon_send(i->node_gateway, stop_atom::value);
    return jobs.status();
  }
  i->jobs_restored = *jobs;
  spdlog::info("restoring {} job(s)", i->jobs_restored);
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
    m.runs_in_flight = s.runs_in_flight;
    m.runs_queued = s.runs_queued;
    m.runs_skipped_total = s.runs_skipped;
    for (std::size_t r = 0; r < k_skip_reasons; ++r)
      m.runs_skipped_by_reason[r] = impl_->stats.runs_skipped_by_reason[r].load(std::memory_order_relaxed);
    m.run_retries_total = s.retries;
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
  i.send(stop_atom::value);
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
  i.system.reset();
  i.write_heartbeat(true);
}

runtime_snapshot scheduler_runtime::snapshot() const {
  const auto& i = *impl_;
  runtime_snapshot s;
  s.jobs = i.stats.jobs();
  s.pending_timers = i.clock.pending_timers.load(std::memory_order_relaxed);
  s.fires = i.clock.fires.load(std::memory_order_relaxed);
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

// -- scheduler_api: each call is one message to the registry --

void scheduler_runtime::register_group(request_origin origin, std::string group,
                                       reply_fn<std::string> done) {
  impl_->send(reg_group_atom::value, audit_of(origin, "group.register", group), std::move(group),
              std::move(done));
}
void scheduler_runtime::remove_group(request_origin origin, std::string group, done_fn done) {
  impl_->send(rm_group_atom::value, audit_of(origin, "group.remove", group), std::move(group),
              std::move(done));
}
void scheduler_runtime::list_groups(reply_fn<std::vector<std::string>> done) {
  impl_->send(groups_atom::value, std::move(done));
}
void scheduler_runtime::group_info(std::string group, reply_fn<group_spec> done) {
  impl_->send(group_info_atom::value, std::move(group), std::move(done));
}
void scheduler_runtime::add_job(request_origin origin, job_spec spec, reply_fn<std::string> done) {
  auto audit = audit_of(origin, "job.add", spec.group, spec.id);
  impl_->send(add_job_atom::value, std::move(audit), std::move(spec), std::move(done));
}
void scheduler_runtime::create_job(request_origin origin, job_spec spec, reply_fn<job_view> done) {
  auto audit = audit_of(origin, "job.add", spec.group, spec.id);
  impl_->send(create_job_atom::value, std::move(audit), std::move(spec), std::move(done));
}
void scheduler_runtime::edit_job(request_origin origin, std::string group, std::string job_id,
                                 job_patch patch, reply_fn<job_view> done) {
  auto audit = audit_of(origin, "job.edit", group, job_id);
  impl_->send(edit_job_atom::value, std::move(audit), std::move(group), std::move(job_id),
              std::move(patch), std::move(done));
}
void scheduler_runtime::pause_job(request_origin origin, std::string group, std::string job_id,
                                  done_fn done) {
  auto audit = audit_of(origin, "job.pause", group, job_id);
  impl_->send(pause_atom::value, std::move(audit), std::move(group), std::move(job_id), std::move(done));
}
void scheduler_runtime::activate_job(request_origin origin, std::string group, std::string job_id,
                                     int64_t exec_time_s, done_fn done) {
  auto audit = audit_of(origin, "job.activate", group, job_id);
  impl_->send(activate_atom::value, std::move(audit), std::move(group), std::move(job_id),
              exec_time_s, std::move(done));
}
void scheduler_runtime::delete_job(request_origin origin, std::string group, std::string job_id,
                                   done_fn done) {
  auto audit = audit_of(origin, "job.delete", group, job_id);
  impl_->send(delete_atom::value, std::move(audit), std::move(group), std::move(job_id), std::move(done));
}
void scheduler_runtime::clear_jobs(request_origin origin, std::string group, reply_fn<std::size_t> done) {
  auto audit = audit_of(origin, "job.clear", group);
  impl_->send(clear_atom::value, std::move(audit), std::move(group), std::move(done));
}
void scheduler_runtime::delete_jobs_by_name(request_origin origin, std::string group,
                                            std::string name, reply_fn<std::size_t> done) {
  auto audit = audit_of(origin, "job.delete_by_name", group);
  impl_->send(delete_name_atom::value, std::move(audit), std::move(group), std::move(name),
              std::move(done));
}
void scheduler_runtime::list_jobs(std::string group, reply_fn<std::vector<job_view>> done) {
  impl_->send(list_atom::value, std::move(group), std::move(done));
}
void scheduler_runtime::job_detail(std::string group, std::string job_id, reply_fn<job_view> done) {
  impl_->send(view_atom::value, std::move(group), std::move(job_id), std::move(done));
}
void scheduler_runtime::run_job_now(request_origin origin, std::string group, std::string job_id,
                                    reply_fn<uint64_t> done) {
  auto audit = audit_of(origin, "job.run", group, job_id);
  impl_->send(run_now_atom::value, std::move(audit), std::move(group), std::move(job_id), std::move(done));
}
void scheduler_runtime::job_executions(std::string group, std::string job_id, std::size_t limit,
                                       uint64_t before_run_id,
                                       reply_fn<std::vector<run_record>> done) {
  // The store read happens here, on the caller's thread, so that no actor blocks on disk; the
  // job actor adds what is in flight or not yet written.
  auto stored = impl_->store->list_runs(group, job_id, limit, before_run_id);
  if (!stored.ok()) return done(stored.status());
  impl_->send(executions_atom::value, std::move(group), std::move(job_id), limit, before_run_id,
              std::move(stored).value(), std::move(done));
}

void scheduler_runtime::add_func(request_origin origin, func_spec func, reply_fn<std::string> done) {
  auto audit = audit_of(origin, "func.add", func.group);
  impl_->send(add_func_atom::value, std::move(audit), std::move(func), std::move(done));
}
void scheduler_runtime::delete_func(request_origin origin, std::string group, std::string name,
                                    done_fn done) {
  auto audit = audit_of(origin, "func.delete", group);
  impl_->send(delete_func_atom::value, std::move(audit), std::move(group), std::move(name), std::move(done));
}
void scheduler_runtime::list_funcs(std::string group, reply_fn<std::vector<func_spec>> done) {
  impl_->send(funcs_atom::value, std::move(group), std::move(done));
}
void scheduler_runtime::list_nodes(std::string group, reply_fn<std::vector<node_view>> done) {
  impl_->send(node_list_atom::value, std::move(group), std::move(done));
}
void scheduler_runtime::list_jobs_page(std::string group, job_page_query query, reply_fn<job_page> done) {
  impl_->send(page_atom::value, std::move(group), std::move(query), std::move(done));
}
void scheduler_runtime::abort_job_runs(request_origin origin, std::string group, std::string job_id,
                                       reply_fn<std::size_t> done) {
  auto audit = audit_of(origin, "job.abort", group, job_id);
  impl_->send(abort_atom::value, std::move(audit), std::move(group), std::move(job_id), std::move(done));
}
void scheduler_runtime::run_job_with(request_origin origin, std::string group, std::string job_id,
                                     run_override change, reply_fn<uint64_t> done) {
  auto audit = audit_of(origin, "job.run", group, job_id);
  impl_->send(run_now_atom::value, std::move(audit), std::move(group), std::move(job_id), std::move(change),
              std::move(done));
}
void scheduler_runtime::abort_run(request_origin origin, std::string group, std::string job_id, uint64_t run_id,
                                  reply_fn<std::size_t> done) {
  auto audit = audit_of(origin, "job.abort", group, job_id);
  audit.detail = "run " + std::to_string(run_id);
  impl_->send(abort_atom::value, std::move(audit), std::move(group), std::move(job_id), run_id, std::move(done));
}
void scheduler_runtime::allocation_table(std::string group, reply_fn<allocation_view> done) {
  impl_->send(alloc_view_atom::value, std::move(group), std::move(done));
}
void scheduler_runtime::group_executions(std::string group, int64_t from_ms, int64_t to_ms, std::size_t limit,
                                         reply_fn<std::vector<run_record>> done) {
  // As job_executions: the store read happens on the caller's thread, never on an actor's.
  done(impl_->store->list_group_runs(group, from_ms, to_ms, limit));
}
void scheduler_runtime::call_func(std::string group, std::string name, func_request req,
                                  reply_fn<std::string> done) {
  impl_->send(call_func_atom::value, std::move(group), std::move(name), std::move(req), std::move(done));
}

// Dumps read the store, which holds every acknowledged change: a consistent snapshot without
// asking any actor, on the caller's thread.
void scheduler_runtime::dump(std::optional<std::string> group, reply_fn<dump_file> done) {
  std::vector<group_dump> groups;
  std::unordered_map<std::string, std::size_t> index;
  load_visitor visitor;
  auto wanted = [&group](const std::string& name) { return !group || *group == name; };
  visitor.on_group = [&](group_spec&& g) {
    if (!wanted(g.name)) return;
    index[g.name] = groups.size();
    groups.push_back(group_dump{std::move(g), {}, {}});
  };
  visitor.on_job = [&](job_spec&& j) {
    if (auto it = index.find(j.group); it != index.end()) groups[it->second].jobs.push_back(std::move(j));
  };
  visitor.on_func = [&](func_spec&& f) {
    if (auto it = index.find(f.group); it != index.end()) groups[it->second].funcs.push_back(std::move(f));
  };
  if (auto st = impl_->store->load_all(visitor); !st.ok()) return done(st);
  if (group && groups.empty()) return done(status::not_found("group_name: unknown group \"" + *group + "\""));
  auto now = now_ms();
  auto bytes = write_dump(groups, now);
  if (!bytes.ok()) return done(bytes.status());
  done(dump_file{dump_file_name(now), std::move(bytes).value()});
}

void scheduler_runtime::import(request_origin origin, std::string archive, done_fn done) {
  auto groups = read_dump(archive);
  if (!groups.ok()) return done(status::invalid_argument("import: " + groups.status().message()));
  auto audit = audit_of(origin, "import", {});
  audit.detail = std::to_string(groups->size()) + " group(s)";
  impl_->send(import_atom::value, std::move(audit), std::move(groups).value(), std::move(done));
}

void scheduler_runtime::audit_log(int64_t from_ms, int64_t to_ms, std::size_t limit,
                                  reply_fn<std::vector<audit_entry>> done) {
  auto entries = impl_->store->audit_range(from_ms, to_ms, limit);
  if (!entries.ok()) return done(entries.status());
  done(std::move(entries).value());
}

// -- the dashboard --

// The overview's "recent" window, beside the last hour.
constexpr int64_t k_overview_recent_ms = 60'000;

// Atomics and the metrics' own totals: no actor is asked, so a poll costs microseconds.
void scheduler_runtime::overview(reply_fn<scheduler_overview> done) {
  const auto& i = *impl_;
  auto count = [](const std::atomic<int64_t>& a) {
    return static_cast<uint64_t>(std::max<int64_t>(0, a.load(std::memory_order_relaxed)));
  };
  scheduler_overview o;
  int64_t now = to_unix_ms(now_ms());
  o.time_ms = now;
  o.groups = count(i.stats.groups);
  o.jobs_active = count(i.stats.jobs_active);
  o.jobs_paused = count(i.stats.jobs_paused);
  o.jobs_done = count(i.stats.jobs_done);
  auto s = snapshot();
  o.runs_in_flight = s.runs_in_flight;
  o.runs_queued = s.runs_queued;
  o.fires_held = i.clock.fires_held.load(std::memory_order_relaxed);
  o.scheduling_enabled = i.scheduling_enabled.load(std::memory_order_relaxed);
  o.nodes_up = count(i.stats.nodes_up);
  o.nodes_down = count(i.stats.nodes) > o.nodes_up ? count(i.stats.nodes) - o.nodes_up : 0;
  if (i.store) {
    auto storage = i.store->stats();
    o.storage_queued_batches = storage.queued_batches;
    o.storage_failed_writes = storage.failed_batches;
  }
  metrics_totals live = impl_->metrics.totals();
  o.last_minute = i.activity.window(now, live, k_overview_recent_ms);
  o.last_hour = i.activity.window(now, live, k_activity_span_ms);
  o.slots = i.activity.slots(now, live);
  done(std::move(o));
}

// -- the whole scheduler's switch --

// The committer thread runs callbacks in commit order, so concurrent switches land in the order
// they were written, and the flag never goes ahead of the store.
void scheduler_runtime::set_scheduling(request_origin origin, bool enabled, done_fn done) {
  mutation_batch batch;
  batch.put_meta(k_scheduling_meta, enabled ? "1" : "0");
  batch.put_audit(audit_of(origin, enabled ? "scheduler.enable" : "scheduler.disable", ""));
  impl_->store->commit(std::move(batch), [i = impl_.get(), enabled, done = std::move(done)](status st) {
    if (st.ok()) {
      i->scheduling_enabled.store(enabled, std::memory_order_relaxed);
      spdlog::info("the scheduler is switched {}", enabled ? "on" : "off");
    }
    done(st);
  });
}

bool scheduler_runtime::scheduling_enabled() const {
  return impl_->scheduling_enabled.load(std::memory_order_relaxed);
}

std::string scheduler_runtime::default_timezone() const { return impl_->ctx.default_zone.name(); }

}  // namespace mainspring
