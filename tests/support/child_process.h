// child_process: what the e2e tests and the bench both need to run `mainspring serve` as a child:
// spawn it with its output in a log file, wait for its exit with a deadline, poll its /health,
// and read the end of its log.
//
// Test and bench code only (plain POSIX and libcurl); nothing here throws.
//
// Example:
//   std::string error;
//   pid_t pid = spawn_logged({binary, "serve", "--listen", "127.0.0.1:8080"}, "/tmp/x/log", &error);
//   while (!health_ok(8080, std::chrono::seconds(1))) {
//     if (auto code = wait_exit_until(pid, std::chrono::steady_clock::now())) die(*code);
//   }
//   ::kill(pid, SIGTERM);
//   auto code = wait_exit_until(pid, std::chrono::steady_clock::now() + std::chrono::seconds(10));
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mainspring::testing {

// Forks and execs args[0] with `args`, its stdout and stderr appended to `log_path`. The child
// gets PR_SET_PDEATHSIG (SIGKILL), so a killed parent leaves no server behind. The pid, or -1
// with *error.
// `extra_env` ("NAME=value") is added to the child's environment (after the parent's, so it wins).
pid_t spawn_logged(const std::vector<std::string>& args, const std::string& log_path, std::string* error,
                   const std::vector<std::string>& extra_env = {});

// Reaps `pid` if it exits by `deadline`: its exit code (128 + signal when killed by one; -1 when
// it is not our child), or nullopt while it still runs.
std::optional<int> wait_exit_until(pid_t pid, std::chrono::steady_clock::time_point deadline);

// True when GET http://127.0.0.1:<port>/health answers 200 within `timeout`.
bool health_ok(uint16_t port, std::chrono::milliseconds timeout);

// The last `max_bytes` of the file (all of it when shorter; "" when unreadable).
std::string file_tail(const std::string& path, std::size_t max_bytes = SIZE_MAX);

}  // namespace mainspring::testing
