// run_changes: what Cronicle's run_event (a job launched with fields of its own) and update_job (a
// job in flight given new fields) change about one run, as the core's run_override.
//
// Both calls name fields of Cronicle's event table. The ones with a meaning for one run are turned
// into the job's terms by the event translation itself (to_job_spec over the event with the new
// fields merged in), so that a value means the same here as in an event: `timeout` 0 is no limit,
// `chain` is normalized to an event id, `web_hook` is read as Cronicle reads it.
//
// Example (update_job {"id": "jxyz", "timeout": 300, "chain": "report"}):
//   auto change = run_change(event, params, ctx, id, run_fields::in_flight);
//   if (!change.ok()) return send(reply, change.error());
//   api.update_run(origin, group, id, run_id, std::move(*change), ...);
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/job.h"
#include "http/cronicle/errors.h"
#include "http/cronicle/event_json.h"

namespace mainspring::http::cronicle {

enum class run_fields {
  at_launch,  // run_event: everything in_flight takes, plus `params` and `plugin`
  in_flight,  // update_job's table: timeout, retries, retry_delay, chain, chain_error, web_hook,
              // cpu_limit, cpu_sustain, memory_limit, memory_sustain, log_max_size
};

// True when `field` changes a run of `which` kind; notify_success / notify_fail are accepted by
// both calls and change nothing (Mainspring sends no mail).
bool changes_a_run(std::string_view field, run_fields which);

// The run's own fields for the fields of `changes` that changes_a_run(which) takes, each read from
// `event` (the event as event_json shows it) with `changes` merged over it. `params` in changes
// replaces the event's whole (the caller merges Cronicle's sparse params first). Errors are the
// event translation's ("event" / "api" refusals).
or_error<run_override> run_change(const nlohmann::json& event, const nlohmann::json& changes, const event_context& ctx,
                                  const std::string& id, run_fields which);

// The fields of its own a chained job's run has for the `chain_params` (a JSON object's text) the
// job it follows reported: Cronicle's chainReaction merges them over the event's params, and the
// params its Plugin does not declare are dropped, as run_event drops them. nullopt when `job` is
// not a Cronicle event, or when the merged params do not make a job (the run then runs as its
// event; Cronicle would launch it and let the Plugin fail).
std::optional<run_override> chain_params_change(const job_spec& job, std::string_view chain_params,
                                                const event_context& ctx);

}  // namespace mainspring::http::cronicle
