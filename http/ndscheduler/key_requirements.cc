#include "http/ndscheduler/key_requirements.h"

#include "http/ndscheduler/ndscheduler_dialect.h"

namespace mainspring::http::ndscheduler {

key_requirement_fn key_requirements() {
  using k = key_requirement;
  return key_requirement_table({
      {"POST", k_jobs_route, k::needs(privilege::create_events)},
      {"PUT", k_job_route, k::needs(privilege::edit_events)},
      {"PATCH", k_job_route, k::needs(privilege::edit_events)},
      {"OPTIONS", k_job_route, k::needs(privilege::edit_events)},
      {"DELETE", k_job_route, k::needs(privilege::delete_events)},
      {"POST", k_executions_route, k::needs(privilege::run_events)},
      {"POST", k_execution_route, k::needs(privilege::run_events)},
      {"DELETE", k_execution_route, k::needs(privilege::abort_events)},
  });
}

}  // namespace mainspring::http::ndscheduler
