// End to end: every route of the native API (seed 000) against the real `mainspring serve`,
// with the seed's example bodies, each error path, and the HTTP/1.1 behaviour curl, Go clients
// and broken clients rely on. Scheduling behaviour is in native_scheduling_test.cc.
#include <regex>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "tests/e2e/http_client.h"
#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/support/http_sink.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

const std::string k_json_type = "application/json;charset=UTF-8";

// The seed's example bodies, comments and trailing commas included.
const std::string k_register_body = R"({
  "group_name": "YM55", //rule: [a-zA-Z0-9_]{1,22}
})";
const std::string k_remove_body = R"({
  "group_name": "YM55", 
})";
// http.json with the sink's URL in place of 127.0.0.1:9999.
std::string add_job_body(const std::string& url) {
  return R"({
  "group_name": "YM55", //required
  "name": "Hello",  //required
  "job_id":"1234ABC", //option  you can specify your job_id rule: [a-zA-Z0-9_]{1,22}
  "exec_time": 0, //unixtime. if exec_time == 0 exec now
  "request_url": "HTTP@)" + url + R"(", //required prefix REMOTE|LUA|HTTP
  "interval_pattern": "@once", //use crontab schema or @once or @every 5s
  "exec_command": "",
  "timeout": 1,
  "memo":""
})";
}
const std::string k_job_ref_body = R"({
    "group_name":"YM55",
    "job_id":"1234ABC"
})";
const std::string k_active_body = R"({
    "group_name":"YM55",
    "job_id":"1234ABC",
    "exec_time":0 //unixtime. if exec_time == 0 exec now

})";

// Checks the native error shape and returns the message.
std::string error_of(const http_response& r, long status) {
  INFO("body: " << r.body << " " << r.error);
  CHECK(r.status == status);
  CHECK(r.header("content-type") == k_json_type);
  json body = r.json();
  REQUIRE(body.is_object());
  CHECK(body.size() == 1);
  REQUIRE(body.contains("error"));
  REQUIRE(body["error"].is_string());
  return body["error"];
}

bool has_job(const json& list, const std::string& id) {
  for (const auto& j : list)
    if (j["id"] == id) return true;
  return false;
}

}  // namespace

TEST_CASE("every native route answers the seed's example bodies in the native envelope") {
  server_process server;
  native_api api(server.base_url());
  http_sink sink;

  auto version = api.client.get("/version");
  CHECK(version.header("content-type") == k_json_type);
  CHECK(api.success(version) == MAINSPRING_VERSION);

  std::string secret = api.success(api.client.post_json("/v1/register/group", k_register_body));
  CHECK(std::regex_match(secret, std::regex("[A-Z2-7]{16,}")));
  CHECK(api.success(api.client.get("/v1/group/list")) == json{"YM55"});
  CHECK(api.success(api.client.get("/v1/YM55/group/info")) == secret);
  CHECK(api.success(api.client.get("/YM55/v1/group/info")) == secret);
  CHECK(api.success(api.client.get("/v1/YM55/node/list")) == json::array());

  // add: the caller's job_id, then a generated one.
  CHECK(api.success(api.client.post_json("/v1/add/job", add_job_body(sink.url("/seed?test=yao")))) ==
        "1234ABC");
  std::string generated = api.add_job({{"group_name", "YM55"},
                                       {"name", "Every"},
                                       {"request_url", "HTTP@" + sink.url("/every")},
                                       {"interval_pattern", "@every 1h"},
                                       {"exec_time", unix_now_ms() / 1000 + 3600},
                                       {"timeout", 1}});
  CHECK(std::regex_match(generated, std::regex("[0-9]{1,20}")));
  json list = api.jobs("YM55");
  REQUIRE(list.size() == 2);
  for (const auto& job : list) {
    for (const char* key : {"name", "id", "otp_token", "interval_pattern", "request_url", "exec_cmd",
                            "group_name", "memo"})
      CHECK(job[key].is_string());
    CHECK(job["exec_time"].is_number_integer());
    CHECK(job["active"].is_boolean());
    CHECK(job["group_name"] == "YM55");
  }
  REQUIRE(has_job(list, generated));

  // The seed job ran at once against the sink, with the original's query parameters. (Its fire
  // comes from the clock after the add was answered: waited for before the edit below changes
  // its URL.)
  REQUIRE(sink.wait_for_requests(1, 10s));
  const std::string query = sink.requests()[0].query;
  for (const char* part : {"test=yao", "job_id=1234ABC", "job_name=Hello", "otp_code="})
    CHECK_THAT(query, Catch::Contains(part));

  // edit as the seed writes it, then as the original's code reads it (id, exec_cmd).
  api.post_ok("/v1/edit/job", json::parse(R"({
  "group_name": "YM55",
  "job_id" :"1234ABC",
  "request_url": "HTTP@http://127.0.0.1:9999?test=yao", //prefix REMOTE|LUA|HTTP
  "exec_command": ""
})", nullptr, true, true));
  api.post_ok("/v1/edit/job", {{"group_name", "YM55"}, {"id", generated}, {"exec_cmd", "echo hi"},
                               {"memo", "edited"}});
  for (const auto& job : api.jobs("YM55")) {
    if (job["id"] == "1234ABC") CHECK(job["request_url"] == "HTTP@http://127.0.0.1:9999?test=yao");
    if (job["id"] == generated) {
      CHECK(job["exec_cmd"] == "echo hi");
      CHECK(job["memo"] == "edited");
      CHECK(job["active"] == true);
      CHECK(job["exec_time"] > unix_now_ms() / 1000);
    }
  }

  // pause, active (the seed's bodies, with the generated id), detail, run now, executions.
  auto with_id = [&](std::string body) {
    return body.replace(body.find("1234ABC"), 7, generated);
  };
  CHECK(api.success(api.client.post_json("/v1/pause/job", with_id(k_job_ref_body))) == "ok");
  json detail = api.detail("YM55", generated);
  CHECK(detail["phase"] == "paused");
  CHECK(detail["next_fire_time"].is_null());
  for (const auto& job : api.jobs("YM55"))
    if (job["id"] == generated) CHECK(job["active"] == false);
  CHECK(api.success(api.client.post_json("/v1/active/job", with_id(k_active_body))) == "ok");
  CHECK(api.detail("YM55", generated)["phase"] == "active");
  std::string run_id = api.success(
      api.client.request("POST", "/v1/YM55/job/" + generated + "/run", std::string()));
  CHECK(std::regex_match(run_id, std::regex("[0-9]{1,20}")));
  CHECK(api.executions("YM55", generated).is_array());

  // delete one, delete by name, clear, remove group.
  CHECK(api.success(api.client.post_json("/v1/delete/job", k_job_ref_body)) == "ok");
  CHECK_FALSE(has_job(api.jobs("YM55"), "1234ABC"));
  CHECK(api.success(api.client.del("/v1/YM55/job/delete/Every")) == "ok");
  CHECK(api.jobs("YM55") == json::array());
  api.add_job({{"group_name", "YM55"}, {"name", "x"}, {"request_url", "NOOP@"},
               {"interval_pattern", "@every 1h"}, {"exec_time", unix_now_ms() / 1000 + 3600}});
  CHECK(api.success(api.client.del("/v1/YM55/job/clear")) == "ok");
  CHECK(api.jobs("YM55") == json::array());
  CHECK(api.success(api.client.post_json("/v1/remove/group", k_remove_body)) == "ok");
  CHECK(api.success(api.client.get("/v1/group/list")) == json::array());
  error_of(api.client.get("/v1/YM55/group/info"), 404);
}

TEST_CASE("a func for an unknown group and bad dump requests get a clear error") {
  server_process server;
  http_client client(server.base_url());
  CHECK_THAT(error_of(client.post_json("/v1/add/func", R"({"group_name":"YM55","name":"Hello",
      "use_otp":false,"disable_group_otp":false,"lua_body":"function Hello() end","momo":""})"),
                      404),
             Catch::Contains("unknown group"));
  error_of(client.get("/v1/YM55/dump"), 404);
  error_of(client.request("POST", "/v1/import", std::string("\x1f\x8b binary"), "application/gzip"), 400);
  error_of(client.request("POST", "/import", std::string("\x1f\x8b binary"), "application/gzip"), 400);
  CHECK(client.get("/health").status == 200);  // still serving
}

TEST_CASE("invalid requests are 4xx naming the field, and change nothing") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("YM55");
  json good{{"group_name", "YM55"}, {"name", "Hello"}, {"job_id", "J1"},
            {"request_url", "NOOP@"}, {"interval_pattern", "@every 1h"},
            {"exec_time", unix_now_ms() / 1000 + 3600}};
  api.add_job(good);
  auto add_with = [&](const std::string& field, const json& value) {
    json body = good;
    body["job_id"] = "J2";
    if (value.is_discarded()) body.erase(field);
    else body[field] = value;
    return api.client.post_json("/v1/add/job", body);
  };
  const json erase = json(json::value_t::discarded);

  CHECK_THAT(error_of(add_with("interval_pattern", "61 * * * * *"), 400), Catch::Contains("interval_pattern"));
  CHECK_THAT(error_of(add_with("interval_pattern", "@every 1x"), 400), Catch::Contains("interval_pattern"));
  CHECK_THAT(error_of(add_with("request_url", "FTP@somewhere"), 400), Catch::Contains("request_url"));
  CHECK_THAT(error_of(add_with("group_name", "bad-name"), 400), Catch::Contains("group_name"));
  CHECK_THAT(error_of(add_with("group_name", std::string(23, 'a')), 400), Catch::Contains("group_name"));
  CHECK_THAT(error_of(add_with("job_id", std::string(23, 'a')), 400), Catch::Contains("job_id"));
  CHECK_THAT(error_of(add_with("job_id", "a b"), 400), Catch::Contains("job_id"));
  CHECK_THAT(error_of(add_with("name", std::string(200, 'n')), 400), Catch::Contains("name"));
  CHECK_THAT(error_of(add_with("exec_time", -2), 400), Catch::Contains("exec_time"));  // -1: the first fire
  CHECK_THAT(error_of(add_with("timeout", "1"), 400), Catch::Contains("timeout: must be a number of seconds"));
  CHECK_THAT(error_of(add_with("name", erase), 400), Catch::Contains("name: required"));
  CHECK_THAT(error_of(add_with("group_name", erase), 400), Catch::Contains("group_name: required"));
  CHECK_THAT(error_of(add_with("interval_pattern", erase), 400), Catch::Contains("interval_pattern"));
  // Not bad input but a conflict or an unknown thing: the status code's own HTTP status.
  CHECK_THAT(error_of(add_with("group_name", "Nope"), 404), Catch::Contains("group_name"));
  CHECK_THAT(error_of(api.client.post_json("/v1/add/job", good), 409), Catch::Contains("job_id"));

  CHECK_THAT(error_of(api.client.post_json("/v1/add/job", "{\"group_name\": "), 400),
             Catch::Contains("malformed JSON body"));
  CHECK_THAT(error_of(api.client.post_json("/v1/register/group", "[\"YM55\"]"), 400),
             Catch::Contains("malformed JSON body"));
  CHECK_THAT(error_of(api.client.post_json("/v1/register/group", R"({"group_name":"a.b"})"), 400),
             Catch::Contains("group_name"));
  error_of(api.client.post_json("/v1/register/group", R"({"group_name":"YM55"})"), 409);
  CHECK_THAT(error_of(api.client.post_json("/v1/pause/job", R"({"group_name":"YM55"})"), 400),
             Catch::Contains("job_id: required"));
  CHECK_THAT(error_of(api.client.post_json("/v1/active/job",
                                           R"({"group_name":"YM55","job_id":"J1","exec_time":-3})"),
                      400),
             Catch::Contains("exec_time"));
  CHECK_THAT(error_of(api.client.post_json("/v1/edit/job",
                                           R"({"group_name":"YM55","job_id":"J1","interval_pattern":"bad"})"),
                      400),
             Catch::Contains("interval_pattern"));
  error_of(api.client.post_json("/v1/delete/job", R"({"group_name":"YM55","job_id":"Nope"})"), 404);
  error_of(api.client.get("/v1/Nope/job/list"), 404);
  error_of(api.client.get("/v1/Nope/node/list"), 404);
  error_of(api.client.get("/v1/YM55/job/Nope"), 404);
  error_of(api.client.request("POST", "/v1/YM55/job/Nope/run", std::string()), 404);
  CHECK_THAT(error_of(api.client.get("/v1/YM55/job/J1/executions?limit=0"), 400), Catch::Contains("limit"));
  CHECK_THAT(error_of(api.client.get("/v1/YM55/job/J1/executions?before=x"), 400), Catch::Contains("before"));

  // Nothing changed: still the one job, unedited and active.
  json list = api.jobs("YM55");
  REQUIRE(list.size() == 1);
  CHECK(list[0]["id"] == "J1");
  CHECK(list[0]["interval_pattern"] == "@every 1h");
  CHECK(list[0]["active"] == true);
  CHECK(api.success(api.client.get("/v1/group/list")) == json{"YM55"});
}

TEST_CASE("a body up to 1 MiB is read, a larger one is answered 413") {
  server_process server;
  http_client client(server.base_url());
  // Exactly the cap: read, then rejected as JSON (all spaces).
  auto at_cap = client.post_json("/v1/register/group", std::string(1024 * 1024, ' '));
  CHECK_THAT(error_of(at_cap, 400), Catch::Contains("malformed JSON body"));
  raw_connection c(server.port());
  c.send("POST /v1/add/job HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
         "Content-Length: 1048577\r\n\r\n");
  auto r = c.read_response(5s);
  REQUIRE(r);
  CHECK(r->status == 413);
  CHECK(client.get("/health").status == 200);
}

TEST_CASE("an unknown route is 404 and a wrong method 405 with Allow, in the native shape") {
  server_process server;
  http_client client(server.base_url());
  CHECK_THAT(error_of(client.get("/v2/nothing"), 404), Catch::Contains("no route"));
  auto wrong = client.get("/v1/add/job");
  error_of(wrong, 405);
  CHECK(wrong.header("allow") == "POST");
  auto del = client.request("PUT", "/v1/YM55/job/clear", std::nullopt);
  error_of(del, 405);
  CHECK_THAT(del.header("allow"), Catch::Contains("DELETE"));  // GET matches .../job/{job_id}
}

TEST_CASE("a curl client keeps one connection across requests") {
  server_process server;
  http_client client(server.base_url());
  for (int i = 0; i < 5; ++i) CHECK(client.get("/version").status == 200);
  CHECK(client.post_json("/v1/register/group", R"({"group_name":"K"})").status == 200);
  CHECK(client.connections_opened() == 1);
}

TEST_CASE("malformed requests get a prompt 400 that leaks no internal text") {
  server_process server;
  SECTION("a garbage request line") {
    raw_connection c(server.port());
    c.send("GARBAGE\r\n\r\n");
    auto r = c.read_response(3s);
    REQUIRE(r);
    CHECK(r->status == 400);
  }
  SECTION("a header without a colon") {
    raw_connection c(server.port());
    c.send("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n");
    auto r = c.read_response(3s);
    REQUIRE(r);
    CHECK(r->status == 400);
  }
  for (const char* length : {"-5", "abc", "99999999999999999999999", "1, 2"}) {
    DYNAMIC_SECTION("Content-Length: " << length) {
      raw_connection c(server.port());
      c.send(std::string("POST /v1/register/group HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ") + length +
             "\r\n\r\n{}");
      auto r = c.read_response(3s);
      REQUIRE(r);
      CHECK((r->status == 400 || r->status == 413));
      for (const char* leak : {"basic_string", "_M_create", "stoull", "std::", "what()"})
        CHECK_THAT(r->body, !Catch::Contains(leak));
    }
  }
  http_client client(server.base_url());
  CHECK(client.get("/health").status == 200);
}

TEST_CASE("HTTP/1.1 connections persist unless the client says close, and pipelining works") {
  server_process server;
  SECTION("no Connection header: two requests on one socket") {
    raw_connection c(server.port());
    c.send("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n");
    auto first = c.read_response(3s);
    REQUIRE(first);
    CHECK(first->status == 200);
    CHECK(first->headers["connection"] != "close");
    c.send("GET /v1/group/list HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    auto second = c.read_response(3s);
    REQUIRE(second);
    CHECK(second->status == 200);
    CHECK(json::parse(second->body) == json{{"success", json::array()}});
  }
  SECTION("pipelined requests are all answered, in order") {
    raw_connection c(server.port());
    const std::string body = R"({"group_name":"P1"})";
    c.send("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
           "POST /v1/register/group HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body +
           "GET /v1/group/list HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    auto a = c.read_response(3s);
    auto b = c.read_response(3s);
    auto d = c.read_response(3s);
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE(d);
    CHECK(json::parse(a->body) == json{{"success", MAINSPRING_VERSION}});
    CHECK(b->status == 200);
    CHECK(json::parse(d->body) == json{{"success", {"P1"}}});
  }
  SECTION("Connection: close is honoured") {
    raw_connection c(server.port());
    c.send("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    auto r = c.read_response(3s);
    REQUIRE(r);
    CHECK(r->headers["connection"] == "close");
    CHECK(c.closed_by_peer(3s));
  }
}
