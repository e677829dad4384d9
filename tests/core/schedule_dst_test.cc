// Tests for the DST rules of core/schedule.h, in America/New_York and Europe/Berlin:
// a matching wall-clock time inside a spring-forward gap fires once, at the transition; one that
// occurs twice at fall-back fires once, at its first occurrence; @every ignores DST.
//
// 2026 transitions used below:
//   New York: Mar 8 02:00 EST -> 03:00 EDT at 07:00Z;  Nov 1 02:00 EDT -> 01:00 EST at 06:00Z.
//   Berlin:   Mar 29 02:00 CET -> 03:00 CEST at 01:00Z; Oct 25 03:00 CEST -> 02:00 CET at 01:00Z.
#include "core/schedule.h"

#include <catch2/catch.hpp>
#include <date/date.h>

#include <cstdio>
#include <vector>

namespace mainspring {
namespace {

using std::chrono::milliseconds;

sys_ms instant(std::string_view iso) {
  int y, mo, d, h, mi, s;
  const std::string text(iso);
  REQUIRE(std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &s) == 6);
  return sys_ms{std::chrono::sys_days{std::chrono::year{y} / mo / d}} + std::chrono::hours{h} +
         std::chrono::minutes{mi} + std::chrono::seconds{s};
}

std::string iso(std::optional<sys_ms> t) {
  if (!t) return "never";
  std::string out = date::format("%FT%T", *t);
  if (out.size() > 19 && out.substr(19) == ".000") out.resize(19);
  return out + "Z";
}

time_zone zone(std::string_view name) {
  status_or<time_zone> z = time_zone::find(name);
  REQUIRE(z.ok());
  return *z;
}

// The first `count` fires of `pattern` in `zone_name` strictly after `after`, chained.
std::vector<std::string> fires(std::string_view pattern, std::string_view zone_name,
                               std::string_view after, int count) {
  status_or<schedule> s = parse_schedule(pattern);
  REQUIRE(s.ok());
  const time_zone z = zone(zone_name);
  std::vector<std::string> out;
  std::optional<sys_ms> t = instant(after);
  for (int i = 0; i < count && t; ++i) {
    t = s->next_after(*t, z);
    out.push_back(iso(t));
  }
  return out;
}

using list = std::vector<std::string>;

TEST_CASE("New York: a daily time inside the spring-forward gap fires once, at 03:00 EDT") {
  // 2026-03-08 02:30 does not exist: fires at 03:00 EDT (07:00Z); the next day 02:30 EDT again.
  CHECK(fires("0 30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", 3) ==
        list{"2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"});
  // The day before the gap 02:30 is EST.
  CHECK(fires("0 30 2 * * *", "America/New_York", "2026-03-06T12:00:00Z", 1) ==
        list{"2026-03-07T07:30:00Z"});
}

TEST_CASE("New York: several matching times in one gap still fire once") {
  CHECK(fires("0 */15 2 * * *", "America/New_York", "2026-03-08T06:00:00Z", 2) ==
        list{"2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z"});
  // Every second: 01:59:59 EST, then the gap, then 03:00:00 EDT, once.
  CHECK(fires("* * * * * *", "America/New_York", "2026-03-08T06:59:58Z", 3) ==
        list{"2026-03-08T06:59:59Z", "2026-03-08T07:00:00Z", "2026-03-08T07:00:01Z"});
  // 03:00 itself matches and the gap does not: one fire at the transition.
  CHECK(fires("0 0 3 * * *", "America/New_York", "2026-03-08T00:00:00Z", 2) ==
        list{"2026-03-08T07:00:00Z", "2026-03-09T07:00:00Z"});
  // A gap that matches only on Sundays: 2026-03-08 is one.
  CHECK(fires("0 30 2 * * SUN", "America/New_York", "2026-03-01T12:00:00Z", 2) ==
        list{"2026-03-08T07:00:00Z", "2026-03-15T06:30:00Z"});
}

TEST_CASE("New York: a time repeated at fall-back fires once, at its first occurrence") {
  // 2026-11-01 01:30 happens at 05:30Z (EDT) and 06:30Z (EST): only the first fires, and the
  // next fire is the next day's 01:30 EST.
  CHECK(fires("0 30 1 * * *", "America/New_York", "2026-11-01T04:00:00Z", 2) ==
        list{"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"});
  // Asked from inside the second pass, it still does not fire there.
  CHECK(fires("0 30 1 * * *", "America/New_York", "2026-11-01T06:10:00Z", 1) ==
        list{"2026-11-02T06:30:00Z"});
  CHECK(fires("0 0,30 1 * * *", "America/New_York", "2026-11-01T04:00:00Z", 3) ==
        list{"2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:00:00Z"});
  // Wall-clock times after the repeated hour are unique again: 02:00 EST is 07:00Z.
  CHECK(fires("0 0 2 * * *", "America/New_York", "2026-11-01T04:00:00Z", 1) ==
        list{"2026-11-01T07:00:00Z"});
}

TEST_CASE("New York: a sub-hourly pattern is silent during the repeated hour's second pass") {
  CHECK(fires("0 */20 * * * *", "America/New_York", "2026-11-01T05:30:00Z", 3) ==
        list{"2026-11-01T05:40:00Z", "2026-11-01T07:00:00Z", "2026-11-01T07:20:00Z"});
}

TEST_CASE("Berlin: a daily time inside the spring-forward gap fires once, at 03:00 CEST") {
  CHECK(fires("0 30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 3) ==
        list{"2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z"});
  CHECK(fires("0 0,20,40 2 * * *", "Europe/Berlin", "2026-03-29T00:00:00Z", 2) ==
        list{"2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"});
}

TEST_CASE("Berlin: a time repeated at fall-back fires once, at its first occurrence") {
  // 2026-10-25 02:30 happens at 00:30Z (CEST) and 01:30Z (CET).
  CHECK(fires("0 30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 2) ==
        list{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"});
  CHECK(fires("0 30 2 * * *", "Europe/Berlin", "2026-10-25T01:00:00Z", 1) ==
        list{"2026-10-26T01:30:00Z"});
  CHECK(fires("@daily", "Europe/Berlin", "2026-10-24T12:00:00Z", 2) ==
        list{"2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z"});
}

TEST_CASE("Berlin: a 5-field weekday pattern keeps its wall-clock time across both transitions") {
  // 09:30 on weekdays: 08:30Z in winter, 07:30Z in summer.
  CHECK(fires("30 9 * * MON-FRI", "Europe/Berlin", "2026-03-27T09:00:00Z", 2) ==
        list{"2026-03-30T07:30:00Z", "2026-03-31T07:30:00Z"});
  CHECK(fires("30 9 * * MON-FRI", "Europe/Berlin", "2026-10-23T09:00:00Z", 1) ==
        list{"2026-10-26T08:30:00Z"});
}

TEST_CASE("@every counts elapsed time across DST transitions") {
  CHECK(fires("@every 1h", "America/New_York", "2026-11-01T05:30:00Z", 3) ==
        list{"2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z", "2026-11-01T08:30:00Z"});
  CHECK(fires("@every 30m", "Europe/Berlin", "2026-03-29T00:45:00Z", 2) ==
        list{"2026-03-29T01:15:00Z", "2026-03-29T01:45:00Z"});
}

TEST_CASE("a fire is whole seconds and strictly after a fractional start") {
  status_or<schedule> s = parse_schedule("0 30 2 * * *");
  REQUIRE(s.ok());
  const sys_ms just_before = instant("2026-03-08T07:00:00Z") - milliseconds{1};
  CHECK(iso(s->next_after(just_before, zone("America/New_York"))) == "2026-03-08T07:00:00Z");
  CHECK(iso(s->next_after(instant("2026-03-08T07:00:00Z"), zone("America/New_York"))) ==
        "2026-03-09T06:30:00Z");
}

TEST_CASE("an impossible pattern in a zone answers never") {
  CHECK(fires("0 0 0 30 2 *", "Europe/Berlin", "2026-01-01T00:00:00Z", 1) == list{"never"});
  CHECK(fires("0 0 0 29 2 *", "America/New_York", "2097-01-01T00:00:00Z", 1) ==
        list{"2104-02-29T05:00:00Z"});
}

}  // namespace
}  // namespace mainspring
