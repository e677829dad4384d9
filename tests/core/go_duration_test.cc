// Tests for core/go_duration.h: Go's duration syntax, read and written as Go does.
#include "core/go_duration.h"

#include <catch2/catch.hpp>

#include <random>

namespace mainspring {
namespace {

using std::chrono::milliseconds;

int64_t ms_of(std::string_view text) {
  status_or<milliseconds> d = parse_go_duration(text);
  INFO("text: " << text << " error: " << d.status().message());
  REQUIRE(d.ok());
  return d->count();
}

std::string error_of(std::string_view text) {
  status_or<milliseconds> d = parse_go_duration(text);
  INFO("text: " << text);
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().code() == status_code::invalid_argument);
  return d.status().message();
}

TEST_CASE("Go durations combine numbers and units as Go's ParseDuration does") {
  CHECK(ms_of("1h30m") == 5'400'000);
  CHECK(ms_of("90s") == 90'000);
  CHECK(ms_of("1.5h") == 5'400'000);
  CHECK(ms_of("300ms") == 300);
  CHECK(ms_of("2h45m10s") == 9'910'000);
  CHECK(ms_of("1m0.5s") == 60'500);
  CHECK(ms_of(".5s") == 500);
  CHECK(ms_of("1.s") == 1'000);
  CHECK(ms_of("0") == 0);
  CHECK(ms_of("0s") == 0);
  CHECK(ms_of("+5s") == 5'000);
  CHECK(ms_of("-1.5s") == -1'500);
  CHECK(ms_of("1h1h") == 7'200'000);  // Go accepts repeated units and adds them
  CHECK(ms_of("2562047h") == int64_t{2562047} * 3'600'000);  // near Go's limit of ~292 years
}

TEST_CASE("sub-millisecond units parse and round down to whole milliseconds") {
  CHECK(ms_of("1500us") == 1);
  CHECK(ms_of("1500\xC2\xB5s") == 1);  // µ as U+00B5 (micro sign)
  CHECK(ms_of("1500\xCE\xBCs") == 1);  // μ as U+03BC (Greek mu)
  CHECK(ms_of("999999ns") == 0);
  CHECK(ms_of("2000000ns") == 2);
  CHECK(ms_of("1.9999ms") == 1);
}

TEST_CASE("malformed Go durations are rejected with Go's messages") {
  CHECK(error_of("") == "invalid duration \"\"");
  CHECK(error_of("5") == "missing unit in duration \"5\"");
  CHECK(error_of("1h5") == "missing unit in duration \"1h5\"");
  CHECK(error_of("2d") == "unknown unit \"d\" in duration \"2d\"");
  CHECK(error_of("5 s") == "unknown unit \" s\" in duration \"5 s\"");
  CHECK(error_of("1h junk") == "unknown unit \"h junk\" in duration \"1h junk\"");
  CHECK(error_of("abc") == "invalid duration \"abc\"");
  CHECK(error_of("h") == "invalid duration \"h\"");
  CHECK(error_of(".") == "invalid duration \".\"");
  CHECK(error_of(".s") == "invalid duration \".s\"");
  CHECK(error_of("-") == "invalid duration \"-\"");
  CHECK(error_of(" 5s") == "invalid duration \" 5s\"");
  CHECK(error_of("9999999999h") == "invalid duration \"9999999999h\"");  // overflows int64 ns
  CHECK(error_of("99999999999999999999s") == "invalid duration \"99999999999999999999s\"");
}

TEST_CASE("Go durations format as Go's Duration.String does") {
  CHECK(format_go_duration(milliseconds{0}) == "0s");
  CHECK(format_go_duration(milliseconds{300}) == "300ms");
  CHECK(format_go_duration(milliseconds{1'500}) == "1.5s");
  CHECK(format_go_duration(milliseconds{1'001}) == "1.001s");
  CHECK(format_go_duration(milliseconds{90'000}) == "1m30s");
  CHECK(format_go_duration(milliseconds{3'600'000}) == "1h0m0s");
  CHECK(format_go_duration(milliseconds{5'400'000}) == "1h30m0s");
  CHECK(format_go_duration(milliseconds{9'910'250}) == "2h45m10.25s");
  CHECK(format_go_duration(milliseconds{-2'000}) == "-2s");
  CHECK(format_go_duration(milliseconds{-5}) == "-5ms");
}

TEST_CASE("formatting then parsing a duration gives it back") {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    const int64_t magnitude = int64_t{1} << (rng() % 40);
    const auto d = milliseconds{static_cast<int64_t>(rng() % static_cast<uint64_t>(magnitude)) *
                                (rng() % 4 == 0 ? -1 : 1)};
    const std::string text = format_go_duration(d);
    INFO("formatted: " << text);
    CHECK(ms_of(text) == d.count());
  }
}

}  // namespace
}  // namespace mainspring
