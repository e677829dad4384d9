// Tests for core/schedule.h (and core/cron_expression.h, core/time_zone.h): parsing every form,
// next fires in UTC, error messages. DST behaviour is in schedule_dst_test.cc, the brute-force
// comparison in schedule_oracle_test.cc.
#include "core/schedule.h"

#include "core/rfc3339.h"

#include <catch2/catch.hpp>
#include <date/date.h>

#include <cstdio>

namespace mainspring {
namespace {

using std::chrono::milliseconds;

// "2026-03-08T07:00:00Z" or "2026-03-08T07:00:00.250Z" (UTC only) to an instant.
sys_ms instant(std::string_view iso) {
  int y, mo, d, h, mi, s, ms = 0;
  const std::string text(iso);
  const int n = std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &s, &ms);
  REQUIRE(n >= 6);
  return sys_ms{std::chrono::sys_days{std::chrono::year{y} / mo / d}} + std::chrono::hours{h} +
         std::chrono::minutes{mi} + std::chrono::seconds{s} + milliseconds{ms};
}

std::string iso(std::optional<sys_ms> t) {
  if (!t) return "never";
  std::string out = date::format("%FT%T", *t);
  if (out.size() > 19 && out.substr(19) == ".000") out.resize(19);
  return out + "Z";
}

schedule parsed(std::string_view text) {
  status_or<schedule> s = parse_schedule(text);
  INFO("pattern: " << text << " error: " << s.status().message());
  REQUIRE(s.ok());
  return *s;
}

// The next fire of `pattern` in UTC strictly after `after`, as ISO text.
std::string next(std::string_view pattern, std::string_view after) {
  return iso(parsed(pattern).next_after(instant(after), time_zone::utc()));
}

std::string error_of(std::string_view text) {
  status_or<schedule> s = parse_schedule(text);
  INFO("pattern: " << text);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == status_code::invalid_argument);
  return s.status().message();
}

TEST_CASE("a 6-field pattern fires on the matching second, strictly after the given instant") {
  CHECK(next("*/5 * * * * *", "2026-01-01T00:00:00Z") == "2026-01-01T00:00:05Z");
  CHECK(next("*/5 * * * * *", "2026-01-01T00:00:04.999Z") == "2026-01-01T00:00:05Z");
  CHECK(next("*/5 * * * * *", "2026-01-01T00:00:05.001Z") == "2026-01-01T00:00:10Z");
  CHECK(next("0 0 0 * * *", "2026-01-01T00:00:00Z") == "2026-01-02T00:00:00Z");
  CHECK(next("0 30 9 * * MON-FRI", "2026-03-06T09:30:00Z") == "2026-03-09T09:30:00Z");  // Fri -> Mon
  CHECK(next("15,45 10-12/2 * * * *", "2026-01-01T10:45:50Z") == "2026-01-01T11:10:15Z");
  CHECK(next("0 59 23 31 12 *", "2026-06-01T00:00:00Z") == "2026-12-31T23:59:00Z");
  CHECK(next("0 0 0 1 1 *", "2026-12-31T23:59:59.999Z") == "2027-01-01T00:00:00Z");
  CHECK(next("30 * * * * *", "1969-12-31T23:59:00Z") == "1969-12-31T23:59:30Z");
}

TEST_CASE("a 5-field pattern is a standard crontab line firing at second 0") {
  CHECK(next("*/15 * * * *", "2026-01-01T00:00:00Z") == "2026-01-01T00:15:00Z");
  CHECK(next("30 9 * * 1-5", "2026-03-07T00:00:00Z") == "2026-03-09T09:30:00Z");
  CHECK(next("0 0 1 * *", "2026-01-15T12:00:00Z") == "2026-02-01T00:00:00Z");
  CHECK(parsed("0 0 1 * *").get_kind() == schedule::kind::cron);
}

TEST_CASE("fields accept names, steps from a start, Sunday as 7 and any run of blanks") {
  CHECK(next("0 0 12 * JAN,jul *", "2026-02-01T00:00:00Z") == "2026-07-01T12:00:00Z");
  CHECK(next("0 0 12 * * sat", "2026-03-01T00:00:00Z") == "2026-03-07T12:00:00Z");
  CHECK(next("0 0 12 * * 7", "2026-03-02T00:00:00Z") == "2026-03-08T12:00:00Z");  // Sunday
  CHECK(next("0 0 12 * * FRI-SUN", "2026-03-09T00:00:00Z") == "2026-03-13T12:00:00Z");
  CHECK(next("0 0 12 * * 6-7", "2026-03-09T00:00:00Z") == "2026-03-14T12:00:00Z");
  CHECK(next("0 50/5 * * * *", "2026-01-01T00:56:00Z") == "2026-01-01T01:50:00Z");  // 50,55
  CHECK(next("0 0 0 * FEB-APR/2 *", "2026-02-28T00:00:00Z") == "2026-04-01T00:00:00Z");
  CHECK(next("  0\t0   12 *  * *  ", "2026-01-01T00:00:00Z") == "2026-01-01T12:00:00Z");
  CHECK(next("0 0 12 ? * MON", "2026-03-04T00:00:00Z") == "2026-03-09T12:00:00Z");
  CHECK(next("? ? ? ? ? ?", "2026-01-01T00:00:00Z") == "2026-01-01T00:00:01Z");  // ? anywhere
}

TEST_CASE("day of month and day of week match either when both are restricted") {
  // The 13th or any Friday: 2026-03-06 is a Friday, the 13th also a Friday.
  CHECK(next("0 0 0 13 * FRI", "2026-03-01T00:00:00Z") == "2026-03-06T00:00:00Z");
  CHECK(next("0 0 0 1,15 * MON", "2026-03-02T00:00:00Z") == "2026-03-09T00:00:00Z");
  CHECK(next("0 0 0 1,15 * MON", "2026-03-10T00:00:00Z") == "2026-03-15T00:00:00Z");
  // `*/1` is restricted text, so it ORs too: every day.
  CHECK(next("0 0 0 */1 * FRI", "2026-03-01T00:00:00Z") == "2026-03-02T00:00:00Z");
}

TEST_CASE("day of month and day of week: when one is * or ? only the other one matters") {
  CHECK(next("0 0 0 * * FRI", "2026-03-01T00:00:00Z") == "2026-03-06T00:00:00Z");
  CHECK(next("0 0 0 ? * FRI", "2026-03-01T00:00:00Z") == "2026-03-06T00:00:00Z");
  CHECK(next("0 0 0 13 * *", "2026-03-01T00:00:00Z") == "2026-03-13T00:00:00Z");
  CHECK(next("0 0 0 13 * ?", "2026-03-01T00:00:00Z") == "2026-03-13T00:00:00Z");
}

TEST_CASE("February 29 patterns find the next leap day, also across 2100") {
  CHECK(next("0 0 0 29 2 *", "2026-03-01T00:00:00Z") == "2028-02-29T00:00:00Z");
  CHECK(next("0 0 0 29 2 *", "2097-01-01T00:00:00Z") == "2104-02-29T00:00:00Z");
  CHECK(next("0 0 0 29 FEB *", "2024-02-29T00:00:00Z") == "2028-02-29T00:00:00Z");
  CHECK(next("0 0 0 31 * *", "2026-04-01T00:00:00Z") == "2026-05-31T00:00:00Z");
}

TEST_CASE("impossible patterns never fire") {
  CHECK(next("0 0 0 30 2 *", "2026-01-01T00:00:00Z") == "never");
  CHECK(next("0 0 0 31 4,6,9,11 *", "2026-01-01T00:00:00Z") == "never");
  CHECK(next("0 0 0 * * *", "9999-12-31T00:00:00Z") == "never");    // past the last year
  CHECK(next("0 0 0 * * *", "9999-12-30T12:00:00Z") == "9999-12-31T00:00:00Z");
}

TEST_CASE("descriptors are cron patterns, in any case") {
  const std::string after = "2026-03-04T05:06:07Z";  // a Wednesday
  CHECK(next("@yearly", after) == "2027-01-01T00:00:00Z");
  CHECK(next("@annually", after) == "2027-01-01T00:00:00Z");
  CHECK(next("@monthly", after) == "2026-04-01T00:00:00Z");
  CHECK(next("@weekly", after) == "2026-03-08T00:00:00Z");
  CHECK(next("@daily", after) == "2026-03-05T00:00:00Z");
  CHECK(next("@midnight", after) == "2026-03-05T00:00:00Z");
  CHECK(next("@hourly", after) == "2026-03-04T06:00:00Z");
  CHECK(next("@minutely", after) == "2026-03-04T05:07:00Z");
  CHECK(next("@DAILY", after) == "2026-03-05T00:00:00Z");
  CHECK(next("  @Hourly ", after) == "2026-03-04T06:00:00Z");
  CHECK(parsed("@weekly").text() == "@weekly");
}

TEST_CASE("@every adds its interval to the given instant") {
  const schedule s = parsed("@every 1h30m");
  CHECK(s.get_kind() == schedule::kind::every);
  CHECK(s.interval() == std::chrono::minutes{90});
  CHECK(s.text() == "@every 1h30m");
  CHECK(next("@every 1h30m", "2026-01-01T00:00:00.250Z") == "2026-01-01T01:30:00.250Z");
  CHECK(next("@every 5s", "2026-01-01T00:00:00Z") == "2026-01-01T00:00:05Z");
  CHECK(next("@EVERY 1.5s", "2026-01-01T00:00:00Z") == "2026-01-01T00:00:01.500Z");
}

TEST_CASE("@once and @manually never fire by time") {
  CHECK(schedule{}.get_kind() == schedule::kind::manually);
  CHECK(schedule{}.text() == "@manually");
  CHECK_FALSE(schedule{}.next_after(instant("2026-01-01T00:00:00Z"), time_zone::utc()));
  CHECK(parsed("@once").get_kind() == schedule::kind::once);
  CHECK(parsed("@manually").get_kind() == schedule::kind::manually);
  CHECK(next("@once", "2026-01-01T00:00:00Z") == "never");
  CHECK(next("@manually", "2026-01-01T00:00:00Z") == "never");
}

TEST_CASE("@at fires once at an RFC 3339 instant") {
  const schedule s = parsed("@at 2026-12-01T10:00:00Z");
  CHECK(s.get_kind() == schedule::kind::at);
  CHECK(iso(s.at_time()) == "2026-12-01T10:00:00Z");
  CHECK(next("@at 2026-12-01T10:00:00Z", "2026-01-01T00:00:00Z") == "2026-12-01T10:00:00Z");
  CHECK(next("@at 2026-12-01T10:00:00Z", "2026-12-01T09:59:59.999Z") == "2026-12-01T10:00:00Z");
  CHECK(next("@at 2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z") == "never");
  CHECK(next("@at 2026-12-01T10:00:00+02:00", "2026-01-01T00:00:00Z") == "2026-12-01T08:00:00Z");
  CHECK(next("@at 2026-12-01T10:00:00-05:30", "2026-01-01T00:00:00Z") == "2026-12-01T15:30:00Z");
  CHECK(next("@at 2026-12-01T10:00:00.25Z", "2026-01-01T00:00:00Z") == "2026-12-01T10:00:00.250Z");
  CHECK(next("@at 2026-12-01t10:00:00.123456z", "2026-01-01T00:00:00Z") == "2026-12-01T10:00:00.123Z");
  CHECK(next("@at 2028-02-29T00:00:00Z", "2026-01-01T00:00:00Z") == "2028-02-29T00:00:00Z");
}

TEST_CASE("plain intervals and Cronicle timing objects are schedules too") {
  const schedule every = schedule::every(std::chrono::seconds{90});
  CHECK(every.get_kind() == schedule::kind::every);
  CHECK(every.text() == "@every 1m30s");
  CHECK(iso(every.next_after(instant("2026-01-01T00:00:00Z"), time_zone::utc())) ==
        "2026-01-01T00:01:30Z");

  auto at = [](const schedule::timing& t, std::string_view after) {
    status_or<schedule> s = schedule::from_timing(t);
    REQUIRE(s.ok());
    return iso(s->next_after(instant(after), time_zone::utc()));
  };
  CHECK(at({}, "2026-01-01T00:00:30Z") == "2026-01-01T00:01:00Z");
  CHECK(at({.hours = {9}, .minutes = {30}}, "2026-01-01T10:00:00Z") == "2026-01-02T09:30:00Z");
  // Days and weekdays AND together: the next Friday the 13th after March 2026 is in November.
  CHECK(at({.days = {13}, .weekdays = {5}, .hours = {0}, .minutes = {0}}, "2026-03-14T00:00:00Z") ==
        "2026-11-13T00:00:00Z");
  CHECK(at({.years = {2030, 2028}, .months = {2}, .days = {29}, .hours = {12}, .minutes = {0}},
           "2026-01-01T00:00:00Z") == "2028-02-29T12:00:00Z");
  CHECK(at({.years = {2027}, .months = {2}, .days = {29}}, "2026-01-01T00:00:00Z") == "never");
  CHECK(at({.years = {2020}}, "2026-01-01T00:00:00Z") == "never");
  // Feb 29 on a Sunday: 2032, then 2060 (28 years on).
  CHECK(at({.months = {2}, .days = {29}, .weekdays = {0}, .hours = {0}, .minutes = {0}},
           "2032-03-01T00:00:00Z") == "2060-02-29T00:00:00Z");
  // ... and across 2100 (not a leap year) the gap is 40 years, still inside the horizon.
  CHECK(at({.months = {2}, .days = {29}, .weekdays = {0}, .hours = {0}, .minutes = {0}},
           "2088-03-01T00:00:00Z") == "2128-02-29T00:00:00Z");

  CHECK(schedule::from_timing({.hours = {9}, .minutes = {30}})->text() == R"({"hours":[9],"minutes":[30]})");
  CHECK(schedule::from_timing({})->text() == "{}");
  CHECK(schedule::from_timing({.hours = {24}}).status().message() == "timing: hours out of range 0-23: 24");
  CHECK(schedule::from_timing({.weekdays = {7}}).status().message() ==
        "timing: weekdays out of range 0-6: 7");
  CHECK(schedule::from_timing({.days = {0}}).status().message() == "timing: days out of range 1-31: 0");
  CHECK(schedule::from_timing({.years = {1969}}).status().message() ==
        "timing: years out of range 1970-9999: 1969");
}

TEST_CASE("cron errors name the field, its range and the offending text") {
  CHECK(error_of("0 0 24 * * *") == "interval_pattern: field 3 (hour) out of range 0-23: 24");
  CHECK(error_of("60 * * * * *") == "interval_pattern: field 1 (second) out of range 0-59: 60");
  CHECK(error_of("* * * 0 * *") == "interval_pattern: field 4 (day-of-month) out of range 1-31: 0");
  CHECK(error_of("* * * * 13 *") == "interval_pattern: field 5 (month) out of range 1-12: 13");
  CHECK(error_of("* * * * * 8") == "interval_pattern: field 6 (day-of-week) out of range 0-7: 8");
  CHECK(error_of("* * * * * 1-9") == "interval_pattern: field 6 (day-of-week) out of range 0-7: 9");
  CHECK(error_of("1,,2 * * * * *") == "interval_pattern: field 1 (second) has an empty list item: 1,,2");
  CHECK(error_of("* 5, * * * *") == "interval_pattern: field 2 (minute) has an empty list item: 5,");
  CHECK(error_of("*/0 * * * * *") == "interval_pattern: field 1 (second) step must be at least 1: */0");
  CHECK(error_of("* * 5-3 * * *") == "interval_pattern: field 3 (hour) range is reversed: 5-3");
  CHECK(error_of("* * * *") == "interval_pattern: expected 5 or 6 fields, got 4");
  CHECK(error_of("* * * * * * *") == "interval_pattern: expected 5 or 6 fields, got 7");
  CHECK(error_of("5x * * * * *") == "interval_pattern: field 1 (second) is malformed: 5x");
  CHECK(error_of("*/5/2 * * * * *") == "interval_pattern: field 1 (second) is malformed: */5/2");
  CHECK(error_of("* * * * FOO *") == "interval_pattern: field 5 (month) unknown name: FOO");
  CHECK(error_of("* * * * * MON-FOO") == "interval_pattern: field 6 (day-of-week) unknown name: FOO");
  CHECK(error_of("* * * * JAN-MON *") == "interval_pattern: field 5 (month) unknown name: MON");
  CHECK(error_of("* MON * * * *") == "interval_pattern: field 2 (minute) is malformed: MON");
  CHECK(error_of("* * 1- * * *") == "interval_pattern: field 3 (hour) is malformed: 1-");
  CHECK(error_of("* * */ * * *") == "interval_pattern: field 3 (hour) is malformed: */");
  CHECK(error_of("** * * * * *") == "interval_pattern: field 1 (second) is malformed: **");
  CHECK(error_of("* * * 9999999 * *") ==
        "interval_pattern: field 4 (day-of-month) out of range 1-31: 9999999");
  CHECK(error_of("") == "interval_pattern: empty schedule");
  CHECK(error_of("  \t ") == "interval_pattern: empty schedule");
}

TEST_CASE("5-field errors number the fields as written, from the minute") {
  CHECK(error_of("60 * * * *") == "interval_pattern: field 1 (minute) out of range 0-59: 60");
  CHECK(error_of("* 24 * * *") == "interval_pattern: field 2 (hour) out of range 0-23: 24");
  CHECK(error_of("* * * * SUNDAY") == "interval_pattern: field 5 (day-of-week) unknown name: SUNDAY");
}

TEST_CASE("descriptor errors say what is wrong") {
  CHECK(error_of("@fortnightly") == "interval_pattern: unknown descriptor: @fortnightly");
  CHECK(error_of("@") == "interval_pattern: unknown descriptor: @");
  CHECK(error_of("@every 500ms") == "interval_pattern: @every duration must be at least 1s: 500ms");
  CHECK(error_of("@every -5s") == "interval_pattern: @every duration must be at least 1s: -5s");
  CHECK(error_of("@every 5") == "interval_pattern: @every: missing unit in duration \"5\"");
  CHECK(error_of("@every 2d") == "interval_pattern: @every: unknown unit \"d\" in duration \"2d\"");
  CHECK(error_of("@every") == "interval_pattern: @every: invalid duration \"\"");
  CHECK(error_of("@daily 5") == "interval_pattern: @daily takes no argument: @daily 5");
  CHECK(error_of("@once now") == "interval_pattern: @once takes no argument: @once now");
  CHECK(error_of("@at tomorrow") ==
        "interval_pattern: @at expects an RFC 3339 time such as 2026-12-01T10:00:00Z: tomorrow");
  for (const char* bad : {"@at", "@at 2026-12-01", "@at 2026-12-01T10:00:00", "@at 2026-02-30T10:00:00Z",
                          "@at 2026-12-01T24:00:00Z", "@at 2026-12-01T10:00:00.Z",
                          "@at 2026-12-01T10:00:00+2:00", "@at 2026-12-01T10:00:00Zjunk",
                          "@at 2026-12-01 10:00:00Z"}) {
    CHECK_THAT(error_of(bad), Catch::StartsWith("interval_pattern: @at expects an RFC 3339 time"));
  }
}

TEST_CASE("the field name given to parse_schedule prefixes its errors") {
  CHECK(parse_schedule("0 0 24 * * *", "schedule").status().message() ==
        "schedule: field 3 (hour) out of range 0-23: 24");
  CHECK(parse_schedule("0 0 24 * * *", "").status().message() == "field 3 (hour) out of range 0-23: 24");
}

TEST_CASE("time zones resolve IANA names, with UTC needing no lookup") {
  CHECK(time_zone::utc().is_utc());
  CHECK(time_zone::utc().name() == "UTC");
  CHECK(time_zone::find("")->is_utc());
  CHECK(time_zone::find("UTC")->is_utc());
  status_or<time_zone> berlin = time_zone::find("Europe/Berlin");
  REQUIRE(berlin.ok());
  CHECK_FALSE(berlin->is_utc());
  CHECK(berlin->name() == "Europe/Berlin");
  CHECK(berlin->zone() != nullptr);
  status_or<time_zone> mars = time_zone::find("Mars/Base");
  REQUIRE_FALSE(mars.ok());
  CHECK(mars.status().code() == status_code::invalid_argument);
  CHECK(mars.status().message() == "timezone: unknown time zone: Mars/Base");
  CHECK_FALSE(time_zone::find("europe/berlin").ok());  // IANA names are case sensitive
}

TEST_CASE("a cron schedule in a zone without DST fires at the zone's wall-clock time") {
  status_or<time_zone> tokyo = time_zone::find("Asia/Tokyo");  // UTC+9, no DST
  REQUIRE(tokyo.ok());
  CHECK(iso(parsed("0 0 9 * * *").next_after(instant("2026-01-01T00:00:00Z"), *tokyo)) ==
        "2026-01-02T00:00:00Z");
  status_or<time_zone> kolkata = time_zone::find("Asia/Kolkata");  // UTC+5:30
  REQUIRE(kolkata.ok());
  CHECK(iso(parsed("@daily").next_after(instant("2026-01-01T00:00:00Z"), *kolkata)) ==
        "2026-01-01T18:30:00Z");
}

TEST_CASE("a timing object's text reads back as the same schedule, so stores and dumps keep it") {
  schedule::timing t{.years = {2030, 2031}, .months = {1, 6}, .days = {15}, .weekdays = {}, .hours = {9}, .minutes = {30}};
  auto original = schedule::from_timing(t);
  REQUIRE(original.ok());
  auto back = parse_schedule(original->text());
  REQUIRE(back.ok());
  CHECK(back->text() == original->text());
  auto zone = time_zone::find("Europe/Berlin").value();
  sys_ms at = from_unix_ms(1'700'000'000'000);
  for (int i = 0; i < 5; ++i) {
    auto a = original->next_after(at, zone), b = back->next_after(at, zone);
    REQUIRE(a == b);
    if (!a) break;
    at = *a;
  }
  CHECK(parse_schedule("{}")->text() == "{}");
  CHECK(parse_schedule("{\"hours\": [24]}").status().message() == "interval_pattern: timing: hours out of range 0-23: 24");
  CHECK(parse_schedule("{\"hour\": [1]}").status().message() == "interval_pattern: timing: unknown field \"hour\"");
  CHECK(parse_schedule("{\"hours\": 1}").status().message() == "interval_pattern: timing: hours must be an array of whole numbers");
  CHECK(parse_schedule("{\"hours\": [1.5]}").status().message().starts_with("interval_pattern: timing: hours must be"));
  CHECK(parse_schedule("{oops").status().message().starts_with("interval_pattern: a timing object must be"));
}

TEST_CASE("a timing text reads the same in its canonical form as with blanks, and odd ones as JSON says") {
  // The canonical text is read without a JSON document; the same object written otherwise goes
  // through the JSON reading. Both must give the same schedule.
  auto same = [](std::string_view canonical, std::string_view spaced) {
    auto a = parse_schedule(canonical), b = parse_schedule(spaced);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a->text() == b->text());
    CHECK(a->text() == canonical);
  };
  same(R"({"years":[2099]})", R"({ "years": [2099] })");
  same(R"({"months":[1,12],"weekdays":[0,6],"minutes":[0,59]})", R"({"minutes":[0, 59], "weekdays":[0,6], "months":[1,12]})");
  same(R"({"years":[2030,2031],"months":[6],"days":[1,31],"weekdays":[3],"hours":[0,23],"minutes":[5]})",
       R"({"minutes":[5],"hours":[0,23],"weekdays":[3],"days":[1,31],"months":[6],"years":[2030,2031]})");
  // A repeated field: JSON keeps the last one.
  CHECK(parse_schedule(R"({"hours":[1],"hours":[2]})")->text() == R"({"hours":[2]})");
  CHECK(parse_schedule(R"({"hours":[]})")->text() == "{}");
  CHECK(parse_schedule(R"({"hours":[-0]})")->text() == R"({"hours":[0]})");
  CHECK(parse_schedule(R"({"hours":[24]})").status().message() == "interval_pattern: timing: hours out of range 0-23: 24");
  CHECK(parse_schedule(R"({"hours":[-1]})").status().message() == "interval_pattern: timing: hours out of range 0-23: -1");
  CHECK(parse_schedule(R"({"hours":[09]})").status().message().starts_with("interval_pattern: a timing object must be"));
  CHECK(parse_schedule(R"({"hours":[1,]})").status().message().starts_with("interval_pattern: a timing object must be"));
  CHECK(parse_schedule(R"({"hours":[1]}x)").status().message().starts_with("interval_pattern: a timing object must be"));
  CHECK(parse_schedule(R"({"hours":[1]})" "x}").status().message().starts_with("interval_pattern: a timing object must be"));
  CHECK(parse_schedule(R"({"hours":[99999999999]})").status().message() ==
        "interval_pattern: timing: hours must be an array of whole numbers");
  CHECK(parse_schedule(R"({"hours":[1e1]})").status().message() ==
        "interval_pattern: timing: hours must be an array of whole numbers");
  CHECK(parse_schedule(R"({"hour":[1]})").status().message() == "interval_pattern: timing: unknown field \"hour\"");
}

TEST_CASE("Cloudtask calendar rules are a schedule whose text reads back") {
  // Every 2 minutes from 03/19/2018 00:00, between 00:00 and 23:59 each day (the API document's rule).
  auto rules = parse_calendar_rules_text(
      R"([{"id":"a","enabled":1,"turnmode":2,"interval":2,"startdate":"03/19/2018","enddate":"",)"
      R"("starttime":"00:00","endtime":"23:59","selectat":"","monthlyof":{"day":1,"week":""}}])",
      "schedule");
  REQUIRE(rules.ok());
  schedule s = schedule::from_calendar_rules(*rules);
  CHECK(s.get_kind() == schedule::kind::calendar);
  auto again = parse_schedule(s.text());
  REQUIRE(again.ok());
  CHECK(again->text() == s.text());
  CHECK(again->get_kind() == schedule::kind::calendar);
  auto from = *parse_rfc3339("2026-12-03T10:01:30Z");
  auto next = again->next_after(from, time_zone::utc());
  REQUIRE(next);
  CHECK(format_rfc3339_utc(*next, false) == "2026-12-03T10:02:00Z");
  CHECK(parse_schedule("[{\"turnmode\":9}]").status().code() == status_code::invalid_argument);
}

}  // namespace
}  // namespace mainspring
