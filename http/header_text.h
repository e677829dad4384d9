// header_text: the ASCII text handling HTTP header names and values need (RFC 9110: field names
// and most tokens are case-insensitive; values may carry spaces and tabs around them).
//
// Example:
//   ascii_lowercase("Content-Type") == "content-type"
//   trim_blanks("  form-data ") == "form-data"
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace mainspring::http {

// `text` with A-Z as a-z; other bytes unchanged (no locale).
inline std::string ascii_lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// `text` without the spaces and tabs that lead or trail it.
inline std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace mainspring::http
