// schedule_cache: one parsed schedule per (pattern, time zone), shared by every job that uses it.
//
// A million jobs typically use a handful of patterns ("@every 1h", "0 0 * * * *"), yet each job
// used to hold its own parsed schedule and resolved zone (about 200 bytes). The cache hands out
// shared, immutable zoned_schedules instead: a job holds one pointer. Entries are weak: a pattern
// no job uses any more (a deleted `@at` one-shot, say) is dropped by a later sweep, so unique
// patterns do not accumulate. Thread-safe: group and job actors on any thread call get().
//
// Example:
//   schedule_cache cache;
//   status_or<std::shared_ptr<const zoned_schedule>> s = cache.get("@every 1h", "Europe/Berlin");
//   if (!s.ok()) return s.status();   // "interval_pattern: ..." or "timezone: unknown time zone: ..."
//   auto next = (*s)->sched.next_after(now_ms(), (*s)->zone);
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/schedule.h"
#include "core/status.h"
#include "core/time_zone.h"

namespace mainspring {

// A parsed schedule and the zone its cron fields are read in.
struct zoned_schedule {
  schedule sched;
  time_zone zone;
};

class schedule_cache {
 public:
  // -- queries --

  // The schedule `pattern` (parse_schedule() text) in the zone `zone_name` (time_zone::find()
  // names: "" and "UTC" are UTC). Parses only on the first request for the pair while another
  // holder keeps it alive; equal pairs then share one object. Errors are parse_schedule()'s and
  // time_zone::find()'s, unchanged.
  status_or<std::shared_ptr<const zoned_schedule>> get(std::string_view pattern, std::string_view zone_name);

  // -- properties --

  // Entries held, including dead ones not swept yet (for tests and metrics).
  std::size_t size() const;

 private:
  // Drops entries nobody holds. REQUIRES: mutex_ held.
  void sweep();

  // -- member variables --
  mutable std::mutex mutex_;
  // Keyed by zone name, '\n', pattern: unambiguous, as no zone name holds a '\n'.
  std::unordered_map<std::string, std::weak_ptr<const zoned_schedule>> entries_;
  std::size_t sweep_at_ = 1024;  // sweep when the map reaches this size
};

}  // namespace mainspring
