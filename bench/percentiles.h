// percentiles: latency statistics for the load generator, from raw samples (nearest rank) and from
// Prometheus histogram buckets (linear interpolation, as PromQL's histogram_quantile does).
//
// Example:
//   std::vector<double> ms = {0.4, 0.5, 9.0};
//   latency_summary s = summarize(ms);          // s.p50 == 0.5, s.max == 9.0, s.count == 3
//   std::vector<histogram_bucket> b = {{0.001, 90}, {0.01, 99}, {k_inf, 100}};
//   double p99 = histogram_quantile(0.99, b);   // 0.01 (the upper bound of the second bucket)
//
// Header only: pure functions, used by the scenarios and by tests/bench/percentiles_test.cc.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace mainspring::bench {

inline constexpr double k_inf = std::numeric_limits<double>::infinity();

// Percentiles in the unit of the samples they came from. All zero when count == 0.
struct latency_summary {
  std::size_t count = 0;
  double p50 = 0;
  double p99 = 0;
  double p999 = 0;
  double max = 0;
  double mean = 0;
};

// The nearest-rank percentile: the smallest sample such that at least a fraction `q` of all
// samples are at or below it. REQUIRES: `sorted` ascending and not empty; 0 < q <= 1.
inline double nearest_rank(const std::vector<double>& sorted, double q) {
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// p50/p99/p99.9/max/mean of `samples` (taken by value: it is sorted here).
inline latency_summary summarize(std::vector<double> samples) {
  latency_summary s;
  s.count = samples.size();
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  double sum = 0;
  for (double v : samples) sum += v;
  s.p50 = nearest_rank(samples, 0.50);
  s.p99 = nearest_rank(samples, 0.99);
  s.p999 = nearest_rank(samples, 0.999);
  s.max = samples.back();
  s.mean = sum / static_cast<double>(samples.size());
  return s;
}

// One cumulative bucket of a Prometheus histogram: observations <= upper_bound.
struct histogram_bucket {
  double upper_bound = 0;
  double cumulative_count = 0;
};

// The q-quantile of a histogram the way Prometheus' histogram_quantile() computes it: find the
// bucket holding rank q * total and interpolate linearly inside it (the first bucket starts at 0);
// a rank that falls into the +Inf bucket answers the highest finite upper bound. NaN when the
// histogram is empty or has no +Inf bucket (the total is unknown then).
// REQUIRES: 0 <= q <= 1; buckets may come in any order.
inline double histogram_quantile(double q, std::vector<histogram_bucket> buckets) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (buckets.size() < 2) return nan;
  std::sort(buckets.begin(), buckets.end(),
            [](const histogram_bucket& a, const histogram_bucket& b) { return a.upper_bound < b.upper_bound; });
  if (!std::isinf(buckets.back().upper_bound)) return nan;
  // Counts scraped at slightly different moments may dip; Prometheus evens them out the same way.
  for (std::size_t i = 1; i < buckets.size(); ++i)
    buckets[i].cumulative_count = std::max(buckets[i].cumulative_count, buckets[i - 1].cumulative_count);
  double total = buckets.back().cumulative_count;
  if (total <= 0) return nan;
  double rank = q * total;
  std::size_t b = 0;
  while (b < buckets.size() - 1 && buckets[b].cumulative_count < rank) ++b;
  if (b == buckets.size() - 1) return buckets[b - 1].upper_bound;
  if (b == 0 && buckets[0].upper_bound <= 0) return buckets[0].upper_bound;
  double start = b == 0 ? 0 : buckets[b - 1].upper_bound;
  double below = b == 0 ? 0 : buckets[b - 1].cumulative_count;
  double in_bucket = buckets[b].cumulative_count - below;
  if (in_bucket <= 0) return buckets[b].upper_bound;
  return start + (buckets[b].upper_bound - start) * ((rank - below) / in_bucket);
}

// after - before, bucket by bucket (matched by upper bound): the observations of a time window.
// Buckets missing from `before` count as zero there.
inline std::vector<histogram_bucket> bucket_delta(const std::vector<histogram_bucket>& after,
                                                  const std::vector<histogram_bucket>& before) {
  std::vector<histogram_bucket> out;
  out.reserve(after.size());
  for (const auto& a : after) {
    double prior = 0;
    for (const auto& b : before)
      if (b.upper_bound == a.upper_bound) prior = b.cumulative_count;
    out.push_back({a.upper_bound, a.cumulative_count - prior});
  }
  return out;
}

}  // namespace mainspring::bench
