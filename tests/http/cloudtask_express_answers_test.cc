// What cloudtask-web's Express answers under /api when no route takes a request: finalhandler's
// 404 page and the router's OPTIONS reply (http/cloudtask/express_answers.h).
#include "http/cloudtask/express_answers.h"

#include <string>

#include <catch2/catch.hpp>

#include "http/cross_site_guard.h"
#include "http/system_routes.h"

using namespace mainspring::http;
using namespace mainspring::http::cloudtask;

namespace {

std::string header(const http_response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

http_request request(std::string method, std::string path) {
  http_request r;
  r.method = std::move(method);
  r.path = path;
  r.raw_path = path;
  return r;
}

}  // namespace

TEST_CASE("an unknown path is finalhandler's 404 page naming the method and the path") {
  http_response r = express_not_found("GET", "/api/x");
  CHECK(r.status == 404);
  CHECK(r.content_type == "text/html; charset=utf-8");
  CHECK(r.body ==
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n"
        "<body>\n<pre>Cannot GET /api/x</pre>\n</body>\n</html>\n");
  CHECK(header(r, "Content-Security-Policy") == "default-src 'self'");
  CHECK(header(r, "X-Content-Type-Options") == "nosniff");
}

TEST_CASE("the 404 page's path is URL-encoded as encodeurl does, then HTML-escaped") {
  CHECK(express_resource_name("/api/job/getById/a%20b") == "/api/job/getById/a%20b");  // escapes kept
  CHECK(express_resource_name("/api/a b") == "/api/a%20b");
  CHECK(express_resource_name("/api/100%") == "/api/100%25");
  CHECK(express_resource_name("/api/%zz") == "/api/%25zz");
  CHECK(express_resource_name("/api/<script>") == "/api/%3Cscript%3E");
  CHECK(express_resource_name("/api/a&b'c") == "/api/a&amp;b&#39;c");
  CHECK(express_resource_name("/api/\"q\"") == "/api/%22q%22");
  CHECK(express_resource_name("/api/x#frag") == "/api/x");
  CHECK(express_resource_name("/api/$x") == "/api/$x");
  CHECK(express_resource_name("/api/\xe9") == "/api/%C3%A9");  // a Latin-1 byte, UTF-8 encoded
}

TEST_CASE("OPTIONS lists the methods of the path's routes as Express does, HEAD after GET") {
  http_response r = express_options("GET");
  CHECK(r.status == 200);
  CHECK(r.body == "GET,HEAD");
  CHECK(header(r, "Allow") == "GET,HEAD");
  CHECK(r.content_type == "text/html; charset=utf-8");
  CHECK(express_options("POST").body == "POST");
  CHECK(express_options("GET, POST").body == "GET,HEAD,POST");
}

TEST_CASE("under /api an unrouted request gets Express's answer, elsewhere the listener's own") {
  auto options = web_unrouted_answer(request("OPTIONS", "/api/job/createJob"), "POST");
  REQUIRE(options);
  CHECK(options->status == 200);
  CHECK(options->body == "POST");
  // A known path with another method is Express's 404, as an unknown path is.
  auto wrong_method = web_unrouted_answer(request("GET", "/api/job/createJob"), "POST");
  REQUIRE(wrong_method);
  CHECK(wrong_method->status == 404);
  CHECK(wrong_method->body.find("<pre>Cannot GET /api/job/createJob</pre>") != std::string::npos);
  auto unknown_options = web_unrouted_answer(request("OPTIONS", "/api/x"), "");
  REQUIRE(unknown_options);
  CHECK(unknown_options->status == 404);
  CHECK(unknown_options->body.find("Cannot OPTIONS /api/x") != std::string::npos);
  // The path as sent names the resource, not the decoded one.
  http_request encoded = request("DELETE", "/api/a b");
  encoded.raw_path = "/api/a%20b";
  CHECK(web_unrouted_answer(encoded, "")->body.find("Cannot DELETE /api/a%20b") != std::string::npos);
  CHECK_FALSE(web_unrouted_answer(request("GET", "/cloudtask/v2/x"), ""));
  CHECK_FALSE(web_unrouted_answer(request("GET", "/apix"), ""));
}

TEST_CASE("dispatch asks the unrouted hook only when no route takes the request, after the cross-site guard") {
  router r;
  r.add("GET", "/api/job", [](http_request&, responder reply) { reply.send(http_response{200, "text/plain", "jobs", {}}); });
  auto guard = cross_site_guard::make({}, "127.0.0.1");
  REQUIRE(guard.ok());
  dispatch_options options;
  options.guard = &*guard;
  options.answer_unrouted = web_unrouted_answer;
  auto send = [&](http_request req) {
    req.local_port = 8985;
    req.headers.emplace_back("host", "127.0.0.1:8985");
    http_response out;
    dispatch(r, req, responder([&out](http_response a) { out = std::move(a); }), options);
    return out;
  };
  CHECK(send(request("GET", "/api/job")).body == "jobs");
  CHECK(send(request("HEAD", "/api/job")).body == "jobs");
  CHECK(send(request("OPTIONS", "/api/job")).body == "GET,HEAD");
  CHECK(send(request("POST", "/api/job")).status == 404);
  // A page elsewhere is refused before anything else, in the listener's error shape.
  http_request foreign = request("OPTIONS", "/api/job");
  foreign.headers.emplace_back("origin", "http://evil.example");
  foreign.headers.emplace_back("access-control-request-method", "POST");
  http_response refused = send(foreign);
  CHECK(refused.status == 403);
  CHECK(refused.body.find("Cannot") == std::string::npos);
  // Without the hook, the listener's 404 / 405.
  options.answer_unrouted = nullptr;
  CHECK(send(request("POST", "/api/job")).status == 405);
}
