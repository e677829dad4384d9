#include "http/dkron/key_requirements.h"

namespace mainspring::http::dkron {

key_requirement_fn key_requirements() {
  using k = key_requirement;
  return key_requirement_table({
      {"POST", "/v1/jobs", k::needs(privilege::create_events)},
      {"PATCH", "/v1/jobs", k::needs(privilege::create_events)},
      {"PUT", "/v1/jobs/{job}", k::needs(privilege::create_events)},
      {"POST", "/v1/jobs/{job}", k::needs(privilege::run_events)},
      {"POST", "/v1/jobs/{job}/run", k::needs(privilege::run_events)},
      {"POST", "/v1/jobs/{job}/toggle", k::needs(privilege::edit_events)},
      {"DELETE", "/v1/jobs/{job}", k::needs(privilege::delete_events)},
      {"DELETE", "/v1/jobs/{job}/executions", k::needs(privilege::delete_events)},
      // POST /v1/restore creates and overwrites any number of jobs: admin, as every unlisted change.
      {"POST", "/v1/pause", k::needs(privilege::state_update)},
      {"POST", "/v1/unpause", k::needs(privilege::state_update)},
      {"POST", "/v1/leave", k::needs(privilege::state_update)},
  });
}

}  // namespace mainspring::http::dkron
