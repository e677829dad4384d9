// End to end: job controls through the native API (an extension of the seed's job): a
// "controls" object on add and edit, shown in the job's detail; runs at once with a queue, a
// follow-up job on success, a run hook; bad controls refused with a 400 naming the member.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/support/http_sink.h"

using namespace mainspring;
using namespace mainspring::e2e;

TEST_CASE("native: controls queue a second run, run the follow-up job, post the run hook, and show in the detail") {
  http_sink sink;
  server_process server;
  native_api api(server.base_url());
  api.register_group("C");
  std::string gate = "/tmp/ms_controls_gate_" + std::to_string(unix_now_ms());
  std::string next = api.add_job(json{{"group_name", "C"}, {"name", "next"}, {"request_url", "NOOP@"},
                                      {"interval_pattern", "@manually"}});
  std::string first = api.add_job(json{
      {"group_name", "C"}, {"name", "first"}, {"exec_command", "while [ ! -e " + gate + " ]; do sleep 0.05; done"},
      {"interval_pattern", "@manually"},
      {"controls", {{"max_running", 1}, {"queue", true}, {"queue_max", 1}, {"on_success", next},
                    {"hook_url", sink.url("/run")}}}});
  json detail = api.detail("C", first);
  CHECK(detail["controls"]["max_running"] == 1);
  CHECK(detail["controls"]["queue"] == true);
  CHECK(detail["controls"]["on_success"] == next);
  CHECK_FALSE(api.detail("C", next).contains("controls"));  // default controls are not shown

  CHECK(api.success(api.client.post_json("/v1/C/job/" + first + "/run", json::object())) != "0");
  CHECK(api.success(api.client.post_json("/v1/C/job/" + first + "/run", json::object())) == "0");  // waits
  REQUIRE(eventually([&] { return api.detail("C", first)["counts"]["waiting"] == 1; }));
  auto full = api.client.post_json("/v1/C/job/" + first + "/run", json::object());
  CHECK(full.status == 429);
  CHECK(full.body.find("queue_max") != std::string::npos);

  std::ofstream(gate) << "go";
  REQUIRE(eventually([&] { return api.detail("C", first)["counts"]["successes"] == 2; }, 20s));
  REQUIRE(eventually([&] { return api.detail("C", next)["counts"]["successes"] == 2; }));
  for (const auto& run : api.executions("C", next)) CHECK(run["trigger"] == "parent");
  // Start and end of each of the two runs, as Mainspring's run report.
  REQUIRE(sink.wait_for_requests(4, std::chrono::seconds(20)));
  for (const auto& r : sink.requests()) CHECK(json::parse(r.body)["job_id"] == first);
  std::filesystem::remove(gate);
}

TEST_CASE("native: bad controls are refused with a 400 naming the member, and change nothing") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("C");
  std::string id = api.add_job(json{{"group_name", "C"}, {"name", "j"}, {"request_url", "NOOP@"},
                                    {"interval_pattern", "@manually"}});
  auto refused = [&](const json& controls, const std::string& text) {
    auto r = api.client.post_json("/v1/edit/job", json{{"group_name", "C"}, {"job_id", id}, {"controls", controls}});
    INFO(r.body);
    CHECK(r.status == 400);
    CHECK(r.body.find(text) != std::string::npos);
  };
  refused(json::array(), "controls: must be an object");
  refused({{"max_runing", 1}}, "controls: unknown member \\\"max_runing\\\"");
  refused({{"queue", "yes"}}, "controls: queue: must be true or false");
  refused({{"max_running", -1}}, "max_running: must be between 0 and");
  refused({{"on_failure", "../x"}}, "on_failure: not a job id");
  refused({{"hook_url", "ftp://x"}}, "hook_url: must be an http:// or https:// URL");
  CHECK_FALSE(api.detail("C", id).contains("controls"));
}
