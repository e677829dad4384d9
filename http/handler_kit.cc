#include "http/handler_kit.h"

#include <exception>
#include <string>

namespace mainspring::http {

request_handler guarded(error_renderer render, request_handler handler) {
  return [render = std::move(render), handler = std::move(handler)](http_request& req, responder reply) {
    try {
      handler(req, reply);
    } catch (const std::exception& e) {
      reply.send(render(500, status::internal(std::string("internal error: ") + e.what())));
    }
  };
}

request_origin origin_of(std::string_view dialect, const http_request& req) {
  return request_origin{std::string(dialect), req.api_key_id, "", req.client_ip};
}

status renamed_field(const status& error, std::initializer_list<field_rename> renames) {
  const std::string& message = error.message();
  for (const auto& r : renames) {
    if (message.size() > r.from.size() && message.compare(0, r.from.size(), r.from) == 0 &&
        message[r.from.size()] == ':')
      return status(error.code(), std::string(r.to) + message.substr(r.from.size()));
  }
  return error;
}

}  // namespace mainspring::http
