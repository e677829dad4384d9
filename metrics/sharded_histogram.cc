#include "metrics/sharded_histogram.h"

#include <algorithm>
#include <limits>

namespace mainspring {

std::size_t metric_shard_of_this_thread() {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t shard = next.fetch_add(1, std::memory_order_relaxed) % k_metric_shards;
  return shard;
}

uint64_t sharded_counter::value() const {
  uint64_t total = 0;
  for (const auto& s : shards_) total += s.n.load(std::memory_order_relaxed);
  return total;
}

sharded_histogram::sharded_histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      lines_per_shard_((bounds_.size() + 1 + 7) / 8),
      lines_(std::make_unique<line[]>(k_metric_shards * lines_per_shard_)) {
  for (std::size_t i = 0; i < k_metric_shards * lines_per_shard_; ++i) {
    for (auto& v : lines_[i].v) v.store(0, std::memory_order_relaxed);
  }
}

void sharded_histogram::observe(double value) {
  const std::size_t bucket =
      static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  const std::size_t shard = metric_shard_of_this_thread();
  count(shard, bucket).fetch_add(1, std::memory_order_relaxed);
  std::atomic<double>& sum = sums_[shard].v;
  double seen = sum.load(std::memory_order_relaxed);
  while (!sum.compare_exchange_weak(seen, seen + value, std::memory_order_relaxed)) {
  }
}

prometheus::ClientMetric sharded_histogram::collect() const {
  std::vector<uint64_t> counts(bounds_.size() + 1, 0);
  double sum = 0;
  for (std::size_t shard = 0; shard < k_metric_shards; ++shard) {
    for (std::size_t b = 0; b < counts.size(); ++b) counts[b] += count(shard, b).load(std::memory_order_relaxed);
    sum += sums_[shard].v.load(std::memory_order_relaxed);
  }
  prometheus::ClientMetric m;
  uint64_t cumulative = 0;
  for (std::size_t b = 0; b < counts.size(); ++b) {
    cumulative += counts[b];
    prometheus::ClientMetric::Bucket bucket;
    bucket.cumulative_count = cumulative;
    bucket.upper_bound = b < bounds_.size() ? bounds_[b] : std::numeric_limits<double>::infinity();
    m.histogram.bucket.push_back(bucket);
  }
  m.histogram.sample_count = cumulative;
  m.histogram.sample_sum = sum;
  return m;
}

}  // namespace mainspring
