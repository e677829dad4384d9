// server_process: the real `mainspring serve` binary, started by an end-to-end test on a free
// loopback port with a fresh temporary data dir, and stopped when the test ends.
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
#include <string>
#include <vector>

namespace mainspring::e2e {

class server_process {
 public:
  // -- constructors --

  // Starts `$MAINSPRING_BINARY serve --listen 127.0.0.1:<free port> --data-dir <temp>/data
  // <extra_flags...>` and waits until it is healthy.
  explicit server_process(std::vector<std::string> extra_flags = {});
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  // -- lifecycle --

  // SIGTERM, wait up to `grace`, then SIGKILL. Answers the exit code (128 + signal when killed
  // by one), or -1 when the server was not running.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  // SIGKILL now, as a crash would.
  void kill9();
  // Starts the server again on the same data dir and, if it is still free, the same port
  // (stopping it first if it runs).
  void restart();
  // The same, with `extra_flags` in place of the ones the server was started with.
  void restart(std::vector<std::string> extra_flags);
  bool running() const { return pid_ > 0; }

  // -- properties --
  uint16_t port() const { return port_; }
  std::string base_url() const;          // "http://127.0.0.1:<port>"
  const std::string& data_dir() const { return data_dir_; }
  pid_t pid() const { return pid_; }
  // Everything the server wrote to stdout and stderr so far.
  std::string log() const;

 private:
  // Starts the binary; false if it exited before answering (e.g. the port was taken).
  bool start_once(std::string* why);
  bool wait_healthy(std::string* why);

  // -- member variables --
  std::string binary_;
  std::vector<std::string> extra_flags_;
  std::string temp_dir_;
  std::string data_dir_;
  std::string log_path_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// A port on 127.0.0.1 that was free a moment ago.
uint16_t pick_free_port();

}  // namespace mainspring::e2e
