// scenarios: the modes of mainspring-bench (create, fire, memory, restart, mixed) and the standard
// set (`all`) that bench/run measures, each a chain of steps (scenario_steps.h) on a fresh server
// when --server-binary is given, or on the server at --url.
//
// Example:
//   bench_config cfg;
//   cfg.mode = "fire"; cfg.server_binary = "build/app/mainspring";
//   cfg.jobs = 100'000; cfg.interval = "1s"; cfg.duration_s = 20;
//   for (const auto& r : run_benchmarks(cfg)) print(r);
//
// What each mode does, and the defaults it uses when --jobs, --interval, --duration are not given:
//   create   64 clients create 100,000 jobs (@every 1h, first run far ahead), after 2,000 creates
//            from one client; throughput and ack latency.
//   fire     100,000 jobs @every 1s (10,000 for --executor http) loaded with exec_time 0, so each
//            job's cadence follows its creation time; 20 s window.
//   memory   RSS at each of --memory-jobs loaded jobs (default 100,000 and 1,000,000).
//   restart  100,000 jobs, SIGTERM, restart on the same data dir, time until all are armed.
//   mixed    100,000 jobs @every 10s (10,000 runs/s): a quiet window, then one with create /
//            edit / list traffic at --mixed-rate.
//   million  1,000,000 jobs @every 100s loaded at 10,000/s (10,000 runs/s, spread evenly): RSS,
//            a 40 s fire window, a 20 s window with API traffic, then the restart.
//   soak     20,000 jobs @every 1s plus --soak-api-rate (500) API requests/s for --duration (30
//            min): a reading a minute, slopes over the second half, --plot writes an SVG chart
//            (scenario_soak.h; bench/run --soak MINUTES).
//   goals    issue 17's goals one after another, each as its README figure is measured: list at
//            10k / 100k / 1M jobs, memory of 1M jobs with full histories, overload (2 min),
//            capacity at 150k and 175k/s (5 min each), herds of 100k and 1M, open-loop creates
//            at 5,000/s, create; about 45 minutes (bench/run --mode goals). Not the soak.
//   all      the standard set, sized for a 2-core machine in under 10 minutes (see scenarios.cc);
//            --scale shrinks every job count for a quick smoke run.
#pragma once

#include <vector>

#include "bench/bench_config.h"

namespace mainspring::bench {

// Runs cfg.mode. With cfg.api == "dkron" only create (Dkron's POST /v1/jobs beside the native
// API's, and both lists) and fire (jobs made and read through Dkron) run. REQUIRES: cfg.api is
// native or dkron (the other dialects have not landed).
std::vector<scenario_result> run_benchmarks(const bench_config& cfg);

}  // namespace mainspring::bench
