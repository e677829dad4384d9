// cron_expression: the field sets of a cron pattern or a Cronicle timing object, and the search
// for the next wall-clock second that matches them.
//
// This is the zone-free half of a cron schedule: it parses the 5- or 6-field text into one bitset
// per field and answers "the first local (wall-clock) second at or after `from` that matches".
// It knows nothing about time zones or DST; core/schedule.h maps wall-clock answers to instants.
// Most callers want parse_schedule() in core/schedule.h, which also reads the @descriptors.
//
// Example:
//   status_or<cron_expression> e = cron_expression::parse("0 30 9 * * MON-FRI", "interval_pattern");
//   std::optional<std::chrono::local_seconds> t = e->next_match(from, from + std::chrono::days{7});
//
// Syntax (fields separated by any run of blanks; leading and trailing blanks ignored):
//   6 fields: second minute hour day-of-month month day-of-week
//   5 fields: minute hour day-of-month month day-of-week (the second is 0)
// Per field: `*`, `?` (a synonym of `*`, accepted in every field for leniency), numbers, ranges
// `a-b`, steps `*/n`, `a-b/n` and `a/n` (a up to the field's maximum), lists `a,b,c` of those.
// Months also take JAN-DEC, days of week SUN-SAT (any case, also inside ranges: MON-FRI).
// Day of week is 0-7, where both 0 and 7 are Sunday; a range ending in the name SUN ends at 7
// (FRI-SUN is Friday to Sunday).
// Day of month and day of week: a field counts as unrestricted iff its text is exactly `*` or `?`
// (so `*/1` is restricted). When both are restricted a day matches if either matches (classic
// cron); otherwise only the restricted one (if any) decides.
// Errors are invalid_argument and name the field as the user numbered it: in a 5-field pattern
// field 1 is the minute. E.g. "interval_pattern: field 3 (hour) out of range 0-23: 24".
//
// field_sets also carry what no cron text sets but APScheduler's CronTrigger needs
// (core/apscheduler_cron.h): the month's last day, "the 2nd Friday" or "the last Sunday" as
// day-of-month matches, and ISO week numbers. Field sets without them search exactly as before.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mainspring {

class cron_expression {
 public:
  // How day-of-month and day-of-week combine.
  enum class day_rule {
    both,    // a day must match both sets (an unrestricted set matches every day)
    either,  // a day matches if it is in either set (cron, when both fields are restricted)
  };

  // A day of the month named by its weekday: the `nth` (1-5) `weekday` of the month, or with
  // nth == k_last_in_month its last one. A month without a 5th such weekday has no match for it.
  struct weekday_in_month {
    int nth = 1;      // 1-5 or k_last_in_month
    int weekday = 0;  // 0-6, 0 = Sunday
  };
  static constexpr int k_last_in_month = -1;

  // One bit per allowed value. Every set must be non-empty, except that days_of_month may be empty
  // when last_day_of_month or weekdays_in_month name days instead.
  struct field_sets {
    uint64_t seconds = 0;        // bits 0-59
    uint64_t minutes = 0;        // bits 0-59
    uint32_t hours = 0;          // bits 0-23
    uint32_t days_of_month = 0;  // bits 1-31
    uint16_t months = 0;         // bits 1-12
    uint8_t days_of_week = 0;    // bits 0-6, 0 = Sunday
    std::vector<int> years;      // allowed years, ascending; empty = every year
    day_rule days = day_rule::both;
    // More day-of-month matches, OR-ed into days_of_month before `days` combines it with the
    // weekdays: the month's last day, and the days named by weekday (APScheduler's `last`,
    // `2nd fri`, `last sun`).
    bool last_day_of_month = false;
    std::vector<weekday_in_month> weekdays_in_month;
    // The ISO 8601 weeks (bits 1-53) a day must fall in, AND-ed with everything else; 0 = any.
    // The week is the day's own ISO week: 2026-12-31 is in week 53 of 2026, 2027-01-01 too.
    uint64_t iso_weeks = 0;
  };

  // The last year the search considers; later answers are "no match".
  static constexpr int k_max_year = 9999;

  // -- constructors --

  // Parses a 5- or 6-field pattern (syntax above). `field` prefixes every error message
  // ("interval_pattern: ..."); an empty `field` gives unprefixed messages.
  static status_or<cron_expression> parse(std::string_view text, std::string_view field);

  // REQUIRES: every set in `sets` is non-empty (days_of_month: see field_sets) and within its
  // bits; each weekday_in_month is within the ranges above.
  explicit cron_expression(field_sets sets);

  // -- properties --

  const field_sets& sets() const { return sets_; }

  // -- queries --

  // The first allowed year >= `year`, or nullopt if the years are restricted and all earlier.
  std::optional<int> first_year_from(int year) const;

  // The first local second t with from <= t < limit that matches every field, or nullopt.
  // Cost: a few field steps per month visited between `from` and the answer (or `limit`), so
  // callers bound the search through `limit`.
  std::optional<std::chrono::local_seconds> next_match(std::chrono::local_seconds from,
                                                       std::chrono::local_seconds limit) const;

 private:
  // Days of the month (y, m) that match, as bits 1-31; `first_weekday` is day 1's (0 = Sunday).
  uint32_t day_mask(int y, unsigned m, unsigned first_weekday) const;

  // day_mask for field sets with the extra day rules (kept apart so cron patterns pay nothing).
  uint32_t extended_day_mask(int y, unsigned m, unsigned first_weekday) const;

  // -- member variables --
  field_sets sets_;
  // For each weekday of the 1st of a month: the days 1-31 whose weekday is in days_of_week.
  uint32_t weekday_days_[7] = {};
  // Whether the field sets use any APScheduler day rule; false keeps day_mask on its cron path.
  bool extended_days_ = false;
};

}  // namespace mainspring
