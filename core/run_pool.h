// run_pool: a named set of a group's jobs that share a limit of runs at once and a switch, and
// whose runs take the pool's defaults for the controls their job leaves unset. A job joins a pool
// by naming it (job_controls::pool); the pool's definition belongs to the group
// (actors/run_pools.h keeps the definitions and counts the runs in flight). Cronicle's categories
// are pools of its group (http/cronicle/category_calls.cc).
//
// This unit is the pure part: the definition, its checks, whether one more run may start, and
// the controls a run of a member job runs with.
//
// Example:
//   run_pool_spec p{.name = "nightly", .max_running = 2};
//   if (auto st = validate_run_pool(p); !st.ok()) return st;        // "max_running: ..."
//   switch (pool_admission_for(p, /*running=*/2)) {
//     case pool_admission::start: ...;   // a slot is free
//     case pool_admission::full: ...;    // wait (a job with a queue) or skip (reason pool_full)
//     case pool_admission::disabled: ...;  // skip (reason pool_disabled)
//   }
//   job_controls c = with_pool_defaults(job.controls, p);  // a hook or limits the job has not
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/job_controls.h"
#include "core/status.h"

namespace mainspring {

// -- limits --
inline constexpr std::size_t k_max_run_pool_name_bytes = 64;  // [A-Za-z0-9_]
inline constexpr std::size_t k_max_run_pools_per_group = 1'000;
inline constexpr std::size_t k_max_run_pool_dialect_bytes = 64 * 1024;

struct run_pool_spec {
  std::string name;        // [A-Za-z0-9_]{1,k_max_run_pool_name_bytes}; unique in its group
  bool enabled = true;     // false: no run of a member job starts (scheduled, asked for, waiting)
  int max_running = 0;     // runs in flight of all member jobs together; 0 = no limit
  // -- defaults: a member job's run takes each one its job's controls leave unset (0 / "") --
  std::string hook_url;    // with hook_format, as job_controls
  std::string hook_format;
  int cpu_limit_percent = 0;  // with cpu_sustain_s
  int cpu_sustain_s = 0;
  int64_t memory_limit_bytes = 0;  // with memory_sustain_s
  int memory_sustain_s = 0;
  // -- kept, not read by the scheduler --
  std::string dialect_data;  // the dialect's own fields (Cronicle: title, description, color, ...)
  int64_t created_ms = 0;    // unix ms
  int64_t updated_ms = 0;

  bool operator==(const run_pool_spec&) const = default;
};

// Whether one more run of a member job may start now, in Cronicle's order of checks (its
// launchJob): the limit first, then the switch.
enum class pool_admission { start, full, disabled };
pool_admission pool_admission_for(const run_pool_spec& pool, std::size_t running);

// True for a name a pool may have: [A-Za-z0-9_], 1 to k_max_run_pool_name_bytes bytes.
bool is_valid_run_pool_name(std::string_view name);

// Checks the name, the limit and the defaults (as validate_controls checks a job's). Messages
// start with the field's name ("max_running: ..."); dialects rename them.
status validate_run_pool(const run_pool_spec& pool);

// `c` with each default of `pool` that `c` leaves unset: the hook (url and format together), the
// CPU limit (with its sustain) and the memory limit (with its sustain), as Cronicle's launchJob
// fills a job from its category.
job_controls with_pool_defaults(job_controls c, const run_pool_spec& pool);
// True when `pool` has a default with_pool_defaults could give (a run of a member job then
// copies its controls; without one it reads its job's in place).
bool has_pool_defaults(const run_pool_spec& pool);

}  // namespace mainspring
