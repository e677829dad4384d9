// apscheduler_cron: APScheduler 3.x CronTrigger fields (how ndscheduler describes cron jobs) read
// with APScheduler's rules into cron field sets, and the text Mainspring keeps them as.
//
// An ndscheduler cron job names up to eight fields: year, month, day, week, day_of_week, hour,
// minute, second, each a string (a number is passed as its decimal text). A job built from them
// fires exactly when CronTrigger would fire it. Most callers want schedule::from_apscheduler()
// (core/schedule.h), which also gives the text; parse_schedule() reads that text back.
//
// Example:
//   aps_cron_fields f{.day_of_week = "mon-fri", .hour = "9"};     // weekdays at 09:00:00
//   status_or<cron_expression::field_sets> sets = parse_aps_cron(f, "trigger");
//   if (!sets.ok()) return sets.status();   // e.g. "trigger: hour: 24 is out of range 0-23"
//   std::string text = aps_cron_text(f);     // "@apscheduler day_of_week=mon-fri hour=9"
//
// Fields: year 1970-9999; month 1-12 or jan-dec; day 1-31; week 1-53 (ISO 8601 week number);
// day_of_week 0-6 where 0 is MONDAY, or mon-sun; hour 0-23; minute 0-59; second 0-59.
// Each field is a comma-separated list (spaces around commas and blanks around the text are
// ignored) of:
//   *       every value            */a    every a-th value from the field's minimum (day */2 is
//   a       the value a                   1,3,5,...; year */2 is 1970,1972,...)
//   a-b     a to b                 a-b/c  every c-th value from a to b; a/c: from a to the maximum
//   x, x-y  names (month, day_of_week; any case)
//   last    (day) the month's last day
//   xth y   (day) the x-th weekday y of the month, x one of 1st 2nd 3rd 4th 5th (a month without a
//           5th Monday has no `5th mon`); y a weekday name: `2nd fri`
//   last y  (day) the month's last weekday y: `last sun`
// A step may not exceed the span it steps through: minute `*/60`, hour `5-5/1` are errors.
// APScheduler's leniencies are kept, so that every job it accepts is accepted: after a name or a
// name range, after `xth y` and after `last` the rest of the expression is ignored (month
// `jan-mar/2` is jan-mar); ranges never wrap (day_of_week `sat-mon` is an error). Digits and names
// are ASCII only (Python would also read other Unicode digits).
//
// Omitted fields: the ones more significant than the least significant given field are `*`, the
// less significant ones their minimum (month 1, day 1, hour, minute and second 0), except week and
// day_of_week, which are always `*`. So hour=5 fires at 05:00:00 every day, minute=30 at :30:00
// every hour, and no field at all fires every second (APScheduler's CronTrigger() does).
// A second fires when every field matches it; unlike classic cron, day and day_of_week are AND-ed:
// day=13 day_of_week=fri is Friday the 13th only.
//
// Time zones: the fields match wall-clock time in the job's zone, and around DST changes the rules
// of core/schedule.h apply rather than APScheduler's own behaviour. (APScheduler 3.11 fires a time
// inside a spring-forward gap an hour after it, fires a repeated time twice, and skips a midnight
// that it reaches by carrying a field across a change: day=1 in Europe/Berlin skips April 1.)
//
// Errors are invalid_argument and name the field: `day_of_week: unknown value "funday"`,
// `hour: 24 is out of range 0-23`, each prefixed by the caller's `prefix` ("trigger: hour: ...")
// unless that is empty.
//
// Text (aps_cron_text, parse_aps_cron_text): `@apscheduler`, then each given field as name=value,
// in the order year month day week day_of_week hour minute second, one blank apart. A value is
// written trimmed, and in double quotes, with `"` and `\` escaped by `\`, when it is empty or holds
// a blank, a control character, `"` or `\`:
//   @apscheduler month=6-8,11-12 day="3rd fri" hour=0-3
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/cron_expression.h"
#include "core/status.h"

namespace mainspring {

// The fields of a CronTrigger as given; nullopt = not given (the defaults above apply).
// (The initializers let callers name only the fields they set: {.day = "last", .hour = "5"}.)
struct aps_cron_fields {
  std::optional<std::string> year{}, month{}, day{}, week{}, day_of_week{}, hour{}, minute{}, second{};

  bool operator==(const aps_cron_fields&) const = default;
};

// The word that starts the text form.
inline constexpr std::string_view k_aps_cron_descriptor = "@apscheduler";

// The field called `name` (APScheduler's spelling: "day_of_week"), or nullptr if there is none, so
// that a dialect can fill the struct from JSON keys.
std::optional<std::string>* aps_cron_field(aps_cron_fields& fields, std::string_view name);

// Applies the defaults and parses every field. The result has day_rule::both, iso_weeks 0 when the
// week is unrestricted, and years empty when the year is unrestricted.
status_or<cron_expression::field_sets> parse_aps_cron(const aps_cron_fields& fields, std::string_view prefix);

// str() of APScheduler's field `field` ("day_of_week") compiled from `text`: what ndscheduler shows
// of a cron field. Each comma-separated expression is printed back as APScheduler prints it:
// "MON-FRI" -> "mon-fri", "05" -> "5", "1-1" -> "1", "*/05" -> "*/5", "2ND  Fri" -> "2nd fri",
// "jan-mar/2" -> "jan-mar" (after a name range the rest is ignored), " 5 , 7" -> "5,7". An
// expression parse_aps_cron refuses, or an unknown field, stays as given.
std::string aps_field_str(std::string_view field, std::string_view text);

// The canonical text of `fields` (format above). It does not validate the values.
std::string aps_cron_text(const aps_cron_fields& fields);

// Reads the text form back: `@apscheduler` in any case, then name=value pairs separated by runs of
// blanks. Checks the syntax, field names and duplicates (`prefix: @apscheduler: unknown field
// "hours"`), not the values: parse_aps_cron does that.
status_or<aps_cron_fields> parse_aps_cron_text(std::string_view text, std::string_view prefix);

}  // namespace mainspring
