// The func listener's translation: a request becomes a call_func with its method, path, headers,
// query, body and OTP code; the answer becomes the body (JSON or text) or an error envelope.
#include "http/native/func_call_routes.h"

#include <algorithm>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/http/fake_scheduler.h"
#include "tests/http/route_caller.h"

using namespace mainspring;
using namespace mainspring::http;
using nlohmann::json;

namespace {

struct fixture {
  fake_scheduler api;
  router routes;
  fixture() { native::add_func_call_routes(routes, api); }
};

}  // namespace

TEST_CASE("a call passes the method, path, headers, query and body to the func") {
  fixture f;
  auto a = call_route(f.routes, "PUT", "/YM55/Hello?a=1&otp_code=123456", "payload",
                      {{"content-type", "text/plain"}, {"x-trace", "t1"}});
  CHECK(a.status == 200);
  REQUIRE(f.api.called);
  CHECK(f.api.called_func == "YM55/Hello");
  CHECK(f.api.called->method == "PUT");
  CHECK(f.api.called->path == "/YM55/Hello");
  CHECK(f.api.called->body == "payload");
  CHECK(f.api.called->otp_code == "123456");
  CHECK(f.api.called->headers ==
        std::vector<std::pair<std::string, std::string>>{{"content-type", "text/plain"}, {"x-trace", "t1"}});
  auto query = f.api.called->query;
  std::sort(query.begin(), query.end());
  CHECK(query == std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"otp_code", "123456"}});
}

TEST_CASE("the OTP code may also come in an X-OTP-Code header") {
  fixture f;
  call_route(f.routes, "GET", "/YM55/Hello", "", {{"x-otp-code", "654321"}});
  REQUIRE(f.api.called);
  CHECK(f.api.called->otp_code == "654321");
  call_route(f.routes, "GET", "/YM55/Hello");
  CHECK(f.api.called->otp_code.empty());
}

TEST_CASE("JSON output is served as JSON, anything else as text") {
  fixture f;
  auto a = call_route(f.routes, "POST", "/YM55/Hello");
  CHECK(a.status == 200);
  CHECK(a.content_type == "application/json;charset=UTF-8");
  CHECK(a.raw == "{\"ok\":true}\n");
  f.api.call_answer = std::string("hello world\n");
  auto b = call_route(f.routes, "GET", "/YM55/Hello");
  CHECK(b.content_type == "text/plain; charset=utf-8");
  CHECK(b.raw == "hello world\n");
  f.api.call_answer = std::string();
  CHECK(call_route(f.routes, "GET", "/YM55/Hello").content_type == "text/plain; charset=utf-8");
}

TEST_CASE("failures answer in the native envelope with their own status") {
  fixture f;
  f.api.call_answer = status::unauthenticated("otp_code: required to call func \"Hello\"");
  check_error(call_route(f.routes, "GET", "/YM55/Hello"), 401, "otp_code: required");
  f.api.call_answer = status::internal("func Hello: Hello.lua:1: boom");
  check_error(call_route(f.routes, "GET", "/YM55/Hello"), 500, "boom");
  f.api.call_answer = status::deadline_exceeded("func Hello: timed out after 10000 ms");
  check_error(call_route(f.routes, "GET", "/YM55/Hello"), 504, "timed out");
  f.api.call_answer = status::not_found("name: no func \"Hello\"");
  check_error(call_route(f.routes, "GET", "/YM55/Hello"), 404, "no func");
}

TEST_CASE("malformed names are refused before the scheduler is asked") {
  fixture f;
  check_error(call_route(f.routes, "GET", "/bad-group/Hello"), 400, "group_name");
  check_error(call_route(f.routes, "GET", "/YM55/no.such"), 404, "no func");
  check_error(call_route(f.routes, "GET", "/YM55"), 404, "");
  CHECK(call_route(f.routes, "OPTIONS", "/YM55/Hello").status == 405);
  CHECK_FALSE(f.api.called);
}

TEST_CASE("is_json_body accepts one JSON value with surrounding whitespace") {
  CHECK(native::is_json_body("{\"a\":[1,2]}\n"));
  CHECK(native::is_json_body(" 42 "));
  CHECK(native::is_json_body("\"text\""));
  CHECK_FALSE(native::is_json_body("hello"));
  CHECK_FALSE(native::is_json_body("{\"a\":1}{\"b\":2}"));
  CHECK_FALSE(native::is_json_body(""));
}
