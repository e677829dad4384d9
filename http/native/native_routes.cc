#include "http/native/native_routes.h"

#include "http/native/envelope.h"

namespace mainspring::http::native {

void add_native_routes(router& r) {
  r.add("GET", "/version", [](http_request&, responder reply) {
    reply.send(success(MAINSPRING_VERSION));
  });
}

}  // namespace mainspring::http::native
