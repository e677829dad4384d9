// key_requirements: what each ndscheduler route needs of an API key under --require-api-key.
//
// Reads need any enabled key. POST /api/v1/jobs create_events; PUT (modify) and PATCH / OPTIONS
// on a job (ndscheduler's pause / resume) edit_events; DELETE a job delete_events; POST
// /api/v1/executions[/{job_id}] (run now) run_events; DELETE an execution abort_events.
//
// Example:
//   d.key_requirement_for = ndscheduler::key_requirements();
#pragma once

#include "http/api_key_guard.h"

namespace mainspring::http::ndscheduler {

key_requirement_fn key_requirements();

}  // namespace mainspring::http::ndscheduler
