// Dkron's answers as Go's encoding/json writes its structs (http/dkron/go_json_text.h).
#include "http/dkron/go_json_text.h"

#include <catch2/catch.hpp>

#include "http/dkron/job_json.h"

using namespace mainspring;
using namespace mainspring::http::dkron;
using nlohmann::json;

TEST_CASE("a job's fields come in Dkron's Job struct order, its maps' keys sorted") {
  job_view view;
  view.spec.id = "a1";
  view.spec.schedule = "@every 1h";
  view.spec.metadata = {{"z", "1"}, {"a", "2"}};
  std::string text = go_json_text(job_json(view, {}, "UTC", 0), false);
  CHECK(text.starts_with(R"({"id":"a1","name":"a1","displayname":"","timezone":"","schedule":"@every 1h","owner":"",)"
                         R"("owner_email":"","success_count":0,"error_count":0,"last_success":null,"last_error":null,)"
                         R"("disabled":false,"tags":null,"metadata":{"a":"2","z":"1"},"retries":0,"dependent_jobs":null,)"
                         R"("parent_job":"","processors":{},"concurrency":"allow","executor":")"));
  CHECK(text.ends_with(R"("status":"","next":"0001-01-01T00:00:00Z","ephemeral":false,"starts_at":null,"expires_at":null})"));
  CHECK(json::parse(text) == job_json(view, {}, "UTC", 0));  // the same value
}

TEST_CASE("executions and members come in their Go structs' order, in arrays too") {
  json execution{{"output_truncated", false}, {"attempt", 1}, {"success", true}, {"id", "7"}, {"job_name", "a1"},
                 {"started_at", "2023-11-14T22:13:20Z"}, {"finished_at", "2023-11-14T22:13:21Z"},
                 {"node_name", "n"}, {"group", 1}};
  CHECK(go_json_text(json::array({execution}), false) ==
        R"([{"id":"7","job_name":"a1","started_at":"2023-11-14T22:13:20Z","finished_at":"2023-11-14T22:13:21Z",)"
        R"("success":true,"node_name":"n","group":1,"attempt":1,"output_truncated":false}])");
  json member{{"statusText", "alive"}, {"id", "u"}, {"Tags", {{"role", "dkron"}, {"dc", "dc1"}}}, {"Name", "n"},
              {"Addr", "127.0.0.1"}, {"Port", 8946}, {"Status", 1}, {"ProtocolMin", 1}, {"ProtocolMax", 5},
              {"ProtocolCur", 2}, {"DelegateMin", 2}, {"DelegateMax", 5}, {"DelegateCur", 4}};
  CHECK(go_json_text(member, false) ==
        R"({"Name":"n","Addr":"127.0.0.1","Port":8946,"Tags":{"dc":"dc1","role":"dkron"},"Status":1,"ProtocolMin":1,)"
        R"("ProtocolMax":5,"ProtocolCur":2,"DelegateMin":2,"DelegateMax":5,"DelegateCur":4,"id":"u","statusText":"alive"})");
  // A map (gin.H) keeps its keys sorted, and a map inside a job is never taken for a struct.
  CHECK(go_json_text(json{{"paused", true}}, false) == R"({"paused":true})");
  json tags_like_a_job{{"tags", {{"schedule", "x"}, {"executor_config", "y"}, {"a", "z"}}}, {"schedule", ""},
                       {"executor_config", nullptr}};
  CHECK(go_json_text(tags_like_a_job, false).find(R"("tags":{"a":"z","executor_config":"y","schedule":"x"})") !=
        std::string::npos);
  CHECK(go_json_text(json{{"paused", false}}, true) == "{\n    \"paused\": false\n}");
}

TEST_CASE("<, >, & and the line separators are escaped in strings as Go's encoding/json escapes them") {
  json job{{"executor_config", {{"command", "make <all> && echo \u2028\u2029done"}}}, {"schedule", "@daily"}};
  CHECK(go_json_text(job, false) ==
        R"({"schedule":"@daily","executor_config":{"command":"make \u003call\u003e \u0026\u0026 echo \u2028\u2029done"}})");
  CHECK(json::parse(go_json_text(job, true)) == job);  // the same value
  CHECK(go_json_text(json("caf\u00e9 \u20ac"), false) == "\"caf\u00e9 \u20ac\"");  // other text stays UTF-8
}
