// End to end: GET /metrics, /health and /ready of the real server. Each test scrapes before,
// causes a known set of runs and requests, waits (bounded polls on the job detail counts) until
// they finished, scrapes after, and checks that every counter moved by exactly the expected
// amount and every histogram count matches. The figures it compares are counts, never times.
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/support/http_sink.h"
#include "tests/support/prometheus_text.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

using labels = prometheus_text::labels;

const char* const k_group = "M";
const char* const k_executors[] = {"http", "shell", "lua", "remote", "noop"};
const char* const k_outcomes[] = {"succeeded", "failed", "timed_out"};

prometheus_text scrape(http_client& client) {
  http_response r = client.get("/metrics");
  INFO("status " << r.status << " " << r.error);
  REQUIRE(r.status == 200);
  prometheus_text text = prometheus_text::parse(r.body);
  INFO("unparsed lines: " << text.errors.size());
  CHECK(text.errors.empty());
  return text;
}

// The value of one series, 0 when it does not exist yet (HTTP series appear on first use).
double value_or_zero(const prometheus_text& t, const std::string& name, const labels& l) {
  return t.value(name, l).value_or(0);
}

// A job of group M that never fires by itself (first fire an hour ahead); runs come from
// POST .../run.
json manual_job(const std::string& name, const std::string& request_url,
                const std::string& command = "", json extra = json::object()) {
  json body{{"group_name", k_group},       {"name", name},
            {"request_url", request_url},  {"exec_command", command},
            {"interval_pattern", "@every 1h"}, {"exec_time", unix_now_ms() / 1000 + 3600},
            {"timeout", 5}};
  body.update(extra);
  return body;
}

void run_now(native_api& api, const std::string& id, int times) {
  for (int i = 0; i < times; ++i)
    api.success(api.client.request("POST", std::string("/v1/") + k_group + "/job/" + id + "/run",
                                   std::string()));
}

// Polls the job detail until `runs` runs finished and none is in flight; answers the detail.
json wait_finished(native_api& api, const std::string& id, int64_t runs,
                   std::chrono::milliseconds timeout = 20s) {
  json detail;
  bool done = eventually(
      [&] {
        detail = api.detail(k_group, id);
        return detail["counts"]["runs"] == runs && detail["counts"]["running"] == 0;
      },
      timeout);
  INFO(detail.dump());
  REQUIRE(done);
  return detail;
}

// Checks every histogram family of the text: for each series, buckets are cumulative (never
// decrease as le grows), the last is le="+Inf" and equals _count, and _sum is not negative.
void check_histogram_invariants(const prometheus_text& t) {
  std::size_t families = 0;
  for (const auto& [family, type] : t.types) {
    if (type != "histogram") continue;
    ++families;
    // series labels (without le) -> le -> cumulative count
    std::map<labels, std::map<double, double>> series;
    for (const auto& s : t.all(family + "_bucket")) {
      labels l = s.label;
      auto le = l.find("le");
      INFO(family << "_bucket without le");
      REQUIRE(le != l.end());
      double bound = le->second == "+Inf" ? INFINITY : std::strtod(le->second.c_str(), nullptr);
      l.erase(le);
      series[l][bound] = s.value;
    }
    INFO(family);
    CHECK_FALSE(series.empty());
    for (const auto& [l, buckets] : series) {
      double previous = 0;
      for (const auto& [bound, count] : buckets) {
        INFO("le " << bound);
        CHECK(count >= previous);
        previous = count;
      }
      REQUIRE_FALSE(buckets.empty());
      CHECK(std::isinf(buckets.rbegin()->first));
      auto count = t.value(family + "_count", l);
      auto sum = t.value(family + "_sum", l);
      REQUIRE(count);
      REQUIRE(sum);
      CHECK(buckets.rbegin()->second == *count);
      CHECK(*sum >= 0);
    }
  }
  CHECK(families >= 5);  // lateness, run duration, HTTP latency, batch size, commit latency
}

// The storage counter and its two histograms are fed by one call, but a scrape reads them one
// after the other; polls until a scrape sees them agree (no commit in between).
prometheus_text scrape_with_storage_settled(http_client& client) {
  prometheus_text t;
  bool agree = eventually([&] {
    t = scrape(client);
    double commits = t.sum("mainspring_storage_commits_total");
    return t.sum("mainspring_storage_batch_size_count") == commits &&
           t.sum("mainspring_storage_commit_duration_seconds_count") == commits;
  });
  CHECK(agree);
  return t;
}

}  // namespace

TEST_CASE("after a known set of runs each run counter and histogram count moved by exactly that") {
  http_sink ok_sink;
  http_sink failing_sink;
  failing_sink.set_response(500, "broken");
  server_process server;
  native_api api(server.base_url());
  prometheus_text before = scrape(api.client);
  for (const char* e : k_executors)
    for (const char* o : k_outcomes)
      CHECK(before.value("mainspring_job_runs_total", {{"executor", e}, {"outcome", o}}) == 0);

  api.register_group(k_group);
  constexpr int k_noop_runs = 5, k_http_ok_runs = 3, k_http_500_runs = 2;
  std::string noop = api.add_job(manual_job("noop", "NOOP@"));
  std::string http_ok = api.add_job(manual_job("http_ok", "HTTP@" + ok_sink.url("/ok")));
  std::string http_500 = api.add_job(manual_job("http_500", "HTTP@" + failing_sink.url("/bad")));
  std::string exit3 = api.add_job(manual_job("exit3", "", "exit 3"));
  // Fails, then its one retry (0.1 s later) fails too: two failed shell runs, one retry.
  std::string retried = api.add_job(
      manual_job("retried", "", "exit 3", {{"retries", 1}, {"retry_delay", 0.1}}));
  std::string sleepy = api.add_job(manual_job("sleepy", "", "sleep 30", {{"timeout", 1}}));
  std::string once = api.add_job({{"group_name", k_group}, {"name", "once"},
                                  {"request_url", "NOOP@"}, {"interval_pattern", "@once"},
                                  {"exec_time", 0}});
  std::string ticker = api.add_job({{"group_name", k_group}, {"name", "ticker"},
                                    {"request_url", "NOOP@"}, {"interval_pattern", "@every 1s"},
                                    {"exec_time", 0}});

  run_now(api, noop, k_noop_runs);
  run_now(api, http_ok, k_http_ok_runs);
  run_now(api, http_500, k_http_500_runs);
  run_now(api, exit3, 1);
  run_now(api, retried, 1);
  run_now(api, sleepy, 1);

  // The ticker runs a few times by schedule, then is paused: no-op runs are inline, so once
  // the pause is answered its run count is final.
  REQUIRE(eventually([&] { return api.detail(k_group, ticker)["counts"]["runs"] >= 3; }, 20s));
  api.post_ok("/v1/pause/job", {{"group_name", k_group}, {"job_id", ticker}});
  json ticker_detail = api.detail(k_group, ticker);
  const int64_t ticker_runs = ticker_detail["counts"]["runs"];
  const int64_t ticker_skipped = ticker_detail["counts"]["skipped"];  // misfires on a slow box
  CHECK(ticker_detail["phase"] == "paused");

  wait_finished(api, noop, k_noop_runs);
  wait_finished(api, http_ok, k_http_ok_runs);
  wait_finished(api, http_500, k_http_500_runs);
  wait_finished(api, exit3, 1);
  json retried_detail = wait_finished(api, retried, 2);
  CHECK(retried_detail["counts"]["retries"] == 1);
  wait_finished(api, sleepy, 1);
  json once_detail = wait_finished(api, once, 1);
  CHECK(once_detail["phase"] == "done");
  CHECK(api.detail(k_group, ticker)["counts"]["runs"] == ticker_runs);

  prometheus_text after = scrape(api.client);
  INFO("ticker runs " << ticker_runs << ", skipped " << ticker_skipped);

  {  // runs by executor and outcome
    const std::map<std::pair<std::string, std::string>, double> expected = {
        {{"noop", "succeeded"}, static_cast<double>(k_noop_runs + 1 + ticker_runs)},
        {{"http", "succeeded"}, k_http_ok_runs},
        {{"http", "failed"}, k_http_500_runs},
        {{"shell", "failed"}, 1 + 2},
        {{"shell", "timed_out"}, 1}};
    for (const char* e : k_executors) {
      for (const char* o : k_outcomes) {
        labels l{{"executor", e}, {"outcome", o}};
        auto it = expected.find({e, o});
        double want = it == expected.end() ? 0 : it->second;
        INFO("mainspring_job_runs_total{executor=\"" << e << "\",outcome=\"" << o << "\"}");
        REQUIRE(after.value("mainspring_job_runs_total", l));
        CHECK(*after.value("mainspring_job_runs_total", l) -
                  *before.value("mainspring_job_runs_total", l) ==
              want);
      }
    }
  }

  {  // the run duration histogram counts every finished run under its executor
    for (const char* e : k_executors) {
      labels l{{"executor", e}};
      INFO("executor " << e);
      double runs_delta = after.sum("mainspring_job_runs_total", l) -
                          before.sum("mainspring_job_runs_total", l);
      CHECK(value_or_zero(after, "mainspring_job_run_duration_seconds_count", l) -
                value_or_zero(before, "mainspring_job_run_duration_seconds_count", l) ==
            runs_delta);
    }
    CHECK(after.sum("mainspring_job_run_duration_seconds_count", {{"executor", "noop"}}) ==
          k_noop_runs + 1 + ticker_runs);
    CHECK(after.sum("mainspring_job_run_duration_seconds_count", {{"executor", "shell"}}) == 4);
  }

  {  // lateness counts scheduled and retried runs, not manual ones
    // noop: the @once run and every ticker run (catch-up runs included); shell: the one retry.
    CHECK(after.sum("mainspring_schedule_lateness_seconds_count") -
              before.sum("mainspring_schedule_lateness_seconds_count") ==
          1 + ticker_runs + 1);
    CHECK(after.sum("mainspring_schedule_lateness_seconds_count", {{"executor", "noop"}}) ==
          1 + ticker_runs);
    CHECK(after.sum("mainspring_schedule_lateness_seconds_count", {{"executor", "shell"}}) == 1);
    CHECK(after.sum("mainspring_schedule_lateness_seconds_count", {{"executor", "http"}}) == 0);
    // Buckets from 100 µs to 60 s.
    std::set<double> bounds;
    for (const auto& s : after.all("mainspring_schedule_lateness_seconds_bucket"))
      if (s.label.at("le") != "+Inf") bounds.insert(std::strtod(s.label.at("le").c_str(), nullptr));
    REQUIRE_FALSE(bounds.empty());
    CHECK(*bounds.begin() == Approx(0.0001));
    CHECK(*bounds.rbegin() == Approx(60));
  }

  {  // skips, retries, jobs by state, timers, actors and runs in flight
    CHECK(after.sum("mainspring_runs_skipped_total") == ticker_skipped);
    CHECK(after.value("mainspring_run_retries_total") == 1);
    CHECK(after.value("mainspring_jobs", {{"state", "active"}}) == 6);
    CHECK(after.value("mainspring_jobs", {{"state", "paused"}}) == 1);
    CHECK(after.value("mainspring_jobs", {{"state", "done"}}) == 1);
    CHECK(after.value("mainspring_runs_in_flight") == 0);
    CHECK(after.value("mainspring_runs_queued") == 0);
    CHECK(after.value("mainspring_actors") == 8 + 1 + 2);  // jobs, the group, registry, clock
    // One schedule timer per active job; the paused and done jobs have none.
    CHECK(eventually([&] { return scrape(api.client).value("mainspring_timer_wheel_pending_timers") == 6; }));
  }

  {  // the exposition is well formed
    check_histogram_invariants(after);
    CHECK(after.type("mainspring_job_runs_total") == "counter");
    CHECK(after.type("mainspring_schedule_lateness_seconds") == "histogram");
    CHECK(after.type("mainspring_job_run_duration_seconds") == "histogram");
    CHECK(after.type("mainspring_jobs") == "gauge");
    for (const auto& s : after.samples) {
      INFO(s.name);
      for (const char* forbidden : {"job", "job_id", "job_name", "group", "group_name"})
        CHECK(s.label.count(forbidden) == 0);
    }
  }

  // Under the sanitizers, a report from the server fails the test here rather than vanishing
  // with its temporary folder.
  int code = server.stop();
  INFO(server.log());
  CHECK(code == 0);
  CHECK_THAT(server.log(), !Catch::Contains("runtime error") && !Catch::Contains("Sanitizer"));
}

TEST_CASE("HTTP requests are counted by route template and method and status") {
  server_process server;
  native_api api(server.base_url());
  prometheus_text before = scrape_with_storage_settled(api.client);
  const labels add_ok{{"route", "/v1/add/job"}, {"method", "POST"}, {"status", "200"}};
  const labels add_bad{{"route", "/v1/add/job"}, {"method", "POST"}, {"status", "400"}};
  const labels unmatched{{"route", "unmatched"}, {"method", "GET"}, {"status", "404"}};
  const labels detail_missing{
      {"route", "/v1/{group}/job/{job_id}"}, {"method", "GET"}, {"status", "404"}};

  api.register_group(k_group);
  constexpr int k_adds = 4;
  for (int i = 0; i < k_adds; ++i)
    api.add_job(manual_job("j" + std::to_string(i), "NOOP@"));
  CHECK(api.client.post_json("/v1/add/job", "{ not json").status == 400);
  CHECK(api.client.get("/no/such/route").status == 404);
  CHECK(api.client.get("/no/such/route/either").status == 404);
  CHECK(api.client.get(std::string("/v1/") + k_group + "/job/nosuch").status == 404);

  prometheus_text after;
  auto delta = [&](const labels& l) {
    return value_or_zero(after, "mainspring_http_requests_total", l) -
           value_or_zero(before, "mainspring_http_requests_total", l);
  };
  // A reply is counted just after it is sent, on the answering thread: poll until every
  // expected answer landed, then check that none was counted twice.
  bool settled = eventually([&] {
    after = scrape_with_storage_settled(api.client);
    return delta(add_ok) >= k_adds && delta(add_bad) >= 1 && delta(unmatched) >= 2 &&
           delta(detail_missing) >= 1;
  });
  CHECK(settled);
  CHECK(delta(add_ok) == k_adds);
  CHECK(delta(add_bad) == 1);
  CHECK(delta(unmatched) == 2);
  CHECK(delta(detail_missing) == 1);
  CHECK(delta({{"route", "/v1/register/group"}, {"method", "POST"}, {"status", "200"}}) == 1);
  // The latency histogram counts every answer of the route and method, whatever its status.
  const labels add_route{{"route", "/v1/add/job"}, {"method", "POST"}};
  CHECK(value_or_zero(after, "mainspring_http_request_duration_seconds_count", add_route) -
            value_or_zero(before, "mainspring_http_request_duration_seconds_count", add_route) ==
        k_adds + 1);
  // Raw paths never become labels.
  for (const auto& s : after.all("mainspring_http_requests_total")) {
    INFO(s.label.at("route"));
    CHECK(s.label.at("route").find("nosuch") == std::string::npos);
    CHECK(s.label.at("route").find("/no/such") == std::string::npos);
  }
  // Every add was written to storage (group commit may batch several into one commit).
  CHECK(after.sum("mainspring_storage_commits_total") > before.sum("mainspring_storage_commits_total"));
  CHECK(after.sum("mainspring_storage_batch_size_sum") - before.sum("mainspring_storage_batch_size_sum") >=
        k_adds + 1);
  check_histogram_invariants(after);
}

TEST_CASE("metrics carry the content type and build info and process figures") {
  server_process server;
  http_client client(server.base_url());
  http_response r = client.get("/metrics");
  REQUIRE(r.status == 200);
  CHECK_THAT(r.header("content-type"), Catch::StartsWith("text/plain"));
  CHECK_THAT(r.header("content-type"), Catch::Contains("version=0.0.4"));
  prometheus_text t = prometheus_text::parse(r.body);
  CHECK(t.errors.empty());

  CHECK(t.value("mainspring_build_info", {{"version", MAINSPRING_VERSION}}) == 1);
  CHECK(t.all("mainspring_build_info").size() == 1);
  CHECK(t.type("process_cpu_seconds_total") == "counter");
  CHECK(t.value("process_cpu_seconds_total").value_or(-1) >= 0);
  CHECK(t.value("process_resident_memory_bytes").value_or(0) > 1024 * 1024);
  CHECK(t.value("process_virtual_memory_bytes").value_or(0) > 0);
  CHECK(t.value("process_open_fds").value_or(0) >= 3);
  double started = t.value("process_start_time_seconds").value_or(0);
  double now_s = static_cast<double>(unix_now_ms()) / 1000;
  CHECK(started > now_s - 600);  // started by this test, so within the last minutes
  CHECK(started <= now_s + 1);
  // The gauges and counters of an empty scheduler.
  for (const char* state : {"active", "paused", "done"})
    CHECK(t.value("mainspring_jobs", {{"state", state}}) == 0);
  for (const char* name : {"mainspring_timer_wheel_pending_timers", "mainspring_runs_in_flight",
                           "mainspring_runs_queued", "mainspring_run_retries_total"}) {
    INFO(name);
    CHECK(t.value(name) == 0);
  }
  for (const char* reason : {"overlap", "misfire", "no_node", "scheduler_paused"})
    CHECK(t.value("mainspring_runs_skipped_total", {{"reason", reason}}) == 0);
  CHECK(t.value("mainspring_actors") == 2);  // the registry and the clock
  check_histogram_invariants(t);
}

TEST_CASE("health reports the jobs and runs and ready answers 200 once started") {
  http_sink slow_sink;
  slow_sink.set_delay(3s);  // a run still in flight while /health is read
  server_process server;
  native_api api(server.base_url());

  http_response ready = api.client.get("/ready");
  CHECK(ready.status == 200);
  CHECK(ready.header("content-type").find("application/json") == 0);
  CHECK(ready.json() == json{{"ready", true}});

  api.register_group(k_group);
  for (int i = 0; i < 3; ++i) api.add_job(manual_job("n" + std::to_string(i), "NOOP@"));
  std::string slow = api.add_job(
      manual_job("slow", "HTTP@" + slow_sink.url("/slow"), "", {{"timeout", 10}}));
  run_now(api, slow, 1);
  REQUIRE(slow_sink.wait_for_requests(1, 10s));

  http_response health = api.client.get("/health");
  REQUIRE(health.status == 200);
  json h = health.json();
  INFO(h.dump());
  CHECK(h["status"] == "ok");
  CHECK(h["version"] == MAINSPRING_VERSION);
  CHECK(h["jobs"] == 4);
  CHECK(h["runs_in_flight"] == 1);
  CHECK(h["runs_queued"] == 0);
  CHECK(h["pending_timers"].is_number_unsigned());
  CHECK(eventually([&] { return api.client.get("/health").json()["pending_timers"] == 4; }));

  json detail = wait_finished(api, slow, 1);
  CHECK(detail["counts"]["successes"] == 1);
  json idle = api.client.get("/health").json();
  CHECK(idle["runs_in_flight"] == 0);
  CHECK(idle["jobs"] == 4);
  CHECK(api.client.get("/ready").status == 200);
}
