// stop_signals: how the foreground commands (serve, agent) stop on SIGINT and SIGTERM.
//
// Example:
//   block_stop_signals();            // first thing in main, before any thread starts
//   ... start threads ...
//   int sig = wait_for_stop_signal();
#pragma once

namespace mainspring {

// Blocks SIGINT and SIGTERM in the calling thread (and the threads it starts afterwards), so
// that wait_for_stop_signal is their only receiver; ignores SIGPIPE.
void block_stop_signals();

// Blocks until SIGINT or SIGTERM arrives and answers it. REQUIRES: block_stop_signals() ran.
int wait_for_stop_signal();

}  // namespace mainspring
