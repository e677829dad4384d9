// job_controls: what a job asks of its runs beyond when and what: how many at once, whether a run
// that cannot start waits, which job follows a success or a failure, where each run is reported,
// and the resource limits of a shell run.
//
// Cronicle's events carry all of these (max_children, queue, chain, web_hook, cpu_limit, ...);
// the other dialects and the native API leave them at their defaults, which change nothing. Most
// jobs have default controls, so a job actor keeps them only when some field is set
// (compact_job_spec).
//
// Example:
//   job_controls c;
//   c.max_running = 2;                     // two runs at once, a third fire...
//   c.queue = true; c.queue_max = 10;      // ...waits, up to ten of them
//   c.on_failure = "page-oncall";          // a job of the same group that runs after a failure
//   c.memory_limit_bytes = 512 << 20;      // a shell run over 512 MiB is aborted
//   c.pool = "nightly";                    // shares its group's pool "nightly" (core/run_pool.h)
//   if (auto st = validate_controls(c); !st.ok()) return st;   // "max_running: ..."
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"

namespace mainspring {

// -- limits --
inline constexpr int k_max_running_limit = 10'000;     // max_running
inline constexpr int k_max_queued_runs = 1'000;        // queue_max, and the cap when it is 0
inline constexpr std::size_t k_max_hook_url_bytes = 2048;
inline constexpr std::size_t k_max_hook_format_bytes = 32;
inline constexpr int k_max_limit_sustain_s = 24 * 3600;
inline constexpr int k_max_cpu_limit_percent = 100 * 1024;  // % of one core, for any core count

struct job_controls {
  // -- runs at once --
  // Where the runs run: a REMOTE@a,b job (one run per node per fire) has max_running on each
  // node, and its runs over it wait for room on their own node; a REMOTE@* job (one run per fire)
  // and a job running here have it job-wide (actors/job_queue.h).
  int max_running = 0;       // 0 = no limit besides the job's concurrency policy (forbid = 1)
  bool queue = false;        // a fire or run-now over the limit waits instead of being skipped
  int queue_max = 0;         // waiting runs at most; 0 = k_max_queued_runs
  // -- what follows a run (job ids in the same group; "" = none) --
  std::string on_success;
  std::string on_failure;
  // -- reports: a POST at each run's start and end --
  std::string hook_url;      // "" = none
  std::string hook_format;   // "" = Mainspring's run report; else the dialect that shapes the body
  // -- shell runs (other executors ignore these) --
  int cpu_limit_percent = 0;      // of one core; 0 = none
  int cpu_sustain_s = 0;          // for this long before the run is aborted; 0 = at once
  int64_t memory_limit_bytes = 0; // resident memory of the run's processes; 0 = none
  int memory_sustain_s = 0;
  int64_t log_max_bytes = 0;      // output a run may print; 0 = none
  // -- retries --
  // false: a run cut by its time limit or its shell limits is not retried, whatever the job's
  // retries (Cronicle's rule); true: it is (the others'). A run a client aborted never is.
  bool retry_aborted = true;
  // -- the run pool it belongs to (core/run_pool.h; its group's) --
  // "" = none: its runs count against no shared limit and take no pool's defaults. A pool its
  // group does not have (a dump imported without its pools) limits nothing either.
  std::string pool;

  bool operator==(const job_controls&) const = default;
  // True when every field is at its default (the job asks nothing special of its runs).
  bool is_default() const { return *this == job_controls{}; }
  // The queue's capacity: queue_max, or k_max_queued_runs when that is 0.
  int queue_capacity() const { return queue_max > 0 ? queue_max : k_max_queued_runs; }
};

// A change to the fields of job_controls that concern one run (not max_running or the queue,
// which are the job's): each field that is set replaces the job's for that run and its retries.
// Cronicle's run_event with fields of its own, and its update_job on a run in flight, are made
// of these.
//
// Example:
//   run_controls_patch p;
//   p.on_success = "report";           // this run, if it succeeds, is followed by job "report"
//   job_controls c = patched(job.controls, p);
struct run_controls_patch {
  std::optional<std::string> on_success;
  std::optional<std::string> on_failure;
  std::optional<std::string> hook_url;     // set with hook_format: the two go together
  std::optional<std::string> hook_format;
  std::optional<int> cpu_limit_percent;
  std::optional<int> cpu_sustain_s;
  std::optional<int64_t> memory_limit_bytes;
  std::optional<int> memory_sustain_s;
  std::optional<int64_t> log_max_bytes;

  bool operator==(const run_controls_patch&) const = default;
  bool empty() const { return *this == run_controls_patch{}; }
  // Takes every field `later` sets (a second change to the same run).
  void merge(const run_controls_patch& later);
};

// `base` with the fields `patch` sets replaced.
job_controls patched(job_controls base, const run_controls_patch& patch);

// Checks the fields' ranges and that on_success / on_failure are job ids (a job may name itself:
// Cronicle lets an event chain to itself, a loop its user asked for). Messages start with the
// field's name here ("max_running: ..."); dialects rename them.
status validate_controls(const job_controls& c);
// The same checks for the fields `patch` sets.
status validate_controls_patch(const run_controls_patch& patch);

}  // namespace mainspring
