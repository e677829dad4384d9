// center_body: a request body as the center's json.Decoder reads it into one of its structs
// (api/resolve.go: JobActionRequest, MsgHeader, JobLogRequest; api/messages.go: SystemEvent,
// JobExecute, JobSelect).
//
// Go's decoder reads the first JSON value and nothing after it; null leaves the struct empty; an
// object's keys name fields exactly or, failing that, ignoring case (a Go client marshalling a
// struct without tags sends {"Runtime": ..., "JobId": ..., "Action": ...}); a later key for the
// same field wins; unknown keys and nulls are skipped. A value of the wrong type (a number for a
// string, 1.5 for an int) fails the decode with Go's UnmarshalTypeError, the first of them, after
// the whole value was read; a time that is not RFC 3339 fails it at once, with time's own error.
// The resolve functions answer any failure with 400 "request resolve invaild."; postMessages
// answers a message body that fails as its kind's struct with a 500 and Go's text
// ("process systemevent message m1 failure, json: cannot unmarshal string into Go struct field
// SystemEvent.timestamp of type int64"). The texts are today's Go's (time's as Go 1.20 reads a
// JSON time), where the Go of Cloudtask's day words a bad time otherwise.
//
// Example:
//   auto body = read_center_body(req.body, k_job_action_request);   // {"jobid": "x", ...}
//   if (!body.ok()) return send_center_error(reply, body.status());
//   std::string jobid = body->value("jobid", "");
#pragma once

#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace mainspring::http::cloudtask {

// A field of a request struct: its JSON name and Go type.
struct center_field {
  enum kind_t {
    string,       // string
    int_,         // int
    int64,        // int64
    float64,      // float64
    time,         // time.Time
    string_list,  // []string
    context       // the requests' `Context *Context` (api/context.go): an object whose ID is a
                  // string and whose embedded context.Context interface takes nothing but null
  };
  std::string_view name;
  kind_t kind = string;
};

// A request struct: its Go type's name (as errors name it) and fields.
struct center_struct {
  std::string_view go_name;  // "SystemEvent"
  std::string_view package;  // "models": a whole body of the wrong kind names models.SystemEvent
  std::span<const center_field> fields;
};

// The fields of `into` that `body` sets, under their JSON names, each of its Go type (a time as
// the string sent, a context as the object sent); or invalid_argument with Go's error text.
status_or<nlohmann::json> read_center_body(std::string_view body, const center_struct& into);

// api/request.go JobActionRequest (jobs/action) and JobLogRequest (logs: a JobLog).
extern const center_struct k_job_action_request;
extern const center_struct k_job_log_request;
// common/models MsgHeader (every message), and the messages postMessages reads whole by its
// msgname: SystemEvent (the web's), JobExecute and JobSelect (the agents').
extern const center_struct k_message_header;
extern const center_struct k_system_event;
extern const center_struct k_job_execute;
extern const center_struct k_job_select;

}  // namespace mainspring::http::cloudtask
