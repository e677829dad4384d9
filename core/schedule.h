// schedule: when a job fires. Parses every textual schedule the scheduler accepts and answers
// "what is the first fire strictly after this instant?".
//
// One type covers the dialects Mainspring speaks: cron patterns (5 or 6 fields, with names and
// @descriptors), Go-style `@every 1h30m`, `@once`, `@at <RFC 3339 time>`, `@manually`, plain
// intervals and APScheduler cron triggers (ndscheduler) and Cronicle's timing objects. A schedule
// is an immutable value; the time zone is passed to each query because jobs sharing a pattern may
// live in different zones.
//
// Example:
//   status_or<schedule> s = parse_schedule("0 30 9 * * MON-FRI");
//   if (!s.ok()) return s.status();   // "interval_pattern: field 3 (hour) out of range 0-23: 24"
//   status_or<time_zone> z = time_zone::find("Europe/Berlin");
//   std::optional<sys_ms> next = s->next_after(now_ms(), *z);   // nullopt: never fires again
//
// Accepted text (parse_schedule; blanks around it are ignored):
//   - cron patterns, 6 fields (seconds first) or 5 (standard crontab, second 0); the field syntax,
//     the day-of-month/day-of-week rule and the error texts are in core/cron_expression.h;
//   - descriptors, any case: @yearly = @annually (0 0 0 1 1 *), @monthly (0 0 0 1 * *),
//     @weekly (0 0 0 * * 0), @daily = @midnight (0 0 0 * * *), @hourly (0 0 * * * *),
//     @minutely (0 * * * * *); @every <Go duration>, at least 1s (core/go_duration.h);
//     @once and @manually (never fire by time); @at <RFC 3339 time>, e.g.
//     `@at 2026-12-01T10:00:00Z` or `@at 2026-12-01T10:00:00.250+02:00` (kept to the millisecond);
//   - @apscheduler name=value..., an APScheduler CronTrigger's fields, what from_apscheduler's
//     text() gives: `@apscheduler day_of_week=mon-fri hour=9`, `@apscheduler day="last fri"`
//     (syntax and semantics in core/apscheduler_cron.h; its text() is the canonical form);
//   - a Cronicle timing object's JSON, what from_timing's text() gives (see parse_schedule);
//   - a JSON array of Cloudtask calendar rules, what from_calendar_rules's text() gives
//     (core/calendar_rules.h: fields, semantics and deviations from Cloudtask's agent).
//
// Cron in a time zone. Patterns match wall-clock time in the zone passed to next_after; fires are
// whole seconds. Around DST transitions:
//   - a matching local time that does not exist (spring-forward gap) fires once, at the first
//     instant after the gap (the transition instant), however many matching times the gap holds;
//   - a matching local time that occurs twice (fall-back) fires once, at its first occurrence;
//     so during the repeated hour the second pass fires nothing, even for `*/5 * * * * *`;
//   - @every is elapsed time and ignores DST (and the zone).
//
// Search horizon. A cron search gives up ("never") at the start of local year Y + 50, where Y is
// the year of `after` (for a timing object with `years`, the first listed year >= that year), or
// after year 9999. Any satisfiable 5/6-field pattern recurs within 8 years (Feb 29 is the rarest),
// and a timing object's Feb 29 on a given weekday within 40 (as does an APScheduler `5th mon` in
// February, which needs Feb 29 to be a Monday), so only impossible patterns (`0 0 0 30 2 *`) and
// years listed beyond the horizon hit it. Cost (bench/schedule_bench.cc):
// typical patterns about 50 ns in UTC and 60-70 ns in Europe/Berlin; an impossible pattern, which
// walks the whole horizon, about 0.6 us in UTC and 2 us in Berlin (a zone visits each DST period;
// see core/time_zone.h for why periods end in 2037).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/apscheduler_cron.h"
#include "core/calendar_rules.h"
#include "core/cron_expression.h"
#include "core/status.h"
#include "core/time_types.h"
#include "core/time_zone.h"

namespace mainspring {

class schedule {
 public:
  enum class kind { cron, every, once, at, manually, calendar };

  // Cronicle's timing object: each non-empty array restricts its field, and all fields are AND-ed
  // (days and weekdays too, unlike cron). An absent or empty array allows every value; {} fires
  // every minute at second 0. Ranges: years 1970-9999, months 1-12, days 1-31, weekdays 0-6
  // (0 = Sunday), hours 0-23, minutes 0-59. Duplicates and order do not matter.
  // (The initializers let callers name only the fields they set: {.hours = {9}}.)
  struct timing {
    std::vector<int> years{}, months{}, days{}, weekdays{}, hours{}, minutes{};
  };

  // -- constructors --

  // @manually: never fires by time. (So that jobs can hold a schedule before parsing one.)
  schedule() = default;

  // An ndscheduler plain interval: fires every `interval` of elapsed time.
  // REQUIRES: interval >= 1 ms (smaller values are taken as 1 ms).
  static schedule every(std::chrono::milliseconds interval);

  // Validates `t` (invalid_argument "timing: hours out of range 0-23: 24").
  static status_or<schedule> from_timing(const timing& t);

  // An APScheduler CronTrigger with these fields (ndscheduler's cron jobs; the rules, defaults and
  // errors are in core/apscheduler_cron.h). `field` prefixes error messages, as in parse_schedule:
  // "trigger: hour: 24 is out of range 0-23".
  static status_or<schedule> from_apscheduler(const aps_cron_fields& fields, std::string_view field = "");

  // Cloudtask's calendar rules (core/calendar_rules.h): fires at the earliest fire of any enabled
  // rule. text() is calendar_rules_text (a JSON array), which parse_schedule reads back.
  static schedule from_calendar_rules(std::vector<calendar_rule> rules);

  // -- properties --

  kind get_kind() const { return kind_; }

  // For kind::every; zero otherwise.
  std::chrono::milliseconds interval() const { return interval_; }

  // For kind::at: the instant it fires at.
  sys_ms at_time() const { return at_; }

  // For kind::cron: the field sets; nullptr otherwise.
  const cron_expression* cron() const { return cron_ ? &*cron_ : nullptr; }

  // The text it was parsed from (trimmed), or a canonical form: "@every 1m30s" for every(),
  // Cronicle's JSON for from_timing ({"hours":[9],"minutes":[30]}), "@apscheduler hour=9" for
  // from_apscheduler and for any @apscheduler text.
  const std::string& text() const { return text_; }

  // -- queries --

  // The first fire strictly after `after`, or nullopt for "never": @once and @manually, an @at in
  // the past, a cron pattern with no match within the horizon (see above). Bounded time always.
  // cron: evaluated in `zone`'s wall clock with the DST rules above; the result is a whole second.
  // every: after + interval. at: the instant if it is later than `after`.
  std::optional<sys_ms> next_after(sys_ms after, const time_zone& zone) const;

 private:
  friend status_or<schedule> parse_schedule(std::string_view text, std::string_view field);

  schedule(kind k, std::string text) : kind_(k), text_(std::move(text)) {}

  // -- member variables --
  kind kind_ = kind::manually;
  std::string text_ = "@manually";
  std::chrono::milliseconds interval_{0};
  sys_ms at_{};
  std::optional<cron_expression> cron_;
  std::shared_ptr<const std::vector<calendar_rule>> calendar_;  // kind::calendar
};

// Parses every textual form (see the top of this file), including a timing object's canonical text
// (`{"hours":[9],"minutes":[30]}`, what from_timing's text() gives) and an APScheduler trigger's
// (`@apscheduler day=last hour=5`), so that every schedule a dialect writes is stored, dumped and
// restored as text. `field` prefixes error messages, which are
// invalid_argument: "interval_pattern: field 3 (hour) out of range 0-23: 24",
// "interval_pattern: unknown descriptor: @fortnightly",
// "interval_pattern: @every duration must be at least 1s: 500ms".
status_or<schedule> parse_schedule(std::string_view text, std::string_view field = "interval_pattern");

}  // namespace mainspring
