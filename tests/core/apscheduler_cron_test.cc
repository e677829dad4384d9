// Tests for core/apscheduler_cron.h through schedule::from_apscheduler and parse_schedule: the
// defaults for omitted fields, every expression type, errors, the text form, DST in a zone.
//
// Expected fire times come from APScheduler 3.x itself: its CronTrigger (the 3.x branch's source,
// run with Python 3.11 and zoneinfo) answered get_next_fire_time for each case, and the dates were
// checked against a calendar. Where Mainspring deliberately differs (DST), the test says so.
#include "core/apscheduler_cron.h"

#include <catch2/catch.hpp>
#include <date/date.h>

#include <cstdio>
#include <vector>

#include "core/schedule.h"

namespace mainspring {
namespace {

using list = std::vector<std::string>;

// "2026-03-08T07:00:00Z" (UTC only) to an instant.
sys_ms instant(std::string_view iso) {
  int y, mo, d, h, mi, s;
  const std::string text(iso);
  REQUIRE(std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &s) == 6);
  return sys_ms{std::chrono::sys_days{std::chrono::year{y} / mo / d}} + std::chrono::hours{h} +
         std::chrono::minutes{mi} + std::chrono::seconds{s};
}

std::string iso(std::optional<sys_ms> t) {
  if (!t) return "never";
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(*t));
}

schedule trigger(const aps_cron_fields& f) {
  status_or<schedule> s = schedule::from_apscheduler(f);
  INFO("fields: " << aps_cron_text(f) << " error: " << s.status().message());
  REQUIRE(s.ok());
  return *s;
}

// The first `count` fires strictly after `after`, each after the one before, in `zone_name`.
list fires(const aps_cron_fields& f, std::string_view after, int count,
           std::string_view zone_name = "UTC") {
  const schedule s = trigger(f);
  const time_zone zone = time_zone::find(zone_name).value();
  list out;
  std::optional<sys_ms> t = instant(after);
  for (int i = 0; i < count && t; ++i) {
    t = s.next_after(*t, zone);
    out.push_back(iso(t));
  }
  return out;
}

std::string error_of(const aps_cron_fields& f) {
  status_or<schedule> s = schedule::from_apscheduler(f);
  INFO("fields: " << aps_cron_text(f));
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == status_code::invalid_argument);
  return s.status().message();
}

constexpr const char* k_wednesday = "2026-03-04T05:06:07Z";

TEST_CASE("fields below the least significant given one take their minimum") {
  CHECK(fires({.hour = "5"}, k_wednesday, 2) == list{"2026-03-05T05:00:00Z", "2026-03-06T05:00:00Z"});
  CHECK(fires({.hour = "5"}, "2026-03-04T04:00:00Z", 1) == list{"2026-03-04T05:00:00Z"});
  CHECK(fires({.minute = "30"}, k_wednesday, 2) == list{"2026-03-04T05:30:00Z", "2026-03-04T06:30:00Z"});
  CHECK(fires({.second = "30"}, k_wednesday, 2) == list{"2026-03-04T05:06:30Z", "2026-03-04T05:07:30Z"});
  CHECK(fires({.month = "6"}, k_wednesday, 2) == list{"2026-06-01T00:00:00Z", "2027-06-01T00:00:00Z"});
  // APScheduler's own example: day=1, minute=20 is every hour at :20 on the 1st of each month.
  CHECK(fires({.day = "1", .minute = "20"}, k_wednesday, 3) ==
        list{"2026-04-01T00:20:00Z", "2026-04-01T01:20:00Z", "2026-04-01T02:20:00Z"});
  CHECK(fires({.year = "2027"}, k_wednesday, 2) == list{"2027-01-01T00:00:00Z", "never"});
}

TEST_CASE("week and day_of_week default to every value, even below the given fields") {
  // week=10: every day of ISO week 10 at 00:00:00 (hour, minute and second take their minimum,
  // day_of_week stays *; year, month and day above it are *).
  CHECK(fires({.week = "10"}, "2026-01-01T00:00:00Z", 9) ==
        list{"2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z", "2026-03-05T00:00:00Z",
             "2026-03-06T00:00:00Z", "2026-03-07T00:00:00Z", "2026-03-08T00:00:00Z", "2027-03-08T00:00:00Z",
             "2027-03-09T00:00:00Z"});
}

TEST_CASE("no field at all fires every second, as APScheduler's CronTrigger() does") {
  CHECK(fires({}, k_wednesday, 2) == list{"2026-03-04T05:06:08Z", "2026-03-04T05:06:09Z"});
  CHECK(trigger({}).text() == "@apscheduler");
}

TEST_CASE("day_of_week counts from Monday = 0 and takes mon-sun names") {
  // 2026-03-06 is a Friday: mon-fri at 9 skips the weekend.
  CHECK(fires({.day_of_week = "mon-fri", .hour = "9"}, "2026-03-06T09:00:00Z", 3) ==
        list{"2026-03-09T09:00:00Z", "2026-03-10T09:00:00Z", "2026-03-11T09:00:00Z"});
  CHECK(fires({.day_of_week = "0", .hour = "9"}, k_wednesday, 1) == list{"2026-03-09T09:00:00Z"});  // Monday
  CHECK(fires({.day_of_week = "6", .hour = "9"}, k_wednesday, 1) == list{"2026-03-08T09:00:00Z"});  // Sunday
  CHECK(fires({.day_of_week = "sun", .hour = "9"}, k_wednesday, 1) == list{"2026-03-08T09:00:00Z"});
  CHECK(fires({.day_of_week = "SAT-sun"}, "2026-03-02T00:00:00Z", 3) ==
        list{"2026-03-07T00:00:00Z", "2026-03-08T00:00:00Z", "2026-03-14T00:00:00Z"});
  CHECK(fires({.day_of_week = "mon,wed-fri", .hour = "12"}, "2026-03-02T00:00:00Z", 5) ==
        list{"2026-03-02T12:00:00Z", "2026-03-04T12:00:00Z", "2026-03-05T12:00:00Z", "2026-03-06T12:00:00Z",
             "2026-03-09T12:00:00Z"});
}

TEST_CASE("day and day_of_week must both match, unlike classic cron") {
  // Friday the 13th only: March and November 2026, then August 2027.
  CHECK(fires({.day = "13", .day_of_week = "fri"}, "2026-03-01T00:00:00Z", 3) ==
        list{"2026-03-13T00:00:00Z", "2026-11-13T00:00:00Z", "2027-08-13T00:00:00Z"});
}

TEST_CASE("day takes last, xth weekday and last weekday of the month") {
  CHECK(fires({.day = "last"}, "2026-01-15T00:00:00Z", 4) ==
        list{"2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z", "2026-04-30T00:00:00Z"});
  CHECK(fires({.day = "last"}, "2028-02-01T00:00:00Z", 1) == list{"2028-02-29T00:00:00Z"});
  CHECK(fires({.day = "1st mon"}, "2026-01-15T00:00:00Z", 3) ==
        list{"2026-02-02T00:00:00Z", "2026-03-02T00:00:00Z", "2026-04-06T00:00:00Z"});
  CHECK(fires({.day = "last fri"}, "2026-01-15T00:00:00Z", 3) ==
        list{"2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-27T00:00:00Z"});
  CHECK(fires({.day = "LAST SUN"}, "2026-01-01T00:00:00Z", 2) == list{"2026-01-25T00:00:00Z", "2026-02-22T00:00:00Z"});
  // Only months with five Mondays have a 5th one.
  CHECK(fires({.day = "5th mon"}, "2026-01-15T00:00:00Z", 3) ==
        list{"2026-03-30T00:00:00Z", "2026-06-29T00:00:00Z", "2026-08-31T00:00:00Z"});
  CHECK(fires({.day = "15,last fri"}, "2026-01-01T00:00:00Z", 3) ==
        list{"2026-01-15T00:00:00Z", "2026-01-30T00:00:00Z", "2026-02-15T00:00:00Z"});
  // APScheduler's documentation example: the third Friday of June-August and November-December.
  CHECK(fires({.month = "6-8,11-12", .day = "3rd fri", .hour = "0-3"}, "2026-01-01T00:00:00Z", 6) ==
        list{"2026-06-19T00:00:00Z", "2026-06-19T01:00:00Z", "2026-06-19T02:00:00Z", "2026-06-19T03:00:00Z",
             "2026-07-17T00:00:00Z", "2026-07-17T01:00:00Z"});
}

TEST_CASE("week is the day's own ISO week, across new year") {
  // 2026 has 53 ISO weeks: week 53 runs from Monday 2026-12-28 to Sunday 2027-01-03.
  CHECK(fires({.week = "53", .day_of_week = "fri"}, "2026-01-01T00:00:00Z", 2) ==
        list{"2027-01-01T00:00:00Z", "2032-12-31T00:00:00Z"});
  CHECK(fires({.week = "1"}, "2026-12-20T00:00:00Z", 1) == list{"2027-01-04T00:00:00Z"});
  CHECK(fires({.week = "1"}, "2025-12-20T00:00:00Z", 1) == list{"2025-12-29T00:00:00Z"});  // 2026's week 1
  CHECK(fires({.year = "2026", .week = "1"}, "2025-12-20T00:00:00Z", 1) == list{"2026-01-01T00:00:00Z"});
}

TEST_CASE("year restricts the calendar year, with steps counted from 1970") {
  CHECK(fires({.year = "2027", .month = "3"}, k_wednesday, 2) == list{"2027-03-01T00:00:00Z", "never"});
  CHECK(fires({.year = "2028-2030/2", .month = "2", .day = "29"}, "2026-01-01T00:00:00Z", 2) ==
        list{"2028-02-29T00:00:00Z", "never"});
  CHECK(fires({.year = "*/2"}, k_wednesday, 2) == list{"2028-01-01T00:00:00Z", "2030-01-01T00:00:00Z"});
  CHECK(fires({.year = "*/3"}, k_wednesday, 1) == list{"2027-01-01T00:00:00Z"});  // 1970 + 57
}

TEST_CASE("steps start at the field's minimum or the range's first value, and lists combine") {
  CHECK(fires({.day = "*/2"}, "2026-03-31T00:00:00Z", 1) == list{"2026-04-01T00:00:00Z"});  // odd days
  CHECK(fires({.day = "*/2"}, "2026-04-29T12:00:00Z", 1) == list{"2026-05-01T00:00:00Z"});
  CHECK(fires({.minute = "*/15"}, k_wednesday, 3) ==
        list{"2026-03-04T05:15:00Z", "2026-03-04T05:30:00Z", "2026-03-04T05:45:00Z"});
  CHECK(fires({.hour = "9-17/4"}, k_wednesday, 4) ==
        list{"2026-03-04T09:00:00Z", "2026-03-04T13:00:00Z", "2026-03-04T17:00:00Z", "2026-03-05T09:00:00Z"});
  CHECK(fires({.second = "10/25"}, k_wednesday, 3) ==
        list{"2026-03-04T05:06:10Z", "2026-03-04T05:06:35Z", "2026-03-04T05:07:10Z"});
  CHECK(fires({.minute = " 5 , 35 "}, k_wednesday, 3) ==
        list{"2026-03-04T05:35:00Z", "2026-03-04T06:05:00Z", "2026-03-04T06:35:00Z"});
  CHECK(fires({.hour = "0-0/5"}, k_wednesday, 1) == list{"2026-03-05T00:00:00Z"});  // accepted, as in APScheduler
}

TEST_CASE("month takes jan-dec names in any case") {
  CHECK(fires({.month = "jan-mar", .day = "15"}, k_wednesday, 4) ==
        list{"2026-03-15T00:00:00Z", "2027-01-15T00:00:00Z", "2027-02-15T00:00:00Z", "2027-03-15T00:00:00Z"});
  CHECK(fires({.month = "JUL"}, k_wednesday, 1) == list{"2026-07-01T00:00:00Z"});
  CHECK(fires({.month = "Jan,jul"}, k_wednesday, 3) ==
        list{"2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-07-01T00:00:00Z"});
  // APScheduler ignores what follows a name range, the step included.
  CHECK(fires({.month = "jan-mar/2"}, "2026-01-01T00:00:00Z", 4) ==
        list{"2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"});
}

TEST_CASE("errors name the field and the offending value") {
  CHECK(error_of({.day_of_week = "funday"}) == "day_of_week: unknown value \"funday\"");
  CHECK(error_of({.day_of_week = "mon-funday"}) == "day_of_week: unknown value \"funday\"");
  CHECK(error_of({.month = "foo"}) == "month: unknown value \"foo\"");
  CHECK(error_of({.hour = "24"}) == "hour: 24 is out of range 0-23");
  CHECK(error_of({.hour = "20-25"}) == "hour: 25 is out of range 0-23");
  CHECK(error_of({.day = "0"}) == "day: 0 is out of range 1-31");
  CHECK(error_of({.week = "54"}) == "week: 54 is out of range 1-53");
  CHECK(error_of({.day_of_week = "7"}) == "day_of_week: 7 is out of range 0-6");
  CHECK(error_of({.year = "1969"}) == "year: 1969 is out of range 1970-9999");
  CHECK(error_of({.second = "99999999999999999999"}) == "second: 99999999999999999999 is out of range 0-59");
  CHECK(error_of({.hour = "5-3"}) == "hour: range \"5-3\" is reversed");
  CHECK(error_of({.day_of_week = "sat-mon"}) == "day_of_week: range \"sat-mon\" is reversed");
  CHECK(error_of({.second = "*/0"}) == "second: step 0 in \"*/0\" must be at least 1");
  CHECK(error_of({.minute = "*/60"}) == "minute: step in \"*/60\" exceeds its span (59)");
  CHECK(error_of({.hour = "5-5/1"}) == "hour: step in \"5-5/1\" exceeds its span (0)");
  CHECK(error_of({.day = "1st friday"}) == "day: unknown weekday \"friday\" in \"1st friday\"");
  CHECK(error_of({.day = "first mon"}) == "day: unrecognized expression \"first mon\"");
  CHECK(error_of({.hour = "5x"}) == "hour: unrecognized expression \"5x\"");
  CHECK(error_of({.hour = "last"}) == "hour: unrecognized expression \"last\"");  // day only
  CHECK(error_of({.hour = ""}) == "hour: empty expression in \"\"");
  CHECK(error_of({.minute = "5,,6"}) == "minute: empty expression in \"5,,6\"");
  CHECK(schedule::from_apscheduler({.hour = "24"}, "trigger").status().message() ==
        "trigger: hour: 24 is out of range 0-23");
}

TEST_CASE("the text form lists the given fields in a fixed order and reads back the same") {
  const schedule s = trigger({.day = "1st mon", .hour = " 5 "});
  CHECK(s.get_kind() == schedule::kind::cron);
  CHECK(s.text() == "@apscheduler day=\"1st mon\" hour=5");
  CHECK(trigger({.year = "2030", .day_of_week = "mon-fri", .second = "0"}).text() ==
        "@apscheduler year=2030 day_of_week=mon-fri second=0");
  CHECK(aps_cron_text({.month = "jan\"x\\"}) == "@apscheduler month=\"jan\\\"x\\\\\"");

  const time_zone berlin = time_zone::find("Europe/Berlin").value();
  for (const aps_cron_fields& f : {aps_cron_fields{.day = "1st mon", .hour = "5"},
                                   aps_cron_fields{.month = "6-8,11-12", .day = "3rd fri", .hour = "0-3"},
                                   aps_cron_fields{.minute = "5 , 35", .second = "*/20"},
                                   aps_cron_fields{.month = "jan\"x\\"}, aps_cron_fields{}}) {
    const schedule original = trigger(f);
    status_or<schedule> back = parse_schedule(original.text());
    INFO("text: " << original.text());
    REQUIRE(back.ok());
    CHECK(back->text() == original.text());
    status_or<aps_cron_fields> read = parse_aps_cron_text(original.text(), "");
    REQUIRE(read.ok());
    CHECK(*read == f);
    sys_ms at = instant("2026-03-01T00:00:00Z");
    for (int i = 0; i < 5; ++i) {
      const std::optional<sys_ms> a = original.next_after(at, berlin), b = back->next_after(at, berlin);
      REQUIRE(a == b);
      if (!a) break;
      at = *a;
    }
  }
  // Any case for the word, runs of blanks, any order: the text becomes canonical.
  CHECK(parse_schedule("  @APScheduler   hour=5\tday=last ")->text() == "@apscheduler day=last hour=5");
  CHECK(parse_schedule("@apscheduler")->text() == "@apscheduler");
}

TEST_CASE("text form errors say what is wrong") {
  auto error = [](std::string_view text) { return parse_schedule(text).status().message(); };
  CHECK(error("@apscheduler hours=5") == "interval_pattern: @apscheduler: unknown field \"hours\"");
  CHECK(error("@apscheduler hour=5 hour=6") == "interval_pattern: @apscheduler: field \"hour\" is given twice");
  CHECK(error("@apscheduler hour") == "interval_pattern: @apscheduler: expected name=value, got \"hour\"");
  CHECK(error("@apscheduler day=\"1st mon") == "interval_pattern: @apscheduler: a quoted value has no closing quote");
  CHECK(error("@apscheduler day=\"1st mon\"x") ==
        "interval_pattern: @apscheduler: expected a blank after a quoted value");
  CHECK(error("@apscheduler day=\"a\\b\"") ==
        "interval_pattern: @apscheduler: only \\\" and \\\\ may be escaped in a quoted value");
  CHECK(error("@apscheduler hour=24") == "interval_pattern: hour: 24 is out of range 0-23");
  CHECK(error("@apschedulerx") == "interval_pattern: unknown descriptor: @apschedulerx");
}

TEST_CASE("fields can be looked up by APScheduler's names") {
  aps_cron_fields f;
  REQUIRE(aps_cron_field(f, "day_of_week") != nullptr);
  *aps_cron_field(f, "day_of_week") = "fri";
  CHECK(f.day_of_week == "fri");
  CHECK(aps_cron_field(f, "dow") == nullptr);
  CHECK(aps_cron_field(f, "Hour") == nullptr);
}

// Berlin 2026: Mar 29 02:00 CET -> 03:00 CEST at 01:00Z; Oct 25 03:00 CEST -> 02:00 CET at 01:00Z.
TEST_CASE("in a zone, fires follow its wall clock and Mainspring's DST rules") {
  CHECK(fires({.day = "last", .hour = "5"}, "2026-02-01T00:00:00Z", 3, "Europe/Berlin") ==
        list{"2026-02-28T04:00:00Z", "2026-03-31T03:00:00Z", "2026-04-30T03:00:00Z"});
  // 02:30 does not exist on Mar 29: one fire at the transition (APScheduler 3.11 fires at 03:30).
  CHECK(fires({.hour = "2", .minute = "30"}, "2026-03-28T12:00:00Z", 3, "Europe/Berlin") ==
        list{"2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z"});
  CHECK(fires({.day = "last sun", .hour = "2", .minute = "30"}, "2026-03-01T00:00:00Z", 2, "Europe/Berlin") ==
        list{"2026-03-29T01:00:00Z", "2026-04-26T00:30:00Z"});
  // 02:30 occurs twice on Oct 25: one fire, at the first (APScheduler 3.11 fires at both).
  CHECK(fires({.hour = "2", .minute = "30"}, "2026-10-24T12:00:00Z", 2, "Europe/Berlin") ==
        list{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"});
  // Midnight on the 1st right after the change (APScheduler 3.11 skips 2026-04-01: it carries the
  // month in UTC and lands on 01:00).
  CHECK(fires({.day = "1"}, "2026-02-15T00:00:00Z", 3, "Europe/Berlin") ==
        list{"2026-02-28T23:00:00Z", "2026-03-31T22:00:00Z", "2026-04-30T22:00:00Z"});
}

TEST_CASE("aps_field_str prints a given field as str() of APScheduler's compiled field") {
  CHECK(aps_field_str("day_of_week", "MON-FRI") == "mon-fri");
  CHECK(aps_field_str("day_of_week", "mon-mon") == "mon");
  CHECK(aps_field_str("day_of_week", "0-4") == "0-4");
  CHECK(aps_field_str("day_of_week", "Sat, sun") == "sat,sun");
  CHECK(aps_field_str("hour", " 5 ") == "5");
  CHECK(aps_field_str("hour", "05") == "5");
  CHECK(aps_field_str("minute", "*/05") == "*/5");
  CHECK(aps_field_str("minute", "*/0") == "*");
  CHECK(aps_field_str("minute", "1-1") == "1");
  CHECK(aps_field_str("minute", "5/15") == "5/15");
  CHECK(aps_field_str("minute", "0 , 30") == "0,30");
  CHECK(aps_field_str("month", "JAN-Mar/2") == "jan-mar");  // after a name range the rest is ignored
  CHECK(aps_field_str("month", "6-8") == "6-8");
  CHECK(aps_field_str("day", "2ND  Fri") == "2nd fri");  // the weekday is a whole name: "friday" is refused
  CHECK(aps_field_str("day", "last sun") == "last sun");
  CHECK(aps_field_str("day", "LAST") == "last");
  CHECK(aps_field_str("day", "1,15,last") == "1,15,last");
}

}  // namespace
}  // namespace mainspring
