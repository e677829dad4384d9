// schedule_preview: the next fire times a job with this schedule would have, for the dashboard's
// job form and detail (GET /v1/schedule/preview). The same rules the job actor follows
// (core/fire_plan.h): the first run at exec_time (0 = now), later runs on the pattern from the
// previous planned time, in the zone's wall clock.
//
// Example:
//   auto fires = preview_fires({.pattern = "0 30 9 * * MON-FRI", .zone = "Europe/Berlin",
//                               .exec_time_s = k_first_fire_by_schedule, .count = 5}, now_ms());
//   if (!fires.ok()) return fires.status();   // "interval_pattern: field 3 (hour) out of range 0-23: 24"
//   for (int64_t ms : *fires) ...             // unix ms, ascending; fewer than 5 if it stops firing
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time_types.h"

namespace mainspring {

// The most fire times one preview answers.
inline constexpr std::size_t k_max_preview_fires = 100;

struct schedule_preview_query {
  std::string pattern;       // any text parse_schedule accepts
  std::string zone;          // IANA name; REQUIRES: not empty (callers fill in the default)
  int64_t exec_time_s = 0;   // as the add-job field: 0 = now, k_first_fire_by_schedule, or unix s
  std::size_t count = 5;     // 1..k_max_preview_fires
};

// Unix ms of the next `count` fires, ascending. invalid_argument naming the field for a bad
// pattern ("interval_pattern: ..."), zone ("timezone: ...") or count ("count: ...").
status_or<std::vector<int64_t>> preview_fires(const schedule_preview_query& query, sys_ms now);

}  // namespace mainspring
