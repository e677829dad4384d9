// process_usage: what the processes of a process group use right now (CPU time, resident
// memory), read from /proc, for the shell runner's resource limits (run_limits.h).
//
// A shell run is its own process group (shell_spawn.h), so "the run's processes" are the
// processes whose group id is the shell's pid. One pass over /proc answers for many groups at
// once: the runner samples every limited run in one pass per tick instead of one pass per run.
//
// Example:
//   auto usage = sample_process_groups({shell_pid});
//   if (auto it = usage.find(shell_pid); it != usage.end())
//     double cpu_s = it->second.cpu_seconds();   // cumulative, of every process of the group
//
// Reads only procfs (no blocking device), a few files per process; still, call it from a
// runner's own thread, never from an actor's.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mainspring {

// One process's line of /proc/<pid>/stat, the fields the limits and the process ledger need.
struct process_stat {
  // Its state (field 3: 'R', 'S', ..., 'Z' a zombie, which has ended and waits to be reaped).
  char state = 0;
  pid_t pgrp = 0;
  // When the process started, in clock ticks since boot (field 22): with the pid and the boot,
  // it names one process, where a pid alone may have been reused (process_ledger.h).
  uint64_t start_ticks = 0;
  // utime + stime + cutime + cstime, in clock ticks. The children's times (of children the
  // process has waited for) count too: a short-lived command a script runs in a loop has
  // exited by the next sample, and its time then lives on in its parent's cutime.
  uint64_t cpu_ticks = 0;
  int64_t rss_pages = 0;
};

// Parses a /proc/<pid>/stat line; nullopt when it is malformed. The command name (field 2) is
// in parentheses and may hold spaces and ')' itself: the fields are counted from the last ')'.
std::optional<process_stat> parse_process_stat(std::string_view line);

// Process `pid`'s stat under `proc_root`; nullopt when it is gone (or its line is malformed). A
// zombie still has one.
std::optional<process_stat> read_process_stat(pid_t pid, const std::string& proc_root = "/proc");

// Whether the process of `st` has ended: a zombie (or one being reaped) still has a stat line.
inline bool process_ended(const process_stat& st) { return st.state == 'Z' || st.state == 'X' || st.state == 'x'; }

// Calls visit(pid, its stat) for each process under `proc_root` now, in no particular order.
// Processes that vanish during the pass are skipped.
void for_each_process(const std::string& proc_root, const std::function<void(pid_t, const process_stat&)>& visit);

struct group_usage {
  uint64_t cpu_ticks = 0;  // summed over the group's live (and zombie) processes
  int64_t rss_bytes = 0;
  int processes = 0;

  double cpu_seconds() const;
};

// The usage of each group in `groups` that has a process now (a group with none is absent).
// `proc_root` is where procfs is mounted ("/proc"; tests may point it elsewhere). Processes
// that vanish during the pass are skipped.
std::unordered_map<pid_t, group_usage> sample_process_groups(const std::vector<pid_t>& groups,
                                                             const std::string& proc_root = "/proc");

}  // namespace mainspring
