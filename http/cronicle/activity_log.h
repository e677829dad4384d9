// activity_log: Cronicle's activity log (get_activity, the UI's Admin > Activity Log), read from
// Mainspring's audit log.
//
// Cronicle's logActivity (lib/engine.js) unshifts {<object>, action, epoch, ip, headers, username
// or api_key + api_title} onto logs/activity for each admin change. Here every change is already
// an audit entry (core/audit_entry.h); this unit turns the entries of the dialect's group and
// the global ones (group "": API keys, the scheduler's switch) into Cronicle's rows, whichever
// API made them:
//
//   job.add            event_create   {event: {id, title}}
//   job.edit           event_update   {event: {id, title}}
//   job.pause/activate event_update   {event: {id, title, enabled}} (not through Cronicle's API,
//                                     where update_event's own edit entry is the row)
//   job.delete         event_delete   {event: {id, title}}
//   job.run            job_run        {id, event} (Cronicle with track_manual_jobs; a launch that
//                                     only queued has no job, as in Cronicle, and no row)
//   job.abort          job_complete   {id, event, code: 1, description: "Job Aborted: <reason>",
//                                     hostname}: what Cronicle's log shows of an aborted job
//   job.update_run     job_update     {id, event}: Cronicle keeps it in its transaction log only
//   job.delete_runs    job_delete     {id, event}
//   pool.add/edit/delete  cat_create/cat_update/cat_delete  {cat: {id, title}}
//   document.add/edit/delete of a custom Plugin  plugin_create/_update/_delete  {plugin: {id, title}}
//   scheduler.pause/resume  state_update  {enabled: 0/1}
//   apikey.create/bootstrap/edit/delete  apikey_create/_update/_delete
//                                     {api_key: {id, title, active, privileges}}, never its secret
//
// Every row carries action and epoch (unix seconds), ip (the request's peer address) when the
// entry kept one, and, for a change an API key made, api_key (the key's id, never its secret as
// Cronicle shows it) and api_title. The audit keeps no headers; an object holds the fields the
// entry kept (an event's id and title, not Cronicle's whole event). Entries Cronicle has no row for (a flush of a queue, a
// replay, a Lua function, a group's registration, an import) are left out.
//
// Example:
//   activity_context ctx{"cronicle", event_titles, category_titles, key_titles, "host-1"};
//   nlohmann::json rows = activity_rows(entries, ctx);  // entries oldest first, rows newest first
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/audit_entry.h"

namespace mainspring::http::cronicle {

// What a row shows beyond its entry: names as they are now, for entries that kept none.
struct activity_context {
  std::string group;                                  // the dialect's group
  std::map<std::string, std::string> event_titles;    // event id -> its title now
  std::map<std::string, std::string> category_titles; // category id -> its title now
  std::map<std::string, std::string> key_titles;      // API key id -> its title now
  std::string hostname;                               // what an aborted job shows as its server
};

// The rows of `entries` (oldest first, as group_audit_log answers them), newest first, each as
// Cronicle's activity log keeps it; entries of other groups and those Cronicle would not log are
// left out.
nlohmann::json activity_rows(const std::vector<audit_entry>& entries, const activity_context& ctx);

}  // namespace mainspring::http::cronicle
