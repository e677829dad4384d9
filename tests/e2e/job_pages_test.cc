// End to end: the native API's paged job list (GET /v1/{group}/jobs, an extension) and stopping a
// job's runs (POST /v1/{group}/job/{id}/abort), against the real server.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"

using namespace mainspring::e2e;

namespace {

std::string padded(int i) {
  std::string n = std::to_string(i);
  return std::string(4 - n.size(), '0') + n;
}

}  // namespace

TEST_CASE("paged job lists: any offset, filters by text and state, orders by id (either way), name or next fire") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  // 250 jobs: ids j0000..j0249, names in reverse order, next fires one hour apart in reverse too.
  const int64_t now_s = unix_now_ms() / 1000;
  for (int i = 0; i < 250; ++i)
    api.add_job({{"group_name", "G"},
                 {"job_id", "j" + padded(i)},
                 {"name", "name" + padded(249 - i)},
                 {"request_url", "NOOP@"},
                 {"interval_pattern", "@every 1h"},
                 {"exec_time", now_s + 3600 * (300 - i)}});
  for (int i = 0; i < 250; i += 10) api.post_ok("/v1/pause/job", {{"group_name", "G"}, {"job_id", "j" + padded(i)}});

  auto page = [&](const std::string& query) { return api.success(api.client.get("/v1/G/jobs" + query)); };
  auto ids = [](const json& p) {
    std::vector<std::string> out;
    for (const auto& j : p["jobs"]) out.push_back(j["id"]);
    return out;
  };

  json first = page("");  // defaults: offset 0, limit 100, by id
  CHECK(first["total"] == 250);
  REQUIRE(first["jobs"].size() == 100);
  CHECK(first["jobs"][0]["id"] == "j0000");
  CHECK(first["jobs"][99]["id"] == "j0099");
  CHECK(first["jobs"][0].contains("next_fire_time"));
  json last = page("?offset=200&limit=100");
  CHECK(last["total"] == 250);
  CHECK(ids(last).size() == 50);
  CHECK(ids(last).front() == "j0200");
  CHECK(page("?offset=1000")["jobs"].empty());

  // Text: ids or names containing it. State: paused ones (every tenth).
  json named = page("?q=name0249");
  REQUIRE(named["total"] == 1);
  CHECK(named["jobs"][0]["id"] == "j0000");
  json paused = page("?state=paused&limit=1000");
  CHECK(paused["total"] == 25);
  for (const auto& j : paused["jobs"]) CHECK(j["phase"] == "paused");
  CHECK(page("?state=active")["total"] == 225);

  // Orders: by name (reverse of ids here), by next fire (soonest first; paused ones never fire, last).
  json by_name = page("?sort=name&limit=3");
  CHECK(ids(by_name) == std::vector<std::string>{"j0249", "j0248", "j0247"});
  json by_fire = page("?sort=next_fire&limit=3&state=active");
  CHECK(ids(by_fire) == std::vector<std::string>{"j0249", "j0248", "j0247"});
  json tail = page("?sort=next_fire&offset=245&limit=5");
  for (const auto& j : tail["jobs"]) CHECK(j["phase"] == "paused");
  // By id, last first: from the end of the id order, also past it and with a filter.
  json backwards = page("?sort=id_desc&limit=3");
  CHECK(backwards["total"] == 250);
  CHECK(ids(backwards) == std::vector<std::string>{"j0249", "j0248", "j0247"});
  CHECK(ids(page("?sort=id_desc&offset=248&limit=5")) == std::vector<std::string>{"j0001", "j0000"});
  CHECK(page("?sort=id_desc&offset=250")["jobs"].empty());
  CHECK(ids(page("?sort=id_desc&state=paused&limit=2")) == std::vector<std::string>{"j0240", "j0230"});

  // Bad queries: 400 in the native envelope, naming the parameter.
  for (const char* bad : {"?limit=0", "?limit=1001", "?offset=-1", "?state=sleeping", "?sort=random", "?limit=x"}) {
    auto r = api.client.get(std::string("/v1/G/jobs") + bad);
    INFO(bad << " " << r.body);
    CHECK(r.status == 400);
    CHECK(r.json().contains("error"));
  }
  CHECK(api.client.get("/v1/NOPE/jobs").status == 404);  // the native API: an unknown group
  // The whole list agrees with the pages, in id order.
  json all = api.jobs("G");
  REQUIRE(all.size() == 250);
  CHECK(all[0]["id"] == "j0000");
  CHECK(all[249]["id"] == "j0249");
}

TEST_CASE("abort stops a job's running shell run, recorded failed as aborted, and leaves its schedule") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  std::string id = api.add_job({{"group_name", "G"},
                                {"name", "sleeper"},
                                {"exec_command", "echo started; sleep 60"},
                                {"interval_pattern", "@every 1h"},
                                {"exec_time", unix_now_ms() / 1000 + 3600},
                                {"timeout", 120}});
  CHECK(api.success(api.client.post_json("/v1/G/job/" + id + "/abort", json::object())) == 0);  // nothing runs
  api.success(api.client.post_json("/v1/G/job/" + id + "/run", json::object()));
  REQUIRE(eventually([&] { return api.detail("G", id)["counts"]["running"] == 1; }));
  CHECK(api.success(api.client.post_json("/v1/G/job/" + id + "/abort", json::object())) == 1);
  REQUIRE(eventually([&] { return api.detail("G", id)["counts"]["running"] == 0; }));
  json run = api.executions("G", id)[0];
  CHECK(run["state"] == "failed");
  CHECK(run["error"] == "aborted: stopped through the native API");
  json detail = api.detail("G", id);
  CHECK(detail["phase"] == "active");
  CHECK(detail["next_fire_time"].is_number());
  CHECK(api.client.post_json("/v1/G/job/nope/abort", json::object()).status == 404);
}

TEST_CASE("a failed run's retry waits in the job's detail, abort drops it, and a run a client aborts is not retried") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  auto add = [&](const std::string& name, const std::string& command, int retry_delay) {
    return api.add_job({{"group_name", "G"}, {"name", name}, {"exec_command", command},
                        {"interval_pattern", "@every 1h"}, {"exec_time", unix_now_ms() / 1000 + 3600},
                        {"retries", 2}, {"retry_delay", retry_delay}});
  };
  std::string failing = add("failing", "exit 3", 600);
  CHECK_FALSE(api.detail("G", failing).contains("retries_waiting"));
  api.success(api.client.post_json("/v1/G/job/" + failing + "/run", json::object()));
  REQUIRE(eventually([&] { return api.detail("G", failing).contains("retries_waiting"); }));
  json detail = api.detail("G", failing);
  REQUIRE(detail["retries_waiting"].size() == 1);
  json waiting = detail["retries_waiting"][0];
  CHECK(waiting["after_run_id"] == api.executions("G", failing)[0]["run_id"]);
  CHECK(waiting["attempt"] == 1);
  CHECK(waiting["due_time"].get<int64_t>() >= unix_now_ms() / 1000 + 590);
  // Nothing runs, so abort answers 0, and the waiting retry is gone.
  CHECK(api.success(api.client.post_json("/v1/G/job/" + failing + "/abort", json::object())) == 0);
  CHECK_FALSE(api.detail("G", failing).contains("retries_waiting"));

  // A run the client aborts is not retried, even with retries left and no delay; a run that fails
  // by itself is, which shows the aborted one had time to be.
  std::string sleeper = add("sleeper", "sleep 60", 0);
  api.success(api.client.post_json("/v1/G/job/" + sleeper + "/run", json::object()));
  REQUIRE(eventually([&] { return api.detail("G", sleeper)["counts"]["running"] == 1; }));
  CHECK(api.success(api.client.post_json("/v1/G/job/" + sleeper + "/abort", json::object())) == 1);
  REQUIRE(eventually([&] { return api.detail("G", sleeper)["counts"]["running"] == 0; }));
  std::string quick = add("quick", "exit 4", 0);
  api.success(api.client.post_json("/v1/G/job/" + quick + "/run", json::object()));
  REQUIRE(eventually([&] { return api.detail("G", quick)["counts"]["runs"] == 3; }));
  CHECK(api.detail("G", sleeper)["counts"]["retries"] == 0);
  CHECK(api.executions("G", sleeper).size() == 1);
}
