// event_json: a Cronicle event as a Mainspring job, and back.
//
// Every Cronicle event is a job of one group (--cronicle-group, "cronicle"): its id is the
// event id, its name the title. What the core runs is mapped: `enabled` (0 = paused), `timing`
// (a Cronicle timing schedule, core/schedule.h; no timing = @manually, on demand only) in
// `timezone` (the server's zone when none), `plugin` + `params` (plugins.h; a custom Plugin's:
// custom_plugins.h), `timeout`
// (seconds; 0 = Mainspring's longest, 24 h, which also caps longer ones), `retries`,
// `retry_delay`, `catch_up` (missed runs after downtime all run: misfire `all`), and the job's
// controls (core/job_controls.h): `max_children` (runs at once; 0 = no limit), `queue` /
// `queue_max` (a run over max_children waits, first in first out; queue_max 0 = Mainspring's
// cap, k_max_queued_runs), `chain` / `chain_error` (the event run after a success / a failure
// that no client aborted), `web_hook` (POSTed the job at its start and end, shaped by
// hook_json.h), and the resource limits (cpu_limit, cpu_sustain, memory_limit, memory_sustain,
// log_max_size; limits_json.h), shown from the job; `category` names the job's run pool
// (controls.pool: categories.h), and is kept as given. Every other field of the event (target,
// algo, notes, notifications, ...) is kept as given in the job's "cronicle" dialect section and
// shown again, with no effect.
// An API key is never kept: Cronicle stores the creator's key in the event, Mainspring does not.
//
// Example:
//   json event = merged_event(current_section, params);         // update_event's merge
//   auto spec = to_job_spec(event, {.group = "cronicle"}, "e0kq1z3ab01");
//   if (!spec.ok()) return reply.send(failure(spec.error()));
//   json shown = event_json(view, ctx);                             // get_event's "event"
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/scheduler_api.h"
#include "core/job.h"
#include "http/cronicle/errors.h"

namespace mainspring::http::cronicle {

inline constexpr std::string_view k_dialect_name = "cronicle";
// The category of Cronicle's default setup (categories.h: default_category).
inline constexpr std::string_view k_default_category = "general";
inline constexpr std::string_view k_category_title = "General";

class plugin_catalog;  // custom_plugins.h

struct event_context {
  std::string group = "cronicle";
  std::string default_timezone = "UTC";  // shown for an event that names no zone
  // The group's custom Plugins, read for the call (with_plugins); null: the stock ones only.
  std::shared_ptr<const plugin_catalog> plugins;
};

// The group's custom Plugins as `api` holds them now (read at once).
std::shared_ptr<const plugin_catalog> group_plugins(const scheduler_api& api, const std::string& group);
// `ctx` with them.
event_context with_plugins(event_context ctx, const scheduler_api& api);

// A fresh id in Cronicle's style (its getUniqueID): `prefix`, the time in ms (base 36, 8
// digits), a counter (base 36, 2 digits).
std::string new_unique_id(char prefix);
// An event's: new_unique_id('e').
std::string new_event_id();
// Cronicle's normalization of a caller's id: lower-case, non-word characters removed.
std::string normalized_event_id(std::string_view id);

// Fields a caller may send that are never kept: keys, sessions, one-shot update flags and the
// launch context Cronicle strips (cwd, uid, gid, env).
bool is_transient_field(std::string_view name);

// create_event's checks of a new event, in Cronicle's order and words (the required params, then
// validate_event_data), then Cronicle's defaults filled in: max_children, timeout, timezone (the
// server's) and params. `event` is completed in place; the error stops the call.
std::optional<api_error> prepare_new_event(nlohmann::json& event, const event_context& ctx);

// `current` (an event as event_json shows it, or {}) with every field of `params` replacing its
// own, minus the transient fields.
nlohmann::json merged_event(nlohmann::json current, const nlohmann::json& params);
// The same, taking the fields of `params` instead of copying them.
nlohmann::json merged_event(nlohmann::json current, nlohmann::json&& params);

// The job for `event` (complete: title, plugin, category checked by the caller). Errors are
// Cronicle's "event" / "api" refusals.
or_error<job_spec> to_job_spec(const nlohmann::json& event, const event_context& ctx, const std::string& id);
// The same, taking the kept fields of `event` into the job instead of copying them.
or_error<job_spec> to_job_spec(nlohmann::json&& event, const event_context& ctx, const std::string& id);

// The event as Cronicle shows it: the kept section, the mapped fields read from the job as it
// is now, and Cronicle's defaults for every field of the event table never given.
nlohmann::json event_json(const job_view& view, const event_context& ctx);

}  // namespace mainspring::http::cronicle
