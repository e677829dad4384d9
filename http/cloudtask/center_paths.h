// center_paths: what the center's router (gorilla/mux, as api/router.go builds it) does with a
// path before any route sees it, and with one no route takes.
//
// mux.NewRouter() cleans every request's path (Router.ServeHTTP: cleanPath, path.Clean keeping a
// trailing slash) and answers a path that cleaning changes with a 301 to the cleaned one, query
// kept, without a body or the center's CORS headers: GET /cloudtask/v2//_ping is sent to
// /cloudtask/v2/_ping, and so are "/./" and "/x/../" segments, also spelled %2E or %2F (mux reads
// the decoded path). A path no route has is mux's NotFoundHandler's 404, Go's http.NotFound text;
// a route's path with another method (HEAD too) mux's bare 405. cloudtask-web's routes under /api are
// Express's, which does none of this: only the center's paths are cleaned here.
//
// Example:
//   mux_clean_path("/cloudtask/v2/./jobs//x/base");     // "/cloudtask/v2/jobs/x/base"
//   if (auto moved = center_clean_path_redirect(req)) return reply.send(std::move(*moved));
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace mainspring::http::cloudtask {

// mux's cleanPath: "/" for "", a leading '/' added, Go's path.Clean (one slash between segments,
// no "." segments, ".." taking the segment before it, none above the root), and a trailing slash
// kept unless the result is "/".
std::string mux_clean_path(std::string_view path);

// mux's 301 for a request to a center path (not under /api) that cleaning changes, to the cleaned
// path with the request's query; nullopt when there is nothing to clean. "OPTIONS *" is
// net/http's own 200 (net_http_options_star), which mux never sees.
std::optional<http_response> center_clean_path_redirect(const http_request& request);

// What mux answers a center path no route takes (Go's http.NotFound: 404 text/plain
// "404 page not found\n", nosniff), and one whose route wants another method (405, no body, no
// Content-Type, no Allow), HEAD included (mux matches methods exactly).
http_response mux_not_found();
http_response mux_method_not_allowed();

// The listener's answer to a request no route takes (dialect::answer_unrouted): mux's for a
// center path (405 when `allow` names methods the path has routes for, else 404); nullopt under
// /api, whose answers are cloudtask-web's.
std::optional<http_response> center_unrouted_answer(const http_request& request, std::string_view allow);

}  // namespace mainspring::http::cloudtask
