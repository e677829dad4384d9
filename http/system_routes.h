// Routes every Mainspring server has, whatever dialects it serves: health, readiness, metrics,
// and the dispatch of a request to its route through the listener's cross-site guard.
//
// Example:
//   router r;
//   add_system_routes(r, probe);   // GET /health, /ready, /metrics
//   dispatch(r, request, reply, {at_any_path(render_native_error), &guard, &observer});
//       // refused cross-site requests get a 403, unmatched ones 404/405, in the dialect's shape
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "http/api_key_guard.h"
#include "http/cross_site_guard.h"
#include "http/error_renderer.h"
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

// What dispatch needs of a listener besides its routes. Every member may be null/empty.
struct dispatch_options {
  path_error_renderer render_error;          // empty: json_error ({"error": "..."})
  const cross_site_guard* guard = nullptr;   // null: no cross-site checks
  const request_observer* observer = nullptr;  // hears of every answer
  const api_key_guard* keys = nullptr;         // null: no API key asked for
  // A path without a route whose twin with (or without) a trailing slash has one (slash_redirect).
  slash_redirect redirect_trailing_slash = slash_redirect::none;
  // Asked once the cross-site guard let a request through, before its API key and its route.
  early_answer_fn answer_before_routing;
  // Asked for a request no route takes, once no slash redirect applies. Empty: 404, or 405 with
  // Allow.
  unrouted_answer_fn answer_unrouted;
};

// Refuses what `options.guard` refuses (403) and answers allowed CORS preflights; otherwise gives
// the answer options.answer_before_routing has for it, if any, or runs the handler `r` finds for
// `request` once `options.keys` admits it (else 401 / 403), or answers what
// options.answer_unrouted has for an unrouted request, else 404 / 405 (with Allow). An allowed
// foreign origin gets Access-Control-Allow-Origin on the answer.
void dispatch(const router& r, http_request& request, responder reply,
              const dispatch_options& options = {});

}  // namespace mainspring::http
