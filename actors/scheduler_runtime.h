// scheduler_runtime: the running scheduler (state store, actor system, executors, metrics)
// behind the CAF-free scheduler_api that the HTTP dialects call.
//
// start() opens the state store in the data dir, restores every group and job from it (missed
// fires are handled by each job's misfire policy), and starts the actors. From then on every
// change is synced to the store before its callback reports success, and a heartbeat records
// that the process is alive, so that the next start knows which fires were missed.
//
// Example:
//   runtime_options opts; opts.data_dir = "./data";
//   auto rt = scheduler_runtime::start(opts);
//   if (!rt.ok()) die(rt.status().message());   // e.g. a damaged data dir: run `mainspring repair`
//   http::native::add_native_routes(router, **rt);
//   ...
//   (*rt)->stop();   // also done by the destructor
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "actors/job_context.h"
#include "actors/scheduler_api.h"
#include "core/executor_set.h"
#include "core/status.h"
#include "executors/run.h"

namespace leveldb {
class Env;
}

namespace mainspring {

class scheduler_metrics;
class state_store;
struct scheduler_snapshot;

// How long a deleted job's runs stay listed unless told otherwise (--deleted-job-history): a
// week of "what ran", as a group's run lists show it after the job is gone.
inline constexpr std::chrono::seconds k_default_deleted_job_history{7 * 24 * 3600};

struct runtime_options {
  std::string data_dir = "./data";
  unsigned worker_threads = 0;            // 0 = number of cores
  std::string default_timezone = "UTC";
  std::size_t max_concurrent_runs = 256;  // per executor
  std::chrono::milliseconds kill_grace = k_default_kill_grace;  // a stopped shell run: SIGTERM to SIGKILL
  // Where shell runs are recorded while they run (executors/process_ledger.h), so that the next
  // start ends those a kill -9 left: "" = nowhere. Opened after the state store, whose lock keeps
  // a second server on the same data dir from taking the first one's runs for leftovers.
  std::string shell_ledger_path;
  std::string reply_hook_url;             // "" = none
  std::size_t max_runs_per_job = 100;     // run history kept per job
  std::chrono::milliseconds max_run_age{0};  // 0 = no age limit
  // A deleted job that ran keeps its runs listed this long (0 = they go with it).
  std::chrono::milliseconds deleted_job_history = k_default_deleted_job_history;
  executor_set executors = executor_set::all();  // jobs naming another executor are refused
  // Run hook bodies by format name (job_controls::hook_format), e.g. the Cronicle dialect's.
  std::map<std::string, run_hook_formatter, std::less<>> hook_formats;
  // What a shell job's command reads on stdin by format name (shell_target::input_format).
  std::map<std::string, run_input_formatter, std::less<>> input_formats;
  // A chained run's params as its own fields (job_context::chain_params; null = none).
  chain_params_mapper chain_params;
  // Take worker nodes: the node gateway is published on 127.0.0.1 at an ephemeral port
  // (node_gateway_port()), for the node listener (net/basp_relay.h) to relay to.
  bool worker_nodes = false;
  // The file system the state store works through (null: the real one). Tests only: a
  // fault_env (storage/fault_env.h) that fails writes or loses power.
  leveldb::Env* storage_env = nullptr;
};

// How often the runtime records that it is alive (the bound on how late a restart can tell
// which fires it missed).
inline constexpr std::chrono::milliseconds k_heartbeat_interval{1000};

// What the runtime can tell about itself cheaply, for metrics and health.
struct runtime_snapshot {
  int64_t jobs = 0;
  std::size_t pending_timers = 0;
  uint64_t fires = 0;
  uint64_t timer_arms = 0;    // timers armed by a job's message (clock_actor.h)
  uint64_t timer_rearms = 0;  // next fires of periodic schedules the clock armed itself
  uint64_t runs_started = 0;
  uint64_t runs_finished = 0;
  uint64_t runs_skipped = 0;
  uint64_t retries = 0;
  int64_t nodes_up = 0;
  uint64_t node_auth_failures = 0;
  std::size_t runs_in_flight = 0;  // inside executors
  std::size_t runs_queued = 0;     // waiting for an executor slot
  std::size_t jobs_restored = 0;   // found in the store at start-up
};

class scheduler_runtime final : public scheduler_api {
 public:
  static status_or<std::unique_ptr<scheduler_runtime>> start(const runtime_options& options);
  ~scheduler_runtime() override;

  // Stops the heartbeat, the clock and every actor, and records a last heartbeat. Idempotent.
  void stop();
  runtime_snapshot snapshot() const;
  // Why the runtime does not accept work yet (restored jobs whose timers the clock has not armed
  // yet), or nullopt.
  std::optional<std::string> not_ready_reason() const;
  // The Prometheus metrics the runtime records into (and the HTTP layer may add to).
  scheduler_metrics& metrics();
  // The state store, for records kept beside the actors (API keys, actors/api_key_registry.h).
  // Open until the runtime is destroyed, stop() included.
  state_store& store();

  // The loopback port the node gateway is published on; 0 without worker_nodes.
  uint16_t node_gateway_port() const;
  // Adds figures the runtime does not own (the node listener's) to every scrape. Call before
  // serving; `add` runs on the scraping thread.
  void add_to_snapshot(std::function<void(scheduler_snapshot&)> add);

  // -- scheduler_api --
  void register_group(request_origin origin, std::string group, reply_fn<std::string> done) override;
  void remove_group(request_origin origin, std::string group, done_fn done) override;
  void list_groups(reply_fn<std::vector<std::string>> done) override;
  void group_info(std::string group, reply_fn<group_spec> done) override;
  void add_job(request_origin origin, job_spec spec, reply_fn<std::string> done) override;
  void create_job(request_origin origin, job_spec spec, reply_fn<job_view> done) override;
  void edit_job(request_origin origin, std::string group, std::string job_id, job_patch patch,
                reply_fn<job_view> done) override;
  void pause_job(request_origin origin, std::string group, std::string job_id, done_fn done) override;
  void activate_job(request_origin origin, std::string group, std::string job_id,
                    int64_t exec_time_s, done_fn done) override;
  void delete_job(request_origin origin, std::string group, std::string job_id, done_fn done) override;
  void clear_jobs(request_origin origin, std::string group, reply_fn<std::size_t> done) override;
  void delete_jobs_by_name(request_origin origin, std::string group, std::string name,
                           reply_fn<std::size_t> done) override;
  void list_jobs(std::string group, reply_fn<std::vector<job_view>> done) override;
  void visit_jobs(std::string group, job_visitor visit, reply_fn<std::size_t> done) override;
  void job_detail(std::string group, std::string job_id, reply_fn<job_view> done) override;
  void run_view(std::string group, std::string job_id, uint64_t run_id, reply_fn<job_view> done) override;
  void run_job_now(request_origin origin, std::string group, std::string job_id,
                   reply_fn<uint64_t> done) override;
  void job_executions(std::string group, std::string job_id, std::size_t limit,
                      uint64_t before_run_id, reply_fn<std::vector<run_record>> done) override;
  void runs_in_flight(std::string group, reply_fn<std::vector<run_record>> done) override;
  void retries_waiting(std::string group, reply_fn<std::vector<waiting_retry>> done) override;
  void add_func(request_origin origin, func_spec func, reply_fn<std::string> done) override;
  void delete_func(request_origin origin, std::string group, std::string name, done_fn done) override;
  void list_funcs(std::string group, reply_fn<std::vector<func_spec>> done) override;
  void list_nodes(std::string group, reply_fn<std::vector<node_view>> done) override;
  void list_jobs_page(std::string group, job_page_query query, reply_fn<job_page> done) override;
  void abort_job_runs(request_origin origin, std::string group, std::string job_id,
                      reply_fn<std::size_t> done) override;
  void abort_run(request_origin origin, std::string group, std::string job_id, uint64_t run_id,
                 reply_fn<std::size_t> done) override;
  void replay_job_fires(request_origin origin, std::string group, std::string job_id, int64_t since_ms,
                        reply_fn<std::size_t> done) override;
  void flush_job_queue(request_origin origin, std::string group, std::string job_id,
                       reply_fn<std::size_t> done) override;
  void clear_job_runs(request_origin origin, std::string group, std::string job_id, done_fn done) override;
  void delete_runs(request_origin origin, std::string group, std::string job_id, std::vector<uint64_t> run_ids,
                   done_fn done) override;
  void update_run(request_origin origin, std::string group, std::string job_id, uint64_t run_id,
                  run_override change, reply_fn<std::size_t> done) override;
  void run_job_now_with(request_origin origin, std::string group, std::string job_id, run_override change,
                        reply_fn<uint64_t> done) override;
  void run_job_now_as(request_origin origin, std::string group, std::string job_id, manual_run run,
                      reply_fn<uint64_t> done) override;
  void allocation_table(std::string group, reply_fn<allocation_view> done) override;
  void group_executions(std::string group, int64_t from_ms, int64_t to_ms, std::size_t limit,
                        reply_fn<std::vector<run_record>> done) override;
  void deleted_jobs(std::string group, std::size_t limit, reply_fn<std::vector<deleted_job>> done) override;
  void deleted_job_executions(std::string group, std::string job_id, std::size_t limit, uint64_t before_run_id,
                              reply_fn<std::vector<run_record>> done) override;
  void find_deleted_job(std::string group, std::string job_id, reply_fn<deleted_job> done) override;
  void call_func(std::string group, std::string name, func_request req, reply_fn<std::string> done) override;
  void dump(std::optional<std::string> group, reply_fn<dump_file> done) override;
  void import(request_origin origin, std::string archive, done_fn done) override;
  void group_audit_log(std::vector<std::string> groups, int64_t from_ms, int64_t to_ms, std::size_t limit,
                       reply_fn<std::vector<audit_entry>> done) override;
  void audit_log(int64_t from_ms, int64_t to_ms, std::size_t limit,
                 reply_fn<std::vector<audit_entry>> done) override;
  void overview(reply_fn<scheduler_overview> done) override;
  void set_scheduler_enabled(request_origin origin, bool enabled, done_fn done) override;
  bool scheduler_enabled() const override;
  std::vector<run_pool_spec> run_pools(const std::string& group) const override;
  std::size_t run_pool_running(const std::string& group, const std::string& name) const override;
  void put_run_pool(request_origin origin, std::string group, run_pool_spec pool, done_fn done) override;
  void delete_run_pool(request_origin origin, std::string group, std::string name, done_fn done) override;
  std::vector<group_document> group_documents(const std::string& group, const std::string& kind) const override;
  void put_group_document(request_origin origin, std::string group, std::string kind, group_document doc,
                          done_fn done) override;
  void delete_group_document(request_origin origin, std::string group, std::string kind, std::string name,
                             done_fn done) override;
  int64_t scheduler_paused_since_ms() const override;
  std::string default_timezone() const override;
  std::optional<run_live> live_run(uint64_t run_id) const override;

 private:
  struct impl;
  explicit scheduler_runtime(std::unique_ptr<impl> impl);
  std::unique_ptr<impl> impl_;
};

}  // namespace mainspring
