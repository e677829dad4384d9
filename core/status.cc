#include "core/status.h"

namespace mainspring {

const char* status_code_name(status_code code) {
  switch (code) {
    case status_code::ok: return "ok";
    case status_code::invalid_argument: return "invalid_argument";
    case status_code::not_found: return "not_found";
    case status_code::already_exists: return "already_exists";
    case status_code::failed_precondition: return "failed_precondition";
    case status_code::unauthenticated: return "unauthenticated";
    case status_code::permission_denied: return "permission_denied";
    case status_code::resource_exhausted: return "resource_exhausted";
    case status_code::unavailable: return "unavailable";
    case status_code::internal: return "internal";
    case status_code::unimplemented: return "unimplemented";
    case status_code::deadline_exceeded: return "deadline_exceeded";
  }
  return "unknown";
}

std::string status::to_string() const {
  if (ok()) return "ok";
  return std::string(status_code_name(code_)) + ": " + message_;
}

}  // namespace mainspring
