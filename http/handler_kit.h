// handler_kit: what every dialect's handlers do the same way, whatever their wire format.
//
// Example:
//   r.add("GET", "/v1/jobs/{job}", guarded(render_dkron_error, [&api](http_request& req, responder reply) {
//     api.job_detail(...);   // an exception thrown here answers 500 in the dialect's shape
//   }));
//   api.add_job(origin_of("dkron", req), spec, ...);
#pragma once

#include <string_view>

#include "actors/scheduler_api.h"
#include "http/error_renderer.h"
#include "http/router.h"

namespace mainspring::http {

// Runs `handler`, answering 500 through `render` instead of letting an exception reach the
// server.
request_handler guarded(error_renderer render, request_handler handler);

// Who asks, for the audit log: the dialect, the API key that authorized the request
// (req.api_key_id, set by the listener's key check; "" when no key was asked for), and the
// address it came from (req.client_ip).
request_origin origin_of(std::string_view dialect, const http_request& req);

// `error` with its leading field id ("interval_pattern: ...", see validate_job in core/job.h)
// renamed into a dialect's vocabulary: {{"interval_pattern", "schedule"}} turns it into
// "schedule: ...". Other messages come back unchanged.
struct field_rename {
  std::string_view from;
  std::string_view to;
};
status renamed_field(const status& error, std::initializer_list<field_rename> renames);

}  // namespace mainspring::http
