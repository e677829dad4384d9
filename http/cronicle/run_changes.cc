#include "http/cronicle/run_changes.h"

#include <algorithm>
#include <array>

#include "actors/scheduler_api.h"  // job_view
#include "http/cronicle/cronicle_dialect.h"
#include "http/cronicle/custom_plugins.h"
#include "http/cronicle/js_values.h"
#include "http/cronicle/plugins.h"
#include "http/dialect_data.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 11> k_in_flight_fields = {
    "timeout",  "retries",      "retry_delay",    "chain",          "chain_error", "web_hook",
    "cpu_limit", "cpu_sustain", "memory_limit",   "memory_sustain", "log_max_size"};

bool has(const json& changes, const char* field) { return changes.contains(field); }

// Cronicle's launchJob copies into the job only the params its Plugin declares: a run_event may
// pass any others (its API documents "arbitrary new ones"), which the job does not keep.
void keep_declared_params(json& event, const event_context& ctx) {
  const std::string_view id = string_in_place(event, "plugin");
  const plugin_info* plugin = find_plugin(id);
  const json* custom = !plugin && ctx.plugins ? ctx.plugins->find(id) : nullptr;
  auto params = event.find("params");
  if ((!plugin && !custom) || params == event.end() || !params->is_object()) return;
  auto declared = [&](const std::string& name) {
    if (plugin) return std::find(plugin->params.begin(), plugin->params.end(), name) != plugin->params.end();
    return !check_custom_params(*custom, json::object({{name, nullptr}}));
  };
  for (auto it = params->begin(); it != params->end();) it = declared(it.key()) ? std::next(it) : params->erase(it);
}

}  // namespace

bool changes_a_run(std::string_view field, run_fields which) {
  if (which == run_fields::at_launch && (field == "params" || field == "plugin")) return true;
  for (auto f : k_in_flight_fields)
    if (f == field) return true;
  return false;
}

or_error<run_override> run_change(const json& event, const json& changes, const event_context& ctx,
                                  const std::string& id, run_fields which) {
  json taken = json::object();
  for (auto it = changes.begin(); it != changes.end(); ++it)
    if (changes_a_run(it.key(), which)) taken[it.key()] = *it;
  json merged = merged_event(event, taken);
  if (which == run_fields::at_launch) keep_declared_params(merged, ctx);
  auto spec = to_job_spec(merged, ctx, id);
  if (!spec.ok()) return spec.error();
  const bool new_target = has(taken, "params") || has(taken, "plugin");
  run_override change;
  if (new_target) change.target = spec->target;
  // A urlplug's own params.timeout caps the event's: a new target may bring a new timeout.
  if (new_target || has(taken, "timeout")) change.timeout_ms = spec->timeout_ms;
  if (has(taken, "retries")) change.retries = spec->retries;
  if (has(taken, "retry_delay")) change.retry_delay_ms = spec->retry_delay_ms;
  const job_controls& c = spec->controls;
  run_controls_patch& p = change.controls;
  if (has(taken, "chain")) p.on_success = c.on_success;
  if (has(taken, "chain_error")) p.on_failure = c.on_failure;
  if (has(taken, "web_hook")) {
    p.hook_url = c.hook_url;
    p.hook_format = c.hook_format;
  }
  if (has(taken, "cpu_limit")) p.cpu_limit_percent = c.cpu_limit_percent;
  if (has(taken, "cpu_sustain")) p.cpu_sustain_s = c.cpu_sustain_s;
  if (has(taken, "memory_limit")) p.memory_limit_bytes = c.memory_limit_bytes;
  if (has(taken, "memory_sustain")) p.memory_sustain_s = c.memory_sustain_s;
  if (has(taken, "log_max_size")) p.log_max_bytes = c.log_max_bytes;
  return change;
}

std::optional<run_override> chain_params_change(const job_spec& job, std::string_view chain_params,
                                                const event_context& ctx) {
  if (dialect_section(job.dialect_data, k_dialect_name).empty()) return std::nullopt;
  const json given = json::parse(chain_params, nullptr, /*allow_exceptions=*/false);
  if (!given.is_object() || given.empty()) return std::nullopt;
  job_view view;
  view.spec = job;
  const json event = event_json(view, ctx);
  json params = event.value("params", json::object());
  for (auto it = given.begin(); it != given.end(); ++it) params[it.key()] = *it;  // Tools.mergeHashInto
  auto change = run_change(event, {{"params", std::move(params)}}, ctx, job.id, run_fields::at_launch);
  if (!change.ok()) return std::nullopt;
  return std::move(*change);
}

}  // namespace mainspring::http::cronicle
