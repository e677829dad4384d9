// Tests for core/calendar_rules.h: Cloudtask's calendar rules, parsed and evaluated as its agent
// (cloudtask-agent driver/calc*.go) does, with the deviations listed in the header.
//
// Expected times were worked out by hand from the Go functions named in each case, and the UTC
// chains were also replayed through those Go functions (the agent's re-plan loop: plan, fire,
// re-plan half a second later) except where a case says it deviates.
//
// Calendar facts used: 2018-03-18 is a Sunday, 2018-01-01 a Monday. Europe/Berlin in 2026:
// Mar 29 02:00 CET -> 03:00 CEST at 01:00Z; Oct 25 03:00 CEST -> 02:00 CET at 01:00Z.
#include "core/calendar_rules.h"

#include <catch2/catch.hpp>
#include <date/date.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace mainspring {
namespace {

using json = nlohmann::json;
using list = std::vector<std::string>;

// "2026-03-08T07:00:00Z" or "2026-03-08T07:00:00.250Z" to an instant.
sys_ms instant(std::string_view iso) {
  int y, mo, d, h, mi, s, ms = 0;
  const std::string text(iso);
  const int n = std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &s, &ms);
  REQUIRE(n >= 6);
  return sys_ms{std::chrono::sys_days{std::chrono::year{y} / mo / d}} + std::chrono::hours{h} +
         std::chrono::minutes{mi} + std::chrono::seconds{s} + std::chrono::milliseconds{ms};
}

std::string iso(std::optional<sys_ms> t) {
  if (!t) return "never";
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(*t));
}

time_zone zone(std::string_view name) {
  status_or<time_zone> z = time_zone::find(name);
  REQUIRE(z.ok());
  return *z;
}

// One rule: `fields` (a JSON object) over defaults: enabled, id "r", start 03/19/2018 00:00.
json rule(std::string_view fields) {
  json r = {{"id", "r"}, {"enabled", 1}, {"startdate", "03/19/2018"}, {"starttime", "00:00"}};
  r.update(json::parse(fields));
  return r;
}

std::vector<calendar_rule> parsed(const json& rules) {
  status_or<std::vector<calendar_rule>> r = parse_calendar_rules(rules);
  INFO("rules: " << rules.dump() << " error: " << r.status().message());
  REQUIRE(r.ok());
  return *r;
}

// The first `count` fires strictly after `after`, chained (each asks again after the previous).
list fires(const json& rules, std::string_view after, int count, std::string_view zone_name = "UTC") {
  const std::vector<calendar_rule> r = parsed(rules.is_array() ? rules : json::array({rules}));
  const time_zone z = zone(zone_name);
  list out;
  std::optional<sys_ms> t = instant(after);
  for (int i = 0; i < count && t; ++i) {
    t = next_fire(r, *t, z);
    out.push_back(iso(t));
  }
  return out;
}

std::string error_of(const json& rules) {
  status_or<std::vector<calendar_rule>> r = parse_calendar_rules(rules.is_array() ? rules : json::array({rules}));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == status_code::invalid_argument);
  return r.status().message();
}

// -- turnmodes 1-3 (CalcInterval) --

TEST_CASE("turnmode 1 fires every interval seconds inside the window, which ends at endtime:00") {
  // CalcInterval with getSecondsTail ":00": 08:02:00 is past the window, so the next day's start.
  CHECK(fires(rule(R"({"turnmode":1,"interval":30,"starttime":"08:00","endtime":"08:02"})"),
              "2018-03-19T07:00:00Z", 6) == list{"2018-03-19T08:00:00Z", "2018-03-19T08:00:30Z",
                                                 "2018-03-19T08:01:00Z", "2018-03-19T08:01:30Z",
                                                 "2018-03-20T08:00:00Z", "2018-03-20T08:00:30Z"});
}

TEST_CASE("turnmode 2, the API document's rule, fires every 2 minutes all day") {
  // CalcInterval: grid from 03/19/2018 00:00; window 00:00 to 23:59:59.
  const json r = rule(R"({"turnmode":2,"interval":2,"endtime":"23:59","selectat":"","monthlyof":{"day":1,"week":""}})");
  CHECK(fires(r, "2018-03-19T10:00:30Z", 3) ==
        list{"2018-03-19T10:02:00Z", "2018-03-19T10:04:00Z", "2018-03-19T10:06:00Z"});
  CHECK(fires(r, "2018-03-20T23:57:00Z", 3) ==
        list{"2018-03-20T23:58:00Z", "2018-03-21T00:00:00Z", "2018-03-21T00:02:00Z"});
}

TEST_CASE("turnmode 2 restarts each day at starttime, then follows the grid from the start date") {
  // CalcInterval: 09:03 >= 09:00:59 (endtime + ":59") so the next day's 08:00; 08:00 on day 2 is
  // not on the 7-minute grid (1440 % 7 = 5) but fires, and the grid goes on at 08:02.
  CHECK(fires(rule(R"({"turnmode":2,"interval":7,"starttime":"08:00","endtime":"09:00"})"),
              "2018-03-19T00:00:00Z", 12) ==
        list{"2018-03-19T08:00:00Z", "2018-03-19T08:07:00Z", "2018-03-19T08:14:00Z", "2018-03-19T08:21:00Z",
             "2018-03-19T08:28:00Z", "2018-03-19T08:35:00Z", "2018-03-19T08:42:00Z", "2018-03-19T08:49:00Z",
             "2018-03-19T08:56:00Z", "2018-03-20T08:00:00Z", "2018-03-20T08:02:00Z", "2018-03-20T08:09:00Z"});
}

TEST_CASE("turnmode 2 with a minute endtime fires at endtime itself") {
  // CalcInterval: the window closes at 08:01:59, so 08:01 fires.
  CHECK(fires(rule(R"({"turnmode":2,"interval":1,"starttime":"08:00","endtime":"08:01"})"),
              "2018-03-19T07:59:00Z", 3) ==
        list{"2018-03-19T08:00:00Z", "2018-03-19T08:01:00Z", "2018-03-20T08:00:00Z"});
}

TEST_CASE("turnmode 3 fires every interval hours within the window") {
  // CalcInterval: 01:00 + 3 h steps to 22:00; 01:00 the next day is both start and grid.
  CHECK(fires(rule(R"({"turnmode":3,"interval":3,"starttime":"01:00","endtime":"23:00"})"),
              "2018-03-19T00:00:00Z", 9) ==
        list{"2018-03-19T01:00:00Z", "2018-03-19T04:00:00Z", "2018-03-19T07:00:00Z", "2018-03-19T10:00:00Z",
             "2018-03-19T13:00:00Z", "2018-03-19T16:00:00Z", "2018-03-19T19:00:00Z", "2018-03-19T22:00:00Z",
             "2018-03-20T01:00:00Z"});
}

TEST_CASE("turnmode 3 with a step longer than a day still fires each day at starttime") {
  // CalcInterval: a grid point beyond today's window gives the next day's starttime; grid points
  // in a window fire too (03-20 12:00, 03-21 18:00); 03-23 00:00 is before the window.
  CHECK(fires(rule(R"({"turnmode":3,"interval":30,"starttime":"06:00","endtime":"23:59"})"),
              "2018-03-19T00:00:00Z", 8) ==
        list{"2018-03-19T06:00:00Z", "2018-03-20T06:00:00Z", "2018-03-20T12:00:00Z", "2018-03-21T06:00:00Z",
             "2018-03-21T18:00:00Z", "2018-03-22T06:00:00Z", "2018-03-23T06:00:00Z", "2018-03-24T06:00:00Z"});
}

TEST_CASE("a window whose endtime is before its starttime fires once a day at starttime") {
  // CalcInterval: every grid point after 22:00 is past the same day's 06:00:59.
  CHECK(fires(rule(R"({"turnmode":2,"interval":30,"starttime":"22:00","endtime":"06:00"})"),
              "2018-03-19T00:00:00Z", 3) ==
        list{"2018-03-19T22:00:00Z", "2018-03-20T22:00:00Z", "2018-03-21T22:00:00Z"});
}

TEST_CASE("starttime fires even when asked just before it, off the grid (deviation)") {
  // The agent, planning at 07:58 on 03-20, would take the grid point 08:02 and skip 08:00
  // (CalcInterval returns seed_start only if the next grid point is before it).
  CHECK(fires(rule(R"({"turnmode":2,"interval":7,"starttime":"08:00","endtime":"09:00"})"),
              "2018-03-20T07:58:00Z", 2) == list{"2018-03-20T08:00:00Z", "2018-03-20T08:02:00Z"});
}

// -- turnmode 4 (CalcDaily) --

TEST_CASE("turnmode 4 fires at starttime every interval days from the start date") {
  const json r = rule(R"({"turnmode":4,"interval":3,"starttime":"09:30"})");
  CHECK(fires(r, "2018-03-01T00:00:00Z", 3) ==
        list{"2018-03-19T09:30:00Z", "2018-03-22T09:30:00Z", "2018-03-25T09:30:00Z"});
  // Strictly after: at the fire itself the next one; a millisecond before, that one.
  CHECK(fires(r, "2018-03-22T09:30:00Z", 1) == list{"2018-03-25T09:30:00Z"});
  CHECK(fires(r, "2018-03-22T09:29:59.999Z", 1) == list{"2018-03-22T09:30:00Z"});
  // A day off the grid (CalcDaily's mod != 0 branch, nextTime).
  CHECK(fires(r, "2018-03-23T08:00:00Z", 1) == list{"2018-03-25T09:30:00Z"});
}

// -- turnmode 5 (CalcWeekly) --

TEST_CASE("turnmode 5 fires on the selected weekdays of every interval-th week") {
  // Start Wednesday 03/21/2018: its week (from Sunday 03-18) is week 0; weeks 0, 2, 4 are active.
  // checkIsStart gives 03-21, calcCurrWeekly 03-23, then calcCurrWeekly's next period 04-02.
  CHECK(fires(rule(R"({"turnmode":5,"interval":2,"startdate":"03/21/2018","starttime":"10:00","selectat":"1,3,5"})"),
              "2018-03-01T00:00:00Z", 6) ==
        list{"2018-03-21T10:00:00Z", "2018-03-23T10:00:00Z", "2018-04-02T10:00:00Z", "2018-04-04T10:00:00Z",
             "2018-04-06T10:00:00Z", "2018-04-16T10:00:00Z"});
}

TEST_CASE("turnmode 5 with no selected day left in the start week begins interval weeks later") {
  // checkIsStart: Monday is before Wednesday 03-21, so Sunday 03-18 + 2*7 + 1 days = 04-02.
  CHECK(fires(rule(R"({"turnmode":5,"interval":2,"startdate":"03/21/2018","starttime":"10:00","selectat":"1"})"),
              "2018-03-01T00:00:00Z", 3) ==
        list{"2018-04-02T10:00:00Z", "2018-04-16T10:00:00Z", "2018-04-30T10:00:00Z"});
}

TEST_CASE("turnmode 5 reads selectat in any order, with blanks and repeats") {
  // The agent needs ascending selectat and drops " 1"; here "5, 1,1" is Monday and Friday.
  CHECK(fires(rule(R"({"turnmode":5,"interval":1,"starttime":"10:00","selectat":"5, 1,1"})"),
              "2018-03-19T10:00:00Z", 3) ==
        list{"2018-03-23T10:00:00Z", "2018-03-26T10:00:00Z", "2018-03-30T10:00:00Z"});
}

// -- turnmode 6 (CalcMonthly) --

TEST_CASE("turnmode 6 fires on day n of each selected month, and selectat lists months") {
  // calcMonthlyOfDay; the interval is ignored.
  CHECK(fires(rule(R"({"turnmode":6,"interval":0,"startdate":"01/01/2018","starttime":"08:00","selectat":"1,4,7,10","monthlyof":{"day":15,"week":""}})"),
              "2018-01-01T00:00:00Z", 5) ==
        list{"2018-01-15T08:00:00Z", "2018-04-15T08:00:00Z", "2018-07-15T08:00:00Z", "2018-10-15T08:00:00Z",
             "2019-01-15T08:00:00Z"});
  // Months without day 31 are skipped.
  CHECK(fires(rule(R"({"turnmode":6,"startdate":"01/01/2018","selectat":"1,2,3,4","monthlyof":{"day":31}})"),
              "2018-01-01T00:00:00Z", 3) ==
        list{"2018-01-31T00:00:00Z", "2018-03-31T00:00:00Z", "2019-01-31T00:00:00Z"});
}

TEST_CASE("turnmode 6 with a negative day counts from the end of each month (deviation)") {
  // The agent's calcMonthlyOfDay never matches Jan 31 or Mar 31 for day -1 (it compares with the
  // day before the first of AddDate(0,1,0), which overflows into March / May).
  CHECK(fires(rule(R"({"turnmode":6,"startdate":"01/01/2018","selectat":"1,2,3,4","monthlyof":{"day":-1}})"),
              "2018-01-01T00:00:00Z", 5) ==
        list{"2018-01-31T00:00:00Z", "2018-02-28T00:00:00Z", "2018-03-31T00:00:00Z", "2018-04-30T00:00:00Z",
             "2019-01-31T00:00:00Z"});
  CHECK(fires(rule(R"({"turnmode":6,"startdate":"01/01/2020","selectat":"2","monthlyof":{"day":-2}})"),
              "2020-01-01T00:00:00Z", 2) == list{"2020-02-28T00:00:00Z", "2021-02-27T00:00:00Z"});
}

TEST_CASE("turnmode 6 by week: the k-th or the last weekday of each selected month") {
  const char* all = R"("selectat":"1,2,3,4,5,6,7,8,9,10,11,12")";
  // calcMonthlyOfWeek / isWeekDay with which 0: the last Monday.
  CHECK(fires(rule(std::string(R"({"turnmode":6,"startdate":"01/01/2018",)") + all + R"(,"monthlyof":{"day":0,"week":"0:1"}})"),
              "2018-01-01T00:00:00Z", 3) ==
        list{"2018-01-29T00:00:00Z", "2018-02-26T00:00:00Z", "2018-03-26T00:00:00Z"});
  // The second Thursday.
  CHECK(fires(rule(std::string(R"({"turnmode":6,"startdate":"01/01/2018",)") + all + R"(,"monthlyof":{"day":0,"week":"2:4"}})"),
              "2018-01-01T00:00:00Z", 3) ==
        list{"2018-01-11T00:00:00Z", "2018-02-08T00:00:00Z", "2018-03-08T00:00:00Z"});
  // A fifth Monday only in the months that have one.
  CHECK(fires(rule(std::string(R"({"turnmode":6,"startdate":"01/01/2018",)") + all + R"(,"monthlyof":{"day":0,"week":"5:1"}})"),
              "2018-01-01T00:00:00Z", 5) ==
        list{"2018-01-29T00:00:00Z", "2018-04-30T00:00:00Z", "2018-07-30T00:00:00Z", "2018-10-29T00:00:00Z",
             "2018-12-31T00:00:00Z"});
}

TEST_CASE("a rare monthly rule is found across decades and a far one hits the horizon") {
  // A fifth Sunday of February is a Feb 29 on a Sunday: 2032, then 2060.
  CHECK(fires(rule(R"({"turnmode":6,"startdate":"01/01/2026","selectat":"2","monthlyof":{"day":0,"week":"5:0"}})"),
              "2026-01-01T00:00:00Z", 2) == list{"2032-02-29T00:00:00Z", "2060-02-29T00:00:00Z"});
  // Daily every 36500 days: the second fire is 100 years out, past the 50-year horizon.
  CHECK(fires(rule(R"({"turnmode":4,"interval":36500})"), "2018-01-01T00:00:00Z", 2) ==
        list{"2018-03-19T00:00:00Z", "never"});
}

// -- windows --

TEST_CASE("nothing fires before the start date and time") {
  CHECK(fires(rule(R"({"turnmode":2,"interval":5,"starttime":"12:30","endtime":"23:59"})"),
              "2018-01-01T00:00:00Z", 2) == list{"2018-03-19T12:30:00Z", "2018-03-19T12:35:00Z"});
}

TEST_CASE("an end date stops the rule after endtime, or starttime, plus 59 seconds") {
  // isExpired: no endtime -> enddate + starttime + ":59", so 03-21 09:30 is the last fire. (The
  // agent checks the end against the time it plans at, so it also fires the time it planned
  // before the end, 03-22 09:30 here, and below 03-21 09:30 and 03-20 08:00: a deviation.)
  CHECK(fires(rule(R"({"turnmode":4,"interval":1,"starttime":"09:30","enddate":"03/21/2018"})"),
              "2018-03-19T00:00:00Z", 4) ==
        list{"2018-03-19T09:30:00Z", "2018-03-20T09:30:00Z", "2018-03-21T09:30:00Z", "never"});
  // With endtime 09:00 the rule ends at 03-21 09:00:59, before that day's fire.
  CHECK(fires(rule(R"({"turnmode":4,"interval":1,"starttime":"09:30","enddate":"03/21/2018","endtime":"09:00"})"),
              "2018-03-19T00:00:00Z", 3) == list{"2018-03-19T09:30:00Z", "2018-03-20T09:30:00Z", "never"});
  // Seconds: the end is endtime:00 (getSecondsTail).
  CHECK(fires(rule(R"({"turnmode":1,"interval":20,"starttime":"08:00","endtime":"08:01","enddate":"03/19/2018"})"),
              "2018-03-19T00:00:00Z", 4) ==
        list{"2018-03-19T08:00:00Z", "2018-03-19T08:00:20Z", "2018-03-19T08:00:40Z", "never"});
}

TEST_CASE("a passed window never fires, nor one that ends before it starts") {
  CHECK(fires(rule(R"({"turnmode":4,"interval":1,"startdate":"03/19/2017","enddate":"03/25/2017"})"),
              "2018-01-01T00:00:00Z", 1) == list{"never"});
  // End before start: the agent fired once at the start; here never.
  CHECK(fires(rule(R"({"turnmode":4,"interval":1,"enddate":"03/18/2018"})"), "2018-01-01T00:00:00Z", 1) ==
        list{"never"});
}

// -- several rules, enabled --

TEST_CASE("several rules fire at the earliest next time over all of them") {
  // The API document's two rules share an id; the agent keeps only the last (every 4 minutes).
  const json doc = json::array({rule(R"({"id":"1623e5f1a23","turnmode":2,"interval":2,"endtime":"23:59"})"),
                                rule(R"({"id":"1623e5f1a23","turnmode":2,"interval":4,"endtime":"23:59"})")});
  CHECK(fires(doc, "2018-03-19T10:00:30Z", 3) ==
        list{"2018-03-19T10:02:00Z", "2018-03-19T10:04:00Z", "2018-03-19T10:06:00Z"});
  // Daily at 09:00 and Mondays at 08:00 (03-19 and 03-26 are Mondays); job.go Select takes the
  // earliest NextAt.
  const json mixed = json::array({rule(R"({"turnmode":4,"interval":1,"starttime":"09:00"})"),
                                  rule(R"({"turnmode":5,"interval":1,"starttime":"08:00","selectat":"1"})")});
  CHECK(fires(mixed, "2018-03-18T00:00:00Z", 4) ==
        list{"2018-03-19T08:00:00Z", "2018-03-19T09:00:00Z", "2018-03-20T09:00:00Z", "2018-03-21T09:00:00Z"});
}

TEST_CASE("a rule with enabled 0 or no enabled field never fires") {
  // job.go Select skips Enabled == 0, Go's zero value when the field is absent.
  const json off = rule(R"({"turnmode":4,"interval":1,"starttime":"07:00","enabled":0})");
  json absent = rule(R"({"turnmode":4,"interval":1,"starttime":"07:00"})");
  absent.erase("enabled");
  CHECK(fires(off, "2018-03-18T00:00:00Z", 1) == list{"never"});
  CHECK(fires(absent, "2018-03-18T00:00:00Z", 1) == list{"never"});
  CHECK(fires(json::array({off, rule(R"({"turnmode":4,"interval":1,"starttime":"09:00"})")}),
              "2018-03-18T00:00:00Z", 1) == list{"2018-03-19T09:00:00Z"});
  CHECK(fires(rule(R"({"turnmode":4,"interval":1,"enabled":true})"), "2018-03-18T00:00:00Z", 1) ==
        list{"2018-03-19T00:00:00Z"});
  CHECK_FALSE(next_fire({}, instant("2018-03-18T00:00:00Z"), time_zone::utc()));
}

// -- DST in Europe/Berlin (the rules of core/schedule.h) --

TEST_CASE("Berlin: rules read the wall clock, so 09:00 moves by an hour in UTC across DST") {
  CHECK(fires(rule(R"({"turnmode":4,"interval":1,"startdate":"03/28/2026","starttime":"09:00"})"),
              "2026-03-27T00:00:00Z", 2, "Europe/Berlin") == list{"2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z"});
}

TEST_CASE("Berlin: a daily time in the spring-forward gap fires once, at the transition") {
  CHECK(fires(rule(R"({"turnmode":4,"interval":1,"startdate":"03/27/2026","starttime":"02:30"})"),
              "2026-03-26T00:00:00Z", 4, "Europe/Berlin") ==
        list{"2026-03-27T01:30:00Z", "2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"});
  // Hourly: 02:00 (in the gap) and 03:00 both map to 01:00Z and fire once.
  CHECK(fires(rule(R"({"turnmode":3,"interval":1,"startdate":"03/28/2026","endtime":"23:59"})"),
              "2026-03-28T23:30:00Z", 3, "Europe/Berlin") ==
        list{"2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"});
}

TEST_CASE("Berlin: a repeated wall-clock time fires once, at its first occurrence") {
  CHECK(fires(rule(R"({"turnmode":4,"interval":1,"startdate":"10/23/2026","starttime":"02:30"})"),
              "2026-10-22T12:00:00Z", 4, "Europe/Berlin") ==
        list{"2026-10-23T00:30:00Z", "2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"});
  // Hourly: 02:00 CEST fires, 02:00 CET (01:00Z) does not, 03:00 CET is 02:00Z.
  const json hourly = rule(R"({"turnmode":3,"interval":1,"startdate":"10/24/2026","endtime":"23:59"})");
  CHECK(fires(hourly, "2026-10-24T22:30:00Z", 4, "Europe/Berlin") ==
        list{"2026-10-24T23:00:00Z", "2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z"});
  // Asked during the second pass (02:30 CET) the next fire is 03:00 CET; during the first pass
  // (02:40 CEST) the next quarter hour.
  const json quarter = rule(R"({"turnmode":2,"interval":15,"startdate":"10/24/2026","endtime":"23:59"})");
  CHECK(fires(quarter, "2026-10-25T01:30:00Z", 1, "Europe/Berlin") == list{"2026-10-25T02:00:00Z"});
  CHECK(fires(quarter, "2026-10-25T00:40:00Z", 1, "Europe/Berlin") == list{"2026-10-25T00:45:00Z"});
}

// -- parsing --

TEST_CASE("parse errors name the rule and the field") {
  CHECK(error_of(rule(R"({"turnmode":7,"interval":1})")) ==
        "schedule[0].turnmode: must be 1-6 (seconds, minutes, hourly, daily, weekly, monthly): 7");
  CHECK(error_of(rule(R"({"interval":1})")) ==
        "schedule[0].turnmode: must be 1-6 (seconds, minutes, hourly, daily, weekly, monthly): 0");
  CHECK(error_of(json::array({rule(R"({"turnmode":4,"interval":1})"), rule(R"({"turnmode":5,"interval":0,"selectat":"1"})")})) ==
        "schedule[1].interval: must be at least 1: 0");
  CHECK(error_of(rule(R"({"turnmode":4,"interval":-2})")) == "schedule[0].interval: must be at least 1: -2");
  CHECK(error_of(rule(R"({"turnmode":4,"interval":"2"})")) == "schedule[0].interval: must be a whole number: \"2\"");
  CHECK(error_of(rule(R"({"turnmode":4,"interval":18446744073709551615})")) ==
        "schedule[0].interval: must be a whole number: 18446744073709551615");
  CHECK(error_of(rule(R"({"turnmode":4,"interval":1,"startdate":"2018/03/19"})")) ==
        "schedule[0].startdate: expects a date MM/DD/YYYY such as 03/19/2018: 2018/03/19");
  CHECK(error_of(rule(R"({"turnmode":4,"interval":1,"startdate":"02/30/2018"})")) ==
        "schedule[0].startdate: expects a date MM/DD/YYYY such as 03/19/2018: 02/30/2018");
  CHECK(error_of(rule(R"({"turnmode":4,"interval":1,"startdate":""})")) ==
        "schedule[0].startdate: required, a date MM/DD/YYYY such as 03/19/2018");
  CHECK(error_of(rule(R"({"turnmode":4,"interval":1,"enddate":"3/1/2018"})")) ==
        "schedule[0].enddate: expects a date MM/DD/YYYY such as 03/19/2018: 3/1/2018");
  CHECK(error_of(rule(R"({"turnmode":4,"interval":1,"starttime":"24:00"})")) ==
        "schedule[0].starttime: expects a time of day HH:MM such as 09:30: 24:00");
  CHECK(error_of(rule(R"({"turnmode":4,"interval":1,"starttime":"09:30:00"})")) ==
        "schedule[0].starttime: expects a time of day HH:MM such as 09:30: 09:30:00");
  CHECK(error_of(rule(R"({"turnmode":2,"interval":1})")) ==
        "schedule[0].endtime: required for turnmode 1-3 (the end of each day's window), HH:MM");
  CHECK(error_of(rule(R"({"turnmode":5,"interval":1,"selectat":""})")) ==
        "schedule[0].selectat: turnmode 5 (weekly) needs at least one weekday 0-6 (0 = Sunday)");
  CHECK(error_of(rule(R"({"turnmode":5,"interval":1,"selectat":"1,7"})")) == "schedule[0].selectat: weekdays are 0-6: 7");
  CHECK(error_of(rule(R"({"turnmode":6,"selectat":"13","monthlyof":{"day":1}})")) ==
        "schedule[0].selectat: months are 1-12: 13");
  CHECK(error_of(rule(R"({"turnmode":6,"selectat":"1","monthlyof":{"day":40}})")) ==
        "schedule[0].monthlyof.day: must be 1 to 31, or -1 (the last day) to -31: 40");
  CHECK(error_of(rule(R"({"turnmode":6,"selectat":"2,4","monthlyof":{"day":31}})")) ==
        "schedule[0].monthlyof.day: none of the selected months has 31 days");
  CHECK(error_of(rule(R"({"turnmode":6,"selectat":"1","monthlyof":{"day":0,"week":"6:1"}})")) ==
        "schedule[0].monthlyof.week: with day 0, expects \"k:w\", k 1-5 (0 = the last) and weekday w 0-6 "
        "(0 = Sunday), such as \"0:1\" (the last Monday): \"6:1\"");
  CHECK(error_of(rule(R"({"turnmode":6,"selectat":"1"})")).rfind("schedule[0].monthlyof.week: with day 0", 0) == 0);
  CHECK(error_of(rule(R"({"turnmode":6,"selectat":"1","monthlyof":{"day":"1"}})")) ==
        "schedule[0].monthlyof.day: must be a whole number: \"1\"");
  CHECK(error_of(rule(R"({"turnmode":4,"interval":1,"enabled":"yes"})")) == "schedule[0].enabled: must be 0 (off) or 1 (on)");
  CHECK(error_of(json::array({42})) == "schedule[0]: a rule must be a JSON object");
  CHECK(parse_calendar_rules(json::object()).status().message() == "schedule: must be an array of rules");
  CHECK(parse_calendar_rules_text("[{").status().message() == "schedule: not valid JSON");
  CHECK(parse_calendar_rule(rule(R"({"turnmode":9})")).status().message().rfind("schedule.turnmode: ", 0) == 0);
}

TEST_CASE("the parser accepts the agent's spellings and a few more") {
  // One-digit hours (Go's "15" layout), ISO dates, blanks, null as absent, unknown keys.
  const std::vector<calendar_rule> r = parsed(json::array(
      {rule(R"({"turnmode":4,"interval":2,"starttime":"9:30","startdate":" 2018-03-19 ","enddate":null,"color":"red"})")}));
  CHECK(r[0].start_time == std::chrono::minutes{9 * 60 + 30});
  CHECK(r[0].start_date == std::chrono::year{2018} / 3 / 19);
  CHECK_FALSE(r[0].end_date);
  CHECK(r[0].mode == turn_mode::daily);
  CHECK(parsed(json(nullptr)).empty());
}

// -- canonical text --

TEST_CASE("the canonical text lists every field in the agent's order") {
  const std::vector<calendar_rule> r = parsed(json::array(
      {rule(R"({"id":"a1","turnmode":5,"interval":2,"starttime":"9:05","selectat":"5, 1","enddate":"2018-12-31"})")}));
  CHECK(calendar_rules_text(r) ==
        R"([{"id":"a1","enabled":1,"turnmode":5,"interval":2,"startdate":"03/19/2018","enddate":"12/31/2018",)"
        R"("starttime":"09:05","endtime":"","selectat":"1,5","monthlyof":{"day":0,"week":""}}])");
}

TEST_CASE("a rule of turnmode 1-5 keeps the monthlyof it was given, unused") {
  const std::vector<calendar_rule> r = parsed(json::array(
      {rule(R"({"id":"m","turnmode":2,"interval":2,"endtime":"23:59","monthlyof":{"day":1,"week":""}})"),
       rule(R"({"id":"d","turnmode":4,"interval":1,"starttime":"09:30","monthlyof":{"day":-3,"week":"1:2"}})")}));
  const json text = json::parse(calendar_rules_text(r));
  CHECK(text[0]["monthlyof"] == json{{"day", 1}, {"week", ""}});
  CHECK(text[1]["monthlyof"] == json{{"day", -3}, {"week", "1:2"}});
  // Unused: the turnmode 2 rule fires as it would without it.
  CHECK(fires(rule(R"({"turnmode":2,"interval":2,"endtime":"23:59","monthlyof":{"day":1,"week":""}})"),
              "2018-03-19T10:00:30Z", 2) ==
        fires(rule(R"({"turnmode":2,"interval":2,"endtime":"23:59"})"), "2018-03-19T10:00:30Z", 2));
  CHECK(error_of(rule(R"({"turnmode":2,"interval":2,"endtime":"23:59","monthlyof":{"day":1,"week":"12345678901234567"}})")) ==
        "schedule[0].monthlyof.week: longer than 16 bytes");
}

TEST_CASE("the canonical text parses back to the same rules") {
  const json rules = json::array({
      rule(R"({"id":"s","turnmode":1,"interval":30,"starttime":"08:00","endtime":"08:02","enddate":"04/01/2018"})"),
      rule(R"({"id":"m","turnmode":2,"interval":2,"endtime":"23:59","monthlyof":{"day":1,"week":""}})"),
      rule(R"({"id":"h","turnmode":3,"interval":3,"starttime":"01:00","endtime":"23:00","enabled":0})"),
      rule(R"({"id":"d","turnmode":4,"interval":3,"starttime":"09:30","endtime":"10:00"})"),
      rule(R"({"id":"w","turnmode":5,"interval":2,"starttime":"10:00","selectat":"5,3,1"})"),
      rule(R"({"id":"md","turnmode":6,"selectat":"1,4","monthlyof":{"day":-1}})"),
      rule(R"({"id":"mw","turnmode":6,"interval":7,"selectat":"12","monthlyof":{"day":0,"week":"0:5"}})"),
  });
  const std::vector<calendar_rule> first = parsed(rules);
  const std::string text = calendar_rules_text(first);
  status_or<std::vector<calendar_rule>> again = parse_calendar_rules_text(text);
  REQUIRE(again.ok());
  CHECK(*again == first);
  CHECK(calendar_rules_text(*again) == text);
  CHECK(first[6].monthly == calendar_rule::monthly_of{0, 0, 5, ""});
  CHECK(first[6].interval == 7);
  CHECK(calendar_rules_text({}) == "[]");
}

}  // namespace
}  // namespace mainspring
