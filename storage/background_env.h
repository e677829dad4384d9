// background_env: LevelDB's default Env, with its background work (compactions) run at a lower
// CPU priority than the scheduler's threads.
//
// On a 2-core machine a compaction takes a whole core for tens of milliseconds at a time. The
// CAF workers run as SCHED_BATCH (actors/worker_priority.h), and a waking SCHED_BATCH thread does
// not preempt a running SCHED_OTHER one: it waits for the scheduler tick (4 ms at HZ=250). So a
// fire whose worker woke while a compaction held the core was late by up to a tick, whatever the
// compaction's nice value (lateness p99 6.3 ms at 125,000 runs/s over 2 minutes at nice 10).
// As SCHED_IDLE the compaction is preempted at once by any other thread, and still gets every
// idle cycle, which at that load is most of a core (p99 4.3 ms, same test).
//
// Under sustained overload nothing is idle, and a compaction that never runs would stall every
// write once LevelDB's level 0 fills. So set_background_contended(true) (worker_priority calls
// it with the workers' overload) makes it SCHED_OTHER at nice k_compaction_nice instead. Leaving
// SCHED_IDLE needs root, CAP_SYS_NICE or an RLIMIT_NICE that allows nice 10; without them the
// background thread never becomes SCHED_IDLE, and is at nice k_compaction_nice throughout.
//
// Example:
//   leveldb::Options o;
//   o.env = background_env();   // instead of leveldb::Env::Default()
#pragma once

namespace leveldb {
class Env;
}

namespace mainspring {

// The nice value of LevelDB's background thread when it is not SCHED_IDLE (0 is the default,
// 19 the lowest).
inline constexpr int k_compaction_nice = 10;

// A process-wide Env, never destroyed (as leveldb::Env::Default()). Thread-safe.
leveldb::Env* background_env();

// Whether the background work competes for the CPU (SCHED_OTHER at k_compaction_nice) or only
// takes idle cycles (SCHED_IDLE, the default where it can be undone). Thread-safe; cheap when
// nothing changes.
void set_background_contended(bool contended);

// For tests: whether the calling thread is SCHED_IDLE, and its nice value.
bool this_thread_is_idle_class();
int nice_of_this_thread();

}  // namespace mainspring
