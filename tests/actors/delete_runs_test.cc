// scheduler_api::delete_runs (Cronicle's delete_job): finished runs leave a job's stored history
// durably, in flight ones are refused, and the job's counts stay; through scheduler_api, no HTTP.
#include <catch2/catch.hpp>

#include <algorithm>

#include "actors/scheduler_runtime.h"
#include "storage/fault_env.h"
#include "tests/support/runtime_harness.h"

using namespace mainspring;
using namespace mainspring::testing;

namespace {

bool has_run(const std::vector<run_record>& runs, uint64_t id) {
  return std::any_of(runs.begin(), runs.end(), [&](const run_record& r) { return r.run_id == id; });
}

bool recorded_finished(scheduler_runtime& rt, const std::string& job, uint64_t id) {
  auto runs = runs_of(rt, "g", job);
  return std::any_of(runs.begin(), runs.end(), [&](const run_record& r) { return r.run_id == id && r.finished(); });
}

uint64_t run_now(scheduler_runtime& rt, const std::string& job) {
  auto id = ask<uint64_t>([&](auto r) { rt.run_job_now(k_test_origin, "g", job, r); });
  REQUIRE(id.ok());
  REQUIRE(*id != 0);
  return *id;
}

status delete_runs(scheduler_runtime& rt, const std::string& job, std::vector<uint64_t> ids) {
  return done([&](auto d) { rt.delete_runs(k_test_origin, "g", job, ids, d); });
}

}  // namespace

TEST_CASE("delete_runs erases finished runs from the history for good, and the job's counts stay") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  REQUIRE(add(*rt, shell_job("g", "j", "@every 1h", "echo hi")).ok());
  const uint64_t first = run_now(*rt, "j");
  REQUIRE(poll_until([&] { return recorded_finished(*rt, "j", first); }));
  const uint64_t second = run_now(*rt, "j");
  REQUIRE(poll_until([&] { return recorded_finished(*rt, "j", second); }));

  REQUIRE(delete_runs(*rt, "j", {first}).ok());
  auto runs = runs_of(*rt, "g", "j");
  CHECK_FALSE(has_run(runs, first));
  CHECK(has_run(runs, second));
  CHECK(detail(*rt, "g", "j").successes == 2);  // counts are the job's, not its history's

  // Gone: asked again, or for a run the job never had, it is not found.
  CHECK(delete_runs(*rt, "j", {first}).code() == status_code::not_found);
  CHECK(delete_runs(*rt, "j", {12345}).code() == status_code::not_found);
  CHECK(delete_runs(*rt, "nope", {second}).code() == status_code::not_found);

  // The erase was synced before the answer: a restart does not bring the run back.
  rt.reset();
  rt = start_runtime(dir.path);
  runs = runs_of(*rt, "g", "j");
  CHECK_FALSE(has_run(runs, first));
  CHECK(has_run(runs, second));

  // Several at once, the ones the history holds.
  REQUIRE(delete_runs(*rt, "j", {second, 999}).ok());
  CHECK(runs_of(*rt, "g", "j").empty());
}

TEST_CASE("delete_runs finds no run in flight and erases nothing then") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  REQUIRE(add(*rt, shell_job("g", "slow", "@every 1h", "sleep 30")).ok());
  const uint64_t slow = run_now(*rt, "slow");
  REQUIRE(poll_until([&] { return has_run(runs_of(*rt, "g", "slow"), slow); }));  // listed as running
  CHECK(delete_runs(*rt, "slow", {slow}).code() == status_code::not_found);
  CHECK(has_run(runs_of(*rt, "g", "slow"), slow));
  REQUIRE(ask<std::size_t>([&](auto r) { rt->abort_job_runs(k_test_origin, "g", "slow", r); }).ok());
}

TEST_CASE("a delete_runs whose write fails erases nothing") {
  temp_data_dir dir("ms_delete_runs_test");
  fault_env env;
  runtime_options o;
  o.data_dir = dir.path;
  o.storage_env = &env;
  auto rt = start_runtime(o);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  REQUIRE(add(*rt, shell_job("g", "j", "@every 1h", "true")).ok());
  const uint64_t id = run_now(*rt, "j");
  REQUIRE(poll_until([&] { return recorded_finished(*rt, "j", id); }));
  env.fail_syncs(true);
  CHECK(delete_runs(*rt, "j", {id}).code() == status_code::unavailable);
  env.fail_syncs(false);
  // The store reopens once the fault is gone (reads answer unavailable until then).
  REQUIRE(poll_until([&] {
    auto runs = ask<std::vector<run_record>>([&](auto r) { rt->job_executions("g", "j", 10, 0, r); });
    return runs.ok() && has_run(*runs, id);
  }));
  CHECK(runs_of(*rt, "g", "j").size() == 1);
}

TEST_CASE("a job whose last run is erased keeps it as its last outcome, listed in no list of runs") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  REQUIRE(add(*rt, shell_job("g", "j", "@every 1h", "echo hi")).ok());
  const uint64_t older = run_now(*rt, "j");
  REQUIRE(poll_until([&] { return recorded_finished(*rt, "j", older); }));
  const uint64_t last = run_now(*rt, "j");
  REQUIRE(poll_until([&] { return recorded_finished(*rt, "j", last); }));

  REQUIRE(delete_runs(*rt, "j", {last}).ok());
  job_view v = detail(*rt, "g", "j");
  REQUIRE(v.last_run.has_value());
  CHECK(v.last_run->run_id == last);  // the last outcome stays
  CHECK(v.last_run_erased);
  auto views = ask<std::vector<job_view>>([&](auto r) { rt->list_jobs("g", r); });
  REQUIRE(views.ok());
  CHECK(last_finished_runs(*views).empty());  // what mends a group's run list leaves it out
  auto runs = runs_of(*rt, "g", "j");
  CHECK_FALSE(has_run(runs, last));
  CHECK(has_run(runs, older));
}
