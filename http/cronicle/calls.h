// calls: the Cronicle API calls, one function each, shared by cronicle_dialect.cc (which routes
// /api/app/<name>[/v1] to them) and the unit tests. Internal to http/cronicle.
//
// Each call gets the request's parameters as Cronicle reads them (call_args) and answers once
// through call_args::reply, always HTTP 200 in Cronicle's shape (errors.h).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/api_key_registry.h"
#include "actors/scheduler_api.h"
#include "http/cronicle/event_json.h"
#include "http/responder.h"

namespace mainspring::http::cronicle {

// Rows a history list reads at most (Mainspring keeps --history-runs per event anyway).
inline constexpr std::size_t k_max_history_rows = 100'000;
// The newest runs of an event read to find its runs in flight: far more than any event's
// max_children in practice.
inline constexpr std::size_t k_max_runs_in_flight_read = 64;
// The newest runs of an event read to follow a failed job's retries (first_tries): a chain
// older than these is shown as its tries up to there.
inline constexpr std::size_t k_retry_chain_scan = 256;
// Deleted events read at most to show their jobs (kept --deleted-job-history, as Cronicle keeps a
// deleted event's completed jobs): far more than are deleted in that time in practice.
inline constexpr std::size_t k_max_deleted_events_read = 10'000;

// pixl-server-storage's listFindUpdate / listFindDelete error for an id no item has, as Cronicle's
// calls append it ("Failed to update API Key: " + err).
inline constexpr std::string_view k_item_not_found = "Error: Item not found";

struct cronicle_state {
  event_context events;  // group, default zone
  std::string hostname;  // what jobs show as their hostname
  // The key registry, once the listener has one (dialect::add_key_routes); update_event with
  // abort_jobs checks the second privilege it needs here.
  std::atomic<api_key_registry*> keys{nullptr};
};
using state_ptr = std::shared_ptr<cronicle_state>;

// The stored title of the key with id `key_id` ("" when it has none); nullopt when the listener
// has no registry or the registry does not know the key.
std::optional<std::string> stored_key_title(const state_ptr& s, std::string_view key_id);

// A key's privileges as Cronicle's object of 1/0, every privilege named.
nlohmann::json privileges_json(const privilege_set& granted);

// The title of the key with id `key_id`, as Cronicle's refusals name a key (requirePrivilege's
// user.title); its id when it has none or the registry does not know it.
std::string key_title(const state_ptr& s, std::string_view key_id);

struct call_args {
  nlohmann::json params;  // merged as the call merges body and query (Cronicle's args.params)
  nlohmann::json query;   // the query, every value a string
  request_origin origin;  // for the audit log: the dialect and the admitting key's id
  std::string presented_key;
  responder reply;
};

using call_fn = void (*)(scheduler_api&, const state_ptr&, call_args);

// -- events (event_calls.cc) --
void get_schedule(scheduler_api& api, const state_ptr& s, call_args a);
void get_event(scheduler_api& api, const state_ptr& s, call_args a);
void create_event(scheduler_api& api, const state_ptr& s, call_args a);
void update_event(scheduler_api& api, const state_ptr& s, call_args a);
void delete_event(scheduler_api& api, const state_ptr& s, call_args a);
void run_event(scheduler_api& api, const state_ptr& s, call_args a);
void get_event_history(scheduler_api& api, const state_ptr& s, call_args a);

// -- API keys (key_calls.cc); the listener admits only admin keys to them --
void get_api_keys(scheduler_api& api, const state_ptr& s, call_args a);
void get_api_key(scheduler_api& api, const state_ptr& s, call_args a);
void create_api_key(scheduler_api& api, const state_ptr& s, call_args a);
void update_api_key(scheduler_api& api, const state_ptr& s, call_args a);
void delete_api_key(scheduler_api& api, const state_ptr& s, call_args a);

// -- the server (server_calls.cc); the listener admits only admin keys --
void get_servers(scheduler_api& api, const state_ptr& s, call_args a);

// -- the activity log (activity_calls.cc); the listener admits only admin keys --
void get_activity(scheduler_api& api, const state_ptr& s, call_args a);

// -- categories (category_calls.cc); the listener admits only admin keys to the changes --
void get_categories(scheduler_api& api, const state_ptr& s, call_args a);
void create_category(scheduler_api& api, const state_ptr& s, call_args a);
void update_category(scheduler_api& api, const state_ptr& s, call_args a);
void delete_category(scheduler_api& api, const state_ptr& s, call_args a);

// -- Plugins (plugin_calls.cc); the listener admits only admin keys to the changes --
void get_plugins(scheduler_api& api, const state_ptr& s, call_args a);
void create_plugin(scheduler_api& api, const state_ptr& s, call_args a);
void update_plugin(scheduler_api& api, const state_ptr& s, call_args a);
void delete_plugin(scheduler_api& api, const state_ptr& s, call_args a);
// Edits each event of the custom Plugin `plugin_id` ("" = of any) whose job does not run what
// its Plugin now says, so that its next run does; `done` gets how many were edited (on whichever
// thread answers last).
void sync_plugin_events(scheduler_api& api, const state_ptr& s, request_origin origin, std::string plugin_id,
                        std::function<void(std::size_t)> done);

// -- jobs and state (job_calls.cc) --
void get_history(scheduler_api& api, const state_ptr& s, call_args a);
void get_job_status(scheduler_api& api, const state_ptr& s, call_args a);
void get_active_jobs(scheduler_api& api, const state_ptr& s, call_args a);
void update_job(scheduler_api& api, const state_ptr& s, call_args a);
void flush_event_queue(scheduler_api& api, const state_ptr& s, call_args a);
void abort_jobs(scheduler_api& api, const state_ptr& s, call_args a);
void update_jobs(scheduler_api& api, const state_ptr& s, call_args a);
void abort_job(scheduler_api& api, const state_ptr& s, call_args a);
void get_master_state(scheduler_api& api, const state_ptr& s, call_args a);
// The job's log as text/plain (here its recorded output tail, bounded as every run's is), or
// Cronicle's JSON refusal for a job it holds no record of; `download` adds Cronicle's
// attachment header.
void get_job_log(scheduler_api& api, const state_ptr& s, call_args a);
void get_job_details(scheduler_api& api, const state_ptr& s, call_args a);
void delete_job(scheduler_api& api, const state_ptr& s, call_args a);  // admin keys only
void update_master_state(scheduler_api& api, const state_ptr& s, call_args a);

// A job in flight: its run, its event as the run runs it (event_as_run: with the run's own
// fields) and the job as Cronicle shows it.
struct active_job {
  run_record run;
  nlohmann::json event;
  nlohmann::json job;
  bool pending = false;  // waiting for its retry: `run` is the failed try it follows
};

// Every job in flight of the Cronicle group, and every job waiting for its retry, to `done` (on
// whichever thread answers last).
void all_active_jobs(scheduler_api& api, const state_ptr& s, std::function<void(std::vector<active_job>)> done);

// The jobs of event `v` in flight (get_event's "jobs", get_active_jobs), to `done` on whichever
// thread answers last.
void active_jobs(scheduler_api& api, const state_ptr& s, const job_view& v,
                 std::function<void(std::vector<active_job>)> done);

}  // namespace mainspring::http::cronicle
