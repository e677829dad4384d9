// Funcs: Lua functions a group serves over HTTP (the native API's /v1/add/func), their
// validation, and the TOTP rule that guards a call.
//
// A func is kept, listed and called; it has no schedule. A call runs the func's lua_body in the
// sandbox and calls its global function named like the func, with the HTTP request available to
// it; what it prints becomes the response body.
//
// Who may call (func_call_guard):
//   use_otp  disable_group_otp  needs
//   false    any                nothing
//   true     false              a current TOTP code of the group's secret
//   true     true               a current TOTP code of the func's own secret
// The func's own secret is answered by add/func when disable_group_otp is set.
//
// Example:
//   func_spec f;
//   f.group = "YM55"; f.name = "Hello"; f.use_otp = true;
//   f.lua_body = "function Hello() print(json.encode({method = method()})) end";
//   if (auto st = validate_func(f); !st.ok()) return st;            // "name: ..."
//   if (auto st = check_func_code(f, group_secret, code, unix_s); !st.ok()) return st;  // 401
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mainspring {

// -- limits --
inline constexpr std::size_t k_max_func_name_bytes = 64;
inline constexpr std::size_t k_max_lua_body_bytes = 256 * 1024;
inline constexpr std::size_t k_max_funcs_per_group = 10'000;
// How long one call may run before it is cut off (and answered 504).
inline constexpr std::chrono::milliseconds k_func_call_timeout{10'000};

// A Lua function a group serves at /{group}/{name} on the func listener.
struct func_spec {
  std::string group;
  std::string name;
  std::string lua_body;
  bool use_otp = false;            // a call needs a TOTP code (see the table above)
  bool disable_group_otp = false;  // ... of the func's own secret instead of the group's
  std::string memo;
  std::string secret;  // base32 TOTP secret of the func; always set once added
  int64_t created_ms = 0;
};

// An HTTP request to a func, as the func listener received it. otp_code is taken from the
// query (?otp_code=) or the X-OTP-Code header; "" when the client sent none.
struct func_request {
  std::string method;
  std::string path;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::vector<std::pair<std::string, std::string>> query;
  std::string otp_code;
};

// Func names are URL path segments and Lua identifiers: [a-zA-Z0-9_]{1,64}.
bool is_valid_func_name(std::string_view name);

// ok, or invalid_argument naming the field: group_name, name, lua_body (required, at most
// k_max_lua_body_bytes), memo (at most k_max_memo_bytes). Does not compile the Lua.
status validate_func(const func_spec& func);

// ok when `code` may call `func` at unix time `unix_s` (see the table above); unauthenticated
// ("otp_code: required" / "otp_code: wrong or expired") otherwise. Secrets never appear in the
// message.
// With `last_step` (the last step accepted for this func, 0 = none), a code of a step at or below
// it is refused as a replay and an accepted one moves it up.
status check_func_code(const func_spec& func, std::string_view group_secret, std::string_view code,
                       int64_t unix_s, int64_t* last_step = nullptr);

}  // namespace mainspring
