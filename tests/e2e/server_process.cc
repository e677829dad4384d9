#include "tests/e2e/server_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <dirent.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/child_process.h"

namespace mainspring::e2e {

namespace {

using namespace std::chrono_literals;

// How long a server may take to answer /health (sanitizer builds start slowly).
constexpr auto k_start_deadline = 20s;
constexpr auto k_poll_interval = 25ms;
constexpr int k_start_attempts = 5;  // a free port can be taken by another test meanwhile
constexpr int k_first_test_port = 20000;
constexpr int k_last_test_port = 32000;

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
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >>
        inode;
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
  // A random port below the kernel's ephemeral range: tests started at the same moment that ask
  // the kernel for "any port" (bind to 0) can be handed the same one.
  static std::mt19937 random{std::random_device{}()};
  std::uniform_int_distribution<int> in_range(k_first_test_port, k_last_test_port);
  for (int attempt = 0; attempt < 100; ++attempt) {
    uint16_t port = static_cast<uint16_t>(in_range(random));
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) break;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (free) return port;
  }
  throw std::runtime_error("pick_free_port: no free port in " + std::to_string(k_first_test_port) +
                           "-" + std::to_string(k_last_test_port));
}

server_process::server_process(std::vector<std::string> extra_flags)
    : extra_flags_(std::move(extra_flags)) {
  const char* binary = std::getenv("MAINSPRING_BINARY");
  if (!binary || !*binary)
    throw std::runtime_error("MAINSPRING_BINARY is not set: run the e2e tests through ctest, or "
                             "export MAINSPRING_BINARY=<build>/app/mainspring");
  binary_ = binary;
  std::string templ = (std::filesystem::temp_directory_path() / "mainspring-e2e-XXXXXX").string();
  if (!::mkdtemp(templ.data()))
    throw std::runtime_error("mkdtemp: " + std::string(std::strerror(errno)));
  temp_dir_ = templ;
  data_dir_ = temp_dir_ + "/data";
  log_path_ = temp_dir_ + "/server.log";
  std::string why;
  for (int attempt = 0; attempt < k_start_attempts; ++attempt) {
    port_ = pick_free_port();
    if (start_once(&why)) return;
  }
  std::string log_text = log();
  std::error_code ec;
  std::filesystem::remove_all(temp_dir_, ec);
  throw std::runtime_error("mainspring serve did not start: " + why + "\n--- server log ---\n" +
                           log_text);
}

server_process::~server_process() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(temp_dir_, ec);
}

bool server_process::start_once(std::string* why) {
  std::vector<std::string> args = {binary_, "serve", "--listen",
                                   "127.0.0.1:" + std::to_string(port_), "--data-dir", data_dir_};
  args.insert(args.end(), extra_flags_.begin(), extra_flags_.end());
  pid_t pid = testing::spawn_logged(args, log_path_, why);
  if (pid < 0) return false;
  pid_ = pid;
  return wait_healthy(why);
}

bool server_process::wait_healthy(std::string* why) {
  auto deadline = std::chrono::steady_clock::now() + k_start_deadline;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto code = testing::wait_exit_until(pid_, std::chrono::steady_clock::now())) {
      *why = "the server exited with code " + std::to_string(*code) + " before answering /health";
      pid_ = -1;
      return false;
    }
    if (testing::health_ok(port_, 1s) && listens_on(pid_, port_)) return true;
    std::this_thread::sleep_for(k_poll_interval);
  }
  *why = "GET /health did not answer 200 within " +
         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(k_start_deadline).count()) +
         " s";
  kill9();
  return false;
}

int server_process::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  auto code = testing::wait_exit_until(pid_, std::chrono::steady_clock::now() + grace);
  if (!code) {
    ::kill(pid_, SIGKILL);
    code = testing::wait_exit_until(pid_, std::chrono::steady_clock::now() + 10s);
  }
  pid_ = -1;
  return code.value_or(-1);
}

void server_process::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  testing::wait_exit_until(pid_, std::chrono::steady_clock::now() + 10s);
  pid_ = -1;
}

void server_process::restart(std::vector<std::string> extra_flags) {
  extra_flags_ = std::move(extra_flags);
  restart();
}

void server_process::restart() {
  stop();
  std::string why;
  for (int attempt = 0; attempt < k_start_attempts; ++attempt) {
    if (start_once(&why)) return;
    port_ = pick_free_port();  // someone took ours meanwhile
  }
  throw std::runtime_error("mainspring serve did not restart: " + why + "\n--- server log ---\n" +
                             log());
}

std::string server_process::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::string server_process::log() const { return testing::file_tail(log_path_); }

}  // namespace mainspring::e2e
