#include "http/cronicle/before_session.h"

#include <string>

#include "http/cronicle/custom_plugins.h"
#include "http/cronicle/js_values.h"
#include "http/cronicle/validation.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

// get_event's and run_event's criteria: `if (params.id) ... else if (params.title) ... else` an
// error, by JavaScript truthiness.
std::optional<api_error> event_criteria(const json& params) {
  auto truthy = [&params](const char* name) {
    auto it = params.find(name);
    return it != params.end() && js_truthy(*it);
  };
  if (truthy("id") || truthy("title")) return std::nullopt;
  return api_error{"event", "Failed to locate event: No criteria specified"};
}

std::optional<api_error> require_id(const json& params) { return require_params(params, {{"id", param_rule::word}}); }

}  // namespace

std::optional<api_error> validate_key_fields(const json& params) {
  if (auto k = params.find("key"); k != params.end()) {
    if (!k->is_string()) return api_refusal("Malformed parameter type: key (" + std::string(js_type(*k)) + ")");
    if (!matches(param_rule::word, k->get_ref<const std::string&>())) return api_refusal("Malformed parameter value: key");
  }
  if (auto act = params.find("active"); act != params.end()) {
    if (!act->is_number()) return api_refusal("Malformed parameter type: active (" + std::string(js_type(*act)) + ")");
    if (!matches(param_rule::bit, js_text(*act))) return api_refusal("Malformed parameter value: active");
  }
  return std::nullopt;
}

std::optional<api_error> html_in_key_text(const json& params) {
  for (const char* field : {"title", "description"})
    if (auto it = params.find(field); it != params.end() && it->is_string() &&
                                      it->get_ref<const std::string&>().find_first_of("<>") != std::string::npos)
      return api_refusal(std::string("Malformed ") + field + " parameter: Cannot contain HTML metacharacters");
  return std::nullopt;
}

std::optional<api_error> check_before_session(std::string_view call, const json& params, const json& query) {
  // Each in the order of its handler in Cronicle's lib/api/*.js.
  if (call == "get_event") return event_criteria(params);
  if (call == "run_event") {
    if (auto e = event_criteria(params)) return e;
    return validate_event_data(params);
  }
  if (call == "create_event") {
    if (auto e = require_params(params, {{"title", param_rule::non_blank},
                                         {"enabled", param_rule::flag},
                                         {"category", param_rule::word},
                                         {"target", param_rule::host},
                                         {"plugin", param_rule::word}}))
      return e;
    return validate_event_data(params);
  }
  if (call == "update_event") {
    if (auto e = require_id(params)) return e;
    return validate_event_data(params);
  }
  if (call == "get_job_log") return require_id(query);  // the query only: api_get_job_log reads args.query
  if (call == "create_api_key") {
    if (auto e = require_params(params, {{"title", param_rule::non_blank}, {"key", param_rule::word},
                                         {"active", param_rule::bit}}))
      return e;
    return html_in_key_text(params);
  }
  if (call == "update_api_key") {
    if (auto e = require_id(params)) return e;
    if (auto e = validate_key_fields(params)) return e;
    return html_in_key_text(params);
  }
  if (call == "create_category") {
    if (auto e = require_params(params, {{"title", param_rule::non_blank}, {"max_children", param_rule::digits}}))
      return e;
    if (auto e = validate_category_fields(params)) return e;
    return html_in_key_text(params);  // title and description, in the same words
  }
  if (call == "update_category") {
    if (auto e = require_id(params)) return e;
    if (auto e = validate_category_fields(params)) return e;
    return html_in_key_text(params);
  }
  if (call == "create_plugin") return check_new_plugin(params);
  if (call == "update_plugin") return check_plugin_changes(params);
  if (call == "delete_plugin") return require_id(params);
  for (std::string_view by_id : {"delete_event", "delete_category", "flush_event_queue", "get_event_history", "update_job", "abort_job",
                                 "get_job_details", "get_job_status", "get_api_key", "delete_api_key",
                                 "delete_job"})
    if (call == by_id) return require_id(params);
  return std::nullopt;
}

}  // namespace mainspring::http::cronicle
