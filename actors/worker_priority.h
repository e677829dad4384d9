// worker_priority: runs CAF's scheduler workers at a lower CPU priority than the threads that
// must answer promptly (the HTTP reactor, the clock, the storage committer).
//
// The workers run every job actor, so under a firing load they take every cycle they are given;
// at the same priority the HTTP thread got a third of a core and requests queued for seconds
// (bench --mode overload). A higher nice value on the workers only matters when the cores are
// contended: an idle server runs fires exactly as fast.
//
// Example:
//   caf::actor_system_config config;
//   add_worker_priority_hook(config);   // before the actor system starts
//   caf::actor_system system{config};
#pragma once

#include <caf/actor_system_config.hpp>

namespace mainspring {

// The nice value of a CAF worker thread (0 is the process's default; 19 the lowest priority).
// Five gives a thread at the default priority about three times a worker's share of a
// contended core (CFS weights 1024 and 335).
inline constexpr int k_worker_nice = 5;

// Makes every CAF worker that `config`'s system starts lower its own priority to k_worker_nice.
// A failure to do so (a container that forbids it) leaves the default priority, and says so once.
void add_worker_priority_hook(caf::actor_system_config& config);

}  // namespace mainspring
