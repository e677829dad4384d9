#include "agent/host_facts.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>

namespace mainspring {

namespace {

std::string local_ip_towards(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found) return "";
  std::string ip;
  int fd = socket(found->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) == 0) {
    sockaddr_storage local{};
    socklen_t len = sizeof local;
    char text[INET6_ADDRSTRLEN] = {};
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0 &&
        getnameinfo(reinterpret_cast<sockaddr*>(&local), len, text, sizeof text, nullptr, 0, NI_NUMERICHOST) == 0)
      ip = text;
  }
  if (fd >= 0) close(fd);
  freeaddrinfo(found);
  return ip;
}

std::string numeric(const sockaddr* addr) {
  if (!addr) return "";
  char text[INET6_ADDRSTRLEN] = {};
  socklen_t len = addr->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  if (getnameinfo(addr, len, text, sizeof text, nullptr, 0, NI_NUMERICHOST) != 0) return "";
  return text;
}

// The mac and broadcast address of the interface that holds `ip`.
void interface_of(const std::string& ip, host_facts& facts) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return;
  std::string name;
  for (auto* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || (a->ifa_addr->sa_family != AF_INET && a->ifa_addr->sa_family != AF_INET6)) continue;
    if (numeric(a->ifa_addr) != ip) continue;
    name = a->ifa_name;
    if (a->ifa_addr->sa_family == AF_INET && (a->ifa_flags & IFF_BROADCAST))
      facts.broadcast_addr = numeric(a->ifa_broadaddr);
  }
  for (auto* a = list; a && !name.empty(); a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_PACKET || name != a->ifa_name) continue;
    const auto* ll = reinterpret_cast<const sockaddr_ll*>(a->ifa_addr);
    std::string mac;
    for (int i = 0; i < ll->sll_halen && i < 8; ++i) {
      char byte[4];
      std::snprintf(byte, sizeof byte, "%02x", ll->sll_addr[i]);
      mac += (i ? ":" : "") + std::string(byte);
    }
    facts.mac = mac;
  }
  freeifaddrs(list);
}

}  // namespace

host_facts probe_host_facts(const std::string& server_host, uint16_t server_port) {
  host_facts facts;
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) == 0) facts.hostname = name;
  facts.ip = local_ip_towards(server_host, server_port);
  if (!facts.ip.empty()) interface_of(facts.ip, facts);
  std::ifstream id("/etc/machine-id");
  std::getline(id, facts.machine_code);
  return facts;
}

}  // namespace mainspring
