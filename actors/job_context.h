// job_context: what every group and job actor shares, owned by the runtime and outliving them.
#pragma once

#include <atomic>
#include <cstddef>

#include <caf/actor.hpp>

#include "core/id_generator.h"
#include "core/time_zone.h"

namespace mainspring {

class executor_pool;

// Per-job history kept in memory: the newest runs, oldest dropped first.
inline constexpr std::size_t k_run_history_per_job = 100;

// Counters the metrics layer reads without a message round trip.
struct scheduler_stats {
  std::atomic<uint64_t> runs_started{0};
  std::atomic<uint64_t> runs_finished{0};
  std::atomic<uint64_t> runs_skipped{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<int64_t> jobs{0};
};

struct job_context {
  caf::actor clock;
  executor_pool* pool = nullptr;
  id_generator* ids = nullptr;
  time_zone default_zone = time_zone::utc();
  scheduler_stats* stats = nullptr;
};

}  // namespace mainspring
