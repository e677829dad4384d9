// server_process: the real `mainspring serve` binary, started by an end-to-end test on a free
// loopback port with a fresh temporary data dir, and stopped when the test ends. A throwing face
// of the one launcher the tests and the bench share (tests/support/server_process.h).
//
// The binary is $MAINSPRING_BINARY (CTest sets it). The constructor returns once GET /health
// answers 200, and throws std::runtime_error (which Catch reports with the server's log) if the
// server exits or does not answer within a bounded wait. The destructor stops the server with
// SIGTERM, then SIGKILL if it has not exited by a deadline, and removes the temporary folder.
// kill9() and restart() are for durability tests: the data dir survives both, and so does the
// port unless another process took it meanwhile (re-read base_url() after a restart).
//
// Example:
//   server_process server({"--max-concurrent-runs", "4"});
//   http_client client(server.base_url());
//   auto r = client.get("/version");
//   server.kill9();
//   server.restart();          // same data dir (and port, when still free)
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/server_process.h"

namespace mainspring::e2e {

class server_process {
 public:
  // -- constructors --

  // Starts `$MAINSPRING_BINARY serve --listen 127.0.0.1:<free port> --data-dir <temp>/data
  // <extra_flags...>` and waits until it is healthy.
  explicit server_process(std::vector<std::string> extra_flags = {});

  // -- lifecycle --

  // SIGTERM, wait up to `grace`, then SIGKILL. Answers the exit code (128 + signal when killed
  // by one), or -1 when the server was not running.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10)) { return server_->stop(grace); }
  // SIGKILL now, as a crash would.
  void kill9() { server_->kill9(); }
  // Starts the server again on the same data dir and, if it is still free, the same port
  // (stopping it first if it runs).
  void restart();
  // The same, with `extra_flags` in place of the ones the server was started with.
  void restart(std::vector<std::string> extra_flags);
  bool running() const { return server_->running(); }

  // -- properties --
  uint16_t port() const { return server_->port(); }
  std::string base_url() const { return server_->base_url(); }  // "http://127.0.0.1:<port>"
  const std::string& data_dir() const { return server_->data_dir(); }
  pid_t pid() const { return server_->pid(); }
  // Everything the server wrote to stdout and stderr so far.
  std::string log() const { return server_->log_tail(); }

 private:
  std::unique_ptr<testing::server_process> server_;
};

// A port on 127.0.0.1 that was free a moment ago; throws when none is.
uint16_t pick_free_port();

}  // namespace mainspring::e2e
