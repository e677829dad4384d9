#include "tests/e2e/durability_helpers.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace mainspring::e2e {

namespace {

using namespace std::chrono_literals;

int exit_code_of(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return -1;
}

std::string describe(const std::optional<job_seen>& s) {
  if (!s) return "absent";
  std::ostringstream out;
  out << "version " << s->version << (s->paused ? " paused" : " active");
  return out.str();
}

// "n12" with prefix 'n' -> 12; nullopt if the text is not that shape.
std::optional<int> version_in(const nlohmann::json& field, char prefix) {
  if (!field.is_string()) return std::nullopt;
  const std::string& text = field.get_ref<const std::string&>();
  if (text.size() < 2 || text[0] != prefix) return std::nullopt;
  int value = 0;
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

command_result run_mainspring(const std::vector<std::string>& args,
                              std::chrono::milliseconds timeout) {
  const char* binary = std::getenv("MAINSPRING_BINARY");
  if (!binary || !*binary) throw std::runtime_error("MAINSPRING_BINARY is not set");
  std::vector<std::string> all = {binary};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(out[1], STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  if (pid < 0) {
    ::close(out[0]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }

  // Read until EOF (every writer gone) or the deadline; then reap the child.
  command_result result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;  // the deadline check above ends it
    char chunk[4096];
    ssize_t got = ::read(out[0], chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    result.output.append(chunk, static_cast<std::size_t>(got));
  }
  ::close(out[0]);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = exit_code_of(wstatus);
  return result;
}

bool wait_ready(http_client& client, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (client.get("/ready").status == 200) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
}

parsed_job parse_listed_job(const nlohmann::json& item) {
  parsed_job parsed;
  auto name = version_in(item.value("name", nlohmann::json()), 'n');
  auto memo = version_in(item.value("memo", nlohmann::json()), 'm');
  if (!name || !memo || !item.contains("active") || !item["active"].is_boolean()) {
    parsed.problem = "not a job of this model: " + item.dump();
    return parsed;
  }
  if (*name != *memo) {
    parsed.problem = "half-applied edit: name n" + std::to_string(*name) + ", memo m" +
                     std::to_string(*memo);
    return parsed;
  }
  parsed.job = job_seen{*name, !item["active"].get<bool>()};
  return parsed;
}

std::string job_history::explain_mismatch(const std::optional<job_seen>& observed) const {
  if (observed == acked_) return "";
  if (pending_ && observed == if_applied_) return "";
  std::string why = "the server shows " + describe(observed) + ", the acknowledged state is " +
                    describe(acked_);
  if (pending_) why += " (or, had the unanswered request applied, " + describe(if_applied_) + ")";
  return why;
}

}  // namespace mainspring::e2e
