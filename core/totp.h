// TOTP (RFC 6238): the one-time codes that guard HTTP@ callbacks and Lua funcs.
//
// SHA-1, 30-second steps, 6 digits, as authenticator apps and the original gua use. Secrets are
// base32 (RFC 4648, case-insensitive, '=' padding and spaces ignored).
//
// Example:
//   std::string code = totp_now(group_secret, unix_seconds);   // "287082"
//   bool ok = verify_totp(group_secret, code, unix_seconds);    // accepts one step of skew
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mainspring {

inline constexpr int k_totp_digits = 6;
inline constexpr int64_t k_totp_step_s = 30;
inline constexpr int k_totp_skew_steps = 1;

// Decodes base32 text into bytes; invalid_argument on a character outside the alphabet.
status_or<std::string> base32_decode(std::string_view text);
std::string base32_encode(std::string_view bytes);

// The HOTP value (RFC 4226) of `key` at `counter`, as `digits` decimal digits.
std::string hotp(std::string_view key, uint64_t counter, int digits = k_totp_digits);

// The TOTP code of a base32 secret at unix time `unix_s`; "" when the secret is not base32.
std::string totp_now(std::string_view base32_secret, int64_t unix_s);

// True when `code` is the secret's code at unix_s or within k_totp_skew_steps steps of it.
// Compares in constant time.
bool verify_totp(std::string_view base32_secret, std::string_view code, int64_t unix_s);

// The time step (unix_s / 30) whose code `code` is, within the same skew verify_totp accepts, or
// nullopt. A verifier that refuses a step at or below the last one it accepted refuses replays
// (RFC 6238 section 5.2).
std::optional<int64_t> totp_step_of(std::string_view base32_secret, std::string_view code, int64_t unix_s);

}  // namespace mainspring
