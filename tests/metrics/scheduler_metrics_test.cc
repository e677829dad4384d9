#include "metrics/scheduler_metrics.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <ctime>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "metrics/http_metrics.h"
#include "tests/support/prometheus_text.h"

namespace {

using mainspring::executor_kind;
using mainspring::prometheus_text;
using mainspring::run_state;
using mainspring::scheduler_metrics;
using mainspring::scheduler_snapshot;
using labels = prometheus_text::labels;

prometheus_text scrape(scheduler_metrics& m) {
  prometheus_text text = prometheus_text::parse(m.scrape());
  REQUIRE(text.errors.empty());
  return text;
}

double le_value(const std::string& le) {
  return le == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(le);
}

// ^(mainspring|process)_[a-z_]+$, without std::regex (GCC 12's regex headers warn under
// -O2 -fsanitize).
bool conventional_name(const std::string& name) {
  std::string_view rest = name;
  for (std::string_view prefix : {"mainspring_", "process_"}) {
    if (rest.substr(0, prefix.size()) == prefix) {
      rest.remove_prefix(prefix.size());
      if (rest.empty()) return false;
      for (char c : rest) {
        if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
      }
      return true;
    }
  }
  return false;
}

// Checks one histogram series is well formed (buckets ascending by le and cumulative, the
// +Inf bucket equal to _count) and returns its _count.
double checked_count(const prometheus_text& t, const std::string& name, const labels& l) {
  std::vector<std::pair<double, double>> buckets;  // (le, cumulative count)
  for (const auto& s : t.all(name + "_bucket")) {
    labels without_le = s.label;
    if (without_le.erase("le") == 0) FAIL("a bucket of " << name << " has no le label");
    if (without_le == l) buckets.emplace_back(le_value(s.label.at("le")), s.value);
  }
  REQUIRE(buckets.size() >= 2);
  for (std::size_t i = 1; i < buckets.size(); ++i) {
    CHECK(buckets[i].first > buckets[i - 1].first);
    CHECK(buckets[i].second >= buckets[i - 1].second);
  }
  CHECK(std::isinf(buckets.back().first));
  auto count = t.value(name + "_count", l);
  REQUIRE(count.has_value());
  CHECK(buckets.back().second == *count);
  REQUIRE(t.value(name + "_sum", l).has_value());
  return *count;
}

// The cumulative count of the bucket with upper bound `le` in one histogram series.
double bucket(const prometheus_text& t, const std::string& name, labels l, const std::string& le) {
  l["le"] = le;
  auto v = t.value(name + "_bucket", l);
  REQUIRE(v.has_value());
  return *v;
}

}  // namespace

TEST_CASE("every run counter exists at zero before the first run") {
  scheduler_metrics m("test");
  prometheus_text t = scrape(m);
  for (const char* executor : {"http", "shell", "lua", "remote", "noop"}) {
    for (const char* outcome : {"succeeded", "failed", "timed_out"}) {
      CHECK(t.value("mainspring_job_runs_total", {{"executor", executor}, {"outcome", outcome}}) ==
            0.0);
    }
    CHECK(checked_count(t, "mainspring_schedule_lateness_seconds", {{"executor", executor}}) == 0);
    CHECK(checked_count(t, "mainspring_job_run_duration_seconds", {{"executor", executor}}) == 0);
  }
  CHECK(t.type("mainspring_job_runs_total") == "counter");
  CHECK(t.type("mainspring_schedule_lateness_seconds") == "histogram");
}

TEST_CASE("finished runs are counted by executor and outcome, exactly") {
  scheduler_metrics m("test");
  for (int i = 0; i < 7; ++i) m.on_run_finished(executor_kind::noop, run_state::succeeded, 0);
  for (int i = 0; i < 3; ++i) m.on_run_finished(executor_kind::http, run_state::failed, 0.2);
  m.on_run_finished(executor_kind::shell, run_state::timed_out, 5);
  m.on_run_finished(executor_kind::shell, run_state::running, 1);  // not an outcome: ignored
  m.on_run_finished(executor_kind::shell, run_state::skipped, 1);  // counted elsewhere: ignored

  prometheus_text t = scrape(m);
  CHECK(t.value("mainspring_job_runs_total", {{"executor", "noop"}, {"outcome", "succeeded"}}) ==
        7);
  CHECK(t.value("mainspring_job_runs_total", {{"executor", "http"}, {"outcome", "failed"}}) == 3);
  CHECK(t.value("mainspring_job_runs_total", {{"executor", "shell"}, {"outcome", "timed_out"}}) ==
        1);
  CHECK(t.sum("mainspring_job_runs_total") == 11);
  CHECK(t.sum("mainspring_job_runs_total", {{"executor", "shell"}}) == 1);

  CHECK(checked_count(t, "mainspring_job_run_duration_seconds", {{"executor", "noop"}}) == 7);
  CHECK(checked_count(t, "mainspring_job_run_duration_seconds", {{"executor", "http"}}) == 3);
  CHECK(checked_count(t, "mainspring_job_run_duration_seconds", {{"executor", "shell"}}) == 1);
  CHECK(t.value("mainspring_job_run_duration_seconds_sum", {{"executor", "http"}}) ==
        Approx(0.6));
  CHECK(t.value("mainspring_job_run_duration_seconds_sum", {{"executor", "shell"}}) == Approx(5));
}

TEST_CASE("lateness lands in the right cumulative buckets, from 100 us to 60 s") {
  scheduler_metrics m("test");
  m.on_run_started(executor_kind::noop, 0.00005);  // under the first bound
  m.on_run_started(executor_kind::noop, 0.0002);
  m.on_run_started(executor_kind::noop, 0.001);    // exactly on a bound: le is inclusive
  m.on_run_started(executor_kind::noop, 0.003);
  m.on_run_started(executor_kind::noop, 100);      // beyond the last bound
  m.on_run_started(executor_kind::noop, -0.5);     // a clock step back counts as on time
  m.on_run_started(executor_kind::http, 0.02);

  prometheus_text t = scrape(m);
  const std::string h = "mainspring_schedule_lateness_seconds";
  const labels noop = {{"executor", "noop"}};
  CHECK(checked_count(t, h, noop) == 6);
  CHECK(checked_count(t, h, {{"executor", "http"}}) == 1);
  CHECK(bucket(t, h, noop, "0.0001") == 2);
  CHECK(bucket(t, h, noop, "0.00025") == 3);
  CHECK(bucket(t, h, noop, "0.001") == 4);
  CHECK(bucket(t, h, noop, "0.002") == 4);
  CHECK(bucket(t, h, noop, "0.003") == 5);
  CHECK(bucket(t, h, noop, "0.005") == 5);
  CHECK(bucket(t, h, noop, "0.02") == 5);
  CHECK(bucket(t, h, noop, "60") == 5);
  CHECK(bucket(t, h, noop, "+Inf") == 6);
  CHECK(t.value(h + "_sum", noop) == Approx(100.00425));
  CHECK(t.sum(h + "_count") == 7);
}

TEST_CASE("the pulled figures come from the snapshot source at each scrape") {
  scheduler_metrics m("test");
  SECTION("without a source they are present and zero") {
    prometheus_text t = scrape(m);
    CHECK(t.value("mainspring_jobs", {{"state", "active"}}) == 0.0);
    CHECK(t.value("mainspring_timer_wheel_pending_timers") == 0.0);
    CHECK(t.value("mainspring_actors") == 0.0);
  }
  SECTION("with a source they are its values, read anew each time") {
    uint64_t calls = 0;
    m.set_snapshot_source([&calls] {
      ++calls;
      scheduler_snapshot s;
      s.jobs_active = 1'000'000;
      s.jobs_paused = 12;
      s.jobs_done = 3;
      s.timer_wheel_pending_timers = 999'990;
      s.clock_last_pass_ms = 1'700'000'130'250;
      s.runs_in_flight = 17 * calls;
      s.runs_queued = 4;
      s.runs_skipped_total = 9;
      s.runs_skipped_by_reason = {5, 2, 1};
      s.run_retries_total = 2;
      s.actors = 1'000'020;
      return s;
    });
    prometheus_text t = scrape(m);
    CHECK(t.value("mainspring_jobs", {{"state", "active"}}) == 1'000'000);
    CHECK(t.value("mainspring_jobs", {{"state", "paused"}}) == 12);
    CHECK(t.value("mainspring_jobs", {{"state", "done"}}) == 3);
    CHECK(t.value("mainspring_timer_wheel_pending_timers") == 999'990);
    CHECK(t.value("mainspring_clock_last_pass_timestamp_seconds") == Approx(1'700'000'130.25).epsilon(0).margin(0.001));
    CHECK(t.type("mainspring_clock_last_pass_timestamp_seconds") == "gauge");
    CHECK(t.value("mainspring_runs_in_flight") == 17);
    CHECK(t.value("mainspring_runs_queued") == 4);
    CHECK(t.value("mainspring_runs_skipped_total", {{"reason", "overlap"}}) == 5);
    CHECK(t.value("mainspring_runs_skipped_total", {{"reason", "misfire"}}) == 2);
    CHECK(t.value("mainspring_runs_skipped_total", {{"reason", "no_node"}}) == 1);
    CHECK(t.value("mainspring_runs_skipped_total", {{"reason", "other"}}) == 1);  // the total's rest
    CHECK(t.sum("mainspring_runs_skipped_total") == 9);
    CHECK(t.value("mainspring_run_retries_total") == 2);
    CHECK(t.value("mainspring_actors") == 1'000'020);
    CHECK(t.type("mainspring_jobs") == "gauge");
    CHECK(t.type("mainspring_runs_skipped_total") == "counter");
    CHECK(scrape(m).value("mainspring_runs_in_flight") == 34);
  }
}

TEST_CASE("each run pool has its runs in flight, its limit and its switch, labelled by group and pool") {
  scheduler_metrics m("test");
  m.set_snapshot_source([] {
    scheduler_snapshot s;
    s.run_pools = {{"cronicle", "general", 0, 0, true}, {"YM55", "nightly", 2, 3, false}};
    return s;
  });
  prometheus_text t = scrape(m);
  CHECK(t.value("mainspring_run_pool_running", {{"group", "YM55"}, {"pool", "nightly"}}) == 2);
  CHECK(t.value("mainspring_run_pool_max_running", {{"group", "YM55"}, {"pool", "nightly"}}) == 3);
  CHECK(t.value("mainspring_run_pool_enabled", {{"group", "YM55"}, {"pool", "nightly"}}) == 0);
  CHECK(t.value("mainspring_run_pool_enabled", {{"group", "cronicle"}, {"pool", "general"}}) == 1);
  CHECK(t.value("mainspring_run_pool_max_running", {{"group", "cronicle"}, {"pool", "general"}}) == 0);
  CHECK(t.type("mainspring_run_pool_running") == "gauge");
  CHECK(t.sum("mainspring_run_pool_running") == 2);
}

TEST_CASE("storage commits are counted with their batch sizes and durations") {
  scheduler_metrics m("test");
  m.on_storage_commit(1, 0.0002);
  m.on_storage_commit(1000, 0.004);
  m.on_storage_commit(3, 0.0001);

  prometheus_text t = scrape(m);
  CHECK(t.value("mainspring_storage_commits_total") == 3);
  CHECK(checked_count(t, "mainspring_storage_batch_size", {}) == 3);
  CHECK(t.value("mainspring_storage_batch_size_sum") == 1004);
  CHECK(bucket(t, "mainspring_storage_batch_size", {}, "1") == 1);
  CHECK(bucket(t, "mainspring_storage_batch_size", {}, "4") == 2);
  CHECK(bucket(t, "mainspring_storage_batch_size", {}, "1024") == 3);
  CHECK(checked_count(t, "mainspring_storage_commit_duration_seconds", {}) == 3);
  CHECK(t.value("mainspring_storage_commit_duration_seconds_sum") == Approx(0.0043));
}

TEST_CASE("HTTP requests are counted by route template, method and status") {
  scheduler_metrics m("test");
  for (int i = 0; i < 5; ++i) m.on_http_request("/v1/{group}/job/list", "GET", 200, 0.001);
  m.on_http_request("/v1/{group}/job/list", "GET", 401, 0.0001);
  m.on_http_request("/v1/{group}/job/add", "POST", 200, 0.002);
  m.on_http_request("", "GET", 404, 0.0001);        // no route matched
  m.on_http_request("", "BREW", 404, 0.0001);       // invented methods fold into OTHER
  m.on_http_request("", "PROPFIND", 404, 0.0001);

  prometheus_text t = scrape(m);
  const std::string c = "mainspring_http_requests_total";
  CHECK(t.value(c, {{"route", "/v1/{group}/job/list"}, {"method", "GET"}, {"status", "200"}}) == 5);
  CHECK(t.value(c, {{"route", "/v1/{group}/job/list"}, {"method", "GET"}, {"status", "401"}}) == 1);
  CHECK(t.value(c, {{"route", "/v1/{group}/job/add"}, {"method", "POST"}, {"status", "200"}}) == 1);
  CHECK(t.value(c, {{"route", "unmatched"}, {"method", "GET"}, {"status", "404"}}) == 1);
  CHECK(t.value(c, {{"route", "unmatched"}, {"method", "OTHER"}, {"status", "404"}}) == 2);
  CHECK(t.sum(c) == 10);
  CHECK(t.type(c) == "counter");

  const std::string h = "mainspring_http_request_duration_seconds";
  CHECK(checked_count(t, h, {{"route", "/v1/{group}/job/list"}, {"method", "GET"}}) == 6);
  CHECK(checked_count(t, h, {{"route", "/v1/{group}/job/add"}, {"method", "POST"}}) == 1);
  CHECK(checked_count(t, h, {{"route", "unmatched"}, {"method", "OTHER"}}) == 2);
  CHECK(t.value(h + "_sum", {{"route", "/v1/{group}/job/list"}, {"method", "GET"}}) ==
        Approx(0.0051));
}

TEST_CASE("the number of route labels is bounded even if raw paths are passed by mistake") {
  scheduler_metrics m("test");
  for (int i = 0; i < 300; ++i) m.on_http_request("/v1/g" + std::to_string(i), "GET", 200, 0);
  prometheus_text t = scrape(m);
  std::set<std::string> routes;
  for (const auto& s : t.all("mainspring_http_requests_total")) routes.insert(s.label.at("route"));
  CHECK(routes.size() == mainspring::k_max_http_routes + 1);
  CHECK(routes.count("other") == 1);
  CHECK(t.sum("mainspring_http_requests_total") == 300);
}

TEST_CASE("build info carries the version and is 1") {
  scheduler_metrics tagged("1.2.3");
  CHECK(scrape(tagged).value("mainspring_build_info", {{"version", "1.2.3"}}) == 1);
  scheduler_metrics built;
  CHECK(scrape(built).value("mainspring_build_info", {{"version", MAINSPRING_VERSION}}) == 1);
}

TEST_CASE("process metrics are present and plausible") {
  scheduler_metrics m("test");
  prometheus_text t = scrape(m);
  CHECK(t.value("process_resident_memory_bytes").value_or(0) > 0);
  CHECK(t.value("process_open_fds").value_or(0) > 0);
  CHECK(t.value("process_cpu_seconds_total").value_or(-1) >= 0);
  CHECK(t.type("process_cpu_seconds_total") == "counter");
  const double now = static_cast<double>(std::time(nullptr));
  const double start = t.value("process_start_time_seconds").value_or(0);
  CHECK(start <= now + 1);
  CHECK(start > now - 24 * 3600);
}

TEST_CASE("every name follows the conventions and no series carries a job or group label") {
  scheduler_metrics m("test");
  m.on_run_started(executor_kind::lua, 0.01);
  m.on_run_finished(executor_kind::lua, run_state::failed, 0.01);
  m.on_http_request("/v1/{group}/job/{job_id}", "DELETE", 200, 0.001);
  m.on_storage_commit(2, 0.001);
  const std::string text = m.scrape();
  prometheus_text t = scrape(m);

  const std::set<std::string> allowed_labels = {"executor", "outcome", "state", "route",
                                                "method",   "status",  "le",    "version",
                                                "reason"};  // a fixed set: skip reasons
  REQUIRE(t.samples.size() > 100);
  for (const auto& s : t.samples) {
    INFO(s.name);
    CHECK(conventional_name(s.name));
    for (const auto& [key, value] : s.label) CHECK(allowed_labels.count(key) == 1);
  }
  for (const auto& [family, type] : t.types) {
    INFO(family);
    CHECK(conventional_name(family));
    const bool total = family.size() > 6 && family.compare(family.size() - 6, 6, "_total") == 0;
    CHECK(total == (type == "counter"));  // _total exactly on counters
  }
  CHECK(text.find("# HELP mainspring_job_runs_total ") != std::string::npos);
}

TEST_CASE("counts stay exact when many threads record while another scrapes") {
  scheduler_metrics m("test");
  constexpr int k_threads = 4;
  constexpr int k_per_thread = 20'000;
  std::vector<std::thread> threads;
  for (int i = 0; i < k_threads; ++i) {
    threads.emplace_back([&m, i] {
      for (int n = 0; n < k_per_thread; ++n) {
        m.on_run_started(executor_kind::noop, 0.0003);
        m.on_run_finished(executor_kind::noop, i % 2 ? run_state::failed : run_state::succeeded,
                          0.0001);
        if (n % 1000 == 0) m.on_http_request("/metrics", "GET", 200, 0.001);
      }
    });
  }
  for (int s = 0; s < 5; ++s) {
    prometheus_text mid = scrape(m);  // consistency while counters move
    checked_count(mid, "mainspring_schedule_lateness_seconds", {{"executor", "noop"}});
  }
  for (auto& th : threads) th.join();

  prometheus_text t = scrape(m);
  CHECK(t.sum("mainspring_job_runs_total", {{"executor", "noop"}}) == k_threads * k_per_thread);
  CHECK(t.value("mainspring_job_runs_total", {{"executor", "noop"}, {"outcome", "failed"}}) ==
        k_threads / 2 * k_per_thread);
  CHECK(checked_count(t, "mainspring_schedule_lateness_seconds", {{"executor", "noop"}}) ==
        k_threads * k_per_thread);
  CHECK(t.sum("mainspring_http_requests_total") == k_threads * k_per_thread / 1000);
}
