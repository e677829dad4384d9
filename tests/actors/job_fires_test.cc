// The actor layer's fire path, through scheduler_api without HTTP: scheduled fires, run now,
// retries, the concurrency policy, and the misfire policy after downtime. Every wait is a
// bounded poll on the job's state; nothing here asserts on timing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "actors/scheduler_runtime.h"
#include "core/time_types.h"
#include "tests/support/runtime_harness.h"

using namespace mainspring;
using namespace mainspring::testing;

namespace {

std::unique_ptr<scheduler_runtime> start_with_group(const std::string& data_dir, const std::string& group) {
  auto rt = start_runtime(data_dir);
  auto added = ask<std::string>([&](auto r) { rt->register_group(k_test_origin, group, r); });
  REQUIRE((added.ok() || added.status().code() == status_code::already_exists));
  return rt;
}

// The finished runs among `runs` (the store also shows a run in flight, as running).
std::vector<run_record> finished(std::vector<run_record> runs) {
  std::erase_if(runs, [](const run_record& r) { return !r.finished(); });
  return runs;
}

std::size_t count_runs(const std::vector<run_record>& runs, run_trigger trigger) {
  return std::count_if(runs.begin(), runs.end(), [&](const run_record& r) { return r.trigger == trigger; });
}

}  // namespace

TEST_CASE("an @every job fires on its schedule and each run is recorded") {
  temp_data_dir dir;
  auto rt = start_with_group(dir.path, "g");
  REQUIRE(add(*rt, shell_job("g", "tick", "@every 1s", "echo tick")).ok());

  REQUIRE(poll_until([&] { return finished(runs_of(*rt, "g", "tick")).size() >= 2; }));
  auto runs = finished(runs_of(*rt, "g", "tick"));
  for (const auto& r : runs) {
    CHECK(r.trigger == run_trigger::schedule);
    CHECK(r.state == run_state::succeeded);
    CHECK(r.output_tail.find("tick") != std::string::npos);
    CHECK(r.plan_ms > 0);
    CHECK(r.end_ms >= r.start_ms);
  }
  CHECK(runs[0].plan_ms > runs[1].plan_ms);  // newest first, one plan each
  CHECK(detail(*rt, "g", "tick").successes >= 2);
}

TEST_CASE("run_job_now starts a manual run of a job that would not fire for hours") {
  temp_data_dir dir;
  auto rt = start_with_group(dir.path, "g");
  REQUIRE(add(*rt, shell_job("g", "later", "0 0 3 1 1 *", "echo now")).ok());

  auto run_id = ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "later", r); });
  REQUIRE(run_id.ok());
  REQUIRE(poll_until([&] { return !finished(runs_of(*rt, "g", "later")).empty(); }));
  auto runs = runs_of(*rt, "g", "later");
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].run_id == run_id.value());
  CHECK(runs[0].trigger == run_trigger::manual);
  CHECK(runs[0].state == run_state::succeeded);
  CHECK(ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "missing", r); }).status().code() ==
        status_code::not_found);
}

TEST_CASE("a failing run is retried `retries` times, then the one-shot job is done") {
  temp_data_dir dir;
  auto rt = start_with_group(dir.path, "g");
  job_spec job = shell_job("g", "flaky", "@once", "echo no; exit 3");
  job.exec_time_s = 0;  // its one run: now
  job.retries = 2;
  job.retry_delay_ms = 0;
  REQUIRE(add(*rt, job).ok());

  REQUIRE(poll_until([&] { return finished(runs_of(*rt, "g", "flaky")).size() >= 3; }));
  REQUIRE(poll_until([&] { return detail(*rt, "g", "flaky").phase == job_phase::done; }));
  auto runs = runs_of(*rt, "g", "flaky");
  REQUIRE(runs.size() == 3);
  std::vector<int> attempts;
  for (const auto& r : runs) {
    CHECK(r.state == run_state::failed);
    CHECK(r.code == 3);
    attempts.push_back(r.attempt);
  }
  std::sort(attempts.begin(), attempts.end());
  CHECK(attempts == std::vector<int>{0, 1, 2});
  CHECK(count_runs(runs, run_trigger::retry) == 2);
  job_view v = detail(*rt, "g", "flaky");
  CHECK(v.failures == 3);
  CHECK(v.retries == 2);
}

TEST_CASE("a run keeps what started it: who asked, or the run it follows, and its retries keep it too") {
  temp_data_dir dir;
  auto rt = start_with_group(dir.path, "g");
  job_spec extract = shell_job("g", "extract", "0 0 3 1 1 *", "echo rows");
  extract.name = "Extract orders";
  extract.controls.on_success = "load";  // a follow-up (Cronicle's chain)
  job_spec load = shell_job("g", "load", "0 0 3 1 1 *", "exit 4");
  load.retries = 1;
  job_spec report = shell_job("g", "report", "0 0 3 1 1 *", "true");
  report.parent_job = "extract";  // a dependent (Dkron's parent_job)
  for (const auto& j : {extract, load, report}) REQUIRE(add(*rt, j).ok());

  manual_run asked{.cause = std::make_shared<const run_cause>(run_cause{.by = "ci deploy"})};
  auto started = ask<uint64_t>([&](auto r) { rt->run_job_now_as(k_test_origin, "g", "extract", asked, r); });
  REQUIRE(started.ok());
  REQUIRE(poll_until([&] {
    return finished(runs_of(*rt, "g", "load")).size() == 2 && finished(runs_of(*rt, "g", "report")).size() == 1;
  }));
  auto first = runs_of(*rt, "g", "extract");
  REQUIRE(first.size() == 1);
  REQUIRE(first[0].cause != nullptr);
  CHECK(first[0].cause->by == "ci deploy");
  CHECK(first[0].cause->after_job.empty());

  auto followed = finished(runs_of(*rt, "g", "load"));  // its try and its retry, newest first
  std::vector<run_record> after_extract = followed;
  after_extract.push_back(finished(runs_of(*rt, "g", "report"))[0]);
  for (const auto& r : after_extract) {
    REQUIRE(r.cause != nullptr);
    CHECK(r.cause->after_job == "extract");
    CHECK(r.cause->after_name == "Extract orders");
    CHECK(r.cause->after_run_id == *started);
    CHECK(r.cause->after_state == run_state::succeeded);
    CHECK(r.cause->after_kind == static_cast<uint8_t>(executor_kind::shell));
  }
  CHECK(followed[0].trigger == run_trigger::retry);
  CHECK(followed[1].trigger == run_trigger::parent);
  // A run asked for without a cause has none.
  CHECK(ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "report", r); }).ok());
  REQUIRE(poll_until([&] { return finished(runs_of(*rt, "g", "report")).size() == 2; }));
  CHECK(finished(runs_of(*rt, "g", "report"))[0].cause == nullptr);

  // Stored with the runs: a restart reads them back.
  rt->stop();
  rt.reset();
  rt = start_with_group(dir.path, "g");
  auto load_runs = finished(runs_of(*rt, "g", "load"));
  REQUIRE(load_runs.size() == 2);
  for (const auto& r : load_runs) {
    REQUIRE(r.cause != nullptr);
    CHECK(r.cause->after_run_id == *started);
  }
  REQUIRE(runs_of(*rt, "g", "extract")[0].cause != nullptr);
  CHECK(runs_of(*rt, "g", "extract")[0].cause->by == "ci deploy");
}

TEST_CASE("a run cut at its time limit is retried, unless its job's controls say retry_aborted false") {
  temp_data_dir dir;
  auto rt = start_with_group(dir.path, "g");
  for (bool retry_aborted : {true, false}) {
    job_spec job = shell_job("g", retry_aborted ? "kept" : "dropped", "@manually", "sleep 30");
    job.timeout_ms = 200;
    job.retries = 1;
    job.retry_delay_ms = 0;
    job.controls.retry_aborted = retry_aborted;
    REQUIRE(add(*rt, job).ok());
    REQUIRE(ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", job.id, r); }).ok());
  }
  // Both time out at once; the one that retries shows that a retry had its time to start.
  REQUIRE(poll_until([&] { return finished(runs_of(*rt, "g", "kept")).size() == 2; }));
  REQUIRE(poll_until([&] { return finished(runs_of(*rt, "g", "dropped")).size() == 1; }));
  auto dropped = runs_of(*rt, "g", "dropped");
  REQUIRE(dropped.size() == 1);
  CHECK(dropped[0].state == run_state::timed_out);
  CHECK(detail(*rt, "g", "dropped").retries == 0);
  CHECK(detail(*rt, "g", "kept").retries == 1);
  // A shell limit's abort is an abort too.
  job_spec noisy = shell_job("g", "noisy", "@manually", "yes | head -c 100000; sleep 30");
  noisy.retries = 1;
  noisy.retry_delay_ms = 0;
  noisy.controls.log_max_bytes = 1000;
  noisy.controls.retry_aborted = false;
  REQUIRE(add(*rt, noisy).ok());
  REQUIRE(ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "noisy", r); }).ok());
  REQUIRE(poll_until([&] { return finished(runs_of(*rt, "g", "noisy")).size() == 1; }));
  CHECK(finished(runs_of(*rt, "g", "noisy"))[0].error.starts_with("aborted: Exceeded log file size limit"));
  CHECK(detail(*rt, "g", "noisy").retries == 0);
}

TEST_CASE("concurrency forbid skips a fire while a run is in flight, allow overlaps them") {
  temp_data_dir dir;
  auto rt = start_with_group(dir.path, "g");
  job_spec forbid = shell_job("g", "forbid", "@every 1s", "sleep 3");
  forbid.concurrency = concurrency_policy::forbid;
  job_spec allow = shell_job("g", "allow", "@every 1s", "sleep 3");
  REQUIRE(add(*rt, forbid).ok());
  REQUIRE(add(*rt, allow).ok());

  REQUIRE(poll_until([&] { return detail(*rt, "g", "forbid").skipped >= 1; }));
  CHECK(detail(*rt, "g", "forbid").running <= 1);
  REQUIRE(poll_until([&] { return detail(*rt, "g", "allow").running >= 2; }));
  CHECK(detail(*rt, "g", "allow").skipped == 0);
}

TEST_CASE("after downtime the misfire policy decides what runs: skip none, once one, all every missed fire") {
  // The server is down for k_downtime_ms (and up to a second more); an @every 1s job misses about that many fires.
  constexpr int64_t k_downtime_ms = 4000;
  temp_data_dir dir;
  int64_t phase_ms = 0;  // a fire time of the jobs' @every 1s cadence
  {
    auto rt = start_with_group(dir.path, "g");
    for (auto [id, policy] : {std::pair{"skip", misfire_policy::skip}, std::pair{"once", misfire_policy::once},
                              std::pair{"all", misfire_policy::all}}) {
      job_spec job = shell_job("g", id, "@every 1s", "true");
      job.misfire = policy;
      REQUIRE(add(*rt, job).ok());
    }
    REQUIRE(poll_until([&] { return detail(*rt, "g", "skip").runs >= 1; }));
    const auto next = detail(*rt, "g", "once").next_fire_ms;
    REQUIRE(next);
    phase_ms = *next;
    rt->stop();
  }
  // The downtime itself, not a wait for an event. It ends just after a fire time of the jobs
  // (added within milliseconds of each other): the restart plans the fire of its last second
  // (k_misfire_threshold_ms) as due, not missed, and a restart slow enough to deliver that fire
  // over a second late would make it a second misfire run of `once`; so late a start here would
  // need most of a second.
  const int64_t down_until_ms = phase_ms + ((to_unix_ms(now_ms()) + k_downtime_ms - phase_ms) / 1000 + 1) * 1000 + 50;
  std::this_thread::sleep_for(std::chrono::milliseconds(down_until_ms - to_unix_ms(now_ms())));
  auto rt = start_with_group(dir.path, "g");

  // Each job fires on schedule again once the restart's decisions are made.
  for (const char* id : {"skip", "once", "all"}) {
    INFO(id);
    REQUIRE(poll_until([&] { return detail(*rt, "g", id).runs >= 1; }));
  }
  REQUIRE(poll_until([&] { return count_runs(runs_of(*rt, "g", "all"), run_trigger::misfire) >= 2; }));
  REQUIRE(poll_until([&] { return count_runs(runs_of(*rt, "g", "once"), run_trigger::misfire) >= 1; }));
  CHECK(count_runs(runs_of(*rt, "g", "once"), run_trigger::misfire) == 1);
  CHECK(count_runs(runs_of(*rt, "g", "skip"), run_trigger::misfire) == 0);
  CHECK(detail(*rt, "g", "skip").skipped >= 2);
  CHECK(detail(*rt, "g", "once").skipped >= 1);
}

TEST_CASE("a scheduler paused as a whole skips scheduled fires and catch-ups, durably, and still runs what is asked") {
  temp_data_dir dir;
  {
    auto rt = start_with_group(dir.path, "g");
    REQUIRE(add(*rt, shell_job("g", "tick", "@every 1s", "echo tick")).ok());
    REQUIRE(poll_until([&] { return !finished(runs_of(*rt, "g", "tick")).empty(); }));
    REQUIRE(done([&](auto r) { rt->set_scheduler_enabled(k_test_origin, false, r); }).ok());
    CHECK_FALSE(rt->scheduler_enabled());
    const uint64_t skipped = detail(*rt, "g", "tick").skipped;
    REQUIRE(poll_until([&] { return detail(*rt, "g", "tick").skipped >= skipped + 2; }));
    const std::size_t runs = runs_of(*rt, "g", "tick").size();
    REQUIRE(poll_until([&] { return detail(*rt, "g", "tick").skipped >= skipped + 4; }));
    CHECK(count_runs(runs_of(*rt, "g", "tick"), run_trigger::schedule) <= runs);  // nothing new started
    // Asked for, it runs.
    REQUIRE(ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "tick", r); }).ok());
    REQUIRE(poll_until([&] { return count_runs(finished(runs_of(*rt, "g", "tick")), run_trigger::manual) == 1; }));
  }
  {
    // Still paused after a restart: the fires missed while down are not caught up either.
    auto rt = start_runtime(dir.path);
    CHECK_FALSE(rt->scheduler_enabled());
    const uint64_t skipped = detail(*rt, "g", "tick").skipped;
    REQUIRE(poll_until([&] { return detail(*rt, "g", "tick").skipped >= skipped + 2; }));
    CHECK(count_runs(runs_of(*rt, "g", "tick"), run_trigger::misfire) == 0);
    REQUIRE(done([&](auto r) { rt->set_scheduler_enabled(k_test_origin, true, r); }).ok());
    CHECK(rt->scheduler_enabled());
    const std::size_t scheduled = count_runs(finished(runs_of(*rt, "g", "tick")), run_trigger::schedule);
    REQUIRE(poll_until([&] { return count_runs(finished(runs_of(*rt, "g", "tick")), run_trigger::schedule) >= scheduled + 2; }));
  }
}

TEST_CASE("fires held while the scheduler was paused are either replayed on resume or skipped, never both") {
  temp_data_dir dir;
  auto rt = start_with_group(dir.path, "g");
  job_spec all = shell_job("g", "all", "@every 1s", "true");
  all.misfire = misfire_policy::all;
  job_spec once = shell_job("g", "once", "@every 1s", "true");
  once.misfire = misfire_policy::once;
  REQUIRE(add(*rt, all).ok());
  REQUIRE(add(*rt, once).ok());
  REQUIRE(poll_until([&] { return !finished(runs_of(*rt, "g", "all")).empty(); }));
  const auto paused_at = std::chrono::steady_clock::now();
  REQUIRE(done([&](auto r) { rt->set_scheduler_enabled(k_test_origin, false, r); }).ok());
  // `once` holds one fire and counts the rest as skipped at once.
  REQUIRE(poll_until([&] { return detail(*rt, "g", "once").skipped >= 2; }));
  CHECK(detail(*rt, "g", "all").skipped == 0);  // every fire may run on resume: held
  REQUIRE(done([&](auto r) { rt->set_scheduler_enabled(k_test_origin, true, r); }).ok());
  const auto pause_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - paused_at).count();
  REQUIRE(poll_until([&] { return count_runs(finished(runs_of(*rt, "g", "once")), run_trigger::misfire) == 1; }));
  REQUIRE(poll_until([&] { return count_runs(finished(runs_of(*rt, "g", "all")), run_trigger::misfire) >= 2; }));
  // A fire of the pause was either skipped or run: the two add up to the fires the pause had.
  const auto fires_bound = static_cast<uint64_t>(pause_s) + 2;
  const uint64_t all_replayed = count_runs(runs_of(*rt, "g", "all"), run_trigger::misfire);
  CHECK(detail(*rt, "g", "all").skipped == 0);
  CHECK(all_replayed <= fires_bound);
  const uint64_t once_skipped = detail(*rt, "g", "once").skipped;
  CHECK(once_skipped >= 2);
  CHECK(once_skipped + 1 <= fires_bound);
}

TEST_CASE("an @every job's next fires are armed by the clock, on the job's cadence") {
  temp_data_dir dir;
  auto rt = start_with_group(dir.path, "g");
  REQUIRE(add(*rt, shell_job("g", "tick", "@every 1s", "true")).ok());
  REQUIRE(poll_until([&] { return finished(runs_of(*rt, "g", "tick")).size() >= 1; }));
  const runtime_snapshot before = rt->snapshot();

  REQUIRE(poll_until([&] { return finished(runs_of(*rt, "g", "tick")).size() >= 4; }));
  const runtime_snapshot after = rt->snapshot();
  // The fires since then needed no arm message from the job: the clock armed each next one.
  CHECK(after.timer_arms == before.timer_arms);
  CHECK(after.timer_rearms >= before.timer_rearms + 3);
  auto runs = finished(runs_of(*rt, "g", "tick"));
  for (std::size_t i = 0; i + 1 < runs.size(); ++i) CHECK(runs[i].plan_ms - runs[i + 1].plan_ms == 1000);
}

TEST_CASE("a paused or re-timed @every job gets no fire from the clock's periodic timer") {
  temp_data_dir dir;
  auto rt = start_with_group(dir.path, "g");
  REQUIRE(add(*rt, shell_job("g", "p", "@every 1s", "true")).ok());
  REQUIRE(add(*rt, shell_job("g", "e", "@every 1s", "true")).ok());
  REQUIRE(poll_until([&] { return rt->snapshot().timer_rearms >= 2; }));

  REQUIRE(done([&](auto d) { rt->pause_job(k_test_origin, "g", "p", d); }).ok());
  job_patch later;
  later.schedule = "0 0 3 1 1 *";  // once a year
  REQUIRE(ask<job_view>([&](auto r) { rt->edit_job(k_test_origin, "g", "e", later, r); }).ok());
  // Once the clock has taken both changes it holds one timer: the edited job's, a year ahead. A
  // periodic timer left behind would stay, and fire its job again every second.
  REQUIRE(poll_until([&] { return rt->snapshot().pending_timers == 1; }));
  const uint64_t fires = rt->snapshot().fires;
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK(rt->snapshot().fires == fires);
  CHECK(rt->snapshot().pending_timers == 1);
  const auto next = detail(*rt, "g", "e").next_fire_ms;
  REQUIRE(next.has_value());
  CHECK(*next > to_unix_ms(now_ms()) + 3'600'000);
}

TEST_CASE("jobs created in a burst are armed together, and one deleted or paused as soon as it is created keeps no timer") {
  temp_data_dir dir;
  auto rt = start_with_group(dir.path, "g");
  // Adds sent without waiting are written in a few committer rounds, so the group adopts many
  // in one go and holds their arms for one message to the clock. The delete or pause sent from
  // each add's answer must reach the clock after that arm: an arm that came after its job's
  // disarm would stay in the wheel and fire every second forever; one never sent would leave the
  // running jobs without a first fire.
  constexpr int k_jobs = 60;
  std::atomic<int> settled{0}, failed{0};
  for (int i = 0; i < k_jobs; ++i) {
    const std::string id = "j" + std::to_string(i);
    rt->add_job(k_test_origin, shell_job("g", id, "@every 1s", "true"), [&, i, id](status_or<std::string> added) {
      if (!added.ok()) {
        ++failed;
        return ++settled, void();
      }
      done_fn after = [&](status s) {
        if (!s.ok()) ++failed;
        ++settled;
      };
      if (i % 3 == 0) rt->delete_job(k_test_origin, "g", id, after);
      else if (i % 3 == 1) rt->pause_job(k_test_origin, "g", id, after);
      else ++settled;
    });
  }
  REQUIRE(poll_until([&] { return settled.load() == k_jobs; }));
  REQUIRE(failed.load() == 0);
  // Only the third left running holds a timer, and its jobs run.
  REQUIRE(poll_until([&] { return rt->snapshot().pending_timers == k_jobs / 3; }));
  REQUIRE(poll_until([&] { return finished(runs_of(*rt, "g", "j2")).size() >= 2; }));
  CHECK(rt->snapshot().pending_timers == k_jobs / 3);
  CHECK(finished(runs_of(*rt, "g", "j1")).empty());  // paused before its first fire
}

TEST_CASE("the clock passes over its timers at least once a second with nothing due, its last pass in the overview") {
  temp_data_dir dir;
  auto rt = start_with_group(dir.path, "g");
  // A job whose only fire is hours away: the clock has a timer and nothing due.
  REQUIRE(add(*rt, shell_job("g", "later", "0 0 3 1 1 *", "echo later")).ok());
  auto pass_ms = [&] { return ask<scheduler_overview>([&](auto r) { rt->overview(r); })->clock_pass_ms; };
  REQUIRE(poll_until([&] { return pass_ms() > 0; }));
  const int64_t first = pass_ms();
  // Passes go on without a message to wake the clock (the bounded poll waits far longer than
  // the clock's k_clock_pass_interval; the test asserts that they happen, not when).
  REQUIRE(poll_until([&] { return pass_ms() > first; }));
  CHECK(pass_ms() <= to_unix_ms(now_ms()));
}
