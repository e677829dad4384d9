#include "core/go_duration.h"

#include <cstdint>

namespace mainspring {
namespace {

constexpr uint64_t k_limit = uint64_t{1} << 63;  // Go's bound on the magnitude, in ns

std::string quoted(std::string_view s) {
  std::string out = "\"";
  out.append(s);
  out += '"';
  return out;
}

status invalid(std::string_view orig) {
  return status::invalid_argument("invalid duration " + quoted(orig));
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Nanoseconds per unit, 0 for an unknown unit.
uint64_t unit_ns(std::string_view u) {
  if (u == "ns") return 1;
  if (u == "us" || u == "\xC2\xB5s" || u == "\xCE\xBCs") return 1'000;
  if (u == "ms") return 1'000'000;
  if (u == "s") return 1'000'000'000;
  if (u == "m") return 60'000'000'000;
  if (u == "h") return 3'600'000'000'000;
  return 0;
}

}  // namespace

status_or<std::chrono::milliseconds> parse_go_duration(std::string_view text) {
  const std::string_view orig = text;
  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::milliseconds{0};
  if (s.empty()) return invalid(orig);

  uint64_t total_ns = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit(s[0]))) return invalid(orig);
    // Integer part; overflow is an error, as in Go.
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      if (v > (k_limit - 1) / 10) return invalid(orig);
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      if (v > k_limit) return invalid(orig);
    }
    const bool pre = i > 0;
    s.remove_prefix(i);
    // Fraction part; digits past what fits are ignored, as in Go.
    uint64_t f = 0;
    double scale = 1.0;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t j = 0;
      bool overflow = false;
      for (; j < s.size() && is_digit(s[j]); ++j) {
        if (overflow) continue;
        if (f > (k_limit - 1) / 10) {
          overflow = true;
          continue;
        }
        const uint64_t next = f * 10 + static_cast<uint64_t>(s[j] - '0');
        if (next > k_limit) {
          overflow = true;
          continue;
        }
        f = next;
        scale *= 10;
      }
      post = j > 0;
      s.remove_prefix(j);
    }
    if (!pre && !post) return invalid(orig);  // "." or ".s"
    // The unit runs up to the next number.
    size_t k = 0;
    while (k < s.size() && s[k] != '.' && !is_digit(s[k])) ++k;
    if (k == 0) return status::invalid_argument("missing unit in duration " + quoted(orig));
    const std::string_view unit_text = s.substr(0, k);
    s.remove_prefix(k);
    const uint64_t unit = unit_ns(unit_text);
    if (unit == 0) {
      return status::invalid_argument("unknown unit " + quoted(unit_text) + " in duration " +
                                      quoted(orig));
    }
    if (v > k_limit / unit) return invalid(orig);
    v *= unit;
    if (f > 0) {
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > k_limit) return invalid(orig);
    }
    total_ns += v;
    if (total_ns > k_limit) return invalid(orig);
  }
  if (!neg && total_ns > k_limit - 1) return invalid(orig);
  const auto ms = static_cast<int64_t>(total_ns / 1'000'000);
  return std::chrono::milliseconds{neg ? -ms : ms};
}

std::string format_go_duration(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  // Work on the magnitude as unsigned so that the most negative value formats too.
  uint64_t mag = ms < 0 ? uint64_t{0} - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  if (ms < 0) out += '-';
  if (mag < 1000) return out + std::to_string(mag) + "ms";
  const uint64_t h = mag / 3'600'000;
  const uint64_t m = mag / 60'000 % 60;
  const uint64_t s = mag / 1000 % 60;
  const uint64_t frac = mag % 1000;
  if (h > 0) out += std::to_string(h) + "h";
  if (h > 0 || m > 0) out += std::to_string(m) + "m";
  out += std::to_string(s);
  if (frac > 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, 3 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out + "s";
}

}  // namespace mainspring
