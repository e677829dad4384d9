// What Go's json.Decoder.Decode reads of a request body: the first JSON value, or the error Go's
// scanner gives (Dkron's API reads each body with gin's BindJSON, a json.Decoder, and answers its
// errors: "Unable to parse payload: invalid character 'x' looking for beginning of value.").
//
// Example:
//   status_or<std::size_t> n = go_json_first_value(R"({"name":"a"} trailing)");   // 12
//   go_json_first_value("{").status().message();           // "unexpected EOF"
//   go_json_first_value("").status().message();            // "EOF"
//   go_json_first_value(R"({"a" 1})").status().message();  // "invalid character '1' after object key"
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mainspring {

// Go's limit on nested objects and arrays (encoding/json maxNestingDepth).
inline constexpr std::size_t k_go_json_max_depth = 10000;

// The length of the first JSON value in `body`, leading white space included, as Go's Decoder
// reads it: what follows it is not read, except the one character after a top-level number,
// string or literal that Go's scanner needs to see it end (which must be white space, or it is
// "invalid character 'x' after top-level value"). Errors are invalid_argument with Go's texts:
// "EOF" (nothing but white space), "unexpected EOF" (the value is cut), or a SyntaxError's
// "invalid character <c> <where>" with Go's quoting of <c> and its words for <where>.
status_or<std::size_t> go_json_first_value(std::string_view body);

// `value` (a JSON text Go's scanner accepts, such as go_json_first_value's prefix) with what Go's
// decoder replaces by U+FFFD replaced the same way, so that a strict UTF-8 JSON reader takes it
// as Go does: each byte that starts no valid UTF-8 sequence, and each \u escape of a surrogate
// that is not half of a pair (written \ufffd).
std::string go_json_replace_invalid(std::string_view value);

// True when Go's encoding/json would set the struct field whose JSON name is `field` (ASCII) from
// the object key `key` by its case-insensitive match (an exact match is preferred by the caller):
// foldName(key) == foldName(field) as Go 1.21+ folds names, each rune to
// unicode.ToUpper(unicode.ToLower(r)). For an ASCII field that is ASCII case-insensitive equality,
// plus the four non-ASCII runes that fold onto ASCII letters: U+212A KELVIN SIGN as 'k', U+017F
// LATIN SMALL LETTER LONG S as 's', U+0130 and U+0131 (dotted and dotless I) as 'i'.
bool go_json_key_folds_to(std::string_view key, std::string_view field);

// A byte as Go's json errors quote it: '\'' for a quote, '"' for a double quote, else Go's
// strconv.Quote of the character (a byte above 0x7f is the rune of that value: 'Ã' for 0xc3).
std::string go_json_quote_char(unsigned char c);

}  // namespace mainspring
