#include "actors/control_first_policy.h"

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>

#include <pthread.h>

#include <type_traits>

namespace mainspring {

void make_adaptive(std::mutex& m) {
#if defined(__GLIBC__) && defined(PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP)
  static_assert(std::is_same_v<std::mutex::native_handle_type, pthread_mutex_t*>);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
  pthread_mutex_destroy(m.native_handle());  // unused, unlocked: destroying it is defined
  pthread_mutex_init(m.native_handle(), &attr);
  pthread_mutexattr_destroy(&attr);
#else
  (void)m;
#endif
}

void mark_control_actor(caf::actor_system& sys, const caf::actor& actor) {
  auto* coordinator = dynamic_cast<control_first_coordinator*>(&sys.scheduler());
  auto* base = caf::actor_cast<caf::abstract_actor*>(actor);
  auto* job = dynamic_cast<caf::resumable*>(base);
  if (!coordinator || !job) return;
  std::shared_ptr<control_first_sharing::queues> q = coordinator->data().q;
  {
    std::lock_guard<std::mutex> guard(q->lock);
    q->control.insert(job);
  }
  // Runs as the actor ends: its address may later belong to a job actor.
  base->attach_functor([q, job] {
    std::lock_guard<std::mutex> guard(q->lock);
    q->control.erase(job);
  });
}

void run_next_urgently(caf::actor_system& sys, const caf::actor& actor) {
  auto* coordinator = dynamic_cast<control_first_coordinator*>(&sys.scheduler());
  auto* job = dynamic_cast<caf::resumable*>(caf::actor_cast<caf::abstract_actor*>(actor));
  if (!coordinator || !job) return;
  auto& q = *coordinator->data().q;
  std::lock_guard<std::mutex> guard(q.lock);
  if (q.once.size() >= k_max_urgent_once) q.once.clear();
  q.once.insert(job);
}

}  // namespace mainspring
