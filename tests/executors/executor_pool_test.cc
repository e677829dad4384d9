// executor_pool: the front door to the runners. What is tested here is the pool's own part: a
// client's abort or change of a local run reaches it whatever kind its job names now.
#include "executors/executor_pool.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

using namespace mainspring;
using namespace std::chrono_literals;

namespace {

// The one outcome of a run, waited for.
class one_outcome {
 public:
  run_callback callback() {
    return [this](run_outcome out) {
      std::lock_guard lock(mu_);
      out_ = std::move(out);
      cv_.notify_all();
    };
  }
  std::optional<run_outcome> wait(std::chrono::milliseconds deadline = 20s) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, deadline, [&] { return out_.has_value(); });
    return out_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<run_outcome> out_;
};

run_request sleeping_shell(uint64_t run_id) {
  run_request req;
  req.run_id = run_id;
  req.job_id = "J";
  req.group = "G";
  req.target = "sleep 30";
  req.timeout = 60'000ms;
  return req;
}

// True once the shell runner has spawned run `run_id` (its live view shows the shell's pid).
bool eventually_live(const executor_pool& pool, uint64_t run_id) {
  for (int i = 0; i < 2000; ++i) {
    if (pool.live(run_id)) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

}  // namespace

TEST_CASE("an abort names the job's executor now, and still ends a run its old executor started") {
  executor_pool pool({.max_concurrent_runs = 4, .kill_grace = 0ms});
  one_outcome done;
  pool.start(executor_kind::shell, sleeping_shell(41), done.callback());
  REQUIRE(eventually_live(pool, 41));
  // The job was edited to an HTTP one since: its actor names http.
  pool.abort(executor_kind::http, 41, "stopped through the native API");
  auto out = done.wait();
  REQUIRE(out);
  CHECK(out->result == run_result::failed);
  CHECK(out->error == "aborted: stopped through the native API");
}

TEST_CASE("a change of limits reaches a local run under the job's new executor kind") {
  executor_pool pool({.max_concurrent_runs = 4, .kill_grace = 0ms});
  one_outcome done;
  pool.start(executor_kind::shell, sleeping_shell(42), done.callback());
  REQUIRE(eventually_live(pool, 42));
  run_adjustment change;
  change.timeout = 1ms;  // already past: it ends at once, timed out
  pool.adjust(executor_kind::lua, 42, change);
  auto out = done.wait();
  REQUIRE(out);
  CHECK(out->result == run_result::timed_out);
}
