// key_requirements: what each Cloudtask route needs of an API key under --require-api-key.
//
// Reads need any enabled key; OPTIONS is open. The web's createJob create_events, updateJob
// edit_events, deleteJob delete_events, location add / remove state_update; the center's
// jobs/action "start" run_events and "stop" abort_events (read from the body); messages and logs
// (what agents and the web post) state_update.
//
// Example:
//   d.key_requirement_for = cloudtask::key_requirements();
#pragma once

#include "http/api_key_guard.h"

namespace mainspring::http::cloudtask {

key_requirement_fn key_requirements();

}  // namespace mainspring::http::cloudtask
