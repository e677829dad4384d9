#include "bench/scenario_cronicle.h"

#include <chrono>
#include <memory>
#include <thread>

#include "bench/cronicle_calls.h"
#include "bench/scenario_steps.h"

namespace mainspring::bench {

namespace {

// How long the runs may take to end after the last run_event was answered.
constexpr double k_max_drain_s = 120;
constexpr auto k_drain_poll = std::chrono::milliseconds(100);

double finished_runs(load_client& client, pid_t pid) {
  auto p = probe(client, pid);
  return p.metrics ? p.metrics->sum(k_runs_counter) : 0;
}

}  // namespace

scenario_result run_cronicle_fire(const bench_config& cfg, std::size_t events) {
  scenario_result r{"fire through cronicle", with_commas(events) + " shellplug events (`true`), one run_event each from " +
                                                std::to_string(cfg.clients) + " clients"};
  std::string why;
  auto server = open_server(cfg, &why);
  if (!server) return r.skipped = true, r.notes.push_back("server did not start: " + why), r;
  load_client client(server->base_url);
  job_batch base;
  base.count = events;
  job_batch batch = through_dialect(base, *server, cfg.api);
  if (!step_load(cfg, *server, client, batch, cfg.clients, 0, "create", false, r)) return r;

  const double runs_before = finished_runs(client, server->pid);
  std::size_t next = 0, accepted = 0;
  std::string first_error;
  std::vector<double> ack_ms;
  load_options opts;
  opts.clients = cfg.clients;
  auto source = [&](std::size_t) -> std::optional<http_call> {
    if (next >= batch.count || stop_requested()) return std::nullopt;
    return http_call{"POST", std::string(k_cronicle_run_path), cronicle_run_body(batch, next++)};
  };
  auto result_sink = [&](std::size_t, const http_call&, const http_result& res) {
    ack_ms.push_back(std::chrono::duration<double, std::milli>(res.latency).count());
    if (cronicle_accepted(res)) ++accepted;
    else if (first_error.empty()) first_error = res.body.substr(0, 200) + res.error;
  };
  const double started = steady_seconds();
  load_client dialect(batch.api_url);
  dialect.run(opts, source, result_sink);
  const double acked = steady_seconds() - started;
  double ended = acked;
  while (finished_runs(client, server->pid) - runs_before < static_cast<double>(accepted) && !stop_requested() &&
         steady_seconds() - started < acked + k_max_drain_s)
    std::this_thread::sleep_for(k_drain_poll);
  ended = steady_seconds() - started;
  const double ran = finished_runs(client, server->pid) - runs_before;
  auto acks = summarize(std::move(ack_ms));
  r.metrics.push_back({"run_event acks/s", static_cast<double>(accepted) / acked, "1/s", ""});
  r.metrics.push_back({"run_event ack p50", acks.p50, "ms", ""});
  r.metrics.push_back({"run_event ack p99", acks.p99, "ms", ""});
  r.metrics.push_back({"runs finished/s (first run_event to last run's end)", ran / ended, "1/s", ""});
  if (accepted < batch.count) r.notes.push_back(std::to_string(batch.count - accepted) + " run_event refused: " + first_error);
  if (ran < static_cast<double>(accepted)) r.notes.push_back("not every run had ended after the drain limit");
  return r;
}

}  // namespace mainspring::bench
