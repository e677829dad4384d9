// Tests for core/schedule_cache.h: sharing, errors, zones, sweeping, and use from many threads.
#include "core/schedule_cache.h"

#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

namespace mainspring {
namespace {

TEST_CASE("jobs asking for the same pattern in the same zone share one parsed schedule") {
  schedule_cache cache;
  auto a = cache.get("@every 1h", "UTC");
  auto b = cache.get("@every 1h", "UTC");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->get() == b->get());
  CHECK((*a)->sched.get_kind() == schedule::kind::every);
  CHECK((*a)->sched.interval() == std::chrono::hours(1));
  CHECK((*a)->zone.is_utc());
}

TEST_CASE("the same pattern in two zones gives two schedules, each with its zone") {
  schedule_cache cache;
  auto utc = cache.get("0 0 9 * * *", "");
  auto berlin = cache.get("0 0 9 * * *", "Europe/Berlin");
  REQUIRE(utc.ok());
  REQUIRE(berlin.ok());
  CHECK(utc->get() != berlin->get());
  CHECK((*berlin)->zone.name() == "Europe/Berlin");
  // 09:00 in Berlin in winter is 08:00 UTC.
  sys_ms after{std::chrono::sys_days{std::chrono::year{2026} / 1 / 15}};
  auto next = (*berlin)->sched.next_after(after, (*berlin)->zone);
  REQUIRE(next);
  CHECK(*next == after + std::chrono::hours(8));
}

TEST_CASE("a bad pattern or an unknown zone gives the parser's own error and is not cached") {
  schedule_cache cache;
  auto bad = cache.get("0 0 24 * * *", "UTC");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == status_code::invalid_argument);
  CHECK(bad.status().message().rfind("interval_pattern:", 0) == 0);
  auto zone = cache.get("@hourly", "Mars/Base");
  REQUIRE_FALSE(zone.ok());
  CHECK(zone.status().message() == "timezone: unknown time zone: Mars/Base");
  CHECK(cache.size() == 0);
}

TEST_CASE("a schedule nobody holds any more is parsed afresh and eventually swept away") {
  schedule_cache cache;
  const zoned_schedule* first = nullptr;
  {
    auto s = cache.get("@at 2030-01-01T00:00:00Z", "UTC");
    REQUIRE(s.ok());
    first = s->get();
    CHECK((*s)->sched.get_kind() == schedule::kind::at);
  }
  auto again = cache.get("@at 2030-01-01T00:00:00Z", "UTC");
  REQUIRE(again.ok());
  CHECK((*again)->sched.get_kind() == schedule::kind::at);
  (void)first;  // the address may or may not be reused: only the value is promised

  // Thousands of one-shots that are dropped at once do not pile up in the cache.
  for (int i = 0; i < 5000; ++i) {
    auto s = cache.get("@every " + std::to_string(i + 1) + "s", "UTC");
    REQUIRE(s.ok());
  }
  CHECK(cache.size() < 2100);
}

TEST_CASE("threads asking for the same patterns concurrently all get equal, valid schedules") {
  schedule_cache cache;
  std::vector<std::shared_ptr<const zoned_schedule>> got(4 * 200);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto s = cache.get(i % 2 ? "@every 5m" : "*/10 * * * * *", i % 3 ? "UTC" : "Asia/Tokyo");
        if (s.ok()) got[t * 200 + i] = std::move(s).value();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int i = 0; i < 4 * 200; ++i) {
    REQUIRE(got[i]);
    int k = i % 200;
    CHECK(got[i]->sched.get_kind() == (k % 2 ? schedule::kind::every : schedule::kind::cron));
    CHECK(got[i]->zone.name() == (k % 3 ? "UTC" : "Asia/Tokyo"));
  }
  CHECK(cache.size() == 4);
}

}  // namespace
}  // namespace mainspring
