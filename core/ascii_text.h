// ascii_text: blank characters and trimming on ASCII text, as the originals' own trims take them
// (Go's strings.TrimSpace and JavaScript's String.prototype.trim() on ASCII input).
//
// Example:
//   trim_blanks("  42%\r\n");   // "42%"
//   is_blank('\v');             // true
#pragma once

#include <string_view>

namespace mainspring {

// Space, tab, newline, carriage return, vertical tab, form feed.
inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// `s` without its leading and trailing blanks.
inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace mainspring
