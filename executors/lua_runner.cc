#include "executors/lua_runner.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

namespace mainspring {

namespace {

struct job_task {
  run_request req;
  run_callback done;
};

struct func_task {
  std::string source;
  std::string function_name;
  lua_http_call call;
  std::chrono::milliseconds timeout{0};
  lua_func_callback done;
};

using lua_task = std::variant<job_task, func_task>;

int64_t unix_seconds(sys_ms t) {
  auto s = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch());
  return static_cast<int64_t>(s.count());
}

template <class Callback, class Value>
void deliver(Callback& done, Value value) {
  try {
    if (done) done(std::move(value));
  } catch (...) {
    // A callback's failure is its own; the runner goes on.
  }
}

// Answers a task without running it.
void reject(lua_task& task, const std::string& reason) {
  if (auto* job = std::get_if<job_task>(&task)) {
    run_outcome out;
    out.run_id = job->req.run_id;
    out.result = run_result::failed;
    out.start_time = out.end_time = now_ms();
    out.error = reason;
    deliver(job->done, std::move(out));
  } else {
    auto& func = std::get<func_task>(task);
    lua_http_result result;
    result.error = reason;
    result.refused = true;
    deliver(func.done, std::move(result));
  }
}

run_outcome run_job(const run_request& req, const std::atomic<bool>* cancel,
                    const lua_sandbox_options& options) {
  run_outcome out;
  out.run_id = req.run_id;
  out.start_time = now_ms();
  lua_invocation_result r;
  try {
    lua_invocation call;
    call.source = req.target;
    call.function_name = req.job_name;
    call.args = {req.job_id, req.group, unix_seconds(req.plan_time),
                 unix_seconds(out.start_time)};
    call.timeout = req.timeout;
    call.cancel = cancel;
    r = invoke_lua(call, options);
  } catch (const std::exception& e) {
    r.error = std::string("lua executor error: ") + e.what();
  }
  out.end_time = now_ms();
  out.result = r.result;
  out.code = 0;
  out.output_tail = std::move(r.output);
  out.error = std::move(r.error);
  return out;
}

lua_http_result run_func(const std::string& source, const std::string& function_name,
                         const lua_http_call& request, std::chrono::milliseconds timeout,
                         const std::atomic<bool>* cancel, const lua_sandbox_options& options) {
  lua_invocation call;
  call.source = source;
  call.function_name = function_name;
  call.timeout = timeout;
  call.request = &request;
  call.output_limit_bytes = k_lua_func_max_output_bytes;
  call.output_overflow_fails = true;
  call.cancel = cancel;
  lua_invocation_result r = invoke_lua(call, options);
  lua_http_result out;
  out.ok = r.result == run_result::succeeded;
  out.timed_out = r.result == run_result::timed_out;
  out.output = std::move(r.output);
  out.error = std::move(r.error);
  return out;
}

}  // namespace

lua_http_result run_lua_func(const std::string& source, const std::string& function_name,
                             const lua_http_call& call, std::chrono::milliseconds timeout,
                             const lua_sandbox_options& options) {
  return run_func(source, function_name, call, timeout, nullptr, options);
}

struct lua_runner::impl {
  // -- constructors --

  impl(std::size_t threads, std::size_t max_queued, lua_sandbox_options options)
      : max_queued(std::max<std::size_t>(max_queued, 1)), options(options) {
    try {
      for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i)
        workers.emplace_back([this] { work(); });
    } catch (const std::exception& e) {
      if (workers.empty()) unavailable = std::string("runner unavailable: ") + e.what();
    }
  }

  ~impl() {
    std::deque<lua_task> left;
    {
      std::lock_guard lock{mutex};
      stopping = true;
      left.swap(queue);
    }
    cancel.store(true);
    wake.notify_all();
    for (auto& t : workers) t.join();
    for (auto& task : left) reject(task, "runner stopped");
  }

  // -- any thread --

  void submit(lua_task task) {
    std::string refusal;
    {
      std::lock_guard lock{mutex};
      if (!unavailable.empty()) refusal = unavailable;
      else if (stopping) refusal = "runner stopped";
      else if (queue.size() >= max_queued)
        refusal = "lua runner busy: " + std::to_string(queue.size()) + " runs queued";
      else queue.push_back(std::move(task));
    }
    if (!refusal.empty()) {
      reject(task, refusal);
      return;
    }
    wake.notify_one();
  }

  // -- a worker --

  void work() {
    for (;;) {
      std::optional<lua_task> task;
      {
        std::unique_lock lock{mutex};
        wake.wait(lock, [&] { return stopping || !queue.empty(); });
        if (stopping) return;
        task.emplace(std::move(queue.front()));
        queue.pop_front();
        ++running;
      }
      execute(*task);
    }
  }

  // Runs the task, leaves the running count, then calls back (so that a callback sees the
  // runner without this run).
  void execute(lua_task& task) {
    if (auto* job = std::get_if<job_task>(&task)) {
      run_outcome out = run_job(job->req, &cancel, options);
      finished();
      deliver(job->done, std::move(out));
    } else {
      auto& func = std::get<func_task>(task);
      lua_http_result out =
          run_func(func.source, func.function_name, func.call, func.timeout, &cancel, options);
      finished();
      deliver(func.done, std::move(out));
    }
  }

  void finished() {
    std::lock_guard lock{mutex};
    --running;
  }

  // -- member variables --

  const std::size_t max_queued;
  const lua_sandbox_options options;
  std::string unavailable;  // set in the constructor only
  std::atomic<bool> cancel{false};

  mutable std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::deque<lua_task> queue;
  std::size_t running = 0;

  std::vector<std::thread> workers;  // last: started once everything above exists
};

lua_runner::lua_runner(std::size_t threads, std::size_t max_queued, lua_sandbox_options options)
    : impl_(std::make_unique<impl>(threads, max_queued, options)) {}

lua_runner::~lua_runner() = default;

void lua_runner::start(run_request req, run_callback done) {
  impl_->submit(job_task{std::move(req), std::move(done)});
}

void lua_runner::start_func(std::string source, std::string function_name, lua_http_call call,
                            std::chrono::milliseconds timeout, lua_func_callback done) {
  impl_->submit(func_task{std::move(source), std::move(function_name), std::move(call), timeout,
                          std::move(done)});
}

std::size_t lua_runner::running() const {
  std::lock_guard lock{impl_->mutex};
  return impl_->running;
}

std::size_t lua_runner::queued() const {
  std::lock_guard lock{impl_->mutex};
  return impl_->queue.size();
}

}  // namespace mainspring
