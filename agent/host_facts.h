// host_facts: what an agent reports about its machine when it joins (the node list's hostname,
// ip, mac, boradcast_addr and machine_code).
//
// The ip is the local address the machine would use to reach the server (found with a UDP
// "connect", which sends nothing); mac and broadcast address are those of the interface holding
// that ip; machine_code is /etc/machine-id. Anything that cannot be found is left "".
//
// Example:
//   host_facts facts = probe_host_facts("10.0.0.1", 7070);
//   facts.hostname;   // "build-3"
#pragma once

#include <cstdint>
#include <string>

namespace mainspring {

struct host_facts {
  std::string hostname;
  std::string ip;
  std::string mac;
  std::string broadcast_addr;
  std::string machine_code;
};

host_facts probe_host_facts(const std::string& server_host, uint16_t server_port);

}  // namespace mainspring
