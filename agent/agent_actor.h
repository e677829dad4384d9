// The agent actor: the worker side of a node, for `mainspring agent`.
//
// It outlives connections: the connect loop (agent.h) gives it each new session's node actor
// with (session_atom, node, session), and it
// - runs what the node actor sends (node_run_atom, remote_run) with /bin/bash -c in its own
//   process group (executors/shell_runner.h), with MAINSPRING_NODE_ID, MAINSPRING_JOB_ID,
//   MAINSPRING_GROUP, MAINSPRING_RUN_ID and MAINSPRING_PLAN_TIME set, killing the group at the
//   run's timeout;
// - keeps every finished result until the server acknowledges it (node_ack_atom), sending it
//   when the run ends and again at the start of every later session, so that a connection
//   dropped after a command ended loses nothing (at most k_max_unacked_results are kept; beyond
//   that the oldest is dropped, with a warning);
// - tells each new session's node actor which runs it is still running (node_running), so that a
//   server that restarted takes them back in flight;
// - sends a heartbeat request every k_node_beat_interval; a failed heartbeat, the node actor's
//   down message or the server's bye ends the session, and `on_session_end(session, why, node_id_taken)` tells
//   the connect loop to dial again, unless the server's bye said another agent took the node id
//   (k_node_replaced_reason): then `node_id_taken` is true and the loop gives up.
// Messages that do not come from the current session's node actor are ignored, except runs that
// arrive between a join and its session (only the server holds the agent's handle).
// (ids_atom) answers the ids of the runs running and finished-unacknowledged, for the next join.
//
// Example:
//   auto agent = spawn_agent_actor(sys, "w1", 64, k_default_kill_grace,
//                                  [&](uint64_t s, std::string why, bool node_id_taken) { ... });
//   caf::anon_send(agent, session_atom::value, node, uint64_t{1});
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include <caf/all.hpp>

namespace mainspring {

inline constexpr std::size_t k_max_unacked_results = 4096;

using session_atom = caf::atom_constant<caf::atom("session")>;
using ids_atom = caf::atom_constant<caf::atom("runids")>;

using session_end_fn = std::function<void(uint64_t session, std::string why, bool node_id_taken)>;

// kill_grace: between SIGTERM and SIGKILL when a run is stopped; ledger_path: the shell
// runner's process ledger, "" = none (executors/shell_runner.h).
caf::actor spawn_agent_actor(caf::actor_system& sys, std::string node_id, std::size_t max_concurrent_runs,
                             std::chrono::milliseconds kill_grace, session_end_fn on_session_end,
                             const std::string& ledger_path = "");

}  // namespace mainspring
