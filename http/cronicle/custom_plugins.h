// custom_plugins: Cronicle's Plugins as its API lists and stores them (lib/api/plugin.js), and
// what a job of a custom Plugin runs (lib/job.js: launchJob, launchLocalJob).
//
// The stock Plugins (plugins.h: shellplug, urlplug, testplug) are listed with the fields
// Cronicle's setup.json gives them and cannot be changed here (they map onto the executors, not
// onto a command). A custom Plugin is kept whole, as the client sent it (id, title, enabled,
// command, cwd, uid, gid, params [{id, type, title, value, ...}], created, modified, any other
// field), as a group document of kind k_plugin_kind named by its id (core/group_document.h).
//
// A job of a custom Plugin is a shell target running the Plugin's command (plugin_command.h)
// with the job's params as Cronicle makes them (job_params), its job's JSON on stdin and its
// stdout read as Cronicle's JSON stream (progress, complete, code, description, perf, ...:
// shell_target::json_lines; any other line is output, as Cronicle writes it to the job's log).
//
// Example:
//   if (auto e = check_new_plugin(params)) return reply.send(failure(*e));   // before the key
//   plugin_catalog plugins(api.group_documents("cronicle", std::string(k_plugin_kind)));
//   if (const auto* p = plugins.find("p1")) auto run = custom_plugin_target(*p, event, fields);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/executor_target.h"
#include "core/group_document.h"
#include "http/cronicle/errors.h"

namespace mainspring::http::cronicle {

// The group document kind that holds the custom Plugins.
inline constexpr std::string_view k_plugin_kind = "cronicle.plugin";
// The most custom Plugins (the core holds k_max_group_documents of a kind).
inline constexpr std::size_t k_max_custom_plugins = 500;
static_assert(k_max_custom_plugins <= k_max_group_documents);
// The most params one Plugin declares.
inline constexpr std::size_t k_max_plugin_params = 64;

// setup.json's Plugins, in its order (testplug, shellplug, urlplug).
const nlohmann::json& stock_plugin_rows();

// create_plugin's checks before the session, in Cronicle's order and words: title and command
// required, validateOptionalParams (enabled, cwd, uid, gid), no HTML in the title, the command
// (plugin_command.h) and the params (requireValidPluginParams).
std::optional<api_error> check_new_plugin(const nlohmann::json& params);
// update_plugin's: id required, then the same of the fields given (command and params when truthy).
std::optional<api_error> check_plugin_changes(const nlohmann::json& params);

// An event's params against its custom Plugin: a param the Plugin does not declare is refused
// ("Unknown Plugin parameter: x", code "event"), as Cronicle's requireValidEventParams.
std::optional<api_error> check_custom_params(const nlohmann::json& plugin, const nlohmann::json& params);

// The job's params (Cronicle's launchJob): each param the Plugin declares, in its order, with the
// event's value unless the param is hidden or the event has none, else the Plugin's value.
nlohmann::json job_params(const nlohmann::json& plugin, const nlohmann::json& event_params);

// What a job of `plugin` runs for `event` (its params checked); `job_fields` are the event's
// fields as the job has them (JOB_<FIELD> variables: strings, numbers, booleans).
executor_target custom_plugin_target(const nlohmann::json& plugin, const nlohmann::json& event,
                                     const nlohmann::json& job_fields);

// The custom Plugins of a group, read once.
class plugin_catalog {
 public:
  plugin_catalog() = default;
  explicit plugin_catalog(const std::vector<group_document>& documents);
  // The custom Plugin `id`, or null.
  const nlohmann::json* find(std::string_view id) const;
  // Newest first, as Cronicle unshifts each created Plugin onto its list.
  const std::vector<nlohmann::json>& plugins() const { return plugins_; }
  // For a job (job_json.h) of a custom Plugin: its plugin_title, and with `job_fields` the
  // command, cwd, uid, gid and params (job_params) Cronicle copies from the Plugin into the job
  // (a history row has none of those). Others are left as they are.
  void show(nlohmann::json& job, bool job_fields = true) const;

 private:
  std::vector<nlohmann::json> plugins_;
};

// The document that stores `plugin` (an object with its id).
group_document plugin_document(const nlohmann::json& plugin);

}  // namespace mainspring::http::cronicle
