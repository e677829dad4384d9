// worker_priority: lets the threads that must answer promptly (the HTTP reactor, the storage
// committer) go before the fire path (CAF's scheduler workers and the clock) when the server is
// overloaded.
//
// The workers run every job actor, so under a firing load they take every cycle they are given;
// at equal priority the HTTP thread got a third of a core and requests queued for seconds (bench
// --mode overload). Workers always run as SCHED_BATCH (others preempt them on waking, their CPU
// share is unchanged). While the clock sees sustained overload it also raises their nice value
// to k_overloaded_worker_nice, and lowers it again once the backlog is gone: a lower priority
// all the time made fires late at a load the server can carry (the committer preempted them).
// The clock's own thread goes to the same nice value meanwhile: at nice 0 it took 0.45 of the
// two cores offering fires that could only be held back, and left with the workers' share it let
// 14-45% more runs through in an overload (bench/results/2026-12-08-overload-clock-nice.md).
//
// Example:
//   caf::actor_system_config config;
//   add_worker_priority_hook(config);   // before the actor system starts
//   ...
//   set_fire_path_overloaded(true);     // on the clock's thread, when fires have been held back a while
#pragma once

#include <caf/actor_system_config.hpp>

namespace mainspring {

// The nice value of the CAF workers under sustained overload (0 otherwise). Five gives a thread
// at the default priority about three times a worker's share of a contended core (CFS weights
// 1024 and 335).
inline constexpr int k_overloaded_worker_nice = 5;

// Makes every CAF worker that `config`'s system starts run as SCHED_BATCH and register itself
// for set_fire_path_overloaded(). A failure (a container that forbids it) is logged once.
void add_worker_priority_hook(caf::actor_system_config& config);

// Sets the nice value of every registered worker and of the calling thread (the clock's):
// k_overloaded_worker_nice when `overloaded`, else 0. Going back to 0 needs CAP_SYS_NICE (or
// RLIMIT_NICE) on Linux; without it those threads stay at the lower priority, and a warning says
// so once. Also lets LevelDB's compactions compete for the CPU while overloaded
// (storage/background_env.h), since none would be idle. Cheap when nothing changes; called from
// the clock's thread only.
void set_fire_path_overloaded(bool overloaded);

}  // namespace mainspring
