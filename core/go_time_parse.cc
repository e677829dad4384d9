#include "core/go_time_parse.h"

#include <chrono>

#include "core/utf8.h"

namespace mainspring {

namespace {

// The layout elements the two layouts use (Go's std chunks).
enum class element { year, zero_month, zero_day, hour, zero_minute, zero_second, iso_colon_tz, end };

// A layout element with the literal text before it and its own text (Go's prefix and stdstr).
struct chunk {
  std::string_view prefix;
  element what;
  std::string_view text;
};

constexpr chunk k_rfc3339_chunks[] = {
    {"", element::year, "2006"},        {"-", element::zero_month, "01"},  {"-", element::zero_day, "02"},
    {"T", element::hour, "15"},         {":", element::zero_minute, "04"}, {":", element::zero_second, "05"},
    {"", element::iso_colon_tz, "Z07:00"}, {"", element::end, ""},
};
constexpr chunk k_datetime_local_chunks[] = {
    {"", element::year, "2006"},  {"-", element::zero_month, "01"},  {"-", element::zero_day, "02"},
    {"T", element::hour, "15"},   {":", element::zero_minute, "04"}, {"", element::end, ""},
};

bool is_digit(std::string_view s, std::size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// Go's getnum: one or two digits (exactly two when `fixed`); false for anything else.
bool get_number(std::string_view& s, bool fixed, int& out) {
  if (!is_digit(s, 0)) return false;
  if (!is_digit(s, 1)) {
    if (fixed) return false;
    out = s[0] - '0';
    s.remove_prefix(1);
    return true;
  }
  out = (s[0] - '0') * 10 + (s[1] - '0');
  s.remove_prefix(2);
  return true;
}

// Go's daysIn: the days of `month` in `year` (31 for a month out of range, as Go's table ends).
int days_in(int month, int year) {
  if (month < 1 || month > 12) return 31;
  const auto last = std::chrono::year(year) / std::chrono::month(static_cast<unsigned>(month)) / std::chrono::last;
  return static_cast<int>(static_cast<unsigned>(last.day()));
}

// The milliseconds of a fraction that starts at s[0] (its separator) and has digits s[1, n):
// Go keeps nanoseconds; milliseconds are what Mainspring keeps, the rest dropped.
int64_t fraction_millis(std::string_view s, std::size_t n) {
  int64_t millis = 0;
  for (std::size_t k = 1; k <= 3; ++k) millis = millis * 10 + (k < n ? s[k] - '0' : 0);
  return millis;
}

// Go's ParseError texts: with a message, or naming the element that could not be read.
status parse_error(std::string_view text, std::string_view message) {
  return status::invalid_argument("parsing time " + go_time_quote(text) + std::string(message));
}
status cannot_parse(std::string_view layout, std::string_view text, std::string_view value_elem,
                    std::string_view layout_elem) {
  return status::invalid_argument("parsing time " + go_time_quote(text) + " as " + go_time_quote(layout) +
                                  ": cannot parse " + go_time_quote(value_elem) + " as " + go_time_quote(layout_elem));
}

sys_ms make_time(int year, int month, int day, int hour, int minute, int second, int64_t millis, int offset_s) {
  using namespace std::chrono;
  const sys_days date = year_month_day{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                       std::chrono::day(static_cast<unsigned>(day))};
  return sys_ms(date) + hours(hour) + minutes(minute) + seconds(second) + milliseconds(millis) - seconds(offset_s);
}

// Go's parseRFC3339, the fast path Time.UnmarshalJSON takes first: exactly the RFC 3339 form.
bool parse_exact_rfc3339(std::string_view s, sys_ms& out) {
  bool ok = true;
  auto number = [&](std::string_view digits, int min, int max) {
    int x = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return ok = false, min;
      x = x * 10 + (c - '0');
    }
    if (x < min || x > max) return ok = false, min;
    return x;
  };
  if (s.size() < 19) return false;
  const int year = number(s.substr(0, 4), 0, 9999);
  const int month = number(s.substr(5, 2), 1, 12);
  const int day = number(s.substr(8, 2), 1, days_in(month, year));
  const int hour = number(s.substr(11, 2), 0, 23);
  const int minute = number(s.substr(14, 2), 0, 59);
  const int second = number(s.substr(17, 2), 0, 59);
  if (!ok || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') return false;
  s.remove_prefix(19);
  int64_t millis = 0;
  if (s.size() >= 2 && s[0] == '.' && is_digit(s, 1)) {
    std::size_t n = 1;
    while (is_digit(s, n)) ++n;
    millis = fraction_millis(s, n);
    s.remove_prefix(n);
  }
  int offset_s = 0;
  if (s != "Z") {
    if (s.size() != 6) return false;
    const int hh = number(s.substr(1, 2), 0, 23);
    const int mm = number(s.substr(4, 2), 0, 59);
    if (!ok || (s[0] != '-' && s[0] != '+') || s[3] != ':') return false;
    offset_s = (hh * 60 + mm) * 60 * (s[0] == '-' ? -1 : 1);
  }
  out = make_time(year, month, day, hour, minute, second, millis, offset_s);
  return true;
}

}  // namespace

std::string go_time_quote(std::string_view text) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80 || c < ' ') {
      // Each byte of the character (one for a byte that starts none), as Go writes them.
      std::size_t width = c < 0x80 ? 1 : utf8_sequence(text, i);
      if (width == 0) width = 1;
      for (std::size_t j = 0; j < width; ++j) {
        const auto b = static_cast<unsigned char>(text[i + j]);
        out += "\\x";
        out += k_hex[b >> 4];
        out += k_hex[b & 0xf];
      }
      i += width;
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += static_cast<char>(c);
    ++i;
  }
  return out + "\"";
}

status_or<sys_ms> parse_go_time(std::string_view layout, std::string_view text) {
  const chunk* chunks = layout == k_go_rfc3339 ? k_rfc3339_chunks
                        : layout == k_go_datetime_local ? k_datetime_local_chunks
                                                        : nullptr;
  if (chunks == nullptr) return status::invalid_argument("unsupported layout");
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, offset_s = 0;
  int64_t millis = 0;
  std::string_view value = text;
  for (const chunk* c = chunks;; ++c) {
    // The literal text before the element (one character in these layouts).
    for (char p : c->prefix) {
      if (value.empty() || value[0] != p) return cannot_parse(layout, text, value, c->prefix);
      value.remove_prefix(1);
    }
    if (c->what == element::end) {
      if (!value.empty()) return parse_error(text, ": extra text: " + go_time_quote(value));
      break;
    }
    const std::string_view hold = value;
    bool ok = true;
    std::string_view range;  // the field out of range, if one is
    switch (c->what) {
      case element::year:
        ok = value.size() >= 4 && is_digit(value, 0) && is_digit(value, 1) && is_digit(value, 2) && is_digit(value, 3);
        if (ok) {
          year = (value[0] - '0') * 1000 + (value[1] - '0') * 100 + (value[2] - '0') * 10 + (value[3] - '0');
          value.remove_prefix(4);
        }
        break;
      case element::zero_month:
        ok = get_number(value, true, month);
        if (ok && (month <= 0 || month > 12)) range = "month";
        break;
      case element::zero_day: ok = get_number(value, true, day); break;
      case element::hour:
        ok = get_number(value, false, hour);
        if (ok && hour >= 24) range = "hour";
        break;
      case element::zero_minute:
        ok = get_number(value, true, minute);
        if (ok && minute >= 60) range = "minute";
        break;
      case element::zero_second:
        ok = get_number(value, true, second);
        if (!ok) break;
        if (second >= 60) {
          range = "second";
          break;
        }
        // A fraction the layout does not name is read all the same (Go: comma or period).
        if (value.size() >= 2 && (value[0] == '.' || value[0] == ',') && is_digit(value, 1)) {
          std::size_t n = 1;
          while (is_digit(value, n)) ++n;
          millis = fraction_millis(value, n);
          value.remove_prefix(n);
        }
        break;
      case element::iso_colon_tz: {
        if (!value.empty() && value[0] == 'Z') {
          value.remove_prefix(1);
          break;
        }
        if (value.size() < 6 || value[3] != ':') {
          ok = false;
          break;
        }
        std::string_view hh = value.substr(1, 2), mm = value.substr(4, 2);
        const char sign = value[0];
        value.remove_prefix(6);
        int hours = 0, minutes = 0;
        ok = get_number(hh, true, hours) && get_number(mm, true, minutes);
        if (hours > 24) range = "time zone offset hour";
        if (minutes > 60) range = "time zone offset minute";
        offset_s = (hours * 60 + minutes) * 60;
        if (sign == '-') offset_s = -offset_s;
        else if (sign != '+') ok = false;
        break;
      }
      case element::end: break;
    }
    if (!range.empty()) return parse_error(text, ": " + std::string(range) + " out of range");
    if (!ok) return cannot_parse(layout, text, hold, c->text);
  }
  if (day < 1 || day > days_in(month, year)) return parse_error(text, ": day out of range");
  return make_time(year, month, day, hour, minute, second, millis, offset_s);
}

status_or<sys_ms> parse_go_json_time(std::string_view text) {
  sys_ms t;
  if (parse_exact_rfc3339(text, t)) return t;
  auto lenient = parse_go_time(k_go_rfc3339, text);
  if (!lenient.ok()) return lenient.status();
  // What Parse takes and RFC 3339 does not (Go's issue 54580), named as Go names it.
  auto two_digits = [](std::string_view s) { return (s[0] - '0') * 10 + (s[1] - '0'); };
  if (text[12] == ':') return cannot_parse(k_go_rfc3339, text, text.substr(11, 1), "15");
  if (text[19] == ',') return cannot_parse(k_go_rfc3339, text, ",", ".");
  if (text.back() != 'Z') {
    if (two_digits(text.substr(text.size() - 5)) >= 24) return parse_error(text, ": timezone hour out of range");
    if (two_digits(text.substr(text.size() - 2)) >= 60) return parse_error(text, ": timezone minute out of range");
  }
  return cannot_parse(k_go_rfc3339, text, text, k_go_rfc3339);
}

}  // namespace mainspring
