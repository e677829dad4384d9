// proc_stats: what the bench reads about a process and the machine from /proc: resident memory,
// CPU time (the server's and the bench's own) and the load average. Works for any pid (the
// bench's own child, or an external server named by --server-pid).
//
// Example:
//   auto rss = resident_bytes(server->pid());        // nullopt when the process is gone
//   auto cpu0 = cpu_seconds(server->pid());
//   ... a window of load ...
//   double server_cpu = *cpu_seconds(server->pid()) - *cpu0;
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace mainspring::bench {

// VmRSS of process `pid` in bytes, from /proc/<pid>/status.
std::optional<uint64_t> resident_bytes(pid_t pid);
// User + system CPU time of `pid` in seconds, from /proc/<pid>/stat (threads included).
std::optional<double> cpu_seconds(pid_t pid);
// This process's own user + system CPU time (getrusage).
double own_cpu_seconds();
// The machine's 1-minute load average (/proc/loadavg): how much else competed for the cores.
std::optional<double> load_average_1min();

}  // namespace mainspring::bench
