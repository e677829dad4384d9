// timer_wheel against the alternatives: std::multimap (CAF 0.17's clock) and a binary heap with
// lazy cancel (a generation check when popping), with 1k to 10M pending timers whose deadlines are
// spread at random over 1 minute, 1 hour or 1 day.
//
// One benchmark run per (structure, pending count, spread) plays a whole scenario, timed by phase:
//   fill     insert N timers into an empty structure (mean cost over sizes 0..N)
//   insert   insert K = min(N, 100k) more with N pending
//   cancel   cancel those K, in random order
//   expire   a driver that sleeps until the next expiry fires all N (per fired timer; for the heap
//            this includes popping the K tombstones)
// The per-operation costs are reported as counters (ns) and summarised, with the wheel/multimap
// ratios, after the run. Phases are timed in thread CPU time: the machine is shared, and wall time
// would charge other processes' time slices to whichever phase was running. Each scenario runs once (Iterations(1)): at 10M a single multimap fill
// takes seconds, and one pass over 10M random deadlines is a stable enough figure.
#include "core/timer_wheel.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <map>
#include <queue>
#include <string>
#include <vector>

namespace {

using mainspring::timer_handle;
using mainspring::timer_wheel;

constexpr int64_t k_start = 1'700'000'000'000;
constexpr size_t k_max_extra = 100'000;

// -- the three contenders, behind one shape --

struct wheel_timers {
  static constexpr const char* k_name = "wheel";
  timer_wheel wheel{k_start};
  std::vector<timer_handle> extra;

  void reserve(size_t n) { wheel.reserve(n); }
  void insert(int64_t d, uint64_t p) { wheel.insert(d, p); }
  void insert_extra(int64_t d, uint64_t p) { extra.push_back(wheel.insert(d, p)); }
  void cancel_extra(size_t i) { wheel.cancel(extra[i]); }
  template <class F>
  void expire_all(F&& sink) {
    while (auto t = wheel.next_expiry()) wheel.advance_to(*t, sink);
  }
};

struct multimap_timers {
  static constexpr const char* k_name = "multimap";
  std::multimap<int64_t, uint64_t> timers;
  std::vector<std::multimap<int64_t, uint64_t>::iterator> extra;

  void reserve(size_t) {}
  void insert(int64_t d, uint64_t p) { timers.emplace(d, p); }
  void insert_extra(int64_t d, uint64_t p) { extra.push_back(timers.emplace(d, p)); }
  void cancel_extra(size_t i) { timers.erase(extra[i]); }
  template <class F>
  void expire_all(F&& sink) {
    while (!timers.empty()) {
      int64_t now = timers.begin()->first;
      auto it = timers.begin();
      for (; it != timers.end() && it->first <= now; ++it) sink(it->second, it->first);
      timers.erase(timers.begin(), it);
    }
  }
};

// A min-heap of (deadline, seq); cancel bumps the timer's generation and the stale entry is
// skipped when it reaches the top.
struct heap_timers {
  static constexpr const char* k_name = "heap";
  struct entry {
    int64_t deadline;
    uint64_t seq;  // FIFO among equal deadlines
    uint32_t id;
    uint32_t generation;
    bool operator>(const entry& o) const { return deadline != o.deadline ? deadline > o.deadline : seq > o.seq; }
  };
  std::vector<entry> storage;
  std::priority_queue<entry, std::vector<entry>, std::greater<>> heap;
  std::vector<uint32_t> generation;  // per id
  std::vector<uint32_t> extra;
  uint64_t seq = 0;

  void reserve(size_t n) {
    storage.reserve(n);
    heap = decltype(heap)(std::greater<>(), std::move(storage));
    generation.reserve(n);
  }
  uint32_t push(int64_t d) {
    auto id = static_cast<uint32_t>(generation.size());
    generation.push_back(0);
    heap.push({d, seq++, id, 0});
    return id;
  }
  void insert(int64_t d, uint64_t) { push(d); }
  void insert_extra(int64_t d, uint64_t) { extra.push_back(push(d)); }
  void cancel_extra(size_t i) { ++generation[extra[i]]; }
  template <class F>
  void expire_all(F&& sink) {
    while (!heap.empty()) {
      int64_t now = heap.top().deadline;
      while (!heap.empty() && heap.top().deadline <= now) {
        const entry& e = heap.top();
        if (e.generation == generation[e.id]) sink(e.id, e.deadline);
        heap.pop();
      }
    }
  }
};

// -- the scenario --

struct phase_ns {
  double fill = 0, insert = 0, cancel = 0, expire = 0;
};
std::map<std::string, phase_ns> g_results;  // "structure/N/span"

uint64_t splitmix64(uint64_t& s) {
  uint64_t z = (s += 0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

// Thread CPU time in ns.
double cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

template <class Timers>
void bm_scenario(benchmark::State& state, size_t n, int64_t span_ms, const std::string& key) {
  const size_t k = std::min(n, k_max_extra);
  uint64_t seed = 42;
  std::vector<int64_t> deadlines(n + k);
  for (int64_t& d : deadlines) d = k_start + 1 + static_cast<int64_t>(splitmix64(seed) % span_ms);
  std::vector<uint32_t> cancel_order(k);
  for (size_t i = 0; i < k; ++i) cancel_order[i] = static_cast<uint32_t>(i);
  for (size_t i = k; i > 1; --i) std::swap(cancel_order[i - 1], cancel_order[splitmix64(seed) % i]);

  phase_ns r;
  for (auto _ : state) {
    Timers t;
    t.reserve(n + k);
    t.extra.reserve(k);
    double t0 = cpu_ns();
    for (size_t i = 0; i < n; ++i) t.insert(deadlines[i], i);
    double t1 = cpu_ns();
    for (size_t i = n; i < n + k; ++i) t.insert_extra(deadlines[i], i);
    double t2 = cpu_ns();
    for (uint32_t i : cancel_order) t.cancel_extra(i);
    double t3 = cpu_ns();
    uint64_t sum = 0;
    size_t fired = 0;
    t.expire_all([&](uint64_t p, int64_t d) {
      sum += p ^ static_cast<uint64_t>(d);
      ++fired;
    });
    double t4 = cpu_ns();
    benchmark::DoNotOptimize(sum);
    if (fired != n) state.SkipWithError("wrong number of timers fired");
    auto dn = static_cast<double>(n), dk = static_cast<double>(k);
    r = {(t1 - t0) / dn, (t2 - t1) / dk, (t3 - t2) / dk, (t4 - t3) / dn};
    state.SetIterationTime((t4 - t0) / 1e9);
  }
  state.counters["fill_ns"] = r.fill;
  state.counters["insert_ns"] = r.insert;
  state.counters["cancel_ns"] = r.cancel;
  state.counters["expire_ns"] = r.expire;
  g_results[std::string(Timers::k_name) + "/" + key] = r;
}

// Crossing a long idle gap: one timer a year away, reached by a single advance_to().
void bm_wheel_idle_year(benchmark::State& state) {
  constexpr int64_t k_year = 365LL * 24 * 3'600'000;
  timer_wheel wheel(k_start);
  int64_t now = k_start;
  for (auto _ : state) {
    wheel.insert(now + k_year, 1);
    now += k_year;
    benchmark::DoNotOptimize(wheel.advance_to(now, [](uint64_t, int64_t) {}));
  }
}
BENCHMARK(bm_wheel_idle_year)->Iterations(1'000'000);  // bounded: the clock moves a year per iteration

struct span {
  const char* name;
  int64_t ms;
};

void register_scenarios() {
  const size_t counts[] = {1'000, 100'000, 1'000'000, 10'000'000};
  const span spans[] = {{"1min", 60'000}, {"1h", 3'600'000}, {"1day", 86'400'000}};
  for (size_t n : counts) {
    for (const span& s : spans) {
      std::string key = std::to_string(n) + "/" + s.name;
      auto add = [&](const char* name, auto fn) {
        benchmark::RegisterBenchmark((std::string(name) + "/" + key).c_str(), fn, n, s.ms, key)
            ->Iterations(1)
            ->UseManualTime()
            ->Unit(benchmark::kMillisecond);
      };
      add("wheel", bm_scenario<wheel_timers>);
      add("heap", bm_scenario<heap_timers>);
      add("multimap", bm_scenario<multimap_timers>);
    }
  }
}

void print_summary() {
  std::printf("\nns per operation (wheel / heap / multimap) and wheel/multimap ratio\n");
  std::printf("%-16s %-7s %8s %8s %9s %7s\n", "pending/spread", "op", "wheel", "heap", "multimap", "w/mm");
  for (const auto& [key, w] : g_results) {
    if (key.rfind("wheel/", 0) != 0) continue;
    std::string rest = key.substr(6);
    if (!g_results.count("heap/" + rest) || !g_results.count("multimap/" + rest)) continue;
    const phase_ns& h = g_results["heap/" + rest];
    const phase_ns& m = g_results["multimap/" + rest];
    auto row = [&](const char* op, double a, double b, double c) {
      std::printf("%-16s %-7s %8.1f %8.1f %9.1f %7.2f\n", rest.c_str(), op, a, b, c, a / c);
    };
    row("fill", w.fill, h.fill, m.fill);
    row("insert", w.insert, h.insert, m.insert);
    row("cancel", w.cancel, h.cancel, m.cancel);
    row("expire", w.expire, h.expire, m.expire);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_scenarios();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  print_summary();
  return 0;
}
