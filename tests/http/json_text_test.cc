#include "http/json_text.h"

#include <catch2/catch.hpp>

#include <random>

#include <nlohmann/json.hpp>

using namespace mainspring::http;

namespace {

std::string as_json(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

}  // namespace

TEST_CASE("json_text escapes strings as nlohmann's dump with replace does") {
  for (std::string s : {std::string("plain"), std::string("q\"b\\s/"), std::string("\n\r\t\b\f"),
                        std::string("\x01\x1f", 2), std::string("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80"),
                        std::string("\xC3"), std::string("\xED\xA0\x80"), std::string("\xF8\x88\x80\x80"),
                        std::string("a\0b", 3)}) {
    INFO(s);
    CHECK(as_json(s) == nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

TEST_CASE("json_text always writes text nlohmann parses back, for random bytes") {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 40);
  for (int i = 0; i < 5000; ++i) {
    std::string s(static_cast<std::size_t>(len(rng)), '\0');
    for (auto& c : s) c = static_cast<char>(byte(rng));
    std::string text = as_json(s);
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    CHECK(text == nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

TEST_CASE("json_text writes integers and booleans") {
  std::string out;
  append_json_number(out, int64_t{-42});
  out += ',';
  append_json_number(out, uint64_t{18446744073709551615u});
  out += ',';
  append_json_bool(out, true);
  CHECK(out == "-42,18446744073709551615,true");
}
