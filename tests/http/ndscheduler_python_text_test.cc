// python_text: JSON values as ndscheduler's Python prints them (repr, str, json.dumps). The
// expected texts are what CPython 3 prints for the same values.
#include "http/ndscheduler/python_text.h"

#include <catch2/catch.hpp>

using namespace mainspring::http::ndscheduler;
using nlohmann::ordered_json;

TEST_CASE("a list prints as Python's repr of what json.loads read") {
  CHECK(python_repr(ordered_json::parse(R"(["arg1", 2])")) == "['arg1', 2]");
  CHECK(python_repr(ordered_json::parse(R"({"b": 1, "a": [true, null, false]})")) ==
        "{'b': 1, 'a': [True, None, False]}");
  CHECK(python_repr(ordered_json::array()) == "[]");
  CHECK(python_repr(ordered_json::object()) == "{}");
  CHECK(python_str(ordered_json::parse(R"(["x"])")) == "['x']");
  CHECK(python_str("*/5") == "*/5");  // a str prints as it is
}

TEST_CASE("a string's repr picks its quote and escapes what Python escapes") {
  CHECK(python_repr("it's") == "\"it's\"");
  CHECK(python_repr("say \"hi\"") == "'say \"hi\"'");
  CHECK(python_repr("both ' \"") == "'both \\' \"'");
  CHECK(python_repr("tab\tnl\n\x01\x7f\u0085\u00a0\u00ad \u00e9 \u200b \u2028 \ue000 \U0001F600 \\") ==
        "'tab\\tnl\\n\\x01\\x7f\\x85\\xa0\\xad \u00e9 \\u200b \\u2028 \\ue000 \U0001F600 \\\\'");
}

TEST_CASE("a float prints as Python's repr: shortest digits, an exponent from 1e16 and below 1e-4") {
  CHECK(python_float_repr(1.0) == "1.0");
  CHECK(python_float_repr(2.5) == "2.5");
  CHECK(python_float_repr(1e16) == "1e+16");
  CHECK(python_float_repr(1e15) == "1000000000000000.0");
  CHECK(python_float_repr(1e-4) == "0.0001");
  CHECK(python_float_repr(1e-5) == "1e-05");
  CHECK(python_float_repr(-0.0) == "-0.0");
  CHECK(python_float_repr(0.1) == "0.1");
  CHECK(python_float_repr(123456789.123) == "123456789.123");
  CHECK(python_float_repr(1.5e300) == "1.5e+300");
  CHECK(python_float_repr(5e-324) == "5e-324");
  CHECK(python_float_repr(-12.75) == "-12.75");
}

TEST_CASE("json.dumps writes Python's separators, keeps the key order and escapes non-ASCII") {
  CHECK(python_json_dumps(ordered_json::parse(R"({"b": 1, "a": [true, null, 2.0, "x"]})")) ==
        R"({"b": 1, "a": [true, null, 2.0, "x"]})");
  CHECK(python_json_dumps("tab\tnl\n\x01\x7f\u0085 \u00e9 \U0001F600 \\ \"") ==
        R"("tab\tnl\n\u0001\u007f\u0085 \u00e9 \ud83d\ude00 \\ \"")");
  CHECK(python_json_dumps(ordered_json::array()) == "[]");
}

TEST_CASE("Python's == holds between numbers of any kind and bools, item by item") {
  using j = ordered_json;
  CHECK(python_equal(j::parse("[1, 2]"), j::parse("[1.0, 2]")));
  CHECK(python_equal(j::parse("[true]"), j::parse("[1]")));
  CHECK(python_equal(j::parse(R"({"a": 1, "b": "x"})"), j::parse(R"({"b": "x", "a": 1.0})")));
  CHECK_FALSE(python_equal(j::parse("[1]"), j::parse(R"(["1"])")));
  CHECK_FALSE(python_equal(j::parse("[1, 2]"), j::parse("[2, 1]")));
  CHECK_FALSE(python_equal(j::parse("[null]"), j::parse("[false]")));
  CHECK_FALSE(python_equal(j::parse(R"({"a": 1})"), j::parse(R"({"a": 1, "b": 2})")));
}
