#include "http/error_renderer.h"

#include <nlohmann/json.hpp>

namespace mainspring::http {

http_response json_error(int http_status, const status& error) {
  nlohmann::json body{{"error", error.message()}};
  return http_response::json(http_status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

path_error_renderer at_any_path(error_renderer render) {
  if (!render) render = json_error;
  return [render = std::move(render)](std::string_view, int http_status, const status& error) {
    return render(http_status, error);
  };
}

}  // namespace mainspring::http
