// state_store: what group commit buys and how fast a restart reads the store back.
//
//   BM_durable_commit/threads:N   N committers each loop on commit_sync(one put_job): every
//                                 acknowledged commit is synced. items/s = acknowledged commits/s;
//                                 the counters say how many batches one WriteBatch carried.
//   BM_run_history               runs written as run history is (one non-durable batch per run,
//                                 1000 jobs, trimmed to 100 runs each): items/s = runs/s,
//                                 waiting for every acknowledgement.
//   BM_run_history_steady/J/R    the run history of J jobs at steady state: each job gets R x
//                                max_runs_per_job runs (shaped as a no-op run's record), so that
//                                its ring wraps and LevelDB compactions run as in a long fire
//                                window. cpu_us_per_run is the whole process's CPU (committer,
//                                compactions) per run.
//   BM_load_all/N                 open a store holding N jobs (written beforehand, ~300 B each)
//                                 and stream them all through load_all, as a restart does; the
//                                 counters split open and scan time.
// The store lives in a fresh directory under /tmp (removed at exit). Figures are wall time on a
// shared machine: read them as orders of magnitude.
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "storage/state_store.h"

namespace {

using namespace mainspring;
using clock_type = std::chrono::steady_clock;

struct bench_dir {
  std::string path;
  bench_dir() {
    char tmpl[] = "/tmp/ms_store_bench_XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~bench_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

store_options bench_options() {
  store_options o;
  o.sweep_interval = std::chrono::milliseconds{0};
  return o;
}

job_spec make_job(uint64_t i) {
  job_spec j;
  j.group = "group" + std::to_string(i % 1000);
  j.id = std::to_string(1'107'521'665'400'573'952ULL + i);
  j.name = "nightly report " + std::to_string(i);
  j.schedule = "0 */5 * * * *";
  j.timezone = "Europe/Paris";
  j.target = http_target{.url = "http://127.0.0.1:9999/hook?job=" + std::to_string(i), .signed_query = true};
  j.memo = "created by the benchmark to look like a typical job";
  j.metadata = {{"team", "billing"}, {"owner", "ops"}};
  j.otp_secret = "JBSWY3DPEHPK3PXP";
  j.created_ms = j.updated_ms = 1'700'000'000'000;
  return j;
}

// -- durable commits --

bench_dir* commit_dir = nullptr;
state_store* commit_store = nullptr;
std::atomic<uint64_t> next_job{0};

void BM_durable_commit(benchmark::State& state) {
  static std::once_flag opened;
  std::call_once(opened, [] {
    commit_dir = new bench_dir;
    commit_store = state_store::open(commit_dir->path + "/data", bench_options()).value().release();
  });
  const store_stats before = commit_store->stats();
  for (auto _ : state) {
    status st = commit_store->commit_sync(mutation_batch{}.put_job(make_job(next_job++)));
    if (!st.ok()) state.SkipWithError(st.message().c_str());
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    const store_stats after = commit_store->stats();
    const double writes = static_cast<double>(after.commits - before.commits);
    state.counters["batches_per_write"] =
        writes > 0 ? static_cast<double>(after.batches - before.batches) / writes : 0;
    state.counters["write_us"] =
        writes > 0 ? static_cast<double>(after.total_commit_us - before.total_commit_us) / writes
                   : 0;
  }
}
BENCHMARK(BM_durable_commit)->Threads(1)->Threads(64)->UseRealTime()->MinTime(2.0);

// -- run history: non-durable put_run, one batch per run, 100 kept per job --

void BM_run_history(benchmark::State& state) {
  bench_dir dir;
  auto store = state_store::open(dir.path + "/data", bench_options()).value();
  uint64_t run_id = 0;
  std::atomic<uint64_t> acked{0};
  run_record r;
  r.group = "g";
  r.state = run_state::succeeded;
  r.output_tail = std::string(100, 'o');
  for (auto _ : state) {
    for (int i = 0; i < 10'000; ++i) {
      r.run_id = ++run_id;
      r.job_id = std::to_string(run_id % 1000);  // 1000 jobs, each far past its 100 runs
      store->commit(mutation_batch{}.put_run(r).set_durable(false), [&](status) { acked++; });
    }
    while (acked.load() < run_id) std::this_thread::yield();
  }
  state.SetItemsProcessed(static_cast<int64_t>(run_id));
  const store_stats st = store->stats();
  state.counters["batches_per_write"] =
      static_cast<double>(st.batches) / static_cast<double>(st.commits);
  state.counters["trimmed"] = static_cast<double>(st.runs_trimmed);
}
BENCHMARK(BM_run_history)->Iterations(30)->UseRealTime()->Unit(benchmark::kMillisecond);

// -- run history at steady state --

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

void BM_run_history_steady(benchmark::State& state) {
  const auto jobs = static_cast<uint64_t>(state.range(0));
  bench_dir dir;
  store_options options = bench_options();
  auto store = state_store::open(dir.path + "/data", options).value();
  const uint64_t runs = jobs * options.max_runs_per_job * static_cast<uint64_t>(state.range(1));
  // The shape of a no-op run: what the capacity scenario writes.
  run_record r;
  r.group = "bfire_x1y2z3";
  r.state = run_state::succeeded;
  r.plan_ms = 1'796'000'000'000;
  std::vector<std::string> job_ids;
  for (uint64_t j = 0; j < jobs; ++j) job_ids.push_back("j" + std::to_string(j));
  std::atomic<uint64_t> acked{0};
  uint64_t run_id = 1'000'000'000'000ULL << 16;
  double cpu = 0;
  for (auto _ : state) {
    const double cpu_before = process_cpu_seconds();
    for (uint64_t i = 0; i < runs; ++i) {
      r.run_id = ++run_id;
      r.job_id = job_ids[i % jobs];
      r.plan_ms += (i % jobs == 0) ? 1000 : 0;
      r.start_ms = r.plan_ms + 1;
      r.end_ms = r.plan_ms + 2;
      store->commit(mutation_batch{}.put_run(r).set_durable(false), [&](status) { acked++; });
      // Bounded backlog, as the server's history lane is.
      // (sleeping, not spinning: the process's CPU is the figure)
      while (i + 1 - acked.load(std::memory_order_relaxed) > 20'000) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    while (acked.load() < runs) std::this_thread::sleep_for(std::chrono::microseconds(200));
    cpu += process_cpu_seconds() - cpu_before;
  }
  state.SetItemsProcessed(static_cast<int64_t>(runs) * state.iterations());
  const store_stats st = store->stats();
  state.counters["cpu_us_per_run"] = 1e6 * cpu / static_cast<double>(runs * state.iterations());
  state.counters["trimmed"] = static_cast<double>(st.runs_trimmed);
  state.counters["dropped"] = static_cast<double>(st.dropped_lazy_batches);
}
BENCHMARK(BM_run_history_steady)
    ->Args({2'000, 10})
    ->Args({20'000, 3})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// -- restart: open + load_all --

void BM_load_all(benchmark::State& state) {
  const auto jobs = static_cast<uint64_t>(state.range(0));
  bench_dir dir;
  const std::string path = dir.path + "/data";
  {
    auto store = state_store::open(path, bench_options()).value();
    for (uint64_t i = 0; i < jobs;) {
      mutation_batch b;
      b.set_durable(false);
      for (uint64_t end = std::min(jobs, i + 1000); i < end; ++i) b.put_job(make_job(i));
      store->commit(std::move(b), nullptr);
    }
  }  // closing drains the queue
  double open_s = 0, scan_s = 0;
  for (auto _ : state) {
    const auto t0 = clock_type::now();
    auto store = state_store::open(path, bench_options()).value();
    const auto t1 = clock_type::now();
    uint64_t seen = 0;
    status st = store->load_all({.on_group = nullptr,
                                 .on_job = [&](job_spec&& j) { seen += j.id.size() > 0; },
                                 .on_func = nullptr});
    const auto t2 = clock_type::now();
    if (!st.ok() || seen != jobs) state.SkipWithError("load_all did not return every job");
    open_s += std::chrono::duration<double>(t1 - t0).count();
    scan_s += std::chrono::duration<double>(t2 - t1).count();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(jobs));
  state.counters["open_ms"] = 1000 * open_s / static_cast<double>(state.iterations());
  state.counters["load_ms"] = 1000 * scan_s / static_cast<double>(state.iterations());
}
BENCHMARK(BM_load_all)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  delete commit_store;  // before its directory goes
  delete commit_dir;
  return 0;
}
