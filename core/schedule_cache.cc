#include "core/schedule_cache.h"

#include <algorithm>

namespace mainspring {

status_or<std::shared_ptr<const zoned_schedule>> schedule_cache::get(std::string_view pattern,
                                                                    std::string_view zone_name) {
  std::string key;
  key.reserve(zone_name.size() + 1 + pattern.size());
  key.append(zone_name).append(1, '\n').append(pattern);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end())
      if (auto held = it->second.lock()) return held;
  }
  // Parse outside the lock: a cron pattern in a zone can take microseconds. Two threads parsing
  // the same new pair both succeed; the later one's object replaces the entry (both are equal).
  auto sched = parse_schedule(pattern);
  if (!sched.ok()) return sched.status();
  auto zone = time_zone::find(zone_name);
  if (!zone.ok()) return zone.status();
  auto made = std::make_shared<const zoned_schedule>(
      zoned_schedule{std::move(sched).value(), std::move(zone).value()});
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.insert_or_assign(std::move(key), made);
  if (entries_.size() >= sweep_at_) sweep();
  return made;
}

std::size_t schedule_cache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

void schedule_cache::sweep() {
  std::erase_if(entries_, [](const auto& entry) { return entry.second.expired(); });
  // The next sweep when the live entries have doubled: amortized O(1) per insert.
  sweep_at_ = std::max<std::size_t>(1024, entries_.size() * 2);
}

}  // namespace mainspring
