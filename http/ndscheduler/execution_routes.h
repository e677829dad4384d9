// execution_routes: ndscheduler's executions and audit log routes (GET /api/v1/executions,
// GET and POST /api/v1/executions/{id}, POST /api/v1/executions, DELETE /api/v1/executions/{id},
// GET /api/v1/logs; ndscheduler_dialect.h lists what each answers), over the core's run records
// and audit log.
//
// Example:
//   add_execution_routes(r, api, std::make_shared<const ndscheduler_options>(options));
#pragma once

#include "actors/scheduler_api.h"
#include "http/ndscheduler/replies.h"
#include "http/router.h"

namespace mainspring::http::ndscheduler {

void add_execution_routes(router& r, scheduler_api& api, options_ptr o);

}  // namespace mainspring::http::ndscheduler
