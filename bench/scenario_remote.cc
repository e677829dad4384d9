#include "bench/scenario_remote.h"

#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "bench/scenario_steps.h"
#include "tests/support/server_process.h"
#include "tests/support/child_process.h"

namespace mainspring::bench {

namespace {

constexpr auto k_agents_up_timeout = std::chrono::seconds(60);

// The agents of one scenario; killed (SIGTERM, then SIGKILL) when it ends.
struct agent_set {
  std::vector<pid_t> pids;
  std::string log_dir;
  ~agent_set() {
    for (pid_t pid : pids) ::kill(pid, SIGTERM);
    for (pid_t pid : pids)
      if (!testing::wait_exit_until(pid, std::chrono::steady_clock::now() + std::chrono::seconds(10))) {
        ::kill(pid, SIGKILL);
        testing::wait_exit_until(pid, std::chrono::steady_clock::now() + std::chrono::seconds(5));
      }
    if (!log_dir.empty()) std::filesystem::remove_all(log_dir);
  }
};

// Nodes of `group` whose status is "up", or -1 when the list cannot be read.
int nodes_up(load_client& client, const std::string& group) {
  auto r = client.fetch({"GET", "/v1/" + group + "/node/list"});
  if (!r.ok()) return -1;
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (!body.is_object() || !body["success"].is_array()) return -1;
  int up = 0;
  for (const auto& n : body["success"]) up += n.value("status", "") == "up";
  return up;
}

scenario_result run_one(const bench_config& base, std::size_t agents, std::size_t jobs, double seconds) {
  scenario_result r{"remote (" + std::to_string(agents) + " agent" + (agents > 1 ? "s" : "") + ")",
                    with_commas(jobs) + " jobs @every 1s (fires spread over the second), REMOTE@ every agent, command `true`; " +
                        std::to_string(static_cast<int>(seconds)) + " s window; server and agents share the cores"};
  if (base.server_binary.empty()) {
    r.skipped = true;
    r.notes.push_back("--mode remote spawns its own server and agents: give --server-binary");
    return r;
  }
  bench_config cfg = base;
  const uint16_t node_port = testing::pick_free_port();
  cfg.server_args.push_back("--node-listen");
  cfg.server_args.push_back("127.0.0.1:" + std::to_string(node_port));
  std::string why;
  auto server = server_for(cfg, r);
  if (!server) return r;
  load_client client(server->base_url);
  job_batch batch;
  batch.group = unique_group("bremote");
  batch.count = jobs;
  batch.pattern = "@every 1s";
  batch.first = first_run::now;
  batch.interval_s = 1;
  batch.exec_command = "true";
  if (!register_groups(client, batch, &why)) {
    r.notes.push_back(why);
    return r;
  }
  auto info = client.fetch({"GET", "/v1/" + batch.group + "/group/info"});
  auto secret = nlohmann::json::parse(info.body, nullptr, false);
  if (!info.ok() || !secret.is_object() || !secret["success"].is_string()) {
    r.notes.push_back("cannot read the group's secret: HTTP " + std::to_string(info.status) + " " + info.error);
    return r;
  }
  agent_set set;
  set.log_dir = std::filesystem::temp_directory_path() / ("mainspring-bench-agents-" + std::to_string(::getpid()));
  std::filesystem::create_directories(set.log_dir);
  std::string nodes;
  for (std::size_t i = 1; i <= agents; ++i) {
    std::string node = "a" + std::to_string(i);
    nodes += (nodes.empty() ? "" : ",") + node;
    pid_t pid = testing::spawn_logged({cfg.server_binary, "agent", "--server", "127.0.0.1:" + std::to_string(node_port),
                                       "--group", batch.group, "--node-id", node, "--log-level", "warn"},
                                      set.log_dir + "/" + node + ".log", &why,
                                      {"MAINSPRING_GROUP_SECRET=" + secret["success"].get<std::string>()});
    if (pid < 0) {
      r.notes.push_back("agent did not start: " + why);
      return r;
    }
    set.pids.push_back(pid);
  }
  const auto up_by = std::chrono::steady_clock::now() + k_agents_up_timeout;
  while (nodes_up(client, batch.group) < static_cast<int>(agents)) {
    if (std::chrono::steady_clock::now() > up_by || stop_requested()) {
      r.notes.push_back("only " + std::to_string(nodes_up(client, batch.group)) + " of " + std::to_string(agents) +
                        " agents came up");
      return r;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  batch.request_url = "REMOTE@" + nodes;
  // Created at `jobs` per second, so that the cadence spreads their fires over each second (a
  // herd of simultaneous fires would measure the agent's spawn queue, not the path).
  load_report loaded = load_jobs(client, batch, 1, static_cast<double>(jobs), cfg.max_load_s, false);
  if (loaded.stats.ok != batch.count) {
    r.notes.push_back("loading failed: " + loaded.first_error);
    return r;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int64_t>(cfg.warmup_s * 1000)));
  fire_window w;
  w.seconds = seconds;
  w.expected_runs_per_s = static_cast<double>(jobs * agents);
  w.sample_jobs = std::min<std::size_t>(jobs, cfg.sample_jobs);
  w.record_limit = 100 * agents;
  step_fire_window(cfg, *server, client, batch, w, r);
  r.metrics.push_back({"offered runs/s", static_cast<double>(jobs * agents), "1/s", ""});
  return r;
}

}  // namespace

std::vector<scenario_result> run_remote(const bench_config& cfg, const std::vector<std::size_t>& agent_counts,
                                        std::size_t jobs, double seconds) {
  std::vector<scenario_result> out;
  for (std::size_t agents : agent_counts) {
    if (stop_requested()) break;
    out.push_back(run_one(cfg, agents, jobs, seconds));
  }
  return out;
}

}  // namespace mainspring::bench
