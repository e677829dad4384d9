// job_json: Cloudtask's job, job log and allocation table in JSON, read into Mainspring's job
// model and written back from it (the translation half of the Cloudtask dialect).
//
// A Cloudtask job (cloudtask-web's JobInfo, common/models Job) is a Mainspring job in the group
// named like its runtime (`location`), whose target runs `cmd` on one worker node of that group:
//   jobid      the job id (24 lower-case hex digits when created here)
//   name       name (unique among the jobs of one `groupid`, as cloudtask-web checks)
//   location   the group
//   servers    the servers the job is limited to, each a node id, host name or IP address as the
//              center matches them (remote_target.nodes; [] = any live node)
//   cmd, env   remote_target{command, env ("K=V" strings), allocated}
//   timeout    seconds; 0 (wait forever) is Mainspring's longest timeout, k_max_timeout_ms
//   enabled    1 = active, 0 = paused (a paused job leaves the allocation table, as a disabled
//              one leaves Cloudtask's)
//   schedule   calendar rules (core/calendar_rules.h) as the job's schedule, in the server's
//              zone; required; [] = runs only when started through jobs/action
//   groupid, filename, description, notifysetting, createuser, edituser, createat, editat:
//              kept for the web's clients in the job's "cloudtask" dialect section
//   files      the job's past filenames, kept there too: never read from a body (the web's
//              routes set it as cloudtask-web does, web_echo.h)
//   stat, execerr, execat, nextat: what the job is doing (stat_of), never read from a body.
//
// Example:
//   auto job = decode_job(body, /*require_id=*/false);    // "schedule[0].interval: ..."
//   if (!job.ok()) return refuse(job.status());
//   job_spec spec = to_job_spec(*job, new_cloudtask_job_id(), now_ms);
//   nlohmann::json out = job_json(view, job_stat{.allocated = true});
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/scheduler_api.h"
#include "core/status.h"

namespace mainspring::http::cloudtask {

inline constexpr std::string_view k_dialect_name = "cloudtask";
inline constexpr std::size_t k_job_id_hex_digits = 24;  // cloudtask-web's getRandomId()
inline constexpr std::size_t k_max_env_entries = 64;
// Go's zero time.Time as cloudtask-web shows it in execat and nextat for "never": the center
// stores times in MongoDB as dates, which the web's JSON.stringify writes as Date's toISOString.
inline constexpr std::string_view k_zero_time = "0001-01-01T00:00:00.000Z";

// Cloudtask's job states (common/models jobstate.go).
inline constexpr int k_state_realloc = 202;  // waiting for a server (none live)
inline constexpr int k_state_started = 200;  // running
inline constexpr int k_state_stopped = 0;    // idle: stopped, or its last run succeeded
inline constexpr int k_state_failed = -1;    // its last run failed (execerr says why)

// A job as a create or update body gives it, checked.
struct ct_job {
  std::string jobid;  // "" on create
  std::string name;
  std::string location;
  std::vector<std::string> servers;
  std::string cmd;
  std::vector<std::string> env;  // "K=V"
  int64_t timeout_s = 0;
  bool enabled = true;
  std::string schedule_text;  // canonical calendar rules (JSON array text); "" = none
  nlohmann::json section;     // the dialect section: groupid, filename, description, ...
};

// Reads a job body. Every error is invalid_argument naming the field ("env[1]: expects
// \"NAME=value\""). With require_id, `jobid` must be given (an update).
status_or<ct_job> decode_job(const nlohmann::json& body, bool require_id);

// The Mainspring job for `job` with id `id`, created or edited at `now_ms` (unix ms). Rules
// without an id, or whose id another rule of the job has, get a fresh distinct one.
job_spec to_job_spec(const ct_job& job, const std::string& id, int64_t now_ms);

// A fresh job id: 24 lower-case hex digits.
std::string new_cloudtask_job_id();

// What a job is doing, in Cloudtask's words.
struct job_stat {
  bool allocated = false;  // in the allocation table with a live node
};
int stat_of(const job_view& view, const job_stat& placement);

// What a stop action's abort records (the core's reason for an abort through this API).
inline constexpr std::string_view k_stop_action_reason = "stopped through the cloudtask API";
// cloudtask-agent's ErrExecuteDeadline.
inline constexpr std::string_view k_deadline_error =
    "the job has been executed for too long and has exceeded the timeout threshold.";

// A finished run as cloudtask-agent reports it (driver/core.go): STATE_STOPED (0) without error
// for a success or a run ended by the stop action, else STATE_FAILED (-1) with the agent's
// execerr: "job execute exception:exit status 3", "...:signal: killed", or ErrExecuteDeadline
// for a timeout; other failures keep Mainspring's text.
struct agent_outcome {
  int stat = 0;
  std::string execerr;
};
agent_outcome agent_outcome_of(const run_record& run);

// The job as cloudtask-web answers it (JobInfo), with stat, execerr, execat and nextat, and the
// `_id` of its document (mongo_id.h).
nlohmann::json job_json(const job_view& view, const job_stat& placement);

// The center's jobs/{id}/base answer (common/models JobBase): `version` is the job's entry
// version in the allocation table (0 when not placed).
nlohmann::json job_base_json(const job_view& view, uint64_t version);

// A finished run as a Cloudtask job log row (common/models JobLog, with its document's `_id`,
// mongo_id.h). `ipaddr` is the node's;
// `exectimes` is the run's duration in seconds (the agent's time.Since(start).Seconds()).
nlohmann::json job_log_json(const run_record& run, const job_view* job, const std::string& ipaddr);

// The log state of a run: 0 succeeded, -1 otherwise (the agent's STATE_STOPED / STATE_FAILED).
int log_stat_of(const run_record& run);

// Unix ms as cloudtask-web writes execat and nextat, a JS Date's toISOString
// ("2018-03-19T02:45:00.000Z", always the milliseconds); 0 as Go's zero time, k_zero_time.
std::string time_json(int64_t unix_ms);
// Unix ms as cloudtask-web writes a job's createat and editat, moment().format() on a server in
// UTC ("2018-03-19T02:40:00+00:00", no fraction).
std::string moment_time_json(int64_t unix_ms);

}  // namespace mainspring::http::cloudtask
