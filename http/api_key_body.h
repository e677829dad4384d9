// api_key_body: the fields of an API key as every listener reads them from a JSON body (the
// native /v1/apikeys routes and Cronicle's create_api_key / update_api_key).
//
// Example:
//   auto fields = api_key_fields(json::parse(R"({"title":"ci","privileges":["run_events"],"active":1})"));
//   if (!fields.ok()) return refuse(fields.status());   // "privileges: unknown privilege ..."
//   keys.create(origin, {*fields->title, *fields->privileges, fields->active.value_or(true)});
#pragma once

#include <nlohmann/json.hpp>

#include "actors/api_key_registry.h"
#include "core/status.h"

namespace mainspring::http {

// "title" (a string), "privileges" (an array of names, or Cronicle's object of name -> 1/0) and
// "active" (1/0 or true/false); absent or null fields stay unset. Errors name the field.
status_or<api_key_edit> api_key_fields(const nlohmann::json& body);

}  // namespace mainspring::http
