#include "core/go_strconv.h"

#include <cstdint>
#include <limits>

#include <catch2/catch.hpp>

using namespace mainspring;

TEST_CASE("a whole number reads as Go's strconv.Atoi reads it, sign included") {
  CHECK(go_atoi_ignoring_error("0") == 0);
  CHECK(go_atoi_ignoring_error("12") == 12);
  CHECK(go_atoi_ignoring_error("007") == 7);
  CHECK(go_atoi_ignoring_error("+7") == 7);
  CHECK(go_atoi_ignoring_error("-7") == -7);
  CHECK(go_atoi_ignoring_error("9223372036854775807") == std::numeric_limits<int64_t>::max());
  CHECK(go_atoi_ignoring_error("-9223372036854775808") == std::numeric_limits<int64_t>::min());
}

TEST_CASE("what Atoi cannot parse leaves 0, as Go's n, _ := strconv.Atoi(s)") {
  for (const char* text : {"", "abc", "+", "-", "1.5", " 1", "1 ", "1_000", "0x10", "1e3", "--1", "12a"}) {
    INFO(text);
    CHECK(go_atoi_ignoring_error(text) == 0);
  }
}

TEST_CASE("a number out of int64's range is clamped, as ParseInt returns it with ErrRange") {
  CHECK(go_atoi_ignoring_error("9223372036854775808") == std::numeric_limits<int64_t>::max());
  CHECK(go_atoi_ignoring_error("99999999999999999999") == std::numeric_limits<int64_t>::max());
  CHECK(go_atoi_ignoring_error("-9223372036854775809") == std::numeric_limits<int64_t>::min());
  // Whichever Go meets first while reading the digits decides.
  CHECK(go_atoi_ignoring_error("99999999999999999999x") == std::numeric_limits<int64_t>::max());
  CHECK(go_atoi_ignoring_error("9x9999999999999999999") == 0);
}
