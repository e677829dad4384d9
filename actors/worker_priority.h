// worker_priority: lets the threads that must answer promptly (the HTTP reactor, the clock, the
// storage committer) go before CAF's scheduler workers when the server is overloaded.
//
// The workers run every job actor, so under a firing load they take every cycle they are given;
// at equal priority the HTTP thread got a third of a core and requests queued for seconds (bench
// --mode overload). Workers always run as SCHED_BATCH (others preempt them on waking, their CPU
// share is unchanged). While the clock sees sustained overload it also raises their nice value
// to k_overloaded_worker_nice, and lowers it again once the backlog is gone: a lower priority
// all the time made fires late at a load the server can carry (the committer preempted them).
//
// Example:
//   caf::actor_system_config config;
//   add_worker_priority_hook(config);   // before the actor system starts
//   ...
//   set_workers_overloaded(true);       // the clock, when fires have been held back a while
#pragma once

#include <caf/actor_system_config.hpp>

namespace mainspring {

// The nice value of the CAF workers under sustained overload (0 otherwise). Five gives a thread
// at the default priority about three times a worker's share of a contended core (CFS weights
// 1024 and 335).
inline constexpr int k_overloaded_worker_nice = 5;

// Makes every CAF worker that `config`'s system starts run as SCHED_BATCH and register itself
// for set_workers_overloaded(). A failure (a container that forbids it) is logged once.
void add_worker_priority_hook(caf::actor_system_config& config);

// Sets the nice value of every registered worker: k_overloaded_worker_nice when `overloaded`,
// else 0. Going back to 0 needs CAP_SYS_NICE (or RLIMIT_NICE) on Linux; without it the workers
// stay at the lower priority, and a warning says so once. Also lets LevelDB's compactions compete
// for the CPU while overloaded (storage/background_env.h), since none would be idle. Cheap when
// nothing changes; called from the clock's thread only.
void set_workers_overloaded(bool overloaded);

}  // namespace mainspring
