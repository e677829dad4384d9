#include "app/serve.h"

#include <csignal>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>

#include <spdlog/spdlog.h>

#include "actors/scheduler_runtime.h"
#include "core/executor_set.h"
#include "http/cross_site_guard.h"
#include "http/funcs/func_call_routes.h"
#include "http/http_server.h"
#include "http/native/native_routes.h"
#include "http/router.h"
#include "http/system_routes.h"
#include "metrics/scheduler_metrics.h"

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

http::system_probe probe_of(scheduler_runtime& runtime) {
  http::system_probe probe;
  probe.health_details = [&runtime] {
    auto s = runtime.snapshot();
    return nlohmann::json{{"jobs", s.jobs},
                          {"pending_timers", s.pending_timers},
                          {"runs_in_flight", s.runs_in_flight},
                          {"runs_queued", s.runs_queued}};
  };
  probe.not_ready_reason = [&runtime] { return runtime.not_ready_reason(); };
  probe.metrics_text = [&runtime] { return runtime.metrics().scrape(); };
  return probe;
}

}  // namespace

int run_serve(const serve_config& cfg) {
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  block_stop_signals();  // before any thread starts, so every thread inherits the mask

  auto address = http::parse_listen_address(cfg.listen);
  if (!address.ok()) {
    spdlog::error("--listen: {}", address.status().message());
    return 1;
  }
  std::optional<std::pair<std::string, uint16_t>> func_address;
  if (!cfg.func_listen.empty()) {
    auto parsed = http::parse_listen_address(cfg.func_listen);
    if (!parsed.ok()) {
      spdlog::error("--func-listen: {}", parsed.status().message());
      return 1;
    }
    func_address = std::move(parsed).value();
  }
  auto executors = parse_executor_set(cfg.executors);
  if (!executors.ok()) {
    spdlog::error("--{}", executors.status().message());
    return 1;
  }
  http::cross_site_options cross_site{cfg.allowed_origins, cfg.allowed_hosts};
  auto guard = http::cross_site_guard::make(cross_site, address->first);
  if (!guard.ok()) {
    spdlog::error("{}", guard.status().message());
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(cfg.data_dir, ec);
  if (ec) {
    spdlog::error("--data-dir {}: {}", cfg.data_dir, ec.message());
    return 1;
  }

  runtime_options rt_options;
  rt_options.data_dir = cfg.data_dir;
  rt_options.max_runs_per_job = cfg.history_runs;
  rt_options.max_run_age = std::chrono::seconds(cfg.history_max_age_s);
  rt_options.worker_threads = cfg.worker_threads;
  rt_options.default_timezone = cfg.timezone;
  rt_options.max_concurrent_runs = cfg.max_concurrent_runs;
  rt_options.reply_hook_url = cfg.reply_hook;
  rt_options.executors = *executors;
  auto runtime = scheduler_runtime::start(rt_options);
  if (!runtime.ok()) {
    spdlog::error("cannot start: {}", runtime.status().message());
    return 1;
  }

  auto& metrics = (*runtime)->metrics();
  http::request_observer observer = [&metrics](std::string_view route, std::string_view method,
                                               int status, double seconds) {
    metrics.on_http_request(route, method, status, seconds);
  };
  // The funcs get a listener of their own, as the original's HTTP_FUNC_LISTEN. It starts first,
  // so that a server whose /health answers also serves its funcs.
  http::router func_routes;
  http::funcs::add_func_call_routes(func_routes, **runtime);
  std::unique_ptr<http::http_server> func_server;
  std::optional<http::cross_site_guard> func_guard;
  if (func_address) {
    auto made = http::cross_site_guard::make(cross_site, func_address->first);
    if (!made.ok()) {
      spdlog::error("{}", made.status().message());
      return 1;
    }
    func_guard = std::move(made).value();
    http::http_server_options func_options;
    func_options.host = func_address->first;
    func_options.port = func_address->second;
    func_server = std::make_unique<http::http_server>(
        std::move(func_options),
        [&func_routes, &observer, &func_guard](http::http_request& req, http::responder reply) {
          http::dispatch(func_routes, req, std::move(reply), {{}, &*func_guard, &observer});
        });
    if (auto st = func_server->start(); !st.ok()) {
      spdlog::error("--func-listen: {}", st.message());
      return 1;
    }
    spdlog::info("funcs served on {}:{}", func_address->first, func_server->port());
  }

  http::router routes;
  http::add_system_routes(routes, probe_of(**runtime));
  http::native::add_native_routes(routes, **runtime);
  http::http_server_options http_options;
  http_options.host = address->first;
  http_options.port = address->second;
  http_options.threads = static_cast<int>(cfg.http_threads);
  http_options.body_limit_for = [](std::string_view path) {
    bool import = path == "/v1/import" || path == "/import";
    return import ? http::native::k_max_import_bytes : http::k_max_body_bytes;
  };
  http::http_server server(std::move(http_options),
                           [&routes, &observer, &guard](http::http_request& req, http::responder reply) {
                             http::dispatch(routes, req, std::move(reply), {{}, &*guard, &observer});
                           });
  if (auto st = server.start(); !st.ok()) {
    spdlog::error("--listen: {}", st.message());
    if (func_server) func_server->stop();
    return 1;
  }
  spdlog::info("mainspring {} listening on {}:{} (data in {})", MAINSPRING_VERSION,
               address->first, server.port(), cfg.data_dir);

  int sig = wait_for_stop_signal();
  spdlog::info("received signal {}, stopping", sig);
  if (func_server) func_server->stop();
  server.stop();
  (*runtime)->stop();
  return 0;
}

}  // namespace mainspring
