// express_answers: what cloudtask-web's Express app answers under /api when none of its routes
// takes a request, so that a client of the web sees the same page there.
//
// cloudtask-web (express 4.16.2, finalhandler 1.1.0 in its package-lock.json) has no handler of
// its own for a path no router knows: Express's final handler answers 404 with a small HTML page
// "Cannot <METHOD> <path>" (the path as sent, without its query, URL-encoded as encodeurl does
// and HTML-escaped), with Content-Security-Policy "default-src 'self'" (finalhandler 1.1.2 and
// later, from express 4.17, say 'none') and X-Content-Type-Options nosniff. Express matches a
// route by path and method together, so a route's path with another method is that 404 too;
// but an OPTIONS request to a route's path is answered by Express's router with the methods the
// path's routes take: 200, `Allow: GET,HEAD` and the same text as the body (a GET route takes
// HEAD too).
//
// Example:
//   d.answer_unrouted = web_unrouted_answer;   // nullopt outside /api: the center's mux answers
//   express_not_found("GET", "/api/x").body;   // "<!DOCTYPE html>...<pre>Cannot GET /api/x</pre>..."
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace mainspring::http::cloudtask {

// Express's 404 for `method` on `sent_path` (the path as sent, still percent-encoded).
http_response express_not_found(std::string_view method, std::string_view sent_path);

// Express's answer to OPTIONS on a path whose routes take `allow` (the router's "GET, PUT").
http_response express_options(std::string_view allow);

// Under /api, the Express answer to a request no route takes (`allow` as route_match gives it);
// elsewhere nullopt.
std::optional<http_response> web_unrouted_answer(const http_request& request, std::string_view allow);

// finalhandler's path text: `path` with what encodeurl encodes percent-encoded (a '%' that starts
// no escape as %25; a byte above 0x7f read as Latin-1, as Node reads a request line, then
// encoded as UTF-8), then HTML-escaped. Exposed for the tests.
std::string express_resource_name(std::string_view path);

}  // namespace mainspring::http::cloudtask
