// Cronicle's activity log (get_activity) read from the audit log: each entry's row, and the
// call's pages.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/cronicle/activity_log.h"
#include "tests/http/cronicle_routes.h"

namespace mainspring::http::cronicle {
namespace {

using nlohmann::json;

audit_entry entry(int64_t time_s, std::string api, std::string key, std::string action, std::string group,
                  std::string job_id, std::string detail) {
  return audit_entry{time_s * 1000 + 123, std::move(api), std::move(key), std::move(action), std::move(group),
                     std::move(job_id), std::move(detail)};
}

const activity_context k_ctx{"cronicle",
                             {{"e1", "Nightly now"}},
                             {{"general", "General"}, {"c1", "Reports"}},
                             {{"k1", "Deploy bot"}},
                             "host-1"};

json only_row(const audit_entry& e, const activity_context& ctx = k_ctx) {
  json rows = activity_rows({e}, ctx);
  REQUIRE(rows.size() == 1);
  return rows[0];
}

TEST_CASE("cronicle activity: event changes are event_create, event_update and event_delete with the title then") {
  json rows = activity_rows({entry(10, "cronicle", "k1", "job.add", "cronicle", "e1", "Nightly"),
                             entry(20, "cronicle", "k1", "job.edit", "cronicle", "e1", "Nightly 2"),
                             entry(30, "cronicle", "k1", "job.delete", "cronicle", "e1", "Nightly 2: 1 job(s)")},
                            k_ctx);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == json{{"action", "event_delete"}, {"event", {{"id", "e1"}, {"title", "Nightly 2"}}}, {"epoch", 30},
                        {"api_key", "k1"}, {"api_title", "Deploy bot"}});
  CHECK(rows[1]["action"] == "event_update");
  CHECK(rows[1]["event"] == json{{"id", "e1"}, {"title", "Nightly 2"}});
  CHECK(rows[2]["action"] == "event_create");
  CHECK(rows[2]["event"] == json{{"id", "e1"}, {"title", "Nightly"}});
  CHECK(rows[2]["epoch"] == 10);
}

TEST_CASE("cronicle activity: an edit made through another API shows the title of the entry before it") {
  json rows = activity_rows({entry(10, "native", "", "job.add", "cronicle", "e1", "Nightly"),
                             entry(20, "native", "", "job.edit", "cronicle", "e1", ""),
                             entry(30, "native", "", "job.edit", "cronicle", "e2", "")},
                            k_ctx);
  REQUIRE(rows.size() == 3);
  CHECK(rows[1]["event"]["title"] == "Nightly");
  CHECK(rows[0]["event"]["title"] == "");  // e2 is gone and recorded no name
  CHECK_FALSE(rows[0].contains("api_key"));
  // The event's current title when no earlier entry names it.
  CHECK(only_row(entry(20, "native", "", "job.edit", "cronicle", "e1", ""))["event"]["title"] == "Nightly now");
}

TEST_CASE("cronicle activity: a pause outside Cronicle's API is an event_update with enabled, inside it no row") {
  CHECK(only_row(entry(10, "native", "", "job.pause", "cronicle", "e1", ""))["event"] ==
        json{{"id", "e1"}, {"title", "Nightly now"}, {"enabled", 0}});
  CHECK(only_row(entry(10, "dkron", "", "job.activate", "cronicle", "e1", ""))["event"]["enabled"] == 1);
  CHECK(activity_rows({entry(10, "cronicle", "k1", "job.pause", "cronicle", "e1", "")}, k_ctx).empty());
}

TEST_CASE("cronicle activity: a run is job_run with Cronicle's job id, a queued launch has no row") {
  CHECK(only_row(entry(10, "cronicle", "k1", "job.run", "cronicle", "e1", "run 42 with fields of its own")) ==
        json{{"action", "job_run"}, {"id", "je1_42"}, {"event", "e1"}, {"epoch", 10}, {"api_key", "k1"},
             {"api_title", "Deploy bot"}});
  CHECK(activity_rows({entry(10, "cronicle", "k1", "job.run", "cronicle", "e1", "a run waits in the job's queue")}, k_ctx)
            .empty());
}

TEST_CASE("cronicle activity: an abort is the failed job_complete Cronicle logs, with the reason") {
  json row = only_row(entry(10, "cronicle", "k1", "job.abort", "cronicle", "e1",
                            "run 42: Manually aborted by API Key: k1 (Deploy bot)"));
  CHECK(row["action"] == "job_complete");
  CHECK(row["id"] == "je1_42");
  CHECK(row["event"] == "e1");
  CHECK(row["code"] == 1);
  CHECK(row["description"] == "Job Aborted: Manually aborted by API Key: k1 (Deploy bot)");
  CHECK(row["hostname"] == "host-1");
  // Every run of an event, without a reason: no job id, the job actor's reason.
  json all = only_row(entry(10, "native", "", "job.abort", "cronicle", "e1", ""));
  CHECK_FALSE(all.contains("id"));
  CHECK(all["description"] == "Job Aborted: stopped through the native API");
}

TEST_CASE("cronicle activity: update_job is job_update and delete_job is job_delete") {
  CHECK(only_row(entry(10, "cronicle", "k1", "job.update_run", "cronicle", "e1", "run 7"))["id"] == "je1_7");
  CHECK(only_row(entry(10, "cronicle", "k1", "job.update_run", "cronicle", "e1", "run 7"))["action"] == "job_update");
  json deleted = only_row(entry(10, "cronicle", "k1", "job.delete_runs", "cronicle", "e1", "je1_5: runs 9 5"));
  CHECK(deleted == json{{"action", "job_delete"}, {"id", "je1_5"}, {"event", "e1"}, {"epoch", 10}, {"api_key", "k1"},
                        {"api_title", "Deploy bot"}});
  CHECK(only_row(entry(10, "native", "", "job.delete_runs", "cronicle", "e1", "runs 8 9"))["id"] == "je1_8");
}

TEST_CASE("cronicle activity: run pools are categories, the dialect's own setup of General is left out") {
  CHECK(only_row(entry(10, "cronicle", "k1", "pool.add", "cronicle", "", "c1"))["cat"] ==
        json{{"id", "c1"}, {"title", "Reports"}});
  CHECK(only_row(entry(10, "native", "", "pool.edit", "cronicle", "", "c1"))["action"] == "cat_update");
  json gone = only_row(entry(10, "cronicle", "k1", "pool.delete", "cronicle", "", "c9"));
  CHECK(gone["action"] == "cat_delete");
  CHECK(gone["cat"] == json{{"id", "c9"}, {"title", "c9"}});
  CHECK(activity_rows({entry(10, "cronicle", "", "pool.add", "cronicle", "", "general")}, k_ctx).empty());
}

TEST_CASE("cronicle activity: a custom Plugin's changes are plugin_create, plugin_update and plugin_delete") {
  json made = only_row(entry(10, "cronicle", "k1", "document.add", "cronicle", "cronicle.plugin/p1", "Backup"));
  CHECK(made["action"] == "plugin_create");
  CHECK(made["plugin"] == json{{"id", "p1"}, {"title", "Backup"}});
  CHECK(only_row(entry(11, "cronicle", "k1", "document.edit", "cronicle", "cronicle.plugin/p1", "Backup"))["action"] ==
        "plugin_update");
  CHECK(only_row(entry(12, "cronicle", "k1", "document.delete", "cronicle", "cronicle.plugin/p1", ""))["plugin"] ==
        json{{"id", "p1"}, {"title", "p1"}});
  // A document of another kind is no Plugin.
  CHECK(activity_rows({entry(13, "native", "", "document.add", "cronicle", "other.kind/x", "x")}, k_ctx).empty());
}

TEST_CASE("cronicle activity: the scheduler's switch is state_update and API keys are apikey rows without a secret") {
  CHECK(only_row(entry(10, "cronicle", "k1", "scheduler.pause", "", "", ""))["enabled"] == 0);
  CHECK(only_row(entry(10, "native", "", "scheduler.resume", "", "", ""))["action"] == "state_update");
  json key = only_row(entry(10, "native", "k1", "apikey.create", "", "",
                            R"({"id":"k2","title":"Reader","privileges":["run_events"],"active":1})"));
  CHECK(key["action"] == "apikey_create");
  CHECK(key["api_key"]["id"] == "k2");
  CHECK(key["api_key"]["title"] == "Reader");
  CHECK(key["api_key"]["active"] == 1);
  CHECK(key["api_key"]["privileges"]["run_events"] == 1);
  CHECK(key["api_key"]["privileges"]["admin"] == 0);
  CHECK_FALSE(key["api_key"].contains("key"));
  CHECK(key["api_title"] == "Deploy bot");  // who made it; api_key is the key made
  CHECK(only_row(entry(10, "native", "k1", "apikey.edit", "", "", R"({"id":"k2"})"))["action"] == "apikey_update");
  CHECK(only_row(entry(10, "native", "k1", "apikey.delete", "", "", R"({"id":"k2"})"))["action"] == "apikey_delete");
  CHECK(only_row(entry(10, "native", "", "apikey.bootstrap", "", "", R"({"id":"k1"})"))["action"] == "apikey_create");
}

TEST_CASE("cronicle activity: other groups, imports and changes Cronicle does not log have no row") {
  CHECK(activity_rows({entry(1, "native", "", "job.add", "other", "x", "X"), entry(2, "native", "", "import", "", "", ""),
                       entry(3, "native", "", "job.flush_queue", "cronicle", "e1", ""),
                       entry(4, "native", "", "group.register", "cronicle", "", ""),
                       entry(5, "native", "", "func.add", "cronicle", "", "f")},
                      k_ctx)
            .empty());
}

TEST_CASE("cronicle activity: a row shows the address the change came from when the entry kept one") {
  audit_entry e = entry(10, "native", "", "scheduler.pause", "", "", "");
  CHECK_FALSE(only_row(e).contains("ip"));
  e.client_ip = "10.0.0.7";
  CHECK(only_row(e)["ip"] == "10.0.0.7");
}

TEST_CASE("cronicle activity: a key gone since is named by its id") {
  CHECK(only_row(entry(10, "native", "k9", "scheduler.pause", "", "", ""))["api_title"] == "k9");
}

// -- the call --

std::vector<audit_entry> numbered_adds(int n) {
  std::vector<audit_entry> out;
  for (int i = 1; i <= n; ++i)
    out.push_back(entry(i, "cronicle", "", "job.add", "cronicle", "e" + std::to_string(i), "E" + std::to_string(i)));
  return out;
}

TEST_CASE("cronicle get_activity reads the group's and the global entries, newest first, 50 a page") {
  cronicle_routes f;
  f.api.group_audit = numbered_adds(60);
  json answer = f.call("get_activity");
  CHECK(f.api.audit_groups == std::vector<std::string>{"cronicle", ""});
  CHECK(answer["code"] == 0);
  REQUIRE(answer["rows"].size() == 50);
  CHECK(answer["rows"][0]["event"]["id"] == "e60");
  CHECK(answer["rows"][49]["event"]["id"] == "e11");
  CHECK(answer["list"] == json{{"page_size", 50}, {"first_page", -1}, {"last_page", 0}, {"length", 60}, {"type", "list"}});
}

TEST_CASE("cronicle get_activity pages with offset and limit as Cronicle's listGet") {
  cronicle_routes f;
  f.api.group_audit = numbered_adds(10);
  json page = f.call("get_activity", {{"offset", 2}, {"limit", "3"}});
  REQUIRE(page["rows"].size() == 3);
  CHECK(page["rows"][0]["event"]["id"] == "e8");
  CHECK(page["rows"][2]["event"]["id"] == "e6");
  CHECK(page["list"]["length"] == 10);
  CHECK(f.call("get_activity", {{"limit", 0}})["rows"].size() == 10);           // 0: the default, 50
  CHECK(f.call("get_activity", {{"limit", "x"}})["rows"].size() == 10);         // NaN: the whole list
  CHECK(f.call("get_activity", {{"offset", -2}})["rows"][0]["event"]["id"] == "e2");  // from the end
  CHECK(f.call("get_activity", {{"offset", 10}}) == json{{"code", 0}, {"rows", json::array()}, {"list", {{"length", 0}}}});
}

TEST_CASE("cronicle get_activity with no entry answers Cronicle's empty list") {
  cronicle_routes f;
  f.api.group_audit = std::vector<audit_entry>{};
  CHECK(f.call("get_activity") == json{{"code", 0}, {"rows", json::array()}, {"list", {{"length", 0}}}});
}

}  // namespace
}  // namespace mainspring::http::cronicle
