// run_limits: when a shell run has used too much CPU, memory or output, and what to say then.
//
// A job may cap its shell runs (core/job_controls.h, Cronicle's cpu_limit, memory_limit,
// log_max_size): the runner samples the run's process group about once a second
// (process_usage.h) and feeds each sample here; a limit exceeded at every sample for its
// sustain time (0 = at the first sample over it) ends the run, and so does printing more than
// log_max_bytes. The reasons are Cronicle's own texts (its lib/job.js), with our numbers:
//   "Exceeded CPU limit of 50% for over 5 seconds"
//   "Exceeded memory limit of 512 MB"
//   "Exceeded log file size limit of 10 MB"
// (Cronicle shows them after "Job Aborted: ").
//
// Example:
//   limit_watch watch(limits_of(req), steady_clock::now());
//   if (auto why = watch.on_sample(now, usage.cpu_seconds(), usage.rss_bytes)) abort_run(*why);
//   if (auto why = watch.on_output(bytes_printed)) abort_run(*why);
//
// Pure: no clock or process of its own, so that tests can drive it with any samples.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/job_controls.h"
#include "executors/run.h"

namespace mainspring {

// How often a limited run's processes are sampled.
inline constexpr std::chrono::milliseconds k_usage_sample_interval{1000};

struct run_limits {
  int cpu_limit_percent = 0;  // of one core; 0 = none
  int cpu_sustain_s = 0;
  int64_t memory_limit_bytes = 0;  // resident; 0 = none
  int memory_sustain_s = 0;
  int64_t log_max_bytes = 0;  // 0 = none

  // True when CPU or memory is limited: the run's processes must be sampled.
  bool needs_samples() const { return cpu_limit_percent > 0 || memory_limit_bytes > 0; }
  bool any() const { return needs_samples() || log_max_bytes > 0; }
};

// The limits a request carries, the limits a job's controls ask for, and a request given limits:
// the one mapping between run_limits and the fields they come from.
run_limits limits_of(const run_request& req);
run_limits limits_of(const job_controls& controls);
void set_limits(run_request& req, const run_limits& limits);

class limit_watch {
 public:
  using clock = std::chrono::steady_clock;

  // -- constructors --

  // `start` is when the run's processes started (their CPU time was 0 then).
  limit_watch(run_limits limits, clock::time_point start);

  // -- samples --

  // A sample taken at `now`: the group's cumulative CPU time and its resident memory. The CPU
  // use is the CPU time since the previous sample over the wall time since then, in % of one
  // core. Returns why the run must end, or nullopt. A limit counts as exceeded for its sustain
  // time when it was over at every sample since one at least that long ago (less half a sample
  // interval: samples are about, not exactly, a second apart).
  std::optional<std::string> on_sample(clock::time_point now, double cpu_seconds, int64_t rss_bytes);

  // `printed_bytes`: everything the run printed so far. Returns why the run must end, or nullopt.
  std::optional<std::string> on_output(int64_t printed_bytes) const;

  // Replaces the limits (a run adjusted while it runs); the samples taken so far, and how long a
  // limit that still applies has been exceeded, are kept.
  void set_limits(run_limits limits);

  // -- properties --

  const run_limits& limits() const { return limits_; }
  // The CPU use (% of one core) at the last sample; 0 before the first.
  double last_cpu_percent() const { return last_cpu_percent_; }

 private:
  // Over its limit now: since when (set at the first sample over it), or nullopt once under.
  bool sustained(std::optional<clock::time_point>& since, bool over, clock::time_point now, int sustain_s) const;

  // -- member variables --

  run_limits limits_;
  clock::time_point last_time_;
  double last_cpu_seconds_ = 0;
  double last_cpu_percent_ = 0;
  std::optional<clock::time_point> cpu_over_since_;
  std::optional<clock::time_point> memory_over_since_;
};

}  // namespace mainspring
