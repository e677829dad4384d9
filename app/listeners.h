// listeners: one HTTP listener per enabled dialect, as the serve flags ask.
//
// plan_listeners() reads and checks every listen address and the cross-site flags before anything
// starts; listener_set then gives each dialect its router (its routes, plus /health, /ready and
// /metrics where the dialect serves them), its cross-site guard, error shape and body limits
// (http/dialect.h), and starts them in plan order: the optional listeners first and the native
// REST API last, so that a server whose /health answers serves every dialect.
//
// Example:
//   auto plans = plan_listeners(cfg);                // "--dkron-listen: listen: bad port ..."
//   if (!plans.ok()) die(plans.status().message());
//   listener_set listeners;
//   if (auto st = listeners.start(std::move(*plans), runtime, keys, probe, &observer, 1); !st.ok()) die(...);
//   ...
//   listeners.stop();
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/api_key_registry.h"
#include "actors/scheduler_api.h"
#include "app/serve_config.h"
#include "core/status.h"
#include "http/cronicle/cronicle_dialect.h"
#include "http/cross_site_guard.h"
#include "http/dialect.h"
#include "http/http_server.h"
#include "http/system_routes.h"

namespace mainspring {

struct listener_plan {
  std::string flag;  // "--listen", "--func-listen", "--dkron-listen": for messages
  std::string host;
  uint16_t port = 0;
  http::dialect dialect;
  http::cross_site_guard guard;
  http::connection_limits limits;
  // Every route asks for the API key it needs (--require-api-key, or a dialect that always
  // does); key management routes check for themselves either way.
  bool require_api_key = false;
};

// The Cronicle dialect's options from the serve flags (its listener, its web hook bodies).
http::cronicle::cronicle_options cronicle_options_of(const serve_config& cfg);

// The listeners `cfg` enables, in start order; invalid_argument naming the flag when an address
// or a cross-site flag is bad.
status_or<std::vector<listener_plan>> plan_listeners(const serve_config& cfg);

class listener_set {
 public:
  // -- constructors --
  listener_set();
  ~listener_set();  // stops every listener
  listener_set(const listener_set&) = delete;
  listener_set& operator=(const listener_set&) = delete;

  // -- lifecycle --

  // Starts every planned listener; on the first that cannot bind, stops those already started
  // and fails with unavailable naming its flag. `api`, `keys`, `probe` and `*observer` must
  // outlive the set.
  status start(std::vector<listener_plan> plans, scheduler_api& api, api_key_registry& keys,
               const http::system_probe& probe, const http::request_observer* observer, unsigned http_threads);
  void stop();

 private:
  struct listener;
  std::vector<std::unique_ptr<listener>> listeners_;
};

}  // namespace mainspring
