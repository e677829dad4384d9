// before_session: what each Cronicle call refuses of its parameters before it looks at a key, in
// its handler's order (lib/api/*.js), and that the listener then asks no key of the request.
#include "http/cronicle/before_session.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/cronicle/cronicle_dialect.h"

using namespace mainspring;
using namespace mainspring::http;
using namespace mainspring::http::cronicle;
using nlohmann::json;

namespace {

std::optional<api_error> check(std::string_view call, const json& params, const json& query = json::object()) {
  return check_before_session(call, params, query);
}

api_error api(std::string text) { return {"api", std::move(text)}; }

}  // namespace

TEST_CASE("cronicle before_session: the calls by id require a word id first") {
  for (const char* call : {"update_event", "delete_event", "flush_event_queue", "get_event_history", "update_job",
                           "abort_job", "get_job_details", "get_job_status", "get_api_key", "delete_api_key",
                           "update_api_key"}) {
    INFO(call);
    CHECK(check(call, json::object()) == api("Missing parameter: id"));
    CHECK(check(call, {{"id", nullptr}}) == api("Null parameter: id"));
    CHECK(check(call, {{"id", "../x"}}) == api("Malformed parameter: id"));
    CHECK_FALSE(check(call, {{"id", "e1"}}));
  }
}

TEST_CASE("cronicle before_session: create_event requires its five fields, then checks the event's data") {
  json event = {{"title", "T"}, {"enabled", 1}, {"category", "general"}, {"target", "allgrp"}, {"plugin", "shellplug"}};
  CHECK_FALSE(check("create_event", event));
  json no_plugin = event;
  no_plugin.erase("plugin");
  CHECK(check("create_event", no_plugin) == api("Missing parameter: plugin"));
  json bad_timeout = event;
  bad_timeout["timeout"] = "60";
  CHECK(check("create_event", bad_timeout) == api("Malformed parameter type: timeout (string)"));
  // requireParams comes before requireValidEventData.
  bad_timeout.erase("title");
  CHECK(check("create_event", bad_timeout) == api("Missing parameter: title"));
}

TEST_CASE("cronicle before_session: update_event and run_event check the event's data too") {
  CHECK(check("update_event", {{"id", "e1"}, {"timing", {{"hours", {25}}}}}) ==
        api("Malformed event timing parameter: hours (value out of range: 25)"));
  CHECK(check("run_event", {{"id", "e1"}, {"timeout", "x"}}) == api("Malformed parameter type: timeout (string)"));
  CHECK_FALSE(check("run_event", {{"title", "T"}, {"timeout", 30}}));
}

TEST_CASE("cronicle before_session: get_event and run_event need an id or a title, by JavaScript truthiness") {
  const api_error none{"event", "Failed to locate event: No criteria specified"};
  for (const char* call : {"get_event", "run_event"}) {
    INFO(call);
    CHECK(check(call, json::object()) == none);
    CHECK(check(call, {{"id", ""}, {"title", 0}}) == none);
    CHECK_FALSE(check(call, {{"title", "T"}}));
    CHECK_FALSE(check(call, {{"id", "e1"}}));
  }
  // run_event's criteria come before its event data.
  CHECK(check("run_event", {{"timeout", "x"}}) == none);
}

TEST_CASE("cronicle before_session: get_job_log reads its id from the query only") {
  CHECK(check("get_job_log", {{"id", "je1_1"}}) == api("Missing parameter: id"));
  CHECK_FALSE(check("get_job_log", json::object(), {{"id", "je1_1"}}));
}

TEST_CASE("cronicle before_session: the key calls' fields and HTML checks") {
  CHECK(check("create_api_key", {{"title", "T"}, {"key", "abc"}}) == api("Missing parameter: active"));
  CHECK(check("create_api_key", {{"title", "T"}, {"key", "a.b"}, {"active", 1}}) == api("Malformed parameter: key"));
  CHECK(check("create_api_key", {{"title", "<b>"}, {"key", "abc"}, {"active", "1"}}) ==
        api("Malformed title parameter: Cannot contain HTML metacharacters"));
  CHECK_FALSE(check("create_api_key", {{"title", "T"}, {"key", "abc"}, {"active", "0"}}));
  CHECK(check("update_api_key", {{"id", "k1"}, {"active", "1"}}) == api("Malformed parameter type: active (string)"));
  CHECK(check("update_api_key", {{"id", "k1"}, {"active", 2}}) == api("Malformed parameter value: active"));
  CHECK(check("update_api_key", {{"id", "k1"}, {"key", 5}}) == api("Malformed parameter type: key (number)"));
  CHECK(check("update_api_key", {{"id", "k1"}, {"description", "a>b"}}) ==
        api("Malformed description parameter: Cannot contain HTML metacharacters"));
  CHECK_FALSE(check("update_api_key", {{"id", "k1"}, {"active", 0}, {"title", "ok"}}));
}

TEST_CASE("cronicle before_session: calls that check nothing first, and unknown names, pass anything") {
  for (const char* call : {"get_schedule", "get_history", "get_active_jobs", "abort_jobs", "update_jobs", "get_api_keys",
                           "get_master_state", "update_master_state", "no_such_call"})
    CHECK_FALSE(check(call, {{"id", "../x"}, {"timeout", "x"}}));
}

TEST_CASE("cronicle before_session: the listener asks no key of a call it refuses first") {
  auto need = cronicle::key_requirements();
  http_request req;
  req.method = "POST";
  req.params["name"] = "delete_event";
  req.body = R"({"id":"e1"})";
  CHECK(need(req, "").what == key_requirement::kind::privileged);
  CHECK(need(req, "").needed == privilege::delete_events);
  req.body = R"({"title":"no id"})";
  CHECK(need(req, "").what == key_requirement::kind::open);
  req.body = R"({"id":)";  // a body Cronicle's web server cannot read
  CHECK(need(req, "").what == key_requirement::kind::open);
  // The key is still read from the body the check parsed.
  req.body = R"({"id":"e1","api_key":"abc"})";
  CHECK(cronicle::presented_key(req) == "abc");
  req.headers.emplace_back("x-api-key", "hdr");
  CHECK(cronicle::presented_key(req) == "hdr");
}
