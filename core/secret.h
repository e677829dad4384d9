// Random secrets for TOTP: base32 (RFC 4648, no padding) as authenticator apps expect.
//
// Example:
//   std::string secret = random_base32_secret();   // "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
#pragma once

#include <cstddef>
#include <string>

namespace mainspring {

// 32 characters = 160 bits, the RFC 4226 recommended key length for HMAC-SHA1.
inline constexpr std::size_t k_secret_chars = 32;

// A fresh secret from OpenSSL's RAND_bytes (the operating system's CSPRNG), drawn a kilobyte at a
// time per thread; no random byte serves two secrets, and a forked child draws afresh. Throws
// std::runtime_error when RAND_bytes fails: there is no weaker fallback. Thread-safe.
std::string random_base32_secret(std::size_t chars = k_secret_chars);

}  // namespace mainspring
