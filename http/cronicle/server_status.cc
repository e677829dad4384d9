#include "http/cronicle/server_status.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/time_types.h"
#include "http/cronicle/errors.h"
#include "metrics/process_stats.h"

namespace mainspring::http::cronicle {

namespace {

// As pixl-server's ip: the first IPv4 address of an interface that is up and not loopback.
std::string primary_ipv4() {
  ifaddrs* all = nullptr;
  if (getifaddrs(&all) != 0) return "127.0.0.1";
  std::string found = "127.0.0.1";
  for (ifaddrs* a = all; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || (a->ifa_flags & IFF_LOOPBACK) || !(a->ifa_flags & IFF_UP))
      continue;
    char text[INET_ADDRSTRLEN] = {};
    const auto* in = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
    if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text)) {
      found = text;
      break;
    }
  }
  freeifaddrs(all);
  return found;
}

int64_t micros(const timeval& t) { return static_cast<int64_t>(t.tv_sec) * 1'000'000 + t.tv_usec; }

int64_t uptime_s(const server_facts& f) {
  return f.started_ms > 0 ? std::max<int64_t>(0, (f.now_ms - f.started_ms) / 1000) : 0;
}

}  // namespace

server_facts read_server_facts(std::string version, std::string hostname, int64_t clock_pass_ms) {
  server_facts f;
  f.version = std::move(version);
  f.hostname = std::move(hostname);
  f.ip = primary_ipv4();
  f.pid = static_cast<int64_t>(getpid());
  f.now_ms = to_unix_ms(now_ms());
  f.clock_pass_ms = clock_pass_ms;
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    f.cpu_user_us = micros(usage.ru_utime);
    f.cpu_system_us = micros(usage.ru_stime);
  }
  if (auto p = read_process_stats(); p.ok()) {
    f.rss_bytes = p->resident_memory_bytes;
    f.started_ms = static_cast<int64_t>(p->start_time_seconds * 1000);
  }
  return f;
}

http_response status_response(const server_facts& f) {
  const double now = static_cast<double>(f.now_ms) / 1000;
  const double last_tick = f.clock_pass_ms > 0 ? static_cast<double>(f.clock_pass_ms) / 1000 : now;
  http_response r = success({{"version", f.version},
                             {"hostname", f.hostname},
                             {"ip", f.ip},
                             {"pid", f.pid},
                             {"now", now},
                             {"uptime", uptime_s(f)},
                             {"last_tick", last_tick},
                             // From the milliseconds: the seconds' difference would show float noise.
                             {"tick_age", f.clock_pass_ms > 0 ? static_cast<double>(std::max<int64_t>(0, f.now_ms - f.clock_pass_ms)) / 1000 : 0.0},
                             {"cpu", {{"user", f.cpu_user_us}, {"system", f.cpu_system_us}}},
                             {"mem", {{"rss", f.rss_bytes}}}});
  // Cronicle's forceNoCacheResponse.
  r.headers.emplace_back("Cache-Control", "no-cache, no-store, must-revalidate, proxy-revalidate");
  r.headers.emplace_back("Expires", "Thu, 01 Jan 1970 00:00:00 GMT");
  return r;
}

nlohmann::json servers_json(const server_facts& f) {
  // ps's %CPU: CPU time over the time since the process started, in percent with one decimal
  // (CPU us / alive ms is tenths of a percent).
  const int64_t alive_ms = f.started_ms > 0 ? f.now_ms - f.started_ms : 0;
  const double cpu =
      alive_ms > 0 ? std::round(static_cast<double>(f.cpu_user_us + f.cpu_system_us) / static_cast<double>(alive_ms)) / 10
                   : 0.0;
  nlohmann::json self = {{"hostname", f.hostname},
                         {"ip", f.ip},
                         {"master", 1},
                         {"uptime", uptime_s(f)},
                         {"data", {{"cpu", cpu}, {"mem", f.rss_bytes}}},
                         {"disabled", 0}};
  return nlohmann::json{{f.hostname, std::move(self)}};
}

}  // namespace mainspring::http::cronicle
