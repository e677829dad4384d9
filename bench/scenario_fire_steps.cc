// The steps that watch jobs fire, alone or under API traffic (see scenario_steps.h).
#include <cmath>
#include <random>
#include <thread>

#include "bench/scenario_steps.h"

namespace mainspring::bench {

namespace {

constexpr std::size_t k_list_group_jobs = 100;

// A percentile of no samples is "not measured", not zero.
double or_nan(const latency_summary& s, double v) { return s.count ? v : std::nan(""); }

double cores(std::optional<double> before, std::optional<double> after, double seconds) {
  if (!before || !after || seconds <= 0) return std::nan("");
  return (*after - *before) / seconds;
}

// Runs the server counted as skipped or missed: any mainspring_*_total counter whose name says so
// (the metrics layer's exact names are not settled yet).
std::optional<double> skipped_runs(const prometheus_text& scrape) {
  std::optional<double> sum;
  for (const auto& s : scrape.samples) {
    const auto& n = s.name;
    if (n.rfind("mainspring_", 0) != 0 || n.size() < 6 || n.compare(n.size() - 6, 6, "_total") != 0) continue;
    if (n.find("skipped") == std::string::npos && n.find("missed") == std::string::npos) continue;
    sum = sum.value_or(0) + s.value;
  }
  return sum;
}

void add_lateness_from_histogram(const server_probe& before, const server_probe& after,
                                 const fire_window& w, scenario_result& out) {
  auto window = bucket_delta(histogram_buckets(*after.metrics, k_lateness_histogram),
                             histogram_buckets(*before.metrics, k_lateness_histogram));
  if (window.empty()) {
    out.notes.push_back("/metrics has no " + std::string(k_lateness_histogram) + " histogram");
    return;
  }
  auto ms = [&](double q) { return histogram_quantile(q, window) * 1000; };
  out.metrics.push_back({w.label + " lateness p50 (histogram)", ms(0.5), "ms", ""});
  out.metrics.push_back({w.label + " lateness p99 (histogram)", ms(0.99), "ms", w.p99_target});
  out.metrics.push_back({w.label + " lateness p99.9 (histogram)", ms(0.999), "ms", w.p999_target});
}

}  // namespace

void step_fire_window(const bench_config& cfg, server_under_test& server, load_client& client,
                      const job_batch& batch, const fire_window& w, scenario_result& out) {
  progress_line(cfg.quiet, out.name + ": " + w.label + " window, " + std::to_string(static_cast<int>(w.seconds)) + " s");
  uint64_t sink_before = w.sink ? w.sink->requests() : 0;
  auto before = probe(client, server.pid);
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(w.seconds * 1000));
  if (w.traffic) w.traffic(end);
  while (std::chrono::steady_clock::now() < end && !stop_requested())
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(200), end - std::chrono::steady_clock::now()));
  uint64_t sink_after = w.sink ? w.sink->requests() : 0;
  auto after = probe(client, server.pid);
  const double secs = after.steady_s - before.steady_s;

  out.metrics.push_back({w.label + " expected runs/s", w.expected_runs_per_s, "1/s", ""});
  bool have_metrics = before.metrics && after.metrics;
  double runs_per_s = std::nan("");  // the best figure available, for the CPU cost per run
  if (have_metrics) {
    auto runs0 = before.metrics->sum_if_any(k_runs_counter);
    auto runs1 = after.metrics->sum_if_any(k_runs_counter);
    if (runs0 && runs1) {
      runs_per_s = (*runs1 - *runs0) / secs;
      out.metrics.push_back({w.label + " runs/s (server counter)", runs_per_s, "1/s", w.runs_target});
    }
    auto skipped0 = skipped_runs(*before.metrics);
    auto skipped1 = skipped_runs(*after.metrics);
    if (skipped0 && skipped1) out.metrics.push_back({w.label + " skipped runs", *skipped1 - *skipped0, "runs", "0"});
    add_lateness_from_histogram(before, after, w, out);
  } else {
    out.notes.push_back(w.label + ": GET /metrics is not available: runs/s and lateness come from sampled run records");
  }
  if (w.sink) {
    double sink_rate = static_cast<double>(sink_after - sink_before) / secs;
    if (std::isnan(runs_per_s)) runs_per_s = sink_rate;
    out.metrics.push_back({w.label + " runs/s (sink requests)", sink_rate, "1/s", have_metrics ? "" : w.runs_target});
    if (have_metrics)
      out.notes.push_back(w.label + ": the histogram observes lateness when the job dispatches the run; an HTTP "
                          "run record starts when the executor sends the request, after any wait for one of "
                          "--max-concurrent-runs slots, so the records can be later than the histogram");
  }

  // Run records: exact milliseconds, the server's own start times. Fires more than a second late
  // are skipped by the misfire policy and leave no record: runs/s shows them, lateness does not.
  std::size_t per_job = 2 + static_cast<std::size_t>(w.seconds * w.expected_runs_per_s /
                                                     static_cast<double>(std::max<std::size_t>(1, batch.count)));
  auto records = sample_run_records(client, batch, w.sample_jobs, before.wall_ms, after.wall_ms,
                                    std::min(w.record_limit, per_job + 2));
  auto late = summarize(records.lateness_ms);
  if (!have_metrics && records.jobs_read > 0) {
    double per_sampled_job = static_cast<double>(late.count) / static_cast<double>(records.jobs_read);
    double estimate = per_sampled_job * static_cast<double>(batch.count) / secs;
    if (std::isnan(runs_per_s)) runs_per_s = estimate;
    out.metrics.push_back({w.label + " runs/s (run records, est.)", estimate, "1/s", w.sink ? "" : w.runs_target});
  }
  std::string from = " (" + with_commas(late.count) + " records)";
  out.metrics.push_back({w.label + " lateness p50" + from, or_nan(late, late.p50), "ms", ""});
  out.metrics.push_back({w.label + " lateness p99" + from, or_nan(late, late.p99), "ms", have_metrics ? "" : w.p99_target});
  out.metrics.push_back({w.label + " lateness p99.9" + from, or_nan(late, late.p999), "ms", have_metrics ? "" : w.p999_target});
  out.metrics.push_back({w.label + " lateness max" + from, or_nan(late, late.max), "ms", ""});
  if (records.failed_reads > 0)
    out.notes.push_back(w.label + ": " + std::to_string(records.failed_reads) + " run-record reads failed");
  if (batch.api == "ndscheduler")
    out.notes.push_back(w.label + ": lateness from the server's histogram only (ndscheduler job ids are the "
                                  "server's, so no run records are sampled)");
  double server_cores = cores(before.server_cpu_s, after.server_cpu_s, secs);
  out.metrics.push_back({w.label + " server CPU", server_cores, "cores", ""});
  // CPU per run holds still when other processes take the cores; throughput does not.
  if (runs_per_s > 0)
    out.metrics.push_back({w.label + " server CPU per run" + (w.traffic ? " (incl. API traffic)" : ""),
                           server_cores / runs_per_s * 1e6, "us", ""});
  out.metrics.push_back({w.label + " bench CPU", cores(before.bench_cpu_s, after.bench_cpu_s, secs), "cores", ""});
  if (after.rss_bytes)
    out.metrics.push_back({w.label + " RSS at end", static_cast<double>(*after.rss_bytes) / k_mib, "MiB", ""});
  if (before.rss_bytes && after.rss_bytes)
    out.metrics.push_back({w.label + " RSS growth", (static_cast<double>(*after.rss_bytes) -
                                                     static_cast<double>(*before.rss_bytes)) / k_mib, "MiB", ""});
}

void step_mixed_window(const bench_config& cfg, server_under_test& server, load_client& client,
                       const job_batch& batch, fire_window w, scenario_result& out) {
  enum op { create = 0, edit = 1, list = 2 };
  job_batch fresh;  // what the creates add: armed far ahead, never firing in the bench
  fresh.group = unique_group("bmixnew");
  fresh.count = std::numeric_limits<std::size_t>::max();
  job_batch listed;
  listed.group = unique_group("bmixlist");
  listed.count = k_list_group_jobs;
  std::string why;
  if (!register_groups(client, fresh, &why) || !register_groups(client, listed, &why) ||
      load_jobs(client, listed, 8, 0, 60, false).stats.ok != listed.count) {
    out.notes.push_back("mixed: setup failed: " + why);
    return;
  }

  std::vector<double> latency_ms[3];
  std::vector<double> queued_ms;  // every call's wait for a free connection, part of its latency
  uint64_t errors[3] = {0, 0, 0};
  std::string first_error;
  std::size_t created = 0;
  std::mt19937_64 rng(42);
  const int64_t now_s = wall_ms() / 1000;
  double traffic_secs = 0;
  w.traffic = [&](std::chrono::steady_clock::time_point end) {
    load_options opts;
    opts.clients = cfg.mixed_clients;
    opts.rate_per_s = cfg.mixed_rate;
    opts.deadline = end;
    auto source = [&](std::size_t) -> std::optional<http_call> {
      auto dice = rng() % 10;
      if (dice < 6) return http_call{"POST", "/v1/add/job", add_job_body(fresh, created++, now_s), create};
      if (dice < 9) {
        auto index = static_cast<std::size_t>(rng() % batch.count);
        return http_call{"POST", "/v1/edit/job",
                         R"({"group_name":")" + group_of(batch, index) + R"(","job_id":")" + job_id(batch, index) +
                             R"(","memo":"edited )" + std::to_string(rng() % 1000) + R"("})",
                         edit};
      }
      return http_call{"GET", "/v1/" + listed.group + "/job/list", "", list};
    };
    auto sink = [&](std::size_t, const http_call& call, const http_result& r) {
      latency_ms[call.tag].push_back(std::chrono::duration<double, std::milli>(r.latency).count());
      queued_ms.push_back(std::chrono::duration<double, std::milli>(r.queued).count());
      if (!r.ok()) {
        ++errors[call.tag];
        if (first_error.empty()) first_error = std::to_string(r.status) + " " + r.body.substr(0, 200) + r.error;
      }
    };
    traffic_secs = client.run(opts, source, sink).seconds;
  };
  step_fire_window(cfg, server, client, batch, w, out);

  const char* names[3] = {"create", "edit", "list (100 jobs)"};
  double total = 0;
  for (int k = 0; k < 3; ++k) {
    auto s = summarize(latency_ms[k]);
    total += static_cast<double>(s.count);
    out.metrics.push_back({w.label + " API " + names[k] + " p50", or_nan(s, s.p50), "ms", ""});
    out.metrics.push_back({w.label + " API " + names[k] + " p99", or_nan(s, s.p99), "ms", ""});
    out.metrics.push_back({w.label + " API " + names[k] + " max", or_nan(s, s.max), "ms", ""});
    if (errors[k]) out.notes.push_back(w.label + ": " + std::to_string(errors[k]) + " " + names[k] + " requests failed; first: " + first_error);
  }
  // The latencies count from each request's intended send time, so a request that found all of
  // the bench's connections busy counts its wait: this says how much of the tail that is.
  const auto queued = summarize(queued_ms);
  out.metrics.push_back({w.label + " API wait for a free connection p99", or_nan(queued, queued.p99), "ms", ""});
  out.metrics.push_back({w.label + " API wait for a free connection max", or_nan(queued, queued.max), "ms", ""});
  out.metrics.push_back({w.label + " API requests/s", traffic_secs > 0 ? total / traffic_secs : std::nan(""), "1/s",
                         "(asked " + std::to_string(static_cast<int>(cfg.mixed_rate)) + ")"});
}

}  // namespace mainspring::bench
