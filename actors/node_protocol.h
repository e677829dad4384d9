// node_protocol: the messages between the server and its worker agents (`mainspring agent`).
//
// They cross the network through CAF's BASP (libcaf_io), so, unlike actors/messages.h, every
// payload here is a plain serializable value with an inspect() and a registered type name, and no
// callback. Both ends call add_node_message_types() on their actor_system_config.
//
// The conversation (agent -> server unless marked <-):
//   (node_hello_atom, group, node_id)               -> nonce            to the published gateway
//   (node_join_atom, node_hello, agent actor)       -> node actor       the proof of the secret
//   (node_running_atom, node_running)                                   after each join: runs still running
//   <- (node_run_atom, remote_run)                                      a run to start
//   (node_result_atom, remote_result)                                   its outcome, until acked
//   <- (node_ack_atom, run_id)                                          the server recorded it
//   (node_beat_atom)                                -> node_beat_atom   every k_node_beat_interval
//   <- (node_bye_atom, reason)                                          disconnected by the server
//   <- (node_abort_atom, run_id, why)                                   end that run (its group is killed)
// The agent repeats unacknowledged results after every join, so a result is never lost to a
// dropped connection. A result the server no longer waits for (it restarted, or gave the run up
// when the node went away) is acknowledged and recorded as the run's record from the identity
// the result carries: the real outcome replaces "node went away", and a run that finished while
// the server was down is not lost.
// A run still running when its server restarted is adopted: the agent says after each join what
// it runs (node_running, with what the server needs to know the run again), and the new server
// takes each run it does not know, of a REMOTE@ job that still exists, back in flight in its job
// (node_actor.h): the job shows it running, refuses a second one, can stop it, and counts it when
// its result comes. node_running is a message of its own rather than a field of node_hello:
// CAF's binary layout of node_hello is fixed, so a new field would make every older agent's hello
// unreadable. An older agent sends no node_running: its runs are recorded when their results
// come, as before, but their jobs do not know them as running. A server older than the agent
// drops the message (a type it does not know) and does the same.
//
// Example (agent side):
//   auto nonce = request(gateway, timeout, node_hello_atom::value, group, node_id)
//   node_hello h; h.group = group; h.node_id = node_id; h.proof = node_proof(secret, nonce, ...);
//   auto node = request(gateway, timeout, node_join_atom::value, h, agent_actor)
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/all.hpp>

namespace mainspring {

// -- limits: nothing a peer sends grows the server without bound --
inline constexpr std::size_t k_max_node_message_bytes = 1024 * 1024;  // one BASP payload (net/basp_relay.h)
inline constexpr std::size_t k_max_nodes_per_group = 256;
inline constexpr std::size_t k_max_runs_in_flight_per_node = 1024;
inline constexpr std::size_t k_max_pending_challenges = 4096;  // nonces handed out, not yet used
inline constexpr std::size_t k_max_reported_run_ids = 4096;    // running + finished ids in a hello
// -- timing --
inline constexpr std::chrono::milliseconds k_node_beat_interval{2000};
// A node that sent nothing for this long is taken for gone (its connection may hang open).
inline constexpr std::chrono::milliseconds k_node_silence_limit{8000};
// How long a node that went away has to come back before its runs in flight fail.
inline constexpr std::chrono::milliseconds k_node_lost_grace{5000};
// How long after its timeout a run may still be reported before it fails as unreported.
inline constexpr std::chrono::milliseconds k_node_report_grace{30000};
inline constexpr std::chrono::milliseconds k_node_request_timeout{10000};

// The bye a node's agent hears when another agent joined with its node id. The server compares
// agents as CAF does (actor id and CAF node id, fixed for a process's lifetime), so an agent that
// reconnects, through the same connection or a new one, is never "another": only a second
// process (a second `mainspring agent` with the same --node-id) can be told this, and the agent
// takes it as fatal rather than taking the node back (agent/agent.h).
inline constexpr const char* k_node_replaced_reason = "replaced by a newer connection of the same node";

using node_hello_atom = caf::atom_constant<caf::atom("nodehello")>;
using node_join_atom = caf::atom_constant<caf::atom("nodejoin")>;
using node_run_atom = caf::atom_constant<caf::atom("noderun")>;
using node_result_atom = caf::atom_constant<caf::atom("noderesult")>;
using node_ack_atom = caf::atom_constant<caf::atom("nodeack")>;
using node_beat_atom = caf::atom_constant<caf::atom("nodebeat")>;
using node_bye_atom = caf::atom_constant<caf::atom("nodebye")>;
using node_abort_atom = caf::atom_constant<caf::atom("nodeabort")>;
using node_running_atom = caf::atom_constant<caf::atom("noderuns")>;

// What an agent says about itself when it joins, with the proof (core/node_auth.h).
struct node_hello {
  std::string group;
  std::string node_id;
  std::string proof;
  std::string hostname, ip, mac, broadcast_addr, machine_code;
  std::vector<std::string> tags;  // "name=value"
  // Runs the agent is still running, and runs it finished whose results it will send again.
  std::vector<uint64_t> running;
  std::vector<uint64_t> finished;
};

// A run for an agent: `command` with /bin/bash -c, killed with its process group at timeout.
struct remote_run {
  uint64_t run_id = 0;
  std::string job_id;
  std::string group;
  std::string job_name;
  std::string command;
  int64_t timeout_ms = 0;  // <= 0: none
  int64_t plan_ms = 0;
  uint8_t trigger = 0;     // run_trigger, so that a result outliving its server is recorded whole
  int32_t attempt = 0;
  std::vector<std::pair<std::string, std::string>> env;  // added to the agent's environment
};

// A run an agent is still running, as it tells the server after a join: the remote_run's identity
// and when the agent took it.
struct running_run {
  uint64_t run_id = 0;
  std::string job_id;
  std::string group;
  int64_t plan_ms = 0;
  uint8_t trigger = 0;
  int32_t attempt = 0;
  int64_t timeout_ms = 0;  // <= 0: none
  int64_t start_ms = 0;    // when the agent received it
};

// Every run an agent is still running (at most k_max_reported_run_ids are looked at).
struct node_running {
  std::vector<running_run> runs;
};

// What became of a remote_run (executors/run.h's run_outcome, in wire form).
struct remote_result {
  uint64_t run_id = 0;
  uint8_t result = 1;  // run_result: 0 succeeded, 1 failed, 2 timed_out
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int32_t code = 0;
  std::string output_tail;
  std::string error;
  // The run's identity, echoed from its remote_run: a server that restarted while the run was
  // on the node no longer knows it, and records the result from these.
  std::string job_id;
  std::string group;
  int64_t plan_ms = 0;
  uint8_t trigger = 0;
  int32_t attempt = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_hello& x) {
  return f(caf::meta::type_name("node_hello"), x.group, x.node_id, x.proof, x.hostname, x.ip, x.mac,
           x.broadcast_addr, x.machine_code, x.tags, x.running, x.finished);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, remote_run& x) {
  return f(caf::meta::type_name("remote_run"), x.run_id, x.job_id, x.group, x.job_name, x.command,
           x.timeout_ms, x.plan_ms, x.trigger, x.attempt, x.env);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, running_run& x) {
  return f(caf::meta::type_name("running_run"), x.run_id, x.job_id, x.group, x.plan_ms, x.trigger, x.attempt,
           x.timeout_ms, x.start_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_running& x) {
  return f(caf::meta::type_name("node_running"), x.runs);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, remote_result& x) {
  return f(caf::meta::type_name("remote_result"), x.run_id, x.result, x.start_ms, x.end_ms, x.code,
           x.output_tail, x.error, x.job_id, x.group, x.plan_ms, x.trigger, x.attempt);
}

// The node a hello describes: group, id, what it reports and its tags ("a=b" -> a: b; "a" -> a: "").
struct node_spec;
node_spec node_spec_of(const node_hello& hello);

// Whether a server whose process took its first run id at `process_first_id` adopts `run`, said
// running by a node of `group`: a run of that group, with a job id (no '/': it becomes a store
// key) and a trigger it knows, started by an earlier process. A run of this process that its node
// no longer has in flight was given up and recorded already; its result is recorded when it comes.
bool adoptable(const running_run& run, std::string_view group, uint64_t process_first_id);

// Registers the types above (both ends must, with the same names).
void add_node_message_types(caf::actor_system_config& cfg);

}  // namespace mainspring
