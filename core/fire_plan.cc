#include "core/fire_plan.h"

namespace mainspring {

int64_t first_fire_ms(int64_t exec_time_s, int64_t now_ms) {
  int64_t at = exec_time_s * 1000;
  return at > now_ms ? at : now_ms;
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

}  // namespace mainspring
