// controls_json: a job's controls (core/job_controls.h) in the native API, an extension of the
// seed's job: an optional "controls" object on add and edit, shown in a job's detail when any
// control is set.
//
// Members, each optional (absent = its default): max_running (runs at once, 0 = no limit),
// queue (bool), queue_max, on_success and on_failure (job ids of the same group run after a
// success / a failure), hook_url (POSTed Mainspring's run report at each run's start and end),
// and for shell jobs cpu_limit_percent, cpu_sustain_s, memory_limit_bytes, memory_sustain_s,
// log_max_bytes, and pool (the name of a run pool of the job's group, http/native/pool_routes.h,
// whose limit and switch its runs share), and two that a dialect's jobs set, shown so that a
// client can send a job's controls back as it read them without losing them: hook_format ("" =
// Mainspring's run report; "cronicle": Cronicle's web hook body) and retry_aborted (default
// true; false: a run its time limit or shell limits cut is not retried). An edit's "controls" replaces the job's controls as a whole. Unknown members
// are refused: a misspelt limit must not pass silently.
//
// Example:
//   auto c = controls_field(body);   // {"controls": {"max_running": 1, "queue": true}}
//   if (!c.ok()) return c.status();  // "controls: queue: must be true or false"
//   if (*c) patch.controls = **c;
//   json shown = controls_json(spec.controls);
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "core/job_controls.h"
#include "core/status.h"

namespace mainspring::http::native {

// The body's "controls" object, or nullopt when it has none. Types are checked here, values by
// validate_job (messages "max_running: ...").
status_or<std::optional<job_controls>> controls_field(const nlohmann::json& body);

// Every member of `c`, as controls_field reads them.
nlohmann::json controls_json(const job_controls& c);

}  // namespace mainspring::http::native
