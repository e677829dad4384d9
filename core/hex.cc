#include "core/hex.h"

namespace mainspring {

std::string lower_hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(k_digits[bytes[i] >> 4]);
    out.push_back(k_digits[bytes[i] & 0xf]);
  }
  return out;
}

}  // namespace mainspring
