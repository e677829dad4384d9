// End to end: the Cronicle calls of issue 11 against the real server: the API key calls, the
// whole-scheduler switch (update_master_state), run_event with fields for one run,
// get_job_log, abort_job of one run among several; each privilege refused without it, hostile
// input answered in Cronicle's shape with nothing changed.
#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "tests/e2e/cronicle_helpers.h"

using namespace mainspring;
using namespace mainspring::e2e;

TEST_CASE("cronicle: the key calls manage the native keys with an admin key, secrets shown once") {
  cronicle_server s;
  json made = s.ok("create_api_key", {{"title", "ci"}, {"active", 1}, {"privileges", {{"create_events", 1}}}});
  const std::string id = made["id"], secret = made["key"];
  // The same key works on both listeners and shows in the native list.
  auto native = s.native.request("GET", "/v1/apikeys", std::string(""), "", {"X-API-Key: " + s.admin});
  CHECK(native.body.find(id) != std::string::npos);
  CHECK(s.call("create_event", shell_event("By ci", "true"), secret)["code"] == 0);
  json listed = s.ok("get_api_keys", {{"offset", 0}, {"limit", 10}});
  CHECK(listed["list"]["length"] == 2);
  CHECK((listed["rows"][0]["id"] == id || listed["rows"][1]["id"] == id));
  CHECK(listed.dump().find(secret.substr(17)) == std::string::npos);
  CHECK(s.ok("get_api_key", {{"id", id}})["api_key"]["privileges"] == json{{"create_events", 1}});
  s.ok("update_api_key", {{"id", id}, {"active", 0}});
  check_error(s.call("get_schedule", json::object(), secret), "api", "API Key is disabled: " + id);
  // Each key call needs admin; a key with every other privilege is refused, and nothing changes.
  std::string strong = s.key_with({"create_events", "edit_events", "delete_events", "run_events", "abort_events", "state_update"});
  const std::string strong_id = strong.substr(0, 16);
  for (const char* name : {"create_api_key", "get_api_keys", "get_api_key", "update_api_key", "delete_api_key"})
    check_error(s.call(name, {{"id", id}, {"title", "x"}, {"active", 1}}, strong), "user",
                "User is not an administrator: " + strong_id);
  CHECK(s.ok("get_api_key", {{"id", id}})["api_key"]["active"] == 0);
  check_error(s.call("create_api_key", {{"title", "<b>"}, {"active", 1}}), "api",
              "Malformed title parameter: Cannot contain HTML metacharacters");
  check_error(s.call("update_api_key", {{"id", id}, {"active", "yes"}}), "api", "Malformed parameter type: active (string)");
  CHECK(s.ok("get_api_keys")["list"]["length"] == 3);
  s.ok("delete_api_key", {{"id", id}});
  check_error(s.call("get_api_key", {{"id", id}}), "api_key", "Failed to locate API Key: " + id);
  // Audited under the acting key's id, never a secret.
  auto audit = s.native.request("GET", "/v1/audit?from=0", std::string(""), "", {"X-API-Key: " + s.admin});
  CHECK(audit.body.find(secret.substr(17)) == std::string::npos);
  CHECK(audit.body.find(s.admin.substr(17)) == std::string::npos);
  CHECK(audit.body.find("apikey.create") != std::string::npos);
  CHECK(audit.body.find(s.admin.substr(0, 16)) != std::string::npos);
}

TEST_CASE("cronicle: update_master_state switches the whole scheduler off and on, durably") {
  cronicle_server s;
  native_api native(s.server.base_url());
  native.register_group("G");
  std::string event = s.create(shell_event("Manual", "#!/bin/sh\necho manual\n"));
  // state_update is needed; without it nothing changes.
  std::string editor = s.key_with({"edit_events"});
  check_error(s.call("update_master_state", {{"enabled", 0}}, editor), "api",
              "API Key ('" + editor.substr(0, 16) + "') does not have the required privileges to perform this action (state_update).");
  CHECK(s.ok("get_master_state")["state"]["enabled"] == 1);
  check_error(s.call("update_master_state", {{"enabled", "nope"}}), "api", "Malformed parameter: enabled");
  CHECK(s.ok("get_master_state")["state"]["enabled"] == 1);

  s.ok("update_master_state", {{"enabled", 0}});
  CHECK(s.ok("get_master_state")["state"]["enabled"] == 0);
  CHECK(native.client.get("/v1/stats").json()["success"]["scheduling_enabled"] == false);
  std::string tick = native.add_job({{"group_name", "G"}, {"name", "tick"}, {"request_url", ""},
                                     {"exec_command", "true"}, {"interval_pattern", "@every 1s"}});
  // Scheduled fires are skipped and counted; a manual run_event still runs, as in Cronicle.
  REQUIRE(eventually([&] { return native.detail("G", tick)["counts"]["skipped"].get<int>() >= 2; }, 15s));
  CHECK(native.detail("G", tick)["counts"]["runs"] == 0);
  std::string job = s.ok("run_event", {{"id", event}})["ids"][0];
  CHECK(s.wait_job(job)["code"] == 0);

  // Durable: still off after a restart.
  s.server.restart();
  CHECK(s.ok("get_master_state")["state"]["enabled"] == 0);
  s.ok("update_master_state", {{"enabled", 1}});
  CHECK(s.ok("get_master_state")["state"]["enabled"] == 1);
  native_api after(s.server.base_url());
  REQUIRE(eventually([&] { return after.detail("G", tick)["counts"]["runs"].get<int>() >= 1; }, 15s));
}

TEST_CASE("cronicle: run_event's fields apply to that one run; get_job_log serves its output") {
  cronicle_server s;
  std::string id = s.create(with(shell_event("Once", "#!/bin/sh\necho from-event\n"), {{"timeout", 600}}));
  // params for one run: this run's script, the event's stays.
  std::string other = s.ok("run_event", {{"id", id}, {"params", {{"script", "#!/bin/sh\necho from-run\n"}}}})["ids"][0];
  CHECK(s.wait_job(other)["code"] == 0);
  auto log = s.cr.get("/api/app/get_job_log?id=" + other + "&api_key=" + s.admin);
  CHECK(log.status == 200);
  CHECK(log.header("content-type") == "text/plain; charset=utf-8");
  CHECK(log.body.find("from-run") != std::string::npos);
  CHECK(s.ok("get_event", {{"id", id}})["event"]["params"]["script"] == "#!/bin/sh\necho from-event\n");
  std::string plain = s.ok("run_event", {{"id", id}})["ids"][0];
  s.wait_job(plain);
  CHECK(s.cr.get("/api/app/get_job_log?id=" + plain + "&api_key=" + s.admin).body.find("from-event") != std::string::npos);
  CHECK(s.ok("get_job_details", {{"id", plain}})["job"]["complete"] == 1);

  // timeout for one run: this run is stopped at 1 s.
  std::string slow = s.create(with(shell_event("Slow", "#!/bin/sh\nsleep 30\n"), {{"timeout", 600}}));
  std::string quick = s.ok("run_event", {{"id", slow}, {"timeout", 1}})["ids"][0];
  auto running_log = s.cr.get("/api/app/get_job_log?id=" + quick + "&api_key=" + s.admin);
  CHECK(running_log.status == 404);  // no log until the job is complete, as Cronicle
  CHECK(running_log.body == "(No log file found.)\n");
  json done = s.wait_job(quick);
  CHECK(done["code"] == 1);
  CHECK(done["elapsed"].get<double>() < 20);
  CHECK(s.ok("get_event", {{"id", slow}})["event"]["timeout"] == 600);

  // What cannot apply to one run is refused, and nothing runs.
  auto before = s.ok("get_event_history", {{"id", id}})["list"]["length"];
  check_error(s.call("run_event", {{"id", id}, {"retries", 3}}), "event",
              "Failed to launch event: retries and retry_delay cannot change for one run here (a job's retries are its own)");
  CHECK(s.call("run_event", {{"id", id}, {"post_data", {{"a", 1}}}})["code"] == "event");
  check_error(s.call("run_event", {{"id", id}, {"params", {{"db_host", "x"}}}}), "event", "Unknown Plugin parameter: db_host");
  check_error(s.call("run_event", {{"id", id}, {"timeout", "5"}}), "api", "Malformed parameter type: timeout (string)");
  CHECK(s.ok("get_event_history", {{"id", id}})["list"]["length"] == before);
  CHECK(s.ok("get_active_jobs")["jobs"].empty());
  // Logs need a key.
  check_error(s.cr.get("/api/app/get_job_log?id=" + plain).json(), "session", "No Session ID or API Key could be found");
}

TEST_CASE("cronicle: abort_job ends one run while others of the event go on") {
  cronicle_server s;
  std::string id = s.create(with(shell_event("Many", "#!/bin/sh\nsleep 30\n"), {{"max_children", 0}}));
  std::string first = s.ok("run_event", {{"id", id}})["ids"][0];
  std::string second = s.ok("run_event", {{"id", id}})["ids"][0];
  REQUIRE(eventually([&] {
    json jobs = s.ok("get_active_jobs")["jobs"];
    return jobs.contains(first) && jobs.contains(second);
  }));
  std::string aborter = s.key_with({"abort_events"});
  std::string runner = s.key_with({"run_events"});
  check_error(s.call("abort_job", {{"id", first}}, runner), "api",
              "API Key ('" + runner.substr(0, 16) + "') does not have the required privileges to perform this action (abort_events).");
  CHECK(s.ok("get_active_jobs")["jobs"].contains(first));
  check_error(s.call("abort_job", {{"id", "j" + id + "_1"}}, aborter), "job", "Failed to locate job: j" + id + "_1");
  CHECK(s.call("abort_job", {{"id", first}}, aborter)["code"] == 0);
  CHECK(s.wait_job(first)["code"] == 1);
  CHECK(s.ok("get_active_jobs")["jobs"].contains(second));
  s.ok("abort_job", {{"id", second}});
  CHECK(s.wait_job(second)["code"] == 1);
}
