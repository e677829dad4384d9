// process_stats: what the kernel says about this process, for the standard process_* metrics.
//
// read_process_stats() reads /proc/self/stat, /proc/self/fd and /proc/stat (the boot time) once
// per call, so /metrics can report CPU time, RSS and open file descriptors
// as of the scrape without any background sampling. Linux only. It is a few system calls and a
// directory listing: cheap at scrape rate, not something to call on a hot path.
//
// Example:
//   status_or<process_stats> st = read_process_stats();
//   if (st.ok()) std::printf("rss %llu bytes\n", (unsigned long long)st->resident_memory_bytes);
//
// The parsing is split from the reading so the tests can feed it odd lines (a command name with
// spaces and parentheses in it).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace mainspring {

struct process_stats {
  double cpu_seconds = 0;              // user + system time
  uint64_t resident_memory_bytes = 0;
  uint64_t virtual_memory_bytes = 0;
  uint64_t open_fds = 0;               // not counting the one used to list /proc/self/fd
  uint64_t max_fds = 0;                // the soft RLIMIT_NOFILE
  double start_time_seconds = 0;       // unix seconds
};

// Reads the current figures. Fails (internal) only if /proc is not mounted or unreadable.
status_or<process_stats> read_process_stats();

// -- the parsing pieces, exposed for tests --

// The fields of /proc/<pid>/stat that process_stats needs, in clock ticks and pages.
struct proc_stat_fields {
  uint64_t utime_ticks = 0;       // field 14
  uint64_t stime_ticks = 0;       // field 15
  uint64_t start_time_ticks = 0;  // field 22: ticks after boot
  uint64_t vsize_bytes = 0;       // field 23
  uint64_t rss_pages = 0;         // field 24
};

// Parses one /proc/<pid>/stat line. The command name (field 2) sits in parentheses and may
// contain spaces and ')' itself, so the fields after it are counted from the last ')'.
status_or<proc_stat_fields> parse_proc_stat(std::string_view line);

// Finds "btime <unix seconds>" in the text of /proc/stat.
status_or<uint64_t> parse_boot_time(std::string_view proc_stat_text);

}  // namespace mainspring
