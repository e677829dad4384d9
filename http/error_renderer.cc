#include "http/error_renderer.h"

#include <nlohmann/json.hpp>

namespace mainspring::http {

http_response json_error(int http_status, const status& error) {
  nlohmann::json body{{"error", error.message()}};
  return http_response::json(http_status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace mainspring::http
