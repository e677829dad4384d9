#include "actors/lingering_jobs.h"

#include <caf/send.hpp>

#include "actors/messages.h"

namespace mainspring {

bool lingering_jobs::add(caf::actor job, std::string group, std::string job_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopped_) return false;
  const caf::actor_id id = job.id();
  jobs_.insert_or_assign(id, kept{std::move(job), std::move(group), std::move(job_id)});
  return true;
}

std::vector<caf::actor> lingering_jobs::of(std::string_view group, std::string_view job_id) const {
  std::vector<caf::actor> out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [id, job] : jobs_)
    if (job.group == group && (job_id.empty() || job.job_id == job_id)) out.push_back(job.actor);
  return out;
}

void lingering_jobs::remove(caf::actor_id job) {
  std::lock_guard<std::mutex> lock(mutex_);
  jobs_.erase(job);
}

void lingering_jobs::stop_all() {
  std::map<caf::actor_id, kept> jobs;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
    jobs.swap(jobs_);
  }
  for (auto& [id, job] : jobs) caf::anon_send(job.actor, stop_atom::value);
}

std::size_t lingering_jobs::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return jobs_.size();
}

}  // namespace mainspring
