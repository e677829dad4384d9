#include "core/utf8.h"

#include <algorithm>

namespace mainspring {

std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
  if (n == 0 || c > 0xf4 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  if (n == 3 && c == 0xe0 && byte(i + 1) < 0xa0) return 0;  // overlong
  if (n == 3 && c == 0xed && byte(i + 1) >= 0xa0) return 0;  // surrogate
  if (n == 4 && c == 0xf0 && byte(i + 1) < 0x90) return 0;  // overlong
  if (n == 4 && c == 0xf4 && byte(i + 1) >= 0x90) return 0;  // past U+10FFFF
  return n;
}

std::string utf8_prefix(std::string_view text, std::size_t max_bytes) {
  static constexpr std::string_view k_replacement = "\xef\xbf\xbd";  // U+FFFD
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = utf8_sequence(text, i);
    if (i + std::max<std::size_t>(n, 1) > max_bytes) break;
    if (n == 0) {
      out += k_replacement;
      ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace mainspring
