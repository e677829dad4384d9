// The group and job model that every API dialect maps onto, and its validation.
//
// A job_spec is what a user asked for (schedule, executor target, policies); what happens at run
// time (next fire, counts, last outcome) lives in the job actor. validate_job() checks a spec
// before anything changes and names the offending field in its message, so that each dialect
// can hand the message to its client (renamed into its own vocabulary).
//
// Nothing here is any dialect's wire format: the target is a typed value (core/executor_target.h;
// the native request_url/exec_command spelling is core/native_target.h) and the schedule is
// the canonical text parse_schedule() reads back for every kind (core/schedule.h).
//
// Example:
//   job_spec job;
//   job.group = "YM55"; job.name = "Hello"; job.schedule = "@every 5s";
//   job.target = http_target{.url = "http://127.0.0.1:9999?test=yao"};
//   if (auto st = validate_job(job); !st.ok()) return st;   // "interval_pattern: ..."
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/executor_target.h"
#include "core/job_controls.h"
#include "core/status.h"
#include "core/time_types.h"

namespace mainspring {

// -- limits --
inline constexpr std::size_t k_max_id_bytes = 22;          // native group names and job ids
inline constexpr std::size_t k_max_job_id_bytes = 128;     // any dialect's job ids (Dkron names)
inline constexpr std::size_t k_max_job_name_bytes = 128;
inline constexpr std::size_t k_max_memo_bytes = 4096;
inline constexpr std::size_t k_max_metadata_entries = 64;
inline constexpr std::size_t k_max_dialect_data_bytes = 64 * 1024;
inline constexpr int k_max_retries = 100;
inline constexpr int64_t k_max_timeout_ms = 24LL * 3600 * 1000;
inline constexpr int64_t k_default_timeout_ms = 60'000;
// The latest exec_time accepted: 9999-12-31T23:59:59Z (later ones overflow milliseconds math).
inline constexpr int64_t k_max_exec_time_s = 253402300799;
// exec_time_s (and activate's) meaning "the schedule's first fire after now" rather than "now":
// how Dkron starts and resumes jobs. The native API cannot send it (its exec_time is >= 0).
inline constexpr int64_t k_first_fire_by_schedule = -1;

// A byte each: compact_job_spec holds them beside its flags (the store writes every enum as a byte).
enum class concurrency_policy : uint8_t { allow, forbid };
enum class misfire_policy : uint8_t { skip, once, all };

const char* concurrency_policy_name(concurrency_policy p);
const char* misfire_policy_name(misfire_policy p);
status_or<concurrency_policy> parse_concurrency_policy(std::string_view text);  // allow|forbid
status_or<misfire_policy> parse_misfire_policy(std::string_view text);          // skip|once|all

struct group_spec {
  std::string name;
  std::string secret;  // base32 TOTP secret
  int64_t created_ms = 0;
};

struct job_spec {
  // -- identity --
  std::string id;
  std::string group;
  std::string name;
  // -- when --
  std::string schedule;        // interval_pattern: cron, descriptor, @every, @once, @at, @manually
  std::string timezone;        // IANA name; "" = the server's default zone
  int64_t exec_time_s = 0;     // the first run, unix seconds; 0 = as soon as added; or
                               // k_first_fire_by_schedule
  // -- what --
  executor_target target = shell_target{};
  int64_t timeout_ms = k_default_timeout_ms;
  // -- policies --
  int retries = 0;
  int64_t retry_delay_ms = 0;
  concurrency_policy concurrency = concurrency_policy::allow;
  misfire_policy misfire = misfire_policy::skip;
  // -- chains and lifetime --
  std::string parent_job;      // the id of a job in the same group whose success runs this one
  bool ephemeral = false;      // deleted after its first successful run
  int64_t expires_at_ms = 0;   // fires no more after this instant (unix ms); 0 = never
  // -- runs at once, queue, follow-up jobs, run hooks, shell limits (core/job_controls.h) --
  job_controls controls;
  // -- bookkeeping --
  std::string memo;
  std::map<std::string, std::string> metadata;
  // Fields a dialect keeps for its own clients and the core never reads (Dkron's displayname,
  // owner, tags, processors, ...), as the dialect's JSON object text; "" = none.
  std::string dialect_data;
  bool paused = false;
  // When the job was last paused (unix seconds; added with it, for a job added paused): how long
  // its schedule has stood still, which Cronicle's cursor of a disabled event shows and replays.
  // 0 while it runs, and for a job paused before job format 10 stored it.
  int64_t paused_at_s = 0;
  bool done = false;           // a one-shot schedule has run: the job stays, it fires no more
  // The first planned fire (unix ms) since the job was added, activated or re-timed: `@every`
  // cadence counts from here, also across restarts. 0 = not planned yet.
  int64_t anchor_ms = 0;
  std::string otp_secret;      // the job's own base32 TOTP secret
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  // Edits applied since the job was added (each accepted job_patch adds one), stored with the job:
  // a version of its definition that never goes back, also across restarts, as Cloudtask's
  // workers need of a job's entry version in the allocation table (revision + 1).
  uint64_t revision = 0;
};

// An edit: every field that is set replaces the job's own. Identity (id, group) never changes.
struct job_patch {
  std::optional<std::string> name;
  std::optional<std::string> schedule;
  std::optional<std::string> timezone;
  std::optional<int64_t> exec_time_s;
  std::optional<executor_target> target;
  std::optional<int64_t> timeout_ms;
  std::optional<int> retries;
  std::optional<int64_t> retry_delay_ms;
  std::optional<concurrency_policy> concurrency;
  std::optional<misfire_policy> misfire;
  std::optional<std::string> memo;
  std::optional<std::map<std::string, std::string>> metadata;
  std::optional<std::string> parent_job;
  std::optional<bool> ephemeral;
  std::optional<int64_t> expires_at_ms;
  std::optional<job_controls> controls;
  std::optional<std::string> dialect_data;
  // A dialect's own edit, applied after the fields above to the job as it is then: how a patch
  // that depends on the current value is expressed (the native API's edit of exec_command alone
  // rewrites the command inside the current target). A non-ok status refuses the edit.
  std::function<status(job_spec&)> edit;
};

// One run's own version of its job's fields (Cronicle's run_event with fields of its own): each
// that is set replaces the job's for that run and its retries only.
struct run_override {
  std::optional<executor_target> target;  // same executor kind as the job's
  std::optional<int64_t> timeout_ms;
  std::optional<int> retries;             // 0..k_max_retries
  std::optional<int64_t> retry_delay_ms;  // 0..k_max_timeout_ms
  run_controls_patch controls;            // follow-ups, hook and shell limits of this run
};

// invalid_argument naming the field ("retries: ...") when a set field is out of its job_spec
// range; the target is checked by validate_target.
status validate_override(const run_override& change);

// `job` as one run of it runs: each field `own` sets replaces the job's (the controls are
// patched). What a job view shows of a run with fields of its own, in flight or ended.
job_spec with_own_fields(job_spec job, const run_override& own);

// `job` with `patch` applied, or the status patch.edit refused it with. The result still needs
// validate_job().
status_or<job_spec> apply_patch(job_spec job, const job_patch& patch);

// True when `text` matches [a-zA-Z0-9_]{1,22}: native group names and job ids.
bool is_valid_id(std::string_view text);
// True when `text` matches [a-zA-Z0-9_.-]{1,128}: a job id any dialect may create (Dkron's
// names); never "." or "..", which would read as paths.
bool is_valid_job_id(std::string_view text);

// Checks every field of `job`; the message names the first bad field ("group_name: ...").
// Field ids are the native API's names (group_name, job_id, name, interval_pattern, request_url,
// exec_command, executor_config, exec_time, timeout, retries, retry_delay, timezone, memo,
// metadata, parent_job, expires_at, dialect_data); other dialects rename them
// (http/field_names.h).
status validate_group_name(std::string_view name);
status validate_job(const job_spec& job);

}  // namespace mainspring
