// sharded_histogram, sharded_counter: the fire path's Prometheus series without a lock.
//
// prometheus-cpp's Histogram::Observe takes the series' mutex and its Counter adds with a
// compare-and-swap loop on a double; the two CAF workers record every run in the same series,
// so at 125,000 runs/s the mutex was contended (a futex call each time) and the counters' cache
// lines bounced. Here each thread records into its own shard (one of k_metric_shards, picked once
// per thread), with relaxed atomic adds; a scrape sums the shards. A scrape taken while runs are
// recorded may see a count and a sum a few observations apart, as with any lock-free reader.
//
// Example:
//   sharded_histogram lateness({0.001, 0.005, 0.01});
//   lateness.observe(0.0004);                       // any thread
//   prometheus::ClientMetric m = lateness.collect(); // buckets le=0.001 .. +Inf, sum, count
//   sharded_counter runs;
//   runs.add();                                     // runs.value() == 1
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <prometheus/client_metric.h>

namespace mainspring {

// Shards per series: more than the threads that record at once (the CAF workers, the HTTP
// and clock threads), so that two threads rarely share one.
inline constexpr std::size_t k_metric_shards = 8;

// The shard of the calling thread: fixed for the thread's life, threads take them in turn.
std::size_t metric_shard_of_this_thread();

class sharded_counter {
 public:
  void add(uint64_t n = 1) { shards_[metric_shard_of_this_thread()].n.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const;

 private:
  struct alignas(64) shard {
    std::atomic<uint64_t> n{0};
  };
  shard shards_[k_metric_shards];
};

class sharded_histogram {
 public:
  // `bounds`: the buckets' upper bounds, ascending, without +Inf.
  explicit sharded_histogram(std::vector<double> bounds);
  sharded_histogram(const sharded_histogram&) = delete;
  sharded_histogram& operator=(const sharded_histogram&) = delete;

  // Counts `value` in the first bucket whose bound is >= value (Prometheus' "le"), and adds it to
  // the sum. Thread-safe, lock-free, no allocation.
  void observe(double value);

  // Cumulative bucket counts (the last one +Inf), the sum and the count, as prometheus-cpp's
  // Histogram::Collect gives them.
  prometheus::ClientMetric collect() const;

 private:
  // A shard's counts fill whole cache lines of their own, and so does each shard's sum.
  struct alignas(64) line {
    std::atomic<uint64_t> v[8];
  };
  struct alignas(64) padded_sum {
    std::atomic<double> v{0};  // a CAS loop, uncontended unless threads share the shard
  };
  std::atomic<uint64_t>& count(std::size_t shard, std::size_t bucket) const {
    return lines_[shard * lines_per_shard_ + bucket / 8].v[bucket % 8];
  }

  std::vector<double> bounds_;
  std::size_t lines_per_shard_;
  std::unique_ptr<line[]> lines_;  // k_metric_shards * lines_per_shard_
  padded_sum sums_[k_metric_shards];
};

}  // namespace mainspring
