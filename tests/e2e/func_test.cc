// End-to-end: Lua funcs added through the native API and called over HTTP on the func listener
// (--func-listen): the request reaches the function, the output is the body, the TOTP guard
// answers 401 for a missing or wrong code, and funcs survive kill -9 and a dump/import.
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "core/totp.h"
#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"

using namespace mainspring::e2e;

namespace {

// A server with its func listener on another free loopback port.
struct func_server {
  uint16_t func_port = pick_free_port();
  server_process server{{"--func-listen", "127.0.0.1:" + std::to_string(func_port)}};
  native_api api{server.base_url()};
  http_client funcs{"http://127.0.0.1:" + std::to_string(func_port)};

  std::string add_func(const json& body) { return api.success(api.client.post_json("/v1/add/func", body)); }
};

const char* k_echo = R"(
function Echo()
  local json = require("json")
  local h = headers()
  local out = assert(json.encode({method = method(), path = path(), q = query().q,
                                  trace = h["x-trace"], body = body()}))
  print(out)
end)";

std::string error_text(const http_response& r) {
  json body = r.json();
  return body.is_object() && body.contains("error") ? body["error"].get<std::string>() : "";
}

// The current code of a base32 secret, and one that is certainly not valid now.
std::string code_now(const std::string& secret) { return mainspring::totp_now(secret, unix_now_ms() / 1000); }
// Waits out the last second of a TOTP step, so that a code computed here is checked by the
// server in the same step: the previous step's code sent at the very end of a step reached the
// server two steps behind and was refused (a CI run). Not a timing check: only where a step ends.
void away_from_step_end() {
  const int64_t into_step_ms = unix_now_ms() % (mainspring::k_totp_step_s * 1000);
  const int64_t margin_ms = 1000;
  if (into_step_ms > mainspring::k_totp_step_s * 1000 - margin_ms)
    std::this_thread::sleep_for(std::chrono::milliseconds(mainspring::k_totp_step_s * 1000 - into_step_ms + 10));
}
std::string wrong_code(const std::string& secret) {
  std::string code = code_now(secret);
  code[0] = code[0] == '9' ? '0' : static_cast<char>(code[0] + 1);
  return code;
}

}  // namespace

TEST_CASE("a func gets the request's method, path, headers, query and body, and its output is the body") {
  func_server s;
  s.api.register_group("G");
  CHECK(s.add_func({{"group_name", "G"}, {"name", "Echo"}, {"lua_body", k_echo}, {"memo", "echo"}}) == "Echo");
  s.add_func({{"group_name", "G"}, {"name", "Text"}, {"lua_body", "function Text() print('hello') end"}});
  s.add_func({{"group_name", "G"}, {"name", "Boom"}, {"lua_body", "function Boom() error('boom') end"}});

  auto r = s.funcs.request("PUT", "/G/Echo?q=7", std::string("payload"), "text/plain", {"X-Trace: t1"});
  INFO(r.body << r.error);
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "application/json;charset=UTF-8");
  CHECK(r.json() == json{{"method", "PUT"}, {"path", "/G/Echo"}, {"q", "7"}, {"trace", "t1"}, {"body", "payload"}});

  auto text = s.funcs.get("/G/Text");
  CHECK(text.status == 200);
  CHECK(text.header("content-type") == "text/plain; charset=utf-8");
  CHECK(text.body == "hello\n");

  auto boom = s.funcs.get("/G/Boom");
  CHECK(boom.status == 500);
  CHECK_THAT(error_text(boom), Catch::Contains("boom"));
  CHECK(s.funcs.get("/G/Nope").status == 404);
  CHECK(s.funcs.get("/Nope/Echo").status == 404);
  // The funcs are not on the REST listener, and the REST API is not on the func listener.
  CHECK(s.api.client.get("/G/Echo").status == 404);
  CHECK(s.funcs.get("/v1/group/list").status == 404);

  auto bad = s.api.client.post_json("/v1/add/func", json{{"group_name", "G"}, {"name", "Bad"},
                                                         {"lua_body", "function Bad( end"}});
  CHECK(bad.status == 400);
  CHECK(error_text(bad).rfind("lua_body: ", 0) == 0);
  CHECK(s.funcs.get("/G/Bad").status == 404);
  CHECK(s.server.running());
}

TEST_CASE("a guarded func needs a current TOTP code: the group's, or its own with disable_group_otp") {
  func_server s;
  std::string group_secret = s.api.register_group("G");
  CHECK(s.add_func({{"group_name", "G"}, {"name", "Guarded"}, {"use_otp", true},
                    {"lua_body", "function Guarded() print('in') end"}}) == "Guarded");
  std::string own_secret = s.add_func({{"group_name", "G"}, {"name", "Own"}, {"use_otp", true},
                                       {"disable_group_otp", true},
                                       {"lua_body", "function Own() print('own') end"}});
  CHECK(own_secret != "Own");
  CHECK(own_secret != group_secret);
  CHECK(mainspring::base32_decode(own_secret).ok());

  auto missing = s.funcs.get("/G/Guarded");
  CHECK(missing.status == 401);
  CHECK_THAT(error_text(missing), Catch::Contains("otp_code: required"));
  auto wrong = s.funcs.get("/G/Guarded?otp_code=" + wrong_code(group_secret));
  CHECK(wrong.status == 401);
  CHECK_THAT(error_text(wrong), Catch::Contains("wrong or expired"));
  // The previous step's code is still valid (one step of skew); then the current one, by header.
  away_from_step_end();
  auto valid = s.funcs.get("/G/Guarded?otp_code=" + mainspring::totp_now(group_secret, unix_now_ms() / 1000 - 30));
  CHECK(valid.status == 200);
  CHECK(valid.body == "in\n");
  const std::string current = code_now(group_secret);
  auto by_header = s.funcs.request("GET", "/G/Guarded", std::nullopt, "", {"X-OTP-Code: " + current});
  CHECK(by_header.status == 200);
  // Each code calls the func once: the same code again is a replay.
  auto replay = s.funcs.get("/G/Guarded?otp_code=" + current);
  CHECK(replay.status == 401);
  CHECK_THAT(error_text(replay), Catch::Contains("already used"));

  CHECK(s.funcs.get("/G/Own").status == 401);
  CHECK(s.funcs.get("/G/Own?otp_code=" + code_now(group_secret)).status == 401);
  CHECK(s.funcs.get("/G/Own?otp_code=" + wrong_code(own_secret)).status == 401);
  auto own = s.funcs.get("/G/Own?otp_code=" + code_now(own_secret));
  CHECK(own.status == 200);
  CHECK(own.body == "own\n");
  // Secrets never reach the log.
  CHECK(s.server.log().find(group_secret) == std::string::npos);
  CHECK(s.server.log().find(own_secret) == std::string::npos);
}

TEST_CASE("funcs are listed, replaced, deleted, and survive kill -9 and a dump and import") {
  func_server s;
  s.api.register_group("G");
  std::string secret = s.add_func({{"group_name", "G"}, {"name", "Keep"}, {"use_otp", true}, {"disable_group_otp", true},
                                   {"lua_body", "function Keep() print('v1') end"}});
  s.add_func({{"group_name", "G"}, {"name", "Gone"}, {"lua_body", "function Gone() print('x') end"}});
  // Re-adding replaces the code and keeps the func's secret.
  CHECK(s.add_func({{"group_name", "G"}, {"name", "Keep"}, {"use_otp", true}, {"disable_group_otp", true},
                    {"lua_body", "function Keep() print('v2') end"}}) == secret);
  s.api.post_ok("/v1/delete/func", {{"group_name", "G"}, {"name", "Gone"}});
  CHECK(s.funcs.get("/G/Gone").status == 404);
  auto list = s.api.success(s.api.client.get("/v1/G/func/list"));
  REQUIRE(list.size() == 1);
  CHECK(list[0]["name"] == "Keep");
  CHECK(list[0]["otp_token"] == secret);

  s.server.kill9();
  s.server.restart();
  s.funcs.get("/");  // reconnect after the restart
  auto after = s.funcs.get("/G/Keep?otp_code=" + code_now(secret));
  CHECK(after.status == 200);
  CHECK(after.body == "v2\n");
  CHECK(s.funcs.get("/G/Gone").status == 404);

  auto dump = s.api.client.get("/v1/G/dump");
  REQUIRE(dump.status == 200);
  s.api.post_ok("/v1/remove/group", {{"group_name", "G"}});
  CHECK(s.funcs.get("/G/Keep").status == 404);
  auto imported = s.api.client.request("POST", "/v1/import", dump.body, "application/gzip");
  CHECK(imported.status == 200);
  auto back = s.funcs.get("/G/Keep?otp_code=" + code_now(secret));
  CHECK(back.status == 200);
  CHECK(back.body == "v2\n");
}
