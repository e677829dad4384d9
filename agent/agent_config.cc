#include "agent/agent_config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>  // unsetenv

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "core/job.h"
#include "core/job_allocation.h"  // is_valid_server_entry
#include "core/node.h"

namespace mainspring {

namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace

void add_agent_flags(CLI::App& app, agent_config& cfg) {
  app.add_option("--server", cfg.server, "The server's node listener, host:port (its --node-listen)")->required();
  app.add_option("--group", cfg.group, "The group whose REMOTE@ jobs this node runs")->required();
  app.add_option("--node-id", cfg.node_id, "This node's id in the group ([a-zA-Z0-9_]{1,22})")->required();
  app.add_option("--tags", cfg.tags, "Tags shown in the node list, k=v,...")->delimiter(',');
  app.add_option("--secret-file", cfg.secret_file,
                 std::string("File holding the group's secret; without it the secret is read from ") +
                     k_group_secret_env);
  app.add_option("--node-tls-ca", cfg.tls_ca, "PEM CA that signed the server's certificate: dial with TLS");
  app.add_option("--node-tls-cert", cfg.tls_cert, "PEM client certificate (when the server asks for one)");
  app.add_option("--node-tls-key", cfg.tls_key, "PEM key of --node-tls-cert");
  app.add_option("--max-concurrent-runs", cfg.max_concurrent_runs, "Commands running at once; more wait")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  app.add_option("--kill-grace", cfg.kill_grace_s,
                 "Seconds a stopped run (timeout, abort) has after SIGTERM before SIGKILL; 0 = SIGKILL at once")
      ->capture_default_str()
      ->check(CLI::Range(0u, 3600u));
  app.add_option("--process-ledger", cfg.process_ledger,
                 "File where the agent keeps its running commands' process groups, so that its next start "
                 "after a kill -9 ends those left running (default: none)");
  app.add_option("--advertise-ip", cfg.advertise_ip,
                 "Address this node reports (default: the local address that reaches the server); a "
                 "placed job's servers may name the node by it");
  app.add_option("--hostname", cfg.hostname, "Host name this node reports (default: the machine's)");
  app.add_option("--log-level", cfg.log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
}

status finish_agent_config(agent_config& cfg) {
  // The secret leaves the environment as soon as it is read (also when --secret-file makes it
  // unused, or a flag is refused): every command this agent spawns would otherwise inherit it,
  // and `env` in a job would print it into its run record.
  std::string from_env;
  if (const char* env = std::getenv(k_group_secret_env)) from_env = env;
  ::unsetenv(k_group_secret_env);
  auto colon = cfg.server.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return status::invalid_argument("--server: expected host:port, got \"" + cfg.server + "\"");
  cfg.server_host = cfg.server.substr(0, colon);
  if (cfg.server_host.size() > 2 && cfg.server_host.front() == '[' && cfg.server_host.back() == ']')
    cfg.server_host = cfg.server_host.substr(1, cfg.server_host.size() - 2);
  try {
    int port = std::stoi(cfg.server.substr(colon + 1));
    if (port <= 0 || port > 65535) throw std::out_of_range("port");
    cfg.server_port = static_cast<uint16_t>(port);
  } catch (...) {
    return status::invalid_argument("--server: bad port in \"" + cfg.server + "\"");
  }
  if (!cfg.secret_file.empty()) {
    std::ifstream in(cfg.secret_file);
    if (!in) return status::invalid_argument("--secret-file: cannot read " + cfg.secret_file);
    std::stringstream text;
    text << in.rdbuf();
    cfg.secret = trimmed(text.str());
  } else {
    cfg.secret = trimmed(from_env);
  }
  if (cfg.secret.empty())
    return status::invalid_argument(std::string("the group's secret: set ") + k_group_secret_env +
                                    " or give --secret-file");
  if ((cfg.tls_cert.empty()) != (cfg.tls_key.empty()))
    return status::invalid_argument("--node-tls-cert and --node-tls-key go together");
  if (!cfg.tls_cert.empty() && cfg.tls_ca.empty())
    return status::invalid_argument("--node-tls-cert needs --node-tls-ca (the server's CA)");
  if (!cfg.advertise_ip.empty()) {
    unsigned char address[sizeof(in6_addr)];
    if (::inet_pton(AF_INET, cfg.advertise_ip.c_str(), address) != 1 &&
        ::inet_pton(AF_INET6, cfg.advertise_ip.c_str(), address) != 1)
      return status::invalid_argument("--advertise-ip: not an IPv4 or IPv6 address: \"" + cfg.advertise_ip + "\"");
  }
  if (!cfg.hostname.empty() && !is_valid_server_entry(cfg.hostname))
    return status::invalid_argument("--hostname: printable ASCII without spaces or ',', at most " +
                                    std::to_string(k_max_server_entry_bytes) + " bytes");
  node_spec probe;
  probe.group = cfg.group;
  probe.id = cfg.node_id;
  probe.tags = parse_node_tags(cfg.tags);
  if (auto st = validate_node(probe); !st.ok()) {
    std::string why = st.message();
    for (auto [field, flag] : {std::pair{"group_name", "group"}, {"node_id", "node-id"}, {"tags", "tags"}})
      if (why.rfind(field, 0) == 0) why = flag + why.substr(std::strlen(field));
    return status::invalid_argument("--" + why);
  }
  return {};
}

}  // namespace mainspring
