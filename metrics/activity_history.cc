#include "metrics/activity_history.h"

#include <algorithm>
#include <utility>

namespace mainspring {

namespace {

// a - b, 0 when a counter seems to have gone back (it never should).
uint64_t grown(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

}  // namespace

std::optional<double> histogram_quantile(double q, const std::vector<double>& bounds,
                                         const std::vector<uint64_t>& cumulative) {
  if (cumulative.empty() || cumulative.back() == 0 || bounds.empty()) return std::nullopt;
  const double rank = std::clamp(q, 0.0, 1.0) * static_cast<double>(cumulative.back());
  for (std::size_t i = 0; i < bounds.size() && i < cumulative.size(); ++i) {
    if (static_cast<double>(cumulative[i]) < rank) continue;
    double lower = i == 0 ? 0.0 : bounds[i - 1];
    uint64_t below = i == 0 ? 0 : cumulative[i - 1];
    uint64_t in_bucket = cumulative[i] - below;
    if (in_bucket == 0) return bounds[i];
    return lower + (bounds[i] - lower) * ((rank - static_cast<double>(below)) / static_cast<double>(in_bucket));
  }
  return bounds.back();  // in the +Inf bucket
}

activity_history::activity_history(std::vector<double> lateness_bounds) : bounds_(std::move(lateness_bounds)) {}

void activity_history::record(int64_t now_ms, metrics_totals totals) {
  std::lock_guard<std::mutex> lock(mutex_);
  samples_.push_back({now_ms, std::move(totals)});
  while (samples_.size() > k_activity_slots + 1 ||
         (!samples_.empty() && samples_.front().time_ms < now_ms - k_activity_span_ms - k_activity_slot_ms))
    samples_.pop_front();
}

activity_window activity_history::between(const sample& older, const sample& newer) const {
  const metrics_totals& a = older.totals;
  const metrics_totals& b = newer.totals;
  activity_window w;
  w.from_ms = older.time_ms;
  w.to_ms = newer.time_ms;
  uint64_t succeeded = grown(b.runs_succeeded, a.runs_succeeded);
  w.failures = grown(b.runs_failed, a.runs_failed);
  w.runs = succeeded + w.failures;
  w.storage_commits = grown(b.storage_commits, a.storage_commits);
  double seconds = static_cast<double>(std::max<int64_t>(1, w.to_ms - w.from_ms)) / 1000.0;
  w.runs_per_s = static_cast<double>(w.runs) / seconds;
  w.failures_per_s = static_cast<double>(w.failures) / seconds;
  w.storage_commits_per_s = static_cast<double>(w.storage_commits) / seconds;
  std::vector<uint64_t> lateness(b.lateness_cumulative.size(), 0);
  for (std::size_t i = 0; i < lateness.size(); ++i)
    lateness[i] = grown(b.lateness_cumulative[i], i < a.lateness_cumulative.size() ? a.lateness_cumulative[i] : 0);
  w.lateness_p50_s = histogram_quantile(0.50, bounds_, lateness);
  w.lateness_p90_s = histogram_quantile(0.90, bounds_, lateness);
  w.lateness_p99_s = histogram_quantile(0.99, bounds_, lateness);
  return w;
}

activity_window activity_history::window(int64_t now_ms, const metrics_totals& live, int64_t span_ms) const {
  std::lock_guard<std::mutex> lock(mutex_);
  sample now{now_ms, live};
  auto first = std::find_if(samples_.begin(), samples_.end(),
                            [&](const sample& s) { return s.time_ms >= now_ms - span_ms; });
  if (first == samples_.end()) return samples_.empty() ? between(now, now) : between(samples_.back(), now);
  return between(*first, now);
}

std::vector<activity_window> activity_history::slots(int64_t now_ms, const metrics_totals& live) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<activity_window> out;
  out.reserve(samples_.size());
  for (std::size_t i = 1; i < samples_.size(); ++i) out.push_back(between(samples_[i - 1], samples_[i]));
  if (!samples_.empty() && now_ms > samples_.back().time_ms) out.push_back(between(samples_.back(), {now_ms, live}));
  return out;
}

}  // namespace mainspring
