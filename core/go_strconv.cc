#include "core/go_strconv.h"

#include <limits>

namespace mainspring {

int64_t go_atoi_ignoring_error(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return 0;
  // The magnitude as Go's ParseUint reads it, then ParseInt's range check against int64's.
  constexpr uint64_t k_limit_positive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  constexpr uint64_t k_limit_negative = k_limit_positive + 1;
  const uint64_t limit = negative ? k_limit_negative : k_limit_positive;
  uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (n > (limit - digit) / 10)
      return negative ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
    n = n * 10 + digit;
  }
  return negative ? static_cast<int64_t>(0 - n) : static_cast<int64_t>(n);
}

}  // namespace mainspring
