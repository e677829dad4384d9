// End to end: run pools through the native API (http/native/pool_routes.h): jobs of a group that
// name one pool share its limit (a run now over it is a 429, a queued one waits for a slot), a
// disabled pool starts nothing, the pool survives a kill -9, and it cannot be deleted while a job
// names it.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

// A shell job of group P in pool `pool` that runs until `gate` exists.
json gated_job(const std::string& name, const std::string& gate, bool queue) {
  json controls{{"pool", "p"}};
  if (queue) controls["queue"] = true;
  return json{{"group_name", "P"}, {"name", name}, {"job_id", name},
              {"exec_command", "while [ ! -e " + gate + " ]; do sleep 0.05; done"},
              {"interval_pattern", "@manually"}, {"controls", controls}};
}

http_response put_pool(native_api& api, const json& body) {
  return api.client.request("PUT", "/v1/P/pool/p", body.dump());
}

}  // namespace

TEST_CASE("native pools: two jobs share a pool's limit, a queued run waits for its slot, and the pool survives kill -9") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("P");
  const std::string gate = "/tmp/ms_pool_gate_" + std::to_string(unix_now_ms());
  auto refused = api.client.post_json("/v1/add/job", gated_job("a", gate, false));
  CHECK(refused.status == 400);  // no pool p yet
  CHECK(refused.body.find("controls: pool: group P has no run pool p") != std::string::npos);

  REQUIRE(put_pool(api, json{{"max_running", 1}}).status == 200);
  api.add_job(gated_job("a", gate, false));
  api.add_job(gated_job("b", gate, true));
  CHECK(api.detail("P", "a")["controls"]["pool"] == "p");

  CHECK(api.success(api.client.post_json("/v1/P/job/a/run", json::object())) != "0");
  REQUIRE(eventually([&] { return api.success(api.client.get("/v1/P/pool/p"))["running"] == 1; }));
  const std::string metrics = api.client.get("/metrics").body;
  CHECK(metrics.find("mainspring_run_pool_running{group=\"P\",pool=\"p\"} 1\n") != std::string::npos);
  CHECK(metrics.find("mainspring_run_pool_max_running{group=\"P\",pool=\"p\"} 1\n") != std::string::npos);
  CHECK(metrics.find("mainspring_run_pool_enabled{group=\"P\",pool=\"p\"} 1\n") != std::string::npos);
  // b has a queue: its run waits for the pool's slot; a run of a (no queue) is refused.
  CHECK(api.success(api.client.post_json("/v1/P/job/b/run", json::object())) == "0");
  auto full = api.client.post_json("/v1/P/job/a/run", json::object());
  CHECK(full.status == 429);
  CHECK(full.body.find("pool_full: p") != std::string::npos);
  auto in_use = api.client.del("/v1/P/pool/p");
  CHECK(in_use.status == 409);

  std::ofstream(gate) << "go";
  REQUIRE(eventually([&] { return api.detail("P", "b")["counts"]["successes"] == 1; }, 20s));
  CHECK(api.detail("P", "a")["counts"]["successes"] == 1);

  // Disabled: nothing of its jobs starts, and it says so.
  REQUIRE(put_pool(api, json{{"max_running", 1}, {"enabled", false}}).status == 200);
  auto off = api.client.post_json("/v1/P/job/a/run", json::object());
  CHECK(off.status == 409);
  CHECK(off.body.find("pool_disabled: p") != std::string::npos);

  server.kill9();
  server.restart();
  native_api again(server.base_url());
  json pools = again.success(again.client.get("/v1/P/pools"));
  REQUIRE(pools.size() == 1);
  CHECK(pools[0]["name"] == "p");
  CHECK(pools[0]["enabled"] == false);
  CHECK(pools[0]["max_running"] == 1);
  CHECK(again.client.post_json("/v1/P/job/a/run", json::object()).status == 409);

  // Out of the pool, then the pool can go.
  for (const char* id : {"a", "b"})
    again.post_ok("/v1/edit/job", json{{"group_name", "P"}, {"job_id", id}, {"controls", json::object()}});
  auto deleted = again.client.del("/v1/P/pool/p");
  CHECK(deleted.status == 200);
  CHECK(again.success(again.client.get("/v1/P/pools")).empty());
  CHECK(again.client.get("/v1/P/pool/p").status == 404);
  std::filesystem::remove(gate);
}

TEST_CASE("native pools: a group's dump holds its pools, and importing it into a fresh server brings them back") {
  server_process a;
  native_api api(a.base_url());
  api.register_group("P");
  REQUIRE(put_pool(api, json{{"max_running", 1}, {"cpu_limit_percent", 50}, {"cpu_sustain_s", 10}}).status == 200);
  api.add_job(gated_job("a", "/nonexistent", false));
  auto dump = api.client.get("/v1/P/dump");
  REQUIRE(dump.status == 200);

  server_process b;
  native_api fresh(b.base_url());
  auto imported = fresh.client.request("POST", "/v1/import", dump.body, "application/gzip");
  INFO(imported.body);
  REQUIRE(imported.status == 200);
  json pool = fresh.success(fresh.client.get("/v1/P/pool/p"));
  CHECK(pool["max_running"] == 1);
  CHECK(pool["cpu_limit_percent"] == 50);
  CHECK(pool["cpu_sustain_s"] == 10);
  CHECK(fresh.detail("P", "a")["controls"]["pool"] == "p");
  CHECK(fresh.client.del("/v1/P/pool/p").status == 409);  // job a still names it
}
