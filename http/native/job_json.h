// job_json: the native API's request bodies decoded into the job model, and the job model
// encoded as the native API's payloads (seed 000 and the extensions in README).
//
// Decoding checks each field's JSON type and names the field in its message ("timeout: must be a
// number of seconds, got string"); unknown fields are ignored, as the original's Go decoder
// ignores them. The values themselves (patterns, names, ranges) are validated by the scheduler
// (validate_job) so that every dialect gets the same rules.
//
// Units on the wire: exec_time, next_fire_time, last_success, last_error in unix seconds;
// timeout and retry_delay in seconds (fractions allowed); run records in unix milliseconds.
//
// Example:
//   auto body = parse_json_object(req.body);
//   auto spec = job_spec_from_json(*body);          // {"group_name": "YM55", "timeout": 1.5, ...}
//   spec->timeout_ms == 1500;
//   nlohmann::json item = job_list_item_json(view); // {"name", "id", "exec_time", ...}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/scheduler_api.h"
#include "core/job.h"
#include "core/run_record.h"
#include "core/status.h"

namespace mainspring::http::native {

// -- decoding --

// POST /v1/add/job. group_name, name, interval_pattern, request_url, exec_command, job_id,
// exec_time (number or numeric string), timeout (s), memo and the extensions timezone, retries,
// retry_delay (s), concurrency, misfire, metadata (an object of strings), controls (an object:
// controls_json.h). A timeout of 0 means the default (the original treats it as "not set").
status_or<job_spec> job_spec_from_json(const nlohmann::json& body);

// POST /v1/edit/job: which job, and what changes.
struct job_edit {
  std::string group;
  std::string job_id;
  job_patch patch;
};
// group_name and job_id (or the original's `id`) are required; exec_command may also be spelled
// exec_cmd. Every other field of job_spec_from_json that is present goes into the patch.
status_or<job_edit> job_edit_from_json(const nlohmann::json& body);

// The {"group_name", "job_id"} of pause, active and delete; both required and well-formed.
struct job_ref {
  std::string group;
  std::string job_id;
};
status_or<job_ref> job_ref_from_json(const nlohmann::json& body);

// {"group_name"} of register and remove group; required and well-formed.
status_or<std::string> group_name_from_json(const nlohmann::json& body);

// exec_time of POST /v1/active/job: absent = 0 (now); negative or past the year 9999 -> 400.
status_or<int64_t> exec_time_from_json(const nlohmann::json& body);
// What /v1/active/job's body asks for: its exec_time, or with the extension `"next_fire": true`
// (no exec_time then) k_first_fire_by_schedule: resume at the schedule's next fire, no run now.
status_or<int64_t> activate_time_from_json(const nlohmann::json& body);
// The time a run-now body's run stands for (`plan_time`, unix seconds, a numeric string too), in
// ms: 0 (now) when absent or the body is empty; "plan_time: ..." for a negative one or one past
// the year 9999; "malformed JSON body: ..." for a body that is not a JSON object.
status_or<int64_t> run_as_of_ms_from_body(std::string_view body);

// -- encoding --

// "active", "paused", "done".
const char* phase_json_name(job_phase phase);

// One element of GET /v1/{group}/job/list: {name, id, exec_time (next fire, unix s, 0 = none),
// otp_token, interval_pattern, request_url, exec_cmd, group_name, active, memo}.
nlohmann::json job_list_item_json(const job_view& job);
// The same item written straight into `out` as JSON text (the whole list route: no value per field).
// About how many bytes append_job_list_item() adds for a job (~220 for the bench's jobs): what a
// whole list reserves for each, a size hint, not a limit.
inline constexpr std::size_t k_job_list_item_guess = 256;
void append_job_list_item(std::string& out, const job_view& job);

// GET /v1/{group}/job/{job_id}: every spec field under its native name, then phase,
// next_fire_time (unix s or null), counts {runs, successes, failures, skipped, retries, running},
// last_success and last_error (unix s or null) and last_run (a run record or null).
nlohmann::json job_detail_json(const job_view& job);

// One run: run_id (a decimal string: 64-bit ids do not fit a JavaScript number), job_id,
// group_name, trigger, attempt, state, plan_time_ms, start_time_ms, end_time_ms (null while
// running), duration_ms, lateness_ms, code, output_tail, error, node, cause, and reported (what
// the command reported of itself, run_record::reported, an object; null for nearly every run).
nlohmann::json run_record_json(const run_record& run);
// A worker node as the node list shows it: the seed's fields (hostname, ip, mac, otp_token
// (always ""), boradcast_addr, grpclisten, machine_code, group_name) and node_id, status
// ("up" | "down"), last_seen and registered (unix s), tags, running (runs in flight).
nlohmann::json node_json(const node_view& node);

}  // namespace mainspring::http::native
