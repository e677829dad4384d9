// agent: `mainspring agent`, a worker node that runs its group's REMOTE@ commands.
//
// run_agent dials the server's node listener (through a local TLS tunnel when a CA is given,
// net/tls_tunnel.h), proves the group's secret (core/node_auth.h), joins as node `node_id`, and
// stays connected; when the connection drops or the server goes away it dials again with capped
// exponential backoff and jitter (core/backoff.h), forever, until stop() is called, or until the
// server says that another agent joined with the same node id: two agents of one node id would
// otherwise take the node from each other forever, so the one replaced exits with
// k_exit_node_id_taken. It needs no
// data dir: unacknowledged results live in memory (agent_actor.h), so a dropped connection loses
// nothing, but a killed agent loses what it had not delivered (the server fails those runs).
//
// Example:
//   agent_config cfg = ...;   // finish_agent_config(cfg) passed
//   agent_stop stop;
//   std::thread waiter([&] { wait_for_stop_signal(); stop.request(); });
//   int code = run_agent(cfg, stop);
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "agent/agent_config.h"

namespace mainspring {

// Backoff between dial attempts: from k_reconnect_base up to k_reconnect_cap.
inline constexpr std::chrono::milliseconds k_reconnect_base{200};
inline constexpr std::chrono::milliseconds k_reconnect_cap{10'000};

// run_agent's exit code when another agent process joined the group with this node id. Apart from
// 1 (could not start) and 2 (bad flags) so that a service manager can be told not to restart it
// (systemd's RestartPreventExitStatus=3): restarting would take the node back and flap again.
inline constexpr int k_exit_node_id_taken = 3;

// Tells run_agent to stop, from any thread.
class agent_stop {
 public:
  void request();
  bool requested() const;
  // Waits up to `d`; true when a stop was requested.
  bool wait_for(std::chrono::milliseconds d) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable wake_;
  bool stop_ = false;
};

// Runs the agent until `stop` is requested; the process exit code (0, 1 when it could not start:
// a TLS file that does not load, or k_exit_node_id_taken).
int run_agent(const agent_config& cfg, const agent_stop& stop);

}  // namespace mainspring
