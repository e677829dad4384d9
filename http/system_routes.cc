#include "http/system_routes.h"

#include "http/native/envelope.h"

namespace mainspring::http {

void add_system_routes(router& r) {
  r.add("GET", "/health", [](http_request&, responder reply) {
    reply.send(http_response::json(200, R"({"status":"ok","version":")" MAINSPRING_VERSION "\"}"));
  });
}

void dispatch(const router& r, http_request& request, responder reply) {
  auto m = r.match(request);
  if (m.handler) {
    (*m.handler)(request, std::move(reply));
    return;
  }
  if (m.allow.empty()) {
    reply.send(native::failure(status::not_found("no route for " + request.method + " " + request.path)));
    return;
  }
  auto response = http_response::json(
      405, native::dump_json({{"error", "method " + request.method + " not allowed on " +
                                            request.path + "; allowed: " + m.allow}}));
  response.headers.emplace_back("Allow", m.allow);
  reply.send(std::move(response));
}

}  // namespace mainspring::http
