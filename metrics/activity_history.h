// activity_history: the last hour of scheduler activity, for the dashboard's overview.
//
// It counts nothing itself: every k_activity_slot_ms the runtime hands it the running totals the
// Prometheus metrics already keep (scheduler_metrics::totals()), and it keeps a ring of those
// samples. Differences between samples give runs and failures per slot, runs per second,
// storage commits per second and lateness percentiles over any span up to an hour, with the
// live totals as the newest point. Thread-safe (one short mutex; sampled every few seconds and
// read once per dashboard poll, never on the fire path).
//
// Example:
//   activity_history history(scheduler_metrics::lateness_bucket_bounds());
//   history.record(now_ms, metrics.totals());                 // every k_activity_slot_ms
//   activity_window hour = history.window(now_ms, metrics.totals(), k_activity_span_ms);
//   hour.runs_per_s; hour.lateness_p99_s;
//   std::vector<activity_slot> chart = history.slots(now_ms, metrics.totals());
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "core/activity_window.h"
#include "metrics/scheduler_metrics.h"

namespace mainspring {

// Quantile `q` (0..1) of a cumulative histogram (`cumulative` has bounds.size() + 1 entries, the
// last one +Inf), interpolated linearly inside the bucket; observations above the last bound
// answer the last bound. nullopt when the histogram is empty.
std::optional<double> histogram_quantile(double q, const std::vector<double>& bounds,
                                         const std::vector<uint64_t>& cumulative);

class activity_history {
 public:
  // -- constructors --
  explicit activity_history(std::vector<double> lateness_bounds);

  // -- recording --
  // Keeps `totals` as the sample at `now_ms`, dropping samples older than an hour.
  void record(int64_t now_ms, metrics_totals totals);

  // -- queries: `live` is the totals at `now_ms`, the newest point --
  // From the oldest sample no older than `span_ms` (or the oldest there is) to now.
  activity_window window(int64_t now_ms, const metrics_totals& live, int64_t span_ms) const;
  // One window per pair of neighbouring samples, oldest first, the last one ending now.
  std::vector<activity_window> slots(int64_t now_ms, const metrics_totals& live) const;

 private:
  struct sample {
    int64_t time_ms = 0;
    metrics_totals totals;
  };
  activity_window between(const sample& older, const sample& newer) const;

  // -- member variables --
  std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::deque<sample> samples_;  // oldest first; guarded by mutex_
};

}  // namespace mainspring
