// Routes every Mainspring server has, whatever dialects it serves: health, readiness, metrics,
// and the dispatch of a request to its route.
//
// Example:
//   router r;
//   add_system_routes(r, probe);   // GET /health, /ready, /metrics
//   dispatch(r, request, reply);   // 404/405 in the native error shape when unmatched
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "http/router.h"

namespace mainspring::http {

// What the system routes ask the running server. Every member may be empty.
struct system_probe {
  // Extra fields for GET /health (jobs, runs in flight, queue depth, ...).
  std::function<nlohmann::json()> health_details;
  // Why the server is not ready to accept work, or nullopt when it is.
  std::function<std::optional<std::string>()> not_ready_reason;
  // The Prometheus text exposition for GET /metrics.
  std::function<std::string()> metrics_text;
};

void add_system_routes(router& r, system_probe probe);

// Told of every answered request: the route pattern ("" when none matched), the method, the
// status sent and the seconds from dispatch to answer. Called on the answering thread.
using request_observer =
    std::function<void(std::string_view route, std::string_view method, int status, double seconds)>;

// Runs the handler `r` finds for `request`, or answers 404 / 405 (with Allow) in the native
// envelope ({"error": "..."}). `observer`, when set, hears of the answer.
void dispatch(const router& r, http_request& request, responder reply,
              const request_observer* observer = nullptr);

}  // namespace mainspring::http
