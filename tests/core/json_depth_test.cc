// json_depth: one JSON value, with nothing nested deeper than k_max_json_depth built.
#include "core/json_depth.h"

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
