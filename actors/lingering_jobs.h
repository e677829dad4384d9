// lingering_jobs: the actors of jobs deleted while runs of theirs were still in flight, kept
// until those runs end so that the runs are recorded (--deleted-job-history keeps a deleted job's
// runs). Their group has forgotten them, so the server's stop reaches them through here, and the
// lists of runs in flight find them here (of()).
//
// Example:
//   if (ctx->lingering->add(handle_of(self), "G", "j1")) return;  // the actor stays for its runs
//   self->quit();
//   ...
//   ctx->lingering->remove(self->id());  // its last run ended: it quits
//   self->quit();
//   ...
//   for (auto& job : lingering.of("G")) ...  // read its runs in flight (read_runs_in_flight)
//   lingering.stop_all();  // scheduler_runtime::stop(): each gets stop_atom
//
// Thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>

namespace mainspring {

class lingering_jobs {
 public:
  // Keeps `job` (of the job `job_id` of `group`) until remove() or stop_all(); false once
  // stop_all() ran (the actor ends now).
  bool add(caf::actor job, std::string group, std::string job_id);
  // The kept actors of `group`'s jobs (of the job `job_id` only, when it is not empty).
  std::vector<caf::actor> of(std::string_view group, std::string_view job_id = {}) const;
  void remove(caf::actor_id job);
  // Sends every kept actor stop_atom and refuses later adds.
  void stop_all();
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  struct kept {
    caf::actor actor;
    std::string group;
    std::string job_id;
  };
  std::map<caf::actor_id, kept> jobs_;
  bool stopped_ = false;
};

}  // namespace mainspring
