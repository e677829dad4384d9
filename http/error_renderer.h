// error_renderer: how a dialect shapes an error answer, and the kit's default shape.
//
// Every listener answers some errors itself (a refused cross-site request, no route, a bad
// method, an oversize or malformed body, a handler that threw); each dialect says how its
// clients expect them: the native API {"error": "..."}, Dkron plain text, Cronicle HTTP 200
// with {"code": ..., "description": ...}.
//
// Example:
//   error_renderer render = [](int http_status, const status& error) {
//     return http_response::text(http_status, error.message() + "\n");
//   };
//   reply.send(render(404, status::not_found("no route for GET /x")));
#pragma once

#include <functional>
#include <string_view>

#include "core/status.h"
#include "http/http_message.h"

namespace mainspring::http {

// `http_status` is the status the listener would send (403, 404, 405, 413, 500, ...); a dialect
// may send another (Cronicle answers every error with 200).
using error_renderer = std::function<http_response(int http_status, const status& error)>;

// As error_renderer, also told the path of the request the error answers ("" when there is none:
// a refused connection, a request line that could not be read), so that a listener serving two
// APIs (Cloudtask's center and its web) shapes each one's errors its own way.
using path_error_renderer = std::function<http_response(std::string_view path, int http_status, const status& error)>;

// {"error": "<message>"} as JSON with `http_status`: the shape when a listener names none.
http_response json_error(int http_status, const status& error);

// `render` (json_error when empty) whatever the path.
path_error_renderer at_any_path(error_renderer render);

}  // namespace mainspring::http
