#include "http/cloudtask/key_requirements.h"

#include <nlohmann/json.hpp>

#include "http/cloudtask/center_body.h"

namespace mainspring::http::cloudtask {

key_requirement_fn key_requirements() {
  using k = key_requirement;
  auto table = key_requirement_table({
      {"POST", "/api/job/createJob", k::needs(privilege::create_events)},
      {"PUT", "/api/job/updateJob", k::needs(privilege::edit_events)},
      {"DELETE", "/api/job/deleteJob/{jobId}", k::needs(privilege::delete_events)},
      {"POST", "/api/location/add", k::needs(privilege::state_update)},
      {"DELETE", "/api/location/remove/{location}", k::needs(privilege::state_update)},
      {"POST", "/cloudtask/v2/messages", k::needs(privilege::state_update)},
      {"POST", "/cloudtask/v2/logs", k::needs(privilege::state_update)},
  });
  return [table](const http_request& request, std::string_view route) {
    if (request.method == "OPTIONS") return k::open();
    if (route == "/cloudtask/v2/jobs/action") {
      // The body says which, read as the route reads it (an "Action" key is the action too): a
      // body that does not decode is refused by the route itself (400) once a key with either
      // privilege let it through.
      auto body = read_center_body(request.body, k_job_action_request);
      const bool stop = body.ok() && body->value("action", "") == "stop";
      return k::needs(stop ? privilege::abort_events : privilege::run_events);
    }
    // A web route's twin with a trailing slash (web_routes.h) needs what the route needs.
    if (route.size() > 1 && route.starts_with("/api/") && route.ends_with('/')) route.remove_suffix(1);
    return table(request, route);
  };
}

}  // namespace mainspring::http::cloudtask
