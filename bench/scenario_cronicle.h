// scenario_cronicle: `mainspring-bench --api cronicle --mode fire`: jobs started through
// Cronicle's run_event, since Cronicle's timing is per minute (no @every 1s to watch).
//
// On a fresh server with a Cronicle listener: `events` events made through create_event (the
// create scenario's: shellplug running `true`, timing far ahead, so only run_event starts them),
// then one run_event each from cfg.clients connections. Reports run_event's acks per second and
// ack latency, and runs finished per second (the server's mainspring_job_runs_total) from the
// first run_event until every run has ended: a process per run, so mostly the cost of spawning.
//
// Example:
//   scenario_result r = run_cronicle_fire(cfg, 1000);
#pragma once

#include <cstddef>

#include "bench/bench_config.h"

namespace mainspring::bench {

scenario_result run_cronicle_fire(const bench_config& cfg, std::size_t events);

}  // namespace mainspring::bench
