// A body cut short is refused, on every route of every dialect that reads a JSON body: each
// proper prefix of a valid body is a 400 and reaches no scheduler call that changes state.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "http/dkron/dkron_dialect.h"
#include "http/native/native_dialect.h"
#include "http/ndscheduler/ndscheduler_dialect.h"
#include "tests/http/fake_scheduler.h"
#include "tests/http/route_caller.h"

using namespace mainspring;
using namespace mainspring::http;

namespace {

struct json_route {
  std::string method, target, body;
};

// Sends every proper prefix of each route's body through a fresh router of `d`.
void check_prefixes_refused(const dialect& d, const std::vector<json_route>& routes) {
  for (const auto& route : routes) {
    for (std::size_t n = 0; n < route.body.size(); ++n) {
      fake_scheduler api;
      router r;
      d.add_routes(r, api);
      api.origin.api = "untouched";  // every state-changing call records its origin here
      auto groups = api.groups;
      std::string prefix = route.body.substr(0, n);
      INFO(d.name << " " << route.method << " " << route.target << " with body: " << prefix);
      answer_t a = call_route(r, route.method, route.target, prefix);
      CHECK(a.status == 400);
      CHECK(api.origin.api == "untouched");
      CHECK(api.groups.size() == groups.size());
      CHECK_FALSE(api.added);
      CHECK_FALSE(api.patch);
    }
  }
}

}  // namespace

TEST_CASE("a truncated JSON body is a 400 that changes nothing on the native routes") {
  const std::string job = R"({"group_name":"G1","name":"Hello","job_id":"J1","exec_time":0,)"
                          R"("request_url":"HTTP@http://127.0.0.1:9999","interval_pattern":"@once",)"
                          R"("exec_command":"","timeout":1,"memo":"m"})";
  const std::string ref = R"({"group_name":"G1","job_id":"J1"})";
  check_prefixes_refused(native::make_dialect(),
                         {{"POST", "/v1/register/group", R"({"group_name": "x", "name": "y"})"},
                          {"POST", "/v1/remove/group", R"({"group_name": "x", "name": "y"})"},
                          {"POST", "/v1/add/job", job},
                          {"POST", "/v1/edit/job", R"({"group_name":"G1","job_id":"J1","memo":"m"})"},
                          {"POST", "/v1/pause/job", ref},
                          {"POST", "/v1/active/job", R"({"group_name":"G1","job_id":"J1","exec_time":0})"},
                          {"POST", "/v1/delete/job", ref},
                          {"POST", "/v1/add/func",
                           R"({"group_name":"G1","name":"F","func":"function F() return 1 end"})"},
                          {"POST", "/v1/delete/func", R"({"group_name":"G1","name":"F"})"}});
}

TEST_CASE("a truncated JSON body is a 400 that changes nothing on the Dkron routes") {
  check_prefixes_refused(
      dkron::make_dialect({.group = "dkron"}),
      {{"POST", "/v1/jobs",
        R"({"name":"j1","schedule":"@every 1m","executor":"shell","executor_config":{"command":"true"}})"}});
}

TEST_CASE("a truncated JSON body is a 400 that changes nothing on the ndscheduler routes") {
  const std::string job = R"({"name":"n","job_class_string":"simple_scheduler.jobs.sample_job.AwesomeJob",)"
                          R"("pub_args":["a",1],"hour":"3"})";
  check_prefixes_refused(ndscheduler::make_dialect({.group = "ndscheduler", .hostname = "box"}),
                         {{"POST", "/api/v1/jobs", job},
                          {"PUT", "/api/v1/jobs/0123456789abcdef0123456789abcdef", job},
                          {"POST", "/api/v1/executions", R"({"job_id":"0123456789abcdef0123456789abcdef"})"}});
}
