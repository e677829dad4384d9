// control_first_policy: CAF's work-sharing scheduler with a second, urgent queue for the actors
// that answer API calls (the registry and the group actors), so that a create or a list is not
// queued behind every job actor made runnable by a firing load.
//
// CAF 0.17's `sharing` policy keeps one FIFO of runnable actors. Under a heavy firing load that
// FIFO holds up to a thousand job actors (each a fire or a finished run); an API call crossing
// the registry and a group waited behind all of them at each hop, 10-25 ms of handler time that
// left the API's p99 far above its goal at overload. Here an actor marked as control goes to the
// urgent queue when it becomes runnable and is resumed before the job actors, but at most
// k_urgent_in_a_row times in a row, so a busy group (a restore, an import) cannot starve fires.
// A job actor handed an API call (an edit, a pause) goes there once too (run_next_urgently).
// Otherwise it is CAF's work_sharing: one mutex, idle workers sleep on a condition variable; but
// the queues are deques (CAF's std::list allocated a node per enqueue) and an enqueue signals
// only when a worker sleeps, after unlocking (CAF signals under the lock, so the woken worker
// blocked at once on the mutex the enqueuer still held: a second futex round trip per wake-up).
//
// Example:
//   caf::actor_system_config config;
//   config.load<control_first_coordinator>();        // instead of scheduler.policy = sharing
//   caf::actor_system sys{config};
//   auto registry = sys.spawn(registry_behavior);
//   mark_control_actor(sys, registry);               // forgotten again when it ends
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_set>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/policy/unprofiled.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/coordinator.hpp>

namespace mainspring {

// Control actors resumed in a row at most, before one job actor gets its turn.
inline constexpr std::size_t k_urgent_in_a_row = 8;
// run_next_urgently() marks pending at most; past it they are dropped (an actor that was already
// runnable when marked keeps its mark until its next enqueue, which may never come).
inline constexpr std::size_t k_max_urgent_once = 1024;

// Re-initializes an unused std::mutex as a glibc adaptive mutex (it spins briefly before it
// sleeps). A no-op where the mutex is not a pthread mutex.
void make_adaptive(std::mutex& m);

class control_first_sharing : public caf::policy::unprofiled {
 public:
  using queue_type = std::deque<caf::resumable*>;

  // The run queues and the set of control actors, behind one mutex. Shared with the functors
  // that forget a control actor as it ends, which may run after the coordinator is gone.
  struct queues {
    queue_type urgent;  // runnable control actors
    queue_type normal;  // everything else
    std::size_t urgent_streak = 0;
    std::size_t sleeping = 0;  // workers waiting on cv
    std::unordered_set<const caf::resumable*> control;
    // Actors whose next enqueue goes to the urgent queue once (a job actor sent an API call).
    std::unordered_set<const caf::resumable*> once;
    std::mutex lock;
    std::condition_variable cv;
    // The lock is held for a few dozen nanoseconds (a push or a pop), but the clock, both workers
    // and the committer take it: a contended std::mutex sleeps in the kernel at once. An adaptive
    // one spins briefly first (glibc's PTHREAD_MUTEX_ADAPTIVE_NP), as the holder is about done.
    queues() { make_adaptive(lock); }
  };

  struct coordinator_data {
    explicit coordinator_data(caf::scheduler::abstract_coordinator*) {}
    std::shared_ptr<queues> q = std::make_shared<queues>();
  };

  struct worker_data {
    explicit worker_data(caf::scheduler::abstract_coordinator*) {}
  };

  template <class Coordinator>
  void enqueue(Coordinator* self, caf::resumable* job) {
    queues& q = *d(self).q;
    bool wake = false;
    {
      std::lock_guard<std::mutex> guard(q.lock);
      const bool urgent = q.control.count(job) || (!q.once.empty() && q.once.erase(job));
      (urgent ? q.urgent : q.normal).push_back(job);
      wake = q.sleeping > 0;
    }
    // A worker counted as sleeping but already woken only makes this signal a spare one; a
    // worker that will sleep checks the queues under the lock first, so no wake-up is lost.
    if (wake) q.cv.notify_one();
  }

  template <class Coordinator>
  void central_enqueue(Coordinator* self, caf::resumable* job) {
    enqueue(self, job);
  }

  template <class Worker>
  void external_enqueue(Worker* self, caf::resumable* job) {
    enqueue(self->parent(), job);
  }

  template <class Worker>
  void internal_enqueue(Worker* self, caf::resumable* job) {
    enqueue(self->parent(), job);
  }

  template <class Worker>
  void resume_job_later(Worker* self, caf::resumable* job) {
    enqueue(self->parent(), job);
  }

  template <class Worker>
  caf::resumable* dequeue(Worker* self) {
    queues& q = *d(self->parent()).q;
    std::unique_lock<std::mutex> guard(q.lock);
    while (q.urgent.empty() && q.normal.empty()) {
      ++q.sleeping;
      q.cv.wait(guard);
      --q.sleeping;
    }
    const bool urgent_turn = !q.urgent.empty() && (q.normal.empty() || q.urgent_streak < k_urgent_in_a_row);
    auto& queue = urgent_turn ? q.urgent : q.normal;
    q.urgent_streak = urgent_turn ? q.urgent_streak + 1 : 0;
    caf::resumable* job = queue.front();
    queue.pop_front();
    return job;
  }

  template <class Worker, class UnaryFunction>
  void foreach_resumable(Worker*, UnaryFunction) {}

  // At shutdown. The queues are taken out first and `f` runs unlocked: releasing an actor runs
  // its exit functors, which take the lock.
  template <class Coordinator, class UnaryFunction>
  void foreach_central_resumable(Coordinator* self, UnaryFunction f) {
    queues& q = *d(self).q;
    queue_type left;
    {
      std::unique_lock<std::mutex> guard(q.lock);
      left.swap(q.urgent);
      left.insert(left.end(), q.normal.begin(), q.normal.end());
      q.normal.clear();
    }
    for (caf::resumable* job : left) f(job);
  }
};

using control_first_coordinator = caf::scheduler::coordinator<control_first_sharing>;

// Puts `actor` (an event-based actor of `sys`) in the urgent queue whenever it becomes runnable,
// until it ends. A no-op when `sys` does not run a control_first_coordinator (tests may use
// CAF's own schedulers).
void mark_control_actor(caf::actor_system& sys, const caf::actor& actor);

// Puts `actor` in the urgent queue the next time it becomes runnable, once: a group calls it
// before it hands a job actor an API call (edit, pause, run now, ...). An actor that is already
// runnable keeps its place. Same no-op as above.
void run_next_urgently(caf::actor_system& sys, const caf::actor& actor);

}  // namespace mainspring
