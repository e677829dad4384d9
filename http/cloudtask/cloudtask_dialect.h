// cloudtask_dialect: Cloudtask's API on its own listener (--cloudtask-listen): the center's
// routes under /cloudtask/v2 (center_routes.h) and cloudtask-web's job, log and runtime routes
// under /api (web_routes.h), over Mainspring's groups, REMOTE@* jobs and worker nodes.
//
// Mapping: a runtime (location) is a group; its servers are the group's worker nodes (agents,
// keyed and named by their --node-id); a job runs `cmd` on the one live node the group's
// allocation table gives it (core/job_allocation.h: Cloudtask's consistent-hash ring, rebuilt
// as nodes come and go); its calendar rules are its schedule (core/calendar_rules.h).
//
// Example:
//   http::dialect d = cloudtask::make_dialect({.hostname = "host1", .api_addr = "http://127.0.0.1:8985"});
#pragma once

#include <string>

#include "http/dialect.h"

namespace mainspring::http::cloudtask {

struct cloudtask_options {
  std::string hostname;  // what _ping names this server
  std::string api_addr;  // "http://host:port" of the listener, for _ping
};

dialect make_dialect(cloudtask_options options);

}  // namespace mainspring::http::cloudtask
