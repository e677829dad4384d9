// server_status: Cronicle's `status` answer from what the process knows of itself.
#include "http/cronicle/server_status.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/time_types.h"

using namespace mainspring;
using namespace mainspring::http::cronicle;
using nlohmann::json;

namespace {

server_facts facts() {
  server_facts f;
  f.version = "1.2.3";
  f.hostname = "host-1";
  f.ip = "10.0.0.5";
  f.pid = 4242;
  f.now_ms = 1'700'000'130'500;
  f.started_ms = 1'700'000'000'000;
  f.clock_pass_ms = 1'700'000'130'250;
  f.cpu_user_us = 1500;
  f.cpu_system_us = 700;
  f.rss_bytes = 12'345'678;
  return f;
}

std::string header(const mainspring::http::http_response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

}  // namespace

TEST_CASE("status answers Cronicle's fields: times in seconds, the clock's last pass as the tick") {
  auto r = status_response(facts());
  CHECK(r.status == 200);
  json body = json::parse(r.body);
  CHECK(body["code"] == 0);
  CHECK(body["version"] == "1.2.3");
  CHECK(body["hostname"] == "host-1");
  CHECK(body["ip"] == "10.0.0.5");
  CHECK(body["pid"] == 4242);
  CHECK(body["now"].get<double>() == Approx(1'700'000'130.5));
  CHECK(body["uptime"] == 130);
  CHECK(body["last_tick"].get<double>() == Approx(1'700'000'130.25));
  CHECK(body["tick_age"].get<double>() == Approx(0.25));
  CHECK(body["cpu"] == json{{"user", 1500}, {"system", 700}});
  CHECK(body["mem"] == json{{"rss", 12'345'678}});
  CHECK_FALSE(body.contains("node"));  // no Node to name
}

TEST_CASE("status is never cached, as Cronicle's forceNoCacheResponse") {
  auto r = status_response(facts());
  CHECK(header(r, "Cache-Control") == "no-cache, no-store, must-revalidate, proxy-revalidate");
  CHECK(header(r, "Expires") == "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST_CASE("a stuck clock shows in tick_age, and before its first pass the tick is now") {
  server_facts stuck = facts();
  stuck.clock_pass_ms = stuck.now_ms - 75'000;
  CHECK(json::parse(status_response(stuck).body)["tick_age"].get<double>() == Approx(75.0));

  server_facts fresh = facts();
  fresh.clock_pass_ms = 0;
  json body = json::parse(status_response(fresh).body);
  CHECK(body["last_tick"].get<double>() == Approx(1'700'000'130.5));
  CHECK(body["tick_age"].get<double>() == 0.0);

  server_facts unknown_start = facts();
  unknown_start.started_ms = 0;
  CHECK(json::parse(status_response(unknown_start).body)["uptime"] == 0);
}

TEST_CASE("read_server_facts reads this process") {
  const int64_t before = to_unix_ms(now_ms());
  server_facts f = read_server_facts("v", "h", 77);
  CHECK(f.version == "v");
  CHECK(f.hostname == "h");
  CHECK(f.clock_pass_ms == 77);
  CHECK(f.pid == static_cast<int64_t>(getpid()));
  CHECK(f.now_ms >= before);
  CHECK(f.started_ms > 0);
  CHECK(f.started_ms <= f.now_ms);
  CHECK(f.rss_bytes > 0);
  CHECK(f.cpu_user_us + f.cpu_system_us > 0);
  CHECK_FALSE(f.ip.empty());
}

TEST_CASE("get_servers lists this server as Cronicle's master, its CPU as ps's lifetime percent") {
  json servers = servers_json(facts());
  REQUIRE(servers.size() == 1);
  json self = servers["host-1"];
  CHECK(self["hostname"] == "host-1");
  CHECK(self["ip"] == "10.0.0.5");
  CHECK(self["master"] == 1);
  CHECK(self["disabled"] == 0);
  CHECK(self["uptime"] == 130);
  // 2,200 us of CPU over 130.5 s alive: 0.0017%, shown with one decimal as ps does.
  CHECK(self["data"]["cpu"].get<double>() == 0.0);
  CHECK(self["data"]["mem"] == 12'345'678);

  server_facts busy = facts();
  busy.cpu_user_us = 60'000'000;  // a minute of CPU over 130.5 s: 46.0%
  busy.cpu_system_us = 0;
  CHECK(servers_json(busy)["host-1"]["data"]["cpu"].get<double>() == Approx(46.0));
}
