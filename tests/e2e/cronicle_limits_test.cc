// Cronicle end-to-end: urlplug's follow, success_match and error_match against a loopback sink,
// and shellplug events over their cpu_limit, memory_limit and log_max_size, each judged by what
// Cronicle's own calls (get_job_status, get_event_history) say about the job.
#include <catch2/catch.hpp>

#include "tests/e2e/cronicle_helpers.h"
#include "tests/support/http_sink.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

json url_event(const std::string& title, const json& params) {
  return {{"title", title}, {"enabled", 1}, {"category", "general"}, {"target", "maingrp"},
          {"plugin", "urlplug"}, {"params", params}};
}

// Runs the event now and answers its finished job.
json run_to_end(cronicle_server& s, const std::string& event_id) {
  std::string job = s.ok("run_event", {{"id", event_id}})["ids"][0];
  return s.wait_job(job);
}

// The event's newest history row, once there is one.
json last_history_row(cronicle_server& s, const std::string& event_id) {
  json rows;
  REQUIRE(eventually([&] {
    rows = s.ok("get_event_history", {{"id", event_id}})["rows"];
    return !rows.empty();
  }));
  return rows[0];
}

}  // namespace

TEST_CASE("cronicle: a urlplug event follows a redirect only when follow is set") {
  cronicle_server s;
  http_sink sink;
  sink.set_response(200, "arrived");
  sink.set_redirect("/moved", sink.url("/here"));
  std::string id = s.create(url_event("Moved", {{"method", "GET"}, {"url", sink.url("/moved")}, {"follow", 0}}));
  json stay = run_to_end(s, id);
  CHECK(stay["code"] == 1);
  CHECK(stay["description"] == "HTTP 302");

  s.ok("update_event", {{"id", id}, {"params", {{"method", "GET"}, {"url", sink.url("/moved")}, {"follow", 1}}}});
  CHECK(s.ok("get_event", {{"id", id}})["event"]["params"]["follow"] == 1);
  json follow = run_to_end(s, id);
  CHECK(follow["code"] == 0);
  CHECK(follow["description"] == "Success (HTTP 200 OK)");
  CHECK(sink.requests().back().path == "/here");
}

TEST_CASE("cronicle: urlplug's success_match and error_match judge the reply body in Cronicle's words") {
  cronicle_server s;
  http_sink sink;
  sink.set_response(200, "{\"state\": \"done\", \"errors\": 0}");
  std::string id = s.create(url_event("Matched", {{"url", sink.url("/")}, {"success_match", "\"state\":\\s*\"done\""}}));
  json ok = run_to_end(s, id);
  CHECK(ok["code"] == 0);
  CHECK(ok["description"] == "Success (HTTP 200 OK)");

  s.ok("update_event", {{"id", id}, {"params", {{"url", sink.url("/")}, {"success_match", "^ready$"}}}});
  json missing = run_to_end(s, id);
  CHECK(missing["code"] == 1);
  CHECK(missing["description"] == "Response missing success match: ^ready$");
  CHECK(last_history_row(s, id)["description"] == "Response missing success match: ^ready$");

  s.ok("update_event", {{"id", id}, {"params", {{"url", sink.url("/")}, {"error_match", "\"errors\": [0-9]+"}}}});
  json error = run_to_end(s, id);
  CHECK(error["code"] == 1);
  CHECK(error["description"] == "Response contains error match: \"errors\": [0-9]+");

  json bad = s.call("update_event", {{"id", id}, {"params", {{"url", sink.url("/")}, {"success_match", "[unclosed"}}}});
  CHECK(bad["code"] == "api");
  CHECK(bad["description"].get<std::string>().starts_with("Malformed event: params: success_match: "));
}

TEST_CASE("cronicle: a shellplug event over its memory_limit is aborted") {
  cronicle_server s;
  json e = shell_event("Hungry", "#!/bin/sh\npython3 -c 'b = b\"x\" * (96 << 20); import time; time.sleep(60)'\necho survived\n");
  e["memory_limit"] = 32 << 20;
  std::string id = s.create(e);
  CHECK(s.ok("get_event", {{"id", id}})["event"]["memory_limit"] == 32 << 20);
  json job = run_to_end(s, id);
  CHECK(job["code"] == 1);
  CHECK(job["description"] == "Job Aborted: Exceeded memory limit of 32 MB");
  CHECK(last_history_row(s, id)["description"] == "Job Aborted: Exceeded memory limit of 32 MB");
}

TEST_CASE("cronicle: a shellplug event busier than its cpu_limit for cpu_sustain is aborted") {
  cronicle_server s;
  json e = shell_event("Busy", "#!/bin/sh\nwhile :; do :; done\n");
  e["cpu_limit"] = 5;
  e["cpu_sustain"] = 1;
  std::string id = s.create(e);
  json shown = s.ok("get_event", {{"id", id}})["event"];
  CHECK(shown["cpu_limit"] == 5);
  CHECK(shown["cpu_sustain"] == 1);
  json job = run_to_end(s, id);
  CHECK(job["code"] == 1);
  CHECK(job["description"] == "Job Aborted: Exceeded CPU limit of 5% for over 1 second");
  CHECK(last_history_row(s, id)["description"] == "Job Aborted: Exceeded CPU limit of 5% for over 1 second");
}

TEST_CASE("cronicle: a shellplug event printing past its log_max_size is aborted, a quiet one is not") {
  cronicle_server s;
  json e = shell_event("Chatty", "#!/bin/sh\nwhile :; do echo 'all work and no play'; done\n");
  e["log_max_size"] = 10240;
  std::string id = s.create(e);
  json job = run_to_end(s, id);
  CHECK(job["code"] == 1);
  CHECK(job["description"] == "Job Aborted: Exceeded log file size limit of 10 K");

  s.ok("update_event", {{"id", id}, {"params", {{"script", "#!/bin/sh\necho 'just this'\n"}}}});
  CHECK(s.ok("get_event", {{"id", id}})["event"]["log_max_size"] == 10240);
  json quiet = run_to_end(s, id);
  CHECK(quiet["code"] == 0);
}
