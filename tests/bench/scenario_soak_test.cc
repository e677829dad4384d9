#include "bench/scenario_soak.h"

#include <catch2/catch.hpp>

#include <cmath>

using mainspring::bench::least_squares_slope;

TEST_CASE("least_squares_slope is the trend of the readings, 0 when flat") {
  CHECK(least_squares_slope({{0, 5}, {1, 5}, {2, 5}}) == 0);
  CHECK(least_squares_slope({{0, 1}, {1, 3}, {2, 5}}) == Approx(2));
  CHECK(least_squares_slope({{0, 10}, {1, 12}, {2, 10}, {3, 12}}) == Approx(0.4));  // noise, a small trend
  CHECK(least_squares_slope({{0, 0}, {1, -3}}) == Approx(-3));
}

TEST_CASE("least_squares_slope is not a number without two distinct points") {
  CHECK(std::isnan(least_squares_slope({})));
  CHECK(std::isnan(least_squares_slope({{1, 2}})));
  CHECK(std::isnan(least_squares_slope({{1, 2}, {1, 3}})));
}
