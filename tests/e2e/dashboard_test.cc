// End to end: the web dashboard's routes against the real server: the overview (GET /v1/stats)
// after some runs, the schedule preview, the UI assets and their headers, the / redirect, and
// the dashboard under --require-api-key.
#include <catch2/catch.hpp>

#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"

using namespace mainspring::e2e;

namespace {

json noop_job(const std::string& group, const std::string& name, const std::string& pattern) {
  return {{"group_name", group}, {"name", name}, {"interval_pattern", pattern}, {"request_url", "NOOP@"},
          {"exec_time", 0}, {"timeout", 10}};
}

void check_ui_headers(const http_response& r) {
  CHECK(r.header("content-security-policy").find("default-src 'self'") != std::string::npos);
  CHECK(r.header("content-security-policy").find("frame-ancestors 'none'") != std::string::npos);
  CHECK(r.header("content-security-policy").find("unsafe-inline") == std::string::npos);
  CHECK(r.header("x-content-type-options") == "nosniff");
}

}  // namespace

TEST_CASE("GET /v1/stats counts jobs by state and runs and failures and lateness after some runs") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  std::string ok_id = api.add_job(noop_job("G", "ticker", "@every 1s"));
  std::string bad = api.add_job({{"group_name", "G"}, {"name", "failing"}, {"interval_pattern", "@every 1s"},
                                 {"request_url", ""}, {"exec_command", "exit 3"}, {"exec_time", 0}, {"timeout", 10}});
  std::string paused = api.add_job(noop_job("G", "idle", "@daily"));
  api.post_ok("/v1/pause/job", {{"group_name", "G"}, {"job_id", paused}});
  REQUIRE(eventually([&] { return api.detail("G", bad)["counts"]["failures"] >= 2; }));
  REQUIRE(eventually([&] { return api.detail("G", ok_id)["counts"]["runs"] >= 2; }));

  json s = api.success(api.client.get("/v1/stats"));
  CHECK(s["groups"] == 1);
  CHECK(s["jobs"]["active"] == 2);
  CHECK(s["jobs"]["paused"] == 1);
  CHECK(s["jobs"]["total"] == 3);
  CHECK(s["runs"].contains("in_flight"));
  CHECK(s["runs"].contains("queued"));
  CHECK(s["nodes"]["up"] == 0);
  CHECK(s["nodes"]["down"] == 0);
  for (const char* w : {"last_minute", "last_hour"}) {
    INFO(w << ": " << s[w].dump());
    CHECK(s[w]["runs"] >= 4);
    CHECK(s[w]["failures"] >= 2);
    CHECK(s[w]["runs_per_s"] > 0);
    CHECK(s[w]["storage_commits"] >= 1);
    REQUIRE(s[w]["lateness_p99_s"].is_number());
    CHECK(s[w]["lateness_p50_s"] <= s[w]["lateness_p99_s"]);
    CHECK(s[w]["lateness_p99_s"] < 5.0);
  }
  CHECK(s["slot_ms"] == 10000);
  REQUIRE(s["slots"].is_array());
  REQUIRE(!s["slots"].empty());
  CHECK(s["slots"].back()["to_ms"] == s["time_ms"]);
}

TEST_CASE("GET /v1/schedule/preview answers the next fires of a pattern in a zone and 400 for a bad one") {
  server_process server({"--timezone", "Europe/Berlin"});
  native_api api(server.base_url());
  // 09:30 on weekdays in Berlin, from the schedule (exec_time -1): never a weekend, always 08:30
  // or 07:30 UTC.
  json p = api.success(api.client.get("/v1/schedule/preview?pattern=0%2030%209%20*%20*%20MON-FRI&exec_time=-1&count=7"));
  CHECK(p["timezone"] == "Europe/Berlin");  // the server's --timezone without ?tz=
  REQUIRE(p["fires"].size() == 7);
  int64_t previous = 0;
  for (std::size_t i = 0; i < 7; ++i) {
    int64_t ms = p["fires"][i];
    CHECK(ms > previous);
    previous = ms;
    std::string text = p["fires_rfc3339"][i];
    INFO(text);
    CHECK((text.find("T08:30:00") != std::string::npos || text.find("T07:30:00") != std::string::npos));
    int64_t day = (ms / 86'400'000 + 4) % 7;  // 1970-01-01 was a Thursday (4); 0 = Sunday
    CHECK((day >= 1 && day <= 5));
  }
  // @every from an explicit first run, in UTC.
  json e = api.success(api.client.get("/v1/schedule/preview?pattern=%40every%2090s&exec_time=4102444800&count=3&tz=UTC"));
  CHECK(e["fires"] == json::array({4102444800000, 4102444890000, 4102444980000}));
  // @once fires once.
  json once = api.success(api.client.get("/v1/schedule/preview?pattern=%40once&exec_time=4102444800&count=5"));
  CHECK(once["fires"] == json::array({4102444800000}));

  auto bad = api.client.get("/v1/schedule/preview?pattern=0%2030%2025%20*%20*%20*");
  CHECK(bad.status == 400);
  CHECK(bad.json()["error"] == "interval_pattern: field 3 (hour) out of range 0-23: 25");
  auto zone = api.client.get("/v1/schedule/preview?pattern=%40daily&tz=Mars/Olympus");
  CHECK(zone.status == 400);
  CHECK(zone.json()["error"].get<std::string>().rfind("timezone:", 0) == 0);
  CHECK(api.client.get("/v1/schedule/preview?pattern=%40daily&count=0").status == 400);
  CHECK(api.client.get("/v1/schedule/preview?pattern=%40daily&count=101").status == 400);
  CHECK(api.client.get("/v1/schedule/preview").status == 400);
}

TEST_CASE("the dashboard is served at /ui/ with a strict CSP and / sends browsers there") {
  server_process server;
  http_client c(server.base_url());
  auto browser = c.request("GET", "/", std::nullopt, "", {"Accept: text/html,application/xhtml+xml"});
  CHECK(browser.status == 302);
  CHECK(browser.header("location") == "/ui/");
  auto api_client = c.request("GET", "/", std::nullopt, "", {"Accept: application/json"});
  CHECK(api_client.status == 404);
  CHECK(api_client.json().contains("error"));
  CHECK(c.get("/ui").status == 302);

  auto index = c.get("/ui/");
  REQUIRE(index.status == 200);
  CHECK(index.header("content-type") == "text/html; charset=utf-8");
  CHECK(index.body.find("<script type=\"module\" src=\"app.js\"") != std::string::npos);
  CHECK(index.body.find("<style") == std::string::npos);  // no inline style: the CSP forbids it
  check_ui_headers(index);
  CHECK(index.header("cache-control") == "no-cache");
  std::string etag = index.header("etag");
  REQUIRE(!etag.empty());
  auto again = c.request("GET", "/ui/", std::nullopt, "", {"If-None-Match: " + etag});
  CHECK(again.status == 304);
  CHECK(again.body.empty());

  auto js = c.get("/ui/app.js");
  REQUIRE(js.status == 200);
  CHECK(js.header("content-type") == "text/javascript; charset=utf-8");
  check_ui_headers(js);
  auto css = c.get("/ui/app.css");
  REQUIRE(css.status == 200);
  CHECK(css.header("content-type") == "text/css; charset=utf-8");

  auto missing = c.get("/ui/nope.js");
  CHECK(missing.status == 404);
  CHECK(missing.json().contains("error"));
  check_ui_headers(missing);
  CHECK(c.get("/ui/..%2Fserver.cc").status == 404);
  CHECK(c.request("POST", "/ui/app.js", std::string("x"), "text/plain").status == 405);
}

TEST_CASE("with --require-api-key the dashboard's files are open and its API calls want a key") {
  server_process server({"--require-api-key"});
  http_client c(server.base_url());
  CHECK(c.get("/ui/").status == 200);
  CHECK(c.get("/ui/app.js").status == 200);
  CHECK(c.get("/v1/stats").status == 401);
  CHECK(c.get("/v1/schedule/preview?pattern=%40daily").status == 401);
  auto boot = c.request("POST", "/v1/apikeys/bootstrap", std::string(""), "application/json");
  REQUIRE(boot.status == 200);
  std::string key = boot.json()["success"]["key"];
  auto stats = c.request("GET", "/v1/stats", std::nullopt, "", {"X-API-Key: " + key});
  CHECK(stats.status == 200);
}

TEST_CASE("a browser page of another origin cannot drive the API while the dashboard origin can") {
  server_process server;
  http_client c(server.base_url());
  std::string own = "Origin: http://127.0.0.1:" + std::to_string(server.port());
  CHECK(c.request("GET", "/v1/stats", std::nullopt, "", {own, "Sec-Fetch-Site: same-origin"}).status == 200);
  CHECK(c.request("POST", "/v1/register/group", std::string(R"({"group_name":"G"})"), "application/json",
                  {"Origin: http://evil.example", "Sec-Fetch-Site: cross-site"}).status == 403);
  CHECK(c.request("POST", "/v1/register/group", std::string(R"({"group_name":"G"})"), "application/json",
                  {own, "Sec-Fetch-Site: same-origin"}).status == 200);
}
