// route_caller: sends one request through a router as the server would (dispatch), for the
// dialects' unit tests, and reads the answer back as JSON.
//
// Example:
//   router r; native::add_native_routes(r, api);
//   answer_t a = call_route(r, "POST", "/v1/pause/job?x=1", R"({"group_name":"G"})");
//   CHECK(a.status == 200); CHECK(a.body["success"] == "ok");
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/router.h"
#include "http/system_routes.h"  // dispatch

namespace mainspring::http {

struct answer_t {
  int status = 0;
  std::string content_type;
  std::string raw;
  nlohmann::json body;  // discarded when the body is not JSON
  std::vector<std::pair<std::string, std::string>> headers;
  std::string reason;  // the response's own reason phrase ("" = the standard one)

  // The "error" message ("" if none).
  std::string error() const {
    return body.is_object() && body.contains("error") ? body["error"].get<std::string>() : "";
  }
};

// `target` may carry a query ("?a=1&b=2", not percent-decoded); `headers` names are lower-case.
inline answer_t call_route(const router& routes, std::string method, const std::string& target,
                           std::string body = "",
                           std::vector<std::pair<std::string, std::string>> headers = {}) {
  http_request req;
  req.method = std::move(method);
  req.target = target;
  auto q = target.find('?');
  req.path = target.substr(0, q);
  if (q != std::string::npos) {
    std::string query = target.substr(q + 1);
    std::size_t start = 0;
    while (start <= query.size()) {
      auto amp = query.find('&', start);
      std::string pair = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      auto eq = pair.find('=');
      req.query[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  }
  req.headers = std::move(headers);
  req.body = std::move(body);
  std::optional<http_response> out;
  {
    responder reply([&out](http_response r) { out = std::move(r); });
    dispatch(routes, req, reply);
  }
  REQUIRE(out.has_value());
  return answer_t{out->status, out->content_type, out->body,
                  nlohmann::json::parse(out->body, nullptr, false), out->headers, out->reason};
}

// Checks an error answer: `status`, the native envelope {"error": "..."} containing `fragment`.
inline void check_error(const answer_t& a, int status, const std::string& fragment) {
  INFO(a.raw);
  CHECK(a.status == status);
  CHECK(a.content_type == "application/json;charset=UTF-8");
  CHECK(a.body.size() == 1);
  CHECK_THAT(a.error(), Catch::Contains(fragment));
}

}  // namespace mainspring::http
