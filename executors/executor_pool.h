// executor_pool: one front door to every runner, chosen by the job's executor kind.
//
// The job actor hands a run to the pool and goes on; the pool keeps one runner (runner.h) per
// executor kind and hands the run to it, which does the work and calls back once per run. NOOP@
// completes inline (it exists for benchmarks: it measures the scheduler, not an executor).
// REMOTE@ runs go to worker nodes once the runtime installed the way there (remote()); until then,
// and for kinds the operator turned off, supports() refuses them so that adding such a job fails
// up front. accepts() also compiles a LUA@ job's source, so that a syntax error is a 400 rather
// than a failed run.
//
// Example:
//   executor_pool pool({.max_concurrent_runs = 256});
//   if (!pool.supports(executor_kind::http)) ...;
//   pool.start(executor_kind::http, std::move(req), [](run_outcome out) { ... });
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <cstddef>
#include <memory>
#include <string>

#include "core/executor_set.h"
#include "core/func.h"
#include "core/job.h"
#include "core/status.h"
#include "executors/run.h"
#include "executors/runner.h"

namespace mainspring {

class http_runner;
class lua_runner;
class remote_runner;

struct executor_pool_options {
  std::size_t max_concurrent_runs = 256;  // per runner
  std::chrono::milliseconds kill_grace = k_default_kill_grace;  // shell runs: SIGTERM to SIGKILL
  // The shell runner's process ledger (process_ledger.h), so that its groups a killed process
  // left are ended at the next start: "" = none.
  std::string shell_ledger_path;
  std::string reply_hook_url;             // "" = no reply hook
  std::size_t lua_threads = 2;            // Lua runs are CPU work on a pool of their own
  std::size_t func_threads = 2;           // func calls get their own, so jobs cannot starve them
  executor_set enabled = executor_set::all();  // --executors: the others are refused
};

// How long a job's run hook may take before its POST is abandoned.
inline constexpr std::chrono::milliseconds k_run_hook_timeout{10'000};

class executor_pool {
 public:
  // -- constructors --
  explicit executor_pool(executor_pool_options options);
  ~executor_pool();

  // -- running --

  // ok; invalid_argument when the operator turned the executor off (--executors); unimplemented
  // with a message naming what is missing for an executor not built yet.
  status supports(executor_kind kind) const;
  // supports(), and for Lua targets: the source compiles and names a function called `job_name`.
  status accepts(const executor_target& target, const std::string& job_name) const;

  // Starts a run; `done` is called exactly once, possibly inline (noop) or on a runner thread.
  // A kind supports() refuses (a job restored after its executor was turned off) fails the run
  // with supports()'s message.
  void start(executor_kind kind, run_request req, run_callback done);
  // Asks the runner of `kind` to end run `run_id` (runner::abort); for a local kind, whichever local
  // runner holds it (its job may have been edited to another executor since it started).
  void abort(executor_kind kind, uint64_t run_id, std::string why);
  // Gives run `run_id` of `kind` a new time limit and resource limits (runner::adjust); a local
  // run wherever it runs, as abort.
  void adjust(executor_kind kind, uint64_t run_id, run_adjustment change);
  // What run `run_id`, running locally, shows of itself (runner::live): a shell run's process
  // and progress; nullopt for any other run.
  std::optional<run_live> live(uint64_t run_id) const;

  // ok when the func's lua_body compiles; invalid_argument "lua_body: <Lua's message>" if not,
  // or when the lua executor is turned off.
  status accepts_func(const func_spec& func) const;
  // Calls `func` for `req` on the func threads (k_func_call_timeout, output up to
  // k_lua_func_max_output_bytes). `done` gets what the func printed, or: internal (a Lua error,
  // "func Hello: Hello.lua:3: boom"), deadline_exceeded (cut off at the timeout), unavailable
  // (too many calls queued, or stopping), failed_precondition (the lua executor is turned off).
  // Called exactly once, on a func thread or inline.
  void call_func(const func_spec& func, func_request req, std::function<void(status_or<std::string>)> done);

  // True when finished runs are to be reported (--reply-hook); callers build the report only then.
  bool has_reply_hook() const { return !options_.reply_hook_url.empty(); }
  // POSTs a finished run's report to the reply hook, if one is configured. Fire and forget.
  void report(const std::string& json_body);
  // POSTs `json_body` to a job's run hook (job_controls::hook_url), k_run_hook_timeout at most;
  // `done(true)` once a 2xx answer arrived, `done(false)` otherwise. Called once, on the HTTP
  // runner's thread.
  void post_hook(std::string url, std::string json_body, std::function<void(bool)> done);

  // The runner of REMOTE@ runs, for the runtime to connect to its node actors.
  remote_runner& remote() { return *remote_; }

  // -- observers --
  std::size_t running() const;
  std::size_t queued() const;

 private:
  runner& runner_for(executor_kind kind) const { return *runners_[static_cast<std::size_t>(kind)]; }

  executor_pool_options options_;
  // One runner per executor_kind, in its order.
  std::array<std::unique_ptr<runner>, k_executor_kinds> runners_;
  http_runner* http_ = nullptr;      // runners_[http], which also posts reply-hook reports
  remote_runner* remote_ = nullptr;  // runners_[remote]
  std::unique_ptr<lua_runner> funcs_;
};

}  // namespace mainspring
