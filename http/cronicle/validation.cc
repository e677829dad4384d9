#include "http/cronicle/validation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include "core/time_zone.h"
#include "http/cronicle/js_values.h"
#include "http/header_text.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool all_of(const std::string& text, bool (*ok)(char)) {
  if (text.empty()) return false;
  for (char c : text)
    if (!ok(c)) return false;
  return true;
}

enum class type_rule { string, boolean_or_number, number };
enum class value_rule { word, pos_int, flag, word_or_empty, any, emails, host, non_blank, web_hook, bit, path, host_or_empty };

struct field_rule {
  const char* name;
  type_rule type;
  value_rule value;
};

// requireValidEventData's rules.
constexpr field_rule k_rules[] = {
    {"algo", type_rule::string, value_rule::word},
    {"api_key", type_rule::string, value_rule::word},
    {"catch_up", type_rule::boolean_or_number, value_rule::flag},
    {"category", type_rule::string, value_rule::word},
    {"chain", type_rule::string, value_rule::word_or_empty},
    {"chain_error", type_rule::string, value_rule::word_or_empty},
    {"cpu_limit", type_rule::number, value_rule::pos_int},
    {"cpu_sustain", type_rule::number, value_rule::pos_int},
    {"created", type_rule::number, value_rule::pos_int},
    {"detached", type_rule::boolean_or_number, value_rule::flag},
    {"enabled", type_rule::boolean_or_number, value_rule::flag},
    {"id", type_rule::string, value_rule::word},
    {"log_max_size", type_rule::number, value_rule::pos_int},
    {"max_children", type_rule::number, value_rule::pos_int},
    {"memory_limit", type_rule::number, value_rule::pos_int},
    {"memory_sustain", type_rule::number, value_rule::pos_int},
    {"modified", type_rule::number, value_rule::pos_int},
    {"multiplex", type_rule::boolean_or_number, value_rule::flag},
    {"notes", type_rule::string, value_rule::any},
    {"notify_success", type_rule::string, value_rule::emails},
    {"notify_fail", type_rule::string, value_rule::emails},
    {"plugin", type_rule::string, value_rule::word},
    {"queue", type_rule::boolean_or_number, value_rule::flag},
    {"queue_max", type_rule::number, value_rule::pos_int},
    {"retries", type_rule::number, value_rule::pos_int},
    {"retry_delay", type_rule::number, value_rule::pos_int},
    {"stagger", type_rule::number, value_rule::pos_int},
    {"target", type_rule::string, value_rule::host},
    {"timeout", type_rule::number, value_rule::pos_int},
    {"timezone", type_rule::string, value_rule::any},
    {"title", type_rule::string, value_rule::non_blank},
    {"username", type_rule::string, value_rule::host},
    {"web_hook", type_rule::string, value_rule::web_hook},
};

// The categories' validateOptionalParams rules (lib/api/category.js), in its order.
constexpr field_rule k_category_rules[] = {
    {"description", type_rule::string, value_rule::any},
    {"enabled", type_rule::number, value_rule::bit},
    {"max_children", type_rule::number, value_rule::pos_int},
    {"notify_success", type_rule::string, value_rule::emails},
    {"notify_fail", type_rule::string, value_rule::emails},
    {"web_hook", type_rule::string, value_rule::web_hook},
    {"cpu_limit", type_rule::number, value_rule::pos_int},
    {"cpu_sustain", type_rule::number, value_rule::pos_int},
    {"memory_limit", type_rule::number, value_rule::pos_int},
    {"memory_sustain", type_rule::number, value_rule::pos_int},
    {"log_max_size", type_rule::number, value_rule::pos_int},
    {"color", type_rule::string, value_rule::word},
};

// The Plugins' validateOptionalParams rules (lib/api/plugin.js), in its order.
constexpr field_rule k_plugin_rules[] = {
    {"enabled", type_rule::number, value_rule::bit},
    {"cwd", type_rule::string, value_rule::path},
    {"uid", type_rule::string, value_rule::host_or_empty},
    {"gid", type_rule::string, value_rule::host_or_empty},
};

bool type_ok(type_rule rule, const json& v) {
  std::string_view t = js_type(v);
  switch (rule) {
    case type_rule::string: return t == "string";
    case type_rule::boolean_or_number: return t == "boolean" || t == "number";
    case type_rule::number: return t == "number";
  }
  return false;
}

bool value_ok(value_rule rule, const std::string& s) {
  switch (rule) {
    case value_rule::word: return matches(param_rule::word, s);
    case value_rule::pos_int: return all_of(s, [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
    case value_rule::flag: return matches(param_rule::flag, s);
    case value_rule::word_or_empty: return s.empty() || matches(param_rule::word, s);
    case value_rule::any: return true;
    case value_rule::emails:
      for (char c : s)
        if (!is_word_char(c) && !std::strchr("-@.,", c) && !std::isspace(static_cast<unsigned char>(c))) return false;
      return true;
    case value_rule::host: return matches(param_rule::host, s);
    case value_rule::non_blank: return matches(param_rule::non_blank, s);
    case value_rule::web_hook: return s.empty() || !web_hook_url(s).empty();
    case value_rule::bit: return matches(param_rule::bit, s);
    case value_rule::path:  // /^[\w\s\-\/\.]*$/
      return std::all_of(s.begin(), s.end(), [](char c) {
        return is_word_char(c) || std::isspace(static_cast<unsigned char>(c)) || c == '-' || c == '/' || c == '.';
      });
    case value_rule::host_or_empty: return s.empty() || matches(param_rule::host, s);  // /^[\w\-\.]*$/
  }
  return false;
}

std::optional<api_error> validate_timing(const json& timing) {
  if (!timing.is_object()) return api_refusal("Malformed event parameter: timing (must be object)");
  for (auto it = timing.begin(); it != timing.end(); ++it) {
    const std::string& key = it.key();
    static const std::pair<const char*, std::pair<int64_t, int64_t>> ranges[] = {
        {"years", {1, INT64_MAX}}, {"months", {1, 12}}, {"days", {1, 31}},
        {"weekdays", {0, 6}},      {"hours", {0, 23}},  {"minutes", {0, 59}}};
    const std::pair<int64_t, int64_t>* range = nullptr;
    for (const auto& [name, r] : ranges)
      if (key == name) range = &r;
    if (!range) return api_refusal("Unknown event timing parameter: " + key);
    if (!it->is_array()) return api_refusal("Malformed event timing parameter: " + key + " (must be array)");
    for (const auto& v : *it) {
      if (!v.is_number()) return api_refusal("Malformed event timing parameter: " + key + " (must be array of numbers)");
      double d = v.get<double>();
      if (d < double(range->first) || d > double(range->second))
        return api_refusal("Malformed event timing parameter: " + key + " (value out of range: " + js_text(v) + ")");
      if (d != std::floor(d))
        return api_refusal("Malformed event timing parameter: " + key + " (must be array of whole numbers)");
    }
  }
  return std::nullopt;
}

}  // namespace

std::string web_hook_url(std::string_view hook) {
  const std::string lower = ascii_lowercase(hook);
  auto blank = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  for (std::size_t at = 0; (at = lower.find("http", at)) != std::string::npos; ++at) {
    std::string_view from = std::string_view(hook).substr(at);
    std::string_view lowered = std::string_view(lower).substr(at);
    const std::size_t scheme = lowered.starts_with("http://") ? 7 : lowered.starts_with("https://") ? 8 : 0;
    if (scheme && from.size() > scheme && std::none_of(from.begin(), from.end(), blank)) return std::string(from);
  }
  return {};
}

std::string_view js_type(const json& v) {
  if (v.is_string()) return "string";
  if (v.is_number()) return "number";
  if (v.is_boolean()) return "boolean";
  return "object";  // null, arrays and objects
}


std::string js_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "null";
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number_float()) {
    double d = value.get<double>();
    if (d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<int64_t>(d));
    return value.dump();
  }
  if (value.is_array()) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (i) out += ',';
      if (!value[i].is_null()) out += js_text(value[i]);
    }
    return out;
  }
  return "[object Object]";
}

bool matches(param_rule rule, const std::string& text) {
  switch (rule) {
    case param_rule::non_blank:
      return std::any_of(text.begin(), text.end(), [](char c) { return !std::isspace(static_cast<unsigned char>(c)); });
    case param_rule::flag:
      return text == "true" || text == "false" ||
             all_of(text, [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
    case param_rule::word: return all_of(text, is_word_char);
    case param_rule::host: return all_of(text, [](char c) { return is_word_char(c) || c == '-' || c == '.'; });
    case param_rule::bit: return text == "1" || text == "0" || text == "|";
    case param_rule::digits: return all_of(text, [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
  }
  return false;
}

std::optional<api_error> require_params(const json& params,
                                        std::initializer_list<std::pair<const char*, param_rule>> rules) {
  for (const auto& [key, rule] : rules) {
    auto it = params.find(key);
    if (it == params.end()) return api_refusal(std::string("Missing parameter: ") + key);
    if (it->is_null()) return api_refusal(std::string("Null parameter: ") + key);
    if (!(it->is_string() ? matches(rule, it->get_ref<const std::string&>()) : matches(rule, js_text(*it))))
      return api_refusal(std::string("Malformed parameter: ") + key);
  }
  return std::nullopt;
}

namespace {

// The field `rule` names in `params`, if present, against its type and value rules.
std::optional<api_error> check_field(const json& params, const field_rule& rule) {
  auto it = params.find(rule.name);
  if (it == params.end()) return std::nullopt;
  if (!type_ok(rule.type, *it))
    return api_refusal(std::string("Malformed parameter type: ") + rule.name + " (" + std::string(js_type(*it)) + ")");
  // A string is its own text: no copy of it.
  if (!(it->is_string() ? value_ok(rule.value, it->get_ref<const std::string&>()) : value_ok(rule.value, js_text(*it))))
    return api_refusal(std::string("Malformed parameter value: ") + rule.name);
  return std::nullopt;
}

}  // namespace

std::optional<api_error> validate_category_fields(const json& category) {
  for (const auto& rule : k_category_rules)
    if (auto e = check_field(category, rule)) return e;
  return std::nullopt;
}

std::optional<api_error> validate_plugin_fields(const json& plugin) {
  for (const auto& rule : k_plugin_rules)
    if (auto e = check_field(plugin, rule)) return e;
  return std::nullopt;
}

std::optional<api_error> validate_reset_cursor(const json& params) {
  static constexpr field_rule k_reset_cursor = {"reset_cursor", type_rule::number, value_rule::pos_int};
  return check_field(params, k_reset_cursor);
}

std::optional<api_error> validate_event_data(const json& event) {
  for (const auto& rule : k_rules)
    if (auto e = check_field(event, rule)) return e;
  auto text = [&event](const char* name) { return string_in_place(event, name); };
  if (text("title").find_first_of("<>") != std::string::npos)
    return api_refusal("Malformed title parameter: Cannot contain HTML metacharacters");
  if (text("notes").find_first_of("<>") != std::string::npos)
    return api_refusal("Malformed notes parameter: Cannot contain HTML metacharacters");
  if (auto p = event.find("params"); p != event.end() && !p->is_object() && !p->is_null())
    return api_refusal("Malformed event parameter: params (must be object)");
  if (auto t = event.find("timing"); t != event.end() && !t->is_null() && !(t->is_boolean() && !t->get<bool>()) &&
                                     !(t->is_number() && t->get<double>() == 0) && !(t->is_string() && t->get<std::string>().empty()))
    if (auto e = validate_timing(*t)) return e;
  if (std::string_view tz = text("timezone"); !tz.empty() && !time_zone::find(tz).ok())
    return api_refusal("Malformed or unknown timezone: " + std::string(tz));
  return std::nullopt;
}

}  // namespace mainspring::http::cronicle
