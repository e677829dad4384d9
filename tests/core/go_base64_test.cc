// go_base64: Go's StdEncoding, down to the offsets its errors name (Go's TestDecodeCorrupt).
#include "core/go_base64.h"

#include <catch2/catch.hpp>

#include <string>

using namespace mainspring;

TEST_CASE("go_base64_decode reads padded base64, skipping line breaks") {
  CHECK(*go_base64_decode("") == "");
  CHECK(*go_base64_decode("aGk=") == "hi");
  CHECK(*go_base64_decode("aGVsbG8=") == "hello");
  CHECK(*go_base64_decode("aGVs\r\nbG8=\n") == "hello");
  CHECK(*go_base64_decode("AAAA") == std::string(3, '\0'));
  CHECK(*go_base64_decode("/+8=") == "\xff\xef");
  // Not strict: bits past the last byte are dropped, as StdEncoding does.
  CHECK(*go_base64_decode("aGl=") == "hi");
}

TEST_CASE("go_base64_decode names the byte Go's CorruptInputError names") {
  // {input, offset}: Go's encoding/base64 TestDecodeCorrupt table.
  const std::pair<const char*, int> cases[] = {
      {"", -1},        {"\n", -1},     {"AAA=\n", -1}, {"AAAA\n", -1}, {"!!!!", 0},    {"====", 0},
      {"x===", 1},     {"=AAA", 0},    {"A=AA", 1},    {"AA=A", 2},    {"AA==A", 4},   {"AAA=AAAA", 4},
      {"AAAAA", 4},    {"AAAAAA", 4},  {"A=", 1},      {"A==", 1},     {"AA=", 3},     {"AA==", -1},
      {"AAA=", -1},    {"AAAA", -1},   {"AAAAAA=", 7}, {"YWJjZA=====", 8}, {"A!\n", 1}, {"A=\n", 1},
  };
  for (const auto& [input, offset] : cases) {
    INFO(input);
    auto decoded = go_base64_decode(input);
    if (offset < 0) {
      CHECK(decoded.ok());
    } else {
      REQUIRE_FALSE(decoded.ok());
      CHECK(decoded.status().code() == status_code::invalid_argument);
      CHECK(decoded.status().message() == "illegal base64 data at input byte " + std::to_string(offset));
    }
  }
}

TEST_CASE("base64_encode pads, and its output decodes back to every byte") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("h") == "aA==");
  CHECK(base64_encode("hi") == "aGk=");
  CHECK(base64_encode("hi!") == "aGkh");
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 37) CHECK(*go_base64_decode(base64_encode(all.substr(0, n))) == all.substr(0, n));
}
