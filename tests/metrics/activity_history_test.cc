#include "metrics/activity_history.h"

#include <catch2/catch.hpp>

using namespace mainspring;

namespace {

metrics_totals totals(uint64_t ok, uint64_t failed, std::vector<uint64_t> lateness, uint64_t commits = 0) {
  metrics_totals t;
  t.runs_succeeded = ok;
  t.runs_failed = failed;
  t.lateness_cumulative = std::move(lateness);
  t.storage_commits = commits;
  return t;
}

}  // namespace

TEST_CASE("a histogram quantile interpolates inside the bucket that holds its rank") {
  std::vector<double> bounds{0.001, 0.01, 0.1};
  CHECK(!histogram_quantile(0.5, bounds, {0, 0, 0, 0}).has_value());
  // 10 observations, all in (0.001, 0.01]: the median is halfway through that bucket.
  CHECK(*histogram_quantile(0.5, bounds, {0, 10, 10, 10}) == Approx(0.0055));
  // 100 observations, 99 under 1 ms: p99 is 1 ms, p100 above the last bound answers it.
  CHECK(*histogram_quantile(0.99, bounds, {99, 99, 99, 100}) == Approx(0.001));
  CHECK(*histogram_quantile(1.0, bounds, {99, 99, 99, 100}) == Approx(0.1));
}

TEST_CASE("the history answers runs and rates over a span from the samples and the live totals") {
  activity_history h({0.001, 0.01});
  h.record(0, totals(0, 0, {0, 0, 0}));
  h.record(10'000, totals(100, 10, {100, 110, 110}, 5));
  auto live = totals(300, 20, {300, 320, 320}, 25);
  auto hour = h.window(20'000, live, k_activity_span_ms);
  CHECK(hour.runs == 320);
  CHECK(hour.failures == 20);
  CHECK(hour.runs_per_s == Approx(16.0));
  CHECK(hour.storage_commits_per_s == Approx(1.25));
  REQUIRE(hour.lateness_p50_s.has_value());
  CHECK(*hour.lateness_p50_s < 0.001);
  auto recent = h.window(20'000, live, 10'000);
  CHECK(recent.runs == 210);
  auto slots = h.slots(20'000, live);
  REQUIRE(slots.size() == 2);
  CHECK(slots[0].runs == 110);
  CHECK(slots[1].runs == 210);
  CHECK(slots[1].to_ms == 20'000);
}

TEST_CASE("the history keeps an hour of samples and no more") {
  activity_history h({0.001});
  for (int64_t i = 0; i <= 2 * static_cast<int64_t>(k_activity_slots); ++i)
    h.record(i * k_activity_slot_ms, totals(static_cast<uint64_t>(i), 0, {0, 0}));
  int64_t now = 2 * static_cast<int64_t>(k_activity_slots) * k_activity_slot_ms;
  auto slots = h.slots(now, totals(2 * k_activity_slots, 0, {0, 0}));
  CHECK(slots.size() == k_activity_slots);
  CHECK(h.window(now, totals(2 * k_activity_slots, 0, {0, 0}), k_activity_span_ms).runs == k_activity_slots);
}
