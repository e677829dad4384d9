#include "core/fire_plan.h"

#include <algorithm>

namespace mainspring {

int64_t first_fire_ms(int64_t exec_time_s, int64_t now_ms) {
  int64_t at = exec_time_s * 1000;
  return at > now_ms ? at : now_ms;
}

std::optional<int64_t> first_fire(const schedule& sched, const time_zone& zone, int64_t exec_time_s,
                                  int64_t now_ms) {
  switch (sched.get_kind()) {
    case schedule::kind::manually:
      return std::nullopt;
    default:
      break;
  }
  if (exec_time_s == k_first_fire_by_schedule) {
    auto next = sched.next_after(from_unix_ms(now_ms), zone);
    if (!next) return std::nullopt;
    return to_unix_ms(*next);
  }
  switch (sched.get_kind()) {
    case schedule::kind::at:
      if (exec_time_s == 0) {
        auto at = sched.next_after(from_unix_ms(now_ms - 1), time_zone::utc());
        if (!at) return std::nullopt;
        return to_unix_ms(*at);
      }
      break;
    default:
      break;
  }
  return first_fire_ms(exec_time_s, now_ms);
}

std::optional<int64_t> first_fire_not_before(const schedule& sched, const time_zone& zone, int64_t not_before_ms) {
  switch (sched.get_kind()) {
    case schedule::kind::manually:
      return std::nullopt;
    case schedule::kind::every:
      return not_before_ms;
    default:
      break;
  }
  auto next = sched.next_after(from_unix_ms(not_before_ms - 1), zone);
  if (!next) return std::nullopt;
  return to_unix_ms(*next);
}

fire_plan plan_after(const schedule& sched, const time_zone& zone, int64_t last_plan_ms,
                     int64_t now_ms, misfire_policy policy) {
  fire_plan plan;
  auto next = sched.next_after(from_unix_ms(last_plan_ms), zone);
  const int64_t horizon = now_ms - k_misfire_threshold_ms;
  int64_t latest_missed = 0;
  while (next && to_unix_ms(*next) < horizon) {
    int64_t at = to_unix_ms(*next);
    ++plan.missed;
    latest_missed = at;
    if (policy == misfire_policy::all && plan.catch_up_ms.size() < k_max_catch_up_runs)
      plan.catch_up_ms.push_back(at);
    if (plan.missed >= k_max_catch_up_runs) {
      // Past the cap, stop walking fire by fire: jump to the present.
      next = sched.next_after(from_unix_ms(horizon - 1), zone);
      break;
    }
    next = sched.next_after(*next, zone);
  }
  if (policy == misfire_policy::once && plan.missed > 0) plan.catch_up_ms.push_back(latest_missed);
  if (next) plan.next_ms = to_unix_ms(*next);
  return plan;
}

bool is_one_shot(const schedule& sched) {
  auto k = sched.get_kind();
  return k == schedule::kind::once || k == schedule::kind::at;
}

int64_t misfire_allowance_ms(const schedule& sched, const time_zone& zone, int64_t plan_ms) {
  auto next = sched.next_after(from_unix_ms(plan_ms), zone);
  if (!next) return k_max_misfire_allowance_ms;  // no later fire to collide with
  return std::clamp(to_unix_ms(*next) - plan_ms, k_misfire_threshold_ms, k_max_misfire_allowance_ms);
}

fire_decision plan_fire(const schedule& sched, const time_zone& zone, int64_t plan_ms, int64_t now_ms,
                        misfire_policy policy) {
  fire_decision d;
  // On time (the fire path's usual case) is decided without asking the schedule.
  const int64_t late_ms = now_ms - plan_ms;
  const bool missed = late_ms > k_misfire_threshold_ms && late_ms > misfire_allowance_ms(sched, zone, plan_ms);
  if (!missed || is_one_shot(sched)) {
    d.after = plan_after(sched, zone, plan_ms, now_ms, policy);
    return d;
  }
  // The server is behind. Planning as usual would make the next fire due already (late, within
  // the threshold) and put it straight back at the end of the backlog, where it would be missed
  // again: a job would never run. So every fire before now counts as missed, and the next one
  // lies ahead.
  d.after = plan_after(sched, zone, plan_ms, now_ms + k_misfire_threshold_ms, policy);
  if (policy == misfire_policy::all) return d;
  if (policy == misfire_policy::once && d.after.catch_up_ms.empty()) return d;  // the one that runs
  d.run_planned = false;
  ++d.after.missed;
  return d;
}

namespace {

// The last fire of the schedule planned at or before `t`, counting from `anchor_ms`.
int64_t last_plan_at_or_before(const schedule& sched, int64_t anchor_ms, int64_t t) {
  if (sched.get_kind() != schedule::kind::every || t < anchor_ms) return t;
  int64_t step = std::max<int64_t>(1, sched.interval().count());
  return anchor_ms + (t - anchor_ms) / step * step;
}

}  // namespace

fire_plan plan_on_restart(const schedule& sched, const time_zone& zone, const job_spec& spec,
                          int64_t last_alive_ms, int64_t now_ms) {
  const int64_t horizon = now_ms - k_misfire_threshold_ms;
  const int64_t anchor = spec.anchor_ms ? spec.anchor_ms : first_fire_ms(spec.exec_time_s, spec.created_ms);
  if (last_alive_ms == 0) last_alive_ms = now_ms;

  fire_plan plan;
  if (anchor > last_alive_ms || is_one_shot(sched)) {
    // The first (for one-shots: the only) fire had not happened when the server went down.
    if (anchor >= horizon) {
      plan.next_ms = anchor;
      return plan;
    }
    if (is_one_shot(sched)) {
      plan.missed = 1;
      plan.catch_up_ms.push_back(anchor);
      return plan;  // no next fire: the job is done after its catch-up run
    }
    // A recurring job whose first fire was missed: count it, then plan from it.
    plan = plan_after(sched, zone, anchor, now_ms, spec.misfire);
    ++plan.missed;
    if (spec.misfire == misfire_policy::all) plan.catch_up_ms.insert(plan.catch_up_ms.begin(), anchor);
    if (spec.misfire == misfire_policy::once && plan.catch_up_ms.empty()) plan.catch_up_ms.push_back(anchor);
    return plan;
  }
  return plan_after(sched, zone, last_plan_at_or_before(sched, anchor, last_alive_ms), now_ms,
                    spec.misfire);
}

std::optional<int64_t> before_expiry(std::optional<int64_t> next_ms, int64_t expires_at_ms) {
  if (next_ms && expires_at_ms != 0 && *next_ms > expires_at_ms) return std::nullopt;
  return next_ms;
}

fire_plan before_expiry(fire_plan plan, int64_t expires_at_ms) {
  if (expires_at_ms == 0) return plan;
  auto& runs = plan.catch_up_ms;
  auto late = std::remove_if(runs.begin(), runs.end(), [&](int64_t at) { return at > expires_at_ms; });
  plan.missed -= static_cast<int64_t>(runs.end() - late);
  runs.erase(late, runs.end());
  plan.next_ms = before_expiry(plan.next_ms, expires_at_ms);
  return plan;
}

}  // namespace mainspring
