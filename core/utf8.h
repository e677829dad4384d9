// utf8: finding whole UTF-8 characters in text, so that a message quoting part of a client's text
// never cuts a multi-byte character in two (and never becomes invalid UTF-8 itself).
//
// Example:
//   std::size_t n = utf8_sequence("\xc3\xbcx", 0);   // 2: the bytes of 'ü'
//   utf8_sequence("\xc3x", 0) == 0;                   // a lead byte without its continuation
//   "got \"" + utf8_prefix(text, 32) + "\""           // quotes a client's text, cut whole
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mainspring {

// Bytes of the UTF-8 sequence starting at s[i], or 0 when it is not a valid one (overlong
// forms, surrogates and code points past U+10FFFF included).
// REQUIRES: i < s.size().
std::size_t utf8_sequence(std::string_view s, std::size_t i);

// The characters `text` starts with, as many as fit in `max_bytes` of it: never a part of a
// character. A byte of `text` that is not UTF-8 becomes U+FFFD, so that the result always is
// (it may then be up to 2 bytes longer per such byte).
std::string utf8_prefix(std::string_view text, std::size_t max_bytes);

}  // namespace mainspring
