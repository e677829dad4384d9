#include "actors/clock_actor.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <unordered_map>

#include "actors/messages.h"
#include "actors/worker_priority.h"
#include "core/time_types.h"
#include "core/timer_wheel.h"

namespace mainspring {

namespace {

// While fires are held back, how often the clock looks whether jobs have handled enough of
// those out to send more. Jobs do not wake it: that would cost every fire a message.
constexpr auto k_held_poll = std::chrono::microseconds(200);

// A due timer waiting for a free slot.
struct held_fire {
  uint64_t payload;
  int64_t deadline_ms;
};

struct job_timers {
  caf::actor job;
  timer_handle timers[2];
  // The schedule's period when the job armed it with one (an @every job): see clock_actor.h.
  int64_t period_ms = 0;
};

uint64_t payload_of(caf::actor_id id, timer_kind kind) {
  return (static_cast<uint64_t>(id) << 1) | static_cast<uint64_t>(kind);
}

// How long to wait until `deadline_ms`, measured in microseconds so that the thread wakes at
// the start of the due millisecond rather than up to a millisecond later; at most
// k_clock_pass_interval.
std::chrono::microseconds wait_until(std::optional<int64_t> deadline_ms) {
  constexpr auto longest = std::chrono::duration_cast<std::chrono::microseconds>(k_clock_pass_interval);
  if (!deadline_ms) return longest;
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto wait = std::chrono::milliseconds(*deadline_ms) - std::chrono::duration_cast<std::chrono::microseconds>(now);
  return std::clamp<std::chrono::microseconds>(wait, std::chrono::microseconds(0), longest);
}

void clock_loop(caf::blocking_actor* self, clock_stats* stats) {
  timer_wheel wheel(to_unix_ms(now_ms()));
  std::unordered_map<caf::actor_id, job_timers> jobs;
  bool running = true;

  auto arm = [&](caf::actor job, int64_t deadline_ms, timer_kind kind, int64_t period_ms) {
    auto id = job.id();
    auto& entry = jobs[id];
    if (!entry.job) entry.job = std::move(job);
    if (kind == timer_kind::schedule) entry.period_ms = period_ms;
    auto& handle = entry.timers[static_cast<int>(kind)];
    wheel.cancel(handle);
    handle = wheel.insert(deadline_ms, payload_of(id, kind));
  };

  // Due timers that found no free slot, oldest first. Each was a timer in the wheel, so this
  // holds at most as many entries as there are timers: bounded by the jobs, not by time.
  std::deque<held_fire> held;

  // Sends the fire of one due timer to its job, with the deadline the clock armed next for it
  // (0: none, the job arms its next fire itself).
  auto send_fire_to = [&](const job_timers& entry, uint64_t payload, int64_t deadline_ms, int64_t rearmed_ms) {
    self->send(entry.job, fire_atom::value, deadline_ms, static_cast<timer_kind>(payload & 1), rearmed_ms,
               fire_ticket{stats});
    stats->fires.fetch_add(1, std::memory_order_relaxed);
  };
  // The same for a fire held back (its job may have been forgotten since it became due).
  auto send_fire = [&](uint64_t payload, int64_t deadline_ms) {
    auto it = jobs.find(static_cast<caf::actor_id>(payload >> 1));
    if (it != jobs.end()) send_fire_to(it->second, payload, deadline_ms, 0);
  };
  // Whether fires were held back after the last round, and since when (meaningful only then).
  // Not a std::optional: GCC 12 at -O3 warns it may be read uninitialized, which it cannot.
  bool was_holding = false;
  std::chrono::steady_clock::time_point holding_since{};
  bool overloaded = false;  // fires held back for k_sustained_overload: see clock_actor.h
  auto slot_free = [&] {
    return stats->fires_in_flight.load(std::memory_order_relaxed) <
           (overloaded ? k_max_fires_in_flight_overloaded : k_max_fires_in_flight);
  };

  auto send_held = [&] {
    while (!held.empty() && slot_free()) {
      send_fire(held.front().payload, held.front().deadline_ms);
      held.pop_front();
    }
  };

  auto fire_due = [&] {
    send_held();
    const int64_t now = to_unix_ms(now_ms());
    stats->last_pass_ms.store(now, std::memory_order_relaxed);
    wheel.advance_to(now, [&](uint64_t payload, int64_t deadline_ms) {
      auto it = jobs.find(static_cast<caf::actor_id>(payload >> 1));
      if (it == jobs.end()) return;
      job_timers& entry = it->second;
      timer_handle& handle = entry.timers[payload & 1];
      handle = timer_handle{};
      if (!held.empty() || !slot_free()) return held.push_back({payload, deadline_ms});
      // A periodic schedule's next fire is armed here, so that its job need not send an arm
      // message for every fire. A held fire is not: its job arms after handling it, which keeps
      // one timer per job however long fires are held.
      int64_t rearmed_ms = 0;
      if ((payload & 1) == static_cast<uint64_t>(timer_kind::schedule) && entry.period_ms > 0) {
        rearmed_ms = deadline_ms + entry.period_ms;
        handle = wheel.insert(rearmed_ms, payload);
        stats->rearms.fetch_add(1, std::memory_order_relaxed);
      }
      send_fire_to(entry, payload, deadline_ms, rearmed_ms);
    });
    send_held();
    const bool holding = !held.empty();
    if (holding && !was_holding) holding_since = std::chrono::steady_clock::now();
    was_holding = holding;
    const bool now_overloaded =
        holding && std::chrono::steady_clock::now() - holding_since >= k_sustained_overload;
    if (now_overloaded != overloaded) {
      overloaded = now_overloaded;
      set_fire_path_overloaded(overloaded);  // the API's threads go first while it lasts
    }
    stats->pending_timers.store(wheel.size(), std::memory_order_relaxed);
    stats->fires_held.store(held.size(), std::memory_order_relaxed);
  };
  auto next_wake = [&] {
    auto wait = wait_until(wheel.next_expiry());
    return held.empty() ? wait : std::min<std::chrono::microseconds>(wait, k_held_poll);
  };

  while (running) {
    fire_due();
    self->receive(
        [&](arm_atom, const caf::actor& job, int64_t deadline_ms, timer_kind kind, int64_t period_ms) {
          arm(job, deadline_ms, kind, period_ms);
          stats->arms.fetch_add(1, std::memory_order_relaxed);
        },
        [&](arm_atom, schedule_batch& batch) {
          for (auto& t : batch.timers) arm(std::move(t.job), t.deadline_ms, timer_kind::schedule, t.period_ms);
          stats->pending_timers.store(wheel.size(), std::memory_order_relaxed);
          stats->restored_jobs_armed.fetch_add(batch.jobs, std::memory_order_release);
        },
        [&](disarm_atom, caf::actor_id id, timer_kind kind) {
          auto it = jobs.find(id);
          if (it != jobs.end()) wheel.cancel(it->second.timers[static_cast<int>(kind)]);
        },
        [&](disarm_atom, caf::actor_id id) {
          auto it = jobs.find(id);
          if (it == jobs.end()) return;
          for (auto& h : it->second.timers) wheel.cancel(h);
          jobs.erase(it);
        },
        [&](stop_atom) { running = false; },
        caf::after(next_wake()) >> [] {});
  }
}

}  // namespace

caf::actor spawn_clock(caf::actor_system& sys, clock_stats* stats) {
  return sys.spawn<caf::detached>(clock_loop, stats);
}

}  // namespace mainspring
