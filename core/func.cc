#include "core/func.h"

#include "core/job.h"
#include "core/totp.h"

namespace mainspring {

bool is_valid_func_name(std::string_view name) {
  if (name.empty() || name.size() > k_max_func_name_bytes) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

status validate_func(const func_spec& func) {
  if (auto st = validate_group_name(func.group); !st.ok()) return st;
  if (func.name.empty()) return status::invalid_argument("name: required");
  if (!is_valid_func_name(func.name))
    return status::invalid_argument("name: must match [a-zA-Z0-9_]{1,64}, got \"" +
                                    func.name.substr(0, 80) + "\"");
  if (func.lua_body.empty()) return status::invalid_argument("lua_body: required");
  if (func.lua_body.size() > k_max_lua_body_bytes)
    return status::invalid_argument("lua_body: longer than " + std::to_string(k_max_lua_body_bytes) +
                                    " bytes");
  if (func.memo.size() > k_max_memo_bytes)
    return status::invalid_argument("memo: longer than " + std::to_string(k_max_memo_bytes) + " bytes");
  return {};
}

status check_func_code(const func_spec& func, std::string_view group_secret, std::string_view code,
                       int64_t unix_s, int64_t* last_step) {
  if (!func.use_otp) return {};
  if (code.empty()) return status::unauthenticated("otp_code: required to call func \"" + func.name + "\"");
  std::string_view secret = func.disable_group_otp ? std::string_view(func.secret) : group_secret;
  std::optional<int64_t> step = totp_step_of(secret, code, unix_s);
  if (!step) return status::unauthenticated("otp_code: wrong or expired for func \"" + func.name + "\"");
  if (last_step) {
    if (*step <= *last_step)
      return status::unauthenticated("otp_code: already used for func \"" + func.name +
                                     "\"; each code calls it once (wait for the next one)");
    *last_step = *step;
  }
  return {};
}

}  // namespace mainspring
