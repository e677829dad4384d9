// serve_config: every flag of `mainspring serve`, with its default, in one place.
//
// Example:
//   serve_config cfg;                     // 127.0.0.1:8080, ./data
//   CLI::App app; add_serve_flags(app, cfg);
#pragma once

#include <cstddef>
#include <string>
#include <thread>
#include <vector>

#include "actors/scheduler_runtime.h"  // k_default_deleted_job_history
#include "http/http_server.h"  // the defaults of the connection limits

namespace CLI {
class App;
}

namespace mainspring {

struct serve_config {
  std::string listen = "127.0.0.1:8080";
  // Listener of the Lua funcs (/{group}/{func}); "" = funcs are not served.
  std::string func_listen;
  // Listener of the Dkron API, and the group its jobs live in; "" = not served.
  std::string dkron_listen;
  std::string dkron_group = "dkron";
  // Listener of the ndscheduler API, and the group its jobs live in; "" = not served.
  std::string ndscheduler_listen;
  std::string ndscheduler_group = "ndscheduler";
  // Listener of the Cloudtask API (center and web routes); runtimes are groups. "" = not served.
  std::string cloudtask_listen;
  // Listener of the Cronicle API, and the group its events live in; "" = not served.
  std::string cronicle_listen;
  std::string cronicle_group = "cronicle";
  // Listener worker agents connect to (`mainspring agent --server`); "" = no worker nodes. With
  // cert and key it speaks TLS, and with a CA it also requires client certificates; without TLS
  // only a loopback address is allowed unless node_insecure.
  std::string node_listen;
  std::string node_tls_cert, node_tls_key, node_tls_ca;
  bool node_insecure = false;
  std::string data_dir = "./data";
  // CAF worker threads; 0 = the number of cores.
  unsigned worker_threads = 0;
  // Pistache reactor threads for the REST listener.
  unsigned http_threads = 1;
  // Default IANA time zone for jobs that name none.
  std::string timezone = "UTC";
  // Runs in flight at once per executor; further runs wait in a queue.
  std::size_t max_concurrent_runs = 256;
  // Seconds between SIGTERM and SIGKILL when a shell run is stopped (timeout, abort, limit).
  unsigned kill_grace_s = 10;
  std::string log_level = "info";
  // After every run, POST its report (JSON) here; "" = no reply hook.
  std::string reply_hook;
  // Run history kept per job, and the oldest run kept (seconds; 0 = no age limit).
  std::size_t history_runs = 100;
  unsigned history_max_age_s = 0;
  // Seconds a deleted job's runs stay listed (0 = they go with it).
  unsigned deleted_job_history_s = static_cast<unsigned>(k_default_deleted_job_history.count());
  // Executors jobs may use ("http,shell,lua,remote,noop"); jobs naming another are refused.
  std::string executors = "http,shell,lua,remote,noop";
  // Browser origins (scheme://host[:port]) allowed to call the listeners besides their own, and
  // Host names allowed besides the loopback ones (see http/cross_site_guard.h).
  std::vector<std::string> allowed_origins;
  std::vector<std::string> allowed_hosts;
  // What a connection may cost (http::connection_limits), per listener.
  // Every listener but the funcs' asks each request for an API key with the privilege its route
  // needs (http/api_key_guard.h); without it only dialects that always do (Cronicle) ask.
  bool require_api_key = false;
  std::size_t max_connections = http::k_max_connections;
  unsigned idle_timeout_s = http::k_idle_timeout_ms / 1000;
  unsigned request_head_timeout_s = http::k_request_head_deadline_ms / 1000;
};

// Registers the flags of `cfg` on `app` (a CLI11 subcommand).
void add_serve_flags(CLI::App& app, serve_config& cfg);

// The file in the data dir where the server records its shell runs' process groups while they
// run (executors/process_ledger.h), so that a start after a kill -9 ends those left running.
inline constexpr const char* k_shell_ledger_file = "shell-processes";
std::string shell_ledger_path(const serve_config& cfg);

}  // namespace mainspring
