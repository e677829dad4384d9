// The native API's func management (add, list, delete), driven through the router with an
// in-memory scheduler_api: field mapping, answers and error paths.
#include "http/native/func_routes.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/native/native_routes.h"
#include "tests/http/fake_scheduler.h"
#include "tests/http/route_caller.h"

using namespace mainspring;
using namespace mainspring::http;
using nlohmann::json;

namespace {

struct fixture {
  fake_scheduler api;
  router routes;
  fixture() {
    native::add_native_routes(routes, api);  // the func routes come with the native API
    api.groups["YM55"] = group_spec{"YM55", "GROUPSECRET", 1};
  }
  answer_t post(const std::string& target, const std::string& body) {
    return call_route(routes, "POST", target, body);
  }
};

// The seed's own example body, with its comments-free JSON and the "momo" spelling.
const char* k_seed_add_func = R"({
  "group_name": "YM55",
  "name": "Hello",
  "use_otp": false,
  "disable_group_otp": false,
  "lua_body": "function Hello() print(method()) end",
  "momo":"seed memo",
})";

}  // namespace

TEST_CASE("add func maps every field and answers the func's name") {
  fixture f;
  auto a = f.post("/v1/add/func", k_seed_add_func);
  INFO(a.raw);
  CHECK(a.status == 200);
  CHECK(a.body == json{{"success", "Hello"}});
  const func_spec& added = f.api.funcs["YM55"]["Hello"];
  CHECK(added.group == "YM55");
  CHECK(added.lua_body == "function Hello() print(method()) end");
  CHECK(added.memo == "seed memo");
  CHECK_FALSE(added.use_otp);
  CHECK_FALSE(added.disable_group_otp);
  CHECK(f.api.origin.api == "native");
}

TEST_CASE("a func with its own secret answers that secret when added") {
  fixture f;
  auto a = f.post("/v1/add/func", R"({"group_name":"YM55","name":"Own","lua_body":"function Own() end",
                                      "use_otp":true,"disable_group_otp":true,"memo":"m"})");
  CHECK(a.status == 200);
  CHECK(a.body == json{{"success", "FUNCSECRET"}});
  CHECK(f.api.funcs["YM55"]["Own"].memo == "m");
  CHECK(f.api.funcs["YM55"]["Own"].use_otp);
}

TEST_CASE("add func refuses wrong types and invalid values with 400 naming the field") {
  fixture f;
  check_error(f.post("/v1/add/func", R"({"group_name":"YM55","name":"H","lua_body":"x=1","use_otp":"yes"})"),
              400, "use_otp: must be true or false");
  check_error(f.post("/v1/add/func", R"({"group_name":"YM55","name":"H","lua_body":7})"), 400,
              "lua_body: must be a string");
  check_error(f.post("/v1/add/func", R"({"group_name":"YM55","name":"H"})"), 400, "lua_body: required");
  check_error(f.post("/v1/add/func", R"({"group_name":"YM55","name":"a/b","lua_body":"x=1"})"), 400,
              "name: must match");
  check_error(f.post("/v1/add/func", "not json"), 400, "malformed JSON body");
  check_error(f.post("/v1/add/func", R"({"group_name":"Nope","name":"H","lua_body":"x=1"})"), 404,
              "no group");
  CHECK(f.api.funcs["YM55"].empty());
}

TEST_CASE("the func list shows every field, and otp_token only for funcs with their own secret") {
  fixture f;
  f.post("/v1/add/func", k_seed_add_func);
  f.post("/v1/add/func", R"({"group_name":"YM55","name":"Own","lua_body":"x=1","disable_group_otp":true})");
  f.api.funcs["YM55"]["Hello"].created_ms = 1'700'000'000'500;
  auto a = call_route(f.routes, "GET", "/v1/YM55/func/list");
  INFO(a.raw);
  REQUIRE(a.status == 200);
  REQUIRE(a.body["success"].size() == 2);
  const json& hello = a.body["success"][0];
  CHECK(hello == json{{"name", "Hello"},
                      {"group_name", "YM55"},
                      {"lua_body", "function Hello() print(method()) end"},
                      {"use_otp", false},
                      {"disable_group_otp", false},
                      {"memo", "seed memo"},
                      {"created_time", 1'700'000'000}});
  CHECK(a.body["success"][1]["otp_token"] == "FUNCSECRET");
  check_error(call_route(f.routes, "GET", "/v1/Nope/func/list"), 404, "no group");
  check_error(call_route(f.routes, "GET", "/v1/bad-name/func/list"), 400, "group_name");
}

TEST_CASE("delete func removes it, and says which part is unknown") {
  fixture f;
  f.post("/v1/add/func", k_seed_add_func);
  auto a = f.post("/v1/delete/func", R"({"group_name":"YM55","name":"Hello"})");
  CHECK(a.status == 200);
  CHECK(a.body == json{{"success", "ok"}});
  CHECK(f.api.funcs["YM55"].empty());
  check_error(f.post("/v1/delete/func", R"({"group_name":"YM55","name":"Hello"})"), 404, "no func");
  check_error(f.post("/v1/delete/func", R"({"group_name":"YM55"})"), 400, "name: required");
  check_error(f.post("/v1/delete/func", R"({"name":"Hello"})"), 400, "group_name");
}
