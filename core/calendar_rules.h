// calendar_rules: Cloudtask's calendar rules (a job's `schedule` list) and when they fire.
//
// A Cloudtask job carries a list of rules such as
//   {"id":"1623e5f1a23","enabled":1,"turnmode":2,"interval":2,"startdate":"03/19/2018",
//    "enddate":"","starttime":"00:00","endtime":"23:59","selectat":"","monthlyof":{"day":1,"week":""}}
// and Cloudtask's agent fires the job at the earliest next time over its enabled rules. This unit
// parses such rules, validates them, answers "the first fire strictly after this instant" the way
// the agent computes it (cloudtask-agent driver/calc*.go), and writes a canonical JSON text that
// parses back to the same rules, for storage. It is pure: no clock, no I/O.
//
// Example:
//   status_or<std::vector<calendar_rule>> rules = parse_calendar_rules(body["schedule"]);
//   if (!rules.ok()) return rules.status();   // "schedule[1].interval: must be at least 1: 0"
//   status_or<time_zone> z = time_zone::find("Europe/Berlin");
//   std::optional<sys_ms> next = next_fire(*rules, now_ms(), *z);   // nullopt: never fires again
//   std::string stored = calendar_rules_text(*rules);   // parse_calendar_rules_text reads it back
//
// Fields (JSON names as in Cloudtask's models.Schedule). Dates are MM/DD/YYYY ("03/19/2018", the
// agent's only format; YYYY-MM-DD is accepted too), times of day H:MM or HH:MM, 24 h ("9:30").
//   turnmode   1 seconds, 2 minutes, 3 hourly (CalcInterval), 4 daily (CalcDaily),
//              5 weekly (CalcWeekly), 6 monthly (CalcMonthly).
//   interval   1-5: the step, in the turnmode's unit (seconds, minutes, hours, days, weeks); at
//              least 1. Monthly ignores it (the agent does too).
//   startdate + starttime: where every rule starts; its first fire is never earlier.
//   starttime  daily, weekly, monthly: the time of day every fire happens at.
//   endtime    1-3: with starttime, each day's window (required: without it the agent finds the
//              rule invalid). 4-6: only moves the end of the last day (enddate, below).
//   enddate    optional; no fire at or after enddate + endtime (or starttime if endtime is empty)
//              + 59 s; for turnmode 1, + 0 s (the agent's isExpired and getSecondsTail).
//   selectat   weekly: weekdays "0,1,5" (0 = Sunday); monthly: months "1,7" (1-12, not month
//              days); at least one; order and duplicates do not matter. Ignored by 1-4.
//   monthlyof  monthly only: {"day": n} fires on day n of each selected month (n = -1 the last
//              day, -2 the day before it, ...; a month without that day is skipped), or with
//              "day": 0, {"week": "k:w"} on the k-th weekday w (k 1-5, 0 = the last; "0:1" is the
//              last Monday, "2:4" the second Thursday). Turnmodes 1-5 ignore it but keep what
//              they were given (a whole number day, a week of up to 16 bytes), so that a rule
//              reads back as sent.
//   enabled    0 = off (also when absent, as in the agent's zero value); any other number, or
//              true, is on. id: a free label.
//
// When each turnmode fires, as wall-clock times in the zone passed to next_fire:
//   1-3 (CalcInterval): the grid startdate+starttime + k * interval, k >= 0, kept within each
//       day's window [starttime, endtime + tail) (tail 0 s for seconds, 59 s for minutes and
//       hourly), plus starttime on every day from startdate on, whether or not the grid hits
//       it. So a window with endtime before starttime fires once a day, at starttime, and a step
//       longer than the window (interval 72 hourly) still fires each day at starttime: that is
//       what the agent does (after a day's window it jumps to the next day's starttime).
//   4 daily (CalcDaily): starttime on startdate + k * interval days.
//   5 weekly (CalcWeekly): starttime on each selected weekday of the weeks startweek + k * interval
//       (weeks run Sunday to Saturday; startweek holds startdate), from startdate on.
//   6 monthly (CalcMonthly): starttime on each day that monthlyof names in a selected month, from
//       startdate on.
//
// Where this differs from the agent, and why (the agent's behaviour would be a bug here):
//   - The agent computes from "now" at each re-plan, so some answers depend on when it asked; this
//     unit is the set above, asked "first element after t". The agent skips a day's starttime in
//     1-3 when it re-plans less than one step before it, or when the next grid point lies beyond
//     the day's window; here starttime always fires.
//   - The agent works in the fixed UTC offset of "now", so across a DST change its fires are off by
//     the change until the next re-plan. Here rules read the zone's wall clock with the DST rules of
//     core/schedule.h: a wall time in a spring-forward gap fires once, at the transition; a wall time
//     that occurs twice fires once, at its first occurrence.
//   - The agent checks enddate against "now" and then still fires the one planned time beyond it;
//     here no fire is at or after the end. So a rule whose end is before its start never fires
//     (the agent fired it once).
//   - A rule the agent finds invalid and silently never fires (ErrScheduleInvalid: a missing or
//     malformed startdate, starttime or 1-3 endtime, an empty selectat, a malformed week) is
//     rejected when parsed.
//   - interval 0 crashes the agent (integer division by zero) and a negative one makes it fire in
//     the past; both are rejected, as are an unparsable enddate (the agent then never expires the
//     rule), a monthly day that none of the selected months has, a week "k:w" with k outside 0-5
//     (both hang the agent in an endless loop), and selectat items that are not weekdays/months
//     (the agent silently drops them, so "1, 3" meant Monday only; here items are trimmed).
//   - monthlyof.day < 0 in the agent misses the last days of 31-day months followed by a shorter
//     month (Jan, Mar, May, Aug, Oct) because it compares day numbers across months, and loops
//     forever when only such months are selected; here -n is always the n-th last day of the month.
//   - The agent keys rules by id, so rules sharing an id collapse into the last one (the Cloudtask
//     API document's own example has two rules with one id). Here every rule counts.
//   - At the exact instant of a fire the agent's daily and monthly may answer that same instant;
//     here the answer is always strictly later.
//
// Search horizon. next_fire gives up ("never") at the start of local year Y + 50, where Y is the
// year of the later of `after` and the rule's start, and after year 9999. Satisfiable rules recur
// within 40 years (a fifth weekday of February is the rarest), so only a far start date or a very
// long interval reaches it. Cost: a few calendar steps per rule; monthly steps through the months
// between `after` and the answer (at most 600).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"
#include "core/time_types.h"
#include "core/time_zone.h"

namespace mainspring {

enum class turn_mode { seconds = 1, minutes = 2, hourly = 3, daily = 4, weekly = 5, monthly = 6 };

// The longest monthlyof.week a rule of turnmode 1-5 keeps (the agent ignores it there).
inline constexpr std::size_t k_max_unused_week_bytes = 16;

struct calendar_rule {
  // monthlyof: day != 0 names a day of the month (negative: from the end); day == 0 names the
  // week_ordinal-th (1-5, 0 = last) weekday (0-6, 0 = Sunday). A rule of turnmode 1-5 keeps the
  // day and the week text it was given (unused), so that it reads back as sent, as Cloudtask
  // stores and serves it.
  struct monthly_of {
    int day = 0;
    int week_ordinal = 0;
    int weekday = 0;
    std::string unused_week;  // turnmodes 1-5: "week" as given (at most k_max_unused_week_bytes)
    friend bool operator==(const monthly_of&, const monthly_of&) = default;
  };

  std::string id;
  bool enabled = false;
  turn_mode mode = turn_mode::daily;
  int interval = 1;  // >= 1 for turnmodes 1-5; monthly keeps what it was given, unused
  std::chrono::year_month_day start_date{std::chrono::year{1970} / 1 / 1};
  std::optional<std::chrono::year_month_day> end_date;
  std::chrono::minutes start_time{0};              // after midnight, 0-1439
  std::optional<std::chrono::minutes> end_time;    // always set for turnmodes 1-3
  std::vector<int> select_at;  // weekly: weekdays 0-6, monthly: months 1-12; ascending, unique; else empty
  monthly_of monthly;          // monthly; turnmodes 1-5: as given, unused

  friend bool operator==(const calendar_rule&, const calendar_rule&) = default;
};

// Reads one rule (a JSON object with the fields above). Unknown keys are ignored and null counts as
// absent, as with the agent's Go decoder; string values are trimmed. A disabled rule is checked
// like any other (so that enabling it later cannot fail). Errors are invalid_argument
// and name the field under `field`: "schedule.interval: must be at least 1: 0",
// "schedule.startdate: expects a date MM/DD/YYYY such as 03/19/2018: 2018/03/19".
status_or<calendar_rule> parse_calendar_rule(const nlohmann::json& rule, std::string_view field = "schedule");

// Reads a rule list (a JSON array; null is the empty list). Errors name the rule by position:
// "schedule[1].interval: must be at least 1: 0".
status_or<std::vector<calendar_rule>> parse_calendar_rules(const nlohmann::json& rules,
                                                           std::string_view field = "schedule");

// The canonical JSON text of `rules`: an array of objects with every field, in the agent's field
// order, dates MM/DD/YYYY, times HH:MM, enabled 1 or 0. parse_calendar_rules_text of it gives
// `rules` back (when they came from the parser).
std::string calendar_rules_text(const std::vector<calendar_rule>& rules);

// Parses JSON text (such as calendar_rules_text's) with parse_calendar_rules; text that is not
// JSON is invalid_argument "<field>: not valid JSON".
status_or<std::vector<calendar_rule>> parse_calendar_rules_text(std::string_view text,
                                                                std::string_view field = "schedule");

// The earliest fire strictly after `after` over the enabled rules, evaluated in `zone`'s wall
// clock (see the top of this file), or nullopt: no enabled rule, every rule past its end, or
// nothing within the horizon. Fires are whole seconds. Bounded time always.
// REQUIRES: every rule came from the parser (or obeys its checks).
std::optional<sys_ms> next_fire(const std::vector<calendar_rule>& rules, sys_ms after, const time_zone& zone);

}  // namespace mainspring
