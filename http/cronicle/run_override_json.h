// run_override_json: run_event's fields for one run as a core run_override.
//
// Cronicle merges the request over the event for that one job (minus id, title, catch_up,
// category, multiplex, stagger, detached, queue, queue_max, max_children; `params` sparsely:
// keys not given keep the event's). Here the merged event is mapped as create_event maps one
// (to_job_spec), and what differs from the job becomes the run's own: the target (`plugin`,
// `params`) and the time limit (`timeout`, urlplug's own timeout). What cannot apply to one run
// is refused in Cronicle's shape ("Failed to launch event: ..."): `retries` and `retry_delay`
// (a job's retries are its own runs), and `post_data` (no Plugin here reads the job's JSON).
// Every other field (notes, target, web_hook, ...) has no effect on a run and is taken as is.
//
// Example:
//   auto change = run_override_of(event_json(view, ctx), params, view.spec, ctx);
//   if (!change.ok()) return reply.send(failure(change.error()));
//   api.run_job_with(origin, group, view.spec.id, *change, ...);
#pragma once

#include <nlohmann/json.hpp>

#include "actors/scheduler_api.h"
#include "http/cronicle/errors.h"
#include "http/cronicle/event_json.h"

namespace mainspring::http::cronicle {

// `event`: the event as event_json shows it; `params`: run_event's merged params; `current`:
// the job as it is. An empty override when nothing that matters differs.
or_error<run_override> run_override_of(const nlohmann::json& event, nlohmann::json params, const job_spec& current,
                                       const event_context& ctx);

}  // namespace mainspring::http::cronicle
