// scenario_remote: `mainspring-bench --mode remote`, REMOTE@ runs over local worker agents.
//
// For each agent count (1, 2, 4, 8 by default): a fresh server with --node-listen, that many
// `mainspring agent` processes in one group, and `jobs` jobs `@every 1s` whose REMOTE@ lists
// every agent, running `true`; then a fire window. Runs/s (finished, from /metrics) and
// plan-to-start lateness (from sampled run records: the start is when the agent spawned the
// command) show how the remote path scales with agents. Server and agents share the bench's
// 2 cores: the figure is the whole path on one machine, not a cluster's.
//
// Example:
//   auto results = run_remote(cfg, {1, 2, 4, 8}, 100, 15);
#pragma once

#include <cstddef>
#include <vector>

#include "bench/bench_config.h"

namespace mainspring::bench {

std::vector<scenario_result> run_remote(const bench_config& cfg, const std::vector<std::size_t>& agent_counts,
                                        std::size_t jobs, double seconds);

}  // namespace mainspring::bench
