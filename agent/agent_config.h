// agent_config: everything `mainspring agent` needs, and where its secret comes from.
//
// The group's secret (what POST /v1/register/group answered) never comes from the command line,
// where `ps` would show it: it is read from MAINSPRING_GROUP_SECRET or from --secret-file, and
// MAINSPRING_GROUP_SECRET is then removed from the process's environment, before any command is
// spawned, so that no REMOTE@ command inherits it.
//
// Example:
//   agent_config cfg;
//   CLI::App app; add_agent_flags(app, cfg);   // --server, --group, --node-id, --tags, ...
//   if (auto st = finish_agent_config(cfg); !st.ok()) die(st.message());
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/node_auth.h"  // k_group_secret_env
#include "core/status.h"

namespace CLI {
class App;
}

namespace mainspring {

struct agent_config {
  std::string server;  // host:port of the server's --node-listen
  std::string group;
  std::string node_id;
  std::vector<std::string> tags;  // "k=v"
  std::string secret_file;        // "" = read MAINSPRING_GROUP_SECRET
  std::string tls_ca, tls_cert, tls_key;
  std::size_t max_concurrent_runs = 256;
  unsigned kill_grace_s = 10;  // a stopped run: seconds from SIGTERM to SIGKILL
  // The file where the agent keeps its commands' process groups (executors/process_ledger.h), so
  // that its next start after a kill -9 or a crash ends those left running; "" = none.
  std::string process_ledger;
  std::string log_level = "info";
  // What the node reports as its address and host name, when not what the machine says (behind
  // NAT, several interfaces, a container's name): a job's server list may name the node by them.
  std::string advertise_ip;  // "" = the local address that reaches the server
  std::string hostname;      // "" = gethostname()
  // -- filled in by finish_agent_config --
  std::string server_host;
  uint16_t server_port = 0;
  std::string secret;
};

void add_agent_flags(CLI::App& app, agent_config& cfg);

// Splits --server, reads the secret, checks group, node id and tags (as the server will);
// invalid_argument naming the flag otherwise. Unsets k_group_secret_env whatever the outcome.
// REQUIRES: no other thread runs yet (unsetenv is not thread-safe).
status finish_agent_config(agent_config& cfg);

}  // namespace mainspring
