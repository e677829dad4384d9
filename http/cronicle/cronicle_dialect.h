// cronicle_dialect: Cronicle's JSON API (seed 004) on its own listener (--cronicle-listen), over
// the Mainspring core.
//
// Every call is /api/app/<name>/v1 (or /api/app/<name>, or another last segment, as Cronicle's
// API router reads only the name), by GET with a query or POST with a JSON body (a form body is read
// too); the answer is always HTTP 200 JSON with `code` 0 or Cronicle's error code and
// description (errors.h), and Access-Control-Allow-Origin: *. JSONP (`callback`) stays off, as
// Cronicle ships it. Events are jobs of one group (`group`, default "cronicle", created at
// start; event_json.h); jobs are their runs (job_json.h).
//
// Calls: get_schedule, get_event, create_event, update_event, delete_event, run_event,
// get_event_history, get_history, get_job_status, get_job_details, get_job_log,
// get_active_jobs, update_job, abort_job, get_master_state, update_master_state, the key calls
// (get_api_keys, get_api_key, create_api_key, update_api_key, delete_api_key), the category calls
// (get_categories, create_category, update_category, delete_category: categories.h), the Plugin
// calls (get_plugins, create_plugin, update_plugin, delete_plugin: custom_plugins.h), ping. Any
// other name: {"code":1,"description":"Unsupported API: app/api_<name>"}.
//
// API keys: the dialect always wants one (dialect::requires_api_key), from X-API-Key, ?api_key=
// or the body's api_key, with the privilege Cronicle's call asks (key_requirements): reads any
// enabled key; create_event create_events; update_event and update_job edit_events (and
// abort_events too with abort_jobs); delete_event delete_events; run_event run_events;
// abort_job abort_events; update_master_state state_update; the key calls and the category and
// Plugin changes admin (get_categories and get_plugins any key); ping and unknown names none. As
// Cronicle, a call first checks what its handler checks before loading a session (required
// parameters, event data: before_session.h) and answers that refusal whatever key came.
//
// Example:
//   http::dialect d = cronicle::make_dialect({.group = "cronicle", .hostname = "host-1"});
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/group_document.h"
#include "core/run_pool.h"
#include "http/dialect.h"

namespace mainspring::http::cronicle {

struct cronicle_options {
  std::string group = "cronicle";
  std::string hostname;                  // jobs' hostname ("" = "localhost")
  std::string default_timezone = "UTC";  // the zone of events that name none (--timezone)
  std::string base_app_url;              // Cronicle's base_app_url: "http://" + the listen address
  // The group's categories (scheduler_api::run_pools), for the jobs the hook and stdin
  // formatters show (hook_json.h); null: each shows its category's id as its title.
  std::function<std::vector<run_pool_spec>(const std::string& group)> categories;
  // The group's documents of a kind (scheduler_api::group_documents), for the same jobs' custom
  // Plugins (custom_plugins.h); null: none.
  std::function<std::vector<group_document>(const std::string& group, const std::string& kind)> documents;
};

dialect make_dialect(cronicle_options options);

// What each call needs of a key (exposed for the tests).
key_requirement_fn key_requirements();
// The key a request presents: X-API-Key, else ?api_key=, else the body's api_key.
std::string presented_key(const http_request& request);

}  // namespace mainspring::http::cronicle
