// center_routes: cloudtask-center's API (seed 003 and api/router.go) over the Mainspring core.
//
//   GET  /cloudtask/v2/_ping                               the center's identity and settings
//   GET  /cloudtask/v2/jobs/{jobid}/base                   a job's JobBase (no envelope)
//   GET  /cloudtask/v2/jobbase/{jobid}                     the same (the center's v2.2 path)
//   GET  /cloudtask/v2/runtimes/{runtime}/jobsalloc        the runtime's allocation table
//   GET  /cloudtask/v2/runtimes/{runtime}/{server}/jobsalloc  the part one server runs (server
//                                                          by node id, IP or host name)
//   GET  /cloudtask/v2/runtimes/{runtime}/servers          the runtime's live servers
//   PUT  /cloudtask/v2/jobs/action                         {"runtime","jobid","action"}: 202;
//                                                          "start" runs an idle, placed, enabled
//                                                          job once now; "stop" ends its running
//                                                          execution; neither changes the schedule
//   POST /cloudtask/v2/messages                            an agent's or the web's message: 202
//   POST /cloudtask/v2/logs                                an agent's job log: 202
//   OPTIONS on each of them                                200 with the CORS headers
//
// Example:
//   router r;
//   add_center_routes(r, api, std::make_shared<const center_identity>(identity));
#pragma once

#include <memory>
#include <string>

#include "actors/scheduler_api.h"
#include "http/router.h"

namespace mainspring::http::cloudtask {

// What _ping says about this server.
struct center_identity {
  std::string app;       // 32 hex digits (the center's AppCode, the md5 of its binary)
  std::string key;       // this server's id, a UUID made at start (the center's ServerKey)
  std::string hostname;
  std::string api_addr;  // "http://host:port" of the listener ("" when unknown)
  std::string version;   // Mainspring's
  int64_t started_s = 0; // unix seconds this server started (the center's NodeData Alivestamp)
};

void add_center_routes(router& r, scheduler_api& api, std::shared_ptr<const center_identity> identity);

}  // namespace mainspring::http::cloudtask
