// The dashboard's overview (GET /v1/stats) from scheduler_runtime's atomics and the activity
// history the heartbeat samples.
#include "actors/runtime_impl.h"

namespace mainspring {

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
  o.clock_pass_ms = i.clock.last_pass_ms.load(std::memory_order_relaxed);
  o.scheduler_enabled = !i.stats.scheduler_paused.load(std::memory_order_relaxed);
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

}  // namespace mainspring
