// fire_plan: when a job fires next, and what happens to fires that were missed.
//
// Pure functions shared by the job actor (after each fire, and when a job is added, edited or
// resumed) and by restart (runs missed while the server was down). A job's first run is at its
// exec_time (or at once), whatever the pattern; later runs follow the schedule from the previous
// planned time, so a late run does not shift the cadence.
//
// Example:
//   auto first = first_fire_ms(job.exec_time_s, now);              // exec_time or now
//   auto plan = plan_after(sched, zone, last_plan_ms, now, misfire_policy::skip);
//   if (plan.next_ms) arm(*plan.next_ms);   // plan.missed counts skipped fires
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/job.h"
#include "core/schedule.h"
#include "core/time_zone.h"

namespace mainspring {

// At most this many missed fires are counted or caught up per job and planning step (misfire
// `all` runs at most this many catch-up runs).
inline constexpr int k_max_catch_up_runs = 1000;
// A fire later than this behind "now" counts as missed, not merely late: the least allowance.
inline constexpr int64_t k_misfire_threshold_ms = 1000;
// The most a scheduled fire may be late and still run (Quartz's default misfire threshold).
inline constexpr int64_t k_max_misfire_allowance_ms = 60'000;

// The first run of a job: exec_time_s if it lies ahead, else now.
int64_t first_fire_ms(int64_t exec_time_s, int64_t now_ms);

// The first run of a job with schedule `sched` in `zone`: as first_fire_ms(), except that
// `@manually` never fires by itself (nullopt), `@at T` without an exec_time fires at T (nullopt
// when T has passed), and exec_time_s == k_first_fire_by_schedule (core/job.h) means the
// schedule's first fire after now.
std::optional<int64_t> first_fire(const schedule& sched, const time_zone& zone, int64_t exec_time_s,
                                  int64_t now_ms);

// True for the schedules that fire once (`@once`, `@at`): a job of one whose first_fire() is
// nullopt will never run, and is done from the start (as after its one run).
bool is_one_shot(const schedule& sched);

// The first fire of `sched` at or after `not_before_ms` (Dkron's starts_at): that instant itself
// for an interval (`@every`, whose cadence starts there), else the schedule's first fire from
// then on; nullopt when it never fires again (or is `@manually`).
std::optional<int64_t> first_fire_not_before(const schedule& sched, const time_zone& zone, int64_t not_before_ms);

struct fire_plan {
  std::optional<int64_t> next_ms;   // the next regular fire; none = the schedule is over
  int64_t missed = 0;               // fires that fell before now - k_misfire_threshold_ms
  std::vector<int64_t> catch_up_ms; // planned times to run now (misfire once: 1, all: up to cap)
};

// Plans the fires after the one planned at `last_plan_ms`, seen at `now_ms`. Fires due more than
// k_misfire_threshold_ms ago are missed and handled by `policy`: skip drops them, once runs the
// latest of them, all runs each of them (at most k_max_catch_up_runs). next_ms is then the first
// fire at or after now - k_misfire_threshold_ms.
fire_plan plan_after(const schedule& sched, const time_zone& zone, int64_t last_plan_ms,
                     int64_t now_ms, misfire_policy policy);

// How late the fire planned at `plan_ms` may be taken and still run: until the schedule's next
// fire is due (a later run would collide with it), but at least k_misfire_threshold_ms and at
// most k_max_misfire_allowance_ms. An `@every 1s` fire may be 1 s late; an hourly one 60 s,
// so a herd of a million hourly jobs due in one second all run while the server drains them.
int64_t misfire_allowance_ms(const schedule& sched, const time_zone& zone, int64_t plan_ms);

// What a scheduled fire planned at `plan_ms` does when its job takes it at `now_ms`.
struct fire_decision {
  bool run_planned = true;  // run the fire planned at plan_ms now
  fire_plan after;          // the fires after it: missed ones handled by the policy, the next one
};

// Decides a scheduled fire and plans what follows (plan_after()). A fire taken more than
// misfire_allowance_ms() after its plan (the server was too busy to send it in time) is itself
// missed, and `policy` handles it with every later fire before now: skip drops it (counted in
// after.missed), once runs only the latest missed fire (this one, when no later one was
// missed), all runs it and each later one; the next fire is then at or after now, never already
// due. A one-shot schedule's only fire always runs.
fire_decision plan_fire(const schedule& sched, const time_zone& zone, int64_t plan_ms, int64_t now_ms,
                        misfire_policy policy);

// Plans a job the server finds in its state at start-up. `last_alive_ms` is the last time the
// previous process was known to be running (0 = unknown: then nothing counts as missed).
// REQUIRES: the job is neither paused nor done.
//   - First run still ahead (anchor_ms after last_alive_ms): next_ms is the anchor, or, if the
//     anchor passed while the server was down, the anchor counts as a missed fire.
//   - Recurring schedules: fires in (last_alive, now - k_misfire_threshold_ms) are missed and
//     handled by spec.misfire, exactly as plan_after() does; `@every` keeps its cadence from the
//     anchor.
//   - One-shot schedules (@once, @at) whose fire was missed run once on recovery whatever the
//     policy (as Quartz's "smart" policy does): skipping would lose the job's only run.
// REQUIRES: sched is not `@manually` (it has nothing to plan).
fire_plan plan_on_restart(const schedule& sched, const time_zone& zone, const job_spec& spec,
                          int64_t last_alive_ms, int64_t now_ms);

// -- a job's lifetime (job_spec::expires_at_ms) --

// `next_ms`, or none when it falls after `expires_at_ms` (0 = never expires).
std::optional<int64_t> before_expiry(std::optional<int64_t> next_ms, int64_t expires_at_ms);
// `plan` without what falls after `expires_at_ms`: catch-up runs planned later are dropped (and
// not counted as missed: the job was over), and so is a later next fire.
fire_plan before_expiry(fire_plan plan, int64_t expires_at_ms);

}  // namespace mainspring
