// server_process: a `mainspring serve` child for one benchmark scenario, so that each scenario
// measures a fresh server: a free loopback port, a temporary data dir, its log in a file, RSS and
// CPU time from /proc, and a SIGTERM + restart on the same port and data dir for the restart
// benchmark. Also the /proc readers, which work for any pid (--server-pid).
//
// Example:
//   std::string why;
//   auto server = server_process::start("build/app/mainspring", {"--threads", "2"}, &why);
//   if (!server) die(why);
//   load_client client(server->base_url());
//   ... load jobs ...
//   auto rss = resident_bytes(server->pid());
//   server->stop(&why);                       // SIGTERM, waits for the exit
//   auto t0 = std::chrono::steady_clock::now();
//   server->launch(&why);                     // same port and data dir; does not wait
//
// The child gets PR_SET_PDEATHSIG, so a killed bench leaves no server behind. Nothing here
// throws.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mainspring::bench {

class server_process {
 public:
  // Starts `binary serve --listen 127.0.0.1:<free port> --data-dir <temp>/data <extra_args...>`
  // and waits until GET /health answers 200 (at most `k_start_timeout`). nullptr with *error
  // (including the end of the server's log) when it does not come up.
  static std::unique_ptr<server_process> start(std::string binary, std::vector<std::string> extra_args,
                                               std::string* error);
  // Stops the server (SIGTERM, then SIGKILL) and removes the temporary folder.
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  // -- lifecycle --

  // SIGTERM, then SIGKILL after `grace`. False (with *error) if it had to be killed or exited
  // with a non-zero code.
  bool stop(std::string* error, std::chrono::milliseconds grace = std::chrono::seconds(30));
  // Starts the binary again on the same port and data dir and returns at once (the restart
  // benchmark measures the time from here). REQUIRES: stopped.
  bool launch(std::string* error);
  // Waits until GET /health answers 200; false if the process exits or `timeout` passes.
  bool wait_healthy(std::chrono::milliseconds timeout, std::string* error);
  bool running() const { return pid_ > 0; }

  // -- properties --
  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& data_dir() const { return data_dir_; }
  // The last `bytes` of what the server wrote to stdout and stderr.
  std::string log_tail(std::size_t bytes = 2000) const;

 private:
  server_process() = default;

  std::string binary_;
  std::vector<std::string> extra_args_;
  std::string temp_dir_;
  std::string data_dir_;
  std::string log_path_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// VmRSS of process `pid` in bytes, from /proc/<pid>/status.
std::optional<uint64_t> resident_bytes(pid_t pid);
// User + system CPU time of `pid` in seconds, from /proc/<pid>/stat (threads included).
std::optional<double> cpu_seconds(pid_t pid);
// This process's own user + system CPU time (getrusage).
double own_cpu_seconds();
// The machine's 1-minute load average (/proc/loadavg): how much else competed for the cores.
std::optional<double> load_average_1min();

// A loopback port that was free a moment ago (0 if none could be found).
uint16_t pick_free_port();

}  // namespace mainspring::bench
