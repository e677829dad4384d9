#include "actors/lingering_jobs.h"

#include <caf/send.hpp>

#include "actors/messages.h"

namespace mainspring {

bool lingering_jobs::add(caf::actor job) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopped_) return false;
  const caf::actor_id id = job.id();
  jobs_.insert_or_assign(id, std::move(job));
  return true;
}

void lingering_jobs::remove(caf::actor_id job) {
  std::lock_guard<std::mutex> lock(mutex_);
  jobs_.erase(job);
}

void lingering_jobs::stop_all() {
  std::map<caf::actor_id, caf::actor> jobs;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
    jobs.swap(jobs_);
  }
  for (auto& [id, job] : jobs) caf::anon_send(job, stop_atom::value);
}

std::size_t lingering_jobs::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return jobs_.size();
}

}  // namespace mainspring
