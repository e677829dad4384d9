#include "core/rfc3339.h"

#include <cstdio>

namespace mainspring {

using std::chrono::seconds;
using std::chrono::sys_days;

std::optional<sys_ms> parse_rfc3339(std::string_view s) {
  size_t i = 0;
  auto digit = [&](size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  auto number = [&](int width, int& out) {
    out = 0;
    for (int k = 0; k < width; ++k, ++i) {
      if (!digit(i)) return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  auto literal = [&](char c) {
    if (i >= s.size() || s[i] != c) return false;
    ++i;
    return true;
  };
  int y, mo, d, h, mi, sec;
  if (!number(4, y) || !literal('-') || !number(2, mo) || !literal('-') || !number(2, d)) return {};
  if (!literal('T') && !literal('t')) return {};
  if (!number(2, h) || !literal(':') || !number(2, mi) || !literal(':') || !number(2, sec)) return {};
  int ms = 0;
  if (literal('.')) {
    int count = 0;
    for (; digit(i); ++i, ++count) {
      if (count < 3) ms = ms * 10 + (s[i] - '0');
    }
    if (count == 0) return {};
    for (; count < 3; ++count) ms *= 10;
  }
  int offset_min = 0;
  if (!literal('Z') && !literal('z')) {
    if (i >= s.size() || (s[i] != '+' && s[i] != '-')) return {};
    const int sign = s[i++] == '-' ? -1 : 1;
    int oh, om;
    if (!number(2, oh) || !literal(':') || !number(2, om) || oh > 23 || om > 59) return {};
    offset_min = sign * (oh * 60 + om);
  }
  if (i != s.size()) return {};
  const std::chrono::year_month_day ymd{std::chrono::year{y} / mo / d};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return {};
  return sys_ms{sys_days{ymd}} + std::chrono::hours{h} + std::chrono::minutes{mi - offset_min} +
         seconds{sec} + std::chrono::milliseconds{ms};
}

std::string format_rfc3339_utc(sys_ms t, bool with_ms) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss<std::chrono::milliseconds> tod{t - day};
  char text[48];
  int n = std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                        static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                        static_cast<int>(tod.seconds().count()));
  if (with_ms && tod.subseconds().count() != 0)
    n += std::snprintf(text + n, sizeof text - n, ".%03d", static_cast<int>(tod.subseconds().count()));
  std::snprintf(text + n, sizeof text - n, "Z");
  return text;
}

}  // namespace mainspring
