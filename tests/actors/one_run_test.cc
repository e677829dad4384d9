// One run of a job on its own: abort_run ends one run while the job's others go on; run_view
// shows a run with its own fields.
#include <mutex>
#include <set>
#include <vector>

#include <catch2/catch.hpp>

#include "actors/scheduler_runtime.h"
#include "tests/support/runtime_harness.h"

using namespace mainspring;
using namespace mainspring::testing;

namespace {

std::optional<run_record> run_of(scheduler_runtime& rt, const std::string& id, uint64_t run_id) {
  for (auto& r : runs_of(rt, "g", id))
    if (r.run_id == run_id) return r;
  return std::nullopt;
}

bool finished(scheduler_runtime& rt, const std::string& id, uint64_t run_id) {
  auto r = run_of(rt, id, run_id);
  return r && r->finished();
}

}  // namespace

TEST_CASE("abort_run ends one run of a job and leaves the others running") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  REQUIRE(add(*rt, shell_job("g", "j", "@manually", "sleep 30")).ok());
  auto first = ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "j", r); });
  auto second = ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "j", r); });
  REQUIRE((first.ok() && second.ok()));
  auto n = ask<std::size_t>([&](auto r) { rt->abort_run(k_test_origin, "g", "j", *first, r); });
  REQUIRE(n.ok());
  CHECK(*n == 1);
  REQUIRE(poll_until([&] { return finished(*rt, "j", *first); }));
  CHECK(run_of(*rt, "j", *first)->state == run_state::failed);
  CHECK_FALSE(finished(*rt, "j", *second));
  CHECK(detail(*rt, "g", "j").running == 1);
  CHECK(run_of(*rt, "j", *first)->error == "aborted: stopped through the " + k_test_origin.api + " API");
  CHECK(*ask<std::size_t>([&](auto r) { rt->abort_run(k_test_origin, "g", "j", *first, r); }) == 0);
  // The caller's reason, when it gives one, is the run's.
  request_origin with_reason = k_test_origin;
  with_reason.detail = "Manually aborted by API Key: 0123456789abcdef (ops)";
  CHECK(*ask<std::size_t>([&](auto r) { rt->abort_run(with_reason, "g", "j", *second, r); }) == 1);
  REQUIRE(poll_until([&] { return finished(*rt, "j", *second); }));
  CHECK(run_of(*rt, "j", *second)->error == "aborted: Manually aborted by API Key: 0123456789abcdef (ops)");
}

namespace {

job_view run_view(scheduler_runtime& rt, const std::string& id, uint64_t run_id) {
  auto v = ask<job_view>([&](auto r) { rt.run_view("g", id, run_id, r); });
  REQUIRE(v.ok());
  return *v;
}

}  // namespace

TEST_CASE("run_view shows a run in flight with its own fields, another run of the job with the job's") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  REQUIRE(add(*rt, shell_job("g", "j", "@manually", "sleep 30")).ok());
  const int64_t job_timeout_ms = detail(*rt, "g", "j").spec.timeout_ms;
  run_override change;
  change.timeout_ms = 5'000;
  change.retries = 2;
  change.controls.on_success = "next";
  auto own = ask<uint64_t>([&](auto r) { rt->run_job_now_with(k_test_origin, "g", "j", change, r); });
  auto plain = ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "j", r); });
  REQUIRE((own.ok() && plain.ok()));
  job_view mine = run_view(*rt, "j", *own);
  CHECK(mine.spec.timeout_ms == 5'000);
  CHECK(mine.spec.retries == 2);
  CHECK(mine.spec.controls.on_success == "next");
  job_view its = run_view(*rt, "j", *plain);
  CHECK(its.spec.timeout_ms == job_timeout_ms);
  CHECK(its.spec.controls.on_success.empty());
  // update_run's fields show at once; a run not in flight is the job's view.
  run_override later;
  later.timeout_ms = 7'000;
  REQUIRE(*ask<std::size_t>([&](auto r) { rt->update_run(k_test_origin, "g", "j", *plain, later, r); }) == 1);
  CHECK(run_view(*rt, "j", *plain).spec.timeout_ms == 7'000);
  CHECK(run_view(*rt, "j", *own).spec.timeout_ms == 5'000);
  CHECK(run_view(*rt, "j", 12345).spec.timeout_ms == job_timeout_ms);
  for (uint64_t id : {*own, *plain}) REQUIRE(ask<std::size_t>([&](auto r) { rt->abort_run(k_test_origin, "g", "j", id, r); }).ok());
  REQUIRE(poll_until([&] { return finished(*rt, "j", *own) && finished(*rt, "j", *plain); }));
}

TEST_CASE("runs asked for in the same millisecond each keep their own fields and plan times") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  REQUIRE(add(*rt, shell_job("g", "j", "@manually", "sleep 30")).ok());
  // Sent without waiting for each answer: the job actor takes them within a millisecond or two.
  constexpr int k_runs = 8;
  std::mutex mutex;
  std::vector<std::pair<int64_t, uint64_t>> started;  // {own timeout, run id}
  for (int i = 0; i < k_runs; ++i) {
    run_override change;
    change.timeout_ms = 10'000 + i * 1'000;
    rt->run_job_now_with(k_test_origin, "g", "j", change, [&mutex, &started, t = *change.timeout_ms](status_or<uint64_t> id) {
      std::lock_guard<std::mutex> lock(mutex);
      started.emplace_back(t, id.ok() ? *id : 0);
    });
  }
  REQUIRE(poll_until([&] {
    std::lock_guard<std::mutex> lock(mutex);
    return started.size() == k_runs;
  }));
  std::set<int64_t> plans;
  for (const auto& [timeout_ms, id] : started) {
    REQUIRE(id != 0);
    CHECK(run_view(*rt, "j", id).spec.timeout_ms == timeout_ms);
    plans.insert(run_of(*rt, "j", id)->plan_ms);
  }
  CHECK(plans.size() == k_runs);
  for (const auto& [timeout_ms, id] : started)
    REQUIRE(ask<std::size_t>([&](auto r) { rt->abort_run(k_test_origin, "g", "j", id, r); }).ok());
  REQUIRE(poll_until([&] { return detail(*rt, "g", "j").running == 0; }));
}

TEST_CASE("an ended run keeps its own fields in its record, and in the store across a restart") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  REQUIRE(add(*rt, shell_job("g", "j", "@manually", "true")).ok());
  run_override change;
  change.timeout_ms = 5'000;
  change.target = shell_target{"echo its own"};
  change.controls.on_failure = "next";
  auto own = ask<uint64_t>([&](auto r) { rt->run_job_now_with(k_test_origin, "g", "j", change, r); });
  REQUIRE(own.ok());
  REQUIRE(poll_until([&] { return finished(*rt, "j", *own); }));
  auto plain = ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "j", r); });
  REQUIRE(plain.ok());
  REQUIRE(poll_until([&] { return finished(*rt, "j", *plain); }));
  auto check_kept = [&] {
    auto mine = run_of(*rt, "j", *own);
    REQUIRE(mine);
    CHECK(mine->output_tail == "its own\n");
    REQUIRE(mine->own_fields != nullptr);
    CHECK(mine->own_fields->timeout_ms == 5'000);
    CHECK(mine->own_fields->controls.on_failure == "next");
    REQUIRE(mine->own_fields->target);
    CHECK(std::get<shell_target>(*mine->own_fields->target).command == "echo its own");
    CHECK(run_of(*rt, "j", *plain)->own_fields == nullptr);
  };
  check_kept();  // from the job's memory or the store, whichever has it first
  rt->stop();  // writes what the history lane still holds
  rt.reset();
  rt = start_runtime(dir.path);
  check_kept();  // from the store
}

TEST_CASE("runs_in_flight lists every run in flight of a group's jobs, newest first, and none once they end") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "h", r); }).ok());
  REQUIRE(add(*rt, shell_job("g", "j", "@manually", "sleep 30")).ok());
  REQUIRE(add(*rt, shell_job("g", "k", "@manually", "sleep 30")).ok());
  REQUIRE(add(*rt, shell_job("g", "idle", "@manually", "true")).ok());
  REQUIRE(add(*rt, shell_job("h", "other", "@manually", "sleep 30")).ok());
  auto in_flight = [&](const std::string& group) {
    auto runs = ask<std::vector<run_record>>([&](auto r) { rt->runs_in_flight(group, r); });
    REQUIRE(runs.ok());
    return std::move(runs).value();
  };
  CHECK(in_flight("g").empty());
  std::vector<uint64_t> ids;
  for (const char* job : {"j", "k", "j"}) {
    auto id = ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", job, r); });
    REQUIRE(id.ok());
    ids.push_back(*id);
  }
  auto other = ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "h", "other", r); });
  REQUIRE(other.ok());
  auto runs = in_flight("g");
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].run_id == ids[2]);
  CHECK(runs[1].run_id == ids[1]);
  CHECK(runs[2].run_id == ids[0]);
  CHECK(runs[1].job_id == "k");
  for (const auto& r : runs) {
    CHECK(r.group == "g");
    CHECK_FALSE(r.finished());
  }
  CHECK(ask<std::vector<run_record>>([&](auto r) { rt->runs_in_flight("nope", r); }).status().code() ==
        status_code::not_found);
  for (const char* job : {"j", "k"})
    REQUIRE(ask<std::size_t>([&](auto r) { rt->abort_job_runs(k_test_origin, "g", job, r); }).ok());
  REQUIRE(poll_until([&] { return in_flight("g").empty(); }));
  CHECK(in_flight("h").size() == 1);
  REQUIRE(ask<std::size_t>([&](auto r) { rt->abort_job_runs(k_test_origin, "h", "other", r); }).ok());
}

namespace {

// Job "j" of group "g" (made here) runs once and fails; its first retry then waits `delay_ms`.
// Answers the failed try's id.
uint64_t failed_try_with_retry_waiting(scheduler_runtime& rt, int retries, int64_t delay_ms) {
  REQUIRE(ask<std::string>([&](auto r) { rt.register_group(k_test_origin, "g", r); }).ok());
  job_spec job = shell_job("g", "j", "@manually", "exit 4");
  job.retries = retries;
  job.retry_delay_ms = delay_ms;
  REQUIRE(add(rt, job).ok());
  auto first = ask<uint64_t>([&](auto r) { rt.run_job_now(k_test_origin, "g", "j", r); });
  REQUIRE(first.ok());
  REQUIRE(poll_until([&] { return finished(rt, "j", *first); }));
  REQUIRE(detail(rt, "g", "j").retries_due.size() == 1);
  return *first;
}

}  // namespace

TEST_CASE("abort_run on a try whose retry waits for its delay drops the retry and records it as aborted") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  const uint64_t first = failed_try_with_retry_waiting(*rt, 2, 600'000);
  job_view waiting = detail(*rt, "g", "j");
  REQUIRE(waiting.retries_due.size() == 1);
  CHECK(waiting.retries_due[0].after_run_id == first);
  CHECK(waiting.retries_due[0].attempt == 1);

  CHECK(*ask<std::size_t>([&](auto r) { rt->abort_run(k_test_origin, "g", "j", first, r); }) == 1);
  auto runs = runs_of(*rt, "g", "j");
  REQUIRE(runs.size() == 2);
  const run_record& aborted = runs[0];
  CHECK(aborted.run_id > first);
  CHECK(aborted.trigger == run_trigger::retry);
  CHECK(aborted.attempt == 1);
  CHECK(aborted.plan_ms == runs[1].plan_ms);
  CHECK(aborted.state == run_state::failed);
  CHECK(aborted.error.starts_with("aborted: stopped through the "));
  job_view after = detail(*rt, "g", "j");
  CHECK(after.retries_due.empty());
  CHECK(after.running == 0);
  CHECK(after.failures == 2);
  CHECK(after.last_run->run_id == aborted.run_id);
  // Nothing waits after either try now.
  CHECK(*ask<std::size_t>([&](auto r) { rt->abort_run(k_test_origin, "g", "j", first, r); }) == 0);
  CHECK(*ask<std::size_t>([&](auto r) { rt->abort_run(k_test_origin, "g", "j", aborted.run_id, r); }) == 0);
}

TEST_CASE("a run a client aborted is not retried, while one that fails on its own is") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  for (const char* id : {"aborted", "failing"}) {
    job_spec job = shell_job("g", id, "@manually", std::string(id) == "aborted" ? "sleep 30" : "exit 1");
    job.retries = 1;
    job.retry_delay_ms = 0;
    REQUIRE(job.controls.retry_aborted);  // the default: a limit's abort would be retried
    REQUIRE(add(*rt, job).ok());
  }
  auto run = ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "aborted", r); });
  REQUIRE(run.ok());
  REQUIRE(*ask<std::size_t>([&](auto r) { rt->abort_run(k_test_origin, "g", "aborted", *run, r); }) == 1);
  REQUIRE(poll_until([&] { return finished(*rt, "aborted", *run); }));
  REQUIRE(ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "failing", r); }).ok());
  // The failing job's retry ran: the aborted one had as long to be retried.
  REQUIRE(poll_until([&] { return detail(*rt, "g", "failing").failures == 2; }));
  job_view v = detail(*rt, "g", "aborted");
  CHECK(v.retries == 0);
  CHECK(v.retries_due.empty());
  CHECK(runs_of(*rt, "g", "aborted").size() == 1);
}

TEST_CASE("update_run on a try whose retry waits changes that retry") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  const uint64_t first = failed_try_with_retry_waiting(*rt, 3, 1'000);
  run_override fewer;
  fewer.retries = 1;  // the waiting retry is the last
  CHECK(*ask<std::size_t>([&](auto r) { rt->update_run(k_test_origin, "g", "j", first, fewer, r); }) == 1);
  run_override retarget;
  retarget.target = shell_target{"true"};
  CHECK(ask<std::size_t>([&](auto r) { rt->update_run(k_test_origin, "g", "j", first, retarget, r); }).status().code() ==
        status_code::invalid_argument);
  // The retry runs and fails; with its own retries, none follows it.
  REQUIRE(poll_until([&] {
    job_view v = detail(*rt, "g", "j");
    return v.failures == 2 && v.running == 0;
  }));
  job_view v = detail(*rt, "g", "j");
  CHECK(v.retries_due.empty());
  CHECK(v.retries == 1);
  CHECK(runs_of(*rt, "g", "j").size() == 2);
  CHECK(*ask<std::size_t>([&](auto r) { rt->update_run(k_test_origin, "g", "j", first, fewer, r); }) == 0);
}

TEST_CASE("runs asked for as of one time each get a plan time of their own, the second a millisecond on") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  REQUIRE(add(*rt, shell_job("g", "j", "@manually", "sleep 30")).ok());
  const int64_t as_of_ms = 1'700'000'000'000;
  run_override change;
  change.timeout_ms = 5'000;
  auto first = ask<uint64_t>([&](auto r) { rt->run_job_now_as(k_test_origin, "g", "j", manual_run{as_of_ms, std::nullopt}, r); });
  auto second = ask<uint64_t>([&](auto r) { rt->run_job_now_as(k_test_origin, "g", "j", manual_run{as_of_ms, change}, r); });
  REQUIRE((first.ok() && second.ok()));
  CHECK(run_of(*rt, "j", *first)->plan_ms == as_of_ms);
  CHECK(run_of(*rt, "j", *first)->trigger == run_trigger::manual);
  CHECK(run_of(*rt, "j", *second)->plan_ms == as_of_ms + 1);
  // Each is told apart by its plan time: only the second runs with its own timeout.
  CHECK(run_view(*rt, "j", *second).spec.timeout_ms == 5'000);
  CHECK(run_view(*rt, "j", *first).spec.timeout_ms != 5'000);
  // A time past the year 9999 is refused before the job hears of it.
  auto late = ask<uint64_t>([&](auto r) {
    rt->run_job_now_as(k_test_origin, "g", "j", manual_run{k_max_exec_time_s * 1000 + 1, std::nullopt}, r);
  });
  CHECK(late.status().code() == status_code::invalid_argument);
  CHECK(*ask<std::size_t>([&](auto r) { rt->abort_job_runs(k_test_origin, "g", "j", r); }) == 2);
}
