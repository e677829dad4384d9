// What the center's gorilla/mux router does with a path before its routes see it
// (http/cloudtask/center_paths.h), and the listener hook that lets it (dispatch's
// answer_before_routing).
#include "http/cloudtask/center_paths.h"

#include <catch2/catch.hpp>

#include "http/router.h"
#include "http/system_routes.h"

using namespace mainspring;
using namespace mainspring::http;
using namespace mainspring::http::cloudtask;

namespace {

http_request request_for(std::string target, std::string path) {
  http_request req;
  req.method = "GET";
  req.target = std::move(target);
  req.path = std::move(path);
  return req;
}

std::string location_of(const http_response& r) {
  for (const auto& [name, value] : r.headers)
    if (name == "Location") return value;
  return "";
}

}  // namespace

TEST_CASE("mux's cleanPath cleans as Go's path.Clean and keeps a trailing slash") {
  CHECK(mux_clean_path("") == "/");
  CHECK(mux_clean_path("/") == "/");
  CHECK(mux_clean_path("//") == "/");
  CHECK(mux_clean_path("cloudtask/v2/_ping") == "/cloudtask/v2/_ping");
  CHECK(mux_clean_path("/cloudtask/v2//_ping") == "/cloudtask/v2/_ping");
  CHECK(mux_clean_path("/cloudtask/v2/./_ping") == "/cloudtask/v2/_ping");
  CHECK(mux_clean_path("/cloudtask/v2/jobs/../_ping") == "/cloudtask/v2/_ping");
  CHECK(mux_clean_path("/../../etc/passwd") == "/etc/passwd");  // nothing above the root
  CHECK(mux_clean_path("/cloudtask/v2/_ping/") == "/cloudtask/v2/_ping/");
  CHECK(mux_clean_path("/cloudtask/v2/_ping//") == "/cloudtask/v2/_ping/");
  CHECK(mux_clean_path("/cloudtask/v2/_ping/.") == "/cloudtask/v2/_ping");
  CHECK(mux_clean_path("/a/./") == "/a/");
  CHECK(mux_clean_path("/a/..") == "/");
  CHECK(mux_clean_path("/a/...") == "/a/...");  // "..." is a name
}

TEST_CASE("an unclean center path is a 301 to the cleaned one with its query, while /api is Express's") {
  auto moved = center_clean_path_redirect(request_for("/cloudtask/v2//runtimes/rt/servers?a=1&b", "/cloudtask/v2//runtimes/rt/servers"));
  REQUIRE(moved);
  CHECK(moved->status == 301);
  CHECK(moved->body.empty());
  CHECK(location_of(*moved) == "/cloudtask/v2/runtimes/rt/servers?a=1&b");
  // mux reads the decoded path: %2E%2E and %2F are cleaned too.
  moved = center_clean_path_redirect(request_for("/cloudtask/v2/jobs/%2E%2E%2Fx/base", "/cloudtask/v2/jobs/../x/base"));
  REQUIRE(moved);
  CHECK(location_of(*moved) == "/cloudtask/v2/x/base");
  moved = center_clean_path_redirect(request_for("/cloudtask/v2/./jobs/a%20b/base?", "/cloudtask/v2/./jobs/a b/base"));
  REQUIRE(moved);
  CHECK(location_of(*moved) == "/cloudtask/v2/jobs/a%20b/base?");
  CHECK_FALSE(center_clean_path_redirect(request_for("/cloudtask/v2/_ping", "/cloudtask/v2/_ping")));
  CHECK_FALSE(center_clean_path_redirect(request_for("/cloudtask/v2/_ping/", "/cloudtask/v2/_ping/")));
  CHECK_FALSE(center_clean_path_redirect(request_for("/api/job//x", "/api/job//x")));
}

TEST_CASE("dispatch gives a listener's early answer before any route or API key") {
  router r;
  bool routed = false;
  r.add("GET", "/a/{x}", [&routed](http_request&, responder reply) {
    routed = true;
    reply.send(http_response{200, "text/plain", "routed", {}});
  });
  dispatch_options options;
  options.answer_before_routing = center_clean_path_redirect;
  auto send = [&](std::string target) {
    http_request req = request_for(target, target);
    http_response out;
    dispatch(r, req, responder([&out](http_response a) { out = std::move(a); }), options);
    return out;
  };
  http_response moved = send("/a/./b");  // "." is a route's {x}, but mux cleans first
  CHECK(moved.status == 301);
  CHECK(location_of(moved) == "/a/b");
  CHECK_FALSE(routed);
  CHECK(send("/a/b").body == "routed");
}

TEST_CASE("a center path no route takes is mux's 404, a method it lacks (HEAD too) mux's bare 405, while /api is Express's") {
  http_request req = request_for("/cloudtask/v2/_ping", "/cloudtask/v2/_ping");
  req.method = "HEAD";
  auto method = center_unrouted_answer(req, "GET, OPTIONS");
  REQUIRE(method);
  CHECK(method->status == 405);
  CHECK(method->content_type.empty());
  CHECK(method->body.empty());
  CHECK(method->headers.empty());  // no Allow
  auto nothing = center_unrouted_answer(request_for("/cloudtask/v2/x", "/cloudtask/v2/x"), "");
  REQUIRE(nothing);
  CHECK(nothing->status == 404);
  CHECK(nothing->body == "404 page not found\n");
  CHECK_FALSE(center_unrouted_answer(request_for("/api/nothing", "/api/nothing"), ""));
}
