// The native dialect's translation, driven through the router with an in-memory scheduler_api:
// envelope, status codes, content type, field mapping and every error path. No server, no actors.
#include "http/native/native_routes.h"

#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/system_routes.h"  // dispatch
#include "tests/http/fake_scheduler.h"
#include "tests/http/route_caller.h"

using namespace mainspring;
using namespace mainspring::http;
using nlohmann::json;

namespace {

struct fixture {
  fake_scheduler api;
  router routes;
  fixture() { native::add_native_routes(routes, api); }

  // Sends one request through the router; every native answer is JSON.
  answer_t call(std::string method, const std::string& target, std::string body = "") {
    answer_t a = call_route(routes, std::move(method), target, std::move(body));
    CHECK(a.content_type == "application/json;charset=UTF-8");
    CHECK_FALSE(a.body.is_discarded());
    return a;
  }
  answer_t post(const std::string& target, std::string body) { return call("POST", target, std::move(body)); }
  answer_t get(const std::string& target) { return call("GET", target); }
};

const char* k_add_body = R"({
  "group_name": "YM55", //required
  "name": "Hello",  //required
  "job_id":"1234ABC", //option  you can specify your job_id rule: [a-zA-Z0-9_]{1,22}
  "exec_time": 0, //unixtime. if exec_time == 0 exec now
  "request_url": "HTTP@http://127.0.0.1:9999?test=yao", //required prefix REMOTE|LUA|HTTP
  "interval_pattern": "@once", //use crontab schema or @once or @every 5s
  "exec_command": "",
  "timeout": 1,
  "memo":""
})";

}  // namespace

TEST_CASE("GET /version answers the version in the success envelope with the JSON content type") {
  fixture f;
  auto a = f.get("/version");
  CHECK(a.status == 200);
  CHECK(a.body == json{{"success", MAINSPRING_VERSION}});
}

TEST_CASE("register group answers the secret, the seed's body with its trailing comma parses") {
  fixture f;
  auto a = f.post("/v1/register/group", "{\n  \"group_name\": \"YM55\", //rule: [a-zA-Z0-9_]{1,22}\n}");
  CHECK(a.status == 200);
  CHECK(a.body == json{{"success", "JBSWY3DPEHPK3PXP"}});
  CHECK(f.api.groups.count("YM55") == 1);
  check_error(f.post("/v1/register/group", R"({"group_name":"YM55"})"), 409, "exists");
  check_error(f.post("/v1/register/group", R"({"group_name":"bad-name"})"), 400, "group_name: must match");
  check_error(f.post("/v1/register/group", R"({"group_name":"abcdefghijklmnopqrstuvw"})"), 400,
              "group_name: must match");
  check_error(f.post("/v1/register/group", R"({})"), 400, "group_name: required");
  check_error(f.post("/v1/register/group", R"({"group_name": 55})"), 400,
              "group_name: must be a string, got number");
}

TEST_CASE("remove group answers ok, and 404 for an unknown group") {
  fixture f;
  f.api.seed_job("YM55", "a");
  auto a = f.post("/v1/remove/group", "{\n  \"group_name\": \"YM55\", \n}");
  CHECK(a.status == 200);
  CHECK(a.body == json{{"success", "ok"}});
  CHECK(f.api.groups.empty());
  check_error(f.post("/v1/remove/group", R"({"group_name":"YM55"})"), 404, "no group");
}

TEST_CASE("add job takes exec_time -1 as the pattern's first fire (no run at once)") {
  fixture f;
  f.api.groups["YM55"] = {"YM55", "S", 1};
  json b = json::parse(k_add_body, nullptr, true, true);
  b["exec_time"] = -1;
  b["interval_pattern"] = "0 30 2 * * *";
  auto a = f.post("/v1/add/job", b.dump());
  CHECK(a.status == 200);
  REQUIRE(f.api.added);
  CHECK(f.api.added->exec_time_s == k_first_fire_by_schedule);
}

TEST_CASE("add job maps the seed's example body onto job_spec and answers the job id") {
  fixture f;
  f.api.groups["YM55"] = {"YM55", "S", 1};
  auto a = f.post("/v1/add/job", k_add_body);
  CHECK(a.status == 200);
  CHECK(a.body == json{{"success", "1234ABC"}});
  REQUIRE(f.api.added);
  const job_spec& s = *f.api.added;
  CHECK(s.group == "YM55");
  CHECK(s.name == "Hello");
  CHECK(s.id == "1234ABC");
  CHECK(s.exec_time_s == 0);
  CHECK(s.target == executor_target{http_target{.url = "http://127.0.0.1:9999?test=yao", .signed_query = true}});
  CHECK(s.schedule == "@once");
  CHECK(s.timeout_ms == 1000);
  CHECK(f.api.origin.api == "native");
  check_error(f.post("/v1/add/job", k_add_body), 409, "1234ABC exists");
}

TEST_CASE("add job maps the extension fields, with seconds turned into milliseconds") {
  fixture f;
  f.api.groups["G"] = {"G", "S", 1};
  auto a = f.post("/v1/add/job", R"({"group_name":"G","name":"n","interval_pattern":"@every 5s",
      "request_url":"","exec_cmd":"sleep 1","timeout":1.5,"exec_time":"1900000000",
      "timezone":"Europe/Berlin","retries":3,"retry_delay":0.25,"concurrency":"forbid",
      "misfire":"all","memo":"m","metadata":{"team":"ops"},"unknown_field":[1,2]})");
  CHECK(a.status == 200);
  CHECK(a.body == json{{"success", "1107521665400573952"}});  // a generated id
  REQUIRE(f.api.added);
  const job_spec& s = *f.api.added;
  CHECK(s.id.empty());
  CHECK(s.target == executor_target{shell_target{.command = "sleep 1"}});
  CHECK(s.timeout_ms == 1500);
  CHECK(s.exec_time_s == 1900000000);
  CHECK(s.timezone == "Europe/Berlin");
  CHECK(s.retries == 3);
  CHECK(s.retry_delay_ms == 250);
  CHECK(s.concurrency == concurrency_policy::forbid);
  CHECK(s.misfire == misfire_policy::all);
  CHECK(s.memo == "m");
  CHECK(s.metadata == std::map<std::string, std::string>{{"team", "ops"}});
}

TEST_CASE("a timeout of 0 or none means the default timeout") {
  fixture f;
  f.api.groups["G"] = {"G", "S", 1};
  f.post("/v1/add/job", R"({"group_name":"G","name":"n","interval_pattern":"@once","exec_command":"true","timeout":0})");
  REQUIRE(f.api.added);
  CHECK(f.api.added->timeout_ms == k_default_timeout_ms);
  f.post("/v1/add/job", R"({"group_name":"G","name":"n","interval_pattern":"@once","exec_command":"true"})");
  CHECK(f.api.added->timeout_ms == k_default_timeout_ms);
}

TEST_CASE("add job validation errors are 400s naming the field") {
  fixture f;
  f.api.groups["YM55"] = {"YM55", "S", 1};
  auto body = [](const std::string& field, const std::string& value) {
    json b = json::parse(k_add_body, nullptr, true, true);
    b.erase("job_id");
    if (value == "<erase>") b.erase(field);
    else b[field] = json::parse(value);
    return b.dump();
  };
  check_error(f.post("/v1/add/job", body("interval_pattern", R"("61 * * * * *")")), 400, "interval_pattern");
  check_error(f.post("/v1/add/job", body("request_url", R"("FTP@x")")), 400, "request_url: unknown executor prefix");
  check_error(f.post("/v1/add/job", body("group_name", R"("no such")")), 400, "group_name: must match");
  check_error(f.post("/v1/add/job", body("group_name", R"("Nope")")), 404, "group_name: no group Nope");
  check_error(f.post("/v1/add/job", body("job_id", R"("x-y")")), 400, "job_id");
  check_error(f.post("/v1/add/job", body("job_id", R"("list")")), 400, "job_id: \"list\" is taken");
  check_error(f.post("/v1/add/job", body("exec_time", "-2")), 400, "exec_time: must be 0 (now), -1");
  check_error(f.post("/v1/add/job", body("exec_time", "253402300800")), 400, "exec_time: must not be later");
  check_error(f.post("/v1/add/job", body("name", "<erase>")), 400, "name: required");
  check_error(f.post("/v1/add/job", body("group_name", "<erase>")), 400, "group_name: required");
  check_error(f.post("/v1/add/job", body("interval_pattern", "<erase>")), 400, "interval_pattern: required");
  check_error(f.post("/v1/add/job", body("timeout", "-2")), 400, "timeout");
  check_error(f.post("/v1/add/job", body("interval_pattern", R"("@at 2020-01-01T00:00:00Z")")), 400,
              "interval_pattern: @at 2020-01-01T00:00:00Z has passed");
  CHECK(f.post("/v1/add/job", body("interval_pattern", R"("@at 2999-01-01T00:00:00Z")")).status == 200);
  {
    json once = json::parse(body("interval_pattern", R"("@once")"));
    once["exec_time"] = -1;
    check_error(f.post("/v1/add/job", once.dump()), 400, "exec_time: -1 (the pattern's first fire) gives @once no time");
  }
  {
    json own = json::parse(body("job_id", R"("self")"));
    own["controls"] = {{"on_success", "self"}};
    check_error(f.post("/v1/add/job", own.dump()), 400, "controls.on_success: the job \"self\" cannot run after itself");
    own["controls"] = {{"on_failure", "self"}};
    check_error(f.post("/v1/add/job", own.dump()), 400, "controls.on_failure: the job \"self\" cannot run after itself");
    check_error(f.post("/v1/edit/job", R"({"group_name":"YM55","job_id":"self","controls":{"on_success":"self"}})"), 400,
                "controls.on_success: the job \"self\" cannot run after itself");
    own["controls"] = {{"on_success", "other"}};
    CHECK(f.post("/v1/add/job", own.dump()).status == 200);
  }
  // A shell job without its command and without a group, a name or a valid pattern: those every
  // job needs are told first.
  const std::string shell_body = R"({"name":"n","interval_pattern":"@every 5s","request_url":""})";
  check_error(f.post("/v1/add/job", shell_body), 400, "group_name: required");
  check_error(f.post("/v1/add/job", R"({"group_name":"YM55","interval_pattern":"@every 5s"})"), 400, "name: required");
  check_error(f.post("/v1/add/job", R"({"group_name":"YM55","name":"n","interval_pattern":"0 0 25 * * *"})"), 400,
              "interval_pattern");
  check_error(f.post("/v1/add/job", R"({"group_name":"YM55","name":"n","interval_pattern":"@every 5s"})"), 400,
              "exec_command: required");
  // A NUL would end the shell's command there: a shell or REMOTE@ command may not hold one.
  check_error(f.post("/v1/add/job", R"({"group_name":"YM55","name":"n","interval_pattern":"@every 5s",)"
                                    R"("request_url":"","exec_command":"echo a\u0000; rm x"})"),
              400, "exec_command: has a NUL byte");
  check_error(f.post("/v1/add/job", R"({"group_name":"YM55","name":"n","interval_pattern":"@every 5s",)"
                                    R"("request_url":"REMOTE@w1","exec_command":"echo a\u0000b"})"),
              400, "exec_command: has a NUL byte");
}

TEST_CASE("a field of the wrong JSON type is a 400 naming the field") {
  fixture f;
  f.api.groups["G"] = {"G", "S", 1};
  struct bad {
    const char* field;
    const char* value;
    const char* message;
  };
  const bad cases[] = {
      {"timeout", R"("1")", "timeout: must be a number of seconds, got string"},
      {"timeout", "true", "timeout: must be a number of seconds, got boolean"},
      {"timeout", "1e300", "timeout: out of range"},
      {"retry_delay", "[]", "retry_delay: must be a number of seconds, got array"},
      {"name", "5", "name: must be a string, got number"},
      {"interval_pattern", "{}", "interval_pattern: must be a string, got object"},
      {"exec_time", R"("abc")", "exec_time: must be a whole number"},
      {"exec_time", "1.5", "exec_time: must be a whole number"},
      {"exec_time", "9223372036854775808", "exec_time: out of range"},
      {"exec_time", "1e30", "exec_time: out of range"},
      {"exec_time", R"("99999999999999999999")", "exec_time: out of range"},
      {"exec_time", "false", "exec_time: must be a whole number, got boolean"},
      {"retries", R"("3")", "retries: must be a whole number, got string"},
      {"retries", "101", "retries: must be between 0 and 100"},
      {"retries", "4294967297", "retries: must be between 0 and 100"},
      {"concurrency", R"("maybe")", "concurrency: expected allow or forbid"},
      {"misfire", "1", "misfire: must be a string, got number"},
      {"metadata", "[]", "metadata: must be an object of strings, got array"},
      {"metadata", R"({"a":1})", "metadata: the value of \"a\" must be a string"},
      {"job_id", "12", "job_id: must be a string"},
      {"group_name", "null", "group_name: required"},
  };
  for (const auto& c : cases) {
    json b{{"group_name", "G"}, {"name", "n"}, {"interval_pattern", "@once"}, {"exec_command", "true"}};
    b[c.field] = json::parse(c.value);
    INFO(c.field << " = " << c.value);
    check_error(f.post("/v1/add/job", b.dump()), 400, c.message);
  }
}

TEST_CASE("a malformed or non-object JSON body is a 400 that says so") {
  fixture f;
  for (std::string body : {"", "   ", "{", "{\"group_name\": }", "nul", "[1]", "\"YM55\"", "42",
                           "{\"a\":1} trailing", "{\"a\": 1e400}"}) {
    INFO("body: " << body);
    check_error(f.post("/v1/add/job", body), 400, "malformed JSON body");
    check_error(f.post("/v1/register/group", body), 400, "malformed JSON body");
    check_error(f.post("/v1/edit/job", body), 400, "malformed JSON body");
    check_error(f.post("/v1/active/job", body), 400, "malformed JSON body");
  }
  // Deep nesting does not overflow the stack: past k_max_json_depth it is refused.
  std::string deep = "{\"a\":" + std::string(200000, '[') + std::string(200000, ']') + "}";
  auto a = f.post("/v1/register/group", deep);
  check_error(a, 400, "malformed JSON body: nested deeper than 512 levels");
  check_error(f.post("/v1/register/group", "{\"a\":" + std::string(200000, '[')), 400,
              "malformed JSON body");
  // Invalid UTF-8 is echoed safely.
  check_error(f.post("/v1/register/group", "{\"group_name\": \"\xff\xfe\"}"), 400, "malformed JSON body");
}

TEST_CASE("edit job accepts job_id or id, and exec_command or exec_cmd") {
  fixture f;
  f.api.seed_job("YM55", "1107521665400573952");
  auto a = f.post("/v1/edit/job", R"({
  "group_name": "YM55",
  "job_id" :"1107521665400573952",
  "request_url": "HTTP@http://127.0.0.1:9999?test=yao", //prefix REMOTE|LUA|HTTP
  "exec_command": ""
})");
  CHECK(a.status == 200);
  CHECK(a.body == json{{"success", "ok"}});
  CHECK(f.api.edited_group == "YM55");
  CHECK(f.api.edited_id == "1107521665400573952");
  REQUIRE(f.api.patch);
  // The target edit rewrites the job's current target in native terms.
  job_spec shell_job;
  shell_job.target = shell_target{.command = "echo old"};
  CHECK(apply_patch(shell_job, *f.api.patch)->target ==
        executor_target{http_target{.url = "http://127.0.0.1:9999?test=yao", .signed_query = true}});
  CHECK_FALSE(f.api.patch->schedule);
  CHECK_FALSE(f.api.patch->name);
  CHECK_FALSE(f.api.patch->timeout_ms);

  a = f.post("/v1/edit/job", R"({"group_name":"YM55","id":"1107521665400573952","exec_cmd":"echo 2",
      "interval_pattern":"@every 2s","name":"N","timeout":2.5,"memo":"x","timezone":"UTC",
      "retries":1,"retry_delay":3,"concurrency":"allow","misfire":"once","exec_time":5})");
  CHECK(a.status == 200);
  REQUIRE(f.api.patch);
  const job_patch& p = *f.api.patch;
  // exec_cmd alone keeps the request_url (here: a shell job's empty one).
  CHECK(apply_patch(shell_job, p)->target == executor_target{shell_target{.command = "echo 2"}});
  job_spec lua_job;
  lua_job.target = lua_target{"old source"};
  CHECK(apply_patch(lua_job, p)->target == executor_target{lua_target{"echo 2"}});
  CHECK(p.schedule == "@every 2s");
  CHECK(p.name == "N");
  CHECK(p.timeout_ms == 2500);
  CHECK(p.memo == "x");
  CHECK(p.timezone == "UTC");
  CHECK(p.retries == 1);
  CHECK(p.retry_delay_ms == 3000);
  CHECK(p.concurrency == concurrency_policy::allow);
  CHECK(p.misfire == misfire_policy::once);
  CHECK(p.exec_time_s == 5);

  check_error(f.post("/v1/edit/job", R"({"group_name":"YM55"})"), 400, "job_id: required");
  check_error(f.post("/v1/edit/job", R"({"job_id":"1"})"), 400, "group_name: required");
  check_error(f.post("/v1/edit/job", R"({"group_name":"YM55","job_id":"nope"})"), 404, "no job");
  check_error(f.post("/v1/edit/job", R"({"group_name":"YM55","job_id":"1","timeout":"x"})"), 400,
              "timeout: must be a number of seconds");
}

TEST_CASE("pause, active and delete answer ok and pass the job on") {
  fixture f;
  f.api.seed_job("YM55", "1107521665400573952");
  const char* ref = R"({
    "group_name":"YM55",
    "job_id":"1107521665400573952"
})";
  auto a = f.post("/v1/pause/job", ref);
  CHECK(a.body == json{{"success", "ok"}});
  CHECK(f.api.paused == "YM55/1107521665400573952");

  a = f.post("/v1/active/job", R"({
    "group_name":"YM55",
    "job_id":"1107521665400573952",
    "exec_time":0 //unixtime. if exec_time == 0 exec now

})");
  CHECK(a.body == json{{"success", "ok"}});
  CHECK(f.api.activated_at == 0);
  f.post("/v1/active/job", R"({"group_name":"YM55","job_id":"1107521665400573952","exec_time":"1900000000"})");
  CHECK(f.api.activated_at == 1900000000);
  f.post("/v1/active/job", ref);
  CHECK(f.api.activated_at == 0);  // absent = now
  check_error(f.post("/v1/active/job", R"({"group_name":"YM55","job_id":"1","exec_time":-5})"), 400,
              "exec_time: must be 0");
  // The extension: resume at the schedule's next fire, without a run now.
  f.post("/v1/active/job", R"({"group_name":"YM55","job_id":"1107521665400573952","next_fire":true})");
  CHECK(f.api.activated_at == mainspring::k_first_fire_by_schedule);
  f.api.activated_at = 42;
  check_error(f.post("/v1/active/job", R"({"group_name":"YM55","job_id":"1","next_fire":true,"exec_time":0})"),
              400, "next_fire: give either");
  check_error(f.post("/v1/active/job", R"({"group_name":"YM55","job_id":"1","next_fire":"yes"})"), 400,
              "next_fire");
  CHECK(f.api.activated_at == 42);  // refused: nothing asked of the scheduler
  f.post("/v1/active/job", R"({"group_name":"YM55","job_id":"1107521665400573952","next_fire":false})");
  CHECK(f.api.activated_at == 0);

  a = f.post("/v1/delete/job", ref);
  CHECK(a.body == json{{"success", "ok"}});
  CHECK(f.api.deleted == "YM55/1107521665400573952");

  for (const char* target : {"/v1/pause/job", "/v1/active/job", "/v1/delete/job"}) {
    INFO(target);
    check_error(f.post(target, R"({"group_name":"YM55","job_id":"other"})"), 404, "no job");
    check_error(f.post(target, R"({"group_name":"YM55"})"), 400, "job_id: required");
    check_error(f.post(target, R"({"job_id":"x"})"), 400, "group_name: required");
    check_error(f.post(target, R"({"group_name":"YM55","job_id":"a/b"})"), 400, "job_id: must match");
  }
}

TEST_CASE("job list renders the next fire time in seconds, active as a bool and exec_cmd") {
  fixture f;
  auto& v = f.api.seed_job("YM55", "a1");
  v.next_fire_ms = 1'700'000'005'999;
  auto& paused = f.api.seed_job("YM55", "b2");
  paused.phase = job_phase::paused;
  auto a = f.get("/v1/YM55/job/list");
  CHECK(a.status == 200);
  REQUIRE(a.body["success"].is_array());
  REQUIRE(a.body["success"].size() == 2);
  CHECK(a.body["success"][0] == json{{"name", "Hello"},
                                     {"id", "a1"},
                                     {"exec_time", 1700000005},
                                     {"otp_token", "OTP"},
                                     {"interval_pattern", "@every 5s"},
                                     {"request_url", "HTTP@http://127.0.0.1:9999?test=yao"},
                                     {"exec_cmd", "echo hi"},
                                     {"group_name", "YM55"},
                                     {"active", true},
                                     {"memo", "memo"}});
  CHECK(a.body["success"][1]["exec_time"] == 0);
  CHECK(a.body["success"][1]["active"] == false);
  f.api.groups["Empty"] = {"Empty", "S", 1};
  CHECK(f.get("/v1/Empty/job/list").body == json{{"success", json::array()}});
  check_error(f.get("/v1/Nope/job/list"), 404, "no group");
  check_error(f.get("/v1/bad%name/job/list"), 400, "group_name: must match");
}

TEST_CASE("group list, group info under both spellings and node list") {
  fixture f;
  CHECK(f.get("/v1/group/list").body == json{{"success", json::array()}});
  f.api.groups["YM55"] = {"YM55", "SECRET55", 1};
  f.api.groups["A"] = {"A", "SECRETA", 1};
  CHECK(f.get("/v1/group/list").body == json{{"success", {"A", "YM55"}}});
  CHECK(f.get("/v1/YM55/group/info").body == json{{"success", "SECRET55"}});
  CHECK(f.get("/YM55/v1/group/info").body == json{{"success", "SECRET55"}});
  CHECK(f.get("/v1/YM55/node/list").body == json{{"success", json::array()}});
  check_error(f.get("/v1/Nope/group/info"), 404, "no group");
  check_error(f.get("/Nope/v1/group/info"), 404, "no group");
  check_error(f.get("/v1/Nope/node/list"), 404, "no group");
}

TEST_CASE("clear and delete by name answer ok") {
  fixture f;
  f.api.seed_job("YM55", "a");
  auto a = f.call("DELETE", "/v1/YM55/job/clear");
  CHECK(a.body == json{{"success", "ok"}});
  CHECK(f.api.cleared == "YM55");
  a = f.call("DELETE", "/v1/YM55/job/delete/Hello");
  CHECK(a.body == json{{"success", "ok"}});
  CHECK(f.api.deleted_name == "YM55/Hello");
  check_error(f.call("DELETE", "/v1/Nope/job/clear"), 404, "no group");
  check_error(f.call("DELETE", "/v1/Nope/job/delete/Hello"), 404, "no group");
  check_error(f.call("DELETE", "/v1/YM55/job/delete/" + std::string(129, 'x')), 400, "name: longer");
}

TEST_CASE("job detail renders the spec, phase, next fire time, counts and the last run") {
  fixture f;
  auto& v = f.api.seed_job("YM55", "a1");
  v.spec.timeout_ms = 1500;
  v.spec.retries = 2;
  v.spec.retry_delay_ms = 3000;
  v.spec.concurrency = concurrency_policy::forbid;
  v.next_fire_ms = 1'700'000'010'000;
  v.runs = 5;
  v.successes = 3;
  v.failures = 2;
  v.skipped = 4;
  v.retries = 1;
  v.running = 1;
  v.last_success_ms = 1'700'000'000'500;
  run_record r;
  r.run_id = 18'000'000'000'000'000'001ULL;
  r.state = run_state::succeeded;
  r.code = 200;
  r.plan_ms = 1000;
  r.start_ms = 1020;
  r.end_ms = 1120;
  v.last_run = r;
  auto a = f.get("/v1/YM55/job/a1");
  CHECK(a.status == 200);
  const json& d = a.body["success"];
  CHECK(d["id"] == "a1");
  CHECK(d["group_name"] == "YM55");
  CHECK(d["interval_pattern"] == "@every 5s");
  CHECK(d["timeout"] == 1.5);
  CHECK(d["retries"] == 2);
  CHECK(d["retry_delay"] == 3);
  CHECK(d["concurrency"] == "forbid");
  CHECK(d["misfire"] == "skip");
  CHECK(d["phase"] == "active");
  CHECK(d["next_fire_time"] == 1700000010);
  CHECK(d["counts"] == json{{"runs", 5}, {"successes", 3}, {"failures", 2}, {"skipped", 4},
                            {"retries", 1}, {"running", 1}});
  CHECK(d["last_success"] == 1700000000);
  CHECK(d["last_error"].is_null());
  CHECK(d["last_run"]["run_id"] == "18000000000000000001");
  CHECK(d["last_run"]["state"] == "succeeded");
  CHECK(d["last_run"]["lateness_ms"] == 20);
  CHECK(d["last_run"]["duration_ms"] == 100);

  v.phase = job_phase::done;
  v.next_fire_ms.reset();
  v.last_run.reset();
  a = f.get("/v1/YM55/job/a1");
  CHECK(a.body["success"]["phase"] == "done");
  CHECK(a.body["success"]["next_fire_time"].is_null());
  CHECK(a.body["success"]["last_run"].is_null());
  check_error(f.get("/v1/YM55/job/nope"), 404, "no job");
  check_error(f.get("/v1/YM55/job/a*b"), 400, "job_id: must match");
}

TEST_CASE("run now answers the run id as a decimal string") {
  fixture f;
  f.api.seed_job("YM55", "a1");
  auto a = f.post("/v1/YM55/job/a1/run", "");
  CHECK(a.status == 200);
  CHECK(a.body == json{{"success", "18000000000000000001"}});
  check_error(f.post("/v1/YM55/job/nope/run", ""), 404, "no job");
}

TEST_CASE("run now takes the time the run stands for, plan_time in unix seconds") {
  fixture f;
  f.api.seed_job("YM55", "a1");
  CHECK(f.post("/v1/YM55/job/a1/run", "").status == 200);
  CHECK(f.api.run_as_of_ms == 0);  // no body: now
  CHECK(f.post("/v1/YM55/job/a1/run", R"({"plan_time": 1700000000})").status == 200);
  CHECK(f.api.run_as_of_ms == 1'700'000'000'000);
  CHECK(f.post("/v1/YM55/job/a1/run", R"({"plan_time": "1600000000"})").status == 200);
  CHECK(f.api.run_as_of_ms == 1'600'000'000'000);
  f.api.run_as_of_ms = -1;
  check_error(f.post("/v1/YM55/job/a1/run", R"({"plan_time": -5})"), 400, "plan_time: must be 0 (now) or a unix time");
  check_error(f.post("/v1/YM55/job/a1/run", R"({"plan_time": 253402300800})"), 400, "plan_time: must be 0 (now)");
  check_error(f.post("/v1/YM55/job/a1/run", R"({"plan_time": 1.5})"), 400, "plan_time: must be a whole number");
  check_error(f.post("/v1/YM55/job/a1/run", "yesterday"), 400, "malformed JSON body");
  CHECK(f.api.run_as_of_ms == -1);  // refused before the scheduler heard of it
}

TEST_CASE("executions pass limit and before on and render each run") {
  fixture f;
  f.api.seed_job("YM55", "a1");
  auto a = f.get("/v1/YM55/job/a1/executions");
  CHECK(a.status == 200);
  CHECK(f.api.limit == native::k_default_executions_limit);
  CHECK(f.api.before == 0);
  REQUIRE(a.body["success"].size() == 1);
  const json& run = a.body["success"][0];
  CHECK(run["run_id"] == "42");
  CHECK(run["state"] == "timed_out");
  CHECK(run["trigger"] == "schedule");
  CHECK(run["job_id"] == "a1");
  CHECK(run["group_name"] == "YM55");
  CHECK(run["plan_time_ms"] == 1'700'000'000'000);
  CHECK(run["lateness_ms"] == 15);
  CHECK(run["duration_ms"] == 1000);
  CHECK(run["output_tail"] == "tail");

  f.get("/v1/YM55/job/a1/executions?limit=1000&before=18000000000000000001");
  CHECK(f.api.limit == 1000);
  CHECK(f.api.before == 18'000'000'000'000'000'001ULL);
  for (const char* q : {"limit=0", "limit=1001", "limit=abc", "limit=-1", "limit=", "limit=1.5",
                        "before=x", "before=-3", "before=99999999999999999999"}) {
    INFO(q);
    check_error(f.get(std::string("/v1/YM55/job/a1/executions?") + q), 400,
                std::string(q).substr(0, std::string(q).find('=')) + ":");
  }
  check_error(f.get("/v1/YM55/job/nope/executions"), 404, "no job");
}

TEST_CASE("DELETE executions clears a job's runs, and DELETE executions/{run_id} erases one") {
  fixture f;
  f.api.seed_job("YM55", "a1");
  auto cleared = f.call("DELETE", "/v1/YM55/job/a1/executions");
  CHECK(cleared.status == 200);
  CHECK(cleared.body["success"] == "ok");
  CHECK(f.api.runs_cleared == "YM55/a1");
  auto one = f.call("DELETE", "/v1/YM55/job/a1/executions/18000000000000000001");
  CHECK(one.status == 200);
  CHECK(f.api.runs_deleted == std::vector<uint64_t>{18'000'000'000'000'000'001ULL});
  f.api.runs_deleted.clear();
  for (const char* id : {"x", "-3", "0", "1.5", "99999999999999999999"}) {
    INFO(id);
    check_error(f.call("DELETE", std::string("/v1/YM55/job/a1/executions/") + id), 400, "run_id: must be a run id");
  }
  CHECK(f.api.runs_deleted.empty());  // refused before the scheduler heard of it
  check_error(f.call("DELETE", "/v1/YM55/job/nope/executions"), 404, "no job");
  check_error(f.call("DELETE", "/v1/YM55/job/nope/executions/7"), 404, "no job");
}

TEST_CASE("a dump downloads as a tar.gz attachment") {
  fixture f;
  f.api.seed_job("YM55", "a1");
  for (std::string path : {"/v1/dump/all", "/v1/YM55/dump"}) {
    http_request req;
    req.method = "GET";
    req.path = path;
    std::optional<http_response> out;
    {
      responder reply([&out](http_response r) { out = std::move(r); });
      dispatch(f.routes, req, reply);
    }
    REQUIRE(out);
    CHECK(out->status == 200);
    CHECK(out->content_type == "application/gzip");
    CHECK(out->body == (path == "/v1/dump/all" ? "ARCHIVE:*" : "ARCHIVE:YM55"));
    REQUIRE(out->headers.size() == 1);
    CHECK(out->headers[0].first == "Content-Disposition");
    CHECK(out->headers[0].second == "attachment; filename=2026-11-23-134501-backup.tar.gz");
  }
  check_error(f.get("/v1/nogroup/dump"), 404, "unknown group");
}

TEST_CASE("an import hands the archive to the scheduler under both spellings") {
  fixture f;
  for (std::string path : {"/v1/import", "/import"}) {
    auto a = f.post(path, "tar-bytes");
    CHECK(a.status == 200);
    CHECK(a.body["success"] == "success");
    CHECK(f.api.imported == "tar-bytes");
  }
  check_error(f.post("/v1/import", "bad"), 400, "not a gzip archive");
  check_error(f.post("/v1/import", ""), 400, "import: the body must be a dump archive");
}

TEST_CASE("the audit log is queried by a time range in seconds") {
  fixture f;
  auto a = f.get("/v1/audit?from=10&to=20&limit=5");
  REQUIRE(a.status == 200);
  CHECK(f.api.audit_from == 10'000);
  CHECK(f.api.audit_to == 20'000);
  CHECK(f.api.limit == 5);
  REQUIRE(a.body["success"].size() == 1);
  CHECK(a.body["success"][0]["action"] == "job.add");
  CHECK(a.body["success"][0]["group_name"] == "G");
  check_error(f.get("/v1/audit?limit=0"), 400, "limit:");
  check_error(f.get("/v1/audit?from=x"), 400, "from:");
}

TEST_CASE("an unknown route is a 404 and a wrong method a 405 with Allow, in the native shape") {
  fixture f;
  check_error(f.get("/v1/nothing/here/at/all/x"), 404, "no route");
  auto a = f.get("/v1/add/job");
  check_error(a, 405, "not allowed");
  bool has_allow = false;
  for (const auto& [name, value] : a.headers) has_allow |= name == "Allow" && value == "POST";
  CHECK(has_allow);
  check_error(f.call("DELETE", "/v1/YM55/job/list"), 405, "not allowed");
}

TEST_CASE("an answer that arrives later from another thread reaches the client") {
  fixture f;
  f.api.defer = true;
  std::optional<http_response> out;
  {
    http_request req;
    req.method = "POST";
    req.path = "/v1/register/group";
    req.body = R"({"group_name":"YM55"})";
    responder reply([&out](http_response r) { out = std::move(r); });
    dispatch(f.routes, req, reply);
  }
  CHECK_FALSE(out);  // not answered yet
  REQUIRE(f.api.deferred.size() == 1);
  std::thread actor_thread(f.api.deferred.front());
  actor_thread.join();
  REQUIRE(out);
  CHECK(out->status == 200);
  CHECK(json::parse(out->body) == json{{"success", "JBSWY3DPEHPK3PXP"}});
}
