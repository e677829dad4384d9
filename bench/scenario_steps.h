// scenario_steps: the measuring steps the scenarios of mainspring-bench are made of. Each step
// works on a server that is already up, measures one thing and appends its figures (and notes on
// what limited them) to a scenario_result. Scenarios (scenarios.cc) chain them, so that one
// loaded server can serve several steps: load 1M jobs, then memory, fire window, mixed window and
// restart on the same jobs.
//
// Example:
//   scenario_result r{"fire (noop)", "100000 jobs @every 1s"};
//   if (!step_load(cfg, client, batch, cfg.clients, 0, "load", false, r)) return r;
//   fire_window w;
//   w.seconds = 20; w.expected_runs_per_s = 100'000;
//   step_fire_window(cfg, server, client, batch, w, r);
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "bench/bench_config.h"
#include "bench/http_sink.h"
#include "bench/workload.h"

namespace mainspring::bench {

// Bytes in a MiB, for the memory figures.
inline constexpr double k_mib = 1024.0 * 1024.0;

// Issue 17's bound on the API's p99 while jobs fire (overload, herds, soak), as a target text.
inline constexpr const char* k_api_p99_target = "< 50";

// Opens the scenario's server (open_server); on failure, or once the bench is asked to stop,
// marks `r` skipped with a note and answers nullopt.
std::optional<server_under_test> server_for(const bench_config& cfg, scenario_result& r);

// Formats a count of bytes, jobs, ... for setup lines ("1000000" -> "1,000,000").
std::string with_commas(std::size_t n);

// Registers the batch's groups and creates its jobs; adds "<label> creates/s", the time it took
// and, with `latency_figures`, the ack latency percentiles; server and bench CPU use while
// loading. False (with a note) when the server refused or a load that gave up had failures; a
// load stopped by the time limit without failures shrinks batch.count to the jobs created (with a
// note) and answers true, so that the later steps measure what is there.
bool step_load(const bench_config& cfg, server_under_test& server, load_client& client,
               job_batch& batch, std::size_t clients, double rate_per_s, const std::string& label,
               bool latency_figures, scenario_result& out, const std::string& create_target = "");

// The same load as `batch` (its bodies, `clients` clients, closed loop) against loopback_floor, a
// server that only answers: adds "<label> requests/s", its server CPU and the bench's CPU per
// request. What it holds bounds what any server could hold here (loopback_floor.h).
void step_loopback_floor(const bench_config& cfg, const job_batch& batch, std::size_t clients,
                         const std::string& label, scenario_result& out);

// RSS of the server now, in total and per loaded job against `rss_before_load`.
void step_memory(server_under_test& server, std::size_t jobs, std::optional<uint64_t> rss_before_load,
                 const std::string& label, const std::string& target, scenario_result& out);

struct fire_window {
  double seconds = 20;
  double expected_runs_per_s = 0;   // jobs / interval
  http_sink* sink = nullptr;        // HTTP jobs point here: its count is a second runs figure
  std::size_t sample_jobs = 2000;   // jobs whose run records are read afterwards
  std::size_t record_limit = 100;   // newest records read per job
  std::string label = "fire";       // prefixes the figure names
  std::string runs_target;          // e.g. ">= 100000"
  std::string p99_target;           // e.g. "< 5"
  std::string p999_target;
  // When set, runs for the whole window (API traffic of the mixed scenario) instead of a sleep.
  // Its argument is the window's end.
  std::function<void(std::chrono::steady_clock::time_point)> traffic;
};

// Watches a loaded server for `w.seconds`: runs per second from the server's counters (or the run
// records when /metrics is absent), schedule-to-start lateness from the server's histogram and
// from sampled run records, skipped runs, CPU and RSS.
void step_fire_window(const bench_config& cfg, server_under_test& server, load_client& client,
                      const job_batch& batch, const fire_window& w, scenario_result& out);

// A fire window with create / edit / list traffic at cfg.mixed_rate from cfg.mixed_clients
// connections: 60 % creates (far-future jobs, in a group of their own), 30 % edits (memo) of
// jobs of `batch`, 10 % lists of a 100-job group. Adds the per-kind API latency.
void step_mixed_window(const bench_config& cfg, server_under_test& server, load_client& client,
                       const job_batch& batch, fire_window w, scenario_result& out);

// Stops the spawned server with SIGTERM, starts it again on the same data dir and measures the
// time until it answers /health and until all of `batch` is armed again (pending timers, from
// /metrics or /health). Marks `out` skipped ("needs durability") when the jobs do not come back.
void step_restart(const bench_config& cfg, server_under_test& server, load_client& client,
                  const job_batch& batch, scenario_result& out);

}  // namespace mainspring::bench
