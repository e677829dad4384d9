// Benchmarks for core/schedule.h: next_after per call for typical patterns, in UTC and in
// Europe/Berlin, from start instants spread over 2026-2030 (so the cost includes month, year and
// DST-period changes in their natural proportions), and parse_schedule per pattern.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "core/schedule.h"

namespace mainspring {
namespace {

const char* const k_patterns[] = {
    "*/5 * * * * *", "0 0 0 * * *", "0 30 9 * * MON-FRI", "@every 5s", "0 0 0 29 2 *",
    "0 0 0 30 2 *",  // impossible: the cost of the whole horizon
    "{\"years\":[2099]}",  // a Cronicle timing (the bench's created events): decades ahead
    "@every 1h",
};

const std::vector<sys_ms>& start_instants() {
  static const std::vector<sys_ms> starts = [] {
    std::mt19937_64 rng(7);
    const auto first = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1};
    std::vector<sys_ms> out;
    for (int i = 0; i < 4096; ++i) {
      out.push_back(sys_ms{first} + std::chrono::milliseconds{rng() % (uint64_t{5} * 365 * 86'400'000)});
    }
    return out;
  }();
  return starts;
}

void next_after(benchmark::State& state, const char* zone_name) {
  const schedule s = parse_schedule(k_patterns[state.range(0)]).value();
  const time_zone zone = time_zone::find(zone_name).value();
  const std::vector<sys_ms>& starts = start_instants();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.next_after(starts[i], zone));
    i = (i + 1) % starts.size();
  }
  state.SetLabel(k_patterns[state.range(0)]);
}

void BM_next_after_utc(benchmark::State& state) { next_after(state, "UTC"); }
void BM_next_after_berlin(benchmark::State& state) { next_after(state, "Europe/Berlin"); }
BENCHMARK(BM_next_after_utc)->DenseRange(0, 7);
BENCHMARK(BM_next_after_berlin)->DenseRange(0, 7);

void BM_parse_schedule(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(parse_schedule(k_patterns[state.range(0)]));
  state.SetLabel(k_patterns[state.range(0)]);
}
BENCHMARK(BM_parse_schedule)->DenseRange(0, 7);

}  // namespace
}  // namespace mainspring

BENCHMARK_MAIN();
