// The Cronicle dialect's calls driven through the router with an in-memory scheduler_api: the
// key calls over a real key registry (temp store), and what each call needs of a key.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "actors/api_key_registry.h"
#include "http/cronicle/cronicle_dialect.h"
#include "http/cronicle/errors.h"
#include "http/cronicle/event_json.h"
#include "http/router.h"
#include "storage/state_store.h"
#include "tests/http/fake_scheduler.h"
#include "tests/http/route_caller.h"

using namespace mainspring;
using namespace mainspring::http;
using nlohmann::json;

namespace {

struct temp_dir {
  std::string path;
  temp_dir() {
    char tmpl[] = "/tmp/ms_cronicle_calls_XXXXXX";
    const char* p = mkdtemp(tmpl);
    REQUIRE(p != nullptr);
    path = std::string(p) + "/data";
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(std::filesystem::path(path).parent_path(), ec);
  }
};

// A Cronicle listener's routes over a fake scheduler and a real key registry.
struct cronicle_fixture {
  temp_dir dir;
  std::unique_ptr<state_store> store;
  std::unique_ptr<api_key_registry> keys;
  fake_scheduler api;
  router routes;
  dialect d = cronicle::make_dialect({.group = "cronicle", .hostname = "h1"});

  cronicle_fixture() {
    store_options o;
    o.sweep_interval = std::chrono::milliseconds{0};
    auto s = state_store::open(dir.path, o);
    REQUIRE(s.ok());
    store = std::move(s).value();
    api_key_registry_options ko;
    ko.now_ms = [t = std::make_shared<int64_t>(1'800'000'000'000)] { return *t += 1000; };  // a second per call
    auto k = api_key_registry::load(*store, ko);
    REQUIRE(k.ok());
    keys = std::move(k).value();
    REQUIRE(keys->bootstrap(request_origin{"native", "", ""}).ok());  // keys other than admin ones may change
    d.add_routes(routes, api);
    d.add_key_routes(routes, *keys);
  }
  json call(const std::string& name, const json& body) {
    return call_route(routes, "POST", "/api/app/" + name + "/v1", body.dump()).body;
  }
};

void check_error(const json& answer, const std::string& code, const std::string& description) {
  INFO(answer.dump());
  CHECK(answer["code"] == code);
  CHECK(answer["description"] == description);
}

}  // namespace

TEST_CASE("cronicle: the key calls need an admin key, refused as requireAdmin words it") {
  auto need = cronicle::key_requirements();
  for (const char* name : {"create_api_key", "get_api_keys", "get_api_key", "update_api_key", "delete_api_key"}) {
    http_request req;
    req.params["name"] = name;
    auto r = need(req, "");
    INFO(name);
    CHECK(r.what == key_requirement::kind::privileged);
    CHECK(r.needed == privilege::admin);
  }
  auto refused = cronicle::render_error(403, status::permission_denied("API key 0123456789abcdef lacks the admin privilege"));
  check_error(json::parse(refused.body), "user", "User is not an administrator: 0123456789abcdef");
}

TEST_CASE("cronicle: create_api_key answers the secret once; lists and reads never show it") {
  cronicle_fixture f;
  json made = f.call("create_api_key", {{"title", "ci"}, {"active", 1}, {"key", "chosenbyclient"},
                                        {"privileges", {{"run_events", 1}, {"admin", 0}}}});
  INFO(made.dump());
  REQUIRE(made["code"] == 0);
  const std::string id = made["id"], secret = made["key"];
  CHECK(secret.starts_with(id + "."));
  CHECK(secret != "chosenbyclient");
  auto listed = f.keys->list();
  REQUIRE(listed.size() == 2);
  CHECK(listed[1].privileges == privilege_set{privilege::run_events});

  json one = f.call("get_api_key", {{"id", id}});
  CHECK(one["code"] == 0);
  CHECK(one["api_key"]["title"] == "ci");
  CHECK(one["api_key"]["privileges"] == json{{"run_events", 1}});
  CHECK(one["api_key"]["active"] == 1);
  CHECK_FALSE(one["api_key"].contains("key"));
  CHECK(one.dump().find(secret.substr(17)) == std::string::npos);

  f.call("create_api_key", {{"title", "second"}, {"active", "0"}});
  json page = f.call("get_api_keys", {{"offset", 0}, {"limit", 1}});
  CHECK(page["list"]["length"] == 3);
  REQUIRE(page["rows"].size() == 1);
  json all = f.call("get_api_keys", json::object())["rows"];
  CHECK(all[2]["title"] == "bootstrap admin");  // newest first (to the second of creation)
  CHECK(page["rows"][0] == all[0]);
  CHECK(f.call("get_api_keys", json::object())["rows"].size() == 3);
  CHECK(f.call("get_api_keys", json::object()).dump().find(secret.substr(17)) == std::string::npos);
}

TEST_CASE("cronicle: update_api_key and delete_api_key change the registry's keys") {
  cronicle_fixture f;
  const std::string id = f.call("create_api_key", {{"title", "ci"}, {"active", 1}})["id"];
  CHECK(f.call("update_api_key", {{"id", id}, {"title", "renamed"}, {"active", 0},
                                  {"privileges", {{"create_events", 1}}}})["code"] == 0);
  auto k = f.keys->list().at(1);
  CHECK(k.title == "renamed");
  CHECK_FALSE(k.active);
  CHECK(k.privileges == privilege_set{privilege::create_events});
  CHECK(f.call("delete_api_key", {{"id", id}})["code"] == 0);
  CHECK(f.keys->list().size() == 1);
  check_error(f.call("delete_api_key", {{"id", id}}), "api_key", "Failed to delete API Key: API Key not found: " + id);
  check_error(f.call("get_api_key", {{"id", id}}), "api_key", "Failed to locate API Key: " + id);
}

TEST_CASE("cronicle: hostile key call input is refused in Cronicle's words and changes nothing") {
  cronicle_fixture f;
  const std::string id = f.call("create_api_key", {{"title", "ci"}, {"active", 1}})["id"];
  check_error(f.call("create_api_key", {{"active", 1}}), "api", "Missing parameter: title");
  check_error(f.call("create_api_key", {{"title", "x"}}), "api", "Missing parameter: active");
  check_error(f.call("create_api_key", {{"title", "x"}, {"active", 2}}), "api", "Malformed parameter: active");
  check_error(f.call("create_api_key", {{"title", "<script>"}, {"active", 1}}), "api",
              "Malformed title parameter: Cannot contain HTML metacharacters");
  check_error(f.call("create_api_key", {{"title", "x"}, {"active", 1}, {"key", "a b"}}), "api", "Malformed parameter: key");
  json bad_priv = f.call("create_api_key", {{"title", "x"}, {"active", 1}, {"privileges", {{"cat_limit", 1}}}});
  CHECK(bad_priv["code"] == "api_key");
  check_error(f.call("get_api_key", {{"id", "../k"}}), "api", "Malformed parameter: id");
  check_error(f.call("update_api_key", {{"id", id}, {"active", "0"}}), "api", "Malformed parameter type: active (string)");
  check_error(f.call("update_api_key", {{"id", id}, {"active", 5}}), "api", "Malformed parameter value: active");
  CHECK(f.call("update_api_key", {{"id", id}, {"key", "newsecret"}})["code"] == "api_key");
  check_error(f.call("update_api_key", {{"id", "nokey"}, {"title", "t"}}), "api_key",
              "Failed to update API Key: API Key not found: nokey");
  REQUIRE(f.keys->list().size() == 2);
  CHECK(f.keys->list()[1].title == "ci");
  CHECK(f.keys->list()[1].active);
}

TEST_CASE("cronicle: update_master_state switches the whole scheduler, get_master_state shows it") {
  cronicle_fixture f;
  CHECK(f.call("get_master_state", json::object())["state"] == json{{"enabled", 1}});
  CHECK(f.call("update_master_state", {{"enabled", 0}})["code"] == 0);
  CHECK_FALSE(f.api.scheduling);
  CHECK(f.call("get_master_state", json::object())["state"] == json{{"enabled", 0}});
  CHECK(f.call("update_master_state", {{"enabled", "1"}})["code"] == 0);
  CHECK(f.api.scheduling);
  check_error(f.call("update_master_state", json::object()), "api", "Missing parameter: enabled");
  check_error(f.call("update_master_state", {{"enabled", "off"}}), "api", "Malformed parameter: enabled");
  CHECK(f.api.scheduling);
  auto need = cronicle::key_requirements();
  http_request req;
  req.params["name"] = "update_master_state";
  CHECK(need(req, "").needed == privilege::state_update);
}

namespace {

// An event in the fake scheduler, as create_event would have made it.
std::string add_event(cronicle_fixture& f, const std::string& id) {
  f.api.groups["cronicle"] = {"cronicle", "S", 1};
  json e = {{"title", "T"}, {"enabled", 1}, {"category", "general"}, {"target", "allgrp"}, {"plugin", "shellplug"},
            {"params", {{"script", "echo hi"}}}, {"timeout", 60}};
  auto spec = cronicle::to_job_spec(e, {}, id);
  REQUIRE(spec.ok());
  spec->id = id;
  job_view v;
  v.spec = *spec;
  f.api.jobs["cronicle"][id] = v;
  return id;
}

}  // namespace

TEST_CASE("cronicle: get_job_log serves the run's output as text/plain, get_job_details its job") {
  cronicle_fixture f;
  add_event(f, "e1");
  auto log = call_route(f.routes, "GET", "/api/app/get_job_log?id=je1_42");
  CHECK(log.status == 200);
  CHECK(log.content_type == "text/plain; charset=utf-8");
  CHECK(log.raw == "tail");
  auto download = call_route(f.routes, "GET", "/api/app/get_job_log?id=je1_42&download=1");
  bool attachment = false;
  for (const auto& [n, v] : download.headers) attachment |= n == "Content-disposition" && v.find("Cronicle-Job-Log-je1_42.txt") != std::string::npos;
  CHECK(attachment);
  // The id comes from the query only, as Cronicle reads it.
  check_error(call_route(f.routes, "POST", "/api/app/get_job_log/v1", R"({"id":"je1_42"})").body, "api", "Missing parameter: id");
  check_error(call_route(f.routes, "GET", "/api/app/get_job_log?id=je1_7").body, "job",
              "Failed to fetch job details: Job not found: je1_7");
  check_error(call_route(f.routes, "GET", "/api/app/get_job_log?id=..%2Fx").body, "api", "Malformed parameter: id");
  json details = f.call("get_job_details", {{"id", "je1_42"}});
  CHECK(details["code"] == 0);
  CHECK(details["job"]["id"] == "je1_42");
  CHECK(details["job"]["complete"] == 1);
}

TEST_CASE("cronicle: run_event sends the fields for one run to the core as the run's own") {
  cronicle_fixture f;
  add_event(f, "e1");
  CHECK(f.call("run_event", {{"id", "e1"}, {"timeout", 5}})["code"] == 0);
  REQUIRE(f.api.last_override);
  CHECK(f.api.last_override->timeout_ms == 5000);
  CHECK(f.call("run_event", {{"id", "e1"}})["code"] == 0);
  CHECK(f.api.last_override->empty());
  f.api.last_override.reset();
  check_error(f.call("run_event", {{"id", "e1"}, {"retry_delay", 9}}), "event",
              "Failed to launch event: retries and retry_delay cannot change for one run here (a job's retries are its own)");
  CHECK_FALSE(f.api.last_override);
}
