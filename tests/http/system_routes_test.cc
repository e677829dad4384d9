// dispatch's answers to requests no route takes (http/system_routes.h): gin's trailing-slash
// redirects, a listener's own unrouted answer, the default 404 / 405 with Allow.
#include "http/system_routes.h"

#include <catch2/catch.hpp>

#include "http/request_parser.h"  // percent_decode

using namespace mainspring;
using namespace mainspring::http;

namespace {

std::string header_of(const http_response& r, std::string_view name) {
  for (const auto& [key, value] : r.headers)
    if (key == name) return value;
  return "";
}

struct listener {
  router routes;
  dispatch_options options;

  http_response send(std::string method, std::string target, std::vector<std::pair<std::string, std::string>> headers = {}) {
    http_request req;
    req.method = std::move(method);
    req.target = target;
    req.raw_path = target.substr(0, target.find('?'));
    percent_decode(req.raw_path, &req.path, false);
    req.headers = std::move(headers);
    http_response out;
    dispatch(routes, req, responder([&out](http_response a) { out = std::move(a); }), options);
    return out;
  }
};

listener gin_listener() {
  listener l;
  auto ok = [](http_request&, responder reply) { reply.send(http_response::text(200, "ok")); };
  l.routes.add("GET", "/v1/jobs", ok);
  l.routes.add("POST", "/v1/jobs", ok);
  l.routes.add("GET", "/v1/jobs/{job}", ok);
  l.routes.head_served_by_get([](std::string_view) { return false; });
  l.options.redirect_trailing_slash = slash_redirect::gin;
  return l;
}

}  // namespace

TEST_CASE("gin's trailing-slash redirect: GET a 301 with Go's HTML body, other methods a 307, HEAD none") {
  listener l = gin_listener();
  auto get = l.send("GET", "/v1/jobs/?q=%C3%A9&x");
  CHECK(get.status == 301);
  CHECK(header_of(get, "Location") == "/v1/jobs?q=%C3%A9&x");
  CHECK(get.content_type == "text/html; charset=utf-8");
  CHECK(get.body == "<a href=\"/v1/jobs?q=%C3%A9&amp;x\">Moved Permanently</a>.\n\n");
  auto post = l.send("POST", "/v1/jobs/");
  CHECK(post.status == 307);
  CHECK(header_of(post, "Location") == "/v1/jobs");
  CHECK(post.content_type.empty());
  CHECK(post.body.empty());
  // gin has no HEAD tree: nothing to redirect to, a 404.
  CHECK(l.send("HEAD", "/v1/jobs/").status == 404);
}

TEST_CASE("gin's redirect writes the path as Go's url.URL does and puts X-Forwarded-Prefix before it") {
  listener l = gin_listener();
  // The decoded path, escaped again the Go way: "%41" is "A", "!" is "%21".
  CHECK(header_of(l.send("GET", "/v1/jobs/a%41!/"), "Location") == "/v1/jobs/aA%21");
  // The prefix cleaned, cut to letters, digits, '-' and '/', then http.Redirect cleans the whole.
  CHECK(header_of(l.send("GET", "/v1/jobs/", {{"x-forwarded-prefix", "/dk.ron/"}}), "Location") == "/dkron/v1/jobs");
  CHECK(header_of(l.send("GET", "/v1/jobs/?a=1", {{"x-forwarded-prefix", "/proxy//x"}}), "Location") ==
        "/proxy/x/v1/jobs?a=1");
  CHECK(header_of(l.send("GET", "/v1/jobs/", {{"x-forwarded-prefix", ""}}), "Location") == "/v1/jobs");
}

TEST_CASE("a listener's own unrouted answer replaces the 404 and the 405 with Allow") {
  listener l = gin_listener();
  auto not_allowed = l.send("DELETE", "/v1/jobs");
  CHECK(not_allowed.status == 405);
  CHECK(header_of(not_allowed, "Allow") == "GET, POST");
  std::string told_allow = "unset";
  l.options.answer_unrouted = [&told_allow](const http_request&, std::string_view allow) -> std::optional<http_response> {
    told_allow = allow;
    return http_response{404, "text/plain", "404 page not found", {}};
  };
  auto gin = l.send("DELETE", "/v1/jobs");
  CHECK(gin.status == 404);
  CHECK(gin.body == "404 page not found");
  CHECK(header_of(gin, "Allow").empty());
  CHECK(told_allow == "GET, POST");
  CHECK(l.send("HEAD", "/v1/jobs").status == 404);
  l.options.answer_unrouted = [](const http_request&, std::string_view) { return std::optional<http_response>(); };
  CHECK(l.send("GET", "/nothing").status == 404);  // nullopt: the listener's own 404
  CHECK(header_of(l.send("HEAD", "/v1/jobs"), "Allow") == "GET, POST");
}
