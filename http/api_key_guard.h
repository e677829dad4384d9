// api_key_guard: which API key a route needs, checked for every dialect the same way.
//
// Each dialect says what its routes need (dialect::key_requirement_for: open, any enabled key,
// or one privilege) and where its clients put the key (dialect::presented_key; the X-API-Key
// header by default). A listener that requires keys (--require-api-key, or a dialect with
// dialect::requires_api_key such as Cronicle's) gives dispatch() a guard; dispatch then admits
// a matched route only with a key that has what the route needs, and answers a refusal through
// the dialect's own error_renderer: 401 for a missing, unknown, wrong or disabled key, 403 for an
// enabled key without the privilege. An admitted request carries the key's id
// (http_request::api_key_id), which origin_of() hands to the audit log.
//
// /health, /ready and /metrics are always open.
//
// Example:
//   api_key_guard guard(registry, "dkron", dkron::key_requirements(), nullptr);
//   dispatch(r, request, reply, {at_any_path(d.render_error), &cross_site, &observer, &guard});
//
//   // a route that checks for itself, whatever the listener requires:
//   if (auto st = guard.admit_key(req, presented_api_key(req), key_requirement::needs(privilege::admin));
//       !st.ok())
//     return reply.send(render_error(http_status_of_refusal(st), st));
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/api_key_registry.h"
#include "core/api_key.h"
#include "core/status.h"
#include "http/http_message.h"

namespace mainspring::http {

// What a route asks of its caller's key.
struct key_requirement {
  enum class kind : uint8_t { open, any_key, privileged };
  kind what = kind::any_key;
  privilege needed = privilege::admin;  // when privileged

  static key_requirement open() { return {kind::open, privilege::admin}; }
  static key_requirement any_key() { return {kind::any_key, privilege::admin}; }
  static key_requirement needs(privilege p) { return {kind::privileged, p}; }
};

// What the matched route (its pattern, e.g. "/v1/jobs/{job}") of `request` needs; the router has
// filled request.params by then.
using key_requirement_fn = std::function<key_requirement(const http_request& request, std::string_view route)>;
// The key text a request presents; "" when none.
using presented_key_fn = std::function<std::string(const http_request& request)>;

// For a route no table names: GET and HEAD any key, OPTIONS open, every other method admin (a
// change nobody classified needs the strongest privilege).
key_requirement requirement_by_method(std::string_view method);

// One row of a dialect's table: a method and a route pattern exactly as the dialect adds them.
struct route_key_requirement {
  std::string_view method;
  std::string_view route;
  key_requirement requirement;
};
// A key_requirement_fn looking `rows` up; anything else falls to requirement_by_method.
key_requirement_fn key_requirement_table(std::vector<route_key_requirement> rows);

// The X-API-Key header; "" when absent.
std::string presented_api_key(const http_request& request);

// 401 for unauthenticated, 403 for permission_denied (what admit() refuses with).
int http_status_of_refusal(const status& refusal);

class api_key_guard {
 public:
  // -- constructors --
  // `listener` names the dialect in metrics. Empty functions: requirement_by_method and
  // presented_api_key. REQUIRES: `keys` outlives the guard.
  api_key_guard(api_key_registry& keys, std::string listener, key_requirement_fn requirement_for,
                presented_key_fn presented_key);

  // -- checks --

  // For dispatch: admits `request` to its matched `route` as the route's requirement says.
  // On ok, request.api_key_id names the key (stays "" for an open route).
  status admit(http_request& request, std::string_view route) const;

  // For a route that checks for itself: `presented` must satisfy `requirement`.
  status admit_key(http_request& request, std::string_view presented, key_requirement requirement) const;

  // -- properties --
  const std::string& listener() const { return listener_; }

 private:
  // -- member variables --
  api_key_registry& keys_;
  std::string listener_;
  key_requirement_fn requirement_for_;
  presented_key_fn presented_key_;
};

}  // namespace mainspring::http
