// The steps that load jobs, weigh the server and restart it (see scenario_steps.h).
#include <algorithm>
#include <cmath>
#include <thread>

#include "bench/loopback_floor.h"
#include "bench/scenario_steps.h"

namespace mainspring::bench {

namespace {

constexpr auto k_restart_poll = std::chrono::milliseconds(20);
// After /health answers, how long the jobs may take to start coming back before the restart is
// called "not durable".
constexpr double k_restore_grace_s = 10;

double cores(std::optional<double> before, std::optional<double> after, double seconds) {
  if (!before || !after || seconds <= 0) return std::nan("");
  return (*after - *before) / seconds;
}

}  // namespace

std::string with_commas(std::size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

bool step_load(const bench_config& cfg, server_under_test& server, load_client& client,
               job_batch& batch, std::size_t clients, double rate_per_s, const std::string& label,
               bool latency_figures, scenario_result& out, const std::string& create_target) {
  std::string why;
  if (!register_groups(client, batch, &why)) {
    out.notes.push_back(why);
    out.skipped = true;
    return false;
  }
  progress_line(cfg.quiet, out.name + ": " + label + ": " + with_commas(batch.count) + " jobs (" +
                               batch.pattern + ") through " + std::to_string(clients) + " clients" +
                               (rate_per_s > 0 ? " at " + std::to_string(static_cast<int>(rate_per_s)) + "/s" : ""));
  auto before = probe(client, server.pid);
  auto report = load_jobs(client, batch, clients, rate_per_s, cfg.max_load_s, !cfg.quiet);
  auto after = probe(client, server.pid);
  double secs = report.stats.seconds;
  out.metrics.push_back({label + " creates/s", static_cast<double>(report.stats.ok) / secs, "1/s", create_target});
  out.metrics.push_back({label + " time", secs, "s", ""});
  if (latency_figures && report.ack_ms.count > 0) {
    out.metrics.push_back({label + " ack p50", report.ack_ms.p50, "ms", ""});
    out.metrics.push_back({label + " ack p99", report.ack_ms.p99, "ms", ""});
    out.metrics.push_back({label + " ack p99.9", report.ack_ms.p999, "ms", ""});
    out.metrics.push_back({label + " ack max", report.ack_ms.max, "ms", ""});
  }
  double server_cores = cores(before.server_cpu_s, after.server_cpu_s, secs);
  out.metrics.push_back({label + " server CPU", server_cores, "cores", ""});
  if (report.stats.ok > 0)
    out.metrics.push_back({label + " server CPU per create", server_cores * secs / static_cast<double>(report.stats.ok) * 1e6,
                           "us", ""});
  const double bench_cores = cores(before.bench_cpu_s, after.bench_cpu_s, secs);
  out.metrics.push_back({label + " bench CPU", bench_cores, "cores", ""});
  if (report.stats.ok > 0)
    out.metrics.push_back({label + " bench CPU per create", bench_cores * secs / static_cast<double>(report.stats.ok) * 1e6,
                           "us", ""});
  if (report.stats.failed > 0)
    out.notes.push_back(label + ": " + std::to_string(report.stats.failed) + " creates failed; first: " +
                        report.first_error);
  if (report.gave_up) {
    out.notes.push_back(label + ": stopped after " + with_commas(report.stats.ok) + " of " +
                        with_commas(batch.count) + " jobs (" + std::to_string(static_cast<int>(secs)) +
                        " s; load time limit " + std::to_string(static_cast<int>(cfg.max_load_s)) + " s)");
    // Without failures, jobs 0 .. ok-1 all exist: the later steps can measure those.
    if (report.stats.failed > 0 || report.stats.ok == 0) return false;
    batch.count = report.stats.ok;
    out.notes.push_back("the figures after the load are for the " + with_commas(batch.count) + " jobs created");
  }
  return true;
}

void step_loopback_floor(const bench_config& cfg, const job_batch& batch, std::size_t clients,
                         const std::string& label, scenario_result& out) {
  loopback_floor floor;
  if (!floor.ok()) {
    out.notes.push_back(label + ": " + floor.error());
    return;
  }
  progress_line(cfg.quiet, out.name + ": " + label + ": " + with_commas(batch.count) + " requests through " +
                               std::to_string(clients) + " clients to a server that only answers");
  load_client client(floor.base_url());
  const double floor_before = floor.cpu_seconds();
  const auto bench_before = own_cpu_seconds();
  auto report = load_jobs(client, batch, clients, 0, cfg.max_load_s, false);
  const auto bench_after = own_cpu_seconds();
  const double floor_s = floor.cpu_seconds() - floor_before;
  const double n = static_cast<double>(report.stats.ok);
  if (report.stats.ok == 0 || report.stats.seconds <= 0) {
    out.notes.push_back(label + ": no request answered; first error: " + report.first_error);
    return;
  }
  out.metrics.push_back({label + " requests/s", n / report.stats.seconds, "1/s", ""});
  out.metrics.push_back({label + " server CPU per request", floor_s / n * 1e6, "us", ""});
  // The floor's thread is in the bench's process: its CPU is not the bench's.
  out.metrics.push_back({label + " bench CPU per request", (bench_after - bench_before - floor_s) / n * 1e6, "us", ""});
}

void step_memory(server_under_test& server, std::size_t jobs, std::optional<uint64_t> rss_before_load,
                 const std::string& label, const std::string& target, scenario_result& out) {
  if (server.pid <= 0) {
    out.notes.push_back(label + ": RSS needs --server-binary or --server-pid");
    return;
  }
  // Let the allocator and the actors settle after the last acks.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto rss = resident_bytes(server.pid);
  if (!rss) {
    out.notes.push_back(label + ": cannot read /proc/" + std::to_string(server.pid) + "/status");
    return;
  }
  out.metrics.push_back({label + " RSS", static_cast<double>(*rss) / k_mib, "MiB", target});
  out.metrics.push_back({label + " RSS per job", static_cast<double>(*rss) / static_cast<double>(jobs), "B", ""});
  if (rss_before_load && *rss > *rss_before_load)
    out.metrics.push_back({label + " RSS growth per job",
                           static_cast<double>(*rss - *rss_before_load) / static_cast<double>(jobs), "B", ""});
}

void step_restart(const bench_config& cfg, server_under_test& server, load_client& client,
                  const job_batch& batch, scenario_result& out) {
  if (!server.spawned) {
    out.skipped = true;
    out.notes.push_back("restart needs --server-binary (the bench must stop and start the server)");
    return;
  }
  auto armed_before = probe(client, server.pid).pending_timers.value_or(0);
  std::string why;
  double stop_started = steady_seconds();
  if (server.spawned->stop(k_stop_grace, &why) != 0) out.notes.push_back("stop: " + why);
  out.metrics.push_back({"SIGTERM to exit", steady_seconds() - stop_started, "s", ""});

  progress_line(cfg.quiet, out.name + ": restarting on the same data dir");
  double t0 = steady_seconds();
  if (!server.spawned->launch(&why) ||
      !server.spawned->wait_healthy(std::chrono::seconds(static_cast<int64_t>(cfg.restart_timeout_s)), &why)) {
    out.skipped = true;
    out.notes.push_back("restart failed: " + why + "\n" + server.spawned->log_tail(600));
    return;
  }
  server.pid = server.spawned->pid();
  double healthy_s = steady_seconds() - t0;
  out.metrics.push_back({"start to /health", healthy_s, "s", ""});

  // Every armed timer must come back: the batch, and whatever else the scenario added before (a
  // firing job is unarmed for an instant between fire and re-arm, hence the 0.1 % of slack).
  const double target = std::max(static_cast<double>(batch.count), std::floor(armed_before * 0.999));
  const double deadline = t0 + cfg.restart_timeout_s;
  double armed = 0;
  for (;;) {
    armed = probe(client, server.pid).pending_timers.value_or(0);
    double now = steady_seconds();
    if (armed >= target) {
      out.metrics.push_back({"start to all jobs armed", now - t0, "s", batch.count >= 1'000'000 ? "< 5" : ""});
      out.notes.push_back("armed = " + with_commas(static_cast<std::size_t>(armed)) + " pending timers (" +
                          with_commas(static_cast<std::size_t>(target)) + " before the restart)");
      break;
    }
    bool nothing_back = armed == 0 && now - t0 >= healthy_s + k_restore_grace_s;
    if (nothing_back) {
      // Is the first job there at all? A 404 means the jobs were not kept.
      auto r = client.fetch({"GET", "/v1/" + group_of(batch, 0) + "/job/" + job_id(batch, 0)});
      if (!r.ok()) {
        out.skipped = true;
        out.notes.push_back("skipped: needs durability (after restart GET of a loaded job answers " +
                            std::to_string(r.status) + "; " + with_commas(static_cast<std::size_t>(armed_before)) +
                            " timers were armed before)");
        return;
      }
    }
    if (now >= deadline || stop_requested()) {
      out.notes.push_back("only " + with_commas(static_cast<std::size_t>(armed)) + " of " +
                          with_commas(batch.count) + " jobs armed " +
                          std::to_string(static_cast<int>(cfg.restart_timeout_s)) + " s after start");
      break;
    }
    std::this_thread::sleep_for(k_restart_poll);
  }
  if (auto rss = resident_bytes(server.pid))
    out.metrics.push_back({"RSS after restart", static_cast<double>(*rss) / k_mib, "MiB", ""});
}

std::optional<server_under_test> server_for(const bench_config& cfg, scenario_result& r) {
  if (stop_requested()) {
    r.skipped = true;
    r.notes.push_back("not run: the bench was interrupted");
    return std::nullopt;
  }
  std::string why;
  auto server = open_server(cfg, &why);
  if (!server) {
    r.skipped = true;
    r.notes.push_back("server did not start: " + why);
  }
  return server;
}

}  // namespace mainspring::bench
