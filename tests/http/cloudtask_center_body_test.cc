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
  auto body = read_center_body(R"({"Runtime":"rt","JOBID":"j1","Action":"start","extra":5})", k_job_action_request);
  REQUIRE(body.ok());
  CHECK(*body == json{{"runtime", "rt"}, {"jobid", "j1"}, {"action", "start"}});
  body = read_center_body(R"({"action":"start","ACTION":"stop","runtime":null})", k_job_action_request);
  REQUIRE(body.ok());
  CHECK(*body == json{{"action", "stop"}});
}

TEST_CASE("a center body is its first JSON value, null is an empty struct, other values and types are refused") {
  auto body = read_center_body(R"({"jobid":"j1"} trailing)", k_job_action_request);
  REQUIRE(body.ok());
  CHECK(*body == json{{"jobid", "j1"}});
  CHECK(read_center_body("null", k_job_action_request).value() == json::object());
  CHECK_FALSE(read_center_body("", k_job_action_request).ok());
  CHECK_FALSE(read_center_body("[1]", k_job_action_request).ok());
  CHECK_FALSE(read_center_body(R"({"jobid":5})", k_job_action_request).ok());
  CHECK_FALSE(read_center_body(R"({"msgname":true})", k_message_header).ok());
}

TEST_CASE("a job log body is checked against the agent's JobLog types") {
  CHECK(read_center_body(R"({"jobid":"j","stat":-1,"exectimes":1.5,"createat":17,"execat":"2018-03-19T02:45:00.25Z"})",
                         k_job_log_request)
            .ok());
  CHECK_FALSE(read_center_body(R"({"jobid":"j","stat":"0"})", k_job_log_request).ok());
  CHECK_FALSE(read_center_body(R"({"jobid":"j","stat":1.5})", k_job_log_request).ok());
  CHECK_FALSE(read_center_body(R"({"jobid":"j","createat":1e3})", k_job_log_request).ok());
  CHECK_FALSE(read_center_body(R"({"jobid":"j","exectimes":"1"})", k_job_log_request).ok());
  CHECK_FALSE(read_center_body(R"({"jobid":"j","execat":"yesterday"})", k_job_log_request).ok());
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

TEST_CASE("a type error is Go's UnmarshalTypeError naming the struct and the field's JSON name") {
  auto error = [](std::string_view body, const center_struct& into) {
    auto read = read_center_body(body, into);
    REQUIRE_FALSE(read.ok());
    return read.status().message();
  };
  CHECK(error(R"({"msgname":"SystemEvent","Timestamp":"1"})", k_system_event) ==
        "json: cannot unmarshal string into Go struct field SystemEvent.timestamp of type int64");
  CHECK(error(R"({"jobids":"j1"})", k_system_event) ==
        "json: cannot unmarshal string into Go struct field SystemEvent.jobids of type []string");
  CHECK(error(R"({"groupids":["g",7]})", k_system_event) ==
        "json: cannot unmarshal number into Go struct field SystemEvent.groupids of type string");
  CHECK(error(R"({"msgid":{}})", k_system_event) ==
        "json: cannot unmarshal object into Go struct field SystemEvent.msgid of type string");
  // A number that is no int64 is quoted as sent.
  CHECK(error(R"({"state":1.50})", k_job_execute) == "json: cannot unmarshal number 1.50 into Go struct field JobExecute.state of type int");
  CHECK(error(R"({"timestamp":1e3})", k_job_select) ==
        "json: cannot unmarshal number 1e3 into Go struct field JobSelect.timestamp of type int64");
  CHECK(error(R"({"timestamp":99999999999999999999})", k_job_select) ==
        "json: cannot unmarshal number 99999999999999999999 into Go struct field JobSelect.timestamp of type int64");
  // The first type error is answered, after the rest was read; a bad time ends the decode at once.
  CHECK(error(R"({"state":"x","jobid":5})", k_job_execute) ==
        "json: cannot unmarshal string into Go struct field JobExecute.state of type int");
  CHECK(error(R"({"state":"x","nextat":"soon"})", k_job_execute) ==
        R"(parsing time "soon" as "2006-01-02T15:04:05Z07:00": cannot parse "soon" as "2006")");
  CHECK(error(R"({"execat":5})", k_job_execute) == "Time.UnmarshalJSON: input is not a JSON string");
  CHECK(error("[]", k_system_event) == "json: cannot unmarshal array into Go value of type models.SystemEvent");
  // What decodes: nulls anywhere, lists of strings, times in RFC 3339.
  auto ok = read_center_body(R"({"msgname":"JobExecute","state":-1,"execat":"2018-03-19T02:45:00Z","nextat":null,)"
                             R"("timestamp":1521427500000})",
                             k_job_execute);
  REQUIRE(ok.ok());
  CHECK((*ok)["state"] == -1);
  CHECK(read_center_body(R"({"jobids":["a",null],"groupids":null})", k_system_event).ok());
}

TEST_CASE("the requests' Context field takes an object with a string ID, as the center's api.Context") {
  CHECK(read_center_body(R"({"jobid":"j","context":{"ID":"x","other":1}})", k_job_action_request).ok());
  CHECK(read_center_body(R"({"jobid":"j","Context":null})", k_job_log_request).ok());
  CHECK_FALSE(read_center_body(R"({"jobid":"j","context":"x"})", k_job_action_request).ok());
  CHECK_FALSE(read_center_body(R"({"jobid":"j","Context":{"id":5}})", k_job_log_request).ok());
  // Its embedded context.Context is an interface with methods: nothing decodes into it.
  CHECK_FALSE(read_center_body(R"({"jobid":"j","Context":{"context":{}}})", k_job_action_request).ok());
  // MsgHeader has no Context: the key is unknown there.
  CHECK(read_center_body(R"({"msgname":"x","context":"x"})", k_message_header).ok());
}
