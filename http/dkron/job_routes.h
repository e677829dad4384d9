// job_routes: Dkron's /v1/jobs routes and the agent routes, translated onto scheduler_api
// (the list of routes and answers is in dkron_dialect.h).
//
// Example:
//   auto state = std::make_shared<dkron_state>(options);
//   router r;
//   add_job_routes(r, api, state);
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "actors/scheduler_api.h"
#include "http/dkron/dkron_dialect.h"
#include "http/router.h"

namespace mainspring::http::dkron {

// What the dialect's handlers share: its options, and whether new jobs are refused.
struct dkron_state {
  explicit dkron_state(dkron_options o) : options(std::move(o)) {}
  dkron_options options;
  std::atomic<bool> paused{false};  // POST /v1/pause; not persisted: a restart unpauses
};

// Dkron's error shape: plain text with Dkron's status; an empty message is a bare status without a
// Content-Type (c.AbortWithStatus).
http_response render_error(int http_status, const status& error);

// A route's handler as the dialect runs it (the listener's parser has read its query as gin does,
// under net/http rules: dialect::net_http_paths, go_query_first_values): an exception answered as
// a 500 in Dkron's shape, and every answer carrying `X-Whom: <whom>` unless `whom` is "" (Dkron's MetaMiddleware,
// on the routes of its "/" group: not on /health, nor on what gin answers itself).
request_handler dkron_handler(request_handler h, std::string whom);

void add_job_routes(router& r, scheduler_api& api, std::shared_ptr<dkron_state> state);
// The agent routes (/v1/, members, leader, health, ...). /v1/members lists this server, then the
// worker nodes of the dialect's group (`mainspring agent --group dkron`) as Serf members: Status
// 1 (alive) when up, 4 (failed) when down, their tags plus role "dkron" and server "false".
void add_agent_routes(router& r, scheduler_api& api, std::shared_ptr<dkron_state> state);

}  // namespace mainspring::http::dkron
