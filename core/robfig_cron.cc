#include "core/robfig_cron.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <vector>

namespace mainspring {

namespace {

// robfig's bounds: a field's range and, for months and weekdays, its names.
struct bounds {
  unsigned min, max;
  std::array<std::string_view, 12> names;  // names[i] is min + i; empty = no names
};

constexpr bounds k_seconds{0, 59, {}}, k_minutes{0, 59, {}}, k_hours{0, 23, {}}, k_days_of_month{1, 31, {}};
constexpr bounds k_months{1, 12, {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}};
constexpr bounds k_days_of_week{0, 6, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}};

// robfig marks `*` and `?` with the top bit, so that day-of-month and day-of-week know an
// unrestricted field from one that happens to list every value.
constexpr uint64_t k_star_bit = uint64_t{1} << 63;

std::vector<std::string_view> split(std::string_view text, char sep, bool skip_empty) {
  std::vector<std::string_view> out;
  for (std::size_t from = 0;;) {
    std::size_t at = text.find(sep, from);
    auto part = text.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from);
    if (!skip_empty || !part.empty()) out.push_back(part);
    if (at == std::string_view::npos) return out;
    from = at + 1;
  }
}

// Go's strconv.Quote for the texts robfig puts in its errors (ASCII is what matters here).
std::string go_quote(std::string_view text) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += k_hex[c >> 4];
      out += k_hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string text_of(std::string_view s) { return std::string(s); }

// robfig's mustParseInt: Go's strconv.Atoi, then no negative numbers.
status_or<uint64_t> must_parse_int(std::string_view expr) {
  auto syntax = [&](const char* why) {
    return status::invalid_argument("failed to parse int from " + text_of(expr) + ": strconv.Atoi: parsing " +
                                    go_quote(expr) + ": " + why);
  };
  std::string_view digits = expr;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return syntax("invalid syntax");
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;  // Go's int
  uint64_t n = 0;
  for (char c : digits) {  // Go's order: a bad byte or an overflow, whichever comes first
    if (c < '0' || c > '9') return syntax("invalid syntax");
    const auto d = static_cast<uint64_t>(c - '0');
    if (n > (limit - d) / 10) return syntax("value out of range");
    n = n * 10 + d;
  }
  if (negative && n != 0)
    return status::invalid_argument("negative number (-" + std::to_string(n) + ") not allowed: " + text_of(expr));
  return n;
}

status_or<uint64_t> parse_int_or_name(std::string_view expr, const bounds& r) {
  if (!r.names[0].empty()) {
    std::string lower;
    for (char c : expr) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (unsigned i = 0; i < r.names.size() && !r.names[i].empty(); ++i)
      if (lower == r.names[i]) return r.min + i;
  }
  return must_parse_int(expr);
}

uint64_t bits_of(uint64_t min, uint64_t max, uint64_t step) {
  uint64_t bits = 0;
  for (uint64_t i = min; i <= max; i += step) bits |= uint64_t{1} << i;
  return bits;
}

// robfig's getRange, in its order of checks and its words.
status_or<uint64_t> range_bits(std::string_view expr, const bounds& r) {
  auto range_and_step = split(expr, '/', false);
  auto low_and_high = split(range_and_step[0], '-', false);
  const bool single = low_and_high.size() == 1;
  uint64_t start = 0, end = 0, step = 1;  // Go's uint
  uint64_t extra = 0;
  if (low_and_high[0] == "*" || low_and_high[0] == "?") {
    start = r.min;
    end = r.max;
    extra = k_star_bit;
  } else {
    auto low = parse_int_or_name(low_and_high[0], r);
    if (!low.ok()) return low.status();
    start = end = *low;
    if (low_and_high.size() == 2) {
      auto high = parse_int_or_name(low_and_high[1], r);
      if (!high.ok()) return high.status();
      end = *high;
    } else if (low_and_high.size() > 2) {
      return status::invalid_argument("too many hyphens: " + text_of(expr));
    }
  }
  if (range_and_step.size() == 2) {
    auto n = must_parse_int(range_and_step[1]);
    if (!n.ok()) return n.status();
    step = *n;
    if (single) end = r.max;  // "N/step" is "N-max/step"
    if (step > 1) extra = 0;
  } else if (range_and_step.size() > 2) {
    return status::invalid_argument("too many slashes: " + text_of(expr));
  }
  const std::string tail = ": " + text_of(expr);
  if (start < r.min)
    return status::invalid_argument("beginning of range (" + std::to_string(start) + ") below minimum (" +
                                    std::to_string(r.min) + ")" + tail);
  if (end > r.max)
    return status::invalid_argument("end of range (" + std::to_string(end) + ") above maximum (" +
                                    std::to_string(r.max) + ")" + tail);
  if (start > end)
    return status::invalid_argument("beginning of range (" + std::to_string(start) + ") beyond end of range (" +
                                    std::to_string(end) + ")" + tail);
  if (step == 0) return status::invalid_argument("step of range should be a positive number" + tail);
  return bits_of(start, end, step) | extra;
}

// The field's values as the core writes them: `*` for robfig's star, else runs "1-5,7".
std::string core_field(uint64_t bits, const bounds& r) {
  if (bits & k_star_bit) return "*";
  std::string out;
  for (unsigned v = r.min; v <= r.max; ++v) {
    if (!(bits >> v & 1)) continue;
    unsigned last = v;
    while (last + 1 <= r.max && (bits >> (last + 1) & 1)) ++last;
    out += (out.empty() ? "" : ",") + std::to_string(v);
    if (last > v) out += "-" + std::to_string(last);
    v = last;
  }
  return out;
}

}  // namespace

status_or<std::string> robfig_fields_to_core(std::string_view text) {
  std::vector<std::string_view> fields;  // Go's strings.Fields
  for (std::size_t i = 0; i < text.size();) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t from = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > from) fields.push_back(text.substr(from, i - from));
  }
  if (fields.size() != 6) {
    std::string listed;  // Go's %s of a []string
    for (std::size_t i = 0; i < fields.size(); ++i) listed += (i ? " " : "") + text_of(fields[i]);
    return status::invalid_argument("expected exactly 6 fields, found " + std::to_string(fields.size()) + ": [" +
                                    listed + "]");
  }
  static constexpr const bounds* k_fields[] = {&k_seconds, &k_minutes, &k_hours,
                                               &k_days_of_month, &k_months, &k_days_of_week};
  std::string out;
  for (std::size_t f = 0; f < 6; ++f) {
    uint64_t bits = 0;
    for (auto item : split(fields[f], ',', /*skip_empty=*/true)) {
      auto b = range_bits(item, *k_fields[f]);
      if (!b.ok()) return b.status();
      bits |= *b;
    }
    // robfig takes a field of commas alone as no value, a schedule that never fires: refused here.
    if (bits == 0)
      return status::invalid_argument("field " + std::to_string(f + 1) + " lists no value: " + text_of(fields[f]));
    out += (f ? " " : "") + core_field(bits, *k_fields[f]);
  }
  return out;
}

}  // namespace mainspring
