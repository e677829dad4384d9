// limits_json: a Cronicle event's resource limits as the job's controls, and back.
//
// Cronicle's events cap their runs with cpu_limit (% of one core), cpu_sustain (seconds),
// memory_limit (bytes of resident memory), memory_sustain (seconds) and log_max_size (bytes of
// output); 0 = none. They map one to one onto job_controls (core/job_controls.h), which the shell
// executor enforces (executors/run_limits.h: a run over a limit is aborted, "Job Aborted:
// Exceeded CPU limit of 50% for over 5 seconds" and the like). Other Plugins' runs ignore them, as
// Cronicle's urlplug runs (a request, no process of its own to measure) in effect do.
//
// Example:
//   limits_to_controls(event, job.controls);   // to_job_spec
//   limits_from_controls(spec.controls, event);  // event_json: shows what is enforced
//
// Kept apart from event_json.cc so that the limits are one call each way there.
#pragma once

#include <nlohmann/json.hpp>

#include "core/job_controls.h"

namespace mainspring::http::cronicle {

// Sets the controls' limit fields from the event's (parseInt'ed as Cronicle does; absent, null
// or not a number = 0). Ranges are validate_controls' to check (validate_job), whose messages
// name these fields. The other controls are left as they are.
void limits_to_controls(const nlohmann::json& event, job_controls& controls);

// Writes the five fields into `event` from the controls (numbers, 0 = none).
// REQUIRES: event is an object.
void limits_from_controls(const job_controls& controls, nlohmann::json& event);

}  // namespace mainspring::http::cronicle
