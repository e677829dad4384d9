#include "http/dkron/executor_config.h"

#include <cctype>
#include <charconv>

#include <nlohmann/json.hpp>

#include "core/go_base64.h"
#include "core/go_duration.h"
#include "core/utf8.h"

namespace mainspring::http::dkron {

namespace {

const std::string& value_of(const executor_config& config, const std::string& key) {
  static const std::string k_none;
  auto it = config.find(key);
  return it == config.end() ? k_none : it->second;
}

status bad(const std::string& what) { return status::invalid_argument("executor_config: " + what); }

status_or<int64_t> whole_number(const std::string& key, const std::string& text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 0)
    return bad(key + " must be a whole number, got \"" + utf8_prefix(text, 32) + "\"");
  return n;
}

// "A=1,B=2" -> {{"A", "1"}, {"B", "2"}}.
status_or<name_value_list> env_of(const std::string& text) {
  name_value_list out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() : comma + 1;
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) return bad("env entries are NAME=value, got \"" + utf8_prefix(item, 64) + "\"");
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

// `["Content-Type: application/json"]` -> {{"Content-Type", "application/json"}}.
status_or<name_value_list> headers_of(const std::string& text) {
  name_value_list out;
  if (text.empty()) return out;
  auto list = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!list.is_array()) return bad("headers must be a JSON array of \"Name: value\" strings");
  for (const auto& item : list) {
    if (!item.is_string()) return bad("headers must be a JSON array of \"Name: value\" strings");
    const auto& line = item.get_ref<const std::string&>();
    auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) return bad("header \"" + utf8_prefix(line, 64) + "\" has no name");
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    out.emplace_back(line.substr(0, colon), value);
  }
  return out;
}

status_or<dkron_target> shell_of(const executor_config& config, const std::string& command) {
  shell_target t;
  t.command = value_of(config, "command").empty() ? command : value_of(config, "command");
  t.cwd = value_of(config, "cwd");
  auto env = env_of(value_of(config, "env"));
  if (!env.ok()) return env.status();
  t.env = std::move(env).value();
  int64_t timeout_ms = k_unbounded_timeout_ms;
  if (const auto& text = value_of(config, "timeout"); !text.empty()) {
    auto d = parse_go_duration(text);
    // Dkron's Job.Validate words, without the field prefix: its message names no field.
    if (!d.ok() || d->count() <= 0) return status::invalid_argument("Error parsing job timeout value");
    timeout_ms = d->count();
  }
  // Dkron's Job.Validate checks a shell job's mem_limit after its timeout, in these words.
  auto memory = parse_dkron_memory_limit(value_of(config, "mem_limit"));
  if (!memory.ok()) return status::invalid_argument("Error parsing job memory limit value: " + memory.status().message());
  // Dkron writes the payload, base64 in the config, to the command's stdin. It finds a bad one
  // only when the job runs, and fails every run with Go's error; refused here, in those words.
  auto input = go_base64_decode(value_of(config, "payload"));
  if (!input.ok()) return bad("payload: " + input.status().message());
  t.input = std::move(input).value();
  return dkron_target{std::move(t), timeout_ms, *memory};
}

status_or<dkron_target> http_of(const executor_config& config) {
  http_target t;
  t.method = value_of(config, "method");
  t.url = value_of(config, "url");
  if (t.url.empty()) return bad("url is empty");
  if (t.method.empty()) return bad("method is empty");
  auto headers = headers_of(value_of(config, "headers"));
  if (!headers.ok()) return headers.status();
  t.headers = std::move(headers).value();
  t.body = value_of(config, "body");
  t.expect_body = value_of(config, "expectBody");
  // Dkron accepts a status when `expectCode + ","` contains `"<status>,"`: one code or a comma
  // list ("200,206"). Blanks around an item are ignored.
  for (std::string_view codes = value_of(config, "expectCode"); !codes.empty();) {
    const std::size_t comma = codes.find(',');
    std::string item(codes.substr(0, comma));
    codes = comma == std::string_view::npos ? std::string_view() : codes.substr(comma + 1);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.empty()) continue;
    auto n = whole_number("expectCode", item);
    if (!n.ok()) return n.status();
    t.expect_codes.push_back(static_cast<int>(std::min<int64_t>(*n, 100000)));
  }
  // Dkron's createClient: a timeout that is not a number falls back to 30 s; 0 (or less) is no
  // timeout, here Mainspring's longest.
  int64_t timeout_ms = k_default_http_timeout_ms;
  if (const auto& text = value_of(config, "timeout"); !text.empty()) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc() && end == text.data() + text.size()) {
      if (n > 24 * 3600) return bad("timeout must be at most 86400 seconds");
      timeout_ms = n <= 0 ? k_unbounded_timeout_ms : n * 1000;
    }
  }
  return dkron_target{std::move(t), timeout_ms};
}

}  // namespace

status_or<int64_t> parse_dkron_memory_limit(const std::string& text) {
  if (text.empty()) return int64_t{0};
  const auto not_positive = [] { return status::invalid_argument("memory limit must be greater than 0"); };
  int64_t whole = 0;  // strconv.ParseInt(limit, 10, 64) first
  if (auto [end, ec] = std::from_chars(text.data() + (text[0] == '+'), text.data() + text.size(), whole);
      ec == std::errc() && end == text.data() + text.size())
    return whole > 0 ? status_or<int64_t>(whole) : status_or<int64_t>(not_positive());
  std::string limit = text;
  while (!limit.empty() && std::isspace(static_cast<unsigned char>(limit.front()))) limit.erase(0, 1);
  while (!limit.empty() && std::isspace(static_cast<unsigned char>(limit.back()))) limit.pop_back();
  for (char& c : limit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::size_t i = 0;
  while (i < limit.size() && ((limit[i] >= '0' && limit[i] <= '9') || limit[i] == '.')) ++i;
  if (i == 0) return status::invalid_argument("invalid memory limit format: " + utf8_prefix(limit, 64));
  const std::string number = limit.substr(0, i), unit = limit.substr(i);
  double value = 0;
  if (auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
      ec != std::errc() || end != number.data() + number.size())
    return status::invalid_argument("invalid numeric value in memory limit: " + number);
  if (value <= 0) return not_positive();
  double multiplier = 0;
  if (unit.empty() || unit == "B" || unit == "BYTES") multiplier = 1;
  else if (unit == "KB" || unit == "K") multiplier = 1024.0;
  else if (unit == "MB" || unit == "M") multiplier = 1024.0 * 1024;
  else if (unit == "GB" || unit == "G") multiplier = 1024.0 * 1024 * 1024;
  else if (unit == "TB" || unit == "T") multiplier = 1024.0 * 1024 * 1024 * 1024;
  else
    return status::invalid_argument("unsupported memory unit: " + utf8_prefix(unit, 64) +
                                    " (supported: B, KB, MB, GB, TB)");
  const double bytes = value * multiplier;
  // Go's int64(float) of a value past int64 is not portable; Dkron then reports an overflow.
  if (!(bytes >= 1) || bytes >= 9.2e18) return status::invalid_argument("memory limit too large or causes overflow");
  return static_cast<int64_t>(bytes);
}

status_or<dkron_target> target_from_dkron(const std::string& executor, const executor_config& config,
                                          const std::string& command) {
  if (executor == "shell") return shell_of(config, command);
  if (executor == "http") return http_of(config);
  if (executor.empty()) {
    if (command.empty()) return dkron_target{noop_target{}, k_unbounded_timeout_ms};
    return shell_of({}, command);
  }
  return status::invalid_argument("executor: \"" + utf8_prefix(executor, 32) +
                                  "\" is not available on this server (shell, http)");
}

std::string dkron_executor_of(const executor_target& target) {
  switch (kind_of(target)) {
    case executor_kind::http: return "http";
    case executor_kind::shell: return "shell";
    case executor_kind::noop: return "";
    default: return executor_kind_name(kind_of(target));  // lua, remote: Mainspring's own names
  }
}

executor_config dkron_config_of(const executor_target& target, int64_t timeout_ms) {
  executor_config out;
  if (const auto* h = std::get_if<http_target>(&target)) {
    out["method"] = h->method;
    out["url"] = h->url;
    if (!h->headers.empty()) {
      nlohmann::json lines = nlohmann::json::array();
      for (const auto& [name, value] : h->headers) lines.push_back(name + ": " + value);
      out["headers"] = lines.dump();
    }
    if (!h->body.empty()) out["body"] = h->body;
    if (!h->expect_codes.empty() && h->expect_codes != std::vector<int>{k_any_http_status})
      out["expectCode"] = expect_codes_text(h->expect_codes);
    if (!h->expect_body.empty()) out["expectBody"] = h->expect_body;
    out["timeout"] = std::to_string((timeout_ms + 999) / 1000);
  } else if (const auto* s = std::get_if<shell_target>(&target)) {
    out["command"] = s->command;
    out["shell"] = "true";
    if (!s->cwd.empty()) out["cwd"] = s->cwd;
    std::string env;
    for (const auto& [name, value] : s->env) env += (env.empty() ? "" : ",") + name + "=" + value;
    if (!env.empty()) out["env"] = env;
    if (!s->input.empty()) out["payload"] = base64_encode(s->input);
    out["timeout"] = format_go_duration(std::chrono::milliseconds(timeout_ms));
  } else if (const auto* l = std::get_if<lua_target>(&target)) {
    out["source"] = l->source;
  } else if (const auto* r = std::get_if<remote_target>(&target)) {
    out["command"] = r->command;
    std::string nodes;
    for (const auto& n : r->nodes) nodes += (nodes.empty() ? "" : ",") + n;
    out["nodes"] = nodes;
  }
  return out;
}

}  // namespace mainspring::http::dkron
