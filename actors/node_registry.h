// The node registry: one actor per group, keeping the group's worker nodes (one node actor each).
//
// - (node_join_atom, hello, agent, gateway, ticket): the registry actor checked the proof; a new
//   node gets a node actor (at most k_max_nodes_per_group per group; beyond that the gateway
//   hears the refusal), and the join goes to the node's actor, which answers the gateway.
// - (node_dispatch_atom, run_request, run_callback): to req.node's actor; a node that never
//   joined fails the run at once: "node w9: no such node in group YM55 (it never registered)".
// - (node_list_atom, reply_fn<vector<node_view>>): every node's view, sorted by id.
// - (node_restore_atom, vector<node_spec>): the stored nodes at start-up, down until they join.
// - Placing REMOTE@* jobs: the group's allocation table (core/job_allocation.h) over the nodes
//   that are up. (alloc_sync_atom, job_id, job, wanted, servers, entry_version) from a job adds
//   it (wanted), changes its server limit or entry version (the job's revision + 1, stored with
//   the job, so that it never goes back) or removes it; (node_status_atom, id, up, ip, hostname) from a node actor re-places the jobs (a job's
//   server list names a node by id, IP address or host name). Every job whose node
//   changes hears (alloc_node_atom, node) ("" = no live node can run it); a new job hears it
//   even when it stays "". (alloc_leave_atom, job_ids) from the group drops deleted jobs at once.
//   (alloc_view_atom, reply_fn<allocation_view>) answers the table, whose version starts at
//   first_table_version() so that it never goes back across restarts either.
// - (delete_atom): the group is removed: every node actor ends (saying bye to its agent), and so
//   does this one. (stop_atom): the server stops.
//
// Example (from the registry actor):
//   caf::actor nodes = spawn_node_registry(sys, "YM55", ctx);
//   self->send(nodes, node_dispatch_atom::value, std::move(req), std::move(done));
#pragma once

#include <string>

#include <caf/fwd.hpp>

#include "actors/job_context.h"

namespace mainspring {

// Where a new allocation table's version starts: the wall clock in microseconds. Cloudtask's
// workers refuse a table whose version is below the one they hold, and the table is rebuilt at
// every start; a version that counted from 0 would go back after a restart. Starting from the
// clock keeps it above any earlier run's without storing anything: an earlier run's versions are
// its start plus one per change, and no run changes its table once per microsecond on average
// (each change is a job or node message). It stays below 2^53 (JavaScript's exact integers, for
// the web's clients) until the 2250s. What it assumes: the clock does not go back across a
// restart by more than the gap between the two starts.
uint64_t first_table_version();

// REQUIRES: *ctx outlives the actor.
caf::actor spawn_node_registry(caf::actor_system& sys, std::string group, const job_context* ctx);

}  // namespace mainspring
