// json_body: parsing a request body and the typed field readers.
#include "http/json_body.h"

#include <catch2/catch.hpp>

#include "core/json_depth.h"
#include "core/utf8.h"

using namespace mainspring;
using namespace mainspring::http;
using nlohmann::json;

namespace {
json obj(const char* text) { return json::parse(text); }

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); i += utf8_sequence(s, i))
    if (utf8_sequence(s, i) == 0) return false;
  return true;
}
}  // namespace

TEST_CASE("trailing commas are dropped only outside strings and before a closing bracket") {
  CHECK(strip_trailing_commas(R"({"a": 1,})") == R"({"a": 1})");
  CHECK(strip_trailing_commas("{\"a\": [1, 2, ] , // x,\n }") == "{\"a\": [1, 2 ]  // x,\n }");
  CHECK(strip_trailing_commas(R"({"a": ",}", "b": "\",]"})") == R"({"a": ",}", "b": "\",]"})");
  CHECK(strip_trailing_commas("{\"a\": 1, /* c */ }") == "{\"a\": 1 /* c */ }");
  CHECK(strip_trailing_commas("[1,2]") == "[1,2]");
  // Still strict elsewhere: a doubled comma stays an error.
  CHECK_FALSE(parse_json_object(R"({"a": 1,, })").ok());
  CHECK(parse_json_object("{\"a\": [1,],}").ok());
}

TEST_CASE("the seed's commented bodies read the same when curl -d @file has joined their lines") {
  // As the seed shows them; `curl -d @file` drops the line breaks.
  const std::string register_group = "{\n  \"group_name\": \"YM55\", //rule: [a-zA-Z0-9_]{1,22}\n}\n";
  const std::string add_job =
      "{\n  \"group_name\": \"YM55\", //required\n  \"name\": \"Hello\",  //required\n"
      "  \"job_id\":\"1234ABC\", //option  you can specify your job_id rule: [a-zA-Z0-9_]{1,22}\n"
      "  \"exec_time\": 0, //unixtime. if exec_time == 0 exec now\n"
      "  \"request_url\": \"HTTP@http://127.0.0.1:9999?test=yao\", //required prefix REMOTE|LUA|HTTP\n"
      "  \"interval_pattern\": \"@once\", //use crontab schema or @once or @every 5s\n"
      "  \"exec_command\": \"\",\n  \"timeout\": 1,\n  \"memo\":\"\"\n}\n";
  const std::string active = "{\n    \"group_name\":\"YM55\",\n    \"job_id\":\"1\",\n    \"exec_time\":0 //unixtime. if exec_time == 0 exec now\n}";
  auto joined = [](std::string text) {
    std::erase(text, '\n');
    return text;
  };
  for (const auto& body : {register_group, add_job, active}) {
    INFO(body);
    auto with_lines = parse_json_object(body);
    auto one_line = parse_json_object(joined(body));
    REQUIRE(with_lines.ok());
    REQUIRE(one_line.ok());
    CHECK(*one_line == *with_lines);
  }
  CHECK((*parse_json_object(joined(add_job)))["request_url"] == "HTTP@http://127.0.0.1:9999?test=yao");
  // Strings are not comments; a comment with no line after it still ends the body.
  CHECK(end_joined_line_comments(R"({"u": "http://x//y", "a": 1})") == R"({"u": "http://x//y", "a": 1})");
  CHECK(end_joined_line_comments(R"({"a": 1 // c "b": 2})") == "{\"a\": 1 \n\"b\": 2}");
  CHECK_FALSE(parse_json_object(R"({"a": 1, // no end)").ok());
}

TEST_CASE("a body that is not a JSON object says why") {
  CHECK(parse_json_object("").status().message() ==
        "malformed JSON body: the body is empty; expected a JSON object");
  CHECK(parse_json_object("[1]").status().message() ==
        "malformed JSON body: expected a JSON object, got array");
  auto bad = parse_json_object("{\"a\" 1}");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == status_code::invalid_argument);
  CHECK_THAT(bad.status().message(), Catch::StartsWith("malformed JSON body: parse error at line 1"));
  CHECK_THAT(bad.status().message(), !Catch::Contains("[json.exception"));
  CHECK(parse_json_object("{\"a\": 1 // comment\n}").ok());
  // A NUL byte is no JSON anywhere, also after a whole value (nlohmann alone would stop there).
  CHECK(parse_json_object(std::string_view("{\"a\":1}\0{\"b\":", 13)).status().message() ==
        "malformed JSON body: a NUL byte at offset 7 (JSON text holds none)");
  CHECK(parse_json_object("{\"a\":\"\\u0000\"}")->at("a") == std::string(1, '\0'));
}

TEST_CASE("a body nested deeper than the limit is refused before any handler copies it") {
  auto nested = [](std::size_t levels, const std::string& open, const std::string& close) {
    std::string text = "{\"a\":";
    for (std::size_t i = 0; i < levels; ++i) text += open;
    text += "1";
    for (std::size_t i = 0; i < levels; ++i) text += close;
    return text + "}";
  };
  // The outer object is one level: k_max_json_depth in all reads.
  CHECK(parse_json_object(nested(k_max_json_depth - 1, "[", "]")).ok());
  CHECK(parse_json_object(nested(k_max_json_depth - 1, "{\"b\":", "}")).ok());
  const std::string too_deep = "malformed JSON body: nested deeper than " + std::to_string(k_max_json_depth) + " levels";
  CHECK(parse_json_object(nested(k_max_json_depth, "[", "]")).status().message() == too_deep);
  CHECK(parse_json_object(nested(k_max_json_depth, "{\"b\":", "}")).status().message() == too_deep);
  // What a 1 MiB body can hold, also never closed and with a trailing comma (the relaxed retry).
  CHECK(parse_json_object("{\"a\":" + std::string(500'000, '[')).status().message() == too_deep);
  CHECK(parse_json_object(nested(200'000, "[", "],")).status().message() == too_deep);
}

TEST_CASE("an ordered read of a body keeps its keys as given, and reads what the plain read reads") {
  auto ordered = [](std::string_view body) {
    auto v = parse_ordered_json_object(body);
    return v.ok() ? v->dump() : v.status().message();
  };
  CHECK(ordered(R"({"z": 1, "a": {"y": [{"c": 1, "b": 2}], "x": null}})") == R"({"z":1,"a":{"y":[{"c":1,"b":2}],"x":null}})");
  // A key given twice: its first place, its last value (Python's json.loads).
  CHECK(ordered(R"({"b": 1, "a": 2, "b": 3})") == R"({"b":3,"a":2})");
  // The relaxed reads: comments, trailing commas, and comments whose line breaks curl dropped.
  CHECK(ordered("{\"z\": 1, // c\n \"a\": 2,\n}") == R"({"z":1,"a":2})");
  CHECK(ordered(R"({"z": 1, // c "a": [2,], })") == R"({"z":1,"a":[2]})");
  // The same refusals, in the same words.
  for (std::string_view bad : {"", "[1]", "{\"a\" 1}", "{\"a\":[[[[1]]]"}) {
    INFO(bad);
    CHECK(ordered(bad) == parse_json_object(bad).status().message());
  }
  CHECK(ordered(std::string_view("{\"a\":1}\0", 8)) == "malformed JSON body: a NUL byte at offset 7 (JSON text holds none)");
  const std::string deep = "{\"a\":" + std::string(k_max_json_depth, '[') + std::string(k_max_json_depth, ']') + "}";
  CHECK(ordered(deep) == "malformed JSON body: nested deeper than " + std::to_string(k_max_json_depth) + " levels");
}

TEST_CASE("absent and null fields read as not given") {
  json o = obj(R"({"a": null})");
  CHECK_FALSE(string_field(o, "a").value().has_value());
  CHECK_FALSE(string_field(o, "missing").value().has_value());
  CHECK_FALSE(integer_field(o, "a").value().has_value());
  CHECK_FALSE(seconds_as_ms_field(o, "a").value().has_value());
}

TEST_CASE("integer fields accept whole numbers in int64 and, when asked, numeric strings") {
  json o = obj(R"({"i": -7, "u": 9223372036854775807, "f": 3.0, "s": "123", "neg": "-4",
                   "big": 9223372036854775808, "frac": 2.5, "bad": "12x", "empty": ""})");
  CHECK(integer_field(o, "i").value() == -7);
  CHECK(integer_field(o, "u").value() == INT64_MAX);
  CHECK(integer_field(o, "f").value() == 3);
  CHECK(integer_field(o, "s", true).value() == 123);
  CHECK(integer_field(o, "neg", true).value() == -4);
  CHECK(integer_field(o, "s").status().message() == "s: must be a whole number, got string");
  CHECK(integer_field(o, "big").status().message() == "big: out of range for a 64-bit integer");
  CHECK(integer_field(o, "frac").status().message() == "frac: must be a whole number");
  CHECK_FALSE(integer_field(o, "bad", true).ok());
  CHECK_FALSE(integer_field(o, "empty", true).ok());
}

TEST_CASE("seconds fields become milliseconds, rounded to the nearest one") {
  json o = obj(R"({"a": 1.5, "b": 2, "c": 0.0004, "d": 0.0006, "e": 1e300, "f": -1,
                   "g": 9223372036854775807, "h": "1"})");
  CHECK(seconds_as_ms_field(o, "a").value() == 1500);
  CHECK(seconds_as_ms_field(o, "b").value() == 2000);
  CHECK(seconds_as_ms_field(o, "c").value() == 0);
  CHECK(seconds_as_ms_field(o, "d").value() == 1);
  CHECK(seconds_as_ms_field(o, "f").value() == -1000);
  CHECK(seconds_as_ms_field(o, "e").status().message() == "e: out of range for a 64-bit integer");
  CHECK(seconds_as_ms_field(o, "g").status().message() == "g: out of range for a 64-bit integer");
  CHECK(seconds_as_ms_field(o, "h").status().message() == "h: must be a number of seconds, got string");
}

TEST_CASE("an error message quoting the body or a value is valid UTF-8, never a cut character") {
  // The parser's detail echoes the ill-formed byte it stopped at.
  auto bad = parse_json_object("{\"name\": \"\xc3\"}");
  REQUIRE_FALSE(bad.ok());
  CHECK(valid_utf8(bad.status().message()));
  // A long key quoted back (64 bytes at most) is cut before the 2-byte 'ü' that would not fit whole.
  json body{{"tags", {{std::string(63, 'k') + "\u00fc", 1}}}};
  auto tags = string_map_field(body, "tags", 8);
  REQUIRE_FALSE(tags.ok());
  CHECK(valid_utf8(tags.status().message()));
  CHECK(tags.status().message().find(std::string(63, 'k') + "\"") != std::string::npos);
}
