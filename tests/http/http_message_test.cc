#include "http/http_message.h"

#include <catch2/catch.hpp>

using namespace mainspring::http;

namespace {

http_response sample(std::string body) {
  auto r = http_response::json(201, std::move(body));
  r.headers.emplace_back("Location", "/v1/x");
  return r;
}

}  // namespace

TEST_CASE("serialize_response writes the status line, headers, a blank line and the body") {
  auto bytes = serialize_response(sample(R"({"a":1})"), true);
  CHECK(bytes ==
        "HTTP/1.1 201 Created\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: 7\r\n"
        "Location: /v1/x\r\n\r\n{\"a\":1}");
  auto closing = serialize_response(sample("{}"), false);
  CHECK(closing.find("\r\nConnection: close\r\n") != std::string::npos);
  // HEAD: the length of the body it would have had, and no body.
  auto head = serialize_response(sample("{}"), true, true);
  CHECK(head.find("Content-Length: 2\r\n") != std::string::npos);
  CHECK(head.substr(head.size() - 4) == "\r\n\r\n");
}

TEST_CASE("a response's own reason phrase is sent as printable ASCII, bounded, never breaking the line") {
  http_response r = http_response::json(400, "{}");
  r.reason = "Require this parameter: name";
  CHECK(serialize_response(r, true).rfind("HTTP/1.1 400 Require this parameter: name\r\n", 0) == 0);
  r.reason = "a\r\nSet-Cookie: x=1\xc3\xa9";
  CHECK(serialize_response(r, true).rfind("HTTP/1.1 400 a??Set-Cookie: x=1??\r\nContent-Type", 0) == 0);
  r.reason = std::string(1000, 'x');
  CHECK(serialize_response(r, true).rfind("HTTP/1.1 400 " + std::string(k_max_reason_phrase_bytes, 'x') + "\r\n", 0) == 0);
}

TEST_CASE("serialize_response from a body it may take writes the same bytes as from one it copies") {
  for (std::string body : {std::string(), std::string("{}"), std::string(3 * 1024 * 1024, 'x')}) {
    for (bool keep_alive : {true, false}) {
      for (bool head_only : {false, true}) {
        const http_response kept = sample(body);
        http_response taken = sample(body);
        taken.body.reserve(body.size() + 4096);  // room to spare, as a list's body has
        CHECK(serialize_response(std::move(taken), keep_alive, head_only) ==
              serialize_response(kept, keep_alive, head_only));
      }
    }
  }
}

TEST_CASE("an HTTP date is RFC 9110's IMF-fixdate, as Go's http.TimeFormat writes it") {
  CHECK(http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(http_date(951782400) == "Tue, 29 Feb 2000 00:00:00 GMT");
  CHECK(http_date(4102444799) == "Thu, 31 Dec 2099 23:59:59 GMT");
}

TEST_CASE("redirects have their reason phrases") {
  CHECK(std::string(reason_phrase(301)) == "Moved Permanently");
  CHECK(std::string(reason_phrase(307)) == "Temporary Redirect");
  CHECK(std::string(reason_phrase(308)) == "Permanent Redirect");
}
