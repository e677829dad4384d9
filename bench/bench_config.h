// bench_config: every flag of mainspring-bench with its default, and the shape of what a
// scenario reports (named figures with units and, where the project has one, the target).
//
// Example:
//   bench_config cfg;                  // all defaults: --url http://127.0.0.1:8080 --mode all
//   cfg.mode = "fire"; cfg.jobs = 100'000; cfg.interval = "1s";
//   scenario_result r{"fire (noop)", "100000 jobs @every 1s"};
//   r.metrics.push_back({"runs/s sustained", 99'800, "1/s", ">= 100000"});
#pragma once

#include <sys/types.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace mainspring::bench {

struct bench_config {
  std::string url = "http://127.0.0.1:8080";  // used when no --server-binary is given
  std::string mode = "all";                   // create|fire|...|soak|all (mainspring_bench_main.cc)
  std::string api = "native";                 // native, dkron, ndscheduler or cronicle
  std::size_t jobs = 0;                       // 0 = the mode's default
  std::size_t clients = 64;
  std::string interval;                       // Go duration for "@every"; "" = mode's default
  double duration_s = 0;                      // measured window; 0 = mode's default
  std::string executor = "noop";              // noop|http
  std::string json_path;                      // "" = no JSON file
  std::string server_binary;                  // spawn a fresh server per scenario when set
  std::vector<std::string> server_args;       // extra flags for `mainspring serve`
  pid_t server_pid = 0;                       // RSS/CPU of an external server (--url)
  std::size_t sample_jobs = 2000;             // jobs whose run records are read for lateness
  std::size_t sequential_jobs = 2000;         // creates of the one-client latency run
  std::size_t groups = 1;                     // create: jobs spread over this many groups
  double load_rate = 0;                       // creates/s while loading; 0 = max; <0 = jobs/interval
  std::string first_run = "now";              // now: cadence follows creation; stagger: whole seconds
  double warmup_s = 3;                        // after loading, before the window opens
  double mixed_rate = 2000;                   // API requests/s during the mixed window
  double soak_api_rate = 500;                 // API requests/s during the soak
  std::string plot_path;                      // soak: the SVG chart of its readings; "" = none
  std::size_t mixed_clients = 16;
  std::vector<std::size_t> memory_jobs = {100'000, 1'000'000};
  std::vector<std::size_t> list_jobs = {10'000, 100'000};  // list: one scenario per group size
  // capacity: offered no-op runs/s, in order; the ramp stops at the first rate not held.
  std::vector<std::size_t> capacity_rates = {50'000, 100'000, 150'000, 200'000, 250'000};
  std::vector<std::size_t> remote_agents = {1, 2, 4, 8};  // remote: one scenario per count
  double restart_timeout_s = 120;
  double max_load_s = 900;                    // a load phase gives up after this long
  double scale = 1.0;                         // `all`: multiplies every job count
  std::string label;                          // shown in the report header (e.g. the commit)
  bool quiet = false;                         // no progress lines on stderr
};

// One figure. A NaN value means "not measured" (shown as "n/a").
struct metric {
  std::string name;
  double value = std::nan("");
  std::string unit;
  std::string target;  // the project's aim, as text (">= 20000", "< 5"); "" = none
};

struct scenario_result {
  scenario_result() = default;
  scenario_result(std::string name_, std::string setup_) : name(std::move(name_)), setup(std::move(setup_)) {}

  std::string name;   // "fire (noop)"
  std::string setup;  // "100000 jobs @every 1s, 64 clients, 20 s window"
  bool skipped = false;
  std::vector<metric> metrics;
  std::vector<std::string> notes;  // what limited it, what was not available
};

}  // namespace mainspring::bench
