// The group and job model that every API dialect maps onto, and its validation.
//
// A job_spec is what a user asked for (schedule, executor target, policies); what happens at run
// time (next fire, counts, last outcome) lives in the job actor. validate_job() checks a spec
// before anything changes and names the offending field in its message, so that each dialect
// can hand the message to its client unchanged.
//
// Example:
//   job_spec job;
//   job.group = "YM55"; job.name = "Hello"; job.schedule = "@every 5s";
//   job.request_url = "HTTP@http://127.0.0.1:9999?test=yao";
//   if (auto st = validate_job(job); !st.ok()) return st;   // "interval_pattern: ..."
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time_types.h"

namespace mainspring {

// -- limits --
inline constexpr std::size_t k_max_id_bytes = 22;          // native group names and job ids
inline constexpr std::size_t k_max_job_name_bytes = 128;
inline constexpr std::size_t k_max_memo_bytes = 4096;
inline constexpr std::size_t k_max_command_bytes = 256 * 1024;  // exec_command / Lua source
inline constexpr std::size_t k_max_url_bytes = 8192;
inline constexpr std::size_t k_max_metadata_entries = 64;
inline constexpr int k_max_retries = 100;
inline constexpr int64_t k_max_timeout_ms = 24LL * 3600 * 1000;
inline constexpr int64_t k_default_timeout_ms = 60'000;
// The latest exec_time accepted: 9999-12-31T23:59:59Z (later ones overflow milliseconds math).
inline constexpr int64_t k_max_exec_time_s = 253402300799;

enum class executor_kind { http, shell, lua, remote, noop };
enum class concurrency_policy { allow, forbid };
enum class misfire_policy { skip, once, all };

const char* executor_kind_name(executor_kind k);  // "http", "shell", "lua", "remote", "noop"
const char* concurrency_policy_name(concurrency_policy p);
const char* misfire_policy_name(misfire_policy p);
status_or<concurrency_policy> parse_concurrency_policy(std::string_view text);  // allow|forbid
status_or<misfire_policy> parse_misfire_policy(std::string_view text);          // skip|once|all

// What a run executes, decoded from the native request_url ("HTTP@url", "LUA@", "REMOTE@a,b",
// "NOOP@") and exec_command. An empty request_url (or "SHELL@") runs exec_command with /bin/sh.
struct executor_target {
  executor_kind kind = executor_kind::shell;
  std::string url;    // http: the URL to call
  std::string nodes;  // remote: comma-separated worker node ids
};
status_or<executor_target> parse_executor_target(std::string_view request_url,
                                                 std::string_view exec_command);

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
  int64_t exec_time_s = 0;     // the first run, unix seconds; 0 = as soon as added
  // -- what --
  std::string request_url;     // "HTTP@...", "LUA@", "REMOTE@...", "NOOP@", "" = shell
  std::string exec_command;
  int64_t timeout_ms = k_default_timeout_ms;
  // -- policies --
  int retries = 0;
  int64_t retry_delay_ms = 0;
  concurrency_policy concurrency = concurrency_policy::allow;
  misfire_policy misfire = misfire_policy::skip;
  // -- bookkeeping --
  std::string memo;
  std::map<std::string, std::string> metadata;
  bool paused = false;
  bool done = false;           // a one-shot schedule has run: the job stays, it fires no more
  // The first planned fire (unix ms) since the job was added, activated or re-timed: `@every`
  // cadence counts from here, also across restarts. 0 = not planned yet.
  int64_t anchor_ms = 0;
  std::string otp_secret;      // the job's own base32 TOTP secret
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

// An edit: every field that is set replaces the job's own. Identity (id, group) never changes.
struct job_patch {
  std::optional<std::string> name;
  std::optional<std::string> schedule;
  std::optional<std::string> timezone;
  std::optional<int64_t> exec_time_s;
  std::optional<std::string> request_url;
  std::optional<std::string> exec_command;
  std::optional<int64_t> timeout_ms;
  std::optional<int> retries;
  std::optional<int64_t> retry_delay_ms;
  std::optional<concurrency_policy> concurrency;
  std::optional<misfire_policy> misfire;
  std::optional<std::string> memo;
  std::optional<std::map<std::string, std::string>> metadata;
};

// `job` with `patch` applied. The result still needs validate_job().
job_spec apply_patch(job_spec job, const job_patch& patch);

// True when `text` matches [a-zA-Z0-9_]{1,22}: native group names and job ids.
bool is_valid_id(std::string_view text);

// Checks every field of `job`; the message names the first bad field ("group_name: ...").
// Field names are the native API's (group_name, job_id, name, interval_pattern, request_url,
// exec_command, exec_time, timeout, retries, retry_delay, timezone, memo).
status validate_group_name(std::string_view name);
status validate_job(const job_spec& job);

}  // namespace mainspring
