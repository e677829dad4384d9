// The Cronicle dialect's job calls driven through the router with an in-memory scheduler_api:
// get_job_details, and what it needs of a key.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/cronicle/cronicle_dialect.h"
#include "http/cronicle/event_json.h"
#include "http/router.h"
#include "tests/http/cronicle_routes.h"

using namespace mainspring;
using namespace mainspring::http;
using nlohmann::json;

namespace {

// A Cronicle listener's routes over a fake scheduler holding event `e1` (whose run 42 ended).
struct cronicle_fixture : cronicle_routes {
  cronicle_fixture() {
    json e = {{"title", "T"}, {"enabled", 1}, {"category", "general"}, {"target", "allgrp"}, {"plugin", "shellplug"},
              {"params", {{"script", "echo hi"}}}, {"timeout", 60}};
    auto spec = cronicle::to_job_spec(e, {}, "e1");
    REQUIRE(spec.ok());
    spec->id = "e1";
    job_view v;
    v.spec = *spec;
    api.jobs["cronicle"]["e1"] = v;
  }
};

}  // namespace

TEST_CASE("cronicle: get_job_details answers a finished job as get_job_status shows it") {
  cronicle_fixture f;
  json details = f.call("get_job_details", {{"id", "je1_42"}});
  INFO(details.dump());
  CHECK(details["code"] == 0);
  CHECK(details["job"] == f.call("get_job_status", {{"id", "je1_42"}})["job"]);
  CHECK(details["job"]["complete"] == 1);
  CHECK_FALSE(details.contains("token"));
  CHECK(call_route(f.routes, "GET", "/api/app/get_job_details?id=je1_42").body["job"]["id"] == "je1_42");
  json missing = f.call("get_job_details", {{"id", "je1_7"}});
  CHECK(missing == json{{"code", "job"}, {"description", "Failed to fetch job details: Error: Failed to fetch key: jobs/je1_7: File not found"}});
  CHECK(f.call("get_job_details", {{"id", "a/b"}}) == json{{"code", "api"}, {"description", "Malformed parameter: id"}});
  http_request req;
  req.params["name"] = "get_job_details";
  req.query["id"] = "je1_42";  // without one, the call is refused before any key is asked
  CHECK(cronicle::key_requirements()(req, "").what == key_requirement::kind::any_key);
}

TEST_CASE("cronicle: get_history shows an event's last finished job before the store holds it") {
  cronicle_fixture f;
  f.api.groups["cronicle"] = group_spec{};
  auto finished = [](uint64_t id, int64_t end_ms) {
    run_record r;
    r.run_id = id;
    r.job_id = "e1";
    r.group = "cronicle";
    r.trigger = run_trigger::manual;
    r.state = run_state::succeeded;
    r.plan_ms = r.start_ms = end_ms - 1'000;
    r.end_ms = end_ms;
    return r;
  };
  f.api.group_runs = {finished(42, 1'700'000'000'000)};             // in the store
  f.api.jobs["cronicle"]["e1"].last_run = finished(43, 1'700'000'100'000);  // ended, not written yet
  json history = f.call("get_history", json::object());
  INFO(history.dump());
  REQUIRE(history["rows"].size() == 2);
  CHECK(history["rows"][0]["id"] == "je1_43");
  CHECK(history["rows"][1]["id"] == "je1_42");
  CHECK(history["list"]["length"] == 2);
  // Once the store has it, it shows once.
  f.api.group_runs.push_back(finished(43, 1'700'000'100'000));
  CHECK(f.call("get_history", json::object())["rows"].size() == 2);
  // A job in flight is no history row.
  run_record running = finished(44, 0);
  running.state = run_state::running;
  f.api.jobs["cronicle"]["e1"].last_run = running;
  CHECK(f.call("get_history", json::object())["rows"].size() == 2);
}
