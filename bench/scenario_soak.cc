#include "bench/scenario_soak.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "bench/scenario_steps.h"
#include "bench/svg_plot.h"

namespace mainspring::bench {

namespace {

constexpr double k_reading_s = 60;          // one reading a minute ...
constexpr double k_min_readings = 10;       // ... or a tenth of a shorter run
constexpr std::size_t k_list_jobs = 100;    // the listed group's size
constexpr std::size_t k_delete_lag = 1000;  // deletes trail creates by this many jobs
constexpr std::size_t k_api_clients_max = 64;

struct soak_reading {
  double minute = 0;
  double rss_mib = std::nan("");
  double runs_per_s = std::nan("");
  double lateness_p99_ms = std::nan("");
  double api_p99_ms = std::nan("");
  double storage_mib = std::nan("");
  double skipped = std::nan("");
  uint64_t api_errors = 0;
};

double mib(double bytes) { return bytes / (1024.0 * 1024.0); }

// Bytes under `dir` (the server's data dir), NaN when it cannot be read.
double folder_bytes(const std::string& dir) {
  std::error_code ec;
  double total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) total += static_cast<double>(it->file_size(size_ec));
  }
  return ec ? std::nan("") : total;
}

// The API traffic of one interval: edits and detail reads of the firing jobs, lists of a small
// group, and creates with deletes trailing them (so the API adds no state over the run).
class api_traffic {
 public:
  api_traffic(const job_batch& firing, job_batch churn, job_batch listed)
      : firing_(firing), churn_(std::move(churn)), listed_(std::move(listed)) {}

  std::optional<http_call> next() {
    const auto dice = rng_() % 20;
    const auto index = static_cast<std::size_t>(rng_() % firing_.count);
    const std::string ref = R"({"group_name":")" + group_of(firing_, index) + R"(","job_id":")" + job_id(firing_, index) + "\"";
    if (dice < 8) return http_call{"POST", "/v1/edit/job", ref + R"(,"memo":"soak )" + std::to_string(rng_() % 1000) + "\"}"};
    if (dice < 14) return http_call{"GET", "/v1/" + group_of(firing_, index) + "/job/" + job_id(firing_, index)};
    if (dice < 18) return http_call{"GET", "/v1/" + listed_.group + "/job/list"};
    if (dice == 18 || deleted_ + k_delete_lag >= created_)
      return http_call{"POST", "/v1/add/job", add_job_body(churn_, created_++, wall_ms() / 1000)};
    return http_call{"POST", "/v1/delete/job",
                     R"({"group_name":")" + churn_.group + R"(","job_id":")" + job_id(churn_, deleted_++) + "\"}"};
  }

 private:
  const job_batch& firing_;
  job_batch churn_;
  job_batch listed_;
  std::size_t created_ = 0, deleted_ = 0;
  std::mt19937_64 rng_{7};
};

std::string reading_line(const soak_reading& r) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "t=%5.1f min: RSS %.1f MiB, %.0f runs/s, lateness p99 %.2f ms, API p99 %.2f ms, storage %.1f MiB, "
                "skipped %.0f, API errors %llu",
                r.minute, r.rss_mib, r.runs_per_s, r.lateness_p99_ms, r.api_p99_ms, r.storage_mib, r.skipped,
                static_cast<unsigned long long>(r.api_errors));
  return buf;
}

std::vector<std::pair<double, double>> series(const std::vector<soak_reading>& rs, double soak_reading::*field,
                                              bool second_half_only = false) {
  std::vector<std::pair<double, double>> out;
  for (std::size_t i = second_half_only ? rs.size() / 2 : 0; i < rs.size(); ++i)
    if (!std::isnan(rs[i].*field)) out.emplace_back(rs[i].minute, rs[i].*field);
  return out;
}

double worst(const std::vector<soak_reading>& rs, double soak_reading::*field) {
  double w = std::nan("");
  for (const auto& r : rs)
    if (!std::isnan(r.*field) && (std::isnan(w) || r.*field > w)) w = r.*field;
  return w;
}

void write_plot(const bench_config& cfg, const std::string& title, const std::vector<soak_reading>& rs,
                scenario_result& out) {
  if (cfg.plot_path.empty()) return;
  std::string svg = render_svg(title, "minutes",
                               {{"RSS", "MiB", series(rs, &soak_reading::rss_mib)},
                                {"lateness p99", "ms", series(rs, &soak_reading::lateness_p99_ms)},
                                {"runs per second", "1/s", series(rs, &soak_reading::runs_per_s)},
                                {"storage size", "MiB", series(rs, &soak_reading::storage_mib)},
                                {"API p99", "ms", series(rs, &soak_reading::api_p99_ms)}});
  std::ofstream file(cfg.plot_path);
  file << svg;
  out.notes.push_back(file ? "plot: " + cfg.plot_path : "could not write the plot to " + cfg.plot_path);
}

}  // namespace

double least_squares_slope(const std::vector<std::pair<double, double>>& points) {
  if (points.size() < 2) return std::nan("");
  double n = static_cast<double>(points.size()), sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [x, y] : points) {
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  double d = n * sxx - sx * sx;
  return d == 0 ? std::nan("") : (n * sxy - sx * sy) / d;
}

scenario_result run_soak(const bench_config& cfg, std::size_t jobs, double seconds) {
  const double rate = cfg.soak_api_rate;
  scenario_result r{"soak", with_commas(jobs) + " no-op jobs @every 1s plus " +
                                with_commas(static_cast<std::size_t>(rate)) + " API requests/s for " +
                                std::to_string(static_cast<int>(seconds / 60)) + " min"};
  std::string why;
  auto server = server_for(cfg, r);
  if (!server) return r;
  load_client client(server->base_url);
  job_batch firing;
  firing.group = unique_group("bsoak");
  firing.count = jobs;
  firing.pattern = "@every 1s";
  firing.request_url = "NOOP@";
  firing.first = first_run::now;
  firing.interval_s = 1;
  if (!step_load(cfg, *server, client, firing, cfg.clients, 0, "load", false, r)) return r;
  job_batch churn, listed;
  churn.group = unique_group("bsoakapi");
  churn.id_prefix = "s";
  listed.group = unique_group("bsoaklist");
  listed.count = k_list_jobs;
  if (!register_groups(client, churn, &why) || !register_groups(client, listed, &why) ||
      load_jobs(client, listed, 8, 0, 60, false).stats.ok != listed.count) {
    r.notes.push_back("soak: setup failed: " + why);
    return r;
  }

  const double interval_s = std::max(5.0, std::min(k_reading_s, seconds / k_min_readings));
  api_traffic traffic(firing, churn, listed);
  load_client api(server->base_url);
  std::vector<soak_reading> readings;
  const auto started = std::chrono::steady_clock::now();
  auto before = probe(client, server->pid);
  while (!stop_requested()) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (elapsed + interval_s / 2 > seconds) break;
    load_options opts;
    opts.clients = std::min(cfg.mixed_clients, k_api_clients_max);
    opts.rate_per_s = rate;
    opts.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(interval_s * 1000));
    std::vector<double> api_ms;
    soak_reading reading;
    api.run(opts, [&](std::size_t) { return traffic.next(); },
            [&](std::size_t, const http_call&, const http_result& res) {
              api_ms.push_back(std::chrono::duration<double, std::milli>(res.latency).count());
              if (!res.ok()) ++reading.api_errors;
            });
    auto after = probe(client, server->pid);
    const double secs = after.steady_s - before.steady_s;
    reading.minute = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() / 60;
    if (after.rss_bytes) reading.rss_mib = mib(static_cast<double>(*after.rss_bytes));
    if (server->spawned) reading.storage_mib = mib(folder_bytes(server->spawned->data_dir()));
    if (before.metrics && after.metrics && secs > 0) {
      reading.runs_per_s = (after.metrics->sum(k_runs_counter) - before.metrics->sum(k_runs_counter)) / secs;
      auto window = bucket_delta(histogram_buckets(*after.metrics, k_lateness_histogram),
                                 histogram_buckets(*before.metrics, k_lateness_histogram));
      if (!window.empty()) reading.lateness_p99_ms = histogram_quantile(0.99, window) * 1000;
      reading.skipped = after.metrics->sum("mainspring_runs_skipped_total") -
                        before.metrics->sum("mainspring_runs_skipped_total");
    }
    auto s = summarize(std::move(api_ms));
    if (s.count) reading.api_p99_ms = s.p99;
    readings.push_back(reading);
    progress_line(cfg.quiet, "soak: " + reading_line(reading));
    before = std::move(after);
  }

  for (const auto& reading : readings) r.notes.push_back(reading_line(reading));
  r.metrics.push_back({"readings", static_cast<double>(readings.size()), "", ""});
  r.metrics.push_back({"RSS slope, second half", least_squares_slope(series(readings, &soak_reading::rss_mib, true)),
                       "MiB/min", "< 1"});
  r.metrics.push_back({"RSS, worst reading", worst(readings, &soak_reading::rss_mib), "MiB", ""});
  r.metrics.push_back({"lateness p99 slope, second half",
                       least_squares_slope(series(readings, &soak_reading::lateness_p99_ms, true)), "ms/min",
                       "< 0.1"});
  r.metrics.push_back({"lateness p99, worst reading", worst(readings, &soak_reading::lateness_p99_ms), "ms", "< 5"});
  r.metrics.push_back({"storage slope, second half",
                       least_squares_slope(series(readings, &soak_reading::storage_mib, true)), "MiB/min",
                       "< 1"});
  r.metrics.push_back({"API p99, worst reading", worst(readings, &soak_reading::api_p99_ms), "ms", k_api_p99_target});
  write_plot(cfg, r.name + ": " + r.setup, readings, r);
  return r;
}

}  // namespace mainspring::bench
