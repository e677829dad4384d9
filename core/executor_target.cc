#include "core/executor_target.h"

#include "core/body_pattern.h"
#include "core/job_allocation.h"  // is_valid_server_entry
#include "core/job.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace mainspring {

namespace {

status too_long(std::string_view field, std::size_t max) {
  return status::invalid_argument(std::string(field) + ": longer than " + std::to_string(max) +
                                  " bytes");
}

bool has_control_or_space(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
  });
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos || text.find('\0') != std::string_view::npos;
}

status check_url(const std::string& url) {
  if (url.size() > k_max_url_bytes) return too_long("request_url", k_max_url_bytes);
  bool http = url.starts_with("http://") || url.starts_with("https://");
  if (!http || url.size() <= 8)
    return status::invalid_argument("request_url: needs an http:// or https:// URL, got \"" +
                                    url.substr(0, 64) + "\"");
  if (has_control_or_space(url))
    return status::invalid_argument("request_url: the URL contains spaces or control characters");
  return {};
}

// Header names and environment variables: a non-empty token of bounded size without line breaks.
status check_entries(const name_value_list& entries, std::string_view what) {
  if (entries.size() > k_max_target_entries)
    return status::invalid_argument("executor_config: more than " + std::to_string(k_max_target_entries) +
                                    " " + std::string(what));
  for (const auto& [name, value] : entries) {
    if (name.empty() || has_control_or_space(name) || name.find('=') != std::string::npos)
      return status::invalid_argument("executor_config: a " + std::string(what) + " name \"" +
                                      name.substr(0, 64) + "\" is empty or has spaces, '=' or control characters");
    if (name.size() + value.size() > k_max_target_text_bytes)
      return too_long("executor_config: " + std::string(what) + " " + name.substr(0, 64), k_max_target_text_bytes);
    if (has_line_break(value))
      return status::invalid_argument("executor_config: the " + std::string(what) + " \"" +
                                      name.substr(0, 64) + "\" has a line break or NUL in its value");
  }
  return {};
}

// A body pattern (success_match, error_match): bounded, and it compiles (core/body_pattern.h).
// The compile is the only way to know; its cost is bounded by the pattern's length and
// libstdc++'s cap on the automaton's states (an over-large one is refused like any other).
status check_match(const std::string& pattern, std::string_view field) {
  if (pattern.size() > k_max_http_match_bytes) return too_long("executor_config: " + std::string(field), k_max_http_match_bytes);
  if (pattern.empty()) return {};
  if (auto compiled = body_pattern::compile(pattern); !compiled.ok())
    return status::invalid_argument("executor_config: " + std::string(field) + ": " + compiled.status().message());
  return {};
}

status check_command(const std::string& command, std::string_view what) {
  if (command.empty()) return status::invalid_argument("exec_command: required for " + std::string(what));
  if (command.size() > k_max_command_bytes) return too_long("exec_command", k_max_command_bytes);
  return {};
}

// A command handed to a shell as `-c <command>`: an exec argument is a C string, so a NUL would
// silently end the command there (a different command runs than the one stored). Every dialect's
// command comes through here (Cloudtask's cmd, Dkron's executor_config.command, Cronicle's
// script, ndscheduler's ShellJob arguments, a REMOTE@ command), each answered in its own shape.
// Lua source is not checked: it is loaded with its length, so a NUL in it is just a byte.
status check_shell_command(const std::string& command, std::string_view what) {
  if (auto st = check_command(command, what); !st.ok()) return st;
  if (command.find('\0') != std::string::npos)
    return status::invalid_argument("exec_command: has a NUL byte, which a shell command cannot hold (the command "
                                    "would end there)");
  return {};
}

status check(const http_target& t) {
  if (auto st = check_url(t.url); !st.ok()) return st;
  if (!is_supported_http_method(t.method))
    return status::invalid_argument("executor_config: method must be GET, POST, PUT, PATCH, DELETE, HEAD "
                                    "or OPTIONS, got \"" + t.method.substr(0, 32) + "\"");
  if (auto st = check_entries(t.headers, "header"); !st.ok()) return st;
  if (t.body.size() > k_max_http_body_bytes) return too_long("executor_config: body", k_max_http_body_bytes);
  if (t.expect_codes.size() > k_max_expect_codes)
    return status::invalid_argument("executor_config: expectCode lists at most " + std::to_string(k_max_expect_codes) +
                                    " statuses, got " + std::to_string(t.expect_codes.size()));
  const bool any = t.expect_codes == std::vector<int>{k_any_http_status};
  for (int code : t.expect_codes)
    if (!any && (code < 100 || code > 599))
      return status::invalid_argument("executor_config: expectCode must be an HTTP status (100-599), got " +
                                      std::to_string(code));
  if (t.expect_body.size() > k_max_target_text_bytes)
    return too_long("executor_config: expectBody", k_max_target_text_bytes);
  if (auto st = check_match(t.success_match, "success_match"); !st.ok()) return st;
  return check_match(t.error_match, "error_match");
}

status check(const shell_target& t) {
  if (auto st = check_shell_command(t.command, "a shell job"); !st.ok()) return st;
  if (t.shell.size() > k_max_target_text_bytes || has_line_break(t.shell))
    return status::invalid_argument("executor_config: shell must be a path to an interpreter");
  if (t.cwd.size() > k_max_target_text_bytes || has_line_break(t.cwd))
    return status::invalid_argument("executor_config: cwd must be a path");
  if (t.input.size() > k_max_shell_input_bytes) return too_long("executor_config: payload", k_max_shell_input_bytes);
  if (t.input_format.size() > k_max_input_format_bytes) return too_long("input_format", k_max_input_format_bytes);
  return check_entries(t.env, "environment variable");
}

status check(const lua_target& t) { return check_command(t.source, "a LUA@ job (the Lua source)"); }

status check(const remote_target& t) {
  if (t.nodes.empty() && !t.allocated)
    return status::invalid_argument("request_url: REMOTE@ needs at least one node id");
  if (t.nodes.size() > k_max_target_entries)
    return status::invalid_argument("request_url: more than " + std::to_string(k_max_target_entries) + " nodes");
  // A node registers under an id of [a-zA-Z0-9_]{1,22} (validate_node): any other could never run.
  // A placed job's list may also name a node by its address or host name, as Cloudtask's do.
  for (const auto& node : t.nodes) {
    if (t.allocated && !is_valid_server_entry(node))
      return status::invalid_argument("request_url: bad server \"" + node.substr(0, 64) +
                                      "\" (a node id, host name or IP address: printable ASCII without ',')");
    if (!t.allocated && !is_valid_id(node))
      return status::invalid_argument("request_url: bad node id \"" + node.substr(0, 64) +
                                      "\" (node ids match [a-zA-Z0-9_]{1,22})");
  }
  if (auto st = check_entries(t.env, "environment variable"); !st.ok()) return st;
  return check_shell_command(t.command, "a REMOTE@ job");
}

status check(const noop_target&) { return {}; }

}  // namespace

const char* executor_kind_name(executor_kind k) {
  switch (k) {
    case executor_kind::http: return "http";
    case executor_kind::shell: return "shell";
    case executor_kind::lua: return "lua";
    case executor_kind::remote: return "remote";
    case executor_kind::noop: return "noop";
  }
  return "unknown";
}

bool http_status_expected(const std::vector<int>& expect_codes, long status) {
  if (expect_codes.empty()) return status >= 200 && status <= 299;
  for (int code : expect_codes)
    if (code == k_any_http_status || code == status) return true;
  return false;
}

std::string expect_codes_text(const std::vector<int>& expect_codes) {
  std::string out;
  for (int code : expect_codes) out += (out.empty() ? "" : ",") + std::to_string(code);
  return out;
}

std::optional<std::vector<int>> parse_expect_codes_text(std::string_view text) {
  std::vector<int> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    int code = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), code);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size()) return std::nullopt;
    out.push_back(code);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    if (text.empty()) return std::nullopt;  // a trailing comma
  }
  return out;
}

std::string expected_statuses_text(const std::vector<int>& expect_codes) {
  std::string out;
  for (std::size_t i = 0; i < expect_codes.size(); ++i) {
    if (i > 0) out += i + 1 == expect_codes.size() ? " or " : ", ";
    out += std::to_string(expect_codes[i]);
  }
  return out;
}

bool is_supported_http_method(std::string_view method) {
  static constexpr std::array<std::string_view, 7> k_methods = {"GET",    "POST", "PUT",    "PATCH",
                                                                "DELETE", "HEAD", "OPTIONS"};
  return std::find(k_methods.begin(), k_methods.end(), method) != k_methods.end();
}

status validate_target(const executor_target& t) {
  return std::visit([](const auto& alternative) { return check(alternative); }, t);
}

}  // namespace mainspring
