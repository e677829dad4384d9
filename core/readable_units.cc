#include "core/readable_units.h"

#include <algorithm>
#include <cmath>

namespace mainspring {

std::string text_from_bytes(int64_t bytes) {
  bytes = std::max<int64_t>(0, bytes);
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  static const char* const units[] = {" K", " MB", " GB", " TB"};
  // As pixl-tools: floor to tenths at each step, in floating point.
  double value = static_cast<double>(bytes);
  int unit = 0;
  for (;; ++unit) {
    value = std::floor(value / 1024 * 10) / 10;
    if (value < 1024 || unit == 3) break;
  }
  int64_t tenths = std::llround(value * 10);
  std::string text = std::to_string(tenths / 10);
  if (tenths % 10 != 0) text += "." + std::to_string(tenths % 10);
  return text + units[unit];
}

std::string text_from_seconds(int64_t seconds) {
  struct unit {
    int64_t size;
    const char* name;
  };
  static const unit units[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
  seconds = std::max<int64_t>(0, seconds);
  for (const auto& u : units) {
    if (seconds >= u.size || u.size == 1) {
      int64_t n = seconds / u.size;
      return std::to_string(n) + " " + u.name + (n == 1 ? "" : "s");
    }
  }
  return "0 seconds";
}

std::string short_text_from_seconds(int64_t seconds) {
  const std::string sign = seconds < 0 ? "-" : "";
  // As pixl-tools: the largest unit, then the next one's remainder when it is not 0.
  uint64_t amount = seconds < 0 ? 0 - static_cast<uint64_t>(seconds) : static_cast<uint64_t>(seconds);
  const char* name = "sec";
  uint64_t rest = 0;
  const char* rest_name = "";
  if (amount > 59) {
    rest = amount % 60, rest_name = "sec", amount /= 60, name = "min";
    if (amount > 59) {
      rest = amount % 60, rest_name = "min", amount /= 60, name = "hr";
      if (amount > 23) rest = amount % 24, rest_name = "hr", amount /= 24, name = "day";
    }
  }
  std::string text = sign + std::to_string(amount) + " " + name;
  if (rest != 0) text += ", " + std::to_string(rest) + " " + rest_name;
  return text;
}

}  // namespace mainspring
