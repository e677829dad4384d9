#include "http/cronicle/custom_plugins.h"

#include <algorithm>

#include "http/cronicle/event_json.h"
#include "http/cronicle/js_values.h"
#include "http/cronicle/plugin_command.h"
#include "http/cronicle/validation.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

api_error plugin_refusal(std::string text) { return {"plugin", std::move(text)}; }

bool has_html(const std::string& text) { return text.find_first_of("<>") != std::string::npos; }

// A string field's text, "" when absent or not a string (Cronicle tests `typeof`).
std::string string_field(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// A field Cronicle tests as `if (!param.x)`.
bool falsy(const json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() || !js_truthy(*it);
}

bool positive_number(const json& object, const char* name, std::optional<api_error>* e, const char* what) {
  auto it = object.find(name);
  if (falsy(object, name) || !it->is_number()) {
    *e = plugin_refusal(std::string("Plugin Parameter ") + what + " is not a number.");
    return false;
  }
  if (it->get<double>() < 1) {
    *e = plugin_refusal(std::string("Plugin Parameter ") + what + " must be a positive number.");
    return false;
  }
  return true;
}

// The type-specific rules of requireValidPluginParams, for one param.
std::optional<api_error> check_param_value(const json& param, const std::string& type) {
  std::optional<api_error> e;
  auto value = param.find("value");
  const bool string_value = value != param.end() && value->is_string();
  if (type == "text") {
    if (!positive_number(param, "size", &e, "size")) return e;
    if (!string_value) return plugin_refusal("Plugin Parameter value is invalid.");
    if (has_html(value->get<std::string>())) return plugin_refusal("Plugin Parameter text value contains HTML metacharacters.");
  } else if (type == "textarea") {
    if (!positive_number(param, "rows", &e, "rows")) return e;  // its value may hold anything (a script)
  } else if (type == "checkbox") {
    if (value == param.end() || !value->is_number() || (js_text(*value) != "1" && js_text(*value) != "0"))
      return plugin_refusal("Plugin Parameter checkbox value is invalid (must be 1 or 0).");
  } else if (type == "hidden") {
    if (!string_value) return plugin_refusal("Plugin Parameter value is invalid.");
    if (has_html(value->get<std::string>())) return plugin_refusal("Plugin Parameter text value contains HTML metacharacters.");
  } else if (type == "select") {
    auto items = param.find("items");
    if (falsy(param, "items") || !items->is_array()) return plugin_refusal("Plugin param select items is not an array.");
    if (items->empty()) return plugin_refusal("Plugin param select items is empty.");
    for (const auto& item : *items) {
      if (!js_truthy(item) || !item.is_string()) return plugin_refusal("Plugin param select item entry is invalid (must be string).");
      if (has_html(item.get<std::string>())) return plugin_refusal("Plugin Parameter select item entry contains HTML metacharacters.");
    }
    if (!string_value) return plugin_refusal("Plugin Parameter select value is invalid (must be string).");
    if (has_html(value->get<std::string>())) return plugin_refusal("Plugin Parameter select value contains HTML metacharacters.");
  }
  return std::nullopt;
}

// Cronicle's requireValidPluginParams, and k_max_plugin_params.
std::optional<api_error> check_plugin_params(const json& params) {
  if (!js_truthy(params)) return plugin_refusal("Plugin params object not present.");
  if (!params.is_array()) return plugin_refusal("Plugin params is not an array.");
  if (params.size() > k_max_plugin_params)
    return plugin_refusal("Plugin params has more than " + std::to_string(k_max_plugin_params) + " entries.");
  for (const auto& param : params) {
    static const json k_none = json::object();
    const json& p = param.is_object() ? param : k_none;
    const std::string id = string_field(p, "id"), type = string_field(p, "type");
    if (!matches(param_rule::word, id)) return plugin_refusal("Plugin Parameter ID is invalid (must be alphanumeric).");
    if (!matches(param_rule::word, type)) return plugin_refusal("Plugin Parameter Type is invalid (must be alphanumeric).");
    if (falsy(p, "title")) return plugin_refusal("Plugin Parameter Title is missing.");
    if (!p["title"].is_string()) return plugin_refusal("Plugin Parameter Title is not a string.");
    if (has_html(p["title"].get<std::string>())) return plugin_refusal("Plugin Parameter Title contains HTML metacharacters.");
    if (auto e = check_param_value(p, type)) return e;
  }
  return std::nullopt;
}

std::optional<api_error> check_title(const json& params) {
  if (auto t = params.find("title"); t != params.end() && t->is_string() && has_html(t->get<std::string>()))
    return api_refusal("Malformed title parameter: Cannot contain HTML metacharacters");
  return std::nullopt;
}

}  // namespace

const json& stock_plugin_rows() {
  // sample_conf/setup.json, as Cronicle's setup stores them.
  static const json rows = json::parse(R"json([
    {"id": "testplug", "title": "Test Plugin", "enabled": 1, "command": "bin/test-plugin.js", "username": "admin",
     "modified": 1434125333, "created": 1434125333, "params": [
      {"id": "duration", "type": "text", "size": 10, "title": "Test Duration (seconds)", "value": 60},
      {"id": "progress", "type": "checkbox", "title": "Report Progress", "value": 1},
      {"id": "burn", "type": "checkbox", "title": "Burn Memory/CPU", "value": 0},
      {"id": "action", "type": "select", "title": "Simulate Action", "items": ["Success", "Failure", "Crash"], "value": "Success"},
      {"id": "secret", "type": "hidden", "value": "Will not be shown in Event UI"}]},
    {"id": "shellplug", "title": "Shell Script", "enabled": 1, "command": "bin/shell-plugin.js", "username": "admin",
     "modified": 1434125333, "created": 1434125333, "params": [
      {"id": "script", "type": "textarea", "rows": 10, "title": "Script Source", "value": "#!/bin/sh\n\n# Enter your shell script code here"},
      {"id": "annotate", "type": "checkbox", "title": "Add Date/Time Stamps to Log", "value": 0},
      {"id": "json", "type": "checkbox", "title": "Interpret JSON in Output", "value": 0}]},
    {"id": "urlplug", "title": "HTTP Request", "enabled": 1, "command": "bin/url-plugin.js", "username": "admin",
     "modified": 1434125333, "created": 1434125333, "params": [
      {"type": "select", "id": "method", "title": "Method", "items": ["GET", "HEAD", "POST"], "value": "GET"},
      {"type": "textarea", "id": "url", "title": "URL", "rows": 3, "value": "http://"},
      {"type": "textarea", "id": "headers", "title": "Request Headers", "rows": 4, "value": "User-Agent: Cronicle/1.0"},
      {"type": "textarea", "id": "data", "title": "POST Data", "rows": 4, "value": ""},
      {"type": "text", "id": "timeout", "title": "Timeout (Seconds)", "size": 5, "value": "30"},
      {"type": "text", "id": "idle_timeout", "title": "Idle Timeout (Seconds)", "value": "30"},
      {"type": "text", "id": "connect_timeout", "title": "Connect Timeout (Seconds)", "value": "10"},
      {"type": "checkbox", "id": "follow", "title": "Follow Redirects", "value": 0},
      {"type": "checkbox", "id": "ssl_cert_bypass", "title": "SSL Cert Bypass", "value": 0},
      {"type": "text", "id": "success_match", "title": "Success Match", "size": 20, "value": ""},
      {"type": "text", "id": "error_match", "title": "Error Match", "size": 20, "value": ""}]}
  ])json");
  return rows;
}

std::optional<api_error> check_new_plugin(const json& params) {
  if (auto e = require_params(params, {{"title", param_rule::non_blank}, {"command", param_rule::non_blank}})) return e;
  if (auto e = validate_plugin_fields(params)) return e;
  if (auto e = check_title(params)) return e;
  if (auto e = check_plugin_command(js_text(params["command"]))) return e;
  return check_plugin_params(params.contains("params") ? params["params"] : json());
}

std::optional<api_error> check_plugin_changes(const json& params) {
  if (auto e = require_params(params, {{"id", param_rule::word}})) return e;
  if (auto e = validate_plugin_fields(params)) return e;
  if (auto e = check_title(params)) return e;
  if (!falsy(params, "command"))
    if (auto e = check_plugin_command(js_text(params["command"]))) return e;
  if (!falsy(params, "params")) return check_plugin_params(params["params"]);
  return std::nullopt;
}

std::optional<api_error> check_custom_params(const json& plugin, const json& params) {
  if (!params.is_object()) return std::nullopt;
  const json declared = plugin.value("params", json::array());
  for (auto it = params.begin(); it != params.end(); ++it) {
    const bool known = declared.is_array() && std::any_of(declared.begin(), declared.end(), [&](const json& p) {
      return p.is_object() && string_field(p, "id") == it.key();
    });
    if (!known) return api_error{"event", "Unknown Plugin parameter: " + it.key()};
  }
  return std::nullopt;
}

json job_params(const json& plugin, const json& event_params) {
  json out = json::object();
  auto declared = plugin.find("params");
  if (declared == plugin.end() || !declared->is_array()) return out;
  for (const auto& p : *declared) {
    if (!p.is_object()) continue;
    const std::string id = string_field(p, "id");
    const bool given = event_params.is_object() && event_params.contains(id);
    if (string_field(p, "type") != "hidden" && given) out[id] = event_params[id];
    else if (p.contains("value")) out[id] = p["value"];  // undefined stays out of the job
  }
  return out;
}

executor_target custom_plugin_target(const json& plugin, const json& event, const json& job_fields) {
  plugin_launch l;
  l.plugin_id = string_field(plugin, "id");
  l.title = string_field(plugin, "title");
  l.enabled = !plugin.contains("enabled") || js_truthy(plugin["enabled"]);  // custom_plugins.h: enabled unless it says
  l.command = js_text(plugin.value("command", json("")));
  l.cwd = string_field(plugin, "cwd");
  l.uid = string_field(plugin, "uid");
  l.gid = string_field(plugin, "gid");
  const json params = job_params(plugin, event.value("params", json::object()));
  for (auto it = params.begin(); it != params.end(); ++it) l.params.emplace_back(it.key(), js_text(*it));
  for (auto it = job_fields.begin(); it != job_fields.end() && l.job_fields.size() < k_max_job_field_variables; ++it) {
    if (it->is_object() || it->is_array() || it->is_null()) continue;
    std::string value = it->is_boolean() ? (it->get<bool>() ? "1" : "0") : js_text(*it);
    if (value.size() <= k_max_job_field_variable_bytes && value.find('\0') == std::string::npos)
      l.job_fields.emplace_back(it.key(), std::move(value));
  }
  shell_target t;
  t.command = plugin_launch_command(l);
  t.progress_lines = true;  // json_lines needs it: a "42%" line is progress too
  t.json_lines = true;      // Cronicle reads a Plugin's stdout as a JSON stream
  t.input_format = std::string(k_dialect_name);  // the job's JSON on stdin, as Cronicle writes it
  return t;
}

plugin_catalog::plugin_catalog(const std::vector<group_document>& documents) {
  std::vector<std::pair<const group_document*, json>> read;
  for (const auto& d : documents) {
    json p = json::parse(d.json_text, nullptr, false);
    if (p.is_object()) read.emplace_back(&d, std::move(p));
  }
  std::stable_sort(read.begin(), read.end(), [](const auto& a, const auto& b) {
    return a.first->created_ms != b.first->created_ms ? a.first->created_ms > b.first->created_ms
                                                      : a.first->name < b.first->name;
  });
  for (auto& [d, p] : read) plugins_.push_back(std::move(p));
}

const json* plugin_catalog::find(std::string_view id) const {
  for (const auto& p : plugins_)
    if (string_in_place(p, "id") == id) return &p;
  return nullptr;
}

void plugin_catalog::show(json& job, bool job_fields) const {
  if (!job.is_object()) return;
  const json* plugin = find(string_in_place(job, "plugin"));
  if (!plugin) return;
  job["plugin_title"] = plugin->value("title", json(""));
  if (!job_fields) return;
  job["command"] = plugin->value("command", json(""));
  for (const char* field : {"cwd", "uid", "gid"})  // `if (plugin.cwd) job.cwd = plugin.cwd`
    if (!falsy(*plugin, field)) job[field] = (*plugin)[field];
  job["params"] = job_params(*plugin, job.value("params", json::object()));
}

group_document plugin_document(const json& plugin) {
  return group_document{.name = string_field(plugin, "id"), .json_text = plugin.dump()};
}

}  // namespace mainspring::http::cronicle
