// What Go's net/http and net/url do on the wire (http/go_net_http.h).
#include "http/go_net_http.h"

#include <catch2/catch.hpp>

using namespace mainspring::http;

TEST_CASE("a query is read as url.ParseQuery reads it: a pair it cannot read is skipped, the rest kept") {
  auto q = go_query_first_values("/v1/jobs?a=%zz&b=1&b=2&c;d=3&e=x+y%21&f&%zz=g");
  CHECK(q.count("a") == 0);
  CHECK(q.at("b") == "1");  // Values.Get: the first
  CHECK(q.count("c") == 0);  // a ';' is "invalid semicolon separator in query"
  CHECK(q.at("e") == "x y!");
  CHECK(q.at("f") == "");
  CHECK(q.size() == 3);
  CHECK(go_query_first_values("/v1/jobs?q=a#b&x=1").at("q") == "a#b");  // no fragment in a request
  CHECK(go_query_first_values("/v1/jobs").empty());
}

TEST_CASE("net/http's own refusals are its status line and a plain text body") {
  auto bad = net_http_refusal(400);
  CHECK(bad.status == 400);
  CHECK(bad.reason == "Bad Request");
  CHECK(bad.body == "400 Bad Request");
  CHECK(bad.content_type == "text/plain; charset=utf-8");
  auto host = net_http_refusal(400, "missing required Host header");
  CHECK(host.reason == "Bad Request: missing required Host header");
  CHECK(host.body == "400 Bad Request: missing required Host header");
  CHECK(net_http_refusal(431).body == "431 Request Header Fields Too Large");
  auto te = net_http_refusal(501);
  CHECK(te.reason == "Not Implemented");
  CHECK(te.body == "Unsupported transfer encoding");
  CHECK(net_http_refusal(505, "unsupported protocol version").body ==
        "505 HTTP Version Not Supported: unsupported protocol version");
}

TEST_CASE("path.Clean as Go's: rooted and relative paths") {
  CHECK(go_path_clean("") == ".");
  CHECK(go_path_clean("/") == "/");
  CHECK(go_path_clean("//a//b/") == "/a/b");
  CHECK(go_path_clean("/a/./b/../c") == "/a/c");
  CHECK(go_path_clean("/../x") == "/x");
  CHECK(go_path_clean("a/../..") == "..");
  CHECK(go_path_clean("../../a") == "../../a");
  CHECK(go_path_clean("a/b/..") == "a");
  CHECK(go_path_clean("...") == "...");
}

TEST_CASE("a path is written back as Go's url.URL escapes a path") {
  CHECK(go_escaped_path("/cloudtask/v2/jobs/a b/base") == "/cloudtask/v2/jobs/a%20b/base");
  CHECK(go_escaped_path("/x?y#z%") == "/x%3Fy%23z%25");
  CHECK(go_escaped_path("/$&+,:;=@-_.~") == "/$&+,:;=@-_.~");
  CHECK(go_escaped_path("/!*'()") == "/%21%2A%27%28%29");
  CHECK(go_escaped_path("/\xc3\xa9") == "/%C3%A9");
}

TEST_CASE("http.Redirect's Location: cleaned, a trailing slash and the query kept, relative made absolute") {
  CHECK(go_redirect_location("/v1/jobs", "/v1/jobs") == "/v1/jobs");
  CHECK(go_redirect_location("/v1//jobs/./?a=1&b=/../", "/v1//jobs/./") == "/v1/jobs/?a=1&b=/../");
  CHECK(go_redirect_location("/api//v1/jobs", "/api//v1/jobs") == "/api/v1/jobs");
  CHECK(go_redirect_location("x/y", "/a/b") == "/a/x/y");
  CHECK(go_redirect_location("/v1/jobs?q=\xc3\xa9", "/v1/jobs") == "/v1/jobs?q=%C3%A9");
  CHECK(go_redirect_location("//evil.example/x", "//evil.example/x") == "/evil.example/x");  // never off the server
}

TEST_CASE("OPTIONS * is net/http's own empty 200, and no other request is") {
  http_request star;
  star.method = "OPTIONS";
  star.target = "*";
  star.path = "*";
  auto answer = net_http_options_star(star);
  REQUIRE(answer);
  CHECK(answer->status == 200);
  CHECK(answer->body.empty());
  CHECK(answer->content_type.empty());
  star.method = "GET";
  CHECK_FALSE(net_http_options_star(star));
  http_request path;
  path.method = "OPTIONS";
  path.target = "/v1/jobs";
  CHECK_FALSE(net_http_options_star(path));
}

TEST_CASE("a key given twice reads as its first value, as gin's c.Query (Values.Get) reads it") {
  auto q = go_query_first_values("/v1/jobs?_order=DESC&_order=ASC&q=a&q=b");
  CHECK(q.at("_order") == "DESC");
  CHECK(q.at("q") == "a");
  CHECK(q.size() == 2);
  // An empty first value is still the first: gin's GetQuery finds the key with "".
  CHECK(go_query_first_values("/v1/jobs?_start=&_start=5").at("_start") == "");
}

TEST_CASE("the query is split and decoded as Go's url.ParseQuery does") {
  auto q = go_query_first_values("/v1/jobs?pretty&metadata%5Bteam%5D=ops+east&a=1=2&&=x");
  CHECK(q.at("pretty") == "");
  CHECK(q.at("metadata[team]") == "ops east");
  CHECK(q.at("a") == "1=2");  // split at the first '='
  CHECK(q.at("") == "x");
  CHECK(q.size() == 4);
  CHECK(go_query_first_values("/v1/jobs").empty());
  CHECK(go_query_first_values("/v1/jobs?").empty());
}

TEST_CASE("a pair Go's ParseQuery refuses is skipped, the others kept") {
  // A semicolon is "invalid semicolon separator in query" (Go 1.17 on); a bad escape fails to unescape.
  auto q = go_query_first_values("/v1/jobs?a=1;b=2&q=%zz&q=second&c=%41");
  CHECK(q.count("a") == 0);
  CHECK(q.count("b") == 0);
  CHECK(q.at("q") == "second");  // the first value Go could read
  CHECK(q.at("c") == "A");
}

TEST_CASE("a '#' belongs to the query, as Go's server keeps it in RawQuery") {
  auto q = go_query_first_values("/v1/jobs?q=a#b&x=1");
  CHECK(q.at("q") == "a#b");
  CHECK(q.at("x") == "1");
}
