// lingering_jobs: the actors of jobs deleted while runs of theirs were still in flight, kept
// until those runs end so that the runs are recorded (--deleted-job-history keeps a deleted job's
// runs). Their group has forgotten them, so the server's stop reaches them through here.
//
// Example:
//   if (ctx->lingering->add(handle_of(self))) return;  // the job's actor stays for its runs
//   self->quit();
//   ...
//   ctx->lingering->remove(self->id());  // its last run ended: it quits
//   self->quit();
//   ...
//   lingering.stop_all();  // scheduler_runtime::stop(): each gets stop_atom
//
// Thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>

#include <caf/actor.hpp>

namespace mainspring {

class lingering_jobs {
 public:
  // Keeps `job` until remove() or stop_all(); false once stop_all() ran (the actor ends now).
  bool add(caf::actor job);
  void remove(caf::actor_id job);
  // Sends every kept actor stop_atom and refuses later adds.
  void stop_all();
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<caf::actor_id, caf::actor> jobs_;
  bool stopped_ = false;
};

}  // namespace mainspring
