// lua_runner: runs LUA@ jobs (and, on request, HTTP funcs) on a small pool of threads.
//
// Running Lua is CPU work, so it never happens on the caller's thread: start() queues the run
// and returns; one of the runner's `threads` workers runs it in a fresh sandbox (lua_sandbox.h)
// and calls the callback. At most `max_queued` runs wait; beyond that a start is refused at once.
//
// Example:
//   lua_runner runner{2};
//   run_request req;
//   req.run_id = 7; req.job_id = "1234ABC"; req.group = "YM55"; req.job_name = "Hello";
//   req.target = "function Hello(id, group, plan, exec) print(id, group) return 'done' end";
//   req.timeout = std::chrono::seconds(5);
//   runner.start(std::move(req), [](run_outcome out) {
//     // out.result == succeeded, out.output_tail == "1234ABC\tYM55\ndone\n"
//   });
//
// A LUA@ run: req.target is the Lua source; the global function named req.job_name is called
// with (job_id, group, plan_time, exec_time), both times integer unix seconds (exec_time is
// when the run started on a worker). req.extras are not used. The outcome follows
// invoke_lua's rules (lua_sandbox.h) with req.timeout as the deadline (counted from the start
// on a worker, not from the queueing; <= 0 means no deadline, only the instruction budget):
// succeeded, failed with the message ("memory limit of 67108864 bytes exceeded", "no global
// function 'Hello' in the Lua source", "Hello.lua:3: boom", or err of `return nil, err`), or
// timed_out "timed out after 300 ms". code is always 0; output_tail keeps the last
// k_max_output_tail_bytes of what the function printed and returned. start_time is when the run
// began on a worker, end_time when it ended.
//
// Callbacks: exactly once per start()/start_func(), on a worker thread, never under the
// runner's lock (a callback may start another run); an exception from one is swallowed. Three
// cases call back at once on the caller's thread: the queue is full ("lua runner busy: N runs
// queued"), the runner is being destroyed ("runner stopped"), or it has no threads ("runner
// unavailable: ...").
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "executors/lua_sandbox.h"
#include "executors/run.h"
#include "executors/runner.h"

namespace mainspring {

inline constexpr std::size_t k_lua_runner_max_queued = 10'000;

// What a func answers: `output` is what it printed (then its results, as for jobs), to be the
// response body; `error` says why it failed when !ok.
struct lua_http_result {
  bool ok = false;
  std::string output;
  std::string error;
  bool timed_out = false;
  bool refused = false;  // never ran: the queue was full or the runner stopping
};

using lua_func_callback = std::function<void(lua_http_result)>;

// Runs a func synchronously on the calling thread: loads `source`, calls its global
// `function_name` with no arguments, with method(), path(), headers(), query() and body()
// answering from `call`. The output is limited to k_lua_func_max_output_bytes (beyond that the
// call fails: a body is never cut). Same limits and messages as invoke_lua. Never throws.
// Blocks for up to about `timeout` (plus any long C call, see lua_sandbox.h).
lua_http_result run_lua_func(const std::string& source, const std::string& function_name,
                             const lua_http_call& call, std::chrono::milliseconds timeout,
                             const lua_sandbox_options& options = {});

class lua_runner final : public runner {
 public:
  // -- constructors --

  // Starts `threads` workers; at most `max_queued` runs wait for one (0 is taken as 1 for both).
  explicit lua_runner(std::size_t threads = 2, std::size_t max_queued = k_lua_runner_max_queued,
                      lua_sandbox_options options = {});

  // Stops the running calls at their next hook (reported failed "runner stopped"), reports the
  // queued ones the same way (on this thread), and joins the workers.
  // REQUIRES: not called from one of this runner's callbacks.
  ~lua_runner() override;

  lua_runner(const lua_runner&) = delete;
  lua_runner& operator=(const lua_runner&) = delete;

  // -- running --

  // Queues a LUA@ run; `done` gets its outcome on a worker. Thread-safe, never blocks beyond a
  // short mutex.
  void start(run_request req, run_callback done) override;

  // Queues a func call (run_lua_func on a worker, with this runner's options); `done` gets its
  // result on the worker. Same guarantees as start().
  void start_func(std::string source, std::string function_name, lua_http_call call,
                  std::chrono::milliseconds timeout, lua_func_callback done);

  // -- observers --

  // Runs executing on a worker now.
  std::size_t running() const override;
  // Runs waiting for a worker.
  std::size_t queued() const override;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mainspring
