#include "http/router.h"

#include <catch2/catch.hpp>

using namespace mainspring::http;

namespace {
http_request make(std::string method, std::string path) {
  http_request r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}
}  // namespace

TEST_CASE("a route captures its path parameters") {
  router r;
  int hits = 0;
  r.add("GET", "/v1/{group}/job/delete/{job_name}", [&](http_request&, responder) { ++hits; });
  auto req = make("GET", "/v1/YM55/job/delete/Hello");
  auto m = r.match(req);
  REQUIRE(m.handler);
  CHECK(req.param("group") == "YM55");
  CHECK(req.param("job_name") == "Hello");
  CHECK(m.route == "/v1/{group}/job/delete/{job_name}");
}

TEST_CASE("the route with more literal segments wins") {
  router r;
  std::string which;
  r.add("GET", "/v1/{group}/list", [&](http_request&, responder) { which = "param"; });
  r.add("GET", "/v1/group/list", [&](http_request&, responder) { which = "literal"; });
  auto req = make("GET", "/v1/group/list");
  auto m = r.match(req);
  REQUIRE(m.handler);
  (*m.handler)(req, responder{});
  CHECK(which == "literal");
}

TEST_CASE("an unknown path has no allow list, a known path with another method has one") {
  router r;
  r.add("POST", "/v1/add/job", [](http_request&, responder) {});
  r.add("PUT", "/v1/add/job", [](http_request&, responder) {});
  auto unknown = make("GET", "/nope");
  CHECK(r.match(unknown).handler == nullptr);
  CHECK(r.match(unknown).allow.empty());
  auto wrong = make("GET", "/v1/add/job");
  auto m = r.match(wrong);
  CHECK(m.handler == nullptr);
  CHECK(m.allow == "POST, PUT");
}

TEST_CASE("an empty segment does not match a parameter") {
  router r;
  r.add("GET", "/v1/{group}/job/list", [](http_request&, responder) {});
  auto req = make("GET", "/v1//job/list");
  CHECK(r.match(req).handler == nullptr);
}

TEST_CASE("HEAD is served by the GET route") {
  router r;
  r.add("GET", "/version", [](http_request&, responder) {});
  auto req = make("HEAD", "/version");
  CHECK(r.match(req).handler != nullptr);
}

TEST_CASE("where HEAD is not served by GET routes, HEAD on a GET route is a method it lacks") {
  router r;
  r.add("GET", "/cloudtask/v2/_ping", [](http_request&, responder) {});
  r.add("GET", "/api/job", [](http_request&, responder) {});
  r.head_served_by_get([](std::string_view path) { return path.starts_with("/api/"); });
  auto center = make("HEAD", "/cloudtask/v2/_ping");
  auto m = r.match(center);
  CHECK(m.handler == nullptr);
  CHECK(m.allow == "GET");
  auto web = make("HEAD", "/api/job");
  CHECK(r.match(web).handler != nullptr);
}

TEST_CASE("a responder dropped unanswered sends a 500 exactly once") {
  int sends = 0;
  int last_status = 0;
  {
    responder reply([&](http_response r) { ++sends; last_status = r.status; });
    responder copy = reply;
  }
  CHECK(sends == 1);
  CHECK(last_status == 500);
  responder answered([&](http_response r) { ++sends; last_status = r.status; });
  answered.send(http_response::text(200, "x"));
  answered.send(http_response::text(201, "y"));
  CHECK(sends == 2);
  CHECK(last_status == 200);
}

TEST_CASE("routing splits the path as sent, then decodes each segment: %2F stays in its segment") {
  router r;
  r.add("GET", "/v1/{group}/job/list", [](http_request&, responder) {});
  r.add("GET", "/v1/group/list", [](http_request&, responder) {});
  auto encoded = make("GET", "/v1/a/b/job/list");  // what the parser decodes the path to
  encoded.raw_path = "/v1/a%2Fb/job/list";
  auto m = r.match(encoded);
  REQUIRE(m.handler);
  CHECK(encoded.param("group") == "a/b");

  auto split = make("GET", "/v1/group/list");
  split.raw_path = "/v1/group%2Flist";  // one segment "group/list": no route
  CHECK_FALSE(r.match(split).handler);

  auto escaped_literal = make("GET", "/v1/group/list");
  escaped_literal.raw_path = "/v1/%67roup/list";  // an escaped letter still names the literal
  CHECK(r.match(escaped_literal).route == "/v1/group/list");
}

TEST_CASE("a last segment {name...} takes the rest of the path, slashes and empty segments included") {
  router r;
  r.add("GET", "/api/v1/jobs", [](http_request&, responder) {});
  r.add("GET", "/api/v1/jobs/{job_id...}", [](http_request&, responder) {});
  r.add("DELETE", "/api/v1/jobs/{job_id...}", [](http_request&, responder) {});
  auto capture = [&](std::string raw) {
    auto req = make("GET", raw);
    req.raw_path = raw;
    auto m = r.match(req);
    REQUIRE(m.handler);
    CHECK(m.route == "/api/v1/jobs/{job_id...}");
    return req.param("job_id");
  };
  CHECK(capture("/api/v1/jobs/abc") == "abc");
  CHECK(capture("/api/v1/jobs/a/b") == "a/b");
  CHECK(capture("/api/v1/jobs/a%2Fb/c%20d") == "a/b/c d");  // decoded, as tornado unquotes the group
  CHECK(capture("/api/v1/jobs//x") == "/x");
  CHECK(capture("/api/v1/jobs/x/") == "x/");
  CHECK(capture("/api/v1/jobs/") == "");
  // The literal route still takes its own path; the rest needs the slash before it.
  auto list = make("GET", "/api/v1/jobs");
  CHECK(r.match(list).route == "/api/v1/jobs");
  auto other = make("GET", "/api/v1/jobsx/a");
  CHECK_FALSE(r.match(other).handler);
  // Another method on a path the rest takes: a 405 listing the methods, as for any route.
  auto put = make("PUT", "/api/v1/jobs/a/b");
  auto m = r.match(put);
  CHECK_FALSE(m.handler);
  CHECK(m.allow == "GET, DELETE");
}
