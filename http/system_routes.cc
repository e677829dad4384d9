#include "http/system_routes.h"

#include <chrono>

#include "http/native/envelope.h"

namespace mainspring::http {

void add_system_routes(router& r, system_probe probe) {
  auto shared = std::make_shared<system_probe>(std::move(probe));
  r.add("GET", "/health", [shared](http_request&, responder reply) {
    nlohmann::json body{{"status", "ok"}, {"version", MAINSPRING_VERSION}};
    if (shared->health_details) body.update(shared->health_details());
    reply.send(http_response::json(200, native::dump_json(body)));
  });
  r.add("GET", "/ready", [shared](http_request&, responder reply) {
    auto reason = shared->not_ready_reason ? shared->not_ready_reason() : std::nullopt;
    if (reason) {
      reply.send(http_response::json(503, native::dump_json({{"ready", false}, {"reason", *reason}})));
      return;
    }
    reply.send(http_response::json(200, native::dump_json({{"ready", true}})));
  });
  if (shared->metrics_text) {
    r.add("GET", "/metrics", [shared](http_request&, responder reply) {
      reply.send({200, "text/plain; version=0.0.4; charset=utf-8", shared->metrics_text(), {}});
    });
  }
}

void dispatch(const router& r, http_request& request, responder reply,
              const request_observer* observer) {
  auto m = r.match(request);
  if (observer && *observer) {
    // Wrap the reply so the observer hears the status and the time to answer.
    auto start = std::chrono::steady_clock::now();
    reply = responder([inner = std::move(reply), observe = *observer, route = m.route,
                       method = request.method, start](http_response response) {
      int code = response.status;
      inner.send(std::move(response));
      observe(route, method, code,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    });
  }
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
