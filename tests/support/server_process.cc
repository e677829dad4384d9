#include "tests/support/server_process.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <string_view>
#include <thread>

#include "tests/support/child_process.h"

namespace mainspring::testing {

namespace {

using namespace std::chrono_literals;

constexpr auto k_poll_interval = 25ms;
constexpr auto k_health_request_timeout = 1s;
constexpr auto k_kill_wait = 10s;  // for a SIGKILLed process to be reaped
constexpr int k_first_test_port = 20000;
constexpr int k_last_test_port = 32000;
constexpr int k_port_picks = 100;
// Ports this process handed out lately, never handed out again while they are among them: a
// test picks several ports before its server binds any (one per listener), and two picks of
// the same still-free port made the server refuse its second listener (a CI run).
constexpr std::size_t k_recent_ports = 256;

// The inode of the socket listening on 127.0.0.1:port or 0.0.0.0:port, or "" if none.
std::string listening_inode(uint16_t port) {
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // the header
  char wanted[8];
  std::snprintf(wanted, sizeof wanted, ":%04X", port);
  while (std::getline(tcp, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
    if (state == "0A" && local.size() > 5 && local.substr(local.size() - 5) == wanted) return inode;
  }
  return "";
}

// True if process `pid` holds the socket listening on `port`: a /health answer on a port that
// another test's server took (two tests can pick the same free port) is not ours.
bool listens_on(pid_t pid, uint16_t port) {
  std::string inode = listening_inode(port);
  if (inode.empty()) return false;
  std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* dir = ::opendir(fd_dir.c_str());
  if (!dir) return false;
  std::string target = "socket:[" + inode + "]";
  bool found = false;
  while (dirent* entry = ::readdir(dir)) {
    char link[64];
    std::string path = fd_dir + "/" + entry->d_name;
    ssize_t n = ::readlink(path.c_str(), link, sizeof link - 1);
    if (n > 0 && std::string_view(link, static_cast<std::size_t>(n)) == target) {
      found = true;
      break;
    }
  }
  ::closedir(dir);
  return found;
}

}  // namespace

uint16_t pick_free_port() {
  static std::mutex mutex;
  static std::mt19937 random{std::random_device{}()};
  static std::deque<uint16_t> recent;
  std::lock_guard<std::mutex> lock(mutex);
  std::uniform_int_distribution<int> in_range(k_first_test_port, k_last_test_port);
  for (int attempt = 0; attempt < k_port_picks; ++attempt) {
    auto port = static_cast<uint16_t>(in_range(random));
    if (std::find(recent.begin(), recent.end(), port) != recent.end()) continue;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) break;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (!free) continue;
    recent.push_back(port);
    if (recent.size() > k_recent_ports) recent.pop_front();
    return port;
  }
  return 0;
}

std::unique_ptr<server_process> server_process::start(std::string binary, std::vector<std::string> extra_flags,
                                                      server_options options, std::string* error) {
  std::unique_ptr<server_process> p(new server_process());
  p->binary_ = std::move(binary);
  p->extra_flags_ = std::move(extra_flags);
  p->options_ = std::move(options);
  std::string templ = (std::filesystem::temp_directory_path() / (p->options_.temp_prefix + "-XXXXXX")).string();
  if (!::mkdtemp(templ.data())) {
    *error = "mkdtemp: " + std::string(std::strerror(errno));
    return nullptr;
  }
  p->temp_dir_ = templ;
  p->data_dir_ = templ + "/data";
  p->log_path_ = templ + "/server.log";
  if (!p->start_on_some_port(false, error)) return nullptr;  // the destructor removes the folder
  return p;
}

server_process::~server_process() {
  stop();
  std::error_code ec;
  if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_, ec);
}

bool server_process::start_on_some_port(bool keep_port_first, std::string* error) {
  for (int attempt = 0; attempt < options_.start_attempts; ++attempt) {
    if (attempt > 0 || !keep_port_first) port_ = pick_free_port();
    if (port_ == 0) {
      *error = "no free port in " + std::to_string(k_first_test_port) + "-" + std::to_string(k_last_test_port);
      continue;
    }
    if (launch(error) && wait_healthy(options_.start_timeout, error)) return true;
  }
  *error += "\n--- end of the server log ---\n" + log_tail(4000);
  return false;
}

bool server_process::launch(std::string* error) {
  std::vector<std::string> args = {binary_, "serve", "--listen", "127.0.0.1:" + std::to_string(port_),
                                   "--data-dir", data_dir_};
  args.insert(args.end(), extra_flags_.begin(), extra_flags_.end());
  pid_t pid = spawn_logged(args, log_path_, error);
  if (pid < 0) return false;
  pid_ = pid;
  return true;
}

bool server_process::wait_healthy(std::chrono::milliseconds timeout, std::string* error) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto code = wait_exit_until(pid_, std::chrono::steady_clock::now())) {
      *error = "the server exited with code " + std::to_string(*code) + " before answering /health";
      pid_ = -1;
      return false;
    }
    if (health_ok(port_, k_health_request_timeout) && listens_on(pid_, port_)) return true;
    std::this_thread::sleep_for(k_poll_interval);
  }
  *error = "GET /health did not answer 200 within " + std::to_string(timeout.count()) + " ms";
  kill9();
  return false;
}

int server_process::stop(std::chrono::milliseconds grace, std::string* error) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  auto code = wait_exit_until(pid_, std::chrono::steady_clock::now() + grace);
  if (!code) {
    ::kill(pid_, SIGKILL);
    code = wait_exit_until(pid_, std::chrono::steady_clock::now() + k_kill_wait);
    if (error) *error = "the server had not exited " + std::to_string(grace.count()) + " ms after SIGTERM: killed";
  } else if (*code != 0 && error) {
    *error = "the server exited with code " + std::to_string(*code) + " after SIGTERM";
  }
  pid_ = -1;
  return code.value_or(-1);
}

void server_process::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_exit_until(pid_, std::chrono::steady_clock::now() + k_kill_wait);
  pid_ = -1;
}

bool server_process::restart(std::string* error) {
  stop();
  return start_on_some_port(true, error);
}

bool server_process::restart(std::vector<std::string> extra_flags, std::string* error) {
  extra_flags_ = std::move(extra_flags);
  return restart(error);
}

std::string server_process::log_tail(std::size_t bytes) const { return file_tail(log_path_, bytes); }

}  // namespace mainspring::testing
