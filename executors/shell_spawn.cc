#include "executors/shell_spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "core/node_auth.h"  // k_group_secret_env

extern char** environ;

namespace mainspring {
namespace {

std::string_view name_of(std::string_view entry) { return entry.substr(0, entry.find('=')); }

status validate_extra(const std::string& name, const std::string& value) {
  if (name.empty()) return status::invalid_argument("shell environment: empty variable name");
  if (name.find('=') != std::string::npos || name.find('\0') != std::string::npos) {
    return status::invalid_argument("shell environment: invalid variable name: " + name);
  }
  if (value.find('\0') != std::string::npos) {
    return status::invalid_argument("shell environment: NUL byte in the value of " + name);
  }
  return {};
}

std::string errno_text(const char* what, int err) {
  return std::string(what) + ": " + std::strerror(err);
}

status spawn_error(const char* what, int err) {
  std::string m = "spawn failed: " + errno_text(what, err);
  switch (err) {
    case EAGAIN: case EMFILE: case ENFILE: case ENOMEM:
      return status::unavailable(std::move(m));
    default:
      return status::internal(std::move(m));
  }
}

// Moves fd above the standard descriptors (so posix_spawn's dup2 onto 1 and 2 never meets
// itself, which would keep FD_CLOEXEC set), keeping it close-on-exec.
int above_stdio(int fd) {
  if (fd > STDERR_FILENO) return fd;
  int moved = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  close(fd);
  return moved;
}

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  // Close-on-exec by definition (pidfd_open sets O_CLOEXEC).
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct spawn_setup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  spawn_setup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~spawn_setup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  spawn_setup(const spawn_setup&) = delete;
  spawn_setup& operator=(const spawn_setup&) = delete;
};

// A close-on-exec memory file holding `input`, read from its start, above the standard
// descriptors; -1 with errno set on failure.
int input_file(const std::string& input) {
  int fd = memfd_create("mainspring-stdin", MFD_CLOEXEC);
  if (fd < 0) return -1;
  fd = above_stdio(fd);
  if (fd < 0) return -1;
  auto fail = [fd](int err) {
    close(fd);
    errno = err;
    return -1;
  };
  for (std::size_t done = 0; done < input.size();) {
    ssize_t n = write(fd, input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(n < 0 ? errno : EIO);
    done += static_cast<std::size_t>(n);
  }
  if (lseek(fd, 0, SEEK_SET) != 0) return fail(errno);
  return fd;
}

// A pipe's two ends above the standard descriptors, close-on-exec; each closed with it unless
// taken (release_read_end()).
struct child_pipe {
  int read_fd = -1;
  int write_fd = -1;
  ~child_pipe() {
    if (read_fd >= 0) close(read_fd);
    if (write_fd >= 0) close(write_fd);
  }
  // 0, or the errno of what failed.
  int open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return errno;
    read_fd = above_stdio(fds[0]);
    int err = read_fd < 0 ? errno : 0;
    write_fd = above_stdio(fds[1]);
    if (write_fd < 0 && err == 0) err = errno;
    return err;
  }
  // Our read end, non-blocking (the command's writes stay blocking, so a full pipe slows it
  // down instead of failing it); the pipe no longer closes it.
  int release_read_end() {
    fcntl(read_fd, F_SETFL, fcntl(read_fd, F_GETFL) | O_NONBLOCK);
    return std::exchange(read_fd, -1);
  }
};

// stdin_fd: the input file, or -1 for /dev/null. error_fd: where stderr goes (output_fd too
// when it is not apart).
int prepare(spawn_setup& s, int output_fd, int error_fd, int stdin_fd) {
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  int err = 0;
  if ((err = posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                                   POSIX_SPAWN_SETSIGDEF)))
    return err;
  if ((err = posix_spawnattr_setpgroup(&s.attr, 0))) return err;
  if ((err = posix_spawnattr_setsigmask(&s.attr, &none))) return err;
  if ((err = posix_spawnattr_setsigdefault(&s.attr, &all))) return err;
  if ((err = stdin_fd < 0 ? posix_spawn_file_actions_addopen(&s.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
                          : posix_spawn_file_actions_adddup2(&s.actions, stdin_fd, STDIN_FILENO)))
    return err;
  if ((err = posix_spawn_file_actions_adddup2(&s.actions, output_fd, STDOUT_FILENO))) return err;
  if ((err = posix_spawn_file_actions_adddup2(&s.actions, error_fd, STDERR_FILENO))) return err;
  // Nothing else of the server's: a descriptor some library opened without close-on-exec (a
  // listening socket) would outlive the server in a run that outlives it, holding its port.
  return posix_spawn_file_actions_addclosefrom_np(&s.actions, STDERR_FILENO + 1);
}

}  // namespace

std::vector<std::string> environment_snapshot() {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) out.emplace_back(*e);
  return out;
}

status_or<std::vector<std::string>> shell_environment(const std::vector<std::string>& base,
                                                      const run_request& req) {
  std::vector<std::pair<std::string, std::string>> added;
  added.reserve(req.extras.size() + 4);
  for (const auto& [name, value] : req.extras) {
    if (status st = validate_extra(name, value); !st.ok()) return st;
    added.emplace_back(name, value);
  }
  auto plan_s = std::chrono::floor<std::chrono::seconds>(req.plan_time).time_since_epoch();
  added.emplace_back("MAINSPRING_JOB_ID", req.job_id);
  added.emplace_back("MAINSPRING_GROUP", req.group);
  added.emplace_back("MAINSPRING_PLAN_TIME", std::to_string(plan_s.count()));
  added.emplace_back(k_run_id_env, std::to_string(req.run_id));
  // Duplicate names in an environment are resolved differently by different programs, so each
  // name appears once: walk the added ones from the last (the winner) and skip names seen.
  std::unordered_set<std::string_view> seen;
  std::vector<std::string> out;
  out.reserve(base.size() + added.size());
  for (auto it = added.rbegin(); it != added.rend(); ++it) {
    if (seen.insert(it->first).second) out.push_back(it->first + "=" + it->second);
  }
  for (const std::string& entry : base) {
    // The agent unsets the group's secret once read; should it still be in `base` (a snapshot
    // taken earlier, a server started with it exported), no command inherits it. A job that
    // sets the name itself (an extra) chose its value, which is not the secret's leak.
    if (name_of(entry) == k_group_secret_env) continue;
    if (!seen.count(name_of(entry))) out.push_back(entry);
  }
  return out;
}

status_or<spawned_shell> spawn_shell(const std::string& command,
                                     const std::vector<std::string>& env, const std::string& shell,
                                     const std::string& cwd, const std::string& input, bool stderr_apart) {
  // The child has its own copy of the input's descriptor once spawned; ours goes on every path.
  struct closed_on_return {
    int fd = -1;
    ~closed_on_return() {
      if (fd >= 0) close(fd);
    }
  } stdin_file;
  if (!input.empty() && (stdin_file.fd = input_file(input)) < 0) return spawn_error("memfd", errno);
  child_pipe output, error;
  if (int err = output.open()) return spawn_error("pipe2", err);
  if (stderr_apart)
    if (int err = error.open()) return spawn_error("pipe2", err);

  std::vector<char*> envp;
  envp.reserve(env.size() + 1);
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  std::string interpreter = shell.empty() ? std::string(k_default_shell) : shell;
  char dash_c[] = "-c";
  char* argv[] = {interpreter.data(), dash_c, const_cast<char*>(command.c_str()), nullptr};

  pid_t pid = -1;
  int err = 0;
  {
    spawn_setup setup;
    err = prepare(setup, output.write_fd, stderr_apart ? error.write_fd : output.write_fd, stdin_file.fd);
    if (err == 0 && !cwd.empty()) err = posix_spawn_file_actions_addchdir_np(&setup.actions, cwd.c_str());
    if (err == 0) {
      // A bare name ("bash") is looked up in the server's PATH, a path is used as it is.
      bool bare = interpreter.find('/') == std::string::npos;
      err = bare ? posix_spawnp(&pid, interpreter.c_str(), &setup.actions, &setup.attr, argv, envp.data())
                 : posix_spawn(&pid, interpreter.c_str(), &setup.actions, &setup.attr, argv, envp.data());
    }
  }
  if (err != 0) return spawn_error("posix_spawn", err);
  // Our write ends close as the pipes go out of scope: EOF then comes once the command's are
  // gone.
  spawned_shell out;
  out.pid = pid;
  out.output_fd = output.release_read_end();
  if (stderr_apart) out.error_fd = error.release_read_end();
  out.pid_fd = open_pidfd(pid);  // the child is not reaped yet, so its pid is still its own
  return out;
}

}  // namespace mainspring
