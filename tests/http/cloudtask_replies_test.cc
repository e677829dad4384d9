// The Cloudtask listener's own errors: cloudtask-web's shape under /api, the center's (and its
// mux's) elsewhere, chosen by the request's path (http/cloudtask/replies.h).
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

  // What the message names does not matter, only the path: elsewhere no route is mux's bare
  // answer (Go's http.NotFound text, an empty 405), the listener's other refusals the center's.
  auto center = render_error_at("/cloudtask/v2/x", 404, status::not_found("no route for GET /api/x"));
  CHECK(center.status == 404);
  CHECK(center.content_type == "text/plain; charset=utf-8");
  CHECK(center.body == "404 page not found\n");
  auto method = render_error_at("/cloudtask/v2/_ping", 405, status::invalid_argument("method POST not allowed"));
  CHECK(method.status == 405);
  CHECK(method.body.empty());
  auto large = render_error_at("/cloudtask/v2/logs", 413, status::resource_exhausted("body too large"));
  CHECK(json::parse(large.body) == json{{"content", "request resolve invaild."}});
  auto unknown = render_error_at("", 503, status::unavailable("too many connections; try again later"));
  CHECK(json::parse(unknown.body).contains("content"));
}
