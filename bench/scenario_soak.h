// scenario_soak: `mainspring-bench --mode soak` (bench/run --soak MINUTES): a long steady load
// that shows whether the server stays flat once run histories are full and LevelDB compacts.
//
// `jobs` no-op jobs @every 1s (20,000 by default: 20,000 runs/s) plus API traffic at
// cfg.mixed_rate (500/s by default for this mode) from cfg.mixed_clients connections: edits,
// detail reads, lists of a 100-job group, and creates with deletes trailing them, so the API adds
// no state over time. Every reading interval (a minute; a tenth of the run when that is shorter)
// it records RSS, runs/s, lateness p99 (the server's histogram over that interval), API p99
// (from each request's intended send time), storage size and skipped runs. Every reading is
// printed; the figures are the slopes over the second half of the run (flat = near 0) and the
// worst reading. With cfg.plot_path it writes the readings as an SVG chart (bench/svg_plot.h).
//
// Example:
//   bench_config cfg; cfg.server_binary = "build/app/mainspring"; cfg.plot_path = "soak.svg";
//   scenario_result r = run_soak(cfg, 20'000, 30 * 60);
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "bench/bench_config.h"

namespace mainspring::bench {

scenario_result run_soak(const bench_config& cfg, std::size_t jobs, double seconds);

// The least-squares slope of `points` (y per unit of x); NaN with fewer than two points.
double least_squares_slope(const std::vector<std::pair<double, double>>& points);

}  // namespace mainspring::bench
