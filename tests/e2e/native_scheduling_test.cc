// End to end: what jobs added through the native API do over time, observed at a local HTTP sink
// that HTTP@ jobs call. Waits are bounded polls on events. Where a test checks that something
// does NOT happen, it waits for the scheduler's own progress instead of a fixed time: a control
// job (@every 1s) fires a few more times, so a busy machine that slows the scheduler slows the
// window with it.
#include <algorithm>
#include <set>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/support/http_sink.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

// An HTTP@ job against `sink` with the given pattern; more fields from `extra`.
json http_job(const http_sink& sink, const std::string& name, const std::string& pattern,
              json extra = json::object()) {
  json body{{"group_name", "G"},
            {"name", name},
            {"request_url", "HTTP@" + sink.url("/" + name)},
            {"interval_pattern", pattern},
            {"exec_time", 0},
            {"timeout", 5}};
  body.update(extra);
  return body;
}

// How many requests for `path` the sink has seen.
std::size_t hits(const http_sink& sink, const std::string& path) {
  std::size_t n = 0;
  for (const auto& r : sink.requests()) n += r.path == path;
  return n;
}

// How many further fires of the control job a quiet window lasts: at least two whole periods of
// any @every 1s job under test.
constexpr std::size_t k_quiet_control_fires = 3;

// Adds the control job, an @every 1s HTTP@ job calling `/control` on `sink`, in a group of its
// own ("C"), so that lists and clears of "G" do not see it.
void add_control_job(native_api& api, const http_sink& sink) {
  api.register_group("C");
  json control = http_job(sink, "control", "@every 1s");
  control["group_name"] = "C";
  api.add_job(control);
  REQUIRE(sink.wait_for_requests(1, 10s));
}

// Returns once the control job has fired `fires` more times (bounded).
void let_control_fire(const http_sink& sink, std::size_t fires = k_quiet_control_fires) {
  std::size_t target = hits(sink, "/control") + fires;
  REQUIRE(eventually([&] { return hits(sink, "/control") >= target; }, 30s));
}

// The sink's count for `path` once a run already in flight has landed (the control job fired
// once more, a second later).
std::size_t settled_hits(const http_sink& sink, const std::string& path) {
  let_control_fire(sink, 1);
  return hits(sink, path);
}

}  // namespace

TEST_CASE("an @every 1s job fires once a second, each fire planned one second after the last") {
  http_sink sink;
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  std::string id = api.add_job(http_job(sink, "tick", "@every 1s"));
  REQUIRE(sink.wait_for_requests(4, 20s));
  for (const auto& r : sink.requests()) CHECK_THAT(r.query, Catch::Contains("job_id=" + id));

  // The plans, not the arrival times (which a loaded machine delays), are the schedule: the
  // scheduled fires after the first are planned exactly 1,000 ms apart.
  REQUIRE(eventually([&] { return api.executions("G", id).size() >= 4; }));
  std::vector<int64_t> plans;
  for (const auto& r : api.executions("G", id))
    if (r["trigger"] == "schedule") plans.push_back(r["plan_time_ms"].get<int64_t>());
  REQUIRE(plans.size() >= 3);
  for (std::size_t i = 1; i + 1 < plans.size(); ++i) CHECK(plans[i - 1] - plans[i] == 1000);

  // The executions list: newest first, paged with limit and before.
  json page = api.executions("G", id, "?limit=2");
  REQUIRE(page.size() == 2);
  CHECK(std::stoull(page[0]["run_id"].get<std::string>()) >
        std::stoull(page[1]["run_id"].get<std::string>()));
  // The newest finished run (the newest of all may be in flight: one starts every second).
  json all = api.executions("G", id);
  auto finished = std::find_if(all.begin(), all.end(), [](const json& r) { return r["state"] != "running"; });
  REQUIRE(finished != all.end());
  CHECK((*finished)["state"] == "succeeded");
  CHECK((*finished)["code"] == 200);
  json older = api.executions("G", id, "?before=" + page[0]["run_id"].get<std::string>());
  REQUIRE_FALSE(older.empty());
  CHECK(older[0]["run_id"] == page[1]["run_id"]);
  json detail = api.detail("G", id);
  CHECK(detail["counts"]["successes"] >= 3);
  CHECK(detail["last_success"].is_number());
  CHECK(detail["next_fire_time"].is_number());
}

TEST_CASE("an @once job fires exactly once and is then done") {
  http_sink sink;
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  add_control_job(api, sink);
  std::string id = api.add_job(http_job(sink, "once", "@once"));
  REQUIRE(eventually([&] { return hits(sink, "/once") == 1; }));
  let_control_fire(sink);
  CHECK(hits(sink, "/once") == 1);
  REQUIRE(eventually([&] { return api.detail("G", id)["counts"]["runs"] == 1; }));
  json detail = api.detail("G", id);
  CHECK(detail["phase"] == "done");
  CHECK(detail["next_fire_time"].is_null());
  json list = api.jobs("G");
  REQUIRE(list.size() == 1);
  CHECK(list[0]["exec_time"] == 0);
}

TEST_CASE("exec_time two seconds ahead fires then, not before") {
  http_sink sink;
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  int64_t at_s = unix_now_ms() / 1000 + 3;  // 2 to 3 s ahead
  api.add_job(http_job(sink, "later", "@once", {{"exec_time", at_s}}));
  CHECK(api.jobs("G")[0]["exec_time"] == at_s);
  int64_t quiet_ms = at_s * 1000 - unix_now_ms() - 400;  // scheduling slack
  if (quiet_ms > 0) CHECK_FALSE(sink.wait_for_requests(1, std::chrono::milliseconds(quiet_ms)));
  REQUIRE(sink.wait_for_requests(1, 10s));
  int64_t arrived_ms = unix_now_ms();
  CHECK(arrived_ms >= at_s * 1000 - 400);
  CHECK(arrived_ms <= at_s * 1000 + 5000);
}

TEST_CASE("pause stops a job firing and active resumes it") {
  http_sink sink;
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  add_control_job(api, sink);
  std::string id = api.add_job(http_job(sink, "beat", "@every 1s"));
  REQUIRE(eventually([&] { return hits(sink, "/beat") >= 2; }));
  api.post_ok("/v1/pause/job", {{"group_name", "G"}, {"job_id", id}});
  std::size_t paused_at = settled_hits(sink, "/beat");
  let_control_fire(sink);
  CHECK(hits(sink, "/beat") == paused_at);
  CHECK(api.detail("G", id)["active"] == false);

  api.post_ok("/v1/active/job", {{"group_name", "G"}, {"job_id", id}, {"exec_time", 0}});
  CHECK(api.detail("G", id)["active"] == true);
  REQUIRE(eventually([&] { return hits(sink, "/beat") >= paused_at + 2; }));  // now, then every second
}

TEST_CASE("resuming with next_fire waits for the schedule's next fire instead of running now") {
  http_sink sink;
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  add_control_job(api, sink);
  std::string id = api.add_job(http_job(sink, "hourly", "@every 1h"));  // runs now, then in an hour
  REQUIRE(eventually([&] { return api.detail("G", id)["counts"]["runs"] == 1; }));
  api.post_ok("/v1/pause/job", {{"group_name", "G"}, {"job_id", id}});

  // An @every schedule's next fire is the instant it is planned plus its interval (the core's
  // next_after keeps no phase), so the resumed job's is an hour after the resume took effect: a
  // second between the add and the resume would move it by a second.
  const int64_t before_ms = unix_now_ms();
  api.post_ok("/v1/active/job", {{"group_name", "G"}, {"job_id", id}, {"next_fire", true}});
  const int64_t after_ms = unix_now_ms();
  json detail = api.detail("G", id);
  CHECK(detail["active"] == true);
  CHECK(detail["next_fire_time"] >= (before_ms + 3'600'000) / 1000);  // an hour from the resume,
  CHECK(detail["next_fire_time"] <= (after_ms + 3'600'000) / 1000);   // not now
  let_control_fire(sink);
  CHECK(api.detail("G", id)["counts"]["runs"] == 1);
  CHECK(hits(sink, "/hourly") == 1);

  // Without it, as the seed says: exec_time 0 runs now.
  api.post_ok("/v1/pause/job", {{"group_name", "G"}, {"job_id", id}});
  api.post_ok("/v1/active/job", {{"group_name", "G"}, {"job_id", id}, {"exec_time", 0}});
  REQUIRE(eventually([&] { return api.detail("G", id)["counts"]["runs"] == 2; }));
}

TEST_CASE("delete and clear stop jobs firing") {
  http_sink sink;
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  add_control_job(api, sink);
  std::string a = api.add_job(http_job(sink, "a", "@every 1s"));
  api.add_job(http_job(sink, "b", "@every 1s"));
  api.add_job(http_job(sink, "c", "*/1 * * * * *"));
  REQUIRE(eventually([&] { return hits(sink, "/a") >= 1 && hits(sink, "/b") >= 1 && hits(sink, "/c") >= 1; }));

  api.post_ok("/v1/delete/job", {{"group_name", "G"}, {"job_id", a}});
  std::size_t a_hits = settled_hits(sink, "/a");
  CHECK(api.jobs("G").size() == 2);
  CHECK(api.client.get("/v1/G/job/" + a).status == 404);

  CHECK(api.success(api.client.del("/v1/G/job/clear")) == "ok");
  std::size_t b_hits = settled_hits(sink, "/b");
  std::size_t c_hits = hits(sink, "/c");
  CHECK(api.jobs("G") == json::array());
  let_control_fire(sink);
  CHECK(hits(sink, "/a") == a_hits);
  CHECK(hits(sink, "/b") == b_hits);
  CHECK(hits(sink, "/c") == c_hits);
}

TEST_CASE("concurrency forbid skips fires while a run is in flight") {
  http_sink sink;
  sink.set_delay(2500ms);  // each call outlives the 1 s interval
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  std::string id = api.add_job(http_job(sink, "slow", "@every 1s",
                                        {{"concurrency", "forbid"}, {"timeout", 10}}));
  REQUIRE(eventually([&] { return api.detail("G", id)["counts"]["skipped"] >= 1; }, 10s));
  REQUIRE(eventually([&] { return api.detail("G", id)["counts"]["runs"] >= 1; }, 10s));
  CHECK(sink.max_in_flight() == 1);
  json detail = api.detail("G", id);
  CHECK(detail["concurrency"] == "forbid");
  CHECK(detail["counts"]["running"] <= 1);
}

TEST_CASE("run now starts a run at once and it appears in the executions") {
  http_sink sink;
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  std::string id = api.add_job(
      http_job(sink, "manual", "@every 1h", {{"exec_time", unix_now_ms() / 1000 + 3600}}));
  auto run = api.client.request("POST", "/v1/G/job/" + id + "/run", std::string());
  std::string run_id = api.success(run);
  REQUIRE(sink.wait_for_requests(1, 10s));
  json found;
  REQUIRE(eventually([&] {
    for (const auto& r : api.executions("G", id))
      if (r["run_id"] == run_id && r["state"] != "running") found = r;
    return !found.is_null();
  }));
  CHECK(found["state"] == "succeeded");
  CHECK(found["trigger"] == "manual");
  CHECK(found["job_id"] == id);
  CHECK(found["group_name"] == "G");
  CHECK(found["cause"].is_null());  // nothing beyond its trigger
  CHECK(api.detail("G", id)["next_fire_time"] >= unix_now_ms() / 1000 + 3000);  // schedule kept
}

TEST_CASE("SIGTERM stops the server cleanly while runs are in flight") {
  http_sink sink;
  sink.set_delay(5s);  // a call still in flight when the signal arrives
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  api.add_job(http_job(sink, "busy", "@every 1s", {{"timeout", 10}}));
  api.add_job({{"group_name", "G"}, {"name", "sh"}, {"request_url", ""},
               {"exec_command", "sleep 5"}, {"interval_pattern", "@every 1s"}, {"exec_time", 0}});
  REQUIRE(sink.wait_for_requests(1, 10s));
  int code = server.stop();
  INFO(server.log());
  CHECK(code == 0);
}

TEST_CASE("deleting one run erases it from the executions, and clearing forgets every run and the counts") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  std::string id = api.add_job(json{{"group_name", "G"}, {"name", "n"}, {"request_url", "NOOP@"},
                                    {"interval_pattern", "@manually"}});
  std::vector<std::string> runs;
  for (int i = 0; i < 3; ++i) {
    runs.push_back(api.success(api.client.request("POST", "/v1/G/job/" + id + "/run", std::string())));
    REQUIRE(eventually([&] { return api.detail("G", id)["counts"]["runs"] == i + 1; }));
  }
  REQUIRE(eventually([&] { return api.executions("G", id).size() == 3; }));

  auto erased = api.client.del("/v1/G/job/" + id + "/executions/" + runs[1]);
  INFO(erased.body);
  CHECK(erased.status == 200);
  std::vector<std::string> left;
  for (const auto& r : api.executions("G", id)) left.push_back(r["run_id"]);
  CHECK(left == std::vector<std::string>{runs[2], runs[0]});  // newest first, without the erased one
  CHECK(api.detail("G", id)["counts"]["runs"] == 3);          // the counts stay
  CHECK(api.client.del("/v1/G/job/" + id + "/executions/" + runs[1]).status == 404);  // gone already

  server.kill9();  // the erase was synced before its answer
  server.restart();
  native_api again(server.base_url());
  CHECK(again.executions("G", id).size() == 2);

  auto cleared = again.client.del("/v1/G/job/" + id + "/executions");
  CHECK(cleared.status == 200);
  CHECK(again.executions("G", id).empty());
  CHECK(again.detail("G", id)["counts"]["runs"] == 0);
}
