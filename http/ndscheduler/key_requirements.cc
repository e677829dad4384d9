#include "http/ndscheduler/key_requirements.h"

namespace mainspring::http::ndscheduler {

key_requirement_fn key_requirements() {
  using k = key_requirement;
  return key_requirement_table({
      {"POST", "/api/v1/jobs", k::needs(privilege::create_events)},
      {"PUT", "/api/v1/jobs/{job_id}", k::needs(privilege::edit_events)},
      {"PATCH", "/api/v1/jobs/{job_id}", k::needs(privilege::edit_events)},
      {"OPTIONS", "/api/v1/jobs/{job_id}", k::needs(privilege::edit_events)},
      {"DELETE", "/api/v1/jobs/{job_id}", k::needs(privilege::delete_events)},
      {"POST", "/api/v1/executions", k::needs(privilege::run_events)},
      {"POST", "/api/v1/executions/{job_id}", k::needs(privilege::run_events)},
      {"DELETE", "/api/v1/executions/{execution_id}", k::needs(privilege::abort_events)},
  });
}

}  // namespace mainspring::http::ndscheduler
