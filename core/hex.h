// hex: bytes as lower-case hexadecimal, the form digests, nonces and key secrets are shown in.
//
// Example:
//   unsigned char digest[32] = ...;
//   std::string text = lower_hex(digest, sizeof digest);   // 64 characters, "9f86d0..."
#pragma once

#include <cstddef>
#include <string>

namespace mainspring {

// Two lower-case hex digits per byte, most significant nibble first.
std::string lower_hex(const unsigned char* bytes, std::size_t n);

}  // namespace mainspring
