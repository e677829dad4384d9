// utf8: whole UTF-8 characters, and the byte sequences that are none.
#include "core/utf8.h"

#include <catch2/catch.hpp>

using namespace mainspring;

TEST_CASE("a UTF-8 sequence is measured whole, and a broken one is 0") {
  CHECK(utf8_sequence("a", 0) == 1);
  CHECK(utf8_sequence("\xc3\xbc", 0) == 2);          // ü
  CHECK(utf8_sequence("\xe2\x82\xac", 0) == 3);      // €
  CHECK(utf8_sequence("\xf0\x9f\x98\x80", 0) == 4);  // an emoji
  CHECK(utf8_sequence("x\xc3", 1) == 0);             // cut short
  CHECK(utf8_sequence("\xc3x", 0) == 0);             // no continuation byte
  CHECK(utf8_sequence("\xc0\xaf", 0) == 0);          // overlong
  CHECK(utf8_sequence("\xed\xa0\x80", 0) == 0);      // a surrogate
  CHECK(utf8_sequence("\xf4\x90\x80\x80", 0) == 0);  // past U+10FFFF
  CHECK(utf8_sequence("\xbc", 0) == 0);              // a continuation byte alone
}

TEST_CASE("a prefix of a client's text never ends inside a character and is always UTF-8") {
  CHECK(utf8_prefix("abcdef", 4) == "abcd");
  CHECK(utf8_prefix("ab\xc3\xbc", 3) == "ab");          // ü would not fit whole
  CHECK(utf8_prefix("ab\xc3\xbc", 4) == "ab\xc3\xbc");
  CHECK(utf8_prefix("\xe2\x82\xac\xe2\x82\xac", 5) == "\xe2\x82\xac");
  CHECK(utf8_prefix("a\xc3z", 32) == "a\xef\xbf\xbdz");  // a broken byte becomes U+FFFD
  CHECK(utf8_prefix("", 8).empty());
}
