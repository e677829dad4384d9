// server_status: Cronicle's `status` call (lib/api.js api_status), the simple status monitoring
// tools poll. Like `ping` it needs no key, and its answer is never cached.
//
// Cronicle answers its version, Node's, the server's hostname and IP address, its pid, the time,
// its uptime, when its once-a-second tick last ran and how long ago (`tick_age`: a stuck server's
// grows; Cronicle logs an alert past 60 s), and Node's process.cpuUsage() and
// process.memoryUsage(). Mainspring answers the same fields from what it has: its own version,
// the clock's last pass over its timers as the tick (at least once a second while the clock
// runs: actors/clock_actor.h), the process's user and system CPU time in microseconds and its
// resident set size as `mem.rss` in bytes. Node's version and its heap figures are left out:
// there is no Node.
//
// It also answers `get_servers` (lib/api/admin.js, an admin call): Cronicle's cluster, here this
// one server, the master, as Cronicle's getAllServers lists itself first: its hostname, ip,
// `master` 1, `uptime`, `disabled` 0 and `data` with the process's `cpu` (percent of one core,
// its lifetime average, as `ps` reports it and Cronicle passes it on) and `mem` (resident bytes).
// Mainspring's worker nodes are not listed: Cronicle events run on this server.
//
// Example:
//   server_facts f = read_server_facts(MAINSPRING_VERSION, "host-1", overview.clock_pass_ms);
//   reply.send(status_response(f));   // {"code":0,"version":...,"tick_age":0.41,...}
//   reply.send(success({{"servers", servers_json(f)}}));
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "http/http_message.h"

namespace mainspring::http::cronicle {

struct server_facts {
  std::string version;
  std::string hostname;
  std::string ip;             // the first IPv4 address that is not loopback, else 127.0.0.1
  int64_t pid = 0;
  int64_t now_ms = 0;         // unix ms
  int64_t started_ms = 0;     // when the process started (unix ms; 0 = unknown: uptime 0)
  int64_t clock_pass_ms = 0;  // the clock's last pass (unix ms; 0 = none yet)
  int64_t cpu_user_us = 0;
  int64_t cpu_system_us = 0;
  uint64_t rss_bytes = 0;
};

// Reads what the process knows of itself now (time, pid, CPU, memory, start, address).
server_facts read_server_facts(std::string version, std::string hostname, int64_t clock_pass_ms);

// The answer: Cronicle's fields, `now`, `last_tick` and `tick_age` in seconds with their
// fractions, `uptime` in whole seconds; `last_tick` is `now` (and `tick_age` 0) before the
// clock's first pass, as Cronicle answers before its first tick. With Cronicle's no-cache headers.
http_response status_response(const server_facts& facts);

// get_servers' `servers`: {"<hostname>": {"hostname", "ip", "master": 1, "uptime", "data":
// {"cpu", "mem"}, "disabled": 0}}.
nlohmann::json servers_json(const server_facts& facts);

}  // namespace mainspring::http::cronicle
