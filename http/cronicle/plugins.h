// plugins: Cronicle's stock Plugins mapped onto Mainspring's executors.
//
// Cronicle runs each job through a Plugin named by the event's `plugin`, configured by its
// `params`. The three Plugins of Cronicle's default setup exist here (any other id is Cronicle's
// "Plugin not found"), each with exactly the params Cronicle's setup declares (others are refused
// as Cronicle refuses them: "Unknown Plugin parameter: x"):
//
//   shellplug  params.script is written to a temporary file (mode 700) and executed, so that its
//              shebang picks the interpreter (a script without one runs under /bin/sh, as
//              execvp does for Cronicle). The file is opened on fd 3 and removed before the
//              script starts, which runs as /dev/fd/3 (its $0), so that a killed run leaves no
//              file behind (Cronicle leaves its own then). It is a shell
//              target whose command is a fixed /bin/sh wrapper around a quoted here-document
//              holding the script byte for byte (shell_script_command); script_of_command reads
//              the script back. Its stderr is read apart from stdout, as Cronicle reads it
//              (shell_target::stderr_apart): a failure's description ends with stderr's first
//              line. A stdout line "NN%" is the job's progress, not output, as for Cronicle
//              (shell_target::progress_lines); `annotate` stamps each line of it with its time
//              (shell_target::annotate_lines); with `json` its JSON lines are reports on the job
//              (progress, complete, code, description: shell_target::json_lines).
//   urlplug    an HTTP target: method (GET, HEAD, POST; any method the HTTP executor sends),
//              url, headers ("Name: value" lines), data (the body, POST only), timeout (seconds,
//              the run's limit when shorter than the event's), follow (redirects, at most 32),
//              success_match and error_match (regular expressions over the reply body; one that
//              does not compile is refused). Success is a 2xx status, then no error_match match
//              and a success_match match (executors/http_runner.h). idle_timeout,
//              connect_timeout, ssl_cert_bypass are kept and have no effect.
//   testplug   Cronicle's test Plugin: a shell target sleeping `duration` seconds (default 60),
//              then exiting 1 when `action` is "Failure" or "Crash", else 0.
//
// Example:
//   auto run = plugin_target("shellplug", {{"script", "#!/bin/sh\necho hi\n"}});
//   if (!run.ok()) return failure(run.error());
//   job.target = run->target;
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/executor_target.h"
#include "http/cronicle/errors.h"

namespace mainspring::http::cronicle {

inline constexpr std::string_view k_shell_plugin = "shellplug";
inline constexpr std::string_view k_url_plugin = "urlplug";
inline constexpr std::string_view k_test_plugin = "testplug";

struct plugin_info {
  std::string_view id;
  std::string_view title;                 // Cronicle's plugin_title
  std::vector<std::string_view> params;   // the param ids the Plugin declares
};

// The Plugin with this id, or nullptr (Cronicle: "Plugin not found").
const plugin_info* find_plugin(std::string_view id);

// Refuses a param the Plugin does not declare ("Unknown Plugin parameter: x", code "event").
// REQUIRES: params is an object.
std::optional<api_error> check_plugin_params(const plugin_info& plugin, const nlohmann::json& params);

struct plugin_run {
  executor_target target;
  std::optional<int64_t> timeout_ms;  // the Plugin's own limit (urlplug's timeout), if any
};

// What a job of `plugin` with `params` runs. Errors are code "event", naming the param.
or_error<plugin_run> plugin_target(const plugin_info& plugin, const nlohmann::json& params);

// `params` as the event shows them for a job whose target is `target`: shellplug's script is not
// kept in the event (it lives in the target's command) and is put back here.
nlohmann::json params_for_display(std::string_view plugin, nlohmann::json params, const executor_target& target);

// The /bin/sh command that writes `script` to a temporary file, runs it, removes it and exits
// with its status.
std::string shell_script_command(std::string_view script);
// The script a shell_script_command holds; nullopt for any other command.
std::optional<std::string> script_of_command(std::string_view command);

}  // namespace mainspring::http::cronicle
