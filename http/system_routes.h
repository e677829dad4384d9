// Routes every Mainspring server has whatever dialects it serves: health and dispatch.
//
// Example:
//   router r;
//   add_system_routes(r);                    // GET /health
//   dispatch(r, request, reply);             // 404/405 in the native error shape when unmatched
#pragma once

#include "http/router.h"

namespace mainspring::http {

void add_system_routes(router& r);

// Runs the handler `r` finds for `request`, or answers 404 / 405 (with Allow) in the native
// envelope ({"error": "..."}).
void dispatch(const router& r, http_request& request, responder reply);

}  // namespace mainspring::http
