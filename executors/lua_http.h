// lua_http: the `http` module of the Lua sandbox, a small blocking client that stays on loopback.
//
// Inside Lua:
//   local http = require("http")
//   local status, body = http.get("http://127.0.0.1:8080/health", 2)        -- timeout 2 s
//   local status, body = http.post("http://127.0.0.1:8080/hook", '{"a":1}',
//                                  {["Content-Type"] = "application/json"})
//   if not status then error(body) end   -- on failure: nil, "http: <reason>"
//
//   http.get(url [, timeout_s])
//   http.post(url, body [, headers [, timeout_s]])     -- headers: {name = value}
//
// Any HTTP status is an answer (status, body); only a transport failure, a refused URL or an
// oversized body gives `nil, message`. Redirects are not followed. The body is limited to
// k_lua_http_max_body_bytes.
//
// Loopback only (unless the sandbox's allow_remote_hosts is set): the URL must be http:// or
// https:// and its host `localhost`, an IPv4 literal in 127.0.0.0/8 or [::1]; anything else is
// refused before any name lookup or connection. As a second guard, the socket libcurl opens is
// refused unless its address is a loopback one, and proxies (http_proxy and friends) are never
// used, so a Lua script cannot reach another machine or a cloud metadata address.
//
// Time: a request's timeout is its timeout_s (default k_lua_http_default_timeout) cut to what
// remains of the call's deadline; when the deadline is what cut it, the whole call ends as timed
// out (as a loop would). The calling thread blocks for the request (at most until the deadline);
// the runner's cancellation aborts it.
#pragma once

#include <lua.hpp>

#include <chrono>
#include <cstddef>
#include <string_view>

#include "core/status.h"

namespace mainspring {

inline constexpr std::size_t k_lua_http_max_body_bytes = 8 * 1024 * 1024;
inline constexpr std::chrono::milliseconds k_lua_http_default_timeout{10'000};
inline constexpr int k_lua_http_max_headers = 64;

// ok when the sandbox may request `url`: http or https, and (unless allow_remote_hosts) a
// loopback host as described above; invalid_argument with the reason otherwise.
// Pure: no name lookup, no connection.
status check_lua_http_url(std::string_view url, bool allow_remote_hosts);

// Pushes the module table {get = ..., post = ...}. Returns 1.
// REQUIRES: L is a sandboxed state (its context says whether remote hosts are allowed).
int open_lua_http(lua_State* L);

}  // namespace mainspring
