// key_requirements: what each Dkron route needs of an API key under --require-api-key.
//
// Reads need any enabled key (Dkron's /health none). POST /v1/jobs creates or replaces a job
// and needs create_events; running (POST /v1/jobs/{job} and .../run) run_events; toggle
// edit_events; DELETE delete_events; pause, unpause and leave state_update.
//
// Example:
//   d.key_requirement_for = dkron::key_requirements();
#pragma once

#include "http/api_key_guard.h"

namespace mainspring::http::dkron {

key_requirement_fn key_requirements();

}  // namespace mainspring::http::dkron
