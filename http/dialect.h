// dialect: one REST API Mainspring speaks, and what a listener needs to serve it.
//
// Every dialect translates its clients' requests into scheduler_api calls and the answers back
// into its own wire format; it holds no scheduling logic. app/serve.cc gives each enabled dialect
// a listener of its own: a router with the dialect's routes (and the system routes /health,
// /ready, /metrics where `system_routes` says so), the cross-site guard, the dialect's error shape
// for what the listener answers itself, and its body limits.
//
// Example:
//   dialect d = dkron::make_dialect({.group = "dkron"});
//   router r;
//   d.add_routes(r, api);
//   dispatch(r, request, reply, {at_any_path(d.render_error), &guard, &observer});
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/api_key_registry.h"
#include "actors/scheduler_api.h"
#include "http/api_key_guard.h"
#include "http/error_renderer.h"
#include "http/http_message.h"
#include "http/router.h"

namespace mainspring::http {

struct dialect {
  std::string name;  // "native", "funcs", "dkron": also the audit log's api
  std::function<void(router&, scheduler_api&)> add_routes;
  error_renderer render_error;  // empty: json_error
  // When set, the listener's own errors (no route, bad method, refusals, oversize bodies) by the
  // request's path instead of render_error.
  path_error_renderer render_error_at;
  // The largest body accepted on `path` (413 above it); empty: k_max_body_bytes everywhere.
  std::function<std::size_t(std::string_view path)> body_limit_for;
  bool system_routes = false;  // serve /health, /ready and /metrics on this listener too
  // Headers added to the listener's own refusals (403, 401, 413, 503, ...): Dkron's X-Whom, which
  // its routes' answers carry too, as Dkron's middleware adds it (its handlers add it there).
  std::vector<std::pair<std::string, std::string>> response_headers;
  // -- API keys (http/api_key_guard.h) --
  // What each route needs of a key under --require-api-key; empty: requirement_by_method.
  key_requirement_fn key_requirement_for;
  // Where a client puts its key; empty: the X-API-Key header.
  presented_key_fn presented_key;
  // Keys are required even without --require-api-key (Cronicle's API always wants one).
  bool requires_api_key = false;
  // No route asks for a key, even under --require-api-key (funcs keep their TOTP codes).
  bool keyless = false;
  // A path without a route whose twin with (or without) a trailing slash has one is redirected
  // there as the original's framework does (gin's RedirectTrailingSlash for Dkron; ndscheduler's
  // handlers do tornado's @removeslash themselves).
  slash_redirect redirect_trailing_slash = slash_redirect::none;
  // Where a GET route answers HEAD too (router::head_served_by_get): gin and gorilla/mux only
  // serve HEAD where a HEAD route is. Empty: everywhere.
  std::function<bool(std::string_view path)> head_served_by_get;
  // The paths the original served with Go's net/http (all of Dkron's; the Cloudtask center's):
  // their targets are read, malformed requests refused, and answers dated as net/http does
  // (http_server_options::net_http_paths). Empty: none.
  std::function<bool(std::string_view path)> net_http_paths;
  // An answer given before any route is looked at, when it gives one (Cloudtask's center: mux's
  // 301 to the cleaned path). Empty: none.
  early_answer_fn answer_before_routing;
  // What a request no route takes is answered, when the original's framework answers it its own
  // way (gin's bare 404 for Dkron; for Cloudtask, mux's 404 and bare 405 on the center's paths,
  // Express's 404 page and OPTIONS reply under /api). Empty: 404, or 405 with Allow.
  unrouted_answer_fn answer_unrouted;
  // Adds the key management routes (the native listener's /v1/apikeys; empty: none).
  std::function<void(router&, api_key_registry&)> add_key_routes;
};

}  // namespace mainspring::http
