// The node actor: one per worker node of a group, for as long as the node is registered. It owns
// the node's runs in flight; the connection to its agent comes and goes under it.
//
// - Joining: the group's node registry hands it (node_join_atom, hello, agent, gateway, ticket)
//   once the registry actor checked the proof. It takes the agent (replacing and saying bye to
//   an older connection), monitors it, records what the agent says about itself, fails the runs
//   in flight that the agent no longer knows (it restarted), and answers the gateway
//   (join_result_atom, ticket, "", itself) so that the agent learns whom to talk to.
// - Runs: (node_dispatch_atom, run_request, run_callback) sends the run to the agent, or fails it
//   at once when the node is down or has k_max_runs_in_flight_per_node in flight. The agent's
//   (node_result_atom, remote_result) calls the run's callback and is acknowledged; results for
//   runs no longer waited for are acknowledged and dropped. Only the node's current agent is
//   listened to: messages from any other sender are ignored.
// - Runs of an earlier process: after each join the agent says which runs it still runs
//   (node_running_atom). Each one this node has no flight for, started by an earlier process of
//   the server (adoptable), becomes a flight here and goes to its job (adopt_run_atom, through
//   the registry and the group); the job answers (adopted_atom, run_id, job): its actor, and the
//   run's end goes there as any run's, or null (no such job, or not a REMOTE@ one), and the
//   run's result is recorded when it comes as one nobody waits for. An end before the answer
//   waits for it.
// - Failure: the node is down when its agent's connection ends (a CAF monitor) or after
//   k_node_silence_limit without a heartbeat. Its runs in flight then fail after
//   k_node_lost_grace unless the agent comes back and reports them ("node w1 went away ...");
//   a run not reported k_node_report_grace after its timeout fails too.
// - (view_atom) answers a node_view; (delete_atom) (its group is removed) says bye to the agent,
//   fails its runs and ends; (stop_atom) ends it quietly (the server stops).
//
// Example (from the node registry):
//   caf::actor node = spawn_node(sys, spec, ctx, registry);
//   self->send(node, node_join_atom::value, hello, agent, gateway, ticket);
#pragma once

#include <caf/fwd.hpp>

#include "actors/job_context.h"
#include "core/node.h"

namespace mainspring {

// `registry` (the group's node registry) hears (node_status_atom, id, up, ip, hostname) when the
// node goes up or down, and when it comes back up under another address or host name.
// REQUIRES: *ctx outlives the actor.
caf::actor spawn_node(caf::actor_system& sys, node_spec spec, const job_context* ctx, caf::actor registry);

}  // namespace mainspring
