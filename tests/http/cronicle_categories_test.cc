// The Cronicle dialect's category calls (category_calls.cc, categories.h) through the router with
// an in-memory scheduler_api: the default category, create / get / update / delete with
// Cronicle's checks and answers, events naming categories, and run_event's words for a launch
// its category refused.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/cronicle/categories.h"
#include "http/cronicle/cronicle_dialect.h"
#include "http/cronicle/event_json.h"
#include "tests/http/cronicle_routes.h"

using namespace mainspring;
using namespace mainspring::http;
using nlohmann::json;

namespace {

using cronicle_fixture = cronicle_routes;

json error(const std::string& code, const std::string& description) {
  return {{"code", code}, {"description", description}};
}

json event_in(const std::string& category) {
  return {{"title", "T"}, {"enabled", 1}, {"category", category}, {"target", "allgrp"}, {"plugin", "shellplug"},
          {"params", {{"script", "true"}}}};
}

}  // namespace

TEST_CASE("cronicle categories: General exists from the start with setup.json's fields") {
  cronicle_fixture f;
  json list = f.call("get_categories");
  INFO(list.dump());
  REQUIRE(list["code"] == 0);
  REQUIRE(list["rows"].size() == 1);
  const json& general = list["rows"][0];
  CHECK(general == json{{"id", "general"}, {"title", "General"}, {"enabled", 1}, {"username", "admin"},
                        {"modified", 1434125333}, {"created", 1434125333},
                        {"description", "For events that don't fit anywhere else."}, {"max_children", 0}});
  CHECK(list["list"]["length"] == 1);
  CHECK(list["list"]["type"] == "list");
}

TEST_CASE("cronicle categories: create_category checks as Cronicle, normalizes the id, answers it") {
  cronicle_fixture f;
  CHECK(f.call("create_category", {{"max_children", 1}}) == error("api", "Missing parameter: title"));
  CHECK(f.call("create_category", {{"title", "X"}}) == error("api", "Missing parameter: max_children"));
  CHECK(f.call("create_category", {{"title", "X"}, {"max_children", "-1"}}) == error("api", "Malformed parameter: max_children"));
  CHECK(f.call("create_category", {{"title", "X"}, {"max_children", "2"}}) ==
        error("api", "Malformed parameter type: max_children (string)"));
  CHECK(f.call("create_category", {{"title", "X"}, {"max_children", 0}, {"enabled", true}}) ==
        error("api", "Malformed parameter type: enabled (boolean)"));
  CHECK(f.call("create_category", {{"title", "X"}, {"max_children", 0}, {"enabled", 2}}) ==
        error("api", "Malformed parameter value: enabled"));
  CHECK(f.call("create_category", {{"title", "X"}, {"max_children", 0}, {"color", "r-d"}}) ==
        error("api", "Malformed parameter value: color"));
  CHECK(f.call("create_category", {{"title", "X"}, {"max_children", 0}, {"web_hook", "ftp://x"}}) ==
        error("api", "Malformed parameter value: web_hook"));
  CHECK(f.call("create_category", {{"title", "<b>"}, {"max_children", 0}}) ==
        error("api", "Malformed title parameter: Cannot contain HTML metacharacters"));
  CHECK(f.call("create_category", {{"title", "X"}, {"max_children", 0}, {"description", "a<b"}}) ==
        error("api", "Malformed description parameter: Cannot contain HTML metacharacters"));
  CHECK(f.api.run_pools("cronicle").size() == 1);  // nothing was made

  json made = f.call("create_category", {{"id", "Night-Jobs!"}, {"title", "Nightly"}, {"max_children", 2},
                                          {"enabled", 1}, {"color", "blue"}, {"extra", "kept"}});
  CHECK(made == json{{"code", 0}, {"id", "nightjobs"}});
  json fresh = f.call("create_category", {{"title", "Fresh"}, {"max_children", 0}});
  REQUIRE(fresh["code"] == 0);
  const std::string fresh_id = fresh["id"];
  CHECK(fresh_id.size() == 11);
  CHECK(fresh_id[0] == 'c');
  CHECK(f.call("create_category", {{"id", "nightjobs"}, {"title", "Again"}, {"max_children", 0}}) ==
        error("category", "Failed to create category: Category already exists: nightjobs"));

  json rows = f.call("get_categories")["rows"];
  REQUIRE(rows.size() == 3);
  CHECK(rows[0]["id"] == fresh_id);  // newest first
  CHECK(rows[0]["enabled"] == 1);    // made without `enabled`: enabled (README)
  CHECK(rows[1]["id"] == "nightjobs");
  CHECK(rows[1]["title"] == "Nightly");
  CHECK(rows[1]["max_children"] == 2);
  CHECK(rows[1]["extra"] == "kept");
  CHECK(rows[1]["created"].is_number_integer());
  CHECK(rows[2]["id"] == "general");
  // Paged as listGet pages.
  json page = f.call("get_categories", {{"offset", 1}, {"limit", 1}});
  REQUIRE(page["rows"].size() == 1);
  CHECK(page["rows"][0]["id"] == "nightjobs");
  CHECK(page["list"]["length"] == 3);
  CHECK(f.call("get_categories", {{"offset", 3}}) == json{{"code", 0}, {"rows", json::array()}, {"list", {{"length", 0}}}});

  const run_pool_spec pool = f.api.pools["cronicle"]["nightjobs"];
  CHECK(pool.max_running == 2);
  CHECK(pool.enabled);
}

TEST_CASE("cronicle categories: update_category merges the given fields and maps them onto the pool") {
  cronicle_fixture f;
  REQUIRE(f.call("create_category", {{"id", "ops"}, {"title", "Ops"}, {"max_children", 0}, {"enabled", 1},
                                      {"description", "d"}})["code"] == 0);
  CHECK(f.call("update_category", {{"title", "x"}}) == error("api", "Missing parameter: id"));
  CHECK(f.call("update_category", {{"id", "ops"}, {"cpu_limit", "5"}}) ==
        error("api", "Malformed parameter type: cpu_limit (string)"));
  CHECK(f.call("update_category", {{"id", "nope"}, {"title", "x"}}) == error("event", "Failed to locate category: nope"));

  CHECK(f.call("update_category", {{"id", "ops"}, {"enabled", 0}, {"max_children", 3},
                                    {"web_hook", "http://127.0.0.1:9/h"}, {"cpu_limit", 50}, {"cpu_sustain", 5},
                                    {"memory_limit", 1048576}, {"notify_fail", "a@b.c"}}) == json{{"code", 0}});
  const run_pool_spec& p = f.api.pools["cronicle"]["ops"];
  CHECK_FALSE(p.enabled);
  CHECK(p.max_running == 3);
  CHECK(p.hook_url == "http://127.0.0.1:9/h");
  CHECK(p.hook_format == "cronicle");
  CHECK(p.cpu_limit_percent == 50);
  CHECK(p.cpu_sustain_s == 5);
  CHECK(p.memory_limit_bytes == 1048576);
  json shown = f.call("get_categories")["rows"][0];
  CHECK(shown["title"] == "Ops");  // kept
  CHECK(shown["description"] == "d");
  CHECK(shown["enabled"] == 0);
  CHECK(shown["notify_fail"] == "a@b.c");
}

TEST_CASE("cronicle categories: events name any existing category, and one in use is not deleted") {
  cronicle_fixture f;
  CHECK(f.call("create_event", event_in("ops")) == error("event", "Failed to create event: Category not found: ops"));
  REQUIRE(f.call("create_category", {{"id", "ops"}, {"title", "Ops"}, {"max_children", 1}})["code"] == 0);
  json made = f.call("create_event", event_in("ops"));
  REQUIRE(made["code"] == 0);
  REQUIRE(f.api.added);
  CHECK(f.api.added->controls.pool == "ops");  // the event's job is in the category's pool
  f.api.jobs["cronicle"][made["id"]].spec = *f.api.added;

  CHECK(f.call("delete_category", {{"id", "ops"}}) ==
        error("plugin", "Failed to delete category: Still in use by one or more events."));
  CHECK(f.call("delete_category", json::object()) == error("api", "Missing parameter: id"));
  CHECK(f.call("delete_category", {{"id", "nope"}}) == error("category", "Failed to delete category: Error: Item not found"));
  f.api.jobs["cronicle"].clear();
  CHECK(f.call("delete_category", {{"id", "ops"}}) == json{{"code", 0}});
  CHECK(f.api.run_pools("cronicle").size() == 1);
}

TEST_CASE("cronicle categories: run_event words a refusal by the event's category as Cronicle's launchJob") {
  cronicle_fixture f;
  REQUIRE(f.call("create_category", {{"id", "ops"}, {"title", "Ops Team"}, {"max_children", 1}})["code"] == 0);
  REQUIRE(f.call("create_event", event_in("ops"))["code"] == 0);
  job_view v;
  v.spec = *f.api.added;
  f.api.jobs["cronicle"][v.spec.id] = v;

  f.api.run_refusal = status::resource_exhausted("pool_full: ops");
  CHECK(f.call("run_event", {{"id", v.spec.id}}) ==
        error("event", "Failed to launch event: Maximum of 1 job already running for category: Ops Team"));
  f.api.run_refusal = status::failed_precondition("pool_disabled: ops");
  CHECK(f.call("run_event", {{"id", v.spec.id}}) == error("event", "Failed to launch event: Category 'Ops Team' is disabled."));
}

TEST_CASE("cronicle categories: a job shows its category's title, and the notifications its event has not") {
  fake_scheduler api;
  api.pools["cronicle"]["ops"] = cronicle::category_pool(
      {{"id", "ops"}, {"title", "Ops"}, {"max_children", 0}, {"notify_success", "ok@x.y"}, {"notify_fail", "bad@x.y"}},
      "create").value();
  const cronicle::category_titles titles(api, "cronicle");
  json job = {{"category", "ops"}, {"notify_success", ""}, {"notify_fail", "mine@x.y"}};
  titles.show(job);
  CHECK(job["category_title"] == "Ops");
  CHECK(job["notify_success"] == "ok@x.y");
  CHECK(job["notify_fail"] == "mine@x.y");
  json row = {{"category", "ops"}};
  titles.show(row, /*notifications=*/false);
  CHECK(row == json{{"category", "ops"}, {"category_title", "Ops"}});
  json gone = {{"category", "old"}};
  titles.show(gone);
  CHECK(gone["category_title"] == "old");
  json general = json::object();
  titles.show(general);
  CHECK(general["category_title"] == "General");
}
