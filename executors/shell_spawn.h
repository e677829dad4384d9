// shell_spawn: starts one `/bin/sh -c` command as its own process group, for shell_runner.
//
// Kept apart from the runner's event loop because it is the only place that touches
// posix_spawn and the child's environment. The child gets stdin from /dev/null (or a memory
// file holding its input), stdout and stderr on one pipe (or each on its own), an empty signal mask and default signal dispositions (the server may block
// or ignore SIGPIPE and others; a command must not inherit that). posix_spawn is vfork-like, so
// it is safe and cheap in a multithreaded process with a large heap.
//
// Example:
//   auto env = shell_environment(environment_snapshot(), req);
//   if (!env.ok()) return fail(env.status());
//   status_or<spawned_shell> child = spawn_shell(req.target, env.value());
//   // ... read child->output_fd until EOF, wait on child->pid_fd, waitpid(child->pid), close both.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/status.h"
#include "executors/run.h"

namespace mainspring {

// A running child. The caller owns both descriptors and must reap pid.
struct spawned_shell {
  pid_t pid = -1;      // the shell; also its process group id
  int output_fd = -1;  // read end of its stdout+stderr pipe (stdout only when stderr is apart): O_NONBLOCK | O_CLOEXEC
  int error_fd = -1;   // read end of its stderr pipe when stderr is apart, else -1; as output_fd
  int pid_fd = -1;     // pidfd, readable once the shell exited; -1 if the kernel has none
};

// The variable that gives each run's processes its run id. The process ledger (process_ledger.h)
// also reads it back, to tell a run's processes after a crash.
inline constexpr const char* k_run_id_env = "MAINSPRING_RUN_ID";

// The process's environment now, as "NAME=value" strings.
// Not thread-safe against a concurrent setenv (nothing is): call it once, early.
std::vector<std::string> environment_snapshot();

// `base` plus req.extras plus MAINSPRING_JOB_ID, MAINSPRING_GROUP, MAINSPRING_PLAN_TIME (unix
// seconds) and MAINSPRING_RUN_ID, each name at most once; later sources win over earlier ones.
// `base`'s MAINSPRING_GROUP_SECRET (core/node_auth.h k_group_secret_env) is always left out.
// Fails with invalid_argument if an extra's name is empty or holds '=' or NUL, or its value
// holds NUL.
status_or<std::vector<std::string>> shell_environment(const std::vector<std::string>& base,
                                                      const run_request& req);

inline constexpr const char* k_default_shell = "/bin/sh";

// Spawns `<shell> -c command` (shell "" = /bin/sh; a bare name is looked up in PATH) with
// environment `env` (exactly those strings) in a new process group, in directory `cwd` ("" = the
// server's), reading `input` on stdin ("" = /dev/null). The input is a memory file (memfd), not
// a pipe: it is written whole before the spawn, never blocks, and a command that does not read
// it is not disturbed. With `stderr_apart` its stderr goes to a second pipe (error_fd). Fails
// with unavailable (out of processes, descriptors or memory) or internal (also when the shell
// or cwd does not exist).
status_or<spawned_shell> spawn_shell(const std::string& command,
                                     const std::vector<std::string>& env,
                                     const std::string& shell = "", const std::string& cwd = "",
                                     const std::string& input = "", bool stderr_apart = false);

}  // namespace mainspring
