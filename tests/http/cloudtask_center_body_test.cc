// The center's request bodies as its json.Decoder reads them into its structs
// (http/cloudtask/center_body.h), and jobs/action's privilege read the same way.
#include "http/cloudtask/center_body.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/cloudtask/key_requirements.h"

using namespace mainspring;
using namespace mainspring::http;
using namespace mainspring::http::cloudtask;
using nlohmann::json;

TEST_CASE("a center body's keys name fields exactly or ignoring case, the later one winning") {
  auto body = read_center_body(R"({"Runtime":"rt","JOBID":"j1","Action":"start","extra":5})", k_job_action_fields);
  REQUIRE(body.ok());
  CHECK(*body == json{{"runtime", "rt"}, {"jobid", "j1"}, {"action", "start"}});
  body = read_center_body(R"({"action":"start","ACTION":"stop","runtime":null})", k_job_action_fields);
  REQUIRE(body.ok());
  CHECK(*body == json{{"action", "stop"}});
}

TEST_CASE("a center body is its first JSON value, null is an empty struct, other values and types are refused") {
  auto body = read_center_body(R"({"jobid":"j1"} trailing)", k_job_action_fields);
  REQUIRE(body.ok());
  CHECK(*body == json{{"jobid", "j1"}});
  CHECK(read_center_body("null", k_job_action_fields).value() == json::object());
  CHECK_FALSE(read_center_body("", k_job_action_fields).ok());
  CHECK_FALSE(read_center_body("[1]", k_job_action_fields).ok());
  CHECK_FALSE(read_center_body(R"({"jobid":5})", k_job_action_fields).ok());
  CHECK_FALSE(read_center_body(R"({"msgname":true})", k_message_header_fields).ok());
}

TEST_CASE("a job log body is checked against the agent's JobLog types") {
  CHECK(read_center_body(R"({"jobid":"j","stat":-1,"exectimes":1.5,"createat":17,"execat":"2018-03-19T02:45:00.25Z"})",
                         k_job_log_fields)
            .ok());
  CHECK_FALSE(read_center_body(R"({"jobid":"j","stat":"0"})", k_job_log_fields).ok());
  CHECK_FALSE(read_center_body(R"({"jobid":"j","stat":1.5})", k_job_log_fields).ok());
  CHECK_FALSE(read_center_body(R"({"jobid":"j","createat":1e3})", k_job_log_fields).ok());
  CHECK_FALSE(read_center_body(R"({"jobid":"j","exectimes":"1"})", k_job_log_fields).ok());
  CHECK_FALSE(read_center_body(R"({"jobid":"j","execat":"yesterday"})", k_job_log_fields).ok());
}

TEST_CASE("jobs/action needs abort_events for a stop however its key is spelled") {
  auto needs = key_requirements();
  http_request req;
  req.method = "PUT";
  req.body = R"({"Runtime":"rt","JobId":"j","Action":"stop"})";
  CHECK(needs(req, "/cloudtask/v2/jobs/action").needed == privilege::abort_events);
  req.body = R"({"runtime":"rt","jobid":"j","action":"start"})";
  CHECK(needs(req, "/cloudtask/v2/jobs/action").needed == privilege::run_events);
}
