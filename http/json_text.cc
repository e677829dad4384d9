#include "http/json_text.h"

#include <charconv>

namespace mainspring::http {

namespace {

// How the UTF-8 at the start of `s` reads: `length` bytes of a valid sequence, or, when
// `valid` is false, `length` bytes that are the longest start of one (at least 1). Each invalid
// stretch becomes one U+FFFD, as nlohmann's dump with error_handler_t::replace does (Unicode's
// "maximal subpart" practice), so that both write the same text.
struct utf8_read {
  std::size_t length;
  bool valid;
};
utf8_read read_utf8(std::string_view s) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  const std::size_t n = c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
  if (n == 0) return {1, false};
  for (std::size_t i = 1; i < n; ++i) {
    if (i >= s.size()) return {i, false};
    unsigned char lo = 0x80, hi = 0xBF;
    if (i == 1) {  // the second byte's range excludes overlong forms, surrogates and > U+10FFFF
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    }
    if (b(i) < lo || b(i) > hi) return {i, false};
  }
  return {n, true};
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static const char* k_hex = "0123456789abcdef";
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      utf8_read r = read_utf8(text.substr(i));
      if (r.valid) out.append(text.data() + i, r.length);
      else out += "\xEF\xBF\xBD";  // U+FFFD
      i += r.length;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += k_hex[c >> 4];
          out += k_hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

void append_json_number(std::string& out, int64_t value) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  out.append(buf, end);
}

void append_json_number(std::string& out, uint64_t value) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  out.append(buf, end);
}

}  // namespace mainspring::http
