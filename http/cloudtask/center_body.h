// center_body: a request body as the center's json.Decoder reads it into one of its request
// structs (api/resolve.go: JobActionRequest, MsgHeader, JobLogRequest).
//
// Go's decoder reads the first JSON value and nothing after it; null leaves the struct empty; an
// object's keys name fields exactly or, failing that, ignoring case (a Go client marshalling a
// struct without tags sends {"Runtime": ..., "JobId": ..., "Action": ...}); a later key for the
// same field wins; unknown keys and nulls are skipped; a value of the wrong type (a number for a
// string, 1.5 for an int, a time that is not RFC 3339) fails the whole decode, which the center
// answers with 400 "request resolve invaild.".
//
// Example:
//   static constexpr center_field k_action[] = {{"runtime"}, {"jobid"}, {"action"}};
//   auto body = read_center_body(req.body, k_action);          // {"jobid": "x", ...}
//   if (!body.ok()) return send_center_error(reply, body.status());
//   std::string jobid = body->value("jobid", "");
#pragma once

#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace mainspring::http::cloudtask {

// A field of the request struct: its JSON name and Go type.
struct center_field {
  enum kind_t { string, integer, number, time };
  std::string_view name;
  kind_t kind = string;
};

// The fields of `fields` that `body` sets, under their JSON names, each of its Go type (a time as
// the string sent); or invalid_argument saying why Go's decoder fails.
status_or<nlohmann::json> read_center_body(std::string_view body, std::span<const center_field> fields);

// jobs/action's JobActionRequest, messages' MsgHeader and logs' JobLog (common/models).
extern const std::span<const center_field> k_job_action_fields;
extern const std::span<const center_field> k_message_header_fields;
extern const std::span<const center_field> k_job_log_fields;

}  // namespace mainspring::http::cloudtask
