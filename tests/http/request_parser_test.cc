#include "http/request_parser.h"

#include <catch2/catch.hpp>

using namespace mainspring::http;

namespace {

struct parse_result {
  request_parser::state state;
  http_request request;
  http_response error;
};

parse_result parse_one(request_parser& p, std::string_view bytes) {
  p.feed(bytes);
  parse_result r;
  r.state = p.next(&r.request, &r.error);
  return r;
}

}  // namespace

TEST_CASE("a simple GET is parsed with its path, query and headers") {
  request_parser p;
  auto r = parse_one(p, "GET /v1/YM55/job/list?limit=3&name=a%20b+c HTTP/1.1\r\nHost: x\r\nX-Api-Key: k\r\n\r\n");
  REQUIRE(r.state == request_parser::state::request_ready);
  CHECK(r.request.method == "GET");
  CHECK(r.request.path == "/v1/YM55/job/list");
  CHECK(r.request.query_value("limit") == "3");
  CHECK(r.request.query_value("name") == "a b c");
  CHECK(r.request.header("x-api-key") == "k");
  CHECK(r.request.keep_alive);
  CHECK(p.buffered() == 0);
}

TEST_CASE("HTTP/1.1 is persistent unless the client says close, HTTP/1.0 only with keep-alive") {
  request_parser p;
  CHECK(parse_one(p, "GET / HTTP/1.1\r\n\r\n").request.keep_alive);
  CHECK_FALSE(parse_one(p, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n").request.keep_alive);
  CHECK_FALSE(parse_one(p, "GET / HTTP/1.0\r\n\r\n").request.keep_alive);
  CHECK(parse_one(p, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").request.keep_alive);
}

TEST_CASE("a body arriving in pieces is assembled by Content-Length") {
  request_parser p;
  auto r = parse_one(p, "POST /v1/add/job HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello");
  CHECK(r.state == request_parser::state::need_more);
  r = parse_one(p, " world");
  REQUIRE(r.state == request_parser::state::request_ready);
  CHECK(r.request.body == "hello world");
}

TEST_CASE("pipelined requests in one read come out one by one, in order") {
  request_parser p;
  p.feed("GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiGET /c HTTP/1.1\r\n\r\n");
  std::vector<std::string> paths;
  http_request req;
  http_response err;
  while (p.next(&req, &err) == request_parser::state::request_ready) paths.push_back(req.path);
  CHECK(paths == std::vector<std::string>{"/a", "/b", "/c"});
}

TEST_CASE("a chunked body is decoded") {
  request_parser p;
  auto r = parse_one(p, "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
  REQUIRE(r.state == request_parser::state::request_ready);
  CHECK(r.request.body == "hello world");
}

TEST_CASE("Expect: 100-continue is reported once while the body is missing") {
  request_parser p;
  auto r = parse_one(p, "POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  CHECK(r.state == request_parser::state::need_more);
  CHECK(p.take_continue_request());
  CHECK_FALSE(p.take_continue_request());
}

TEST_CASE("malformed heads are refused as soon as the bad line is complete") {
  SECTION("a garbage request line, with no blank line yet") {
    request_parser p;
    auto r = parse_one(p, "GARBAGE\r\n");
    CHECK(r.state == request_parser::state::error);
    CHECK(r.error.status == 400);
  }
  SECTION("a header line without a colon") {
    request_parser p;
    auto r = parse_one(p, "GET / HTTP/1.1\r\nNoColonHere\r\n");
    CHECK(r.state == request_parser::state::error);
    CHECK(r.error.status == 400);
    CHECK(r.error.body == "header line without a colon\n");
  }
  SECTION("an unknown HTTP major version") {
    request_parser p;
    CHECK(parse_one(p, "GET / HTTP/2.0\r\n\r\n").error.status == 505);
  }
}

TEST_CASE("a bad Content-Length is a 400 that leaks no internal text") {
  for (std::string value : {"-5", "abc", "99999999999999999999999", "", "1 2", "+3"}) {
    request_parser p;
    auto r = parse_one(p, "POST / HTTP/1.1\r\nContent-Length: " + value + "\r\n\r\n");
    INFO("Content-Length: " << value);
    CHECK(r.state == request_parser::state::error);
    CHECK(r.error.status == 400);
    CHECK(r.error.body == "invalid Content-Length: must be a decimal number of bytes\n");
  }
}

TEST_CASE("bodies over the cap are 413 and heads over the cap are 431") {
  request_parser p(/*max_body_bytes=*/10, /*max_head_bytes=*/100);
  CHECK(parse_one(p, "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n").error.status == 413);
  request_parser q(10, 100);
  CHECK(parse_one(q, "GET / HTTP/1.1\r\nX: " + std::string(200, 'a')).error.status == 431);
  request_parser c(10, 100);
  CHECK(parse_one(c, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n").error.status == 413);
}

TEST_CASE("request smuggling shapes are refused") {
  request_parser p;
  CHECK(parse_one(p, "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n").error.status == 400);
  request_parser q;
  CHECK(parse_one(q, "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n").error.status == 400);
  request_parser g;
  CHECK(parse_one(g, "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n").error.status == 501);
}

TEST_CASE("a bad percent escape in the target is a 400") {
  request_parser p;
  CHECK(parse_one(p, "GET /a%zz HTTP/1.1\r\n\r\n").error.status == 400);
  request_parser q;
  CHECK(parse_one(q, "GET /a?x=%4 HTTP/1.1\r\n\r\n").error.status == 400);
}

TEST_CASE("a path may have a larger body cap than the rest") {
  request_parser p(10, 1024, [](std::string_view path) { return path == "/v1/import" ? 100u : 10u; });
  auto big = parse_one(p, "POST /v1/import HTTP/1.1\r\nContent-Length: 50\r\n\r\n" + std::string(50, 'x'));
  REQUIRE(big.state == request_parser::state::request_ready);
  CHECK(big.request.body.size() == 50);
  CHECK(parse_one(p, "POST /v1/add/job HTTP/1.1\r\nContent-Length: 50\r\n\r\n").error.status == 413);
}
