// Unit tests of http/go_json: Go's encoding/json ways of reading members and writing answers.
#include "http/go_json.h"

#include <array>
#include <string>

#include <catch2/catch.hpp>

#include "core/json_depth.h"

using namespace mainspring;
using namespace mainspring::http;
using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 3> k_fields = {"name", "id", "tags"};

}  // namespace

TEST_CASE("parse_members_in_order keeps the top-level members as sent, a repeated key twice") {
  const go_json_members read = parse_members_in_order(R"({"b":1,"a":{"z":1,"y":2},"b":[3]})");
  REQUIRE(read.value.is_object());
  REQUIRE(read.members.size() == 3);
  CHECK(read.members[0] == std::pair<std::string, json>{"b", 1});
  CHECK(read.members[1].first == "a");
  CHECK(read.members[1].second == json{{"y", 2}, {"z", 1}});
  CHECK(read.members[2] == std::pair<std::string, json>{"b", json::array({3})});
  CHECK(parse_members_in_order("{").value.is_discarded());
  CHECK(parse_members_in_order("[1,2]").members.empty());
}

TEST_CASE("parse_members_in_order reads no JSON nested deeper than the body limit, which Go would read") {
  auto nested = [](std::size_t levels) {
    return "{\"a\":1,\"b\":" + std::string(levels, '[') + std::string(levels, ']') + "}";
  };
  // The outer object is one level.
  const go_json_members deepest = parse_members_in_order(nested(k_max_json_depth - 1));
  REQUIRE(deepest.value.is_object());
  CHECK(deepest.members.size() == 2);
  for (std::size_t levels : {k_max_json_depth, std::size_t{9'999}, std::size_t{400'000}}) {
    INFO(levels);
    const go_json_members read = parse_members_in_order(nested(levels));
    CHECK(read.value.is_discarded());
    CHECK(read.members.empty());
  }
}

TEST_CASE("go_json_kind names values as Go's UnmarshalTypeError does") {
  CHECK(std::string(go_json_kind(json(1))) == "number");
  CHECK(std::string(go_json_kind(json(1.5))) == "number");
  CHECK(std::string(go_json_kind(json(true))) == "bool");
  CHECK(std::string(go_json_kind(json("x"))) == "string");
  CHECK(std::string(go_json_kind(json::array())) == "array");
  CHECK(std::string(go_json_kind(json::object())) == "object");
  CHECK(std::string(go_json_kind(json(nullptr))) == "null");
}

TEST_CASE("in_field_order writes struct fields first in their order, the rest sorted, at the depths asked") {
  const json job = {{"tags", {{"b", 1}, {"a", 2}}}, {"zz", 0}, {"id", "x"}, {"aa", 0}, {"name", "n"}};
  const auto top_only = [](const json&, int depth) {
    return depth == 0 ? std::span<const std::string_view>(k_fields) : std::span<const std::string_view>();
  };
  CHECK(in_field_order(job, top_only).dump() ==
        R"({"name":"n","id":"x","tags":{"a":2,"b":1},"aa":0,"zz":0})");
  // The elements of an answer that is an array are at depth 0 too.
  CHECK(in_field_order(json::array({job}), top_only).dump() ==
        R"([{"name":"n","id":"x","tags":{"a":2,"b":1},"aa":0,"zz":0}])");
  // A map inside that happens to have a struct's keys stays sorted at depth 1.
  const json nested = {{"id", 1}, {"tags", {{"tags", 0}, {"name", 1}, {"id", 2}}}};
  CHECK(in_field_order(nested, top_only).dump() == R"({"id":1,"tags":{"id":2,"name":1,"tags":0}})");
  const auto everywhere = [](const json&, int) { return std::span<const std::string_view>(k_fields); };
  CHECK(in_field_order(nested, everywhere).dump() == R"({"id":1,"tags":{"name":1,"id":2,"tags":0}})");
}

TEST_CASE("go_escaped adds Go's HTML and line separator escapes inside strings only where they are") {
  const std::string text = json{{"a", "x<y>&z\u2028\u2029"}}.dump();
  CHECK(go_escaped(text, go_escape_style::go_1_22) == R"({"a":"x\u003cy\u003e\u0026z\u2028\u2029"})");
  // An escaped backslash before '<' stays one escape; the '<' is still escaped.
  CHECK(go_escaped(json("\\<").dump(), go_escape_style::go_1_22) == R"("\\\u003c")");
}

TEST_CASE("go_escaped writes \\b and \\f as Go of the style's day") {
  const std::string text = json("\b\f\n").dump();
  CHECK(text == R"("\b\f\n")");
  CHECK(go_escaped(text, go_escape_style::go_1_22) == R"("\b\f\n")");
  CHECK(go_escaped(text, go_escape_style::before_1_22) == R"("\u0008\u000c\n")");
}
