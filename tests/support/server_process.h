// server_process: the one launcher of a `mainspring serve` child, for the end-to-end tests and the
// bench: a free loopback port, a fresh temporary data dir, the server's output in a log file,
// start with a bounded wait for GET /health (answered by this very process, not by another
// test's server that took the same port), SIGTERM or SIGKILL, and restart on the same data dir
// (and port, when it is still free).
//
// Nothing here throws: a failure is `false` / nullptr with *error, which ends with the tail of
// the server's log. tests/e2e/server_process.h wraps it in a throwing class for Catch; the bench
// uses it as is.
//
// Example:
//   std::string error;
//   auto server = server_process::start("build/app/mainspring", {"--threads", "2"}, {}, &error);
//   if (!server) die(error);
//   http_get(server->base_url() + "/version");
//   server->kill9();                           // as a crash would
//   if (!server->restart(&error)) die(error);  // same data dir; re-read base_url()
//   int code = server->stop();                 // SIGTERM; its exit code
//
// The child gets PR_SET_PDEATHSIG, so a killed test or bench leaves no server behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mainspring::testing {

struct server_options {
  // How long the server may take to answer /health (a loaded 2-core machine, a sanitizer build).
  std::chrono::milliseconds start_timeout = std::chrono::seconds(30);
  // Starts tried, each on a newly picked port: a free port can be taken by another test meanwhile.
  int start_attempts = 5;
  // The temporary folder's name prefix (under the system's temp dir).
  std::string temp_prefix = "mainspring-server";
};

class server_process {
 public:
  // -- constructors --

  // Starts `binary serve --listen 127.0.0.1:<free port> --data-dir <temp>/data <extra_flags...>`
  // and waits until it is healthy. nullptr with *error when it does not come up.
  static std::unique_ptr<server_process> start(std::string binary, std::vector<std::string> extra_flags,
                                               server_options options, std::string* error);
  // Stops the server (SIGTERM, then SIGKILL) and removes the temporary folder.
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  // -- lifecycle --

  // SIGTERM, wait up to `grace`, then SIGKILL. The exit code (128 + signal when killed by one;
  // -1 when it was not running). *error, when given, says why an exit was not clean.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10), std::string* error = nullptr);
  // SIGKILL now, as a crash would.
  void kill9();
  // Starts the binary again on the same port and data dir and returns at once, without waiting
  // for /health (the bench times a restart from here). REQUIRES: stopped.
  bool launch(std::string* error);
  // Waits until this process answers GET /health with 200; false (and the process killed when it
  // still runs) if it exits or `timeout` passes.
  bool wait_healthy(std::chrono::milliseconds timeout, std::string* error);
  // Stops the server if it runs and starts it again on the same data dir and, if it is still
  // free, the same port; `extra_flags` replace the ones it was started with when given.
  bool restart(std::string* error);
  bool restart(std::vector<std::string> extra_flags, std::string* error);
  bool running() const { return pid_ > 0; }

  // -- properties --
  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& data_dir() const { return data_dir_; }
  // The last `bytes` of what the server wrote to stdout and stderr (all of it by default).
  std::string log_tail(std::size_t bytes = SIZE_MAX) const;

 private:
  server_process() = default;
  // launch() + wait_healthy(), on new ports until one works or the attempts run out.
  bool start_on_some_port(bool keep_port_first, std::string* error);

  // -- member variables --
  std::string binary_;
  std::vector<std::string> extra_flags_;
  server_options options_;
  std::string temp_dir_;
  std::string data_dir_;
  std::string log_path_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// A port on 127.0.0.1 that was free a moment ago, picked at random below the kernel's ephemeral
// range (tests that bind to port 0 at the same moment can be handed the same one); 0 if none.
uint16_t pick_free_port();

}  // namespace mainspring::testing
