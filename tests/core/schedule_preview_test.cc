#include "core/schedule_preview.h"

#include <catch2/catch.hpp>

#include "core/job.h"

using namespace mainspring;

namespace {
const sys_ms k_now = from_unix_ms(4102444800000);  // 2100-01-01T00:00:00Z, a Friday
}

TEST_CASE("a preview starts at exec_time and follows the pattern from there") {
  auto fires = preview_fires({.pattern = "@every 1m", .zone = "UTC", .exec_time_s = 0, .count = 3}, k_now);
  REQUIRE(fires.ok());
  CHECK(*fires == std::vector<int64_t>{4102444800000, 4102444860000, 4102444920000});
}

TEST_CASE("a preview from the schedule skips the immediate first run") {
  auto fires = preview_fires(
      {.pattern = "0 30 9 * * MON-FRI", .zone = "UTC", .exec_time_s = k_first_fire_by_schedule, .count = 2}, k_now);
  REQUIRE(fires.ok());
  // Friday 09:30, then Monday 09:30.
  CHECK(*fires == std::vector<int64_t>{4102479000000, 4102738200000});
}

TEST_CASE("a one-shot preview holds one fire and a manual one none") {
  auto once = preview_fires({.pattern = "@once", .zone = "UTC", .exec_time_s = 0, .count = 5}, k_now);
  REQUIRE(once.ok());
  CHECK(once->size() == 1);
  auto manual = preview_fires({.pattern = "@manually", .zone = "UTC", .exec_time_s = 0, .count = 5}, k_now);
  REQUIRE(manual.ok());
  CHECK(manual->empty());
}

TEST_CASE("a preview names the field it refuses") {
  CHECK(preview_fires({.pattern = "0 0 24 * * *", .zone = "UTC"}, k_now).status().message().rfind("interval_pattern:", 0) == 0);
  CHECK(preview_fires({.pattern = "@daily", .zone = "Nowhere/City"}, k_now).status().message().rfind("timezone:", 0) == 0);
  CHECK(preview_fires({.pattern = "@daily", .zone = "UTC", .count = 0}, k_now).status().message().rfind("count:", 0) == 0);
}
