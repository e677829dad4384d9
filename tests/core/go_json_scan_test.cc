// go_json_scan: what Go's json.Decoder reads of a body, and its errors in Go's words (each
// expected text is what Go's encoding/json says for that input).
#include "core/go_json_scan.h"

#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

using namespace mainspring;

namespace {

std::string error_of(std::string_view body) {
  auto n = go_json_first_value(body);
  INFO(body);
  REQUIRE_FALSE(n.ok());
  CHECK(n.status().code() == status_code::invalid_argument);
  return n.status().message();
}

}  // namespace

TEST_CASE("the first value is read, and what follows an object or array is not") {
  CHECK(*go_json_first_value(R"({"name":"a"})") == 12);
  CHECK(*go_json_first_value(R"(  {"a":[1,2.5e-3,true,false,null,"\u00e9\n"]} trailing junk)") == 45);
  CHECK(*go_json_first_value("[]x") == 2);
  CHECK(*go_json_first_value("{}{}") == 2);
  CHECK(*go_json_first_value("123") == 3);
  CHECK(*go_json_first_value("-0.5 x") == 4);
  CHECK(*go_json_first_value("\"s\"\n") == 3);
  CHECK(*go_json_first_value("null") == 4);
  std::string deep = std::string(k_go_json_max_depth, '[') + std::string(k_go_json_max_depth, ']');
  CHECK(*go_json_first_value(deep) == deep.size());
}

TEST_CASE("syntax errors are Go's SyntaxError texts") {
  CHECK(error_of("x") == "invalid character 'x' looking for beginning of value");
  CHECK(error_of("{\"name\": \"x\", ") == "unexpected EOF");
  CHECK(error_of("") == "EOF");
  CHECK(error_of(" \n\t") == "EOF");
  CHECK(error_of("{") == "unexpected EOF");
  CHECK(error_of("-") == "unexpected EOF");
  CHECK(error_of(R"({"a" 1})") == "invalid character '1' after object key");
  CHECK(error_of(R"({"a":1 "b":2})") == "invalid character '\"' after object key:value pair");
  CHECK(error_of(R"({"a":1,})") == "invalid character '}' looking for beginning of object key string");
  CHECK(error_of("{a:1}") == "invalid character 'a' looking for beginning of object key string");
  CHECK(error_of("[1 2]") == "invalid character '2' after array element");
  CHECK(error_of("[1,]") == "invalid character ']' looking for beginning of value");
  CHECK(error_of("\"a\nb\"") == "invalid character '\\n' in string literal");
  CHECK(error_of(R"("\x")") == "invalid character 'x' in string escape code");
  CHECK(error_of(R"("\u12g4")") == "invalid character 'g' in \\u hexadecimal character escape");
  CHECK(error_of("01") == "invalid character '1' after top-level value");
  CHECK(error_of("1.x") == "invalid character 'x' after decimal point in numeric literal");
  CHECK(error_of("1e+") == "unexpected EOF");
  CHECK(error_of("1ex") == "invalid character 'x' in exponent of numeric literal");
  CHECK(error_of("-x") == "invalid character 'x' in numeric literal");
  CHECK(error_of("tru") == "unexpected EOF");
  CHECK(error_of("trux") == "invalid character 'x' in literal true (expecting 'e')");
  CHECK(error_of("fals3") == "invalid character '3' in literal false (expecting 'e')");
  CHECK(error_of("nil") == "invalid character 'i' in literal null (expecting 'u')");
  CHECK(error_of("\"s\"x") == "invalid character 'x' after top-level value");
  CHECK(error_of("[" + std::string(k_go_json_max_depth, '[')) == "invalid character '[' exceeded max depth");
}

TEST_CASE("what Go's decoder reads as U+FFFD is replaced, so that a strict reader takes it") {
  CHECK(go_json_replace_invalid(R"({"a":"ok \u00e9 \ud83d\ude00 \\ud800"})") == R"({"a":"ok \u00e9 \ud83d\ude00 \\ud800"})");
  CHECK(go_json_replace_invalid(R"({"a":"\ud800x"})") == R"({"a":"\ufffdx"})");
  CHECK(go_json_replace_invalid(R"({"a":"\uDC00\uD83D"})") == R"({"a":"\ufffd\ufffd"})");
  CHECK(go_json_replace_invalid(R"({"a":"\ud83d\u0041"})") == R"({"a":"\ufffd\u0041"})");
  CHECK(go_json_replace_invalid("{\"a\":\"x\xff\xe2\x82y\xc3\xa9\"}") == "{\"a\":\"x\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdy\xc3\xa9\"}");
  CHECK(nlohmann::json::parse(go_json_replace_invalid("[\"\xed\xa0\x80\", \"\\udfff\"]")) ==
        nlohmann::json::array({"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "\xef\xbf\xbd"}));
}

TEST_CASE("characters are quoted as Go's quoteChar quotes them") {
  CHECK(go_json_quote_char('x') == "'x'");
  CHECK(go_json_quote_char('\'') == R"('\'')");
  CHECK(go_json_quote_char('"') == R"('"')");
  CHECK(go_json_quote_char('\\') == R"('\\')");
  CHECK(go_json_quote_char('\t') == R"('\t')");
  CHECK(go_json_quote_char(0x01) == R"('\x01')");
  CHECK(go_json_quote_char(0x7f) == R"('\x7f')");
  CHECK(go_json_quote_char(0x85) == R"('\u0085')");
  CHECK(go_json_quote_char(0xa0) == R"('\u00a0')");
  CHECK(go_json_quote_char(0xc3) == "'\xc3\x83'");  // the rune U+00C3, Ã
  CHECK(error_of("\xef\xbb\xbf{}") == "invalid character '\xc3\xaf' looking for beginning of value");
}

TEST_CASE("an object key matches a struct field as Go folds names") {
  CHECK(go_json_key_folds_to("name", "name"));
  CHECK(go_json_key_folds_to("NAME", "name"));
  CHECK(go_json_key_folds_to("Owner_Email", "owner_email"));
  CHECK_FALSE(go_json_key_folds_to("names", "name"));
  CHECK_FALSE(go_json_key_folds_to("nam", "name"));
  CHECK_FALSE(go_json_key_folds_to("owner-email", "owner_email"));
  CHECK_FALSE(go_json_key_folds_to("", "name"));
  // The non-ASCII runes Go's foldName maps onto ASCII letters: Kelvin sign, long s, dotted and
  // dotless I; others never match an ASCII name.
  CHECK(go_json_key_folds_to("\u212Aey", "key"));
  CHECK(go_json_key_folds_to("\u017Fchedule", "schedule"));
  CHECK(go_json_key_folds_to("d\u0130sabled", "disabled"));
  CHECK(go_json_key_folds_to("d\u0131sabled", "disabled"));
  CHECK_FALSE(go_json_key_folds_to("n\u00C4me", "name"));
  CHECK_FALSE(go_json_key_folds_to("\xE2\x84", "k"));  // a cut sequence
}
