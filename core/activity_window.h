// activity_window: what the dashboard's overview shows of one span of activity (runs, failures,
// storage commits, lateness percentiles), and the sampling grid of that history. A plain value
// the API carries (scheduler_api.h's scheduler_overview); metrics/activity_history.h computes it.
//
// Example:
//   activity_window hour = overview.last_hour;
//   if (hour.lateness_p99_s) show(*hour.lateness_p99_s * 1000, "ms");
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace mainspring {

// One sample every 10 s, an hour of them.
inline constexpr int64_t k_activity_slot_ms = 10'000;
inline constexpr std::size_t k_activity_slots = 360;
inline constexpr int64_t k_activity_span_ms = k_activity_slot_ms * static_cast<int64_t>(k_activity_slots);

// Activity over one span (a slot, or the last hour).
struct activity_window {
  int64_t from_ms = 0;  // the older sample (unix ms)
  int64_t to_ms = 0;    // the newer one
  uint64_t runs = 0;      // finished runs, any outcome
  uint64_t failures = 0;  // failed + timed out
  uint64_t storage_commits = 0;
  double runs_per_s = 0;
  double failures_per_s = 0;
  double storage_commits_per_s = 0;
  // Lateness of the runs started in the span (seconds), read from the histogram buckets as
  // Prometheus' histogram_quantile does; nullopt when no run started.
  std::optional<double> lateness_p50_s, lateness_p90_s, lateness_p99_s;
};

}  // namespace mainspring
