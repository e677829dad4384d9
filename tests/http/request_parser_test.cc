#include "http/request_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

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
  CHECK(parse_one(p, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").request.keep_alive);
  CHECK_FALSE(parse_one(p, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").request.keep_alive);
  CHECK_FALSE(parse_one(p, "GET / HTTP/1.0\r\n\r\n").request.keep_alive);
  CHECK(parse_one(p, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").request.keep_alive);
}

TEST_CASE("a body arriving in pieces is assembled by Content-Length") {
  request_parser p;
  auto r = parse_one(p, "POST /v1/add/job HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello");
  CHECK(r.state == request_parser::state::need_more);
  r = parse_one(p, " world");
  REQUIRE(r.state == request_parser::state::request_ready);
  CHECK(r.request.body == "hello world");
}

TEST_CASE("pipelined requests in one read come out one by one, in order") {
  request_parser p;
  p.feed("GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET /c HTTP/1.1\r\nHost: x\r\n\r\n");
  std::vector<std::string> paths;
  http_request req;
  http_response err;
  while (p.next(&req, &err) == request_parser::state::request_ready) paths.push_back(req.path);
  CHECK(paths == std::vector<std::string>{"/a", "/b", "/c"});
}

TEST_CASE("a chunked body is decoded") {
  request_parser p;
  auto r = parse_one(p, "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
  REQUIRE(r.state == request_parser::state::request_ready);
  CHECK(r.request.body == "hello world");
}

TEST_CASE("a chunked body arriving one byte at a time is decoded") {
  // Beast asserts (in debug builds only) that a chunk-size line comes in 5 bytes or more.
  request_parser p;
  const std::string stream = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n1\r\nd\r\n0\r\n\r\n";
  std::vector<parse_result> results;
  for (char c : stream) results.push_back(parse_one(p, std::string_view(&c, 1)));
  for (std::size_t i = 0; i + 1 < results.size(); ++i) REQUIRE(results[i].state == request_parser::state::need_more);
  REQUIRE(results.back().state == request_parser::state::request_ready);
  CHECK(results.back().request.body == "abcd");
}

TEST_CASE("a chunk extension with an unterminated quoted string is refused however its bytes are split") {
  const std::string head = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string bad = head + "5;x=\"\r\nhello\r\n0\r\n\r\n";
  const std::string good = head + "5;x=\"a b\"\r\nhello\r\n0\r\n\r\n";
  for (std::size_t read : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{14}}) {
    INFO("reads of " << read << " bytes (0: all at once)");
    auto feed = [&](const std::string& stream) {
      request_parser p;
      parse_result last;
      for (std::size_t at = 0; at < stream.size();) {
        const std::size_t n = read == 0 ? stream.size() : std::min(read, stream.size() - at);
        last = parse_one(p, std::string_view(stream).substr(at, n));
        at += n;
        if (last.state != request_parser::state::need_more) break;
      }
      return last;
    };
    auto refused = feed(bad);
    REQUIRE(refused.state == request_parser::state::error);
    CHECK(refused.error.status == 400);
    CHECK(refused.error.body.find("malformed chunk size line") != std::string::npos);
    auto taken = feed(good);
    REQUIRE(taken.state == request_parser::state::request_ready);
    CHECK(taken.request.body == "hello");
  }
}

TEST_CASE("Expect: 100-continue is reported once while the body is missing") {
  request_parser p;
  auto r = parse_one(p, "POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
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
  CHECK(parse_one(c, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n").error.status == 413);
}

TEST_CASE("request smuggling shapes are refused") {
  request_parser p;
  CHECK(parse_one(p, "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n").error.status == 400);
  request_parser q;
  CHECK(parse_one(q, "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n").error.status == 400);
  request_parser g;
  CHECK(parse_one(g, "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n").error.status == 501);
  // Each says what is wrong, whichever header came first.
  request_parser a, b, c;
  CHECK(parse_one(a, "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n").error.body ==
        "both Content-Length and Transfer-Encoding given\n");
  CHECK(parse_one(b, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n").error.body ==
        "both Content-Length and Transfer-Encoding given\n");
  CHECK(parse_one(c, "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n").error.body ==
        "Content-Length given more than once\n");
}

TEST_CASE("a bad percent escape in the target is a 400") {
  request_parser p;
  CHECK(parse_one(p, "GET /a%zz HTTP/1.1\r\n\r\n").error.status == 400);
  request_parser q;
  CHECK(parse_one(q, "GET /a?x=%4 HTTP/1.1\r\n\r\n").error.status == 400);
}

TEST_CASE("under net/http rules a bad escape in the query skips its pair, and the request is served") {
  request_parser p(k_max_body_bytes, k_max_head_bytes, {}, [](std::string_view) { return true; });
  auto r = parse_one(p, "GET /v1/jobs?a=%zz&b=1&b=2&c;d=3&e=%41+x HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(r.state == request_parser::state::request_ready);
  CHECK(r.request.path == "/v1/jobs");
  CHECK(r.request.query.count("a") == 0);
  CHECK(r.request.query_value("b") == "1");  // the first, as Go's Values.Get
  CHECK(r.request.query.count("c") == 0);    // a pair holding ';' is skipped too
  CHECK(r.request.query_value("e") == "A x");
  // No fragment is cut from a request target, as by net/http.
  auto hash = parse_one(p, "GET /v1/jobs#x?q=a#b HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(hash.state == request_parser::state::request_ready);
  CHECK(hash.request.path == "/v1/jobs#x");
  CHECK(hash.request.query_value("q") == "a#b");
}

TEST_CASE("under net/http rules a malformed request gets net/http's own plain answer") {
  auto go = [](std::string_view) { return true; };
  request_parser p(k_max_body_bytes, k_max_head_bytes, {}, go);
  auto bad_path = parse_one(p, "GET /v1/jo%zzbs?a=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(bad_path.state == request_parser::state::error);
  CHECK(p.refusal_is_net_http());
  CHECK(bad_path.error.status == 400);
  CHECK(bad_path.error.reason == "Bad Request");
  CHECK(bad_path.error.body == "400 Bad Request");
  CHECK(bad_path.error.content_type == "text/plain; charset=utf-8");
  request_parser q(k_max_body_bytes, k_max_head_bytes, {}, go);
  auto no_host = parse_one(q, "GET / HTTP/1.1\r\n\r\n");
  CHECK(no_host.error.body == "400 Bad Request: missing required Host header");
  request_parser garbage(k_max_body_bytes, k_max_head_bytes, {}, go);
  CHECK(parse_one(garbage, "NOT A REQUEST\r\n").error.body == "400 Bad Request");
  CHECK(garbage.refusal_is_net_http());
  // A body over the cap is a limit of Mainspring's own: its answer stays the listener's.
  request_parser big(4, k_max_head_bytes, {}, go);
  auto large = parse_one(big, "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n");
  CHECK(large.error.status == 413);
  CHECK_FALSE(big.refusal_is_net_http());
}

TEST_CASE("net/http rules apply to the paths the listener names, by the path as sent") {
  request_parser p(k_max_body_bytes, k_max_head_bytes, {}, [](std::string_view path) { return !path.starts_with("/api"); });
  CHECK(parse_one(p, "GET /x?a=%zz HTTP/1.1\r\nHost: x\r\n\r\n").state == request_parser::state::request_ready);
  auto web = parse_one(p, "GET /api/x?a=%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(web.state == request_parser::state::error);
  CHECK_FALSE(p.refusal_is_net_http());
  CHECK(web.error.body == "malformed percent-encoding in request target\n");
}

TEST_CASE("a path may have a larger body cap than the rest") {
  request_parser p(10, 1024, [](std::string_view path) { return path == "/v1/import" ? 100u : 10u; });
  auto big = parse_one(p, "POST /v1/import HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n" + std::string(50, 'x'));
  REQUIRE(big.state == request_parser::state::request_ready);
  CHECK(big.request.body.size() == 50);
  CHECK(parse_one(p, "POST /v1/add/job HTTP/1.1\r\nContent-Length: 50\r\n\r\n").error.status == 413);
}

namespace {

// A chunked request of `total` body bytes in chunks of `chunk` bytes, then `trailers`.
std::string chunked_request(std::size_t total, std::size_t chunk, const std::string& trailers = "") {
  std::string wire = "POST /v1/import HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (std::size_t sent = 0; sent < total; sent += chunk) {
    std::size_t n = std::min(chunk, total - sent);
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", n);
    wire += size;
    wire += std::string(n, static_cast<char>('a' + (sent / chunk) % 26));
    wire += "\r\n";
  }
  return wire + "0\r\n" + trailers + "\r\n";
}

request_parser::state status_of(std::string_view bytes, int* status) {
  request_parser p;
  auto r = parse_one(p, bytes);
  *status = r.error.status;
  return r.state;
}

}  // namespace

TEST_CASE("a chunked body read in 4 KiB pieces is assembled whole") {
  request_parser p(k_max_body_bytes, k_max_head_bytes, [](std::string_view) { return std::size_t{8} << 20; });
  std::string wire = chunked_request(std::size_t{2} << 20, 1000);
  http_request req;
  http_response err;
  int ready = 0;
  for (std::size_t i = 0; i < wire.size(); i += 4096) {
    p.feed(std::string_view(wire).substr(i, 4096));
    auto s = p.next(&req, &err);
    REQUIRE(s != request_parser::state::error);
    if (s == request_parser::state::request_ready) ++ready;
    // The body is consumed as it arrives: at most a chunk-size line stays buffered.
    CHECK(p.buffered() <= 4096);
  }
  CHECK(ready == 1);
  REQUIRE(req.body.size() == std::size_t{2} << 20);
  CHECK(req.body.substr(0, 3) == "aaa");
  CHECK(req.body.substr(1000, 3) == "bbb");
}

TEST_CASE("trailers are read but kept out of the headers, and capped") {
  request_parser p;
  auto r = parse_one(p, chunked_request(5, 5, "X-Checksum: 1\r\nHost: evil\r\n"));
  REQUIRE(r.state == request_parser::state::request_ready);
  CHECK(r.request.body == "aaaaa");
  CHECK(r.request.header("x-checksum").empty());
  CHECK(r.request.header("host") == "x");

  request_parser big;
  auto wire = chunked_request(5, 5);
  wire.resize(wire.size() - 2);  // no blank line: the trailer section never ends
  big.feed(wire);
  http_request req;
  http_response err;
  CHECK(big.next(&req, &err) == request_parser::state::need_more);
  auto s = request_parser::state::need_more;
  for (int i = 0; i < 2000 && s == request_parser::state::need_more; ++i) {
    big.feed("X-Pad: " + std::string(20, 'p') + "\r\n");
    s = big.next(&req, &err);
  }
  CHECK(s == request_parser::state::error);
  CHECK(err.status == 431);
}

TEST_CASE("a chunk-size line without end is refused") {
  request_parser p;
  p.feed("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;" +
         std::string(k_max_chunk_line_bytes + 10, 'e'));
  http_request req;
  http_response err;
  CHECK(p.next(&req, &err) == request_parser::state::error);
  CHECK(err.status == 400);
}

TEST_CASE("a bare CR or a bare LF in the head is a 400") {
  int status = 0;
  CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n", &status) == request_parser::state::error);
  CHECK(status == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n", &status) == request_parser::state::error);
  CHECK(status == 400);
  CHECK(status_of("GET / HTTP/1.1\nHost: x\n\n", &status) == request_parser::state::error);
  CHECK(status == 400);
}

TEST_CASE("a NUL or another control character in a header value is a 400") {
  int status = 0;
  using namespace std::string_literals;
  CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n"s, &status) == request_parser::state::error);
  CHECK(status == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01\r\n\r\n"s, &status) == request_parser::state::error);
  CHECK(status == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\tb\r\n\r\n", &status) == request_parser::state::request_ready);
}

TEST_CASE("an HTTP/1.1 request needs exactly one Host, HTTP/1.0 may omit it") {
  request_parser p;
  auto missing = parse_one(p, "GET /v1/group/list HTTP/1.1\r\nAccept: */*\r\n\r\n");
  CHECK(missing.state == request_parser::state::error);
  CHECK(missing.error.status == 400);
  request_parser q;
  CHECK(parse_one(q, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").error.status == 400);
  request_parser old;
  CHECK(parse_one(old, "GET / HTTP/1.0\r\n\r\n").state == request_parser::state::request_ready);
}

TEST_CASE("a request target must be origin-form, '*' for OPTIONS, or absolute-form") {
  int status = 0;
  CHECK(status_of("GET v1/group/list HTTP/1.1\r\n", &status) == request_parser::state::error);
  CHECK(status == 400);
  CHECK(status_of("GET * HTTP/1.1\r\nHost: x\r\n\r\n", &status) == request_parser::state::error);
  CHECK(status_of("CONNECT example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n", &status) ==
        request_parser::state::error);
  CHECK(status_of("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", &status) == request_parser::state::request_ready);
  request_parser p;
  auto absolute = parse_one(p, "GET http://127.0.0.1:8080/v1/group/list?x=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(absolute.state == request_parser::state::request_ready);
  CHECK(absolute.request.path == "/v1/group/list");
  CHECK(absolute.request.query_value("x") == "1");
}

TEST_CASE("the raw path keeps %2F encoded for the router, the path is decoded") {
  request_parser p;
  auto r = parse_one(p, "GET /v1/a%2Fb/job/list HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(r.state == request_parser::state::request_ready);
  CHECK(r.request.raw_path == "/v1/a%2Fb/job/list");
  CHECK(r.request.path == "/v1/a/b/job/list");
}

TEST_CASE("blank lines before a request line are skipped") {
  request_parser p;
  auto r = parse_one(p, "\r\n\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(r.state == request_parser::state::request_ready);
  CHECK(r.request.path == "/a");
  CHECK(p.buffered() == 0);
}

TEST_CASE("only the head is waited for before a 413, not the body") {
  request_parser p(10, 1024);
  auto r = parse_one(p, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n");
  CHECK(r.state == request_parser::state::error);
  CHECK(r.error.status == 413);
  CHECK(r.error.body == "request body larger than 10 bytes (POST /x)\n");
  CHECK(p.refused_path() == "/x");  // the listener shapes its answer by it (Cloudtask's /api)
}

TEST_CASE("a refusal before the request line is read names no path") {
  request_parser p;
  auto r = parse_one(p, "GET /a HTTP/1.1\nHost: x\r\n\r\n");
  CHECK(r.state == request_parser::state::error);
  CHECK(p.refused_path().empty());
}

TEST_CASE("reading_head is true only while a head is partly in") {
  request_parser p;
  CHECK_FALSE(p.reading_head());
  CHECK(parse_one(p, "GET / HTTP/1.1\r\nHo").state == request_parser::state::need_more);
  CHECK(p.reading_head());
  CHECK(parse_one(p, "st: x\r\n\r\n").state == request_parser::state::request_ready);
  CHECK_FALSE(p.reading_head());
  CHECK(parse_one(p, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab").state ==
        request_parser::state::need_more);
  CHECK_FALSE(p.reading_head());  // the body is arriving: the idle timeout applies, not the head's
}

TEST_CASE("how the bytes are split across reads does not change the requests parsed") {
  const std::string stream =
      "\r\nGET /a?x=1 HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
      "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n"
      "GET /d HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
  const std::vector<std::pair<std::string, std::string>> want = {
      {"/a", ""}, {"/b", "hello"}, {"/c", "abcde"}, {"/d", ""}};
  for (std::size_t piece = 1; piece <= stream.size(); ++piece) {
    INFO("reads of " << piece << " bytes");
    request_parser p;
    std::vector<std::pair<std::string, std::string>> got;
    for (std::size_t i = 0; i < stream.size(); i += piece) {
      p.feed(std::string_view(stream).substr(i, piece));
      http_request req;
      http_response err;
      for (auto s = p.next(&req, &err); s != request_parser::state::need_more; s = p.next(&req, &err)) {
        REQUIRE(s == request_parser::state::request_ready);
        got.emplace_back(req.path, req.body);
      }
    }
    CHECK(got == want);
    CHECK(p.buffered() == 0);
  }
}
