// The Cloudtask listener's own errors: cloudtask-web's shape under /api, the center's elsewhere,
// chosen by the request's path (http/cloudtask/replies.h).
#include "http/cloudtask/replies.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace mainspring;
using namespace mainspring::http::cloudtask;
using nlohmann::json;

TEST_CASE("the listener's own errors take the web's shape under /api and the center's elsewhere") {
  CHECK(is_web_path("/api"));
  CHECK(is_web_path("/api/job/createJob"));
  CHECK_FALSE(is_web_path("/apix"));
  CHECK_FALSE(is_web_path("/cloudtask/v2/jobs/action"));
  CHECK_FALSE(is_web_path(""));  // a refused connection, a request line not read

  auto web = render_error_at("/api/nothing", 404, status::not_found("no route for GET /api/nothing"));
  CHECK(web.status == 404);
  json w = json::parse(web.body);
  CHECK(w["code"] == -1001);
  CHECK(w["data"]["error"] == "no route for GET /api/nothing");

  // What the message names does not matter, only the path: a center route's 404 naming /api.
  auto center = render_error_at("/cloudtask/v2/x", 404, status::not_found("no route for GET /api/x"));
  CHECK(center.status == 404);
  CHECK(json::parse(center.body) == json{{"content", "request resource not found."}});
  auto unknown = render_error_at("", 503, status::unavailable("too many connections; try again later"));
  CHECK(json::parse(unknown.body).contains("content"));
}
