#include "actors/scheduler_runtime.h"

#include <thread>

#include "actors/clock_actor.h"
#include "actors/job_context.h"
#include "actors/messages.h"
#include "actors/registry_actor.h"
#include "executors/executor_pool.h"

namespace mainspring {

const char* job_phase_name(job_phase p) {
  switch (p) {
    case job_phase::active: return "active";
    case job_phase::paused: return "paused";
    case job_phase::done: return "done";
  }
  return "active";
}

struct scheduler_runtime::impl {
  explicit impl(const runtime_options& options, time_zone zone)
      : pool({options.max_concurrent_runs, options.reply_hook_url}) {
    unsigned threads = options.worker_threads ? options.worker_threads
                                              : std::max(1u, std::thread::hardware_concurrency());
    config.set("scheduler.max-threads", static_cast<size_t>(threads));
    system = std::make_unique<caf::actor_system>(config);
    ctx.pool = &pool;
    ctx.ids = &ids;
    ctx.stats = &stats;
    ctx.default_zone = std::move(zone);
    ctx.clock = spawn_clock(*system, &clock);
    registry = spawn_registry(*system, &ctx);
  }

  template <class... Ts>
  void send(Ts&&... xs) {
    caf::anon_send(registry, std::forward<Ts>(xs)...);
  }

  // Declaration order is destruction order reversed: the actor system goes before the pool and
  // the shared context its actors point at.
  executor_pool pool;
  id_generator ids;
  scheduler_stats stats;
  clock_stats clock;
  job_context ctx;
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  caf::actor registry;
  bool stopped = false;
};

status_or<std::unique_ptr<scheduler_runtime>> scheduler_runtime::start(const runtime_options& options) {
  auto zone = time_zone::find(options.default_timezone);
  if (!zone.ok()) return zone.status();
  return std::unique_ptr<scheduler_runtime>(
      new scheduler_runtime(std::make_unique<impl>(options, std::move(zone).value())));
}

scheduler_runtime::scheduler_runtime(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}

scheduler_runtime::~scheduler_runtime() { stop(); }

void scheduler_runtime::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  caf::anon_send_exit(impl_->registry, caf::exit_reason::user_shutdown);
  caf::anon_send(impl_->ctx.clock, stop_atom::value);
  impl_->registry = nullptr;
  impl_->ctx.clock = nullptr;
  impl_->system.reset();  // waits for every actor to finish
}

runtime_snapshot scheduler_runtime::snapshot() const {
  runtime_snapshot s;
  s.jobs = impl_->stats.jobs.load(std::memory_order_relaxed);
  s.pending_timers = impl_->clock.pending_timers.load(std::memory_order_relaxed);
  s.fires = impl_->clock.fires.load(std::memory_order_relaxed);
  s.runs_started = impl_->stats.runs_started.load(std::memory_order_relaxed);
  s.runs_finished = impl_->stats.runs_finished.load(std::memory_order_relaxed);
  s.runs_skipped = impl_->stats.runs_skipped.load(std::memory_order_relaxed);
  s.retries = impl_->stats.retries.load(std::memory_order_relaxed);
  s.runs_in_flight = impl_->pool.running();
  s.runs_queued = impl_->pool.queued();
  return s;
}

void scheduler_runtime::register_group(std::string group, reply_fn<std::string> done) {
  impl_->send(reg_group_atom::value, std::move(group), std::move(done));
}
void scheduler_runtime::remove_group(std::string group, done_fn done) {
  impl_->send(rm_group_atom::value, std::move(group), std::move(done));
}
void scheduler_runtime::list_groups(reply_fn<std::vector<std::string>> done) {
  impl_->send(groups_atom::value, std::move(done));
}
void scheduler_runtime::group_info(std::string group, reply_fn<group_spec> done) {
  impl_->send(group_info_atom::value, std::move(group), std::move(done));
}
void scheduler_runtime::add_job(job_spec spec, reply_fn<std::string> done) {
  impl_->send(add_job_atom::value, std::move(spec), std::move(done));
}
void scheduler_runtime::edit_job(std::string group, std::string job_id, job_patch patch,
                                 reply_fn<job_view> done) {
  impl_->send(edit_job_atom::value, std::move(group), std::move(job_id), std::move(patch),
              std::move(done));
}
void scheduler_runtime::pause_job(std::string group, std::string job_id, done_fn done) {
  impl_->send(pause_atom::value, std::move(group), std::move(job_id), std::move(done));
}
void scheduler_runtime::activate_job(std::string group, std::string job_id, int64_t exec_time_s,
                                     done_fn done) {
  impl_->send(activate_atom::value, std::move(group), std::move(job_id), exec_time_s,
              std::move(done));
}
void scheduler_runtime::delete_job(std::string group, std::string job_id, done_fn done) {
  impl_->send(delete_atom::value, std::move(group), std::move(job_id), std::move(done));
}
void scheduler_runtime::clear_jobs(std::string group, reply_fn<std::size_t> done) {
  impl_->send(clear_atom::value, std::move(group), std::move(done));
}
void scheduler_runtime::delete_jobs_by_name(std::string group, std::string name,
                                            reply_fn<std::size_t> done) {
  impl_->send(delete_name_atom::value, std::move(group), std::move(name), std::move(done));
}
void scheduler_runtime::list_jobs(std::string group, reply_fn<std::vector<job_view>> done) {
  impl_->send(list_atom::value, std::move(group), std::move(done));
}
void scheduler_runtime::job_detail(std::string group, std::string job_id, reply_fn<job_view> done) {
  impl_->send(view_atom::value, std::move(group), std::move(job_id), std::move(done));
}
void scheduler_runtime::run_job_now(std::string group, std::string job_id, reply_fn<uint64_t> done) {
  impl_->send(run_now_atom::value, std::move(group), std::move(job_id), std::move(done));
}
void scheduler_runtime::job_executions(std::string group, std::string job_id, std::size_t limit,
                                       uint64_t before_run_id,
                                       reply_fn<std::vector<run_record>> done) {
  impl_->send(executions_atom::value, std::move(group), std::move(job_id), limit, before_run_id,
              std::move(done));
}

}  // namespace mainspring
