#include "http/cronicle/plugin_command.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "core/shell_quote.h"

namespace mainspring::http::cronicle {

namespace {

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_blank(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

api_error plugin_refusal(std::string text) { return {"plugin", std::move(text)}; }

// A shell variable's name: a word not starting with a digit.
bool is_variable_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!is_word_char(c)) return false;
  return true;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// A param's value as a double-quoted shell word that expands as Cronicle's launchLocalJob
// expands it: .replace(/(\\?)\$(\w+)/g, ...) gives $NAME the environment's value ('' when unset)
// and \$NAME the text $NAME; anything else is kept as it is.
std::string expanding(std::string_view v) {
  std::string out = "\"";
  for (std::size_t i = 0; i < v.size();) {
    const bool escaped = v[i] == '\\' && i + 2 < v.size() && v[i + 1] == '$' && is_word_char(v[i + 2]);
    const std::size_t dollar = escaped ? i + 1 : i;
    if (v[dollar] == '$' && dollar + 1 < v.size() && is_word_char(v[dollar + 1])) {
      std::size_t end = dollar + 1;
      while (end < v.size() && is_word_char(v[end])) ++end;
      const std::string_view name = v.substr(dollar + 1, end - dollar - 1);
      if (escaped) out += "\\$" + std::string(name);
      else if (is_variable_name(name)) out += "${" + std::string(name) + "}";
      // A name starting with a digit is no variable of the environment: ''.
      i = end;
      continue;
    }
    if (v[i] == '"' || v[i] == '\\' || v[i] == '`' || v[i] == '$') out += '\\';
    out += v[i++];
  }
  return out + "\"";
}

// A line that ends the job with Cronicle's report of a failure to launch it.
std::string failing_line(const std::string& description) {
  const nlohmann::json report = {{"complete", 1}, {"code", 1}, {"description", description}};
  return "printf '%s\\n' " + shell_quote(report.dump()) + "; exit 1";
}

// The refusal for a user or group the server is not: Mainspring does not switch users.
std::string identity_check(const char* by_name, const char* by_id, const char* what, const std::string& want) {
  return std::string("if [ \"$(id ") + by_name + ")\" != " + shell_quote(want) + " ] && [ \"$(id " + by_id + ")\" != " +
         shell_quote(want) + " ]; then printf '{\"complete\":1,\"code\":1,\"description\":\"Plugin Error: Cannot run as " +
         what + ": %s (Mainspring runs jobs as its own " + what + ", %s)\"}\\n' " + shell_quote(want) + " \"$(id " +
         by_name + ")\"; exit 1; fi\n";
}

}  // namespace

std::optional<api_error> check_plugin_command(std::string_view command) {
  if (command.size() > k_max_plugin_command_bytes)
    return plugin_refusal("Plugin command is longer than " + std::to_string(k_max_plugin_command_bytes) + " bytes.");
  if (command.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
    return plugin_refusal("Plugin command cannot contain line breaks.");
  const auto start = command.find_first_not_of(" \t\f\v");
  const auto blank = command.find_first_of(" \t\f\v", start == std::string_view::npos ? 0 : start);
  if (start == std::string_view::npos || blank == std::string_view::npos) return std::nullopt;  // no arguments
  const std::string_view args = command.substr(blank);
  const api_error op = plugin_refusal("Plugin executable cannot contain any shell redirects or pipes.");
  const api_error substitution = plugin_refusal("Plugin executable cannot contain command substitution.");
  enum { plain, single, doubled } in = plain;
  bool word_start = true;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const char c = args[i];
    if (in == single) {
      if (c == '\'') in = plain;
      continue;
    }
    if (c == '\\') {
      ++i;  // the next character is text
      word_start = false;
      continue;
    }
    if (in == doubled) {
      if (c == '"') in = plain;
      if (c == '`' || (c == '$' && i + 1 < args.size() && args[i + 1] == '(')) return substitution;
      continue;
    }
    if (c == '`') return substitution;
    if (std::string_view("|&;<>()*").find(c) != std::string_view::npos) return op;
    if (c == '#' && word_start) return op;  // shell-quote's comment
    if (c == '\'') in = single;
    if (c == '"') in = doubled;
    word_start = is_blank(c);
  }
  if (in != plain) return plugin_refusal("Plugin command has an unterminated quote.");
  return std::nullopt;
}

std::string plugin_launch_command(const plugin_launch& l) {
  std::string out =
      "export CRONICLE=mainspring JOB_ID=\"j${MAINSPRING_JOB_ID}_${MAINSPRING_RUN_ID}\" "
      "JOB_NOW=\"$MAINSPRING_PLAN_TIME\" JOB_EVENT=\"$MAINSPRING_JOB_ID\" JOB_PLUGIN=" +
      shell_quote(l.plugin_id) + "\n";
  for (const auto& [name, value] : l.job_fields)
    if (is_variable_name("JOB_" + name)) out += "export JOB_" + upper(name) + "=" + shell_quote(value) + "\n";
  if (!l.enabled) return out + failing_line("Plugin '" + l.title + "' is disabled.") + "\n";
  if (!l.uid.empty()) out += identity_check("-un", "-u", "user", l.uid);
  if (!l.gid.empty()) out += identity_check("-gn", "-g", "group", l.gid);
  if (!l.cwd.empty())
    out += "cd -- " + shell_quote(l.cwd) + " 2>/dev/null || { " +
           failing_line("Plugin Error: Cannot change to directory: " + l.cwd) + "; }\n";
  for (const auto& [name, value] : l.params)
    if (is_variable_name(name)) out += "export " + upper(name) + "=" + expanding(value) + "\n";
  const auto start = l.command.find_first_not_of(" \t\f\v");
  const std::string_view command = start == std::string::npos ? std::string_view() : std::string_view(l.command).substr(start);
  const auto blank = command.find_first_of(" \t\f\v");
  out += "set -f\n" + shell_quote(command.substr(0, blank));
  if (blank != std::string_view::npos) out += std::string(command.substr(blank));
  // Cronicle fails a child that exits 0 without a `complete` report; one it sent came first and
  // decides (a report after the first complete one changes nothing).
  return out + "\nrc=$?\n[ \"$rc\" -ne 0 ] || { " + failing_line("Process exited without reporting job completion.") +
         "; }\nexit \"$rc\"\n";
}

}  // namespace mainspring::http::cronicle
