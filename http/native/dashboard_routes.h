// dashboard_routes: the native extensions about the scheduler as a whole, which the web dashboard
// reads besides the job routes.
//
//   GET /v1/stats: the overview (jobs by state, runs and failures per second over the last
//     minute and hour, lateness percentiles, runs in flight and queued, worker nodes up and down,
//     storage commit rate, and one slot per 10 s for the chart), from scheduler_api::overview.
//   GET /v1/schedule/preview?pattern=&tz=&exec_time=&count=: the next `count` fire times of a
//     pattern in a zone (default: the server's --timezone), computed by core/schedule_preview.h;
//     a bad pattern is a 400 naming the field ("interval_pattern: ...").
//   GET /v1/scheduler: {"enabled": true|false}; POST /v1/scheduler {"enabled": false} pauses every
//     job's scheduled fires at once (durably; skipped and counted, reason scheduler_paused), true
//     resumes them (scheduler_api::set_scheduler_enabled; a key with state_update).
//
// Example:
//   curl "$H/v1/schedule/preview?pattern=0%2030%209%20*%20*%20MON-FRI&tz=Europe/Berlin&count=3"
//   # {"success":{"timezone":"Europe/Berlin","fires":[1796108400000,...],"fires_rfc3339":[...]}}
#pragma once

#include <cstddef>

#include "actors/scheduler_api.h"
#include "http/router.h"

namespace mainspring::http::native {

// GET /v1/schedule/preview without ?count=.
inline constexpr std::size_t k_default_preview_fires = 5;
// The longest ?pattern= accepted (a Cronicle timing object or calendar rules can be long).
inline constexpr std::size_t k_max_preview_pattern_bytes = 8192;

void add_dashboard_routes(router& r, scheduler_api& api);

}  // namespace mainspring::http::native
