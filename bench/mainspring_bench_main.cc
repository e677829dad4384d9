// mainspring-bench: the load generator of the bench suite. It drives a Mainspring server over its
// native REST API (a fresh `mainspring serve` per scenario with --server-binary, or the one at
// --url), and prints a markdown table of the server's own figures (plus --json).
//
//   mainspring-bench --server-binary build/app/mainspring --mode all --json out.json
//   mainspring-bench --url http://127.0.0.1:8080 --mode create --jobs 100000 --clients 64
//   mainspring-bench --server-binary build/app/mainspring --mode fire --executor http --jobs 10000
//
// All traffic goes to 127.0.0.1. Every phase is bounded in count and time, so the bench always
// stops by itself. See bench/scenarios.h for what each mode measures.
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "bench/report.h"
#include "bench/scenarios.h"
#include "bench/workload.h"

namespace {

using mainspring::bench::bench_config;

void add_flags(CLI::App& app, bench_config& cfg) {
  app.add_option("--url", cfg.url, "Server to drive when no --server-binary is given")->capture_default_str();
  app.add_option("--mode", cfg.mode, "What to measure")
      ->capture_default_str()
      ->check(CLI::IsMember({"create", "fire", "memory", "restart", "mixed", "million", "remote", "list", "capacity", "herd", "openloop", "overload", "soak", "goals", "all"}));
  app.add_option("--api", cfg.api, "API dialect the workload speaks")
      ->capture_default_str()
      ->check(CLI::IsMember({"native", "dkron", "cronicle", "ndscheduler"}));
  app.add_option("--jobs", cfg.jobs, "Jobs to load (0 = the mode's default)")->capture_default_str();
  app.add_option("--clients", cfg.clients, "Concurrent keep-alive connections while loading")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{4096}));
  app.add_option("--interval", cfg.interval, "Job interval, a Go duration for @every (e.g. 1s, 60s)");
  app.add_option("--duration", cfg.duration_s, "Seconds of the measured window (0 = the mode's default)")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--executor", cfg.executor, "Executor of fired jobs: NOOP@ or HTTP@ to a local sink")
      ->capture_default_str()
      ->check(CLI::IsMember({"noop", "http"}));
  app.add_option("--json", cfg.json_path, "Also write the results as JSON to this file");
  app.add_option("--server-binary", cfg.server_binary,
                 "Spawn `PATH serve` on a free loopback port with a temp data dir, fresh per scenario");
  app.add_option("--server-arg", cfg.server_args, "Extra flag for the spawned server (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--server-pid", cfg.server_pid, "Pid of the --url server, for RSS and CPU figures");
  app.add_option("--sample-jobs", cfg.sample_jobs, "Jobs whose run records are read for lateness")
      ->capture_default_str();
  app.add_option("--seq-jobs", cfg.sequential_jobs, "Creates of the one-client latency run")->capture_default_str();
  app.add_option("--groups", cfg.groups, "create: spread the jobs over this many groups")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{999}));
  app.add_option("--load-rate", cfg.load_rate, "Creates/s while loading: 0 = max, -1 = jobs/interval")
      ->capture_default_str();
  app.add_option("--first-run", cfg.first_run,
                 "now: first run at creation (cadence spread by creation time); stagger: exec_time in "
                 "whole seconds spread over the interval (a herd each second)")
      ->capture_default_str()
      ->check(CLI::IsMember({"now", "stagger"}));
  app.add_option("--warmup", cfg.warmup_s, "Seconds between loading and the window")->capture_default_str();
  app.add_option("--mixed-rate", cfg.mixed_rate, "API requests/s during the mixed window")->capture_default_str();
  app.add_option("--soak-api-rate", cfg.soak_api_rate, "soak: API requests/s beside the fires")->capture_default_str();
  app.add_option("--plot", cfg.plot_path, "soak: write its readings as an SVG chart to this file");
  app.add_option("--mixed-clients", cfg.mixed_clients, "Connections of the mixed traffic")->capture_default_str();
  app.add_option("--agents", cfg.remote_agents, "remote: agent counts to measure, one scenario each")
      ->capture_default_str();
  app.add_option("--memory-jobs", cfg.memory_jobs, "memory: loaded job counts to weigh")->capture_default_str();
  app.add_option("--capacity-rates", cfg.capacity_rates, "capacity: offered runs/s to ramp through, comma-separated")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--list-jobs", cfg.list_jobs, "list: group sizes to list, comma-separated (one fresh server each)")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--restart-timeout", cfg.restart_timeout_s, "Seconds a restart may take to arm every job")
      ->capture_default_str();
  app.add_option("--max-load-seconds", cfg.max_load_s, "A load phase gives up after this long")
      ->capture_default_str();
  app.add_option("--scale", cfg.scale, "all: multiply every job count (0.01 = smoke run)")
      ->capture_default_str()
      ->check(CLI::Range(0.0001, 10.0));
  app.add_option("--label", cfg.label, "Shown in the report header (e.g. the commit)");
  app.add_flag("--quiet", cfg.quiet, "No progress lines on stderr");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mainspring::bench;
  CLI::App app{"mainspring-bench: drives a Mainspring server and reports its own figures"};
  bench_config cfg;
  add_flags(app, cfg);
  CLI11_PARSE(app, argc, argv);
  if (cfg.url.rfind("http://127.0.0.1", 0) != 0 && cfg.url.rfind("http://localhost", 0) != 0) {
    std::cerr << "--url: the bench only drives servers on the loopback (http://127.0.0.1:PORT)\n";
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  // SIGINT / SIGTERM wind the bench down through its normal path, so that the servers it spawned
  // are stopped and their temporary data dirs removed; the report shows what was measured.
  std::signal(SIGINT, [](int) { request_stop(); });
  std::signal(SIGTERM, [](int) { request_stop(); });

  auto info = describe_run(argc, argv, cfg);
  double started = steady_seconds();
  auto results = run_benchmarks(cfg);
  info.seconds = steady_seconds() - started;
  std::cout << markdown_report(results, info) << std::flush;
  if (!cfg.json_path.empty()) {
    std::string why;
    if (!write_json_report(cfg.json_path, results, info, &why)) {
      std::cerr << why << "\n";
      return 1;
    }
  }
  return 0;
}
