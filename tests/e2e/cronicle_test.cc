// End to end: the Cronicle dialect (--cronicle-listen) against the real server: keys from the
// header, the query and the body, each privilege refused without it, every call, a shellplug
// event firing by its timing and its history row, a urlplug event against a local sink, aborts,
// and hostile input answered in Cronicle's shape with nothing changed.
#include <chrono>
#include <memory>
#include <regex>
#include <string>

#include <catch2/catch.hpp>

#include "tests/e2e/cronicle_helpers.h"
#include "tests/support/http_sink.h"

using namespace mainspring;
using namespace mainspring::e2e;

TEST_CASE("cronicle: a key is required, from the header, the query or the body, and never echoed") {
  cronicle_server s;
  auto r = s.cr.get("/api/app/get_schedule/v1");
  REQUIRE(r.status == 200);
  check_error(r.json(), "session", "No Session ID or API Key could be found");
  // Cronicle's requireValidUser: code "api", "Invalid API Key: <the key sent>", here without it.
  check_error(s.get("/api/app/get_schedule/v1?api_key=0123456789abcdef.bad"), "api", "Invalid API Key");
  CHECK(s.cr.get("/api/app/get_schedule/v1?api_key=0123456789abcdef.bad").body.find(".bad") == std::string::npos);
  CHECK(s.get("/api/app/get_schedule/v1?api_key=" + s.admin)["code"] == 0);
  CHECK(s.get("/api/app/get_schedule?api_key=" + s.admin)["code"] == 0);  // without /v1 too
  auto body_key = s.cr.post_json("/api/app/get_schedule/v1", json{{"api_key", s.admin}, {"limit", 5}});
  CHECK(body_key.json()["code"] == 0);
  // Cronicle's order (lib/api.js loadSession): the header, then the body's key, then the query's.
  const std::string bad = "0123456789abcdef.bad";
  CHECK(s.cr.post_json("/api/app/get_schedule/v1?api_key=" + bad, json{{"api_key", s.admin}}).json()["code"] == 0);
  check_error(s.cr.post_json("/api/app/get_schedule/v1?api_key=" + s.admin, json{{"api_key", bad}}).json(), "api",
              "Invalid API Key");
  CHECK(s.cr.post_json("/api/app/get_schedule/v1?api_key=" + s.admin, json{{"api_key", ""}}).json()["code"] == 0);
  CHECK(s.get("/api/app/no_such_call/v1")["code"] == 1);
  CHECK(s.get("/api/app/ping/v1")["code"] == 0);  // open, as Cronicle's
}

TEST_CASE("cronicle: each call needs Cronicle's privilege, refused in Cronicle's words") {
  cronicle_server s;
  std::string id = s.create(shell_event("Priv", "#!/bin/sh\ntrue\n"));
  std::string reader = s.key_with(json::array());
  struct row {
    const char* call;
    json body;
    const char* privilege;
  };
  for (const row& r : {row{"create_event", shell_event("X", "true"), "create_events"},
                       row{"update_event", {{"id", id}, {"notes", "x"}}, "edit_events"},
                       row{"delete_event", {{"id", id}}, "delete_events"},
                       row{"run_event", {{"id", id}}, "run_events"},
                       row{"abort_job", {{"id", "j" + id + "_1"}}, "abort_events"},
                       row{"flush_event_queue", {{"id", id}}, "abort_events"},
                       row{"update_job", {{"id", "j" + id + "_1"}, {"timeout", 5}}, "edit_events"},
                       row{"update_master_state", {{"enabled", 1}}, "state_update"}}) {
    json a = s.call(r.call, r.body, reader);
    INFO(r.call << " " << a.dump());
    CHECK(a["code"] == "api");
    CHECK(a["description"].get<std::string>().find(std::string("(") + r.privilege + ").") != std::string::npos);
  }
  CHECK(s.call("get_event", {{"id", id}}, reader)["code"] == 0);  // reads need any key
  std::string editor = s.key_with({"edit_events"});
  json a = s.call("update_event", {{"id", id}, {"enabled", 0}, {"abort_jobs", 1}}, editor);
  CHECK(a["description"] == "API Key ('k') does not have the required privileges to perform this action (abort_events).");
  CHECK(s.ok("get_event", {{"id", id}})["event"]["enabled"] == 1);  // nothing changed
}

TEST_CASE("cronicle: events are created, read by id or title, listed, updated and deleted") {
  cronicle_server s;
  json e = shell_event("Rebuild Indexes", "#!/bin/sh\n/usr/local/bin/db-reindex.pl\n");
  e["timing"] = {{"hours", {21}}, {"minutes", {20, 40}}};
  e["timezone"] = "America/New_York";
  e["notes"] = "db maintenance";
  e["web_hook"] = "http://myserver.com/notify-chronos.php";
  e["api_key"] = s.admin;
  std::string id = s.create(e);
  CHECK(id.size() == 11);
  CHECK(id[0] == 'e');
  json ev = s.ok("get_event", {{"id", id}})["event"];
  CHECK(ev["title"] == "Rebuild Indexes");
  CHECK(ev["timing"] == e["timing"]);
  CHECK(ev["timezone"] == "America/New_York");
  CHECK(ev["params"]["script"] == e["params"]["script"]);
  CHECK(ev["web_hook"] == e["web_hook"]);
  CHECK_FALSE(ev.contains("api_key"));
  CHECK(s.ok("get_event", {{"title", "Rebuild Indexes"}})["event"]["id"] == id);
  // It is a job of the group "cronicle", seen by the native API.
  auto native = s.native.get("/v1/cronicle/job/" + id);
  CHECK(native.status == 200);
  CHECK(native.body.find(s.admin.substr(17)) == std::string::npos);

  std::string second = s.create(shell_event("Second", "true"));
  json page = s.ok("get_schedule", {{"offset", 0}, {"limit", 1}});
  CHECK(page["list"]["length"] == 2);
  REQUIRE(page["rows"].size() == 1);
  CHECK(page["rows"][0]["id"] == second);  // newest first
  CHECK(s.get("/api/app/get_schedule/v1?offset=1&limit=1&api_key=" + s.admin)["rows"][0]["id"] == id);

  s.ok("update_event", {{"id", id}, {"enabled", 0}, {"timing", {{"minutes", {5}}}}, {"notes", "edited"}});
  ev = s.ok("get_event", {{"id", id}})["event"];
  CHECK(ev["enabled"] == 0);
  CHECK(ev["timing"] == json{{"minutes", {5}}});
  CHECK(ev["notes"] == "edited");
  CHECK(ev["title"] == "Rebuild Indexes");  // anything omitted is preserved
  CHECK(s.native.get("/v1/cronicle/job/" + id).json()["success"]["active"] == false);
  s.ok("update_event", {{"id", id}, {"enabled", 1}, {"reset_cursor", 4102444800}});
  CHECK(s.ok("get_event", {{"id", id}})["event"]["enabled"] == 1);

  s.ok("delete_event", {{"id", id}});
  check_error(s.call("get_event", {{"id", id}}), "event", "Failed to locate event: " + id);
  CHECK(s.ok("get_schedule")["list"]["length"] == 1);
}

TEST_CASE("cronicle: hostile input is refused in Cronicle's shape and changes nothing") {
  cronicle_server s;
  std::string id = s.create(shell_event("Keep", "true"));
  auto before = s.ok("get_event", {{"id", id}})["event"];
  check_error(s.call("create_event", {{"enabled", 1}}), "api", "Missing parameter: title");
  check_error(s.call("create_event", with(shell_event("T", "x"), {{"plugin", "nope"}})), "event",
              "Failed to create event: Plugin not found: nope");
  check_error(s.call("create_event", with(shell_event("T", "x"), {{"category", "43f8c57e"}})), "event",
              "Failed to create event: Category not found: 43f8c57e");
  check_error(s.call("create_event", with(shell_event("T", "x"), {{"params", {{"db_host", "x"}}}})), "event",
              "Unknown Plugin parameter: db_host");
  check_error(s.call("create_event", with(shell_event("T", "x"), {{"timeout", "60"}})), "api",
              "Malformed parameter type: timeout (string)");
  check_error(s.call("create_event", with(shell_event("T", "x"), {{"timing", {{"hours", {25}}}}})), "api",
              "Malformed event timing parameter: hours (value out of range: 25)");
  check_error(s.call("update_event", {{"id", id}, {"timezone", "Nowhere/Else"}}), "api",
              "Malformed or unknown timezone: Nowhere/Else");
  check_error(s.call("update_event", {{"id", "missing1"}, {"notes", "x"}}), "event", "Failed to locate event: missing1");
  check_error(s.call("update_event", {{"id", "../x"}}), "api", "Malformed parameter: id");
  // Not even the other fields of a call with a bad cursor are kept.
  check_error(s.call("update_event", {{"id", id}, {"notes", "x"}, {"reset_cursor", "abc"}}), "api",
              "Malformed parameter type: reset_cursor (string)");
  check_error(s.call("update_event", {{"id", id}, {"notes", "x"}, {"reset_cursor", -5}}), "api",
              "Malformed parameter value: reset_cursor");
  check_error(s.call("delete_event", json::object()), "api", "Missing parameter: id");
  check_error(s.call("run_event", json::object()), "event", "Failed to locate event: No criteria specified");
  check_error(s.call("get_job_status", {{"id", "jnothing_12"}}), "job", "Failed to fetch job details: Error: Failed to fetch key: jobs/jnothing_12: File not found");
  check_error(s.call("abort_job", {{"id", "j" + id + "_5"}}), "job", "Failed to locate job: j" + id + "_5");
  for (const char* body : {"{", "{\"id\": ", "[1,2]", "nonsense", "{\"id\":\"" "\xff\"}"}) {
    auto r = s.cr.request("POST", "/api/app/update_event/v1", std::string(body), "application/json", {"X-API-Key: " + s.admin});
    INFO(body << " -> " << r.body);
    REQUIRE(r.status == 200);
    CHECK(r.json()["code"] == "api");
  }
  CHECK(s.ok("get_event", {{"id", id}})["event"] == before);
  CHECK(s.ok("get_schedule")["list"]["length"] == 1);
  s.ok("update_master_state", json::object());  // Cronicle requires nothing: nothing changes
  check_error(s.call("update_master_state", {{"enabled", "off"}}), "api", "Malformed parameter: enabled");
  CHECK(s.ok("get_master_state")["state"]["enabled"] == 1);
}

TEST_CASE("cronicle: update_master_state pauses every scheduled fire, durably, and run_event still runs") {
  cronicle_server s;
  // A native job firing every second shows the pause (Cronicle's timing fires once a minute).
  s.native.post_json("/v1/register/group", json{{"group_name", "N"}});
  auto added = s.native.post_json("/v1/add/job", json{{"group_name", "N"}, {"name", "tick"}, {"request_url", "NOOP@"},
                                                        {"interval_pattern", "@every 1s"}, {"exec_time", 0}});
  std::string tick = added.json()["success"];
  auto api = std::make_unique<native_api>(s.server.base_url());
  REQUIRE(eventually([&] { return api->detail("N", tick)["counts"]["runs"] >= 1; }));

  s.ok("update_master_state", {{"enabled", 0}});
  CHECK(s.ok("get_master_state")["state"]["enabled"] == 0);
  CHECK(api->success(s.native.get("/v1/scheduler"))["enabled"] == false);
  int64_t runs = api->detail("N", tick)["counts"]["runs"];
  int64_t skipped = api->detail("N", tick)["counts"]["skipped"];
  REQUIRE(eventually([&] { return api->detail("N", tick)["counts"]["skipped"] >= skipped + 2; }));
  CHECK(api->detail("N", tick)["counts"]["runs"].get<int64_t>() <= runs + 1);  // one may have been in flight
  CHECK(s.native.get("/metrics").body.find("mainspring_runs_skipped_total{reason=\"scheduler_paused\"}") !=
        std::string::npos);
  // Asked for, a run still happens.
  std::string id = s.create(shell_event("Manual", "#!/bin/sh\necho manual\n"));
  json job = s.wait_job(s.ok("run_event", {{"id", id}})["ids"][0]);
  CHECK(job["code"] == 0);

  // Paused across a restart.
  s.server.restart();
  api = std::make_unique<native_api>(s.server.base_url());  // the port may have changed
  CHECK(s.ok("get_master_state")["state"]["enabled"] == 0);
  skipped = api->detail("N", tick)["counts"]["skipped"];
  runs = api->detail("N", tick)["counts"]["runs"];
  REQUIRE(eventually([&] { return api->detail("N", tick)["counts"]["skipped"] >= skipped + 2; }));
  CHECK(api->detail("N", tick)["counts"]["runs"] == runs);

  // Resumed: fires run again; the audit log has both changes.
  s.ok("update_master_state", {{"enabled", 1}});
  CHECK(s.ok("get_master_state")["state"]["enabled"] == 1);
  REQUIRE(eventually([&] { return api->detail("N", tick)["counts"]["runs"] >= runs + 2; }));
  std::string audit = api->client.get("/v1/audit?from=0&to=99999999999&limit=1000").body;
  CHECK(audit.find("scheduler.pause") != std::string::npos);
  CHECK(audit.find("scheduler.resume") != std::string::npos);
}

TEST_CASE("cronicle: a shellplug event fires by its timing and shows in both histories") {
  cronicle_server s;
  json e = shell_event("Every minute", "#!/bin/sh\necho \"ran as $0\"\nexit 3\n");
  e["timing"] = json::object();  // every minute
  std::string id = s.create(e);
  json rows;
  REQUIRE(eventually([&] {
    rows = s.ok("get_event_history", {{"id", id}})["rows"];
    return !rows.empty();
  }, 75s));
  json row = rows[0];
  CHECK(row["event"] == id);
  CHECK(row["code"] == 3);
  CHECK(row["description"] == "Script exited with code: 3");
  CHECK(row["action"] == "job_complete");
  CHECK(row["event_title"] == "Every minute");
  CHECK(row["plugin_title"] == "Shell Script");
  CHECK(row["elapsed"].is_number());
  CHECK(row["time_end"].get<double>() >= row["time_start"].get<double>());
  CHECK(static_cast<int64_t>(row["time_start"].get<double>()) % 60 == 0);  // at the minute
  // At once, as in the event's history: the store may hold the record only a moment later.
  json all = s.ok("get_history", {{"limit", 10}});
  CHECK(all["list"]["length"] >= 1);
  CHECK(all["rows"][0]["id"] == row["id"]);
  json job = s.ok("get_job_status", {{"id", row["id"]}})["job"];
  CHECK(job["complete"] == 1);
  CHECK(job["log_file_size"].get<int>() > 0);
}

TEST_CASE("cronicle: run_event runs a job now, abort_job and update_event abort_jobs end it, and delete waits") {
  cronicle_server s;
  json e = shell_event("Sleepy", "#!/bin/bash\nsleep 30\n");
  e["max_children"] = 1;
  std::string id = s.create(e);
  json ran = s.get("/api/app/run_event/v1?title=Sleepy&api_key=" + s.admin);
  REQUIRE(ran["code"] == 0);
  std::string job = ran["ids"][0];
  REQUIRE(eventually([&] { return s.ok("get_active_jobs")["jobs"].contains(job); }));
  check_error(s.call("run_event", {{"id", id}}), "event", "Failed to launch event: Maximum of 1 job already running for event: Sleepy");
  check_error(s.call("delete_event", {{"id", id}}), "event", "Failed to delete event: Still has running jobs");
  CHECK(s.ok("get_event", {{"id", id}})["jobs"][0]["id"] == job);
  s.ok("abort_job", {{"id", job}});
  json done = s.wait_job(job);
  CHECK(done["code"] == 1);
  CHECK(done["description"].get<std::string>().starts_with("Job Aborted: "));

  std::string second = s.ok("run_event", {{"id", id}})["ids"][0];
  REQUIRE(eventually([&] { return s.ok("get_active_jobs")["jobs"].contains(second); }));
  s.ok("update_event", {{"id", id}, {"enabled", 0}, {"abort_jobs", 1}});
  json disabled = s.wait_job(second);
  CHECK(disabled["code"] == 1);
  CHECK(disabled["description"] == "Job Aborted: Event 'Sleepy' has been disabled.");  // Cronicle's words
  s.ok("delete_event", {{"id", id}});
}

TEST_CASE("cronicle: a urlplug event calls a local sink and reports its status") {
  cronicle_server s;
  http_sink sink;
  sink.set_response(200, "all OK here");
  json e = {{"title", "Ping"}, {"enabled", 1}, {"category", "general"}, {"target", "maingrp"}, {"plugin", "urlplug"},
            {"params", {{"method", "POST"}, {"url", sink.url("/hook?x=1")}, {"headers", "User-Agent: Cronicle/1.0\nX-Test: yes"},
                        {"data", "{\"a\":1}"}, {"timeout", "30"}, {"success_match", "OK"}}}};
  std::string id = s.create(e);
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  json done = s.wait_job(job);
  CHECK(done["code"] == 0);
  CHECK(done["description"] == "Success (HTTP 200 OK)");
  REQUIRE(sink.wait_for_requests(1, 5s));
  auto req = sink.requests()[0];
  CHECK(req.method == "POST");
  CHECK(req.path == "/hook");
  CHECK(req.body == "{\"a\":1}");
  CHECK(req.header("x-test") == "yes");

  sink.set_response(500, "boom");
  std::string failed = s.ok("run_event", {{"id", id}})["ids"][0];
  json f = s.wait_job(failed);
  CHECK(f["code"] == 500);
  json bad = s.call("update_event", {{"id", id}, {"params", {{"url", sink.url("/")}, {"error_match", "fail("}}}});
  CHECK(bad["code"] == "api");
  CHECK(bad["description"].get<std::string>().starts_with("Malformed event: params: error_match: "));
}

TEST_CASE("cronicle: API keys are managed with Cronicle's key calls by an admin key, secrets shown once") {
  cronicle_server s;
  // Cronicle's create_api_key body: a `key` of the client's is checked, then Mainspring makes its own.
  json made = s.ok("create_api_key", {{"title", "Deploy bot"}, {"key", "clientchosen0123"}, {"active", "1"},
                                      {"privileges", {{"run_events", 1}, {"create_events", 0}}}});
  std::string id = made["id"], secret = made["key"];
  CHECK(secret != "clientchosen0123");
  CHECK(secret.size() >= 32);
  // The new key works for what it may do, and only that.
  CHECK(s.call("run_event", {{"id", "nope"}}, secret)["code"] == "event");  // admitted: the event is unknown
  check_error(s.call("create_event", shell_event("No", "#!/bin/sh\n"), secret), "api",
              "API Key ('Deploy bot') does not have the required privileges to perform this action (create_events).");

  // Listed (newest first; keys made in the same millisecond in id order) and read, never with a
  // secret.
  json list = s.ok("get_api_keys");
  REQUIRE(list["rows"].size() == 2);  // the bootstrap admin key and this one
  CHECK(list["list"]["length"] == 2);
  auto row_of = [](const json& rows, const std::string& key_id) {
    for (const auto& r : rows)
      if (r["id"] == key_id) return r;
    FAIL("no row for " << key_id);
    return json();
  };
  json bot = row_of(list["rows"], id);
  CHECK(bot["title"] == "Deploy bot");
  CHECK(bot["active"] == 1);
  CHECK(bot["privileges"]["run_events"] == 1);
  CHECK(bot["privileges"]["create_events"] == 0);
  CHECK(list.dump().find(secret) == std::string::npos);
  CHECK_FALSE(bot.contains("key"));
  json one = s.ok("get_api_key", {{"id", id}});
  CHECK(one["api_key"]["title"] == "Deploy bot");
  check_error(s.call("get_api_key", {{"id", "k404"}}), "api_key", "Failed to locate API Key: k404");

  // Edited: disabled, then refused as Cronicle refuses a disabled key.
  s.ok("update_api_key", {{"id", id}, {"active", 0}, {"title", "Deploy bot (off)"}});
  CHECK(s.ok("get_api_key", {{"id", id}})["api_key"]["title"] == "Deploy bot (off)");
  check_error(s.call("get_schedule", json::object(), secret), "api", "API Key is disabled: " + id);
  check_error(s.call("update_api_key", {{"id", id}, {"active", "0"}}), "api", "Malformed parameter type: active (string)");
  check_error(s.call("update_api_key", {{"id", "k404"}, {"active", 1}}), "api_key",
              "Failed to update API Key: Error: Item not found");

  // Only an admin key manages keys, refused in requireAdmin's words.
  std::string runner = s.key_with(json::array({"run_events"}));
  const std::string runner_id = runner.substr(0, runner.find('.'));  // a key is "<id>.<secret>"
  row_of(s.ok("get_api_keys")["rows"], runner_id);
  check_error(s.call("get_api_keys", json::object(), runner), "user", "User is not an administrator: " + runner_id);

  // Hostile or incomplete bodies change nothing.
  check_error(s.call("create_api_key", {{"title", "x"}, {"active", 1}}), "api", "Missing parameter: key");
  check_error(s.call("create_api_key", {{"title", "x"}, {"key", "a-b"}, {"active", 1}}), "api", "Malformed parameter: key");
  check_error(s.call("create_api_key", {{"title", "x"}, {"key", "abc"}, {"active", 2}}), "api", "Malformed parameter: active");
  check_error(s.call("create_api_key", {{"title", "<b>x</b>"}, {"key", "abc"}, {"active", 1}}), "api",
              "Malformed title parameter: Cannot contain HTML metacharacters");
  check_error(s.call("create_api_key", {{"title", "x"}, {"key", "abc"}, {"active", 1}, {"privileges", {{"fly", 1}}}}),
              "api", "privileges: unknown privilege \"fly\" (known: create_events, edit_events, delete_events, "
                     "run_events, abort_events, state_update, admin)");
  check_error(s.call("create_api_key", {{"title", "x"}, {"key", "abc"}, {"active", 1}, {"privileges", "admin"}}), "api",
              "privileges: must be an array of privilege names or an object of privilege names set to 1 or 0 "
              "(e.g. [\"run_events\"] or {\"run_events\": 1})");
  CHECK(s.ok("get_api_keys")["list"]["length"] == 3);  // admin, the bot, the runner: nothing added

  // Deleted; the last admin key cannot be.
  s.ok("delete_api_key", {{"id", id}});
  check_error(s.call("get_api_key", {{"id", id}}), "api_key", "Failed to locate API Key: " + id);
  check_error(s.call("delete_api_key", {{"id", id}}), "api_key", "Failed to delete API Key: Error: Item not found");
  const std::string admin_id = s.admin.substr(0, s.admin.find('.'));
  row_of(s.ok("get_api_keys")["rows"], admin_id);
  CHECK(s.call("delete_api_key", {{"id", admin_id}})["code"] == "api_key");
}

TEST_CASE("cronicle: get_job_log answers a job's log as text, Cronicle's JSON refusal for an unknown job") {
  cronicle_server s;
  std::string id = s.create(shell_event("Logger", "#!/bin/sh\necho 'hello <log>'\necho second line\n"));
  std::string job_id = s.ok("run_event", {{"id", id}})["ids"][0];
  s.wait_job(job_id);
  auto log = s.cr.get("/api/app/get_job_log?id=" + job_id + "&api_key=" + s.admin);
  CHECK(log.status == 200);
  CHECK(log.header("content-type") == "text/plain; charset=utf-8");
  // Cronicle's header (launchLocalJob), the output, and its footer (finishLocalJob).
  const std::regex when(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \([A-Za-z0-9+-]+\))");
  CHECK(std::regex_replace(log.body, when, "<t>") ==
        "# Job ID: " + job_id + "\n# Event Title: Logger\n# Hostname: " + s.wait_job(job_id)["hostname"].get<std::string>() +
            "\n# Date/Time: <t>\n\nhello <log>\nsecond line\n\n# Job completed successfully at <t>.\n# End of log.\n");
  CHECK(log.header("content-disposition").empty());
  // A failure's footer names its code (unless 1) and description; a success's its description.
  std::string failing = s.create(shell_event("Failing", "#!/bin/sh\necho half\nexit 3\n"));
  std::string failed = s.ok("run_event", {{"id", failing}})["ids"][0];
  s.wait_job(failed);
  CHECK(std::regex_replace(s.job_log(failed), when, "<t>")
            .ends_with("\n\nhalf\n\n# Job failed at <t>.\n# Error 3: Script exited with code: 3\n# End of log.\n"));
  json one = shell_event("One", "#!/bin/sh\necho '{\"complete\":1,\"code\":1,\"description\":\"  disk full  \"}'\n");
  one["params"]["json"] = 1;
  std::string one_job = s.ok("run_event", {{"id", s.create(one)}})["ids"][0];
  s.wait_job(one_job);
  CHECK(s.job_log(one_job).ends_with(".\n# Error: disk full\n# End of log.\n"));
  json described = shell_event("Described", "#!/bin/sh\necho '{\"complete\":1,\"description\":\"42 rows\"}'\n");
  described["params"]["json"] = 1;
  std::string described_job = s.ok("run_event", {{"id", s.create(described)}})["ids"][0];
  s.wait_job(described_job);
  CHECK(s.job_log(described_job).ends_with(".\n# Description: 42 rows\n# End of log.\n"));
  auto download = s.cr.get("/api/app/get_job_log/v1?id=" + job_id + "&download=1&api_key=" + s.admin);
  CHECK(download.header("content-disposition") == "attachment; filename=Cronicle-Job-Log-" + job_id + ".txt");
  // An unknown job: Cronicle reads its record before its log, and answers that in JSON.
  auto unknown = s.cr.get("/api/app/get_job_log?id=j" + id + "_1&api_key=" + s.admin);
  CHECK(unknown.status == 200);
  check_error(unknown.json(), "job", "Failed to fetch job details: Error: Failed to fetch key: jobs/j" + id + "_1: File not found");
  check_error(s.get("/api/app/get_job_log?id=nonsense&api_key=" + s.admin), "job",
              "Failed to fetch job details: Error: Failed to fetch key: jobs/nonsense: File not found");
  check_error(s.get("/api/app/get_job_log?api_key=" + s.admin), "api", "Missing parameter: id");
  check_error(s.get("/api/app/get_job_log?id=" + job_id), "session", "No Session ID or API Key could be found");
}

TEST_CASE("cronicle: a retried job's log holds each try, a failed one's note in place of the footer") {
  cronicle_server s;
  scratch_dir dir;
  const std::string marker = dir.path + "/tried";
  std::string id = s.create(with(shell_event("Flaky", "#!/bin/sh\nif [ -e " + marker + " ]; then echo second; exit 0; fi\n" +
                                                          "touch " + marker + "\necho first\nexit 3\n"),
                                 {{"retries", 2}, {"retry_delay", 0}}));
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  json ended = s.wait_job(job);
  REQUIRE(ended["code"] == 0);
  const std::regex when(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \([A-Za-z0-9+-]+\))");
  const std::string header = "# Job ID: " + job + "\n# Event Title: Flaky\n# Hostname: " +
                             ended["hostname"].get<std::string>() + "\n# Date/Time: <t>\n\n";
  CHECK(std::regex_replace(s.job_log(job), when, "<t>") ==
        header + "first\n\n# Job failed with error 3: Script exited with code: 3\n# 2 retries remain\n\n" + header +
            "second\n\n# Job completed successfully at <t>.\n# End of log.\n");
}

TEST_CASE("cronicle: run_event with params and a timeout of its own runs that once, and the event keeps its own") {
  cronicle_server s;
  std::string id = s.create(shell_event("Greeter", "#!/bin/sh\necho from-event\n"));
  auto log_of = [&](const std::string& job) {
    s.wait_job(job);
    return s.job_output(job);
  };
  // Cronicle merges the call's params over the event's for this job.
  std::string changed = s.ok("run_event", {{"id", id}, {"params", {{"script", "#!/bin/sh\necho from-run\n"}}}})["ids"][0];
  CHECK(log_of(changed) == "from-run\n");
  std::string plain = s.ok("run_event", {{"id", id}})["ids"][0];
  CHECK(log_of(plain) == "from-event\n");
  CHECK(s.ok("get_event", {{"id", id}})["event"]["params"]["script"] == "#!/bin/sh\necho from-event\n");
  // A timeout of its own ends that run, as the event's would.
  std::string slow = s.ok("run_event", {{"id", id}, {"timeout", 1}, {"params", {{"script", "#!/bin/sh\nsleep 30\n"}}}})["ids"][0];
  json done = s.wait_job(slow);
  CHECK(done["code"] == 1);
  CHECK(done["description"] == "Job Aborted: Exceeded maximum run time (1 second)");
  CHECK(s.ok("get_event", {{"id", id}})["event"]["timeout"] != 1);
  // Another plugin of the same executor runs that once; fields with no effect on a run (notes,
  // post_data: no Plugin reads it, Cronicle's own neither) are taken.
  std::string tested = s.ok("run_event", {{"id", id}, {"plugin", "testplug"}, {"params", {{"duration", "0"}}},
                                          {"notes", "one run"}, {"post_data", {{"a", 1}}}})["ids"][0];
  CHECK(s.wait_job(tested)["code"] == 0);
  CHECK(s.ok("get_event", {{"id", id}})["event"]["plugin"] == "shellplug");
  // A Plugin that does not exist: launchJob's refusal, in run_event's words.
  check_error(s.call("run_event", {{"id", id}, {"plugin", "nosuch"}}), "event", "Failed to launch event: Plugin not found: nosuch");
  // Refused, and nothing runs: another executor.
  const auto runs_before = s.ok("get_event_history", {{"id", id}})["list"]["length"];
  CHECK(s.call("run_event", {{"id", id}, {"plugin", "urlplug"}, {"params", {{"url", "http://127.0.0.1:9/"}}}})["code"] == "event");
  CHECK(s.ok("get_event_history", {{"id", id}})["list"]["length"] == runs_before);
  CHECK(s.ok("get_active_jobs")["jobs"].empty());
  // Params the Plugin does not declare are taken and dropped, as Cronicle's launchJob drops them
  // (create_event and update_event refuse them: "Unknown Plugin parameter").
  std::string extra = s.ok("run_event", {{"id", id}, {"params", {{"db_host", "x"}}}})["ids"][0];
  CHECK(log_of(extra) == "from-event\n");
  check_error(s.call("run_event", {{"id", id}, {"timeout", "soon"}}), "api", "Malformed parameter type: timeout (string)");
}
