// The native API's envelope: HTTP 200 {"success": <data>} or HTTP 4xx {"error": "<message>"},
// always Content-Type application/json;charset=UTF-8.
//
// Example:
//   reply.send(native::success("ok"));
//   reply.send(native::failure(status::invalid_argument("group_name: required")));
#pragma once

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "http/http_message.h"

namespace mainspring::http::native {

// Serializes `j` compactly; invalid UTF-8 in strings becomes U+FFFD instead of throwing.
std::string dump_json(const nlohmann::json& j);

http_response success(const nlohmann::json& data);
// The seed answers every error with 400; Mainspring keeps 400 for bad input and uses the status
// code's own HTTP status otherwise (404 not found, 409 conflict, 413, 503 ...).
http_response failure(const status& st);
int http_status_of(status_code code);

// The native dialect's name, in the audit log and the dialect list.
inline constexpr std::string_view k_dialect_name = "native";

// The native error shape for errors a listener answers itself, with the status it chose: the
// error_renderer of the native dialects (http/dialect.h).
http_response render_error(int http_status, const status& error);

}  // namespace mainspring::http::native
