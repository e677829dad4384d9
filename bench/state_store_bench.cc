// state_store: what group commit buys and how fast a restart reads the store back.
//
//   BM_durable_commit/threads:N   N committers each loop on commit_sync(one put_job): every
//                                 acknowledged commit is synced. items/s = acknowledged commits/s;
//                                 the counters say how many batches one WriteBatch carried.
//   BM_run_history               runs written as run history is (one non-durable batch per run,
//                                 1000 jobs, trimmed to 100 runs each): items/s = runs/s,
//                                 waiting for every acknowledgement.
//   BM_load_all/N                 open a store holding N jobs (written beforehand, ~300 B each)
//                                 and stream them all through load_all, as a restart does; the
//                                 counters split open and scan time.
// The store lives in a fresh directory under /tmp (removed at exit). Figures are wall time on a
// shared machine: read them as orders of magnitude.
#include <benchmark/benchmark.h>
#include <stdlib.h>

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

// -- run history: non-durable put_run, one batch per run, trimmed to 100 per job --

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
