// func_call_routes: the func listener (--func-listen), which serves each group's funcs at
// /{group}/{func}, as the original's HTTP_FUNC_LISTEN does.
//
// Any of GET, POST, PUT, PATCH and DELETE calls the func with the request's method, path,
// headers, query and body (Lua sees them as method(), path(), headers(), query(), body()).
// A func with use_otp needs a current TOTP code, sent as ?otp_code=123456 or in an
// X-OTP-Code header (core/func.h says whose secret). Answers:
//   200  what the func printed: application/json when it is JSON, else text/plain
//   401  {"error": "otp_code: ..."}      the code is missing or wrong
//   404  {"error": "..."}                no such group or func
//   500  {"error": "func Hello: ..."}    the func raised an error (or returned nil, err)
//   503 / 504                            too many calls waiting / cut off at k_func_call_timeout
// Errors use the native API's envelope. Translation only: the scheduler checks the code and runs
// the func.
//
// Example:
//   router funcs;
//   add_func_call_routes(funcs, runtime);   // scheduler_api&; served by its own http_server
#pragma once

#include <string_view>

#include "actors/scheduler_api.h"
#include "http/router.h"

namespace mainspring::http::native {

// The media type of a func's output: JSON when `body` is one JSON value, else text.
bool is_json_body(std::string_view body);

// REQUIRES: `api` outlives every request the router serves.
void add_func_call_routes(router& r, scheduler_api& api);

}  // namespace mainspring::http::native
