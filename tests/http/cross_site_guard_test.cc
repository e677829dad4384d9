// The cross-site guard's rules: which Host and Origin headers a listener answers, how IPv6
// literals, ports, case and trailing dots are read, and what the CORS answers carry.
#include "http/cross_site_guard.h"

#include <catch2/catch.hpp>

using namespace mainspring;
using namespace mainspring::http;

namespace {

constexpr uint16_t k_port = 8080;

http_request request_with(std::vector<std::pair<std::string, std::string>> headers,
                          std::string method = "POST", uint16_t port = k_port) {
  http_request req;
  req.method = std::move(method);
  req.path = req.target = "/v1/add/job";
  req.headers = std::move(headers);
  req.local_port = port;
  return req;
}

cross_site_guard make_guard(cross_site_options options = {}, std::string bind = "127.0.0.1") {
  auto guard = cross_site_guard::make(options, bind);
  REQUIRE(guard.ok());
  return std::move(guard).value();
}

bool allowed(const cross_site_guard& guard, const http_request& req) {
  return guard.check(req).refusal.ok();
}

std::string header_of(const http_response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

}  // namespace

TEST_CASE("an authority is read with its case, trailing dot, brackets and port normalised") {
  auto a = parse_authority("LocalHost.:8080");
  REQUIRE(a.ok());
  CHECK(a->host == "localhost");
  CHECK(a->port == 8080);
  auto v6 = parse_authority("[0:0::1]:80");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 80);
  auto no_port = parse_authority("127.0.0.1");
  REQUIRE(no_port.ok());
  CHECK_FALSE(no_port->port.has_value());
  CHECK(no_port->host == "127.0.0.1");  // an IPv4 literal inet_pton takes is its canonical text
  CHECK(parse_authority("10.200.3.255:9")->host == "10.200.3.255");
  for (const char* bad : {"", ":80", "host:", "host:x", "host:70000", "[::1", "[::1]x", "::1",
                          "[127.0.0.1]:80", "[evil.example]:80", "a b:80", "host:80:80", "[::1]:"})
    CHECK_FALSE(parse_authority(bad).ok());
}

TEST_CASE("an origin is scheme, host and port, with the scheme's default port") {
  auto o = parse_origin("HTTP://Example.COM");
  REQUIRE(o.ok());
  CHECK(o->scheme == "http");
  CHECK(o->host == "example.com");
  CHECK(o->port == 80);
  CHECK(parse_origin("https://ops.example")->port == 443);
  CHECK(parse_origin("http://[::1]:8080/")->to_string() == "http://[::1]:8080");
  CHECK(parse_origin("https://ops.example:443")->to_string() == "https://ops.example");
  for (const char* bad : {"null", "", "ops.example", "ftp://ops.example", "http://", "http://a/b",
                          "http://a?x", "http://user@a", "http://a:99999"})
    CHECK_FALSE(parse_origin(bad).ok());
}

TEST_CASE("loopback hosts are localhost, *.localhost, 127.0.0.0/8 and ::1") {
  for (const char* host : {"localhost", "app.localhost", "127.0.0.1", "127.255.0.9", "::1",
                           "::ffff:127.0.0.1"})
    CHECK(is_loopback_host(host));
  for (const char* host : {"localhost.evil.example", "evil-localhost", "128.0.0.1", "::2",
                           "0.0.0.0", "::", "10.0.0.1", "::ffff:10.0.0.1"})
    CHECK_FALSE(is_loopback_host(host));
}

TEST_CASE("requests without Origin, Sec-Fetch-Site or Host pass: non-browser clients") {
  auto guard = make_guard();
  CHECK(allowed(guard, request_with({})));
  CHECK(allowed(guard, request_with({{"host", "127.0.0.1:8080"}, {"content-type", "text/plain"}})));
  CHECK(allowed(guard, request_with({{"host", "127.0.0.1:8080"}, {"sec-fetch-site", "same-origin"}})));
  CHECK(allowed(guard, request_with({{"host", "127.0.0.1:8080"}, {"sec-fetch-site", "none"}})));
}

TEST_CASE("a loopback listener answers loopback Hosts with its own port or none") {
  auto guard = make_guard();
  for (const char* host : {"127.0.0.1:8080", "localhost:8080", "LOCALHOST.:8080", "[::1]:8080",
                           "[0:0:0:0:0:0:0:1]:8080", "127.0.0.2:8080", "127.0.0.1", "localhost",
                           "[::1]"})
    CHECK(allowed(guard, request_with({{"host", host}})));
  for (const char* host : {"evil.example:8080", "evil.example", "127.0.0.1:9090", "localhost:80",
                           "10.0.0.1:8080", "10.0.0.1", "bad host", "127.0.0.1:",
                           "localhost.evil.example:8080"}) {
    INFO(host);
    auto v = guard.check(request_with({{"host", host}}));
    CHECK(v.refusal.code() == status_code::permission_denied);
  }
  auto on_80 = request_with({{"host", "localhost:80"}}, "GET", 80);
  CHECK(allowed(guard, on_80));
}

TEST_CASE("the refusal of a foreign Host says how to allow it") {
  auto v = make_guard().check(request_with({{"host", "rebind.evil.example:8080"}}));
  CHECK(v.refusal.message().find("rebind.evil.example") != std::string::npos);
  CHECK(v.refusal.message().find("--allowed-host") != std::string::npos);
}

TEST_CASE("the --allowed-host flag lets exactly the names it lists through") {
  auto guard = make_guard({{}, {"sched.example", "ops.example:8443", "[::2]:9000"}});
  CHECK(allowed(guard, request_with({{"host", "sched.example"}})));
  CHECK(allowed(guard, request_with({{"host", "SCHED.example.:443"}})));
  CHECK(allowed(guard, request_with({{"host", "ops.example:8443"}})));
  CHECK(allowed(guard, request_with({{"host", "[::2]:9000"}})));
  CHECK_FALSE(allowed(guard, request_with({{"host", "ops.example:8444"}})));
  CHECK_FALSE(allowed(guard, request_with({{"host", "ops.example"}})));
  CHECK_FALSE(allowed(guard, request_with({{"host", "www.sched.example"}})));
  CHECK_FALSE(allowed(guard, request_with({{"host", "[::2]:9001"}})));
}

TEST_CASE("a listener bound to an address answers that address, a wildcard one any IP literal") {
  auto own = make_guard({}, "192.168.1.5");
  CHECK(allowed(own, request_with({{"host", "192.168.1.5:8080"}})));
  CHECK(allowed(own, request_with({{"host", "localhost:8080"}})));
  CHECK_FALSE(allowed(own, request_with({{"host", "192.168.1.6:8080"}})));
  CHECK_FALSE(allowed(own, request_with({{"host", "evil.example:8080"}})));

  auto v6 = make_guard({}, "[fd00::0:5]");
  CHECK(allowed(v6, request_with({{"host", "[fd00::5]:8080"}})));

  for (const char* wildcard : {"0.0.0.0", "::"}) {
    auto any = make_guard({}, wildcard);
    CHECK(allowed(any, request_with({{"host", "10.1.2.3:8080"}})));
    CHECK(allowed(any, request_with({{"host", "[fd00::7]:8080"}})));
    CHECK_FALSE(allowed(any, request_with({{"host", "10.1.2.3:8081"}})));
    CHECK_FALSE(allowed(any, request_with({{"host", "evil.example:8080"}})));
  }
}

TEST_CASE("an Origin other than the listener's own is refused, null included") {
  auto guard = make_guard();
  for (const char* origin : {"http://evil.example", "null", "http://127.0.0.1:9090",
                             "https://127.0.0.1:8080", "http://localhost:8080", "garbage"}) {
    INFO(origin);
    auto v = guard.check(request_with({{"host", "127.0.0.1:8080"}, {"origin", origin}}));
    CHECK(v.refusal.code() == status_code::permission_denied);
    CHECK(v.allow_origin.empty());
  }
  auto v = guard.check(request_with({{"host", "127.0.0.1:8080"}, {"origin", "http://evil.example"}}));
  CHECK(v.refusal.message().find("--allowed-origin") != std::string::npos);
}

TEST_CASE("the listener's own origin is the Host the client reached") {
  auto guard = make_guard();
  CHECK(allowed(guard, request_with({{"host", "127.0.0.1:8080"}, {"origin", "http://127.0.0.1:8080"}})));
  CHECK(allowed(guard, request_with({{"host", "localhost:8080"}, {"origin", "http://LOCALHOST:8080"}})));
  CHECK(allowed(guard, request_with({{"host", "[::1]:8080"}, {"origin", "http://[::1]:8080"}})));
  // Without a Host there is no own origin to compare with.
  CHECK_FALSE(allowed(guard, request_with({{"origin", "http://127.0.0.1:8080"}})));
}

TEST_CASE("Sec-Fetch-Site cross-site or same-site needs an allowed Origin") {
  auto guard = make_guard({{"http://localhost:3000"}, {}});
  CHECK_FALSE(allowed(guard, request_with({{"host", "127.0.0.1:8080"}, {"sec-fetch-site", "cross-site"}})));
  CHECK_FALSE(allowed(guard, request_with({{"host", "127.0.0.1:8080"}, {"sec-fetch-site", "Same-Site"}})));
  CHECK(allowed(guard, request_with({{"host", "127.0.0.1:8080"},
                                     {"sec-fetch-site", "same-site"},
                                     {"origin", "http://localhost:3000"}})));
}

TEST_CASE("the --allowed-origin flag lets exactly the origins it lists through, with CORS headers") {
  auto guard = make_guard({{"https://ops.example", "http://localhost:3000/"}, {}});
  auto v = guard.check(request_with({{"host", "127.0.0.1:8080"}, {"origin", "https://ops.example:443"}}));
  CHECK(v.refusal.ok());
  CHECK(v.allow_origin == "https://ops.example:443");
  CHECK_FALSE(v.preflight);
  CHECK(allowed(guard, request_with({{"host", "127.0.0.1:8080"}, {"origin", "http://localhost:3000"}})));
  CHECK_FALSE(allowed(guard, request_with({{"host", "127.0.0.1:8080"}, {"origin", "http://ops.example"}})));
  CHECK_FALSE(allowed(guard, request_with({{"host", "127.0.0.1:8080"}, {"origin", "https://ops.example:8443"}})));
  CHECK_FALSE(allowed(guard, request_with({{"host", "127.0.0.1:8080"}, {"origin", "http://localhost:3001"}})));
  // An allowed origin does not excuse a foreign Host.
  CHECK_FALSE(allowed(guard, request_with({{"host", "evil.example:8080"}, {"origin", "https://ops.example"}})));
}

TEST_CASE("a preflight from an allowed origin is answered with the CORS grant") {
  auto guard = make_guard({{"https://ops.example"}, {}});
  auto req = request_with({{"host", "127.0.0.1:8080"},
                           {"origin", "https://ops.example"},
                           {"access-control-request-method", "POST"},
                           {"access-control-request-headers", "content-type, x-api-key"}},
                          "OPTIONS");
  auto v = guard.check(req);
  REQUIRE(v.refusal.ok());
  REQUIRE(v.preflight);
  auto r = cors_preflight_response(req, v.allow_origin);
  CHECK(r.status == 204);
  CHECK(header_of(r, "Access-Control-Allow-Origin") == "https://ops.example");
  CHECK(header_of(r, "Access-Control-Allow-Headers") == "content-type, x-api-key");
  CHECK(header_of(r, "Access-Control-Allow-Methods").find("POST") != std::string::npos);
  CHECK(header_of(r, "Vary") == "Origin");

  auto foreign = req;
  foreign.headers[1].second = "http://evil.example";
  CHECK_FALSE(allowed(guard, foreign));
  // OPTIONS without Access-Control-Request-Method is an ordinary request (ndscheduler resumes
  // jobs with OPTIONS), not a preflight.
  auto plain = request_with({{"host", "127.0.0.1:8080"}, {"origin", "https://ops.example"}}, "OPTIONS");
  CHECK_FALSE(guard.check(plain).preflight);
}

TEST_CASE("an allowed origin replaces the dialect's own Access-Control-Allow-Origin: a browser refuses two") {
  http_response r{200, "application/json", "{}", {{"access-control-allow-origin", "*"}, {"X-Other", "1"}}};
  add_cors_headers(r, "https://ops.example");
  std::size_t grants = 0;
  for (const auto& [name, value] : r.headers)
    if (name == "Access-Control-Allow-Origin" || name == "access-control-allow-origin") ++grants;
  CHECK(grants == 1);
  CHECK(header_of(r, "Access-Control-Allow-Origin") == "https://ops.example");
  CHECK(header_of(r, "X-Other") == "1");
}

TEST_CASE("bad --allowed-origin and --allowed-host values are refused with the flag's name") {
  auto origin = cross_site_guard::make({{"ops.example"}, {}}, "127.0.0.1");
  REQUIRE_FALSE(origin.ok());
  CHECK(origin.status().message().find("--allowed-origin") != std::string::npos);
  auto host = cross_site_guard::make({{}, {"bad host"}}, "127.0.0.1");
  REQUIRE_FALSE(host.ok());
  CHECK(host.status().message().find("--allowed-host") != std::string::npos);
  CHECK_FALSE(cross_site_guard::make({{"*"}, {}}, "127.0.0.1").ok());
}
