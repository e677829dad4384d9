#include "tests/e2e/agent_process.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>

#include "tests/support/child_process.h"

namespace mainspring::e2e {

namespace {
int g_agents = 0;  // for log file names
}

agent_process::agent_process(uint16_t node_port, std::string group, std::string node_id, std::string secret,
                             std::vector<std::string> extra_flags)
    : secret_(std::move(secret)) {
  const char* binary = std::getenv("MAINSPRING_BINARY");
  if (!binary) throw std::runtime_error("MAINSPRING_BINARY is not set");
  args_ = {binary, "agent", "--server", "127.0.0.1:" + std::to_string(node_port), "--group", group,
           "--node-id", node_id};
  args_.insert(args_.end(), extra_flags.begin(), extra_flags.end());
  log_path_ = "/tmp/mainspring-agent-" + std::to_string(::getpid()) + "-" + std::to_string(++g_agents) + ".log";
  start();
}

agent_process::~agent_process() {
  stop();
  ::unlink(log_path_.c_str());
}

void agent_process::start() {
  std::string error;
  pid_ = testing::spawn_logged(args_, log_path_, &error, {"MAINSPRING_GROUP_SECRET=" + secret_});
  if (pid_ < 0) throw std::runtime_error("cannot start the agent: " + error);
}

void agent_process::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  testing::wait_exit_until(pid_, std::chrono::steady_clock::now() + std::chrono::seconds(10));
  pid_ = -1;
}

int agent_process::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  auto code = testing::wait_exit_until(pid_, std::chrono::steady_clock::now() + std::chrono::seconds(10));
  if (!code) {
    ::kill(pid_, SIGKILL);
    code = testing::wait_exit_until(pid_, std::chrono::steady_clock::now() + std::chrono::seconds(10));
  }
  pid_ = -1;
  return code.value_or(-1);
}

std::optional<int> agent_process::exit_within(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  auto code = testing::wait_exit_until(pid_, std::chrono::steady_clock::now() + timeout);
  if (code) pid_ = -1;  // reaped: nothing left to stop
  return code;
}

void agent_process::restart() {
  stop();
  start();
}

std::string agent_process::log() const { return testing::file_tail(log_path_, 16 * 1024); }

}  // namespace mainspring::e2e
