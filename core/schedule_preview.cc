#include "core/schedule_preview.h"

#include "core/fire_plan.h"
#include "core/schedule.h"
#include "core/time_zone.h"

namespace mainspring {

status_or<std::vector<int64_t>> preview_fires(const schedule_preview_query& query, sys_ms now) {
  if (query.count < 1 || query.count > k_max_preview_fires)
    return status::invalid_argument("count: must be between 1 and " + std::to_string(k_max_preview_fires));
  auto sched = parse_schedule(query.pattern);
  if (!sched.ok()) return sched.status();
  auto zone = time_zone::find(query.zone);
  if (!zone.ok()) return zone.status();  // "timezone: unknown time zone: ..."
  std::vector<int64_t> fires;
  std::optional<int64_t> next = first_fire(*sched, *zone, query.exec_time_s, to_unix_ms(now));
  while (next && fires.size() < query.count) {
    fires.push_back(*next);
    auto after = sched->next_after(from_unix_ms(*next), *zone);
    next = after ? std::optional<int64_t>(to_unix_ms(*after)) : std::nullopt;
  }
  return fires;
}

}  // namespace mainspring
