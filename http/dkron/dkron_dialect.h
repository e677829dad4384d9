// dkron_dialect: Dkron's REST API (seed 001 and today's Dkron) on its own listener
// (--dkron-listen), over the Mainspring core.
//
// Every Dkron job is a Mainspring job in one group (`group`, default "dkron"), created on first
// use; its id and name are the Dkron name. The single node answers for the cluster: it is its
// only member, always the leader. Errors are Dkron's (its api.go): plain text with Dkron's
// status - 400 for a bad payload, a bare 404 for an unknown job, 503 while submissions are paused.
//
// Routes (all answers JSON unless said; ?pretty indents):
//   GET  /v1/                          the agent: {"agent":{"name","version"},"serf":{...},"tags":{...}}
//   GET  /v1/members, /v1/leader       this node as a Serf member
//   GET  /v1/isleader                  200 "I am a leader"
//   GET  /v1/jobs                      ?metadata[k]=v, q, sort, order, _start, _end; X-Total-Count
//   POST /v1/jobs                      create or update (201, Location, the job as the request bound
//                                      it: bound_job.h); ?runoncreate runs it now
//   GET  /v1/jobs/{job}                the job
//   DELETE /v1/jobs/{job}              the deleted job
//   POST /v1/jobs/{job}, .../run       run now (202 with the job)
//   POST /v1/jobs/{job}/toggle         disabled <-> enabled (200 with the job)
//   GET  /v1/jobs/{job}/executions     newest first (or ?_sort, ?_order); output cut to
//                                      ?output_size_limit bytes (default whole); X-Total-Count
//   GET  /v1/jobs/{job}/executions/{id}  one execution, whole output
//   GET  /v1/executions/{job}          the seed's 0.x listing: oldest first, the document's fields
//   GET  /v1/busy                      executions running now, earliest started first
//   POST /v1/pause, /v1/unpause        refuse (503) / accept job submissions; GET /v1/pause
//   GET  /health                       {"status":"healthy"}
//
// Example:
//   http::dialect d = dkron::make_dialect({.group = "dkron", .node_name = "host1"});
#pragma once

#include <cstddef>
#include <string>

#include "http/dialect.h"

namespace mainspring::http::dkron {

// No ?output_size_limit (or one below 0): the whole output kept (a run keeps its last 64 KiB).
inline constexpr std::size_t k_whole_output = static_cast<std::size_t>(-1);
// Executions a job's list holds at most, its newest: Dkron's store keeps a job's newest 100
// (MaxExecutions) and deletes the older ones.
inline constexpr std::size_t k_max_executions = 100;
// The version the agent reports: the Dkron release whose API this dialect follows (distribworks/
// dkron v4.0.9, 83b440b; 4.x added /v1/pause; DELETE .../executions is from main just after it).
inline constexpr const char* k_dkron_version = "4.0.9";

struct dkron_options {
  std::string group = "dkron";
  std::string node_name;     // "" = the host name
  std::string advertise_addr = "127.0.0.1";
  uint16_t advertise_port = 8946;  // Serf's default port, as members show it
};

dialect make_dialect(dkron_options options);

}  // namespace mainspring::http::dkron
