#include "app/serve.h"

#include <atomic>
#include <csignal>
#include <filesystem>
#include <system_error>

#include <spdlog/spdlog.h>

#include "actors/api_key_registry.h"
#include "actors/scheduler_runtime.h"
#include "app/listeners.h"
#include "app/node_listener.h"
#include "app/memory_returner.h"
#include "app/stop_signals.h"
#include "core/executor_set.h"
#include "http/cronicle/hook_json.h"
#include "http/cronicle/run_changes.h"
#include "http/cronicle/event_json.h"
#include "http/system_routes.h"
#include "metrics/scheduler_metrics.h"

namespace mainspring {

namespace {

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

  auto plans = plan_listeners(cfg);
  if (!plans.ok()) {
    spdlog::error("{}", plans.status().message());
    return 1;
  }
  const bool nodes = !cfg.node_listen.empty();
  if (nodes) {
    if (auto st = check_node_flags(cfg); !st.ok()) {
      spdlog::error("{}", st.message());
      return 1;
    }
  }
  auto executors = parse_executor_set(cfg.executors);
  if (!executors.ok()) {
    spdlog::error("--{}", executors.status().message());
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
  rt_options.deleted_job_history = std::chrono::seconds(cfg.deleted_job_history_s);
  rt_options.worker_threads = cfg.worker_threads;
  rt_options.default_timezone = cfg.timezone;
  rt_options.max_concurrent_runs = cfg.max_concurrent_runs;
  rt_options.kill_grace = std::chrono::seconds(cfg.kill_grace_s);
  rt_options.shell_ledger_path = shell_ledger_path(cfg);
  rt_options.reply_hook_url = cfg.reply_hook;
  rt_options.executors = *executors;
  rt_options.worker_nodes = nodes;
  // The runtime, once started, for the hook formatter's categories (it is made before the start).
  auto started = std::make_shared<std::atomic<const scheduler_api*>>(nullptr);
  if (!cfg.cronicle_listen.empty()) {
    auto cronicle = cronicle_options_of(cfg);
    cronicle.categories = [started](const std::string& group) {
      const scheduler_api* api = started->load(std::memory_order_acquire);
      return api ? api->run_pools(group) : std::vector<run_pool_spec>{};
    };
    cronicle.documents = [started](const std::string& group, const std::string& kind) {
      const scheduler_api* api = started->load(std::memory_order_acquire);
      return api ? api->group_documents(group, kind) : std::vector<group_document>{};
    };
    rt_options.hook_formats.emplace(std::string(http::cronicle::k_dialect_name), http::cronicle::hook_formatter(cronicle));
    rt_options.input_formats.emplace(std::string(http::cronicle::k_dialect_name),
                                     http::cronicle::stdin_formatter(cronicle));
    rt_options.chain_params = [started, events = http::cronicle::event_context{cronicle.group, cronicle.default_timezone}](
                                  const job_spec& job, std::string_view params) {
      const scheduler_api* api = started->load(std::memory_order_acquire);
      return http::cronicle::chain_params_change(job, params, api ? with_plugins(events, *api) : events);
    };
  }
  auto runtime = scheduler_runtime::start(rt_options);
  if (!runtime.ok()) {
    spdlog::error("cannot start: {}", runtime.status().message());
    return 1;
  }
  started->store(runtime->get(), std::memory_order_release);
  std::unique_ptr<net::basp_relay> node_listener;
  if (nodes) {
    auto relay = start_node_listener(cfg, (*runtime)->node_gateway_port());
    if (!relay.ok()) {
      spdlog::error("--node-listen {}: {}", cfg.node_listen, relay.status().message());
      return 1;
    }
    node_listener = std::move(relay).value();
    (*runtime)->add_to_snapshot([relay = node_listener.get()](scheduler_snapshot& s) {
      s.node_connections_refused_total = relay->refused_connections();
      s.node_oversize_frames_total = relay->oversize_frames();
      s.node_tls_failures_total = relay->tls_failures();
    });
    spdlog::info("worker nodes: listening on {}{}", cfg.node_listen, cfg.node_tls_cert.empty() ? "" : " (TLS)");
  }

  auto& metrics = (*runtime)->metrics();
  auto keys = api_key_registry::load((*runtime)->store(), {.on_failure = [&metrics](std::string_view listener,
                                                                                     std::string_view reason) {
                                       metrics.on_api_key_failure(listener, reason);
                                     }});
  if (!keys.ok()) {
    spdlog::error("cannot read the API keys: {}", keys.status().message());
    return 1;
  }
  http::request_observer observer = [&metrics](std::string_view route, std::string_view method,
                                               int status, double seconds) {
    metrics.on_http_request(route, method, status, seconds);
  };
  listener_set listeners;
  auto probe = probe_of(**runtime);
  if (auto st = listeners.start(std::move(plans).value(), **runtime, **keys, probe, &observer,
                                   cfg.http_threads);
      !st.ok()) {
    spdlog::error("{}", st.message());
    return 1;
  }
  spdlog::info("mainspring {} ready (data in {})", MAINSPRING_VERSION, cfg.data_dir);
  memory_returner returner(allocator_hooks());

  int sig = wait_for_stop_signal();
  spdlog::info("received signal {}, stopping", sig);
  returner.stop();
  listeners.stop();
  (*keys)->flush_last_used();
  node_listener.reset();  // agents see their connection end and will dial again
  (*runtime)->stop();
  return 0;
}

}  // namespace mainspring
