#include "http/ndscheduler/python_text.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <utility>

#include "core/utf8.h"

namespace mainspring::http::ndscheduler {

namespace {

using nlohmann::ordered_json;

// -- characters --

// The code point of the UTF-8 sequence of `n` bytes at s[i]. REQUIRES: utf8_sequence(s, i) == n.
char32_t code_point(std::string_view s, std::size_t i, std::size_t n) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  if (n == 1) return byte(0);
  char32_t cp = byte(0) & (0xFF >> (n + 1));
  for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (byte(k) & 0x3F);
  return cp;
}

// Calls `each` with every code point of `s`; a byte that is not UTF-8 reads as U+FFFD.
template <class Fn>
void for_each_code_point(std::string_view s, Fn each) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) {
      each(U'\uFFFD', s.substr(i, 0));
      ++i;
      continue;
    }
    each(code_point(s, i, n), s.substr(i, n));
    i += n;
  }
}

// The non-ASCII code points str.isprintable() is false for that Python's tables assign:
// controls, format characters, separators but the space, surrogates, private use, noncharacters.
constexpr std::array<std::pair<char32_t, char32_t>, 25> k_unprintable = {{
    {0x80, 0xA0},       {0xAD, 0xAD},       {0x600, 0x605},     {0x61C, 0x61C},     {0x6DD, 0x6DD},
    {0x70F, 0x70F},     {0x890, 0x891},     {0x8E2, 0x8E2},     {0x180E, 0x180E},   {0x1680, 0x1680},
    {0x2000, 0x200F},   {0x2028, 0x202F},   {0x205F, 0x206F},   {0x3000, 0x3000},   {0xD800, 0xF8FF},
    {0xFDD0, 0xFDEF},   {0xFEFF, 0xFEFF},   {0xFFF0, 0xFFFB},   {0xFFFE, 0xFFFF},   {0x110BD, 0x110BD},
    {0x110CD, 0x110CD}, {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0x10FFFF},
}};

bool printable(char32_t cp) {
  if (cp >= 0xE0080 && cp < 0xF0000) return true;  // the one assigned gap in the last range
  return std::none_of(k_unprintable.begin(), k_unprintable.end(),
                      [cp](const auto& r) { return cp >= r.first && cp <= r.second; });
}

std::string hex_escape(const char* prefix, char32_t cp, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%s%0*x", prefix, digits, static_cast<unsigned>(cp));
  return buf;
}

// -- repr --

std::string repr_string(std::string_view s) {
  const bool has_single = s.find('\'') != std::string_view::npos;
  const char quote = has_single && s.find('"') == std::string_view::npos ? '"' : '\'';
  std::string out(1, quote);
  for_each_code_point(s, [&](char32_t cp, std::string_view bytes) {
    if (cp == static_cast<char32_t>(quote) || cp == '\\') out += {'\\', static_cast<char>(cp)};
    else if (cp == '\t') out += "\\t";
    else if (cp == '\n') out += "\\n";
    else if (cp == '\r') out += "\\r";
    else if (cp < 0x20 || cp == 0x7F) out += hex_escape("\\x", cp, 2);
    else if (cp < 0x7F) out += static_cast<char>(cp);
    else if (printable(cp)) out += bytes.empty() ? "\xEF\xBF\xBD" : std::string(bytes);
    else if (cp <= 0xFF) out += hex_escape("\\x", cp, 2);
    else if (cp <= 0xFFFF) out += hex_escape("\\u", cp, 4);
    else out += hex_escape("\\U", cp, 8);
  });
  return out + quote;
}

std::string number_text(const ordered_json& v) {
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return python_float_repr(v.get<double>());
}

// -- json.dumps --

std::string dumps_string(std::string_view s) {
  std::string out = "\"";
  for_each_code_point(s, [&](char32_t cp, std::string_view) {
    switch (cp) {
      case '"': out += "\\\""; return;
      case '\\': out += "\\\\"; return;
      case '\n': out += "\\n"; return;
      case '\r': out += "\\r"; return;
      case '\t': out += "\\t"; return;
      case '\b': out += "\\b"; return;
      case '\f': out += "\\f"; return;
      default: break;
    }
    if (cp >= 0x20 && cp < 0x7F) out += static_cast<char>(cp);
    else if (cp <= 0xFFFF) out += hex_escape("\\u", cp, 4);
    else {  // a surrogate pair, as Python writes one
      const char32_t v = cp - 0x10000;
      out += hex_escape("\\u", 0xD800 + (v >> 10), 4) + hex_escape("\\u", 0xDC00 + (v & 0x3FF), 4);
    }
  });
  return out + "\"";
}

// Writes a container's items with `item` between `open` and `close`, ", " apart.
template <class Item>
std::string joined(const ordered_json& v, const char* open, const char* close, Item item) {
  std::string out = open;
  bool first = true;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!first) out += ", ";
    first = false;
    out += item(it);
  }
  return out + close;
}

}  // namespace

std::string python_float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  const std::string sign = std::signbit(value) ? "-" : "";
  char buf[64];
  // The shortest digits that read back as the value, in scientific form: "1.2345e+03".
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, std::fabs(value), std::chars_format::scientific);
  if (ec != std::errc{}) return sign + "0.0";  // cannot happen: 64 bytes hold any double
  std::string_view text(buf, end - buf);
  const auto e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e))
    if (c != '.') digits += c;
  int exponent = 0;
  std::string_view exp_text = text.substr(e + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  const int decpt = exponent + 1;  // digits[0] is the 10^(decpt-1) place
  const int n = static_cast<int>(digits.size());
  if (decpt <= -4 || decpt > 16) {  // CPython's format_float_short for repr ('r')
    std::string out = sign + digits.substr(0, 1);
    if (n > 1) out += "." + digits.substr(1);
    char exp_buf[16];
    std::snprintf(exp_buf, sizeof exp_buf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + exp_buf;
  }
  if (decpt <= 0) return sign + "0." + std::string(-decpt, '0') + digits;
  if (decpt < n) return sign + digits.substr(0, decpt) + "." + digits.substr(decpt);
  return sign + digits + std::string(decpt - n, '0') + ".0";
}

std::string python_repr(const ordered_json& value) {
  switch (value.type()) {
    case ordered_json::value_t::null: return "None";
    case ordered_json::value_t::boolean: return value.get<bool>() ? "True" : "False";
    case ordered_json::value_t::string: return repr_string(value.get_ref<const std::string&>());
    case ordered_json::value_t::array:
      return joined(value, "[", "]", [](auto it) { return python_repr(*it); });
    case ordered_json::value_t::object:
      return joined(value, "{", "}", [](auto it) { return repr_string(it.key()) + ": " + python_repr(it.value()); });
    case ordered_json::value_t::number_integer:
    case ordered_json::value_t::number_unsigned:
    case ordered_json::value_t::number_float: return number_text(value);
    default: return "None";  // binary and discarded values do not come from JSON text
  }
}

std::string python_str(const ordered_json& value) {
  return value.is_string() ? value.get<std::string>() : python_repr(value);
}

std::string python_json_dumps(const ordered_json& value) {
  switch (value.type()) {
    case ordered_json::value_t::null: return "null";
    case ordered_json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case ordered_json::value_t::string: return dumps_string(value.get_ref<const std::string&>());
    case ordered_json::value_t::array:
      return joined(value, "[", "]", [](auto it) { return python_json_dumps(*it); });
    case ordered_json::value_t::object:
      return joined(value, "{", "}",
                    [](auto it) { return dumps_string(it.key()) + ": " + python_json_dumps(it.value()); });
    case ordered_json::value_t::number_integer:
    case ordered_json::value_t::number_unsigned:
    case ordered_json::value_t::number_float: return number_text(value);
    default: return "null";
  }
}

bool python_equal(const ordered_json& a, const ordered_json& b) {
  // bool is an int subclass in Python: True == 1 == 1.0.
  const bool a_number = a.is_number() || a.is_boolean(), b_number = b.is_number() || b.is_boolean();
  if (a_number && b_number) {
    const auto as_double = [](const ordered_json& v) { return v.is_boolean() ? (v.get<bool>() ? 1.0 : 0.0) : v.get<double>(); };
    if (a.is_boolean() || b.is_boolean() || a.is_number_float() || b.is_number_float())
      return as_double(a) == as_double(b);
    return a == b;  // two whole numbers, exactly
  }
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!python_equal(a[i], b[i])) return false;
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      auto other = b.find(it.key());
      if (other == b.end() || !python_equal(it.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace mainspring::http::ndscheduler
