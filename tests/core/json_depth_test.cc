// json_depth: one JSON value, with nothing nested deeper than k_max_json_depth built.
#include "core/json_depth.h"

#include <ctime>
#include <string>

#include <catch2/catch.hpp>

using namespace mainspring;
using nlohmann::json;

TEST_CASE("a value nested up to the limit reads, one level more is refused and says so") {
  auto nested = [](std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); };
  CHECK(parse_json_within_depth(nested(k_max_json_depth), false).is_array());
  std::string why;
  CHECK(parse_json_within_depth(nested(k_max_json_depth + 1), false, &why).is_discarded());
  CHECK(why == "nested deeper than 512 levels");
  CHECK(parse_json_within_depth("{\"a\":" + std::string(1'000'000, '{'), false).is_discarded());
  CHECK(parse_json_within_depth(std::string(600, '[') + "1" + std::string(599, ']'), false).is_discarded());
}

TEST_CASE("a value that is no JSON says nlohmann's why, comments only when asked") {
  std::string why;
  CHECK(parse_json_within_depth("[1] 2", false, &why).is_discarded());
  CHECK_THAT(why, Catch::StartsWith("[json.exception.parse_error.101]"));
  CHECK(parse_json_within_depth("[1] // c", false).is_discarded());
  CHECK(parse_json_within_depth("[1] // c", true) == json::array({1}));
  CHECK(parse_json_within_depth(" {\"a\":[1,{\"b\":null}]} ", false) == json::parse(R"({"a":[1,{"b":null}]})"));
}

TEST_CASE("reads any one value strictly without comments, and nothing nested deeper than the limit") {
  CHECK(parse_json_within_depth("[{\"a\":1},2]", false) == json::parse("[{\"a\":1},2]"));
  CHECK(parse_json_within_depth("\"x\"", false) == "x");
  CHECK(parse_json_within_depth("[1] // c", false).is_discarded());
  CHECK(parse_json_within_depth("[1,]", false).is_discarded());
  CHECK(parse_json_within_depth("[1] 2", false).is_discarded());
  const std::size_t limit = k_max_json_depth;
  CHECK(parse_json_within_depth(std::string(limit, '[') + std::string(limit, ']'), false).is_array());
  CHECK(parse_json_within_depth(std::string(limit + 1, '[') + std::string(limit + 1, ']'), false).is_discarded());
  CHECK(parse_json_within_depth(std::string(1'000'000, '['), false).is_discarded());
}

TEST_CASE("an ordered read keeps each object's keys in the order the text gives them, at any depth") {
  using nlohmann::ordered_json;
  const std::string text = R"({"z":1,"a":[{"y":true,"b":null}],"m":{"k":{"c":"x","a":2.5}}})";
  ordered_json v = parse_ordered_json_within_depth(text, false);
  CHECK(v.dump() == text);
  CHECK(parse_ordered_json_within_depth("[1] // c", true) == ordered_json::array({1}));
  CHECK(parse_ordered_json_within_depth("[1] // c", false).is_discarded());
  std::string why;
  CHECK(parse_ordered_json_within_depth(std::string(k_max_json_depth + 1, '[') + std::string(k_max_json_depth + 1, ']'),
                                        false, &why)
            .is_discarded());
  CHECK(why == "nested deeper than 512 levels");
  CHECK(parse_ordered_json_within_depth("[[[1]]]", false, &why, 2).is_discarded());
  CHECK(why == "nested deeper than 2 levels");
  CHECK(parse_ordered_json_within_depth(std::string(600, '[') + std::string(600, ']'), false, nullptr, k_any_json_depth)
            .is_array());
}

TEST_CASE("a key given twice keeps its first place and its last value, as Python's json.loads builds a dict") {
  // CPython: json.loads('{"b": 1, "a": 2, "b": 3}') == {'b': 3, 'a': 2}, in that order: the
  // decoder sets each pair into the dict, and setting a key a dict holds replaces its value where
  // it stands.
  CHECK(parse_ordered_json_within_depth(R"({"b":1,"a":2,"b":3})", false).dump() == R"({"b":3,"a":2})");
  CHECK(parse_json_within_depth(R"({"b":1,"a":2,"b":3})", false).dump() == R"({"a":2,"b":3})");
  // The same past the keys an object looks through one by one, where an index finds them.
  std::string text = "{", expected = "{";
  for (int i = 99; i >= 0; --i) {
    text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    expected += std::string(i == 99 ? "" : ",") + "\"k" + std::to_string(i) + "\":" + std::to_string(i == 50 ? -1 : i);
  }
  text += "\"k50\":{\"x\":0},\"k50\":-1}";
  expected += "}";
  CHECK(parse_ordered_json_within_depth(text, false).dump() == expected);
}

TEST_CASE("an ordered read of an object with many keys takes time linear in them") {
  // 200,000 keys: nlohmann's own ordered parse, which compares a key with each one before it, took 3 s
  // for 40,000 of them here (about 80 s for these); this read takes a fraction of a second. The
  // bound is on the process's CPU time, which a loaded machine does not stretch as it does the
  // wall clock's.
  std::string text = "{";
  for (int i = 0; i < 200'000; ++i) text += (i ? ",\"" : "\"") + std::to_string(i) + "\":0";
  text += "}";
  const std::clock_t start = std::clock();
  nlohmann::ordered_json v = parse_ordered_json_within_depth(text, false);
  CHECK(static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC < 20.0);
  REQUIRE(v.size() == 200'000);
  CHECK(v.begin().key() == "0");
  CHECK((--v.end()).key() == "199999");
}
