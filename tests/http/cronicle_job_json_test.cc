// job_json: a Mainspring run as the Cronicle job that get_job_status, get_job_details,
// get_active_jobs and get_event show.
#include <catch2/catch.hpp>
#include <stdlib.h>
#include <time.h>
#include <nlohmann/json.hpp>

#include "http/cronicle/event_json.h"
#include "http/cronicle/job_json.h"
#include "http/cronicle/job_log.h"
#include "http/cronicle/plugins.h"

using namespace mainspring;
using namespace mainspring::http::cronicle;
using nlohmann::json;

namespace {

const json k_event = {{"id", "e1"}, {"title", "Nightly"}, {"plugin", "shellplug"}, {"timeout", 3600}};

run_record running_run() {
  run_record r;
  r.run_id = 7;
  r.job_id = "e1";
  r.trigger = run_trigger::manual;
  r.plan_ms = 1'700'000'000'250;
  r.start_ms = 1'700'000'001'500;
  return r;
}

}  // namespace

TEST_CASE("cronicle: a job's now is its planned time in whole seconds, whenever it is asked") {
  run_record r = running_run();
  json early = job_json(r, k_event, 3'600'000, "host-1", r.start_ms + 1'000);
  json later = job_json(r, k_event, 3'600'000, "host-1", r.start_ms + 90'000);
  CHECK(early["now"] == 1'700'000'000);
  CHECK(later["now"] == 1'700'000'000);
  // elapsed, unlike now, is counted to the call.
  CHECK(later["elapsed"] == Approx(90.0));
  r.state = run_state::succeeded;
  r.end_ms = r.start_ms + 2'000;
  CHECK(job_json(r, k_event, 3'600'000, "host-1", r.end_ms + 60'000)["now"] == 1'700'000'000);
}

TEST_CASE("cronicle: a job in flight shows its pid and progress as its executor reports them") {
  run_record r = running_run();
  json bare = job_json(r, k_event, 3'600'000, "host-1", r.start_ms + 1'000);
  CHECK(bare["progress"] == 0);
  CHECK(bare["pid"] == 0);
  json live = job_json(r, k_event, 3'600'000, "host-1", r.start_ms + 1'000, run_live{4321, 0.42});
  CHECK(live["progress"] == 0.42);
  CHECK(live["pid"] == 4321);
  CHECK(live["cpu"] == json::object());  // no sample yet
  CHECK(live["mem"] == json::object());
  run_live sampled{4321, 0.5};
  sampled.cpu.add(50);
  sampled.cpu.add(12.5);
  sampled.mem.add(1'048'576);
  json busy = job_json(r, k_event, 3'600'000, "host-1", r.start_ms + 3'000, sampled);
  CHECK(busy["cpu"] == json{{"min", 12.5}, {"max", 50.0}, {"total", 62.5}, {"count", 2}, {"current", 12.5}});
  CHECK(busy["mem"] == json{{"min", 1'048'576}, {"max", 1'048'576}, {"total", 1'048'576}, {"count", 1}, {"current", 1'048'576}});
  // Once ended a job is complete, progress 1.
  r.state = run_state::succeeded;
  r.end_ms = r.start_ms + 2'000;
  CHECK(job_json(r, k_event, 3'600'000, "host-1", r.end_ms, run_live{4321, 0.42})["progress"] == 1);
}

TEST_CASE("cronicle: a job recorded without a plan time has its start as now") {
  run_record r = running_run();
  r.plan_ms = 0;
  CHECK(job_now_s(r) == 1'700'000'001);
}

TEST_CASE("cronicle: a timed-out job shows the limit it was cut at as its timeout, not its event's") {
  run_record r = running_run();
  r.state = run_state::timed_out;
  r.end_ms = r.start_ms + 2'000;
  r.error = "timed out after 2000 ms";
  json job = job_json(r, k_event, 3'600'000, "host-1", r.end_ms);
  CHECK(job["timeout"] == 2);
  CHECK(job["description"] == "Job Aborted: Exceeded maximum run time (2 seconds)");
  // A finished job that was not cut shows its event's.
  r.state = run_state::succeeded;
  r.error.clear();
  CHECK(job_json(r, k_event, 3'600'000, "host-1", r.end_ms)["timeout"] == 3600);
}

TEST_CASE("cronicle: a job in flight shows its run's own fields over its event's, a command it cannot show as the event's") {
  const event_context ctx{.group = "cronicle"};
  json given = {{"title", "Nightly"}, {"enabled", 1}, {"category", "general"}, {"target", "allgrp"},
                {"plugin", "shellplug"}, {"params", {{"script", "#!/bin/sh\necho event\n"}}},
                {"timeout", 3600}, {"chain", "after"}};
  auto spec = to_job_spec(given, ctx, "e1");
  REQUIRE(spec.ok());
  job_view event;
  event.spec = *spec;
  job_view run = event;
  run.spec.timeout_ms = 300'000;
  run.spec.retries = 2;
  run.spec.controls.on_success = "other";
  run.spec.controls.hook_url = "http://127.0.0.1:9/hook";
  run.spec.target = shell_target{shell_script_command("#!/bin/sh\necho run\n")};
  json shown = event_as_run(event, run, ctx);
  CHECK(shown["timeout"] == 300);
  CHECK(shown["retries"] == 2);
  CHECK(shown["chain"] == "other");
  CHECK(shown["web_hook"] == "http://127.0.0.1:9/hook");
  CHECK(shown["params"]["script"] == "#!/bin/sh\necho run\n");
  CHECK(shown["title"] == "Nightly");
  // Without own fields the job is its event.
  CHECK(event_as_run(event, event, ctx) == event_json(event, ctx));
  // testplug's command is no script: the event's params, not the command, are shown.
  run.spec.target = shell_target{"sleep 0"};
  CHECK(event_as_run(event, run, ctx)["params"]["script"] == "#!/bin/sh\necho event\n");
}

TEST_CASE("cronicle: history lists the job that ended last first, as Cronicle unshifts each finished job") {
  auto ended = [](uint64_t id, int64_t start_ms, int64_t end_ms) {
    run_record r;
    r.run_id = id;
    r.state = run_state::succeeded;
    r.start_ms = start_ms;
    r.end_ms = end_ms;
    return r;
  };
  // 1 started first and ran longest; 2 and 3 ended in the same millisecond.
  std::vector<run_record> runs{ended(3, 300, 900), ended(2, 200, 900), ended(1, 100, 5000), ended(4, 400, 450)};
  order_by_completion(runs);
  std::vector<uint64_t> ids;
  for (const auto& r : runs) ids.push_back(r.run_id);
  CHECK(ids == std::vector<uint64_t>{1, 3, 2, 4});
}

TEST_CASE("cronicle: a job's tries are a chain: retries of one plan and node, attempts in a row") {
  auto run = [](uint64_t id, const char* job, int64_t plan, int attempt, const char* node = "") {
    run_record r;
    r.run_id = id;
    r.job_id = job;
    r.plan_ms = plan;
    r.attempt = attempt;
    r.trigger = attempt > 0 ? run_trigger::retry : run_trigger::manual;
    r.node = node;
    r.state = run_state::failed;
    r.end_ms = static_cast<int64_t>(id);
    return r;
  };
  std::vector<run_record> runs = {
      run(10, "e1", 1000, 0), run(11, "e1", 2000, 0),  // two jobs of e1
      run(12, "e1", 1000, 1), run(13, "e2", 1000, 0),  // 12 retries 10; e2 is another event
      run(14, "e1", 1000, 2), run(15, "e1", 1000, 0),  // 14 retries 12; 15 starts a new job
      run(16, "e1", 2000, 1, "w1"),                    // another node: not 11's retry
      run(17, "e1", 1000, 2)};                         // attempt 2 after 15's 0: no chain
  const auto first = first_tries(runs);
  CHECK(first.at(10) == 10);
  CHECK(first.at(12) == 10);
  CHECK(first.at(14) == 10);
  CHECK(first.at(11) == 11);
  CHECK(first.at(13) == 13);
  CHECK(first.at(15) == 15);
  CHECK(first.at(16) == 16);
  CHECK(first.at(17) == 17);

  fold_retries(runs);  // 10 -> 12 -> 14 is one job shown as 14 under 10's id
  std::vector<std::pair<uint64_t, int>> shown;
  for (const auto& r : runs) shown.emplace_back(r.run_id, r.attempt);
  CHECK(shown == std::vector<std::pair<uint64_t, int>>{{11, 0}, {13, 0}, {10, 2}, {15, 0}, {16, 1}, {17, 2}});
}

TEST_CASE("cronicle: a job's log has Cronicle's header, and once ended its footer") {
  run_record run = running_run();
  run.output_tail = "step 1\n";
  json job = job_json(run, k_event, 3'600'000, "host-1", run.start_ms);
  const std::string header = "# Job ID: " + job["id"].get<std::string>() + "\n# Event Title: Nightly\n# Hostname: host-1\n" +
                             "# Date/Time: " + log_date_time(run.start_ms) + "\n\n";
  CHECK(job_log_text(job, run) == header + "step 1\n");  // in flight: no footer yet
  run.state = run_state::succeeded;
  run.end_ms = run.start_ms + 5'000;
  job = job_json(run, k_event, 3'600'000, "host-1", run.end_ms);
  CHECK(job_log_text(job, run) ==
        header + "step 1\n\n# Job completed successfully at " + log_date_time(run.end_ms) + ".\n# End of log.\n");
  // A failure names its code unless it is 1, and its description, trimmed.
  job["code"] = 3;
  job["description"] = " Script exited with code: 3 \n";
  CHECK(job_log_text(job, run).ends_with("\n# Job failed at " + log_date_time(run.end_ms) +
                                         ".\n# Error 3: Script exited with code: 3\n# End of log.\n"));
  job["code"] = 1;
  CHECK(job_log_text(job, run).ends_with(".\n# Error: Script exited with code: 3\n# End of log.\n"));
  job["code"] = "warning";
  CHECK(job_log_text(job, run).ends_with(".\n# Error warning: Script exited with code: 3\n# End of log.\n"));
  // A success's description is written after it.
  job["code"] = 0;
  job["description"] = "42 rows";
  CHECK(job_log_text(job, run).ends_with(".\n# Description: 42 rows\n# End of log.\n"));
}

TEST_CASE("cronicle: a failed try's part of a retried job's log ends with Cronicle's retry note") {
  run_record run = running_run();
  run.output_tail = "first\n";
  run.state = run_state::failed;
  run.end_ms = run.start_ms + 1'000;
  json job = {{"id", "jx"}, {"event_title", "Flaky"}, {"hostname", "h"}, {"code", 3},
              {"description", "Script exited with code: 3"}, {"retries", 2}, {"retry_delay", 90}};
  CHECK(failed_try_log_text(job, run) == "# Job ID: jx\n# Event Title: Flaky\n# Hostname: h\n# Date/Time: " +
                                             log_date_time(run.start_ms) +
                                             "\n\nfirst\n\n# Job failed with error 3: Script exited with code: 3\n"
                                             "# 2 retries remain (1 min, 30 sec delay)\n\n");
  job["code"] = 1;
  job["description"] = "";
  job["retry_delay"] = 0;
  job["retries"] = 1;
  CHECK(failed_try_log_text(job, run).ends_with("first\n\n# Job failed with error: Unknown Error\n# 1 retries remain\n\n"));
}

TEST_CASE("cronicle: log times are the server's local time with its zone's abbreviation") {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  CHECK(log_date_time(1'700'000'000'999) == "2023-11-14 22:13:20 (UTC)");
  ::setenv("TZ", "America/New_York", 1);
  ::tzset();
  CHECK(log_date_time(1'700'000'000'000) == "2023-11-14 17:13:20 (EST)");
  ::unsetenv("TZ");
  ::tzset();
}
