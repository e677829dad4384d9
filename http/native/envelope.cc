#include "http/native/envelope.h"

namespace mainspring::http::native {

std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

http_response success(const nlohmann::json& data) {
  // Written around the data's text: wrapping `data` in an object would copy all of it.
  return http_response::json(200, "{\"success\":" + dump_json(data) + "}");
}

int http_status_of(status_code code) {
  switch (code) {
    case status_code::ok: return 200;
    case status_code::invalid_argument: return 400;
    case status_code::not_found: return 404;
    case status_code::already_exists: return 409;
    case status_code::failed_precondition: return 409;
    case status_code::unauthenticated: return 401;
    case status_code::permission_denied: return 403;
    case status_code::resource_exhausted: return 413;
    case status_code::unavailable: return 503;
    case status_code::internal: return 500;
    case status_code::unimplemented: return 501;
    case status_code::deadline_exceeded: return 504;
  }
  return 500;
}

http_response render_error(int http_status, const status& error) {
  return http_response::json(http_status, dump_json(nlohmann::json{{"error", error.message()}}));
}

http_response failure(const status& st) {
  return http_response::json(http_status_of(st.code()),
                             dump_json(nlohmann::json{{"error", st.message()}}));
}

}  // namespace mainspring::http::native
