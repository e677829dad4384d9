// ndscheduler_dialect: ndscheduler's REST API (seed 002 and the released server) on its own
// listener (--ndscheduler-listen), over the Mainspring core.
//
// Every ndscheduler job is a Mainspring job in one group (`group`, default "ndscheduler",
// created at start) with a 32-hex-digit id (a job made in the group through another API keeps
// its own); its class and arguments map onto Mainspring's executors (job_classes.h). Errors are ndscheduler's JSON {"error": "..."} with status 400
// (an unknown job: "Job not found: <id>", also where the released server answered 200 before
// failing), 500 for a server-side failure.
//
// Routes (JSON):
//   GET    /api/v1/jobs                    {"jobs": [...]}, next fire first, paused ones last
//   POST   /api/v1/jobs                    201 {"job_id"}
//   GET    /api/v1/jobs/{id}               the job
//   PUT    /api/v1/jobs/{id}               replace class, arguments and schedule; 200 {"job_id"}
//                                          (pub_args kept when omitted; a paused job stays paused)
//   DELETE /api/v1/jobs/{id}               200 {"job_id"}
//   PATCH  /api/v1/jobs/{id}               pause; 200 {"job_id"}
//   OPTIONS /api/v1/jobs/{id}              resume; 200 {"job_id"}
//   GET    /api/v1/executions              ?time_range_start=&time_range_end= (ISO 8601,
//                                          inclusive, default the last 10 minutes) of the
//                                          scheduled time; {"executions": [...]} newest first
//   GET    /api/v1/executions/{id}         one execution (also while it runs)
//   POST   /api/v1/executions/{job_id}     run now: 200 {"execution_id"} (the released server)
//   POST   /api/v1/executions              the same with {"job_id": ...} in the body (the document)
//   DELETE /api/v1/executions/{id}         501, as ndscheduler ("Not implemented yet.")
//   GET    /api/v1/logs                    ?time_range_start=&time_range_end=; {"logs": [...]}
// An {id} is the rest of the path, slashes included, as tornado's "/api/v1/jobs/(.*)" takes it;
// a path ending in '/' is tornado's @removeslash on every handler: GET 301 to the path without
// it, other methods 404.
//
// Example:
//   http::dialect d = ndscheduler::make_dialect({.group = "ndscheduler"});
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "http/dialect.h"

namespace mainspring::http::ndscheduler {

// The routes, as registered and as key_requirements names them. tornado's "/api/v1/jobs/(.*)"
// takes the rest of the path, slashes included: "{id...}" (router.h).
inline constexpr std::string_view k_jobs_route = "/api/v1/jobs";
inline constexpr std::string_view k_job_route = "/api/v1/jobs/{id...}";
inline constexpr std::string_view k_executions_route = "/api/v1/executions";
inline constexpr std::string_view k_execution_route = "/api/v1/executions/{id...}";
inline constexpr std::string_view k_logs_route = "/api/v1/logs";

// Executions and log entries a list holds at most.
inline constexpr std::size_t k_max_list_entries = 10'000;
// The default time range of the executions and logs lists.
inline constexpr int64_t k_default_range_ms = 10 * 60 * 1000;

struct ndscheduler_options {
  std::string group = "ndscheduler";
  std::string hostname;  // what executions show as their hostname ("" = the host name)
};

dialect make_dialect(ndscheduler_options options);

}  // namespace mainspring::http::ndscheduler
