#include "bench/percentiles.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace mainspring::bench;

TEST_CASE("summarize answers nearest-rank percentiles, the max and the mean") {
  std::vector<double> samples;
  for (int i = 1; i <= 1000; ++i) samples.push_back(i);
  auto s = summarize(samples);
  CHECK(s.count == 1000);
  CHECK(s.p50 == 500);
  CHECK(s.p99 == 990);
  CHECK(s.p999 == 999);
  CHECK(s.max == 1000);
  CHECK(s.mean == Approx(500.5));
}

TEST_CASE("summarize does not depend on the order of the samples") {
  auto s = summarize({9, 1, 5});
  CHECK(s.p50 == 5);
  CHECK(s.max == 9);
}

TEST_CASE("summarize of no samples is all zero") {
  auto s = summarize({});
  CHECK(s.count == 0);
  CHECK(s.p99 == 0);
  CHECK(s.max == 0);
}

TEST_CASE("a single sample is every percentile") {
  auto s = summarize({0.25});
  CHECK(s.p50 == 0.25);
  CHECK(s.p999 == 0.25);
}

TEST_CASE("histogram_quantile interpolates inside the bucket holding the rank") {
  // 100 observations: 50 in (0, 1], 40 in (1, 2], 10 in (2, 4].
  std::vector<histogram_bucket> b = {{1, 50}, {2, 90}, {4, 100}, {k_inf, 100}};
  CHECK(histogram_quantile(0.5, b) == Approx(1.0));
  CHECK(histogram_quantile(0.25, b) == Approx(0.5));   // first bucket starts at 0
  CHECK(histogram_quantile(0.7, b) == Approx(1.5));
  CHECK(histogram_quantile(0.95, b) == Approx(3.0));
}

TEST_CASE("histogram_quantile answers the highest finite bound when the rank is in the +Inf bucket") {
  std::vector<histogram_bucket> b = {{0.001, 10}, {0.01, 20}, {k_inf, 100}};
  CHECK(histogram_quantile(0.99, b) == Approx(0.01));
}

TEST_CASE("histogram_quantile accepts buckets in any order") {
  std::vector<histogram_bucket> b = {{k_inf, 100}, {2, 90}, {1, 50}, {4, 100}};
  CHECK(histogram_quantile(0.7, b) == Approx(1.5));
}

TEST_CASE("histogram_quantile is NaN for an empty histogram or one without +Inf") {
  CHECK(std::isnan(histogram_quantile(0.5, {{1, 0}, {k_inf, 0}})));
  CHECK(std::isnan(histogram_quantile(0.5, {{1, 5}, {2, 10}})));
  CHECK(std::isnan(histogram_quantile(0.5, {})));
}

TEST_CASE("bucket_delta leaves the observations of the window between two scrapes") {
  std::vector<histogram_bucket> before = {{1, 10}, {2, 15}, {k_inf, 15}};
  std::vector<histogram_bucket> after = {{1, 60}, {2, 105}, {k_inf, 115}};
  auto d = bucket_delta(after, before);
  REQUIRE(d.size() == 3);
  CHECK(d[0].cumulative_count == 50);
  CHECK(d[1].cumulative_count == 90);
  CHECK(d[2].cumulative_count == 100);
}
