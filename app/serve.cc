#include "app/serve.h"

#include <csignal>
#include <filesystem>
#include <system_error>

#include <spdlog/spdlog.h>

#include "core/time_zone.h"
#include "http/http_server.h"
#include "http/native/native_routes.h"
#include "http/router.h"
#include "http/system_routes.h"

namespace mainspring {

namespace {

// Blocks until SIGINT or SIGTERM arrives. REQUIRES: both are blocked in every thread (see
// block_stop_signals), so that sigwait is their only receiver.
int wait_for_stop_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

void block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A client that disappears mid-write must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace

int run_serve(const serve_config& cfg) {
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  block_stop_signals();  // before any thread starts, so every thread inherits the mask

  auto address = http::parse_listen_address(cfg.listen);
  if (!address.ok()) {
    spdlog::error("{}", address.status().message());
    return 1;
  }
  if (auto zone = time_zone::find(cfg.timezone); !zone.ok()) {
    spdlog::error("--timezone: {}", zone.status().message());
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(cfg.data_dir, ec);
  if (ec) {
    spdlog::error("--data-dir {}: {}", cfg.data_dir, ec.message());
    return 1;
  }

  http::router routes;
  http::add_system_routes(routes);
  http::native::add_native_routes(routes);
  http::http_server server({address->first, address->second, static_cast<int>(cfg.http_threads)},
                           [&routes](http::http_request& req, http::responder reply) {
                             http::dispatch(routes, req, std::move(reply));
                           });
  if (auto st = server.start(); !st.ok()) {
    spdlog::error("{}", st.message());
    return 1;
  }
  spdlog::info("mainspring {} listening on {}:{} (data in {})", MAINSPRING_VERSION,
               address->first, server.port(), cfg.data_dir);

  int sig = wait_for_stop_signal();
  spdlog::info("received signal {}, stopping", sig);
  server.stop();
  return 0;
}

}  // namespace mainspring
