// plugin_command: the /bin/sh command that launches a custom Plugin's job as Cronicle's
// launchLocalJob does (lib/job.js), and the check Cronicle makes of a Plugin's command.
//
// Cronicle splits the command at its first blank: the executable, spawned without a shell, and
// its arguments, parsed by shell-quote with the job's environment ($VAR and ${VAR} substituted,
// quotes removed; an operator such as a pipe or a redirect refused when the Plugin is saved).
// Here the executable is quoted as one word and the arguments are given to /bin/sh as written,
// after `set -f` (no globbing): quotes, backslashes and $VAR / ${VAR} read as shell-quote reads
// them. A command that exits 0 without a `complete` report fails, "Process exited without
// reporting job completion." (Cronicle's words); another exit code is the job's. check_plugin_command refuses, beside Cronicle's operators (| & ; < > ( )
// and an unquoted *), what sh would run that shell-quote keeps as text: a command substitution
// (`...` or $(...) in double quotes) and a line break. Left differences: sh also expands ${VAR:-x}
// forms and a leading ~ (shell-quote keeps those as text).
//
// Before it, the wrapper sets the job's environment, in Cronicle's order: CRONICLE, JOB_ID,
// JOB_NOW, JOB_EVENT, JOB_PLUGIN (from the run), JOB_<FIELD> for each of the job's fields known
// when the event is saved (launch.job_fields), the working directory (cd; PWD), then each Plugin
// param upper-cased, its $NAME references expanded from the environment as Cronicle expands them
// (\$NAME kept as text). A uid or gid other than the server's own fails the job with a "Plugin
// Error" (Mainspring does not switch users); a disabled Plugin fails it with Cronicle's "Plugin
// 'T' is disabled.".
//
// Example:
//   plugin_launch l{.plugin_id = "p1", .command = "/opt/bin/backup --fast", .cwd = "/srv"};
//   l.params = {{"TARGET", "db1"}};
//   shell_target t{.command = plugin_launch_command(l)};
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/cronicle/errors.h"

namespace mainspring::http::cronicle {

// The longest Plugin command (Cronicle sets none; the wrapper must fit a shell target).
inline constexpr std::size_t k_max_plugin_command_bytes = 8192;
// The most JOB_<FIELD> variables a job gets from its event's fields.
inline constexpr std::size_t k_max_job_field_variables = 64;
// The longest value of one of them (a longer field, such as long notes, is left out).
inline constexpr std::size_t k_max_job_field_variable_bytes = 8192;

// Cronicle's requireValidPluginCommand, and the refusals above: nullopt when `command` may be
// saved. Errors are code "plugin".
std::optional<api_error> check_plugin_command(std::string_view command);

struct plugin_launch {
  std::string plugin_id;
  std::string title;
  bool enabled = true;
  std::string command;  // passed check_plugin_command
  std::string cwd;      // "" = the server's
  std::string uid;      // "" = the server's user
  std::string gid;      // "" = the user's group
  // The job's params as Cronicle computes them (custom_plugins.h: job_params), name as
  // declared (upper-cased here) and value as JavaScript's ''+value.
  std::vector<std::pair<std::string, std::string>> params;
  // JOB_<NAME> variables: name (upper-cased here) and value, as Cronicle copies the job's
  // top-level strings, numbers and booleans.
  std::vector<std::pair<std::string, std::string>> job_fields;
};

std::string plugin_launch_command(const plugin_launch& launch);

}  // namespace mainspring::http::cronicle
