// gin_query: a request's query as Dkron's gin handlers read it.
//
// gin reads the query with Go's url.ParseQuery over the raw query, and c.Query, c.GetQuery and
// c.DefaultQuery take a key's first value (http/go_net_http.h). Dkron's listener parses requests
// under net/http rules, which read the query so already (request_parser.h); the dialect's handlers
// rebuild http_request::query with gin_first_values() all the same, so that every query read in
// the dialect is gin's however the request reached them: `?_order=DESC&_order=ASC` is DESC.
//
// Example:
//   req.query = gin_first_values(req.target);   // "/v1/jobs?q=a&q=b&x;y=1" -> {q: "a"}
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

namespace mainspring::http::dkron {

// Each key of `target`'s query (what follows its first '?') with its first value, as Go's
// url.ParseQuery splits it: pairs at '&', a pair without '=' an empty value, '+' a space;
// a pair holding ';' (Go's "invalid semicolon separator in query") or a bad %-escape is
// skipped. A '#' is part of the query: Go's server does not cut a fragment from a request target.
std::unordered_map<std::string, std::string> gin_first_values(std::string_view target);

}  // namespace mainspring::http::dkron
