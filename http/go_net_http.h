// go_net_http: what Go's net/http and net/url do on the wire, for the dialects whose originals are
// Go servers (Dkron's gin, the Cloudtask center's gorilla/mux): how they read a request target,
// how net/http refuses a request it cannot parse, and how a path and a redirect are written back.
//
// net/http reads a target with url.ParseRequestURI: a bad %-escape in the path is its own bare
// "400 Bad Request" (no handler runs), while the query is only split off, and read later by
// url.ParseQuery, which skips a pair it cannot read (a bad escape, a ';') and keeps the others.
//
// Example:
//   auto q = go_query_first_values("/v1/jobs?a=%zz&b=1&b=2");   // {b: "1"}
//   reply.send(net_http_refusal(400));                           // "400 Bad Request"
//   go_escaped_path("/v1/jobs/a b");                             // "/v1/jobs/a%20b"
//   go_redirect_location("/v1//jobs/?x=1", "/v1//jobs/");        // "/v1/jobs/?x=1"
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/http_message.h"

namespace mainspring::http {

// Each key of `target`'s query (what follows its first '?') with its first value, as Go's
// url.ParseQuery splits it and url.Values.Get reads it: pairs at '&', a pair without '=' an empty
// value, '+' a space; a pair holding ';' (Go's "invalid semicolon separator in query") or a bad
// %-escape is skipped. A '#' is part of the query: Go's server cuts no fragment from a target.
std::unordered_map<std::string, std::string> go_query_first_values(std::string_view target);

// What net/http's server writes for a request it refuses before any handler (server.go,
// conn.serve): `status` with Go's status text as the reason and as the text/plain body ("400 Bad
// Request"); with `detail` (its statusError's text) both read "400 Bad Request: <detail>". A 501 is
// net/http's "Unsupported transfer encoding". The connection is closed after it.
http_response net_http_refusal(int status, std::string_view detail = {});

// net/http's own answer to "OPTIONS *", which no handler sees (serverHandler's
// globalOptionsHandler): 200 with no body; nullopt for any other request.
std::optional<http_response> net_http_options_star(const http_request& request);

// Go's path.Clean: one slash between segments, no "." segments, ".." taking the segment before it
// (none above the root of a rooted path), no trailing slash but the root's; "" is ".".
std::string go_path_clean(std::string_view path);

// `path` as Go's url.URL writes a Path it has no raw form for (EscapedPath, encodePath): every
// byte but letters, digits, "-_.~$&+,/:;=@" as %XX with upper-case hex.
std::string go_escaped_path(std::string_view path);

// The Location net/http's http.Redirect writes for `url` answering a request whose URL path is
// `request_path`: a path not starting with '/' taken relative to that path's directory, the path
// then cleaned (path.Clean, a trailing slash kept), the query kept, bytes above 0x7f as %XX.
// A "//host" form, which Go leaves as a host, is cleaned here too: no redirect leaves the server.
std::string go_redirect_location(std::string_view url, std::string_view request_path);

}  // namespace mainspring::http
