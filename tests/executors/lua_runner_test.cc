#include "executors/lua_runner.h"

#include <catch2/catch.hpp>

#include <malloc.h>
#include <unistd.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

using namespace mainspring;
using namespace std::chrono_literals;

namespace {

// Generous: a deadline only exists so that a broken runner fails the test instead of hanging it.
constexpr auto k_deadline = 20s;

// Collects outcomes from the workers; the test thread waits for them.
template <class T>
class collector {
 public:
  std::function<void(T)> callback() {
    return [this](T out) {
      std::lock_guard lock(mu_);
      items_.push_back(std::move(out));
      cv_.notify_all();
    };
  }
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, k_deadline, [&] { return items_.size() >= n; });
  }
  std::vector<T> items() {
    std::lock_guard lock(mu_);
    return items_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<T> items_;
};

run_request lua_job(std::string source, std::string name = "Hello",
                    std::chrono::milliseconds timeout = 10'000ms) {
  static uint64_t next_id = 1;
  run_request req;
  req.run_id = next_id++;
  req.job_id = "1234ABC";
  req.group = "YM55";
  req.job_name = std::move(name);
  req.target = std::move(source);
  req.timeout = timeout;
  req.plan_time = from_unix_ms(1'700'000'000'000);
  return req;
}

// Runs one job on `runner` and waits for its outcome.
run_outcome run_one(lua_runner& runner, run_request req) {
  collector<run_outcome> c;
  runner.start(std::move(req), c.callback());
  REQUIRE(c.wait_for(1));
  return c.items().front();
}

// Waits until `runner` has `n` runs on its workers.
bool wait_running(const lua_runner& runner, std::size_t n) {
  auto until = std::chrono::steady_clock::now() + k_deadline;
  while (runner.running() != n) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool k_asan = true;
#else
constexpr bool k_asan = false;
#endif

}  // namespace

TEST_CASE("a LUA@ job that prints and returns succeeds with both in its tail", "[lua_runner]") {
  lua_runner runner;
  auto before = now_ms();
  auto out = run_one(runner, lua_job(R"(
    function Hello(job_id, group, plan_time, exec_time)
      print("hi from " .. job_id)
      return {status = "done"}, 7
    end)"));
  CHECK(out.result == run_result::succeeded);
  CHECK(out.code == 0);
  CHECK(out.error.empty());
  CHECK(out.output_tail == "hi from 1234ABC\n{\"status\":\"done\"}\t7\n");
  CHECK(out.start_time >= before);
  CHECK(out.end_time >= out.start_time);
}

TEST_CASE("a LUA@ job gets its id, group, plan time and exec time", "[lua_runner]") {
  lua_runner runner;
  auto out = run_one(runner, lua_job(R"(
    function Hello(job_id, group, plan_time, exec_time)
      print(job_id, group, plan_time, math.type(exec_time), exec_time >= plan_time)
    end)"));
  CHECK(out.result == run_result::succeeded);
  CHECK(out.output_tail == "1234ABC\tYM55\t1700000000\tinteger\ttrue\n");
}

TEST_CASE("a LUA@ job fails on error() and on a returned nil with a message", "[lua_runner]") {
  lua_runner runner;
  auto raised = run_one(runner, lua_job("function Hello()\n  print('partial')\n  error('boom')\nend"));
  CHECK(raised.result == run_result::failed);
  CHECK(raised.error == "Hello.lua:3: boom");
  CHECK(raised.output_tail == "partial\n");

  auto returned = run_one(runner, lua_job("function Hello() return nil, 'bad' end"));
  CHECK(returned.result == run_result::failed);
  CHECK(returned.error == "bad");
}

TEST_CASE("a LUA@ job without its function or with a syntax error fails", "[lua_runner]") {
  lua_runner runner;
  auto missing = run_one(runner, lua_job("function HelloWorld() end", "Hello"));
  CHECK(missing.result == run_result::failed);
  CHECK(missing.error == "no global function 'Hello' in the Lua source");

  auto syntax = run_one(runner, lua_job("function Hello() print('x' end"));
  CHECK(syntax.result == run_result::failed);
  CHECK(syntax.error.rfind("Hello.lua:1: ')' expected", 0) == 0);
}

TEST_CASE("an endless LUA@ job is cut off at its timeout", "[lua_runner]") {
  lua_runner runner;
  auto out = run_one(runner, lua_job("function Hello() print('start') while true do end end",
                                     "Hello", 300ms));
  CHECK(out.result == run_result::timed_out);
  CHECK(out.error == "timed out after 300 ms");
  CHECK(out.output_tail == "start\n");
}

TEST_CASE("a memory bomb is cut at the cap and leaves the process as it was", "[lua_runner]") {
  lua_runner runner;
  run_one(runner, lua_job("function Hello() return 1 end"));  // warm up the threads
  std::size_t rss_before = resident_bytes();
  std::size_t heap_before = mallinfo2().uordblks;
  auto out = run_one(runner, lua_job(
      "function Hello() local t = {} while true do t[#t+1] = string.rep('x', 1e6) end end"));
  CHECK(out.result == run_result::failed);
  CHECK(out.error == "memory limit of 67108864 bytes exceeded");

  // Everything the state held was freed (ASan keeps freed memory in quarantine: skip there).
  if (!k_asan) {
    std::size_t heap_after = mallinfo2().uordblks;
    CHECK(heap_after < heap_before + 1024 * 1024);
    CHECK(resident_bytes() < rss_before + 80 * 1024 * 1024);
  }
  auto next = run_one(runner, lua_job("function Hello() return 'still fine' end"));
  CHECK(next.result == run_result::succeeded);
  CHECK(next.output_tail == "still fine\n");
}

TEST_CASE("many LUA@ jobs at once all complete on the pool", "[lua_runner]") {
  lua_runner runner{2};
  collector<run_outcome> c;
  constexpr int k_runs = 300;
  for (int i = 0; i < k_runs; ++i) {
    auto req = lua_job("function Hello(id) local s = 0 for i = 1, 1000 do s = s + i end "
                       "return id, s end");
    req.job_id = "J" + std::to_string(i);
    runner.start(std::move(req), c.callback());
  }
  REQUIRE(c.wait_for(k_runs));
  std::vector<bool> seen(k_runs);
  for (const auto& out : c.items()) {
    REQUIRE(out.result == run_result::succeeded);
    auto tab = out.output_tail.find('\t');
    REQUIRE(tab != std::string::npos);
    CHECK(out.output_tail.substr(tab) == "\t500500\n");
    seen.at(std::stoul(out.output_tail.substr(1, tab - 1))) = true;
  }
  CHECK(std::count(seen.begin(), seen.end(), true) == k_runs);
  CHECK(runner.running() == 0);
  CHECK(runner.queued() == 0);
}

TEST_CASE("a full queue refuses a start at once", "[lua_runner]") {
  lua_runner runner{1, 1};
  collector<run_outcome> c;
  runner.start(lua_job("function Hello() while true do end end", "Hello", 500ms), c.callback());
  REQUIRE(wait_running(runner, 1));
  runner.start(lua_job("function Hello() return 'queued' end"), c.callback());
  runner.start(lua_job("function Hello() return 'refused' end"), c.callback());
  REQUIRE(c.wait_for(1));
  CHECK(c.items()[0].error == "lua runner busy: 1 runs queued");
  REQUIRE(c.wait_for(3));
  CHECK(c.items()[1].result == run_result::timed_out);
  CHECK(c.items()[2].output_tail == "queued\n");
}

TEST_CASE("destroying the runner stops running and queued jobs", "[lua_runner]") {
  collector<run_outcome> c;
  {
    lua_runner runner{1};
    runner.start(lua_job("function Hello() while true do end end", "Hello", 60'000ms),
                 c.callback());
    REQUIRE(wait_running(runner, 1));
    runner.start(lua_job("function Hello() return 1 end"), c.callback());
  }
  REQUIRE(c.wait_for(2));
  for (const auto& out : c.items()) {
    CHECK(out.result == run_result::failed);
    CHECK(out.error == "runner stopped");
  }
}

TEST_CASE("a func sees its request and prints its response body", "[lua_runner]") {
  lua_http_call call;
  call.method = "GET";
  call.path = "/YM55/HelloWorld";
  call.headers = {{"Accept", "application/json"}};
  call.query = {{"name", "yao"}};
  const std::string source = R"(function HelloWorld()
    local json = require("json")
    print(json.encode({method = method(), name = query().name, accept = headers().Accept,
                       body = body()}))
  end)";
  auto r = run_lua_func(source, "HelloWorld", call, 2s);
  INFO(r.error);
  CHECK(r.ok);
  CHECK_FALSE(r.timed_out);
  CHECK(r.output.find("\"method\":\"GET\"") != std::string::npos);
  CHECK(r.output.find("\"name\":\"yao\"") != std::string::npos);
  CHECK(r.output.find("\"accept\":\"application/json\"") != std::string::npos);
  CHECK(r.output.find("\"body\":\"\"") != std::string::npos);

  auto failed = run_lua_func("function F() return nil, 'nope' end", "F", call, 2s);
  CHECK_FALSE(failed.ok);
  CHECK(failed.error == "nope");

  auto slow = run_lua_func("function F() while true do end end", "F", call, 300ms);
  CHECK_FALSE(slow.ok);
  CHECK(slow.timed_out);
  CHECK(slow.error == "timed out after 300 ms");
}

TEST_CASE("a func can run on the pool too", "[lua_runner]") {
  lua_runner runner;
  collector<lua_http_result> c;
  lua_http_call call;
  call.method = "POST";
  call.body = "payload";
  runner.start_func("function F() print(method(), body()) end", "F", call, 2s, c.callback());
  REQUIRE(c.wait_for(1));
  CHECK(c.items()[0].ok);
  CHECK(c.items()[0].output == "POST\tpayload\n");
}
