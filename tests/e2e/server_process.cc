#include "tests/e2e/server_process.h"

#include <cstdlib>
#include <stdexcept>

namespace mainspring::e2e {

namespace {

using namespace std::chrono_literals;

// How long a server may take to answer /health (sanitizer builds start slowly).
constexpr auto k_start_deadline = 20s;

}  // namespace

uint16_t pick_free_port() {
  uint16_t port = testing::pick_free_port();
  if (port == 0) throw std::runtime_error("pick_free_port: no free loopback port");
  return port;
}

server_process::server_process(std::vector<std::string> extra_flags) {
  const char* binary = std::getenv("MAINSPRING_BINARY");
  if (!binary || !*binary)
    throw std::runtime_error("MAINSPRING_BINARY is not set: run the e2e tests through ctest, or "
                             "export MAINSPRING_BINARY=<build>/app/mainspring");
  testing::server_options options;
  options.start_timeout = k_start_deadline;
  options.temp_prefix = "mainspring-e2e";
  std::string why;
  server_ = testing::server_process::start(binary, std::move(extra_flags), options, &why);
  if (!server_) throw std::runtime_error("mainspring serve did not start: " + why);
}

void server_process::restart() {
  std::string why;
  if (!server_->restart(&why)) throw std::runtime_error("mainspring serve did not restart: " + why);
}

void server_process::restart(std::vector<std::string> extra_flags) {
  std::string why;
  if (!server_->restart(std::move(extra_flags), &why))
    throw std::runtime_error("mainspring serve did not restart: " + why);
}

}  // namespace mainspring::e2e
