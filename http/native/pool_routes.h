// pool_routes: a group's run pools (core/run_pool.h) in the native API, an extension of the seed.
// A pool is a named limit and switch that a set of the group's jobs share: at most max_running
// runs of all its jobs at once, none while it is disabled, and defaults (a run hook, CPU and
// memory limits) for what a member job's own controls leave unset. A job joins a pool by naming
// it in its controls ({"controls": {"pool": "nightly"}}, http/native/controls_json.h); the pool
// must exist then. Cronicle's categories are the pools of its group, so its categories show here
// too (and keep their Cronicle fields when a native PUT changes their limits).
//
// Routes:
//   GET    /v1/{group}/pools          {"success": [<pool>, ...]} by name
//   GET    /v1/{group}/pool/{name}    {"success": <pool>}; 404 when the group has no such pool
//   PUT    /v1/{group}/pool/{name}    body: the pool's settings, each optional (absent = its
//                                     default): {"enabled": true, "max_running": 2, "hook_url": "",
//                                     "cpu_limit_percent": 0, "cpu_sustain_s": 0,
//                                     "memory_limit_bytes": 0, "memory_sustain_s": 0}; adds the
//                                     pool or replaces its settings as a whole; answers the pool
//   DELETE /v1/{group}/pool/{name}    {"success": "ok"}; 409 while a job of the group names it
// <pool> is the settings plus "name", "running" (runs of its jobs in flight now), "created_ms"
// and "updated_ms" (unix ms). Changes are synced to disk before their answer, and audited.
//
// Example:
//   router r;
//   native::add_pool_routes(r, api);   // scheduler_api&
//   // curl -X PUT -d '{"max_running":1}' $H/v1/YM55/pool/nightly
//
// REQUIRES: `api` outlives every request the router serves.
#pragma once

#include <string>

#include "actors/scheduler_api.h"
#include "core/job_controls.h"
#include "core/status.h"
#include "http/router.h"

namespace mainspring::http::native {

void add_pool_routes(router& r, scheduler_api& api);

// OK when `c` names no pool or a pool `group` has; otherwise invalid_argument
// "controls: pool: group G has no run pool P" (an add or an edit naming a pool is refused before
// anything changes).
status check_pool_named(const scheduler_api& api, const std::string& group, const job_controls& c);

}  // namespace mainspring::http::native
