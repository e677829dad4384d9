// validation: Cronicle's checks of a call's parameters, with its exact codes and texts.
//
// require_params is pixl-server-user's requireParams (each named param present, not null, and
// its JavaScript text matching a pattern: "Missing parameter: id", "Null parameter: id",
// "Malformed parameter: id"); validate_event_data is Cronicle's requireValidEventData (the type
// and value rules of every optional event field, titles and notes without HTML metacharacters,
// params an object, the timing object's keys and ranges, a known IANA time zone).
//
// Example:
//   if (auto e = require_params(params, {{"id", param_rule::word}})) return reply.send(failure(*e));
//   if (auto e = validate_event_data(params)) return reply.send(failure(*e));
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "http/cronicle/errors.h"

namespace mainspring::http::cronicle {

// The patterns Cronicle's calls require (lib/api/event.js, lib/api/job.js).
enum class param_rule {
  non_blank,  // /\S/
  flag,       // /^(\d+|true|false)$/
  word,       // /^\w+$/
  host,       // /^[\w\-\.]+$/
  bit,        // /^[1|0]$/ (the class also admits "|", as Cronicle's pattern does)
  digits,     // /^\d+$/
};

// String(value) as JavaScript writes it: strings as they are, true/false, numbers, arrays
// comma-joined, objects "[object Object]", null "null".
std::string js_text(const nlohmann::json& value);

// JavaScript's typeof for a JSON value: "string", "number", "boolean" or "object" (null, arrays
// and objects), as Cronicle's "Malformed parameter type: x (<type>)" names it.
std::string_view js_type(const nlohmann::json& value);

bool matches(param_rule rule, const std::string& text);

std::optional<api_error> require_params(const nlohmann::json& params,
                                        std::initializer_list<std::pair<const char*, param_rule>> rules);

// Also rejects arrays for `params` and `timing` (JavaScript calls them objects) and timing values
// that are not whole numbers, which Cronicle accepts and then never matches.
std::optional<api_error> validate_event_data(const nlohmann::json& event);

// create_category's and update_category's validateOptionalParams (lib/api/category.js): the type
// and value of description, enabled (the number 1 or 0), max_children, notify_*, web_hook, the
// limits, log_max_size and color ("Malformed parameter type: enabled (string)", "Malformed
// parameter value: color").
std::optional<api_error> validate_category_fields(const nlohmann::json& category);

// create_plugin's and update_plugin's validateOptionalParams (lib/api/plugin.js): enabled the
// number 1 or 0, cwd a string of word characters, blanks, '-', '/' and '.', uid and gid strings
// of word characters, '-' and '.' ("Malformed parameter value: cwd").
std::optional<api_error> validate_plugin_fields(const nlohmann::json& plugin);

// update_event's reset_cursor (unix seconds), checked as requireValidEventData checks its numbers
// ("Malformed parameter type: reset_cursor (string)", "Malformed parameter value:
// reset_cursor"). Cronicle does not check it: "abc" is silently ignored there and -5 sets a cursor
// before 1970; here both are refused, so that a call that cannot do what it asks changes nothing.
// 0 passes (Cronicle's "no reset").
std::optional<api_error> validate_reset_cursor(const nlohmann::json& params);

// The URL of a web_hook value as Cronicle's validation reads one (/(^$|https?:\/\/\S+)$/i: the
// value ends in an http(s) URL without blanks): that URL, or "" when the value has none.
// Example: web_hook_url("notify http://127.0.0.1:9/h") == "http://127.0.0.1:9/h"
std::string web_hook_url(std::string_view hook);

}  // namespace mainspring::http::cronicle
