// Tests for the day rules of core/cron_expression.h that no cron text sets (the month's last day,
// weekdays in the month, ISO weeks; APScheduler's, see core/apscheduler_cron.h): a few fixed cases,
// and random field sets against a brute-force oracle that walks the calendar a day at a time and
// computes ISO weeks with the ordinal-date formula rather than from Thursdays. Cron patterns are
// tested through parse_schedule in schedule_test.cc and schedule_oracle_test.cc.
#include "core/cron_expression.h"

#include <catch2/catch.hpp>

#include <cstdio>

#include <random>
#include <string>
#include <vector>

namespace mainspring {
namespace {

using std::chrono::days;
using std::chrono::local_days;
using std::chrono::local_seconds;
using fields = cron_expression::field_sets;

constexpr uint64_t k_every_second = (uint64_t{1} << 60) - 1;
constexpr uint32_t k_every_day = 0xFFFFFFFEu;

local_seconds at(int y, unsigned m, unsigned d, unsigned h = 0) {
  return local_days{std::chrono::year{y} / m / d} + std::chrono::hours{h};
}

std::string text(std::optional<local_seconds> t) {
  if (!t) return "none";
  const local_days d = std::chrono::floor<days>(*t);
  const std::chrono::year_month_day ymd{d};
  const std::chrono::hh_mm_ss<std::chrono::seconds> tod{*t - d};
  char out[64];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u %02ld:%02ld:%02ld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(tod.hours().count()), static_cast<long>(tod.minutes().count()),
                static_cast<long>(tod.seconds().count()));
  return out;
}

// Midnight every day of every month (narrowed by each test), day_rule::both.
fields midnight() {
  fields f;
  f.seconds = 1;
  f.minutes = 1;
  f.hours = 1;
  f.days_of_month = k_every_day;
  f.months = 0x1FFE;
  f.days_of_week = 0x7F;
  return f;
}

// The first `count` matches from `from` on, each after the one before, within 10 years.
std::vector<std::string> matches(const fields& f, local_seconds from, int count) {
  const cron_expression e(f);
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    const std::optional<local_seconds> t = e.next_match(from, from + days{3660});
    out.push_back(text(t));
    if (!t) break;
    from = *t + std::chrono::seconds{1};
  }
  return out;
}

using list = std::vector<std::string>;

TEST_CASE("weekday_in_month picks the nth or the last such weekday of each month") {
  fields f = midnight();
  f.days_of_month = 0;
  f.weekdays_in_month = {{2, 5}};  // the 2nd Friday
  CHECK(matches(f, at(2026, 1, 1), 3) == list{"2026-01-09 00:00:00", "2026-02-13 00:00:00", "2026-03-13 00:00:00"});
  f.weekdays_in_month = {{cron_expression::k_last_in_month, 0}};  // the last Sunday
  CHECK(matches(f, at(2026, 1, 1), 3) == list{"2026-01-25 00:00:00", "2026-02-22 00:00:00", "2026-03-29 00:00:00"});
  f.weekdays_in_month = {{5, 1}};  // a 5th Monday: only some months have one
  CHECK(matches(f, at(2026, 1, 1), 3) == list{"2026-03-30 00:00:00", "2026-06-29 00:00:00", "2026-08-31 00:00:00"});
  f.weekdays_in_month = {{1, 1}, {3, 1}};  // 1st and 3rd Monday
  CHECK(matches(f, at(2026, 3, 1), 3) == list{"2026-03-02 00:00:00", "2026-03-16 00:00:00", "2026-04-06 00:00:00"});
}

TEST_CASE("last_day_of_month adds each month's last day, leap Februaries included") {
  fields f = midnight();
  f.days_of_month = uint32_t{1} << 15;
  f.last_day_of_month = true;
  CHECK(matches(f, at(2028, 1, 20), 4) ==
        list{"2028-01-31 00:00:00", "2028-02-15 00:00:00", "2028-02-29 00:00:00", "2028-03-15 00:00:00"});
}

TEST_CASE("the extra days are day-of-month matches, combined with the weekdays by day_rule") {
  fields f = midnight();
  f.days_of_month = 0;
  f.last_day_of_month = true;
  f.days_of_week = 1 << 5;  // Friday
  // both: the last day of a month that is a Friday (2026-07-31).
  CHECK(matches(f, at(2026, 1, 1), 1) == list{"2026-07-31 00:00:00"});
  // either: any Friday or any month's last day.
  f.days = cron_expression::day_rule::either;
  CHECK(matches(f, at(2026, 1, 27), 3) == list{"2026-01-30 00:00:00", "2026-01-31 00:00:00", "2026-02-06 00:00:00"});
}

TEST_CASE("iso_weeks keeps only days in those ISO weeks, which cross new year") {
  fields f = midnight();
  f.iso_weeks = uint64_t{1} << 1;
  // ISO week 1 of 2026 is Mon 2025-12-29 to Sun 2026-01-04; of 2027, Mon 2027-01-04 onwards.
  CHECK(matches(f, at(2025, 12, 1), 2) == list{"2025-12-29 00:00:00", "2025-12-30 00:00:00"});
  CHECK(matches(f, at(2026, 1, 4), 2) == list{"2026-01-04 00:00:00", "2027-01-04 00:00:00"});
  f.iso_weeks = uint64_t{1} << 53;  // only years with 53 weeks: 2026 (Dec 28 - Jan 3), then 2032
  CHECK(matches(f, at(2026, 1, 1), 1) == list{"2026-12-28 00:00:00"});
  CHECK(matches(f, at(2027, 1, 3), 2) == list{"2027-01-03 00:00:00", "2032-12-27 00:00:00"});
  // AND-ed with the day of month: the 1st of a month in week 53 is 2027-01-01.
  f.days_of_month = uint32_t{1} << 1;
  CHECK(matches(f, at(2026, 6, 1), 1) == list{"2027-01-01 00:00:00"});
}

// -- the oracle --

int weeks_in_iso_year(int y) {
  auto p = [](int x) { return (x + x / 4 - x / 100 + x / 400) % 7; };
  return p(y) == 4 || p(y - 1) == 3 ? 53 : 52;
}

// ISO 8601 week number from the ordinal date: (ordinal - weekday + 10) / 7, carried over years.
int iso_week(local_days d) {
  const std::chrono::year_month_day ymd{d};
  const int y = static_cast<int>(ymd.year());
  const int ordinal = static_cast<int>((d - local_days{ymd.year() / 1 / 1}).count()) + 1;
  const int weekday = static_cast<int>(std::chrono::weekday{d}.iso_encoding());
  const int w = (ordinal - weekday + 10) / 7;
  if (w < 1) return weeks_in_iso_year(y - 1);
  if (w > weeks_in_iso_year(y)) return 1;
  return w;
}

bool day_matches(const fields& f, local_days d) {
  const std::chrono::year_month_day ymd{d};
  const auto dom = static_cast<unsigned>(ymd.day());
  const auto month = static_cast<unsigned>(ymd.month());
  const auto month_days = static_cast<unsigned>(std::chrono::year_month_day_last{ymd.year() / ymd.month() / std::chrono::last}.day());
  const auto weekday = std::chrono::weekday{d}.c_encoding();
  if (!(f.months >> month & 1)) return false;
  if (f.iso_weeks != 0 && !(f.iso_weeks >> iso_week(d) & 1)) return false;
  bool by_day = (f.days_of_month >> dom & 1) || (f.last_day_of_month && dom == month_days);
  for (const cron_expression::weekday_in_month& w : f.weekdays_in_month) {
    if (static_cast<unsigned>(w.weekday) != weekday) continue;
    const bool last = dom + 7 > month_days;
    if (w.nth == cron_expression::k_last_in_month ? last : static_cast<int>((dom - 1) / 7 + 1) == w.nth) by_day = true;
  }
  const bool by_weekday = f.days_of_week >> weekday & 1;
  return f.days == cron_expression::day_rule::either ? (by_day || by_weekday) : (by_day && by_weekday);
}

// The first match at or after `from` and before `limit`, a day at a time.
std::optional<local_seconds> oracle(const fields& f, local_seconds from, local_seconds limit) {
  for (local_days d = std::chrono::floor<days>(from); d < limit; d += days{1}) {
    if (!day_matches(f, d)) continue;
    for (unsigned h = 0; h < 24; ++h) {
      if (!(f.hours >> h & 1)) continue;
      for (unsigned m = 0; m < 60; ++m) {
        if (!(f.minutes >> m & 1)) continue;
        for (unsigned s = 0; s < 60; ++s) {
          if (!(f.seconds >> s & 1)) continue;
          const local_seconds t = d + std::chrono::hours{h} + std::chrono::minutes{m} + std::chrono::seconds{s};
          if (t >= from) return t < limit ? std::optional<local_seconds>{t} : std::nullopt;
        }
      }
    }
  }
  return std::nullopt;
}

TEST_CASE("random field sets with the extra day rules match a day-by-day oracle") {
  std::mt19937_64 rng(20260304);
  auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  auto sparse = [&](int bits, int percent) {
    uint64_t v = 0;
    for (int b = 0; b < bits; ++b) {
      if (chance(percent)) v |= uint64_t{1} << b;
    }
    return v != 0 ? v : uint64_t{1} << (rng() % static_cast<uint64_t>(bits));
  };
  int found = 0;
  for (int i = 0; i < 3000; ++i) {
    fields f;
    f.seconds = chance(50) ? 1 : sparse(60, 5);
    f.minutes = chance(50) ? 1 : sparse(60, 5);
    f.hours = static_cast<uint32_t>(sparse(24, 20));
    f.months = static_cast<uint16_t>(chance(50) ? 0x1FFE : sparse(12, 40) << 1);
    f.days_of_week = static_cast<uint8_t>(chance(40) ? 0x7F : sparse(7, 40));
    f.days_of_month = chance(30) ? 0 : static_cast<uint32_t>(sparse(31, 10) << 1);
    f.last_day_of_month = chance(30);
    const int named = static_cast<int>(rng() % 3);
    for (int k = 0; k < named; ++k) {
      const int nth = static_cast<int>(rng() % 6);
      f.weekdays_in_month.push_back({nth == 5 ? cron_expression::k_last_in_month : nth + 1, static_cast<int>(rng() % 7)});
    }
    if (f.days_of_month == 0 && !f.last_day_of_month && f.weekdays_in_month.empty()) f.last_day_of_month = true;
    f.iso_weeks = chance(50) ? 0 : sparse(53, 30) << 1;
    f.days = chance(70) ? cron_expression::day_rule::both : cron_expression::day_rule::either;
    const cron_expression e(f);
    const local_seconds from = at(2024, 1, 1) + std::chrono::seconds{rng() % (uint64_t{8} * 365 * 86400)};
    const local_seconds limit = from + days{3 * 366};
    const std::optional<local_seconds> want = oracle(f, from, limit);
    INFO("case " << i << " from " << text(from));
    REQUIRE(text(e.next_match(from, limit)) == text(want));
    if (want) ++found;
  }
  CHECK(found > 1000);  // most cases fire, so the comparison is not all "none"
}

}  // namespace
}  // namespace mainspring
