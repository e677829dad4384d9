// background_env: LevelDB's default Env, with its background work (compactions) run at a lower
// CPU priority than the scheduler's threads.
//
// On a 2-core machine a compaction takes a whole core for tens of milliseconds at a time. At
// the default priority it competed as an equal with the clock thread and the CAF workers, and
// fires waiting for a core were late by that much (lateness p99 just over 5 ms at 125,000
// runs/s). At nice k_compaction_nice it still gets every idle cycle, which at that load is most
// of a core, so it keeps up; it yields when the fire path wants the core.
//
// Example:
//   leveldb::Options o;
//   o.env = background_env();   // instead of leveldb::Env::Default()
#pragma once

namespace leveldb {
class Env;
}

namespace mainspring {

// The nice value of LevelDB's background thread (0 is the default, 19 the lowest).
inline constexpr int k_compaction_nice = 10;

// A process-wide Env, never destroyed (as leveldb::Env::Default()). Thread-safe.
leveldb::Env* background_env();

// The nice value of the calling thread (for tests: what the background work ran at).
int nice_of_this_thread();

}  // namespace mainspring
