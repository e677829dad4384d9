// The job Dkron's create-or-update handler answers: its request as bound (http/dkron/bound_job.h).
#include "http/dkron/bound_job.h"

#include <catch2/catch.hpp>

#include "http/dkron/go_json_text.h"
#include "http/dkron/job_json.h"
#include "http/go_json.h"

using namespace mainspring::http;
using namespace mainspring::http::dkron;
using nlohmann::json;

namespace {

// A body's fields as the handler has them: its members matched to Job's fields, then checked.
json fields_of(const std::string& body) {
  json fields = go_job_fields(parse_members_in_order(body).members);
  REQUIRE(decode_job(fields).ok());
  return fields;
}

}  // namespace

TEST_CASE("a job answers as bound: what was sent, Go's zero values and the handler's presets") {
  json j = bound_job_json(fields_of(R"({"name": "cron_job", "schedule": "0 30 * * * *",
      "executor": "shell", "executor_config": {"command": "date"}, "owner": "mec", "disabled": true})"));
  CHECK(go_json_text(j, false) ==
        R"({"id":"","name":"cron_job","displayname":"","timezone":"","schedule":"0 30 * * * *","owner":"mec",)"
        R"("owner_email":"","success_count":0,"error_count":0,"last_success":null,"last_error":null,)"
        R"("disabled":true,"tags":null,"metadata":null,"retries":0,"dependent_jobs":null,"parent_job":"",)"
        R"("processors":null,"concurrency":"allow","executor":"shell","executor_config":{"command":"date"},)"
        R"("status":"","next":"0001-01-01T00:00:00Z","ephemeral":false,"starts_at":null,"expires_at":null})");
}

TEST_CASE("computed fields a client sends back are echoed, as Dkron binds them too") {
  json j = bound_job_json(fields_of(R"({"id": "x", "name": "x", "schedule": "@every 1h", "success_count": 7,
      "error_count": -2, "status": "success", "next": "2030-01-01T10:00:00+02:00", "dependent_jobs": ["a", null],
      "last_success": "2029-12-31T23:00", "last_error": null, "concurrency": "", "retries": 3})"));
  CHECK(j["id"] == "x");
  CHECK(j["success_count"] == 7);
  CHECK(j["error_count"] == -2);
  CHECK(j["status"] == "success");
  CHECK(j["next"] == "2030-01-01T10:00:00+02:00");
  CHECK(j["dependent_jobs"] == json{"a", ""});          // a null element of a []string is ""
  CHECK(j["last_success"] == "2029-12-31T23:00:00Z");   // the UI's datetime-local form, UTC
  CHECK(j["last_error"].is_null());
  CHECK(j["concurrency"] == "");  // sent: the preset "allow" is overwritten
  CHECK(j["retries"] == 3);
}

TEST_CASE("maps come back as sent: {} stays {}, merged spellings merged, a null value \"\"") {
  json j = bound_job_json(fields_of(R"({"name": "m", "schedule": "@every 1h", "tags": {}, "metadata": {"a": "1"},
      "Metadata": {"b": null}, "processors": {"log": null, "files": {"forward": "true"}}, "executor_config": null})"));
  CHECK(j["tags"] == json::object());
  CHECK(j["metadata"] == json{{"a", "1"}, {"b", ""}});
  CHECK(j["processors"] == json{{"log", nullptr}, {"files", {{"forward", "true"}}}});
  CHECK(j["executor_config"].is_null());
}

TEST_CASE("the seed document's command and run_as_user come back when sent") {
  json j = bound_job_json(fields_of(R"({"name": "cron_job", "schedule": "0 30 * * * *",
      "command": "/usr/bin/date", "run_as_user": "johndoe"})"));
  CHECK(j["command"] == "/usr/bin/date");
  CHECK(j["run_as_user"] == "johndoe");
  CHECK_FALSE(bound_job_json(fields_of(R"({"name": "n", "schedule": "@every 1h", "command": ""})")).contains("command"));
}

TEST_CASE("times keep the offset they were sent with, written as Go's MarshalJSON writes them") {
  json j = bound_job_json(fields_of(R"({"name": "t", "schedule": "@every 1h",
      "starts_at": "2030-01-01T10:00:00.120+02:00", "expires_at": "2031-05-06T07:08:09.000000000-00:00"})"));
  CHECK(j["starts_at"] == "2030-01-01T10:00:00.12+02:00");
  CHECK(j["expires_at"] == "2031-05-06T07:08:09Z");
  CHECK(go_time_round_trip("2030-01-01T10:00:00Z") == "2030-01-01T10:00:00Z");
  CHECK(go_time_round_trip("2030-01-01T10:00:00+00:00") == "2030-01-01T10:00:00Z");
  CHECK(go_time_round_trip("2030-01-01T10:00:00.1234567891234-05:30") == "2030-01-01T10:00:00.123456789-05:30");
  CHECK(go_time_round_trip("2030-01-01T10:00:00.000Z") == "2030-01-01T10:00:00Z");
}
