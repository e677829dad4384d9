// before_session: the checks each Cronicle call makes of its parameters before it looks at the
// caller's key, so that a call with a bad key and a bad parameter answers what Cronicle answers.
//
// Cronicle's handlers (lib/api/event.js, job.js, apikey.js) run requireParams, and some
// requireValidEventData or their own criteria check, before loadSession; a call that fails one
// is refused with that parameter's error whatever key it presents. The listener's key check
// (cronicle_dialect.cc: key_requirements) lets such a call through without a key, and the call's
// router answers this refusal before the call runs: nothing is read or changed.
//
// Example:
//   if (auto e = check_before_session("delete_event", params, query))   // {} -> "Missing parameter: id"
//     return reply.send(failure(*e));
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http/cronicle/errors.h"

namespace mainspring::http::cronicle {

// The refusal Cronicle's call `call` gives `params` (the call's merged parameters, as it reads
// them) and `query` (the URL's) before loading a session; nullopt when they pass or the call
// checks nothing first (get_schedule, get_history, get_active_jobs, abort_jobs, update_jobs,
// get_api_keys, get_categories, the master state calls) or is unknown.
std::optional<api_error> check_before_session(std::string_view call, const nlohmann::json& params,
                                              const nlohmann::json& query);

// update_api_key's validateOptionalParams: `key` a string of word characters, `active` the
// number 1 or 0 ("Malformed parameter type: active (string)").
std::optional<api_error> validate_key_fields(const nlohmann::json& params);

// create_api_key's and update_api_key's check of `title` and `description` ("Malformed title
// parameter: Cannot contain HTML metacharacters").
std::optional<api_error> html_in_key_text(const nlohmann::json& params);

}  // namespace mainspring::http::cronicle
