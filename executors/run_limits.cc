#include "executors/run_limits.h"

#include <algorithm>
#include <cmath>

namespace mainspring {

run_limits limits_of(const run_request& req) {
  return {.cpu_limit_percent = req.cpu_limit_percent,
          .cpu_sustain_s = req.cpu_sustain_s,
          .memory_limit_bytes = req.memory_limit_bytes,
          .memory_sustain_s = req.memory_sustain_s,
          .log_max_bytes = req.log_max_bytes};
}

limit_watch::limit_watch(run_limits limits, clock::time_point start) : limits_(limits), last_time_(start) {}

bool limit_watch::sustained(std::optional<clock::time_point>& since, bool over, clock::time_point now,
                            int sustain_s) const {
  if (!over) {
    since.reset();
    return false;
  }
  if (!since) since = now;
  return now - *since + k_usage_sample_interval / 2 >= std::chrono::seconds(sustain_s);
}

std::optional<std::string> limit_watch::on_sample(clock::time_point now, double cpu_seconds, int64_t rss_bytes) {
  double wall_s = std::chrono::duration<double>(now - last_time_).count();
  if (wall_s > 0) {
    // A process that exited unwaited-for takes its time with it: the sum may shrink; count 0.
    last_cpu_percent_ = std::max(0.0, cpu_seconds - last_cpu_seconds_) / wall_s * 100.0;
    last_time_ = now;
    last_cpu_seconds_ = cpu_seconds;
  }
  const run_limits& l = limits_;
  if (l.cpu_limit_percent > 0 &&
      sustained(cpu_over_since_, last_cpu_percent_ > l.cpu_limit_percent, now, l.cpu_sustain_s)) {
    std::string why = "Exceeded CPU limit of " + std::to_string(l.cpu_limit_percent) + "%";
    if (l.cpu_sustain_s > 0) why += " for over " + text_from_seconds(l.cpu_sustain_s);
    return why;
  }
  if (l.memory_limit_bytes > 0 &&
      sustained(memory_over_since_, rss_bytes > l.memory_limit_bytes, now, l.memory_sustain_s)) {
    std::string why = "Exceeded memory limit of " + text_from_bytes(l.memory_limit_bytes);
    if (l.memory_sustain_s > 0) why += " for over " + text_from_seconds(l.memory_sustain_s);
    return why;
  }
  return std::nullopt;
}

std::optional<std::string> limit_watch::on_output(int64_t printed_bytes) const {
  if (limits_.log_max_bytes > 0 && printed_bytes > limits_.log_max_bytes)
    return "Exceeded log file size limit of " + text_from_bytes(limits_.log_max_bytes);
  return std::nullopt;
}

std::string text_from_bytes(int64_t bytes) {
  bytes = std::max<int64_t>(0, bytes);
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  static const char* const units[] = {" K", " MB", " GB", " TB"};
  // As pixl-tools: floor to tenths at each step, in floating point.
  double value = static_cast<double>(bytes);
  int unit = 0;
  for (;; ++unit) {
    value = std::floor(value / 1024 * 10) / 10;
    if (value < 1024 || unit == 3) break;
  }
  int64_t tenths = std::llround(value * 10);
  std::string text = std::to_string(tenths / 10);
  if (tenths % 10 != 0) text += "." + std::to_string(tenths % 10);
  return text + units[unit];
}

std::string text_from_seconds(int64_t seconds) {
  struct unit {
    int64_t size;
    const char* name;
  };
  static const unit units[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
  seconds = std::max<int64_t>(0, seconds);
  for (const auto& u : units) {
    if (seconds >= u.size || u.size == 1) {
      int64_t n = seconds / u.size;
      return std::to_string(n) + " " + u.name + (n == 1 ? "" : "s");
    }
  }
  return "0 seconds";
}

}  // namespace mainspring
