#include "app/serve_config.h"

#include <filesystem>

#include <CLI/CLI.hpp>

namespace mainspring {

void add_serve_flags(CLI::App& app, serve_config& cfg) {
  app.add_option("--listen", cfg.listen, "REST listener, host:port or [ipv6]:port")
      ->capture_default_str();
  app.add_option("--func-listen", cfg.func_listen,
                 "Listener serving Lua funcs at /{group}/{func}, host:port (e.g. 127.0.0.1:8081); empty = off");
  app.add_option("--dkron-listen", cfg.dkron_listen,
                 "Listener serving Dkron's REST API (/v1/jobs, ...), host:port (e.g. 127.0.0.1:8090); empty = off");
  app.add_option("--dkron-group", cfg.dkron_group, "Group that holds the jobs made through the Dkron API")
      ->capture_default_str();
  app.add_option("--ndscheduler-listen", cfg.ndscheduler_listen,
                 "Listener serving ndscheduler's REST API (/api/v1/jobs, ...), host:port (e.g. 127.0.0.1:8888); empty = off");
  app.add_option("--ndscheduler-group", cfg.ndscheduler_group,
                 "Group that holds the jobs made through the ndscheduler API")
      ->capture_default_str();
  app.add_option("--cloudtask-listen", cfg.cloudtask_listen,
                 "Listener serving Cloudtask's center API (/cloudtask/v2/...) and web API (/api/job, ...), "
                 "host:port (e.g. 127.0.0.1:8985); runtimes are groups, servers are worker nodes (--node-listen); "
                 "empty = off");
  app.add_option("--cronicle-listen", cfg.cronicle_listen,
                 "Listener serving Cronicle's JSON API (/api/app/<call>/v1), host:port (e.g. 127.0.0.1:3012); "
                 "it always wants an API key; empty = off");
  app.add_option("--cronicle-group", cfg.cronicle_group, "Group that holds the events made through the Cronicle API")
      ->capture_default_str();
  app.add_option("--node-listen", cfg.node_listen,
                 "Listener for worker agents (mainspring agent), host:port (e.g. 127.0.0.1:7070); empty = off");
  app.add_option("--node-tls-cert", cfg.node_tls_cert, "PEM certificate of the node listener: agents dial with TLS");
  app.add_option("--node-tls-key", cfg.node_tls_key, "PEM key of --node-tls-cert");
  app.add_option("--node-tls-ca", cfg.node_tls_ca,
                 "PEM CA whose client certificates agents must present (mutual TLS)");
  app.add_flag("--node-insecure", cfg.node_insecure,
               "Allow a node listener on a non-loopback address without TLS (agents' traffic in the clear)");
  app.add_flag("--require-api-key", cfg.require_api_key,
               "Every listener but the funcs' wants an API key (X-API-Key) with the privilege its route needs");
  app.add_option("--data-dir", cfg.data_dir, "Folder of the embedded LevelDB state")
      ->capture_default_str();
  app.add_option("--threads", cfg.worker_threads, "Actor worker threads (0 = number of cores)")
      ->capture_default_str();
  app.add_option("--http-threads", cfg.http_threads, "HTTP reactor threads")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  app.add_option("--timezone", cfg.timezone, "Default IANA time zone of jobs")
      ->capture_default_str();
  app.add_option("--max-concurrent-runs", cfg.max_concurrent_runs,
                 "Runs in flight at once per executor; more wait in a queue")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  app.add_option("--kill-grace", cfg.kill_grace_s,
                 "Seconds a stopped shell run (timeout, abort, limit) has after SIGTERM before SIGKILL; 0 = SIGKILL at once")
      ->capture_default_str()
      ->check(CLI::Range(0u, 3600u));
  app.add_option("--reply-hook", cfg.reply_hook,
                 "URL to POST each finished run's report to (JSON); empty = none");
  app.add_option("--history-runs", cfg.history_runs, "Finished runs kept per job")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  app.add_option("--history-max-age", cfg.history_max_age_s,
                 "Runs older than this many seconds are dropped (0 = no age limit)")
      ->capture_default_str();
  app.add_option("--deleted-job-history", cfg.deleted_job_history_s,
                 "Seconds a deleted job's runs stay in its group's run lists (Cronicle's history, "
                 "ndscheduler's executions); 0 = they go with the job")
      ->capture_default_str();
  app.add_option("--executors", cfg.executors,
                 "Comma-separated executors jobs may use (http, shell, lua, remote, noop); jobs "
                 "naming another are refused with a 400")
      ->capture_default_str();
  app.add_option("--allowed-origin", cfg.allowed_origins,
                 "A browser origin (scheme://host[:port]) that may call the listeners besides "
                 "their own; repeatable. Other origins get 403")
      ->allow_extra_args(false);
  app.add_option("--allowed-host", cfg.allowed_hosts,
                 "A Host name (or name:port) the listeners answer to besides loopback ones, e.g. "
                 "behind a reverse proxy; repeatable. Other Hosts get 403 (DNS rebinding)")
      ->allow_extra_args(false);
  app.add_option("--max-connections", cfg.max_connections,
                 "Open connections per listener; more are answered 503 (Connection: close) and closed")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  app.add_option("--idle-timeout-s", cfg.idle_timeout_s,
                 "Seconds a connection may stay silent with no answer pending before it is closed")
      ->capture_default_str()
      ->check(CLI::Range(1u, 86400u));
  app.add_option("--request-head-timeout-s", cfg.request_head_timeout_s,
                 "Seconds a client has to send a whole request head (from opening the connection, "
                 "or from a request's first byte) before the connection is closed")
      ->capture_default_str()
      ->check(CLI::Range(1u, 3600u));
  app.add_option("--log-level", cfg.log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
}

std::string shell_ledger_path(const serve_config& cfg) {
  return (std::filesystem::path(cfg.data_dir) / k_shell_ledger_file).string();
}

}  // namespace mainspring
