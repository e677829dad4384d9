// agent_process: a real `mainspring agent`, started by an end-to-end test against a server's
// node listener, with the group's secret in MAINSPRING_GROUP_SECRET, and stopped when the test
// ends (SIGTERM, then SIGKILL).
//
// Example:
//   server_process server({"--node-listen", "127.0.0.1:" + std::to_string(node_port)});
//   agent_process w1(node_port, "G", "w1", secret);
//   REQUIRE(eventually([&] { return node_status(api, "G", "w1") == "up"; }));
//   w1.kill9();
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mainspring::e2e {

class agent_process {
 public:
  agent_process(uint16_t node_port, std::string group, std::string node_id, std::string secret,
                std::vector<std::string> extra_flags = {});
  ~agent_process();
  agent_process(const agent_process&) = delete;
  agent_process& operator=(const agent_process&) = delete;

  void kill9();
  // SIGTERM and wait for the exit (SIGKILL after 10 s); the exit code.
  int stop();
  // Starts it again with the same flags (after kill9 or stop).
  void restart();
  // Waits up to `timeout` for it to exit by itself: its exit code, or nullopt while it runs.
  std::optional<int> exit_within(std::chrono::milliseconds timeout);
  pid_t pid() const { return pid_; }
  std::string log() const;

 private:
  void start();

  std::vector<std::string> args_;
  std::string secret_;
  std::string log_path_;
  pid_t pid_ = -1;
};

}  // namespace mainspring::e2e
