#include "metrics/sharded_histogram.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <thread>
#include <vector>

using namespace mainspring;

TEST_CASE("a sharded histogram counts each value in the first bucket whose bound is >= it") {
  sharded_histogram h({0.001, 0.005, 0.01});
  for (double v : {0.0, 0.001, 0.002, 0.005, 0.0051, 0.01, 5.0}) h.observe(v);
  const prometheus::ClientMetric m = h.collect();
  REQUIRE(m.histogram.bucket.size() == 4);
  CHECK(m.histogram.bucket[0].upper_bound == 0.001);
  CHECK(m.histogram.bucket[0].cumulative_count == 2);  // 0 and 0.001 (le is inclusive)
  CHECK(m.histogram.bucket[1].cumulative_count == 4);  // + 0.002, 0.005
  CHECK(m.histogram.bucket[2].cumulative_count == 6);  // + 0.0051, 0.01
  CHECK(std::isinf(m.histogram.bucket[3].upper_bound));
  CHECK(m.histogram.bucket[3].cumulative_count == 7);
  CHECK(m.histogram.sample_count == 7);
  CHECK(m.histogram.sample_sum == Approx(5.0231));
}

TEST_CASE("a histogram and a counter fed by many threads at once lose nothing") {
  // More threads than shards, so that some share one: their adds must still all land.
  constexpr int k_threads = static_cast<int>(k_metric_shards) + 4;
  constexpr int k_each = 20000;
  sharded_histogram h({1, 2});
  sharded_counter c;
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&h, &c, t] {
      for (int i = 0; i < k_each; ++i) {
        h.observe(t % 3 == 0 ? 0.5 : 1.5);
        c.add();
      }
    });
  }
  for (auto& t : threads) t.join();
  const prometheus::ClientMetric m = h.collect();
  const uint64_t low_threads = (k_threads + 2) / 3;  // t = 0, 3, 6, ...
  CHECK(c.value() == static_cast<uint64_t>(k_threads) * k_each);
  CHECK(m.histogram.sample_count == static_cast<uint64_t>(k_threads) * k_each);
  CHECK(m.histogram.bucket[0].cumulative_count == low_threads * k_each);
  CHECK(m.histogram.bucket[1].cumulative_count == static_cast<uint64_t>(k_threads) * k_each);
  CHECK(m.histogram.sample_sum ==
        Approx(0.5 * low_threads * k_each + 1.5 * (k_threads - low_threads) * k_each));
}

TEST_CASE("a histogram with no bounds has only the +Inf bucket") {
  sharded_histogram h({});
  h.observe(3);
  const prometheus::ClientMetric m = h.collect();
  REQUIRE(m.histogram.bucket.size() == 1);
  CHECK(m.histogram.bucket[0].cumulative_count == 1);
  CHECK(m.histogram.sample_sum == 3);
}
