// The clock actor: the one timing wheel that drives every job.
//
// It runs on a thread of its own (a detached blocking actor) and sleeps until the wheel's next
// expiry or the next message, whichever comes first, and at most k_clock_pass_interval (so that
// its last pass tells it is alive): no ticking per job or per millisecond, no per-job delayed_send
// (CAF 0.17's clock is a std::multimap). Each job actor has up to two timers here, its schedule
// and a pending retry; arming one replaces the previous of the same kind in O(1).
//
// Back-pressure: at most k_max_fires_in_flight fire messages are out at once (sent, not yet
// handled by their job; k_max_fires_in_flight_overloaded under sustained overload). Due timers beyond that wait here, in order, so that the CAF workers'
// shared queue stays short: API work queued behind fires waits for at most that many, whatever
// the firing load, and a fire held back so long that it is missed is handled by its job's
// misfire policy (counted, never silently dropped). Jobs report a handled fire with
// fire_handled().
//
// Periodic schedules: a job whose schedule fires every P ms (@every) arms it with its period.
// When that timer fires, the clock arms deadline + P at once and says so in the fire message
// (`rearmed`, 0 when it did not); the job, finding that its next fire is indeed deadline + P,
// sends nothing back. That saves one message per fire (the clock's mailbox, a hash lookup and a
// wheel re-insert; in 60 s windows at 100k fires/s the gain was within that machine's noise). A job whose next fire is another (a misfire skipped ahead, an expiry, a pause, an
// edit) arms or disarms as usual, which replaces the clock's guess. A fire held back (above) is
// not re-armed: its job arms once it has handled it, so a job never has more than one timer.
//
// Messages it takes:
//   (arm_atom, caf::actor job, int64_t deadline_unix_ms, timer_kind, int64_t period_ms)
//       -> later (fire_atom, deadline, kind, rearmed, fire_ticket) to job; period_ms 0 = not periodic
//   (arm_atom, schedule_batch)                                        many schedule timers at once
//   (disarm_atom, caf::actor_id job, timer_kind)                      cancel one timer
//   (disarm_atom, caf::actor_id job)                                  forget the job entirely
//   (stop_atom)                                                       end the thread
//
// Example:
//   caf::actor clock = spawn_clock(sys, &stats);   // clock_stats stats; outlives the clock
//   self->send(clock, arm_atom::value, caf::actor_cast<caf::actor>(self), when_ms, timer_kind::schedule, int64_t{0});
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

namespace mainspring {

// Fire messages the clock lets out before it waits for jobs to handle them. A fire costs a job
// actor about ten microseconds, so 1,024 take about 5 ms on two cores: enough to ride out a
// worker's short stall without holding fires back (a smaller bound made fires at 100k/s late).
inline constexpr int64_t k_max_fires_in_flight = 1024;
// Once fires have been held back for k_sustained_overload, the server is overloaded, not
// stalled: the bound drops to this until the backlog is gone, so that API work queued behind
// fires in the workers' queue waits about a millisecond, not five (with 1,024 the API's own
// latency compounded over its hops and 2,000 req/s from 16 connections collapsed).
inline constexpr int64_t k_max_fires_in_flight_overloaded = 256;
inline constexpr std::chrono::milliseconds k_sustained_overload{100};
// The longest the clock sleeps with nothing due; any message wakes it sooner. A pass a second
// costs nothing measurable and keeps clock_stats::last_pass_ms a liveness signal.
inline constexpr std::chrono::seconds k_clock_pass_interval{1};

// What the clock exposes to metrics without a message round trip.
struct clock_stats {
  std::atomic<std::size_t> pending_timers{0};
  std::atomic<uint64_t> fires{0};
  // Fire messages sent and not yet handled by their job (bounded by k_max_fires_in_flight).
  std::atomic<int64_t> fires_in_flight{0};
  // Timers that are due but held back because k_max_fires_in_flight fires are out.
  std::atomic<std::size_t> fires_held{0};
  // Timers armed by a job's message, and next fires of periodic schedules the clock armed itself.
  std::atomic<uint64_t> arms{0};
  std::atomic<uint64_t> rearms{0};
  // Restored jobs (start-up or import) whose batch the clock has armed, counting those that
  // needed no timer: start-up readiness waits for this to reach the number of stored jobs.
  std::atomic<std::size_t> restored_jobs_armed{0};
  // When the clock last looked for due timers (unix ms): at least once a k_clock_pass_interval
  // while its thread runs, so a value much older than that says it is stuck (Cronicle's
  // `status` shows its age as tick_age). 0 before the first pass.
  std::atomic<int64_t> last_pass_ms{0};
};

// The first schedule timers of many jobs, restored or just created: one message instead of one
// per job, so that a million restored jobs do not queue a million messages at the clock, and a
// burst of creates wakes the clock's thread once, not once a job.
struct schedule_batch {
  struct timer {
    caf::actor job;
    int64_t deadline_ms = 0;  // unix ms
    int64_t period_ms = 0;    // as in (arm_atom, job, deadline, kind, period): 0 = not periodic
  };
  std::vector<timer> timers;
  std::size_t jobs = 0;  // restored jobs the batch accounts for, with or without a timer
};

// REQUIRES: *stats outlives the clock actor.
caf::actor spawn_clock(caf::actor_system& sys, clock_stats* stats);

// Rides in every fire message and counts it in clock_stats::fires_in_flight from its sending
// until the message is gone: handled, or dropped because its job ended first. Tying the count to
// the message's life means a deleted job can never leak a slot and stall the clock. A copy holds
// no slot, so the count stays exact whatever CAF does with the message.
class fire_ticket {
 public:
  fire_ticket() = default;
  explicit fire_ticket(clock_stats* stats) : stats_(stats) {
    stats_->fires_in_flight.fetch_add(1, std::memory_order_relaxed);
  }
  fire_ticket(const fire_ticket&) {}
  fire_ticket(fire_ticket&& other) noexcept : stats_(std::exchange(other.stats_, nullptr)) {}
  fire_ticket& operator=(const fire_ticket&) { return *this; }
  ~fire_ticket() {
    if (stats_) stats_->fires_in_flight.fetch_sub(1, std::memory_order_relaxed);
  }

 private:
  clock_stats* stats_ = nullptr;
};

}  // namespace mainspring

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::schedule_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::fire_ticket)
