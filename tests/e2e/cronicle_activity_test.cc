// End to end: Cronicle's activity log (get_activity) through the real server: changes made
// through the Cronicle API (a category, an event created, updated, run, its job updated and
// aborted, the event deleted, an API key, the scheduler's switch) read back newest first with
// Cronicle's actions, paged, and refused to a key that is not an admin's.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/e2e/cronicle_helpers.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

std::vector<std::string> actions_of(const json& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.value("action", ""));
  return out;
}

}  // namespace

TEST_CASE("cronicle activity: changes through the Cronicle API read back newest first with Cronicle's actions") {
  cronicle_server s;
  scratch_dir dir;
  const std::string admin_id = s.admin.substr(0, 16);  // a key's id: its secret's first 16 characters

  s.ok("create_category", {{"id", "ops"}, {"title", "Ops"}, {"max_children", 0}, {"enabled", 1}});
  const std::string event =
      s.create(shell_event("Gated", "#!/bin/sh\nwhile [ ! -e " + dir.path + "/go ]; do sleep 0.05; done\n"));
  s.ok("update_event", {{"id", event}, {"title", "Gated 2"}});
  const std::string job = s.ok("run_event", {{"id", event}})["ids"][0];
  REQUIRE(eventually([&] { return s.ok("get_active_jobs")["jobs"].contains(job); }));
  s.ok("update_job", {{"id", job}, {"timeout", 600}});
  s.ok("abort_job", {{"id", job}});
  CHECK(s.wait_job(job)["code"] == 1);
  s.ok("delete_event", {{"id", event}});
  const std::string reader = s.ok("create_api_key", {{"title", "Reader"}, {"active", "1"}, {"key", "ignored"},
                                                     {"privileges", {{"run_events", 1}}}})["key"];
  s.ok("update_master_state", {{"enabled", 0}});
  s.ok("update_master_state", {{"enabled", 1}});

  json all = s.ok("get_activity", {{"limit", 100}});
  const std::vector<std::string> expected = {"state_update", "state_update", "apikey_create", "event_delete",
                                             "job_complete", "job_update",   "job_run",       "event_update",
                                             "event_create", "cat_create",   "apikey_create"};
  CHECK(actions_of(all["rows"]) == expected);
  CHECK(all["list"]["length"] == expected.size());
  const json& rows = all["rows"];
  REQUIRE(rows.size() == expected.size());

  CHECK(rows[0]["enabled"] == 1);
  CHECK(rows[1]["enabled"] == 0);
  CHECK(rows[2]["api_key"]["title"] == "Reader");
  CHECK(rows[2]["api_key"]["privileges"]["run_events"] == 1);
  CHECK_FALSE(rows[2]["api_key"].contains("key"));  // never a secret
  CHECK(rows[3]["event"] == json{{"id", event}, {"title", "Gated 2"}});
  CHECK(rows[4]["id"] == job);
  CHECK(rows[4]["description"] == "Job Aborted: Manually aborted by API Key: " + admin_id + " (bootstrap admin)");
  CHECK(rows[5]["id"] == job);
  CHECK(rows[6]["id"] == job);
  CHECK(rows[6]["event"] == event);
  CHECK(rows[7]["event"]["title"] == "Gated 2");
  CHECK(rows[8]["event"] == json{{"id", event}, {"title", "Gated"}});
  CHECK(rows[9]["cat"] == json{{"id", "ops"}, {"title", "Ops"}});
  CHECK(rows[10]["api_key"]["title"] == "bootstrap admin");
  CHECK_FALSE(rows[10].contains("api_title"));  // the bootstrap key: no key made it
  // Who made each change through the Cronicle API: the admin key, by its id and title.
  for (int i = 0; i < 10; ++i) {
    INFO(rows[i].dump());
    if (i != 2) CHECK(rows[i]["api_key"] == admin_id);  // an apikey row's api_key is the key changed
    CHECK(rows[i]["api_title"] == "bootstrap admin");
    CHECK(rows[i]["epoch"].is_number_integer());
  }
  for (std::size_t i = 1; i < rows.size(); ++i) CHECK(rows[i - 1]["epoch"] >= rows[i]["epoch"]);
  for (const auto& r : rows) CHECK(r["ip"] == "127.0.0.1");  // each change's request came from here

  // Pages as Cronicle's listGet: the default of 50, offset and limit, past the end empty.
  CHECK(s.ok("get_activity")["rows"] == rows);
  json page = s.ok("get_activity", {{"offset", 2}, {"limit", 3}});
  CHECK(page["rows"] == json{rows[2], rows[3], rows[4]});
  CHECK(page["list"]["length"] == expected.size());
  CHECK(s.ok("get_activity", {{"offset", 50}}) == json{{"code", 0}, {"rows", json::array()}, {"list", {{"length", 0}}}});
  // The query as the body (a GET from a script).
  CHECK(s.get("/api/app/get_activity/v1?limit=1&api_key=" + s.admin)["rows"] == json{rows[0]});

  // An admin call: a key without the admin privilege is refused as Cronicle refuses it.
  json refused = s.call("get_activity", json::object(), reader);
  CHECK(refused["code"] == "user");
  CHECK(refused["description"] == "User is not an administrator: " + reader.substr(0, 16));  // the key by its id
}

TEST_CASE("cronicle activity: changes through the native API on Cronicle's group show with the closest action") {
  cronicle_server s;
  s.ok("create_category", {{"id", "ops"}, {"title", "Ops"}, {"max_children", 0}, {"enabled", 1}});
  const std::string event = s.create(shell_event("Native", "#!/bin/sh\ntrue\n"));
  auto paused = s.native.request("POST", "/v1/pause/job", json{{"group_name", "cronicle"}, {"job_id", event}}.dump(),
                                 "application/json", {"X-API-Key: " + s.admin});
  INFO(paused.body);
  REQUIRE(paused.status == 200);
  json rows = s.ok("get_activity")["rows"];
  REQUIRE(rows.size() >= 1);
  CHECK(rows[0]["action"] == "event_update");
  CHECK(rows[0]["event"] == json{{"id", event}, {"title", "Native"}, {"enabled", 0}});
}
