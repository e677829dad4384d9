#include "http/api_key_guard.h"

#include <memory>

namespace mainspring::http {

namespace {

// The system routes (http/system_routes.h), and Dkron's own /health: probes stay open.
bool is_probe(std::string_view route) {
  return route == "/health" || route == "/ready" || route == "/metrics";
}

}  // namespace

key_requirement requirement_by_method(std::string_view method) {
  if (method == "GET" || method == "HEAD") return key_requirement::any_key();
  if (method == "OPTIONS") return key_requirement::open();
  return key_requirement::needs(privilege::admin);
}

key_requirement_fn key_requirement_table(std::vector<route_key_requirement> rows) {
  auto table = std::make_shared<const std::vector<route_key_requirement>>(std::move(rows));
  return [table](const http_request& request, std::string_view route) {
    for (const auto& row : *table)
      if (row.route == route && (row.method == request.method || (row.method == "GET" && request.method == "HEAD")))
        return row.requirement;
    return requirement_by_method(request.method);
  };
}

std::string presented_api_key(const http_request& request) { return std::string(request.header("x-api-key")); }

int http_status_of_refusal(const status& refusal) {
  return refusal.code() == status_code::permission_denied ? 403 : 401;
}

api_key_guard::api_key_guard(api_key_registry& keys, std::string listener, key_requirement_fn requirement_for,
                             presented_key_fn presented_key)
    : keys_(keys),
      listener_(std::move(listener)),
      requirement_for_(std::move(requirement_for)),
      presented_key_(std::move(presented_key)) {}

status api_key_guard::admit(http_request& request, std::string_view route) const {
  if (is_probe(route)) return {};
  key_requirement need = requirement_for_ ? requirement_for_(request, route) : requirement_by_method(request.method);
  if (need.what == key_requirement::kind::open) return {};
  return admit_key(request, presented_key_ ? presented_key_(request) : presented_api_key(request), need);
}

status api_key_guard::admit_key(http_request& request, std::string_view presented,
                                key_requirement requirement) const {
  if (requirement.what == key_requirement::kind::open) return {};
  std::optional<privilege> needed;
  if (requirement.what == key_requirement::kind::privileged) needed = requirement.needed;
  key_check c = keys_.check(listener_, presented, needed);
  if (!c.verdict.ok()) return c.verdict;
  request.api_key_id = std::move(c.key_id);
  return {};
}

}  // namespace mainspring::http
