// End to end: what a web page in the user's browser can and cannot do to a local Mainspring
// (the cross-site guard on every listener), and the --executors switch. Each refused request is
// one a browser sends without asking the user: a "simple" POST (text/plain, urlencoded,
// multipart) from a foreign or opaque origin, or a DNS-rebinding page whose Host is its own name.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/e2e/http_client.h"
#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"

using namespace mainspring::e2e;

namespace {

// The issue's proof of concept: a shell job that touches `proof`.
std::string touch_job(const std::string& proof) {
  return json{{"group_name", "g"}, {"name", "x"},  {"exec_time", 0},
              {"interval_pattern", "@once"}, {"request_url", ""},
              {"exec_command", "touch " + proof}, {"timeout", 5}, {"memo", ""}}
      .dump();
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("mainspring-cross-site-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

void check_refused(const http_response& r, const std::string& needle) {
  INFO("status " << r.status << " body " << r.body << " " << r.error);
  CHECK(r.status == 403);
  CHECK(r.header("content-type") == "application/json;charset=UTF-8");
  json body = r.json();
  REQUIRE(body.is_object());
  REQUIRE(body.contains("error"));
  CHECK(body["error"].get<std::string>().find(needle) != std::string::npos);
  CHECK(r.header("access-control-allow-origin").empty());
}

}  // namespace

TEST_CASE("a web page's simple cross-site requests are refused and change nothing") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("g");
  std::string proof = temp_path("refused");
  std::remove(proof.c_str());
  std::string body = touch_job(proof);

  struct variant {
    const char* what;
    std::string content_type;
    std::vector<std::string> headers;
    const char* needle;
  };
  std::vector<variant> variants = {
      {"fetch no-cors, text/plain", "text/plain", {"Origin: http://evil.example"}, "Origin"},
      {"form, urlencoded", "application/x-www-form-urlencoded", {"Origin: http://evil.example"}, "Origin"},
      {"form, multipart", "multipart/form-data; boundary=x", {"Origin: https://evil.example"}, "Origin"},
      {"sandboxed frame", "text/plain", {"Origin: null"}, "Origin"},
      {"Sec-Fetch-Site only", "text/plain", {"Sec-Fetch-Site: cross-site"}, "cross-site"},
      {"same-site page", "text/plain", {"Sec-Fetch-Site: same-site"}, "same-site"},
      {"a local page on another port", "text/plain", {"Origin: http://127.0.0.1:1"}, "Origin"},
      {"DNS rebinding", "text/plain", {"Host: rebind.evil.example:" + std::to_string(server.port())}, "Host"},
      {"DNS rebinding with its own origin", "text/plain",
       {"Host: rebind.evil.example:" + std::to_string(server.port()),
        "Origin: http://rebind.evil.example:" + std::to_string(server.port())}, "Host"},
  };
  for (const auto& v : variants) {
    INFO(v.what);
    check_refused(api.client.request("POST", "/v1/add/job", body, v.content_type, v.headers), v.needle);
  }
  // Every other state-changing route is guarded the same way.
  check_refused(api.client.request("POST", "/v1/register/group", std::string(R"({"group_name":"h"})"),
                                   "text/plain", {"Origin: http://evil.example"}), "Origin");
  check_refused(api.client.request("POST", "/v1/remove/group", std::string(R"({"group_name":"g"})"),
                                   "text/plain", {"Origin: null"}), "Origin");

  // Nothing changed: no job, no second group, and the command never ran.
  CHECK(api.jobs("g").empty());
  CHECK(api.success(api.client.get("/v1/group/list")) == json::array({"g"}));
  // The same job sent without a browser's headers runs: once it has, a refused one that had been
  // added would have run too.
  std::string control = temp_path("control");
  std::remove(control.c_str());
  json allowed = json::parse(touch_job(control));
  allowed["name"] = "control";
  api.add_job(allowed);
  REQUIRE(eventually([&] { return std::filesystem::exists(control); }));
  std::remove(control.c_str());
  CHECK_FALSE(std::filesystem::exists(proof));
}

TEST_CASE("a DNS-rebinding or cross-site page cannot read answers either") {
  server_process server;
  native_api api(server.base_url());
  std::string secret = api.register_group("g");
  check_refused(api.client.request("GET", "/v1/g/group/info", std::nullopt, "application/json",
                                   {"Host: rebind.evil.example:" + std::to_string(server.port())}),
                "Host");
  check_refused(api.client.request("GET", "/v1/group/list", std::nullopt, "application/json",
                                   {"Origin: http://evil.example"}), "Origin");
  // A preflight from a foreign origin is refused: no CORS grant.
  check_refused(api.client.request("OPTIONS", "/v1/add/job", std::nullopt, "application/json",
                                   {"Origin: http://evil.example", "Access-Control-Request-Method: POST"}),
                "Origin");
  // The same reads from curl (no Origin, a loopback Host) work.
  CHECK(api.success(api.client.get("/v1/g/group/info")) == secret);
  auto r = api.client.request("GET", "/v1/group/list", std::nullopt, "application/json",
                              {"Host: localhost:" + std::to_string(server.port())});
  CHECK(r.status == 200);
}

TEST_CASE("requests without an Origin, or from the listener's own origin, still work") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("g");
  std::string proof = temp_path("allowed");
  std::remove(proof.c_str());

  // curl -d with whatever Content-Type: no Origin, so not a browser.
  auto plain = api.client.request("POST", "/v1/add/job", touch_job(proof), "text/plain");
  INFO(plain.body);
  REQUIRE(plain.status == 200);
  CHECK(eventually([&] { return std::filesystem::exists(proof); }));
  std::remove(proof.c_str());

  // A page served by the listener itself (the dashboard, later) is same-origin.
  std::string own = "http://127.0.0.1:" + std::to_string(server.port());
  auto same = api.client.request("POST", "/v1/register/group", std::string(R"({"group_name":"h"})"),
                                 "application/json", {"Origin: " + own, "Sec-Fetch-Site: same-origin"});
  INFO(same.body);
  CHECK(same.status == 200);
  auto via_localhost = api.client.request(
      "GET", "/v1/group/list", std::nullopt, "application/json",
      {"Host: localhost:" + std::to_string(server.port()),
       "Origin: http://localhost:" + std::to_string(server.port())});
  CHECK(via_localhost.status == 200);
  CHECK(api.success(api.client.get("/v1/group/list")).size() == 2);
}

TEST_CASE("the --allowed-origin and --allowed-host flags let exactly what they name through") {
  server_process server({"--allowed-origin", "https://ops.example", "--allowed-origin",
                         "http://localhost:3000", "--allowed-host", "sched.example"});
  native_api api(server.base_url());

  auto listed = api.client.request("POST", "/v1/register/group", std::string(R"({"group_name":"a"})"),
                                   "application/json", {"Origin: https://ops.example"});
  INFO(listed.body);
  CHECK(listed.status == 200);
  CHECK(listed.header("access-control-allow-origin") == "https://ops.example");
  CHECK(listed.header("vary") == "Origin");

  auto preflight = api.client.request(
      "OPTIONS", "/v1/add/job", std::nullopt, "application/json",
      {"Origin: http://localhost:3000", "Access-Control-Request-Method: POST",
       "Access-Control-Request-Headers: content-type"});
  CHECK(preflight.status == 204);
  CHECK(preflight.header("access-control-allow-origin") == "http://localhost:3000");
  CHECK(preflight.header("access-control-allow-headers") == "content-type");

  check_refused(api.client.request("POST", "/v1/register/group", std::string(R"({"group_name":"b"})"),
                                   "text/plain", {"Origin: https://ops.example:8443"}), "Origin");
  check_refused(api.client.request("POST", "/v1/register/group", std::string(R"({"group_name":"b"})"),
                                   "text/plain", {"Origin: http://localhost:3001"}), "Origin");

  auto named = api.client.request("GET", "/v1/group/list", std::nullopt, "application/json",
                                  {"Host: sched.example"});
  CHECK(named.status == 200);
  check_refused(api.client.request("GET", "/v1/group/list", std::nullopt, "application/json",
                                   {"Host: other.example"}), "Host");
  CHECK(api.success(api.client.get("/v1/group/list")) == json::array({"a"}));
}

TEST_CASE("an allowed origin gets one Access-Control-Allow-Origin from a dialect that always answers *") {
  uint16_t cronicle_port = pick_free_port();
  server_process server({"--cronicle-listen", "127.0.0.1:" + std::to_string(cronicle_port), "--allowed-origin",
                         "http://app.example.com"});
  http_client cronicle("http://127.0.0.1:" + std::to_string(cronicle_port));
  auto plain = cronicle.get("/api/app/ping/v1");
  CHECK(plain.status == 200);
  CHECK(plain.header("access-control-allow-origin") == "*");  // Cronicle's own, to non-browser clients
  auto allowed = cronicle.request("POST", "/api/app/ping/v1", std::string("{}"), "application/json",
                                  {"Origin: http://app.example.com"});
  INFO(allowed.body);
  CHECK(allowed.status == 200);
  // Not "*, http://app.example.com": a browser refuses an answer that names two.
  CHECK(allowed.header("access-control-allow-origin") == "http://app.example.com");
}

TEST_CASE("a bad --allowed-origin stops the server at start with the flag's name") {
  std::string log = temp_path("bad-flag.log");
  std::string cmd = std::string(std::getenv("MAINSPRING_BINARY")) +
                    " serve --listen 127.0.0.1:" + std::to_string(pick_free_port()) +
                    " --data-dir " + temp_path("bad-flag-data") +
                    " --allowed-origin 'evil.example' >" + log + " 2>&1";
  int rc = std::system(cmd.c_str());
  CHECK(rc != 0);
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("--allowed-origin") != std::string::npos);
  std::filesystem::remove_all(temp_path("bad-flag-data"));
  std::remove(log.c_str());
}

TEST_CASE("the func listener refuses cross-site requests too") {
  uint16_t func_port = pick_free_port();
  server_process server({"--func-listen", "127.0.0.1:" + std::to_string(func_port)});
  native_api api(server.base_url());
  api.register_group("G");
  api.success(api.client.post_json(
      "/v1/add/func", json{{"group_name", "G"}, {"name", "Hi"}, {"disable_group_otp", false},
                           {"use_otp", false}, {"lua_body", "function Hi() print('hi') end"}}));
  http_client funcs("http://127.0.0.1:" + std::to_string(func_port));
  check_refused(funcs.request("POST", "/G/Hi", std::string("x"), "text/plain", {"Origin: http://evil.example"}),
                "Origin");
  check_refused(funcs.request("GET", "/G/Hi", std::nullopt, "text/plain",
                              {"Host: rebind.evil.example:" + std::to_string(func_port)}),
                "Host");
  auto ok = funcs.get("/G/Hi");
  INFO(ok.body);
  CHECK(ok.status == 200);
}

TEST_CASE("a server started with --executors without shell refuses shell jobs at add time and keeps the others") {
  server_process server({"--executors", "http,lua,noop"});
  native_api api(server.base_url());
  api.register_group("g");
  json job{{"group_name", "g"}, {"name", "x"}, {"exec_time", 0}, {"interval_pattern", "@every 5s"},
           {"request_url", ""}, {"exec_command", "true"}, {"timeout", 5}, {"memo", ""}};
  auto shell = api.client.post_json("/v1/add/job", job);
  INFO(shell.body);
  CHECK(shell.status == 400);
  CHECK(shell.json()["error"].get<std::string>().find("shell executor is turned off") != std::string::npos);
  CHECK(api.jobs("g").empty());

  job["request_url"] = "NOOP@";
  CHECK_FALSE(api.add_job(job).empty());
  // Editing a job into a shell job is refused too.
  std::string id = api.jobs("g")[0]["id"];
  auto edit = api.client.post_json("/v1/edit/job", json{{"group_name", "g"}, {"job_id", id},
                                                        {"request_url", ""}, {"exec_command", "true"}});
  CHECK(edit.status == 400);
}

TEST_CASE("a stored shell job restored under --executors without shell fails its runs, naming why") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("g");
  std::string id = api.add_job(json{{"group_name", "g"}, {"name", "x"}, {"exec_time", 0},
                                    {"interval_pattern", "@manually"}, {"request_url", ""},
                                    {"exec_command", "true"}, {"timeout", 5}, {"memo", ""}});
  server.restart({"--executors", "http,noop"});
  native_api after(server.base_url());
  REQUIRE(after.jobs("g").size() == 1);
  after.success(after.client.post_json("/v1/" + std::string("g") + "/job/" + id + "/run", json::object()));
  REQUIRE(eventually([&] { return !after.executions("g", id).empty(); }));
  auto run = after.executions("g", id)[0];
  INFO(run.dump());
  CHECK(run["error"].get<std::string>().find("shell executor is turned off") != std::string::npos);
}

TEST_CASE("a server started with --executors without lua refuses funcs and LUA@ jobs") {
  server_process server({"--executors", "http,shell,noop"});
  native_api api(server.base_url());
  api.register_group("g");
  auto func = api.client.post_json("/v1/add/func", json{{"group_name", "g"}, {"name", "Hi"},
                                                        {"lua_body", "function Hi() print('hi') end"}});
  CHECK(func.status == 400);
  CHECK(func.json()["error"].get<std::string>().find("lua executor is turned off") != std::string::npos);
  auto lua = api.client.post_json(
      "/v1/add/job", json{{"group_name", "g"}, {"name", "Hi"}, {"exec_time", 0},
                          {"interval_pattern", "@once"}, {"request_url", "LUA@"},
                          {"exec_command", "function Hi() end"}, {"timeout", 5}, {"memo", ""}});
  CHECK(lua.status == 400);
}

TEST_CASE("an unknown --executors name stops the server at start") {
  std::string data = temp_path("bad-executors-data");
  std::string cmd = std::string(std::getenv("MAINSPRING_BINARY")) +
                    " serve --listen 127.0.0.1:" + std::to_string(pick_free_port()) +
                    " --data-dir " + data + " --executors http,sh >/dev/null 2>&1";
  CHECK(std::system(cmd.c_str()) != 0);
  std::filesystem::remove_all(data);
}
