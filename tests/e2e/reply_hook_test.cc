// End-to-end: with --reply-hook, every finished run is POSTed as a JSON report.
#include <catch2/catch.hpp>

#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/support/http_sink.h"

using namespace mainspring;
using namespace mainspring::e2e;

TEST_CASE("the reply hook receives one JSON report per finished run") {
  http_sink hook;
  hook.set_response(200, "ok");
  server_process server({"--reply-hook", hook.url("/hook")});
  native_api api(server.base_url());
  api.register_group("G");
  std::string ok_id = api.add_job({{"group_name", "G"}, {"name", "fine"}, {"interval_pattern", "@manually"},
                                   {"request_url", ""}, {"exec_command", "true"}});
  std::string bad_id = api.add_job({{"group_name", "G"}, {"name", "broken"}, {"interval_pattern", "@manually"},
                                    {"request_url", ""}, {"exec_command", "exit 4"}});
  auto run_ok = api.success(api.client.post_json("/v1/G/job/" + ok_id + "/run", json::object()));
  auto run_bad = api.success(api.client.post_json("/v1/G/job/" + bad_id + "/run", json::object()));

  REQUIRE(hook.wait_for_requests(2, std::chrono::seconds(20)));
  std::map<std::string, json> reports;  // by run id
  for (const auto& req : hook.requests()) {
    CHECK(req.method == "POST");
    CHECK(req.path == "/hook");
    auto report = json::parse(req.body);
    reports[report["run_id"].get<std::string>()] = report;
  }
  REQUIRE(reports.count(run_ok.get<std::string>()) == 1);
  REQUIRE(reports.count(run_bad.get<std::string>()) == 1);

  const json& good = reports[run_ok.get<std::string>()];
  CHECK(good["job_id"] == ok_id);
  CHECK(good["group_name"] == "G");
  CHECK(good["job_name"] == "fine");
  CHECK(good["success"] == true);
  CHECK(good["status"] == "succeeded");
  CHECK(good["plan_time"].get<int64_t>() <= good["exec_time"].get<int64_t>());
  CHECK(good["exec_time"].get<int64_t>() <= good["finish_time"].get<int64_t>());

  const json& bad = reports[run_bad.get<std::string>()];
  CHECK(bad["success"] == false);
  CHECK(bad["status"] == "failed");
  CHECK(bad["code"] == 4);
  CHECK(bad["error"] == "exit code 4");
}
