// The native REST API (seed 000, gua v1, plus Mainspring's extensions): the route table, which
// turns each request into one scheduler_api call and its answer into the native envelope
// ({"success": ...} with 200, {"error": "..."} with 4xx/5xx). Translation only; the scheduling
// happens in actors/. Body decoding and payload encoding live in job_json.h.
//
// Routes: GET /version; POST /v1/register/group, /v1/remove/group, /v1/add/job, /v1/edit/job,
// /v1/pause/job, /v1/active/job, /v1/delete/job; GET /v1/{group}/job/list, /v1/group/list,
// /v1/{group}/group/info (and /{group}/v1/group/info), /v1/{group}/node/list; DELETE
// /v1/{group}/job/clear, /v1/{group}/job/delete/{job_name}; extensions GET
// /v1/{group}/job/{job_id}, POST /v1/{group}/job/{job_id}/run, GET
// /v1/{group}/job/{job_id}/executions?limit=N&before=RUN_ID, GET /v1/audit?from=&to=&limit=,
// GET /v1/stats and /v1/schedule/preview (http/native/dashboard_routes.h);
// GET /v1/dump/all and /v1/{group}/dump (a tar.gz download), POST /v1/import (and /import).
// POST /v1/add/func (Lua funcs) is served by http/native/func_routes.h.
//
// Example:
//   router r;
//   native::add_native_routes(r, runtime);   // scheduler_api&
//
// REQUIRES: `api` outlives every request the router serves.
#pragma once

#include <cstddef>

#include "actors/scheduler_api.h"
#include "http/router.h"

namespace mainspring::http::native {

// GET .../executions: the page size without ?limit=, and the largest one allowed.
inline constexpr std::size_t k_default_executions_limit = 20;
inline constexpr std::size_t k_max_executions_limit = 1000;
// GET /v1/audit: the most entries one page may hold.
inline constexpr std::size_t k_max_audit_limit = 10000;
// POST /v1/import: the largest archive accepted (other bodies stop at k_max_body_bytes).
inline constexpr std::size_t k_max_import_bytes = 256u << 20;

void add_native_routes(router& r, scheduler_api& api);

}  // namespace mainspring::http::native
