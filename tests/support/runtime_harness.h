// runtime_harness: drives a scheduler_runtime (actors/scheduler_runtime.h) from a Catch2 test
// without HTTP: a temp data dir, start and wait until ready, and synchronous calls through the
// callback API with a bounded wait (a lost reply fails the test, never hangs it).
//
// Example:
//   temp_data_dir dir("ms_actor_test");
//   auto rt = start_runtime(dir.path);
//   REQUIRE(ask<std::string>([&](auto r) { rt->register_group({}, "g", r); }).ok());
//   REQUIRE(add(*rt, shell_job("g", "j1", "@every 1s", "true")).ok());
//   REQUIRE(poll_until([&] { return detail(*rt, "g", "j1").runs >= 2; }));
#pragma once

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "actors/scheduler_runtime.h"

namespace mainspring::testing {

// The longest a test waits for one reply or one condition.
inline constexpr auto k_reply_timeout = std::chrono::seconds(30);
inline constexpr auto k_poll_interval = std::chrono::milliseconds(10);

// A fresh folder under /tmp, removed with everything in it; `path` is its "data" subfolder.
struct temp_data_dir {
  std::string path;
  explicit temp_data_dir(const std::string& prefix = "ms_actor_test") {
    std::string tmpl = "/tmp/" + prefix + "_XXXXXX";
    const char* p = mkdtemp(tmpl.data());
    REQUIRE(p != nullptr);
    path = std::string(p) + "/data";
  }
  ~temp_data_dir() {
    std::error_code ec;
    std::filesystem::remove_all(std::filesystem::path(path).parent_path(), ec);
  }
  temp_data_dir(const temp_data_dir&) = delete;
  temp_data_dir& operator=(const temp_data_dir&) = delete;
};

// True as soon as `cond` holds, false if it still does not after `limit`.
inline bool poll_until(const std::function<bool()>& cond,
                       std::chrono::milliseconds limit = k_reply_timeout) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(k_poll_interval);
  }
  return true;
}

// Starts a runtime on `options` and waits until it accepts work.
inline std::unique_ptr<scheduler_runtime> start_runtime(runtime_options options) {
  if (options.worker_threads == 0) options.worker_threads = 2;
  auto rt = scheduler_runtime::start(options);
  INFO(rt.status().to_string());
  REQUIRE(rt.ok());
  REQUIRE(poll_until([&] { return !rt.value()->not_ready_reason(); }));
  return std::move(rt).value();
}

inline std::unique_ptr<scheduler_runtime> start_runtime(const std::string& data_dir) {
  runtime_options o;
  o.data_dir = data_dir;
  return start_runtime(o);
}

// Calls `call(reply)` and waits for the reply.
template <class T, class Call>
status_or<T> ask(Call call) {
  auto promise = std::make_shared<std::promise<status_or<T>>>();
  auto answer = promise->get_future();
  call(reply_fn<T>([promise](status_or<T> v) { promise->set_value(std::move(v)); }));
  REQUIRE(answer.wait_for(k_reply_timeout) == std::future_status::ready);
  return answer.get();
}

// A reply that comes later, for calls sent without waiting for each other: hand `fn()` to the
// call, then `get()` waits for its reply. T is `status` for a done_fn, `status_or<V>` for a
// reply_fn<V>.
//   later<status_or<std::string>> added;
//   later<status> paused;
//   rt->add_job(k_test_origin, job, added.fn());
//   rt->pause_job(k_test_origin, "g", job.id, paused.fn());  // before the add is answered
//   REQUIRE(added.get().ok());
template <class T>
struct later {
  std::shared_ptr<std::promise<T>> promise = std::make_shared<std::promise<T>>();
  std::future<T> answer = promise->get_future();  // answer.get() waits without a limit (threads)

  std::function<void(T)> fn() const {
    return [p = promise](T v) { p->set_value(std::move(v)); };
  }
  T get() {
    REQUIRE(answer.wait_for(k_reply_timeout) == std::future_status::ready);
    return answer.get();
  }
};

template <class Call>
status done(Call call) {
  auto promise = std::make_shared<std::promise<status>>();
  auto answer = promise->get_future();
  call(done_fn([promise](status s) { promise->set_value(std::move(s)); }));
  REQUIRE(answer.wait_for(k_reply_timeout) == std::future_status::ready);
  return answer.get();
}

inline const request_origin k_test_origin{};

// A shell job named as its id that fires by `schedule` (its first run too: no exec_time).
inline job_spec shell_job(const std::string& group, const std::string& id, const std::string& schedule,
                          const std::string& command) {
  job_spec j;
  j.group = group;
  j.id = id;
  j.name = id;
  j.schedule = schedule;
  j.exec_time_s = k_first_fire_by_schedule;
  shell_target target;
  target.command = command;
  j.target = std::move(target);
  return j;
}

inline status add(scheduler_runtime& rt, const job_spec& job) {
  return ask<std::string>([&](auto reply) { rt.add_job(k_test_origin, job, reply); }).status();
}

inline std::map<std::string, job_view> jobs_of(scheduler_runtime& rt, const std::string& group) {
  auto list = ask<std::vector<job_view>>([&](auto reply) { rt.list_jobs(group, reply); });
  REQUIRE(list.ok());
  std::map<std::string, job_view> out;
  for (auto& v : list.value()) out.emplace(v.spec.id, std::move(v));
  return out;
}

// The job's view. REQUIRES: it exists.
inline job_view detail(scheduler_runtime& rt, const std::string& group, const std::string& id) {
  auto v = ask<job_view>([&](auto reply) { rt.job_detail(group, id, reply); });
  INFO(v.status().to_string());
  REQUIRE(v.ok());
  return std::move(v).value();
}

// The job's finished runs the store holds, newest first (at most 1000).
inline std::vector<run_record> runs_of(scheduler_runtime& rt, const std::string& group, const std::string& id) {
  auto runs = ask<std::vector<run_record>>([&](auto reply) { rt.job_executions(group, id, 1000, 0, reply); });
  REQUIRE(runs.ok());
  return std::move(runs).value();
}

}  // namespace mainspring::testing
