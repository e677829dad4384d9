// web_routes: cloudtask-web's JSON API (src/server/routers/{job,log,location}.js), by which
// Cloudtask's users create, edit and delete jobs and runtimes and read job logs, over the
// Mainspring core instead of MongoDB plus center messages.
//
//   GET    /api/job                           every Cloudtask job (a bare array)
//   GET    /api/job/getGroupJobs/{groupId}    the jobs whose groupid is groupId (a bare array)
//   GET    /api/job/getById/{jobId}           one job (bare); 404 -1001 when unknown
//   POST   /api/job/createJob                 a new job; 409 -1003 when its group has the name
//   PUT    /api/job/updateJob                 replaces a job (by its jobid); 404 for an unknown id
//   DELETE /api/job/deleteJob/{jobId}         removes it (and its allocation entry, at once)
//   GET    /api/log/logs                      job logs: ?jobid= &stat= &createat={"$gte":ms,"$lte":ms}
//                                             &sort=desc &pageIndex= &pageSize=
//   POST   /api/location/add                  {"location": name}: a new runtime (group)
//   DELETE /api/location/remove/{location}    removes an empty runtime
// Answers: {"code": 0, "message": "request successed.", "data": ...} or a web error (replies.h).
// Each path is also served with a trailing slash, as Express's non-strict routing serves it.
//
// Example:
//   add_web_routes(r, api);
#pragma once

#include <cstddef>

#include "actors/scheduler_api.h"
#include "http/router.h"

namespace mainspring::http::cloudtask {

// The most log rows one /api/log/logs answer looks through (newest first), and a page's size.
inline constexpr std::size_t k_max_log_rows_scanned = 10'000;
// Removed jobs of a runtime read at most to show their logs (kept --deleted-job-history).
inline constexpr std::size_t k_max_removed_jobs_read = 10'000;
inline constexpr int k_max_log_page_size = 1000;

void add_web_routes(router& r, scheduler_api& api);

}  // namespace mainspring::http::cloudtask
