// utf8: finding whole UTF-8 characters in text, so that a message quoting part of a client's text
// never cuts a multi-byte character in two (and never becomes invalid UTF-8 itself).
//
// Example:
//   std::size_t n = utf8_sequence("\xc3\xbcx", 0);   // 2: the bytes of 'ü'
//   utf8_sequence("\xc3x", 0) == 0;                   // a lead byte without its continuation
#pragma once

#include <cstddef>
#include <string_view>

namespace mainspring {

// Bytes of the UTF-8 sequence starting at s[i], or 0 when it is not a valid one (overlong
// forms, surrogates and code points past U+10FFFF included).
// REQUIRES: i < s.size().
std::size_t utf8_sequence(std::string_view s, std::size_t i);

}  // namespace mainspring
