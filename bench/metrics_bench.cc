// ---------------------------------------------------------------------------------------------
// What the metrics cost where they are recorded: one on_run_started + one on_run_finished per run
// is what every fire pays (a lateness histogram observation, a counter add and a duration histogram
// observation), measured on one thread and on two (the machine's CAF worker count) hitting the
// same executor's series, the worst case for contention. Also one on_http_request (per HTTP
// reply) and one whole scrape() (per GET /metrics), which are off the fire path.
#include "metrics/scheduler_metrics.h"

#include <benchmark/benchmark.h>

#include <string>

namespace {

using mainspring::executor_kind;
using mainspring::run_state;
using mainspring::scheduler_metrics;

scheduler_metrics& shared_metrics() {
  static scheduler_metrics metrics("bench");
  return metrics;
}

// One run's worth of recording: what the job actor / executor path adds per fire.
void run_started_and_finished(benchmark::State& state) {
  scheduler_metrics& m = shared_metrics();
  double lateness = 0.0001 * static_cast<double>(state.thread_index() + 1);
  for (auto _ : state) {
    m.on_run_started(executor_kind::noop, lateness);
    m.on_run_finished(executor_kind::noop, run_state::succeeded, 0.00002);
    lateness = lateness < 1 ? lateness * 1.5 : 0.0001;  // walk the buckets
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(run_started_and_finished)->Threads(1)->Threads(2)->UseRealTime();

// The two halves apart: a counter add plus a duration observation, and a lateness observation.
void run_finished_only(benchmark::State& state) {
  scheduler_metrics& m = shared_metrics();
  for (auto _ : state) m.on_run_finished(executor_kind::noop, run_state::succeeded, 0.00002);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(run_finished_only)->Threads(1)->Threads(2)->UseRealTime();

void lateness_only(benchmark::State& state) {
  scheduler_metrics& m = shared_metrics();
  for (auto _ : state) m.on_run_started(executor_kind::noop, 0.003);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(lateness_only)->Threads(1)->Threads(2)->UseRealTime();

void http_request(benchmark::State& state) {
  scheduler_metrics& m = shared_metrics();
  const std::string route = "/v1/{group}/job/list";
  for (auto _ : state) m.on_http_request(route, "GET", 200, 0.0004);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(http_request);

void scrape(benchmark::State& state) {
  scheduler_metrics& m = shared_metrics();
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text = m.scrape();
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(scrape)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
