// The native API's run pool routes (http/native/pool_routes.h) and a job's "pool" control,
// through the router with an in-memory scheduler_api: shapes, defaults, what a PUT keeps of a
// dialect's pool, and every refusal (which changes nothing).
#include "http/native/pool_routes.h"

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/native/native_routes.h"
#include "tests/http/fake_scheduler.h"
#include "tests/http/route_caller.h"

using namespace mainspring;
using namespace mainspring::http;
using nlohmann::json;

namespace {

struct fixture {
  fake_scheduler api;
  router routes;
  fixture() {
    native::add_native_routes(routes, api);
    api.groups["G"] = group_spec{"G", "SECRET", 1};
  }
  answer_t call(std::string method, const std::string& target, std::string body = "") {
    answer_t a = call_route(routes, std::move(method), target, std::move(body));
    CHECK(a.content_type == "application/json;charset=UTF-8");
    return a;
  }
};

}  // namespace

TEST_CASE("native pools: PUT adds a pool with defaults for what the body leaves out, GET shows it with its runs") {
  fixture f;
  auto put = f.call("PUT", "/v1/G/pool/nightly", R"({"max_running": 2, "hook_url": "http://127.0.0.1:9/h"})");
  REQUIRE(put.status == 200);
  CHECK(put.body["success"]["name"] == "nightly");
  CHECK(put.body["success"]["max_running"] == 2);
  CHECK(put.body["success"]["enabled"] == true);
  CHECK(put.body["success"]["cpu_limit_percent"] == 0);
  CHECK(put.body["success"]["created_ms"].get<int64_t>() > 0);
  REQUIRE(f.api.pools["G"].count("nightly"));
  CHECK(f.api.pools["G"]["nightly"].hook_url == "http://127.0.0.1:9/h");

  f.api.pool_running["G/nightly"] = 1;
  auto one = f.call("GET", "/v1/G/pool/nightly");
  CHECK(one.status == 200);
  CHECK(one.body["success"]["running"] == 1);
  CHECK(f.call("PUT", "/v1/G/pool/a_first", "").status == 200);  // an empty body: every default
  auto all = f.call("GET", "/v1/G/pools");
  REQUIRE(all.status == 200);
  REQUIRE(all.body["success"].size() == 2);
  CHECK(all.body["success"][0]["name"] == "a_first");  // by name
  CHECK(all.body["success"][0]["max_running"] == 0);
  CHECK(all.body["success"][1]["running"] == 1);
}

TEST_CASE("native pools: a PUT replaces the settings as a whole and keeps a dialect's fields and the creation time") {
  fixture f;
  run_pool_spec cronicle_category{.name = "cat1", .max_running = 3, .hook_url = "http://127.0.0.1:9/c",
                                  .hook_format = "cronicle", .dialect_data = R"({"title":"Reports"})",
                                  .created_ms = 1000, .updated_ms = 2000};
  f.api.pools["G"]["cat1"] = cronicle_category;
  auto put = f.call("PUT", "/v1/G/pool/cat1", R"({"enabled": false, "hook_url": "http://127.0.0.1:9/c"})");
  REQUIRE(put.status == 200);
  const run_pool_spec& now = f.api.pools["G"]["cat1"];
  CHECK_FALSE(now.enabled);
  CHECK(now.max_running == 0);  // absent: the default, not the old value
  CHECK(now.dialect_data == R"({"title":"Reports"})");
  CHECK(now.created_ms == 1000);
  CHECK(now.updated_ms > 2000);
  CHECK(now.hook_format == "cronicle");  // the same hook keeps its format
  CHECK(f.call("PUT", "/v1/G/pool/cat1", R"({"hook_url": "http://127.0.0.1:9/other"})").status == 200);
  CHECK(f.api.pools["G"]["cat1"].hook_format.empty());  // another hook gets Mainspring's report
}

TEST_CASE("native pools: bad names, bodies and groups are refused in the native error shape and change nothing") {
  fixture f;
  auto bad_name = f.call("PUT", "/v1/G/pool/no-dash", "{}");
  CHECK(bad_name.status == 400);
  CHECK(bad_name.error().find("name: must be 1 to 64 letters") == 0);
  auto unknown = f.call("PUT", "/v1/G/pool/p", R"({"max_runing": 1})");
  CHECK(unknown.status == 400);
  CHECK(unknown.error() == "unknown member \"max_runing\"");
  auto wrong_type = f.call("PUT", "/v1/G/pool/p", R"({"enabled": "yes"})");
  CHECK(wrong_type.status == 400);
  CHECK(wrong_type.error() == "enabled: must be true or false, got string");
  auto negative = f.call("PUT", "/v1/G/pool/p", R"({"max_running": -1})");
  CHECK(negative.status == 400);
  CHECK(negative.error().find("max_running") == 0);
  CHECK(f.call("PUT", "/v1/G/pool/p", "[1]").status == 400);
  auto truncated = f.call("PUT", "/v1/G/pool/p", R"({"max_running": 1)");
  CHECK(truncated.status == 400);
  CHECK(truncated.error().find("malformed JSON body") == 0);
  auto no_group = f.call("PUT", "/v1/NOPE/pool/p", "{}");
  CHECK(no_group.status == 404);
  CHECK(f.api.pools.empty());
  CHECK(f.call("GET", "/v1/NOPE/pools").status == 404);
  auto missing = f.call("GET", "/v1/G/pool/p");
  CHECK(missing.status == 404);
  CHECK(missing.error() == "group G has no run pool p");
  CHECK(f.call("DELETE", "/v1/G/pool/p").status == 404);
}

TEST_CASE("native pools: DELETE removes a pool no job names, and is refused while one does") {
  fixture f;
  f.api.pools["G"]["p"] = run_pool_spec{.name = "p", .max_running = 1};
  job_view member;
  member.spec.id = "j1";
  member.spec.group = "G";
  member.spec.controls.pool = "p";
  f.api.jobs["G"]["j1"] = member;
  auto refused = f.call("DELETE", "/v1/G/pool/p");
  CHECK(refused.status == 409);
  CHECK(refused.error() == "run pool p is named by 1 job(s) of group G (j1); take them out of it first");
  CHECK(f.api.pools["G"].count("p"));
  f.api.jobs["G"].clear();
  auto deleted = f.call("DELETE", "/v1/G/pool/p");
  CHECK(deleted.status == 200);
  CHECK(deleted.body["success"] == "ok");
  CHECK_FALSE(f.api.pools["G"].count("p"));
}

TEST_CASE("native pools: a job may name only a pool its group has, on add and on edit") {
  fixture f;
  const std::string job = R"({"group_name":"G","name":"j","job_id":"j","request_url":"NOOP@",
                              "interval_pattern":"@manually","controls":{"pool":"p"}})";
  auto refused = f.call("POST", "/v1/add/job", job);
  CHECK(refused.status == 400);
  CHECK(refused.error() == "controls: pool: group G has no run pool p");
  CHECK(f.api.jobs["G"].empty());
  f.api.pools["G"]["p"] = run_pool_spec{.name = "p"};
  auto added = f.call("POST", "/v1/add/job", job);
  REQUIRE(added.status == 200);
  CHECK(f.api.added->controls.pool == "p");
  auto edit = f.call("POST", "/v1/edit/job", R"({"group_name":"G","job_id":"j","controls":{"pool":"q"}})");
  CHECK(edit.status == 400);
  CHECK(edit.error() == "controls: pool: group G has no run pool q");
  CHECK(f.call("POST", "/v1/edit/job", R"({"group_name":"G","job_id":"j","controls":{"pool":"p"}})").status == 200);
  CHECK(f.api.patch->controls->pool == "p");
}
