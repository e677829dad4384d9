#include "bench/server_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/child_process.h"

namespace mainspring::bench {

namespace {

using namespace std::chrono_literals;

constexpr auto k_start_timeout = 60s;  // a server on a busy 2-core machine can be slow to bind
constexpr int k_start_attempts = 3;     // the free port may be taken between pick and bind


}  // namespace

uint16_t pick_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

std::unique_ptr<server_process> server_process::start(std::string binary,
                                                      std::vector<std::string> extra_args,
                                                      std::string* error) {
  std::unique_ptr<server_process> p(new server_process());
  p->binary_ = std::move(binary);
  p->extra_args_ = std::move(extra_args);
  std::string templ = (std::filesystem::temp_directory_path() / "mainspring-bench-XXXXXX").string();
  if (!::mkdtemp(templ.data())) {
    *error = "mkdtemp: " + std::string(std::strerror(errno));
    return nullptr;
  }
  p->temp_dir_ = templ;
  p->data_dir_ = templ + "/data";
  p->log_path_ = templ + "/server.log";
  for (int attempt = 0; attempt < k_start_attempts; ++attempt) {
    p->port_ = pick_free_port();
    if (p->launch(error) && p->wait_healthy(k_start_timeout, error)) return p;
    if (p->running()) p->stop(error, 5s);
  }
  *error += "\n--- end of the server log ---\n" + p->log_tail();
  return nullptr;
}

server_process::~server_process() {
  std::string ignored;
  stop(&ignored, 10s);
  std::error_code ec;
  if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_, ec);
}

bool server_process::launch(std::string* error) {
  std::vector<std::string> args = {binary_, "serve", "--listen",
                                   "127.0.0.1:" + std::to_string(port_), "--data-dir", data_dir_};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  pid_t pid = testing::spawn_logged(args, log_path_, error);
  if (pid < 0) return false;
  pid_ = pid;
  return true;
}

bool server_process::wait_healthy(std::chrono::milliseconds timeout, std::string* error) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto code = testing::wait_exit_until(pid_, std::chrono::steady_clock::now())) {
      *error = "the server exited with code " + std::to_string(*code) + " before answering /health";
      pid_ = -1;
      return false;
    }
    if (testing::health_ok(port_, 2s)) return true;
    std::this_thread::sleep_for(10ms);
  }
  *error = "GET /health did not answer 200 within " + std::to_string(timeout.count()) + " ms";
  return false;
}

bool server_process::stop(std::string* error, std::chrono::milliseconds grace) {
  if (pid_ <= 0) return true;
  ::kill(pid_, SIGTERM);
  auto code = testing::wait_exit_until(pid_, std::chrono::steady_clock::now() + grace);
  bool clean = code && *code == 0;
  if (!code) {
    ::kill(pid_, SIGKILL);
    code = testing::wait_exit_until(pid_, std::chrono::steady_clock::now() + 10s);
    *error = "the server had not exited " + std::to_string(grace.count()) + " ms after SIGTERM: killed";
  } else if (*code != 0) {
    *error = "the server exited with code " + std::to_string(*code) + " after SIGTERM";
  }
  pid_ = -1;
  return clean;
}

std::string server_process::log_tail(std::size_t bytes) const {
  return testing::file_tail(log_path_, bytes);
}

std::optional<uint64_t> resident_bytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    uint64_t kib = 0;
    if (fields >> kib) return kib * 1024;
  }
  return std::nullopt;
}

std::optional<double> cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');  // the command name may contain spaces and parentheses
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  uint64_t utime = 0, stime = 0;
  // Fields 3.. follow the name; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

std::optional<double> load_average_1min() {
  std::ifstream in("/proc/loadavg");
  double one = 0;
  if (in >> one) return one;
  return std::nullopt;
}

}  // namespace mainspring::bench
