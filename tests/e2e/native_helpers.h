// Helpers shared by the end-to-end tests of the native API: bounded polling, and the few calls
// most tests make (register a group, add a job, read its detail and executions).
//
// Example:
//   native_api api(server.base_url());
//   api.register_group("G");
//   std::string id = api.add_job({{"group_name", "G"}, {"name", "n"}, ...});
//   REQUIRE(eventually([&] { return api.detail("G", id)["counts"]["runs"] >= 1; }));
#pragma once

#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/http_client.h"

namespace mainspring::e2e {

using json = nlohmann::json;
using namespace std::chrono_literals;

// Polls `condition` every 50 ms until it holds (true) or `timeout` passes (false).
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = 10s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
}

inline int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The native API as the tests use it: each call REQUIREs success and answers the payload.
class native_api {
 public:
  explicit native_api(const std::string& base_url) : client(base_url) {}

  // The "success" payload of a 200 answer; fails the test otherwise.
  json success(const http_response& r) {
    INFO("status " << r.status << " body " << r.body << " " << r.error);
    REQUIRE(r.status == 200);
    json body = r.json();
    REQUIRE(body.is_object());
    REQUIRE(body.contains("success"));
    return body["success"];
  }

  std::string register_group(const std::string& group) {
    return success(client.post_json("/v1/register/group", json{{"group_name", group}}));
  }
  std::string add_job(const json& body) { return success(client.post_json("/v1/add/job", body)); }
  json jobs(const std::string& group) { return success(client.get("/v1/" + group + "/job/list")); }
  json detail(const std::string& group, const std::string& id) {
    return success(client.get("/v1/" + group + "/job/" + id));
  }
  json executions(const std::string& group, const std::string& id, const std::string& query = "") {
    return success(client.get("/v1/" + group + "/job/" + id + "/executions" + query));
  }
  void post_ok(const std::string& path, const json& body) {
    CHECK(success(client.post_json(path, body)) == "ok");
  }

  http_client client;
};

}  // namespace mainspring::e2e
