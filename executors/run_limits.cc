#include "executors/run_limits.h"

#include <algorithm>

#include "core/readable_units.h"

namespace mainspring {

run_limits limits_of(const run_request& req) {
  return {.cpu_limit_percent = req.cpu_limit_percent,
          .cpu_sustain_s = req.cpu_sustain_s,
          .memory_limit_bytes = req.memory_limit_bytes,
          .memory_sustain_s = req.memory_sustain_s,
          .log_max_bytes = req.log_max_bytes};
}

run_limits limits_of(const job_controls& c) {
  return {.cpu_limit_percent = c.cpu_limit_percent,
          .cpu_sustain_s = c.cpu_sustain_s,
          .memory_limit_bytes = c.memory_limit_bytes,
          .memory_sustain_s = c.memory_sustain_s,
          .log_max_bytes = c.log_max_bytes};
}

void set_limits(run_request& req, const run_limits& limits) {
  req.cpu_limit_percent = limits.cpu_limit_percent;
  req.cpu_sustain_s = limits.cpu_sustain_s;
  req.memory_limit_bytes = limits.memory_limit_bytes;
  req.memory_sustain_s = limits.memory_sustain_s;
  req.log_max_bytes = limits.log_max_bytes;
}

limit_watch::limit_watch(run_limits limits, clock::time_point start) : limits_(limits), last_time_(start) {}

void limit_watch::set_limits(run_limits limits) {
  if (limits.cpu_limit_percent == 0) cpu_over_since_.reset();
  if (limits.memory_limit_bytes == 0) memory_over_since_.reset();
  limits_ = limits;
}

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

}  // namespace mainspring
