// The clock actor: the one timing wheel that drives every job.
//
// It runs on a thread of its own (a detached blocking actor) and sleeps until the wheel's next
// expiry or the next message, whichever comes first: no idle ticking, no per-job delayed_send
// (CAF 0.17's clock is a std::multimap). Each job actor has up to two timers here, its schedule
// and a pending retry; arming one replaces the previous of the same kind in O(1).
//
// Messages it takes:
//   (arm_atom, caf::actor job, int64_t deadline_unix_ms, timer_kind)  -> later (fire_atom, deadline, kind) to job
//   (arm_atom, schedule_batch)                                        many schedule timers at once (restore)
//   (disarm_atom, caf::actor_id job, timer_kind)                      cancel one timer
//   (disarm_atom, caf::actor_id job)                                  forget the job entirely
//   (stop_atom)                                                       end the thread
//
// Example:
//   caf::actor clock = spawn_clock(sys);
//   self->send(clock, arm_atom::value, caf::actor_cast<caf::actor>(self), when_ms, timer_kind::schedule);
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

namespace mainspring {

// What the clock exposes to metrics without a message round trip.
struct clock_stats {
  std::atomic<std::size_t> pending_timers{0};
  std::atomic<uint64_t> fires{0};
  // Restored jobs (start-up or import) whose batch the clock has armed, counting those that
  // needed no timer: start-up readiness waits for this to reach the number of stored jobs.
  std::atomic<std::size_t> restored_jobs_armed{0};
};

// The first schedule timers of many restored jobs: one message instead of one per job, so that
// a million restored jobs do not queue a million messages at the clock.
struct schedule_batch {
  std::vector<std::pair<caf::actor, int64_t>> timers;  // job, deadline (unix ms)
  std::size_t jobs = 0;  // restored jobs the batch accounts for, with or without a timer
};

// REQUIRES: *stats outlives the clock actor.
caf::actor spawn_clock(caf::actor_system& sys, clock_stats* stats);

}  // namespace mainspring

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::schedule_batch)
