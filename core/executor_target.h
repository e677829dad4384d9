// executor_target: what a run executes, as a typed value every dialect writes and reads.
//
// The native API spells a target as request_url + exec_command ("HTTP@url", "LUA@" + source, ...;
// core/native_target.h), Dkron as executor + executor_config, Cronicle as a plugin and params.
// They all land here, so that the job actor, the executors, the store and the dump see one form
// whichever dialect wrote the job.
//
// Example:
//   executor_target t = http_target{.method = "POST", .url = "http://127.0.0.1:9000/hook",
//                                   .headers = {{"Content-Type", "application/json"}},
//                                   .body = R"({"ok":true})", .expect_codes = {200, 201}};
//   kind_of(t) == executor_kind::http;
//   if (auto st = validate_target(t); !st.ok()) return st;   // "request_url: ..."
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/status.h"

namespace mainspring {

enum class executor_kind { http, shell, lua, remote, noop };
inline constexpr std::size_t k_executor_kinds = 5;
const char* executor_kind_name(executor_kind k);  // "http", "shell", "lua", "remote", "noop"

// -- limits --
inline constexpr std::size_t k_max_command_bytes = 256 * 1024;  // a command or Lua source
inline constexpr std::size_t k_max_url_bytes = 8192;
inline constexpr std::size_t k_max_http_body_bytes = 256 * 1024;
inline constexpr std::size_t k_max_target_entries = 64;        // headers, env variables, nodes
inline constexpr std::size_t k_max_target_text_bytes = 8192;   // a header, variable, cwd, shell
inline constexpr int k_max_http_redirects = 32;                // a followed chain of redirects
// success_match / error_match: a pattern's length bounds what compiling it costs (libstdc++ also
// caps the compiled automaton, at 100000 states), wherever a target is validated.
inline constexpr std::size_t k_max_http_match_bytes = 1024;
// What a shell command reads on its stdin (Dkron's `payload`).
inline constexpr std::size_t k_max_shell_input_bytes = 64 * 1024;

using name_value_list = std::vector<std::pair<std::string, std::string>>;

// A command run by a shell on this host, in its own process group, killed at the job's timeout.
struct shell_target {
  std::string command;
  std::string shell;   // the interpreter, run as `<shell> -c <command>`; "" = /bin/sh
  name_value_list env; // added to the server's environment
  std::string cwd;     // working directory; "" = the server's
  std::string input;   // bytes the command reads on stdin (any bytes); "" = none (/dev/null)
  // Read stderr on a pipe of its own, as Cronicle's shellplug does: a failed run's error then
  // ends with stderr's first line (core/shell_exit.h). Both streams still go into the output
  // tail, but in the order they are read, which for writes close together is not always the
  // order written; with one pipe (false, the default) the tail keeps that order exactly.
  bool stderr_apart = false;
  // A stdout line that is only a number and a percent sign ("42%") is the run's progress, as
  // Cronicle's shellplug takes it, and not output. Stdout then reaches the tail a line at a time.
  bool progress_lines = false;
  // With progress_lines: each stdout line in the output starts with the server's local time when
  // it was read, "[2026-12-06 15:04:05] " (Cronicle's shellplug `annotate`).
  bool annotate_lines = false;
  // With progress_lines: a stdout line that is a JSON object is a report on the run, not output
  // (core/progress_lines.h; Cronicle's shellplug `json`): its progress, and a "complete" report's
  // code and description, which then decide the run's outcome in place of its exit code.
  bool json_lines = false;
  // The name of a dialect's shape of the job that the command reads on stdin at each run, in
  // place of `input` ("cronicle": the job's JSON, as Cronicle's shell plugin writes it to a
  // script); "" = none. The runtime renders it as the run starts (job_context::input_formats).
  std::string input_format;

  bool operator==(const shell_target&) const = default;
};

// The expect_codes entry that accepts every status: the run succeeds whenever a response arrives
// (ndscheduler's CurlJob records the body whatever the status).
inline constexpr int k_any_http_status = -1;
// The most statuses one target lists (Dkron's expectCode "200,206").
inline constexpr std::size_t k_max_expect_codes = 16;
// The longest shell_target::input_format name.
inline constexpr std::size_t k_max_input_format_bytes = 64;

// An HTTP request. It succeeds when the status is one of expect_codes (any 2xx when it is empty,
// any status at all when it is {k_any_http_status}) and, when expect_body is set, the body
// contains it.
struct http_target {
  std::string method = "GET";
  std::string url;      // http:// or https://
  name_value_list headers;
  std::string body;
  std::vector<int> expect_codes;
  std::string expect_body;
  // Follow redirects, at most k_max_http_redirects of them (Cronicle urlplug's `follow`).
  bool follow_redirects = false;
  // Regular expressions (ECMAScript) over the reply body, Cronicle urlplug's success_match and
  // error_match: when set, success needs success_match to match, and a match of error_match
  // fails the run whatever its status. Each must compile (core/body_pattern.h: no
  // back-references) and is at most k_max_http_match_bytes long.
  std::string success_match;
  std::string error_match;
  // The native API's HTTP@: add otp_code, job_id and job_name to the query, as the original.
  // Last, so that initializers naming only the fields above it stay complete.
  bool signed_query = false;

  bool operator==(const http_target&) const = default;
};

// Lua source whose global function named like the job is called (executors/lua_runner.h).
struct lua_target {
  std::string source;

  bool operator==(const lua_target&) const = default;
};

// A command run with /bin/bash -c on registered worker nodes of the job's group.
//
// Listed (allocated == false): one run per node in `nodes`, each fire. Allocated: one run per
// fire, on the single node that the group's allocation table gives the job (a consistent-hash
// ring over the live nodes, as Cloudtask's center places jobs: core/job_allocation.h), chosen
// among `nodes` when that is not empty, among every node of the group otherwise.
struct remote_target {
  std::vector<std::string> nodes;  // node ids
  std::string command;
  name_value_list env;             // added to the agent's environment for the run
  bool allocated = false;

  bool operator==(const remote_target&) const = default;
};

// Does nothing and succeeds: measures the scheduler, not an executor.
struct noop_target {
  bool operator==(const noop_target&) const = default;
};

using executor_target = std::variant<http_target, shell_target, lua_target, remote_target, noop_target>;

// The variant's alternatives are in executor_kind's order.
inline executor_kind kind_of(const executor_target& t) { return static_cast<executor_kind>(t.index()); }

// Checks the target's own fields (URL scheme, sizes, required command, no NUL in a shell or
// REMOTE@ command: it would cut the command short). Messages name the
// native field a client set it through: "request_url: ..." for the URL, nodes and method,
// "exec_command: ..." for a command or source, "executor_config: ..." for the rest; dialects
// rename them (http/field_names.h).
status validate_target(const executor_target& t);

// True when `status` is a success by `expect_codes` (see http_target).
bool http_status_expected(const std::vector<int>& expect_codes, long status);

// expect_codes as a comma list, "200,206" ("" for none), and back: nullopt unless every item is
// a whole number (what the list holds is for validate_target to judge).
std::string expect_codes_text(const std::vector<int>& expect_codes);
std::optional<std::vector<int>> parse_expect_codes_text(std::string_view text);

// "200", "200 or 206", "200, 201 or 206": the statuses a failure message says were expected.
std::string expected_statuses_text(const std::vector<int>& expect_codes);

// True when `method` is an HTTP method token the HTTP executor sends (GET, POST, PUT, PATCH,
// DELETE, HEAD, OPTIONS; case-sensitive, as HTTP).
bool is_supported_http_method(std::string_view method);

}  // namespace mainspring
