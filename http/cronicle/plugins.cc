#include "http/cronicle/plugins.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "http/cronicle/event_json.h"
#include "http/cronicle/js_values.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

const std::vector<plugin_info>& plugins() {
  // Cronicle's sample_conf/setup.json.
  static const std::vector<plugin_info> all = {
      {k_shell_plugin, "Shell Script", {"script", "annotate", "json"}},
      {k_url_plugin, "HTTP Request",
       {"method", "url", "headers", "data", "timeout", "idle_timeout", "connect_timeout", "follow",
        "ssl_cert_bypass", "success_match", "error_match"}},
      {k_test_plugin, "Test Plugin", {"duration", "progress", "burn", "action", "secret"}},
  };
  return all;
}

api_error param_error(std::string text) { return {"event", std::move(text)}; }

// A param as text: strings as they are, numbers as JavaScript prints integers; "" when absent.
std::string text_param(const json& params, const char* name) {
  auto it = params.find(name);
  if (it == params.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return it->dump();
}

or_error<plugin_run> url_target(const json& params) {
  http_target t;
  std::string method = text_param(params, "method");
  t.method = method.empty() ? "GET" : method;
  std::transform(t.method.begin(), t.method.end(), t.method.begin(), [](unsigned char c) { return std::toupper(c); });
  if (!is_supported_http_method(t.method)) return param_error("Malformed Plugin parameter: method (" + method + ")");
  t.url = text_param(params, "url");
  if (t.url.empty()) return param_error("Missing Plugin parameter: url");
  std::string headers = text_param(params, "headers");
  std::size_t start = 0;
  while (start <= headers.size()) {
    std::size_t end = headers.find('\n', start);
    std::string line = headers.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (auto colon = line.find(':'); colon != std::string::npos && colon > 0) {
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      t.headers.emplace_back(line.substr(0, colon), value);
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (t.method == "POST") t.body = text_param(params, "data");
  t.follow_redirects = js_truthy(params.value("follow", json()));
  // Cronicle's defaults are ".*" (matches anything) and "(?!)" (matches nothing): the same as
  // none, and kept as none. Any other text is a regular expression (plain text is one too);
  // validate_target refuses one that does not compile.
  if (std::string success = text_param(params, "success_match"); success != ".*") t.success_match = success;
  if (std::string error = text_param(params, "error_match"); error != "(?!)") t.error_match = error;
  plugin_run run{std::move(t), std::nullopt};
  if (auto timeout = js_parse_int(params.value("timeout", json())); timeout && *timeout > 0)
    run.timeout_ms = *timeout * 1000;
  return run;
}

or_error<plugin_run> test_target(const json& params) {
  int64_t duration = js_parse_int(params.value("duration", json())).value_or(60);
  duration = std::clamp<int64_t>(duration, 0, 24 * 3600);
  std::string action = text_param(params, "action");
  bool fail = action == "Failure" || action == "Crash";
  shell_target t;
  t.command = "sleep " + std::to_string(duration) + (fail ? "; exit 1" : "");
  return plugin_run{std::move(t), std::nullopt};
}

constexpr std::string_view k_script_head = "f=$(mktemp \"${TMPDIR:-/tmp}/cronicle-script-XXXXXX\") || exit 1\ncat > \"$f\" <<'";
// The file is opened on fd 3 and removed before the script starts, which then runs as
// /dev/fd/3: nothing is left behind even when the run is killed (timeout, abort). Before that,
// the job's variables Cronicle gives every job (its lib/job.js) are made from the run's own:
// JOB_ID (the job id as the API shows it), JOB_EVENT, JOB_NOW (the planned time, unix seconds),
// JOB_PLUGIN and CRONICLE.
constexpr std::string_view k_script_tail =
    "\nexport CRONICLE=mainspring JOB_PLUGIN=shellplug JOB_EVENT=\"$MAINSPRING_JOB_ID\" "
    "JOB_ID=\"j${MAINSPRING_JOB_ID}_${MAINSPRING_RUN_ID}\" JOB_NOW=\"$MAINSPRING_PLAN_TIME\"\n"
    "chmod 700 \"$f\" && exec 3<\"$f\" && rm -f \"$f\" && exec /dev/fd/3\nrm -f \"$f\"; exit 127\n";
// The tail before the job's variables (events stored by earlier versions read back with it).
constexpr std::string_view k_script_tail_v1 =
    "\nchmod 700 \"$f\" && exec 3<\"$f\" && rm -f \"$f\" && exec /dev/fd/3\nrm -f \"$f\"; exit 127\n";

// Cronicle exports each Plugin parameter as an upper-cased variable (ANNOTATE, JSON, ...). The
// script is not one here (it is the command; Cronicle's SCRIPT copy of it is seldom a valid
// variable, and would make an event without a script differ from the same event read back). A
// value a variable cannot hold (a line break, longer than k_max_target_text_bytes) is left out,
// as is a name that is not a shell word.
std::vector<std::pair<std::string, std::string>> param_environment(const json& params) {
  std::vector<std::pair<std::string, std::string>> env;
  if (!params.is_object()) return env;
  for (auto it = params.begin(); it != params.end() && env.size() < k_max_target_entries; ++it) {
    if (it->is_object() || it->is_array() || it->is_null() || it.key() == "script") continue;
    std::string name = it.key();
    bool word = !name.empty();
    for (char& c : name) {
      word = word && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    // As JavaScript's ''+value.
    std::string value = it->is_string() ? it->get<std::string>() : it->is_boolean() ? (it->get<bool>() ? "true" : "false") : it->dump();
    if (!word || value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos ||
        name.size() + value.size() > k_max_target_text_bytes)
      continue;
    env.emplace_back(std::move(name), std::move(value));
  }
  return env;
}
constexpr std::string_view k_delimiter = "CRONICLE_SCRIPT_";

bool has_line(std::string_view text, std::string_view line) {
  std::size_t at = 0;
  while ((at = text.find(line, at)) != std::string_view::npos) {
    bool starts = at == 0 || text[at - 1] == '\n';
    bool ends = at + line.size() == text.size() || text[at + line.size()] == '\n';
    if (starts && ends) return true;
    ++at;
  }
  return false;
}

}  // namespace

const plugin_info* find_plugin(std::string_view id) {
  for (const auto& p : plugins())
    if (p.id == id) return &p;
  return nullptr;
}

std::optional<api_error> check_plugin_params(const plugin_info& plugin, const json& params) {
  for (auto it = params.begin(); it != params.end(); ++it)
    if (std::find(plugin.params.begin(), plugin.params.end(), it.key()) == plugin.params.end())
      return param_error("Unknown Plugin parameter: " + it.key());
  return std::nullopt;
}

or_error<plugin_run> plugin_target(const plugin_info& plugin, const json& params) {
  if (plugin.id == k_url_plugin) return url_target(params);
  if (plugin.id == k_test_plugin) return test_target(params);
  auto it = params.find("script");
  if (it != params.end() && !it->is_null() && !it->is_string())
    return param_error("Malformed Plugin parameter: script (must be a string)");
  std::string script = it == params.end() || it->is_null() ? "" : it->get<std::string>();
  shell_target t;
  t.command = shell_script_command(script);
  t.env = param_environment(params);
  t.stderr_apart = true;  // Cronicle reads a script's stderr apart: its first line tells a failure
  t.progress_lines = true;  // and takes a stdout line "NN%" as the job's progress
  if (auto annotate = params.find("annotate"); annotate != params.end()) t.annotate_lines = js_truthy(*annotate);
  if (auto json_reports = params.find("json"); json_reports != params.end()) t.json_lines = js_truthy(*json_reports);
  t.input_format = std::string(k_dialect_name);  // the script reads its job's JSON on stdin
  return plugin_run{std::move(t), std::nullopt};
}

json params_for_display(std::string_view plugin, json params, const executor_target& target) {
  if (!params.is_object()) params = json::object();
  if (plugin != k_shell_plugin) return params;
  if (const auto* shell = std::get_if<shell_target>(&target)) {
    auto script = script_of_command(shell->command);
    params["script"] = script ? *script : shell->command;
  }
  return params;
}

std::string shell_script_command(std::string_view script) {
  // The delimiter says whether a newline was added to end the here-document ("N") or the script
  // ended with one already ("K"), so that the script reads back byte for byte; its number is the
  // first that is no line of the script.
  const bool add_newline = script.empty() || script.back() != '\n';
  std::string delimiter(k_delimiter);
  delimiter += add_newline ? 'N' : 'K';
  const std::size_t stem = delimiter.size();
  for (int n = 0;; ++n) {
    delimiter.resize(stem);
    delimiter += std::to_string(n);  // short: no allocation
    if (!has_line(script, delimiter)) break;
  }
  std::string out;
  out.reserve(k_script_head.size() + 2 * delimiter.size() + script.size() + k_script_tail.size() + 3);
  out += k_script_head;
  out += delimiter;
  out += "'\n";
  out += script;
  if (add_newline) out += '\n';
  out += delimiter;
  out += k_script_tail;
  return out;
}

std::optional<std::string> script_of_command(std::string_view command) {
  if (!command.starts_with(k_script_head)) return std::nullopt;
  command.remove_prefix(k_script_head.size());
  auto quote = command.find("'\n");
  if (quote == std::string_view::npos) return std::nullopt;
  std::string_view delimiter = command.substr(0, quote);
  if (!delimiter.starts_with(k_delimiter) || delimiter.size() < k_delimiter.size() + 2) return std::nullopt;
  const bool added_newline = delimiter[k_delimiter.size()] == 'N';
  std::string_view rest = command.substr(quote + 2);
  std::string tail = std::string(delimiter) + std::string(k_script_tail);
  if (!rest.ends_with(tail)) tail = std::string(delimiter) + std::string(k_script_tail_v1);
  if (!rest.ends_with(tail)) return std::nullopt;
  std::string_view body = rest.substr(0, rest.size() - tail.size());  // the script + its last newline
  if (added_newline) {
    if (body.empty() || body.back() != '\n') return std::nullopt;
    body.remove_suffix(1);
  }
  return std::string(body);
}

}  // namespace mainspring::http::cronicle
