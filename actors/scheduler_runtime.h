// scheduler_runtime: the running scheduler, the actor system and everything its actors share,
// behind the CAF-free scheduler_api that the HTTP dialects call.
//
// Example:
//   runtime_options opts; opts.worker_threads = 2;
//   auto rt = scheduler_runtime::start(opts);
//   if (!rt.ok()) die(rt.status().message());
//   http::native::add_native_routes(router, **rt);   // scheduler_api&
//   ...
//   (*rt)->stop();   // also done by the destructor
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "actors/scheduler_api.h"
#include "core/status.h"

namespace mainspring {

struct runtime_options {
  unsigned worker_threads = 0;           // 0 = number of cores
  std::string default_timezone = "UTC";
  std::size_t max_concurrent_runs = 256;  // per executor
  std::string reply_hook_url;             // "" = none
};

// What the runtime can tell about itself cheaply, for metrics and health.
struct runtime_snapshot {
  int64_t jobs = 0;
  std::size_t pending_timers = 0;
  uint64_t fires = 0;
  uint64_t runs_started = 0;
  uint64_t runs_finished = 0;
  uint64_t runs_skipped = 0;
  uint64_t retries = 0;
  std::size_t runs_in_flight = 0;  // inside executors
  std::size_t runs_queued = 0;     // waiting for an executor slot
};

class scheduler_runtime final : public scheduler_api {
 public:
  static status_or<std::unique_ptr<scheduler_runtime>> start(const runtime_options& options);
  ~scheduler_runtime() override;

  // Stops the clock and every actor; runs in flight are abandoned. Idempotent.
  void stop();
  runtime_snapshot snapshot() const;

  // -- scheduler_api --
  void register_group(std::string group, reply_fn<std::string> done) override;
  void remove_group(std::string group, done_fn done) override;
  void list_groups(reply_fn<std::vector<std::string>> done) override;
  void group_info(std::string group, reply_fn<group_spec> done) override;
  void add_job(job_spec spec, reply_fn<std::string> done) override;
  void edit_job(std::string group, std::string job_id, job_patch patch,
                reply_fn<job_view> done) override;
  void pause_job(std::string group, std::string job_id, done_fn done) override;
  void activate_job(std::string group, std::string job_id, int64_t exec_time_s,
                    done_fn done) override;
  void delete_job(std::string group, std::string job_id, done_fn done) override;
  void clear_jobs(std::string group, reply_fn<std::size_t> done) override;
  void delete_jobs_by_name(std::string group, std::string name,
                           reply_fn<std::size_t> done) override;
  void list_jobs(std::string group, reply_fn<std::vector<job_view>> done) override;
  void job_detail(std::string group, std::string job_id, reply_fn<job_view> done) override;
  void run_job_now(std::string group, std::string job_id, reply_fn<uint64_t> done) override;
  void job_executions(std::string group, std::string job_id, std::size_t limit,
                      uint64_t before_run_id, reply_fn<std::vector<run_record>> done) override;

 private:
  struct impl;
  explicit scheduler_runtime(std::unique_ptr<impl> impl);
  std::unique_ptr<impl> impl_;
};

}  // namespace mainspring
