// func_routes: the native API's management of funcs (Lua served over HTTP, core/func.h).
//
//   POST /v1/add/func        {"group_name", "name", "lua_body", "use_otp", "disable_group_otp",
//                             "memo" (also the seed's "momo")} -> {"success": "<name>"}, or the
//                             func's own TOTP secret when disable_group_otp is true
//   GET  /v1/{group}/func/list  (extension) -> {"success": [{name, group_name, lua_body, use_otp,
//                             disable_group_otp, memo, created_time, otp_token?}]}; otp_token
//                             only for funcs with their own secret (as job lists show theirs)
//   POST /v1/delete/func     (extension) {"group_name", "name"} -> {"success": "ok"}
//
// Re-adding a func replaces its code and flags and keeps its secret. The funcs are called on the
// func listener (http/native/func_call_routes.h), not here.
//
// Example:
//   native::add_func_routes(router, runtime);
#pragma once

#include <nlohmann/json.hpp>

#include "actors/scheduler_api.h"
#include "http/router.h"

namespace mainspring::http::native {

// The body of POST /v1/add/func, each field checked for its JSON type (values are checked by
// validate_func in the scheduler).
status_or<func_spec> func_spec_from_json(const nlohmann::json& body);

// One element of the func list.
nlohmann::json func_list_item_json(const func_spec& func);

// REQUIRES: `api` outlives every request the router serves.
void add_func_routes(router& r, scheduler_api& api);

}  // namespace mainspring::http::native
