// End to end: the Cronicle calls on a run of their own: abort_job ends one run while others of
// its event go on (privilege refused without it, a finished or unknown job refused), and
// get_job_details answers a finished job only; status and get_servers; delete_job.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/e2e/cronicle_helpers.h"

using namespace mainspring;
using namespace mainspring::e2e;

TEST_CASE("cronicle: abort_job ends one run while others of the event go on") {
  cronicle_server s;
  std::string id = s.create(with(shell_event("Many", "#!/bin/sh\nsleep 30\n"), {{"max_children", 0}}));
  std::string first = s.ok("run_event", {{"id", id}})["ids"][0];
  std::string second = s.ok("run_event", {{"id", id}})["ids"][0];
  REQUIRE(eventually([&] {
    json jobs = s.ok("get_active_jobs")["jobs"];
    return jobs.contains(first) && jobs.contains(second);
  }));
  std::string runner = s.key_with({"run_events"});
  check_error(s.call("abort_job", {{"id", first}}, runner), "api",
              "API Key ('k') does not have the required privileges to perform this action (abort_events).");  // its title
  CHECK(s.ok("get_active_jobs")["jobs"].contains(first));
  std::string aborter = s.key_with({"abort_events"});
  check_error(s.call("abort_job", {{"id", "j" + id + "_1"}}, aborter), "job", "Failed to locate job: j" + id + "_1");
  check_error(s.call("abort_job", {{"id", "../x"}}, aborter), "api", "Malformed parameter: id");
  CHECK(s.call("abort_job", {{"id", first}}, aborter)["code"] == 0);
  json ended = s.wait_job(first);
  CHECK(ended["code"] == 1);
  // Cronicle's reason names the key that aborted it (by its id here, never its secret).
  CHECK(ended["description"] == "Job Aborted: Manually aborted by API Key: " + aborter.substr(0, 16) + " (k)");
  CHECK(s.ok("get_active_jobs")["jobs"].contains(second));
  check_error(s.call("abort_job", {{"id", first}}, aborter), "job", "Failed to locate job: " + first);
  s.ok("abort_job", {{"id", second}});
  CHECK(s.wait_job(second)["code"] == 1);
}

TEST_CASE("cronicle: get_job_details answers a finished job, not one in flight") {
  cronicle_server s;
  std::string id = s.create(shell_event("Details", "#!/bin/sh\nsleep 2\necho done\n"));
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  check_error(s.call("get_job_details", {{"id", job}}), "job", "Failed to fetch job details: Error: Failed to fetch key: jobs/" + job + ": File not found");
  s.wait_job(job);
  json details = s.ok("get_job_details", {{"id", job}})["job"];
  CHECK(details["id"] == job);
  CHECK(details["event"] == id);
  CHECK(details["complete"] == 1);
  CHECK(details["code"] == 0);
  CHECK(s.get("/api/app/get_job_details/v1?id=" + job + "&api_key=" + s.admin)["job"]["id"] == job);
  check_error(s.get("/api/app/get_job_details/v1?id=" + job), "session", "No Session ID or API Key could be found");
  check_error(s.call("get_job_details", json::object()), "api", "Missing parameter: id");
}

TEST_CASE("cronicle: a call's parameters are checked before its key, as Cronicle's handlers check them") {
  cronicle_server s;
  std::string id = s.create(shell_event("Order", "#!/bin/sh\ntrue\n"));
  const std::string bad = "0123456789abcdef.bad";
  std::string reader = s.key_with(json::array());
  struct row {
    const char* call;
    json body;
    const char* code;
    const char* description;
  };
  for (const row& r : {row{"delete_event", json::object(), "api", "Missing parameter: id"},
                       row{"update_event", {{"id", id}, {"timeout", "9"}}, "api", "Malformed parameter type: timeout (string)"},
                       row{"create_event", {{"title", "T"}}, "api", "Missing parameter: enabled"},
                       row{"run_event", json::object(), "event", "Failed to locate event: No criteria specified"},
                       row{"get_event", {{"id", ""}}, "event", "Failed to locate event: No criteria specified"},
                       row{"abort_job", {{"id", "a/b"}}, "api", "Malformed parameter: id"},
                       row{"get_job_status", json::object(), "api", "Missing parameter: id"},
                       row{"get_api_key", json::object(), "api", "Missing parameter: id"},
                       row{"create_api_key", {{"title", "<b>"}, {"key", "abc"}, {"active", 1}}, "api",
                           "Malformed title parameter: Cannot contain HTML metacharacters"}}) {
    INFO(r.call);
    check_error(s.call(r.call, r.body, bad), r.code, r.description);     // an unknown key
    check_error(s.call(r.call, r.body, reader), r.code, r.description);  // a key without the privilege
    auto none = s.cr.post_json(std::string("/api/app/") + r.call + "/v1", r.body);  // no key at all
    check_error(none.json(), r.code, r.description);
  }
  // get_job_log's id is read from its query, before the key.
  check_error(s.get("/api/app/get_job_log/v1"), "api", "Missing parameter: id");
  // With its parameters right, the key comes next; and a call that checks nothing first asks it at once.
  check_error(s.call("delete_event", {{"id", id}}, bad), "api", "Invalid API Key");
  check_error(s.call("delete_event", {{"id", id}}, reader), "api",
              "API Key ('k') does not have the required privileges to perform this action (delete_events).");
  check_error(s.call("abort_jobs", {{"id", "a/b"}}, bad), "api", "Invalid API Key");
  check_error(s.call("get_history", {{"offset", "x"}}, bad), "api", "Invalid API Key");
  CHECK(s.ok("get_event", {{"id", id}})["event"]["title"] == "Order");  // nothing changed
}

TEST_CASE("cronicle: update_job finds its job before it checks the values, update_master_state without enabled changes nothing") {
  cronicle_server s;
  // Cronicle's update_job looks the job up first (and checks no value).
  check_error(s.call("update_job", {{"id", "je1_1"}, {"timeout", "x"}}), "job", "Failed to locate job: je1_1");
  std::string id = s.create(shell_event("Upd", "#!/bin/sh\nsleep 30\n"));
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  check_error(s.call("update_job", {{"id", job}, {"timeout", "x"}}), "api", "Malformed parameter type: timeout (string)");
  s.ok("abort_job", {{"id", job}});
  // Cronicle's update_master_state merges what it is given into its state: nothing, nothing changes.
  s.ok("update_master_state", json::object());
  CHECK(s.ok("get_master_state")["state"]["enabled"] == 1);
}

namespace {

int64_t minute_now_s() {
  const int64_t s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return s - s % 60;
}

// The state's cursor of `event`, checked to be the minute the call was made in.
void check_cursor_is_now(cronicle_server& s, const std::string& event) {
  const int64_t before = minute_now_s();
  json state = s.ok("get_master_state")["state"];
  const int64_t after = minute_now_s();
  INFO(state.dump());
  REQUIRE(state["cursors"].contains(event));
  const int64_t cursor = state["cursors"][event];
  CHECK((cursor == before || cursor == after));
}

}  // namespace

TEST_CASE("cronicle: get_master_state shows each event's cursor and its last job's code, as Cronicle's state") {
  cronicle_server s;
  std::string hourly = s.create(with(shell_event("Hourly", "#!/bin/sh\ntrue\n"), {{"timing", {{"minutes", {0}}}}}));
  std::string manual = s.create(shell_event("Manual", "#!/bin/sh\nexit 3\n"));
  json state = s.ok("get_master_state")["state"];
  CHECK(state["enabled"] == 1);
  CHECK(state["flagged_jobs"] == json::object());
  CHECK(state["jobCodes"] == json::object());  // no job has run
  check_cursor_is_now(s, hourly);
  check_cursor_is_now(s, manual);
  // A disabled event's cursor stays at the minute it was disabled in, as Cronicle's scheduler
  // skips it (cronicle_events_test enables one again).
  s.ok("update_event", {{"id", hourly}, {"enabled", 0}});
  check_cursor_is_now(s, hourly);
  const int64_t hourly_cursor = s.ok("get_master_state")["state"]["cursors"][hourly];

  // The last job's code, once it has ended.
  std::string job = s.ok("run_event", {{"id", manual}})["ids"][0];
  CHECK(s.wait_job(job)["code"] == 3);
  REQUIRE(eventually([&] { return s.ok("get_master_state")["state"]["jobCodes"].contains(manual); }));
  CHECK(s.ok("get_master_state")["state"]["jobCodes"] == json{{manual, 3}});

  // While the scheduler is paused, the cursors stay at the minute the pause began.
  const int64_t before_pause = minute_now_s();
  s.ok("update_master_state", {{"enabled", 0}});
  const int64_t after_pause = minute_now_s();
  state = s.ok("get_master_state")["state"];
  CHECK(state["enabled"] == 0);
  const int64_t frozen = state["cursors"][manual];
  CHECK((frozen == before_pause || frozen == after_pause));
  CHECK(state["cursors"][hourly] == std::min(frozen, hourly_cursor));
  s.ok("update_master_state", {{"enabled", 1}});
  check_cursor_is_now(s, manual);

  // A deleted event has no cursor.
  s.ok("delete_event", {{"id", hourly}});
  state = s.ok("get_master_state")["state"];
  CHECK_FALSE(state["cursors"].contains(hourly));
  CHECK(state["cursors"].size() == 1);
}

TEST_CASE("cronicle: status answers monitoring tools without a key, never cached, its tick the clock's") {
  cronicle_server s;
  auto r = s.cr.get("/api/app/status/v1");
  REQUIRE(r.status == 200);
  json body = r.json();
  INFO(body.dump());
  CHECK(body["code"] == 0);
  CHECK(body["pid"] == static_cast<int64_t>(s.server.pid()));
  CHECK(body["version"].is_string());
  CHECK(body["hostname"].is_string());
  CHECK(body["ip"].is_string());
  CHECK(body["uptime"].get<int64_t>() >= 0);
  CHECK(body["now"].get<double>() >= body["last_tick"].get<double>());
  // The clock passes at least once a second; a minute behind would be a stuck clock.
  CHECK(body["tick_age"].get<double>() < 60);
  CHECK(body["cpu"]["user"].is_number_integer());
  CHECK(body["mem"]["rss"].get<int64_t>() > 0);
  CHECK(r.header("cache-control") == "no-cache, no-store, must-revalidate, proxy-revalidate");
  CHECK(r.header("expires") == "Thu, 01 Jan 1970 00:00:00 GMT");
  // A key that is wrong changes nothing: status never looks for one.
  CHECK(s.get("/api/app/status/v1?api_key=0123456789abcdef.bad")["code"] == 0);
}

TEST_CASE("cronicle: get_servers lists this server as the master, for admin keys only") {
  cronicle_server s;
  json a = s.call("get_servers", json::object());
  INFO(a.dump());
  REQUIRE(a["code"] == 0);
  REQUIRE(a["servers"].size() == 1);
  const json& self = a["servers"].begin().value();
  CHECK(self["hostname"] == a["servers"].begin().key());
  CHECK(self["master"] == 1);
  CHECK(self["disabled"] == 0);
  CHECK(self["data"]["mem"].get<int64_t>() > 0);
  // requireAdmin's words, as for the key calls.
  const std::string runner = s.key_with(json::array({"run_events"}));
  check_error(s.call("get_servers", json::object(), runner), "user",
              "User is not an administrator: " + runner.substr(0, runner.find('.')));
}

TEST_CASE("cronicle: delete_job erases a completed job, each of its tries, for admin keys only") {
  cronicle_server s;
  std::string id = s.create(shell_event("Doomed", "#!/bin/sh\necho secret-output\n"));
  std::string kept_event = s.create(shell_event("Kept", "#!/bin/sh\necho fine\n"));
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  std::string other = s.ok("run_event", {{"id", id}})["ids"][0];
  std::string kept = s.ok("run_event", {{"id", kept_event}})["ids"][0];
  s.wait_job(job);
  s.wait_job(other);
  s.wait_job(kept);
  // Only an admin key deletes, refused in requireAdmin's words; a missing id before any key.
  const std::string runner = s.key_with(json::array({"run_events", "abort_events"}));
  check_error(s.call("delete_job", {{"id", job}}, runner), "user",
              "User is not an administrator: " + runner.substr(0, runner.find('.')));
  check_error(s.call("delete_job", json::object()), "api", "Missing parameter: id");
  CHECK(s.ok("get_job_details", {{"id", job}})["job"]["id"] == job);  // the refusals changed nothing

  CHECK(s.call("delete_job", {{"id", job}})["code"] == 0);
  const std::string gone = "Failed to fetch job details: Error: Failed to fetch key: jobs/" + job + ": File not found";
  check_error(s.call("get_job_details", {{"id", job}}), "job", gone);
  check_error(s.call("get_job_status", {{"id", job}}), "job", gone);
  check_error(s.get("/api/app/get_job_log?id=" + job + "&api_key=" + s.admin), "job", gone);
  check_error(s.call("delete_job", {{"id", job}}), "job", gone);  // once
  check_error(s.call("delete_job", {{"id", "jnonsense"}}), "job",
              "Failed to fetch job details: Error: Failed to fetch key: jobs/jnonsense: File not found");
  // The histories no longer list it; the other jobs stay.
  auto ids_in = [](const json& rows) {
    std::vector<std::string> ids;
    for (const auto& r : rows) ids.push_back(r["id"]);
    return ids;
  };
  auto history = ids_in(s.ok("get_history", {{"limit", 50}})["rows"]);
  CHECK(std::find(history.begin(), history.end(), job) == history.end());
  CHECK(std::find(history.begin(), history.end(), other) != history.end());
  CHECK(std::find(history.begin(), history.end(), kept) != history.end());
  auto event_history = ids_in(s.ok("get_event_history", {{"id", id}, {"limit", 50}})["rows"]);
  CHECK(event_history == std::vector<std::string>{other});
}

TEST_CASE("cronicle: delete_job refuses a job in flight as Cronicle, which has no record of it yet") {
  cronicle_server s;
  std::string id = s.create(shell_event("Busy", "#!/bin/sh\nsleep 30\n"));
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  check_error(s.call("delete_job", {{"id", job}}), "job",
              "Failed to fetch job details: Error: Failed to fetch key: jobs/" + job + ": File not found");
  CHECK(s.ok("get_job_status", {{"id", job}})["job"]["id"] == job);  // still there, still running
  s.ok("abort_job", {{"id", job}});
}

TEST_CASE("cronicle: delete_job of a retried job erases every try of it") {
  using namespace std::chrono_literals;
  cronicle_server s;
  std::string id = s.create(shell_event("Flaky", "#!/bin/sh\nexit 2\n"));
  std::string job = s.ok("run_event", {{"id", id}, {"retries", 1}, {"retry_delay", 0}})["ids"][0];
  auto tries = [&] { return s.native.get("/v1/cronicle/job/" + id + "/executions").json()["success"].size(); };
  REQUIRE(eventually([&] { return tries() == 2; }, 20s));
  REQUIRE(eventually([&] { return s.history(id).size() == 1; }, 20s));  // one Cronicle job
  CHECK(s.call("delete_job", {{"id", job}})["code"] == 0);
  CHECK(s.history(id).empty());
  CHECK(tries() == 0);  // both tries' records went
}
