// The actor layer's handling of changes, through scheduler_api without HTTP: add, edit, pause,
// activate, delete, clear, clearing a job's runs, group removal, and what a restart restores.
#include <catch2/catch.hpp>

#include <fstream>
#include <future>
#include <thread>

#include "actors/scheduler_runtime.h"
#include "tests/support/runtime_harness.h"

using namespace mainspring;
using namespace mainspring::testing;

namespace {

std::unique_ptr<scheduler_runtime> start_with_group(const temp_data_dir& dir, const std::string& group) {
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, group, r); }).ok());
  return rt;
}

}  // namespace

TEST_CASE("add_job arms the job, answers its id, and refuses duplicates, unknown groups and invalid specs") {
  temp_data_dir dir;
  auto rt = start_with_group(dir, "g");

  REQUIRE(add(*rt, shell_job("g", "hourly", "@every 1h", "true")).ok());
  job_view v = detail(*rt, "g", "hourly");
  CHECK(v.phase == job_phase::active);
  REQUIRE(v.next_fire_ms.has_value());
  CHECK(*v.next_fire_ms > 0);

  job_spec unnamed_id = shell_job("g", "", "@every 1h", "true");
  unnamed_id.name = "no id given";
  auto generated = ask<std::string>([&](auto r) { rt->add_job(k_test_origin, unnamed_id, r); });
  REQUIRE(generated.ok());
  CHECK(!generated.value().empty());
  CHECK(jobs_of(*rt, "g").count(generated.value()) == 1);

  CHECK(add(*rt, shell_job("g", "hourly", "@every 2h", "true")).code() == status_code::already_exists);
  CHECK(add(*rt, shell_job("nope", "x", "@every 1h", "true")).code() == status_code::not_found);
  status bad = add(*rt, shell_job("g", "bad", "0 0 25 * * *", "true"));
  CHECK(bad.code() == status_code::invalid_argument);
  CHECK(bad.message().find("interval_pattern") != std::string::npos);
  CHECK(jobs_of(*rt, "g").size() == 2);
  CHECK(detail(*rt, "g", "hourly").spec.schedule == "@every 1h");  // the duplicate changed nothing
}

TEST_CASE("edit_job replaces the given fields, re-plans the next fire and keeps identity") {
  temp_data_dir dir;
  auto rt = start_with_group(dir, "g");
  REQUIRE(add(*rt, shell_job("g", "j", "@every 1h", "true")).ok());
  const int64_t first_next = *detail(*rt, "g", "j").next_fire_ms;

  job_patch patch;
  patch.name = "renamed";
  patch.schedule = "@every 10h";
  patch.memo = "why";
  auto edited = ask<job_view>([&](auto r) { rt->edit_job(k_test_origin, "g", "j", patch, r); });
  REQUIRE(edited.ok());
  CHECK(edited->spec.name == "renamed");
  CHECK(edited->spec.id == "j");
  CHECK(edited->spec.group == "g");
  REQUIRE(edited->next_fire_ms.has_value());
  CHECK(*edited->next_fire_ms > first_next);  // 10 h out instead of 1 h

  job_patch broken;
  broken.schedule = "@every 0s";
  auto refused = ask<job_view>([&](auto r) { rt->edit_job(k_test_origin, "g", "j", broken, r); });
  CHECK(refused.status().code() == status_code::invalid_argument);
  CHECK(detail(*rt, "g", "j").spec.schedule == "@every 10h");

  CHECK(ask<job_view>([&](auto r) { rt->edit_job(k_test_origin, "g", "missing", patch, r); }).status().code() ==
        status_code::not_found);
}

TEST_CASE("a one-shot edited or made with no time left to run is done at once, and stays so after a restart") {
  temp_data_dir dir;
  {
    auto rt = start_with_group(dir, "g");
    REQUIRE(add(*rt, shell_job("g", "at", "@every 1h", "true")).ok());
    job_patch past;
    past.schedule = "@at 2001-01-01T00:00:00Z";
    auto edited = ask<job_view>([&](auto r) { rt->edit_job(k_test_origin, "g", "at", past, r); });
    REQUIRE(edited.ok());
    CHECK(edited->phase == job_phase::done);
    CHECK(!edited->next_fire_ms.has_value());
    // @once whose first fire is "the pattern's": it has none.
    job_spec once = shell_job("g", "once", "@once", "true");
    once.exec_time_s = k_first_fire_by_schedule;
    REQUIRE(add(*rt, once).ok());
    CHECK(detail(*rt, "g", "once").phase == job_phase::done);
    // Resumed, it is still done: no fire is left.
    REQUIRE(done([&](auto d) { rt->activate_job(k_test_origin, "g", "at", 0, d); }).ok());
    CHECK(detail(*rt, "g", "at").phase == job_phase::done);
    rt->stop();
  }
  auto rt = start_runtime(dir.path);
  for (const char* id : {"at", "once"}) {
    job_view v = detail(*rt, "g", id);
    CHECK(v.phase == job_phase::done);
    CHECK(!v.next_fire_ms.has_value());
  }
  // Nothing ran, then or since the restart (a missed one-shot would run at once).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(detail(*rt, "g", "at").runs == 0);
  CHECK(detail(*rt, "g", "once").runs == 0);
}

TEST_CASE("pause stops a job's fires and activate re-arms it") {
  temp_data_dir dir;
  auto rt = start_with_group(dir, "g");
  REQUIRE(add(*rt, shell_job("g", "j", "@every 1h", "true")).ok());

  CHECK(detail(*rt, "g", "j").spec.paused_at_s == 0);
  const int64_t before_s = to_unix_ms(now_ms()) / 1000;
  REQUIRE(done([&](auto d) { rt->pause_job(k_test_origin, "g", "j", d); }).ok());
  const int64_t after_s = to_unix_ms(now_ms()) / 1000;
  job_view paused = detail(*rt, "g", "j");
  CHECK(paused.phase == job_phase::paused);
  CHECK(!paused.next_fire_ms.has_value());
  // It says since when; pausing it again does not move that.
  CHECK(paused.spec.paused_at_s >= before_s);
  CHECK(paused.spec.paused_at_s <= after_s);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  REQUIRE(done([&](auto d) { rt->pause_job(k_test_origin, "g", "j", d); }).ok());
  CHECK(detail(*rt, "g", "j").spec.paused_at_s == paused.spec.paused_at_s);

  // Activated with exec_time 0: its first run is now.
  REQUIRE(done([&](auto d) { rt->activate_job(k_test_origin, "g", "j", 0, d); }).ok());
  CHECK(detail(*rt, "g", "j").phase == job_phase::active);
  CHECK(detail(*rt, "g", "j").spec.paused_at_s == 0);
  CHECK(poll_until([&] { return detail(*rt, "g", "j").runs >= 1; }));
}

TEST_CASE("delete_job, clear_jobs and remove_group take jobs away for good") {
  temp_data_dir dir;
  auto rt = start_with_group(dir, "g");
  for (const char* id : {"a", "b", "c"}) REQUIRE(add(*rt, shell_job("g", id, "@every 1h", "true")).ok());

  REQUIRE(done([&](auto d) { rt->delete_job(k_test_origin, "g", "a", d); }).ok());
  CHECK(done([&](auto d) { rt->delete_job(k_test_origin, "g", "a", d); }).code() == status_code::not_found);
  CHECK(jobs_of(*rt, "g").size() == 2);

  auto cleared = ask<std::size_t>([&](auto r) { rt->clear_jobs(k_test_origin, "g", r); });
  REQUIRE(cleared.ok());
  CHECK(cleared.value() == 2);
  CHECK(jobs_of(*rt, "g").empty());

  REQUIRE(add(*rt, shell_job("g", "d", "@every 1h", "true")).ok());
  REQUIRE(done([&](auto d) { rt->remove_group(k_test_origin, "g", d); }).ok());
  CHECK(ask<std::vector<job_view>>([&](auto r) { rt->list_jobs("g", r); }).status().code() == status_code::not_found);
  // The job count falls as the removed group's job actors stop, just after the reply.
  CHECK(poll_until([&] { return rt->snapshot().jobs == 0; }));
}

namespace {

std::vector<std::string> deleted_ids(scheduler_runtime& rt, const std::string& group) {
  auto gone = ask<std::vector<deleted_job>>([&](auto r) { rt.deleted_jobs(group, 100, r); });
  REQUIRE(gone.ok());
  std::vector<std::string> ids;
  for (const auto& d : *gone) ids.push_back(d.spec.id);
  return ids;
}

status_or<std::vector<run_record>> kept_runs(scheduler_runtime& rt, const std::string& group, const std::string& id) {
  return ask<std::vector<run_record>>([&](auto r) { rt.deleted_job_executions(group, id, 100, 0, r); });
}

}  // namespace

TEST_CASE("a deleted job that ran keeps its runs for --deleted-job-history, one that never ran leaves nothing") {
  temp_data_dir dir;
  auto rt = start_with_group(dir, "g");
  REQUIRE(add(*rt, shell_job("g", "ran", "@every 1h", "true")).ok());
  REQUIRE(add(*rt, shell_job("g", "idle", "@every 1h", "true")).ok());
  REQUIRE(ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "ran", r); }).ok());
  // Ended (a run still in flight when its job goes is not recorded: its actor goes with the job).
  REQUIRE(poll_until([&] { return detail(*rt, "g", "ran").runs == 1; }));
  const uint64_t run_id = runs_of(*rt, "g", "ran")[0].run_id;
  CHECK(kept_runs(*rt, "g", "ran").status().code() == status_code::not_found);  // a live job's go through job_executions
  for (const char* id : {"ran", "idle"}) REQUIRE(done([&](auto d) { rt->delete_job(k_test_origin, "g", id, d); }).ok());
  // The run's record is written lazily, after its job showed it: it may land after the delete.
  REQUIRE(poll_until([&] {
    auto kept = kept_runs(*rt, "g", "ran");
    return kept.ok() && kept->size() == 1;
  }));

  for (int start = 0; start < 2; ++start) {
    INFO("after " << start << " restart(s)");
    CHECK(jobs_of(*rt, "g").empty());
    CHECK(deleted_ids(*rt, "g") == std::vector<std::string>{"ran"});
    auto kept = kept_runs(*rt, "g", "ran");
    REQUIRE(kept.ok());
    REQUIRE(kept->size() == 1);
    CHECK((*kept)[0].run_id == run_id);
    CHECK(kept_runs(*rt, "g", "idle").status().code() == status_code::not_found);
    // The job is gone for everything else.
    CHECK(ask<std::vector<run_record>>([&](auto r) { rt->job_executions("g", "ran", 10, 0, r); }).status().code() ==
          status_code::not_found);
    auto listed = ask<std::vector<run_record>>([&](auto r) { rt->group_executions("g", 0, INT64_MAX, 100, r); });
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 1);
    CHECK((*listed)[0].job_id == "ran");
    rt->stop();
    rt.reset();
    rt = start_runtime(dir.path);
  }
  // Made again under its id, the job starts with no history and is no longer a deleted one.
  REQUIRE(add(*rt, shell_job("g", "ran", "@every 1h", "true")).ok());
  CHECK(deleted_ids(*rt, "g").empty());
  CHECK(runs_of(*rt, "g", "ran").empty());
}

TEST_CASE("a run in flight when its job is deleted is recorded as it ends, neither retried nor followed") {
  temp_data_dir dir;
  auto rt = start_with_group(dir, "g");
  const std::string gate = dir.path + "/go";
  job_spec slow = shell_job("g", "slow", "@every 1h", "while [ ! -e " + gate + " ]; do sleep 0.05; done; exit 3");
  slow.retries = 2;
  slow.controls.on_failure = "next";
  REQUIRE(add(*rt, slow).ok());
  REQUIRE(add(*rt, shell_job("g", "next", "@every 1h", "true")).ok());
  REQUIRE(ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "slow", r); }).ok());
  REQUIRE(poll_until([&] { return detail(*rt, "g", "slow").running == 1; }));
  REQUIRE(done([&](auto d) { rt->delete_job(k_test_origin, "g", "slow", d); }).ok());
  // Read right after the delete's answer (no poll): the run is found, running, and listed once.
  auto at_once = kept_runs(*rt, "g", "slow");
  REQUIRE(at_once.ok());
  REQUIRE(at_once->size() == 1);
  CHECK(at_once->front().state == run_state::running);
  auto busy = ask<std::vector<run_record>>([&](auto r) { rt->runs_in_flight("g", r); });
  REQUIRE(busy.ok());
  CHECK(busy->size() == 1);
  CHECK(jobs_of(*rt, "g").size() == 1);  // gone from its group at once
  std::ofstream(gate) << "go\n";
  // Listed while it runs (its actor stays for it), then as it ended.
  REQUIRE(poll_until([&] {
    auto kept = kept_runs(*rt, "g", "slow");
    return kept.ok() && kept->size() == 1 && kept->front().state != run_state::running;
  }));
  const run_record ended = kept_runs(*rt, "g", "slow").value()[0];
  CHECK(ended.state == run_state::failed);
  CHECK(ended.code == 3);
  CHECK(ended.attempt == 0);
  // A run of `next` asked for now goes through the group after any follow-up the failure sent.
  REQUIRE(ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "next", r); }).ok());
  REQUIRE(poll_until([&] { return detail(*rt, "g", "next").runs >= 1; }));
  CHECK(detail(*rt, "g", "next").runs == 1);
  CHECK(kept_runs(*rt, "g", "slow").value().size() == 1);  // no retry (it would have run at once)

  // After a restart it is still there, with the deleted job's record.
  rt.reset();
  rt = start_runtime(dir.path);
  REQUIRE(kept_runs(*rt, "g", "slow").ok());
  CHECK(kept_runs(*rt, "g", "slow").value().size() == 1);
}

TEST_CASE("the server's stop ends a deleted job's actor still waiting for its run, without waiting for the run") {
  temp_data_dir dir;
  auto rt = start_with_group(dir, "g");
  const std::string gate = dir.path + "/never";
  REQUIRE(add(*rt, shell_job("g", "stuck", "@every 1h", "while [ ! -e " + gate + " ]; do sleep 0.05; done")).ok());
  REQUIRE(ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "stuck", r); }).ok());
  REQUIRE(poll_until([&] { return detail(*rt, "g", "stuck").running == 1; }));
  REQUIRE(done([&](auto d) { rt->delete_job(k_test_origin, "g", "stuck", d); }).ok());
  // The run never ends by itself (no gate file, no time limit): a stop that waited for it would
  // never return (and ctest's time limit would fail the test). On this thread: CAF's actor
  // system ends only once the thread that made it has let go of it.
  rt->stop();
  CHECK(rt->snapshot().jobs == 0);
}

TEST_CASE("with deleted_job_history 0 a deleted job's runs go with it") {
  temp_data_dir dir;
  runtime_options o;
  o.data_dir = dir.path;
  o.deleted_job_history = std::chrono::milliseconds{0};
  auto rt = start_runtime(o);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  REQUIRE(add(*rt, shell_job("g", "ran", "@every 1h", "true")).ok());
  REQUIRE(ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "ran", r); }).ok());
  REQUIRE(poll_until([&] { return runs_of(*rt, "g", "ran").size() == 1; }));
  REQUIRE(done([&](auto d) { rt->delete_job(k_test_origin, "g", "ran", d); }).ok());
  CHECK(deleted_ids(*rt, "g").empty());
  CHECK(kept_runs(*rt, "g", "ran").status().code() == status_code::not_found);
  auto listed = ask<std::vector<run_record>>([&](auto r) { rt->group_executions("g", 0, INT64_MAX, 100, r); });
  REQUIRE(listed.ok());
  CHECK(listed->empty());
}

TEST_CASE("clear_job_runs forgets one job's finished runs and counts, durably, and nothing else") {
  temp_data_dir dir;
  auto rt = start_with_group(dir, "g");
  REQUIRE(add(*rt, shell_job("g", "ok", "@every 1h", "true")).ok());
  REQUIRE(add(*rt, shell_job("g", "bad", "@every 1h", "false")).ok());
  for (const char* id : {"ok", "ok", "bad"})
    REQUIRE(ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", id, r); }).ok());
  REQUIRE(poll_until([&] { return detail(*rt, "g", "ok").runs == 2 && detail(*rt, "g", "bad").runs == 1; }));
  REQUIRE(poll_until([&] { return runs_of(*rt, "g", "ok").size() == 2 && runs_of(*rt, "g", "bad").size() == 1; }));
  CHECK(detail(*rt, "g", "bad").failures == 1);
  CHECK(detail(*rt, "g", "bad").last_error_ms > 0);

  REQUIRE(done([&](auto d) { rt->clear_job_runs(k_test_origin, "g", "bad", d); }).ok());
  job_view bad = detail(*rt, "g", "bad");
  CHECK(bad.runs == 0);
  CHECK(bad.failures == 0);
  CHECK(bad.successes == 0);
  CHECK(bad.last_error_ms == 0);
  CHECK_FALSE(bad.last_run.has_value());
  CHECK(bad.phase == job_phase::active);
  CHECK(bad.next_fire_ms.has_value());
  CHECK(runs_of(*rt, "g", "bad").empty());
  // The other job keeps its history and counts.
  CHECK(runs_of(*rt, "g", "ok").size() == 2);
  CHECK(detail(*rt, "g", "ok").successes == 2);
  CHECK(done([&](auto d) { rt->clear_job_runs(k_test_origin, "g", "missing", d); }).code() == status_code::not_found);
  CHECK(done([&](auto d) { rt->clear_job_runs(k_test_origin, "nope", "bad", d); }).code() == status_code::not_found);

  // A run after the clear is recorded and counted again.
  REQUIRE(ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "bad", r); }).ok());
  REQUIRE(poll_until([&] { return detail(*rt, "g", "bad").runs == 1; }));
  REQUIRE(poll_until([&] { return runs_of(*rt, "g", "bad").size() == 1; }));
  REQUIRE(done([&](auto d) { rt->clear_job_runs(k_test_origin, "g", "bad", d); }).ok());

  // The clear was durable: after a restart the store has none of that job's runs.
  rt->stop();
  rt.reset();
  rt = start_runtime(dir.path);
  CHECK(runs_of(*rt, "g", "bad").empty());
  CHECK(runs_of(*rt, "g", "ok").size() == 2);
}

TEST_CASE("a restart restores every group and job as it was: edits, pauses and deletes included") {
  temp_data_dir dir;
  int64_t paused_at_s = 0, born_paused_at_s = 0;
  {
    auto rt = start_with_group(dir, "g");
    REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "h", r); }).ok());
    REQUIRE(add(*rt, shell_job("g", "kept", "@every 1h", "true")).ok());
    REQUIRE(add(*rt, shell_job("g", "paused", "0 0 3 * * *", "true")).ok());
    REQUIRE(add(*rt, shell_job("g", "gone", "@every 1h", "true")).ok());
    REQUIRE(add(*rt, shell_job("h", "other", "@daily", "echo h")).ok());
    job_patch patch;
    patch.name = "kept, renamed";
    patch.timezone = "Europe/Berlin";
    REQUIRE(ask<job_view>([&](auto r) { rt->edit_job(k_test_origin, "g", "kept", patch, r); }).ok());
    REQUIRE(done([&](auto d) { rt->pause_job(k_test_origin, "g", "paused", d); }).ok());
    REQUIRE(done([&](auto d) { rt->delete_job(k_test_origin, "g", "gone", d); }).ok());
    job_spec born_paused = shell_job("h", "born-paused", "@every 1h", "true");
    born_paused.paused = true;
    REQUIRE(add(*rt, born_paused).ok());
    paused_at_s = detail(*rt, "g", "paused").spec.paused_at_s;
    REQUIRE(paused_at_s > 0);
    born_paused_at_s = detail(*rt, "h", "born-paused").spec.paused_at_s;
    CHECK(born_paused_at_s == detail(*rt, "h", "born-paused").spec.created_ms / 1000);  // added paused
    rt->stop();
  }
  auto rt = start_runtime(dir.path);
  auto groups = ask<std::vector<std::string>>([&](auto r) { rt->list_groups(r); });
  REQUIRE(groups.ok());
  CHECK(groups.value() == std::vector<std::string>{"g", "h"});
  auto g = jobs_of(*rt, "g");
  REQUIRE(g.size() == 2);
  CHECK(g.at("kept").spec.name == "kept, renamed");
  CHECK(g.at("kept").spec.timezone == "Europe/Berlin");
  CHECK(g.at("kept").phase == job_phase::active);
  CHECK(g.at("kept").next_fire_ms.has_value());
  CHECK(g.at("paused").phase == job_phase::paused);
  CHECK(!g.at("paused").next_fire_ms.has_value());
  CHECK(g.at("paused").spec.paused_at_s == paused_at_s);
  CHECK(jobs_of(*rt, "h").at("other").spec.schedule == "@daily");
  CHECK(jobs_of(*rt, "h").at("born-paused").spec.paused_at_s == born_paused_at_s);
}

TEST_CASE("two edits sent without waiting cannot link two jobs into a loop of parents, nor a job to a parent deleted meanwhile") {
  temp_data_dir dir;
  auto rt = start_with_group(dir, "g");
  for (int i = 0; i < 20; ++i) {
    INFO("round " << i);
    const std::string a = "a" + std::to_string(i), b = "b" + std::to_string(i);
    REQUIRE(add(*rt, shell_job("g", a, "@manually", "true")).ok());
    REQUIRE(add(*rt, shell_job("g", b, "@manually", "true")).ok());
    job_patch a_after_b, b_after_a;
    a_after_b.parent_job = b;
    b_after_a.parent_job = a;
    later<status_or<job_view>> first, second;
    rt->edit_job(k_test_origin, "g", a, a_after_b, first.fn());
    rt->edit_job(k_test_origin, "g", b, b_after_a, second.fn());
    // As one after the other: the first links a after b, the second would close the loop.
    CHECK(first.get().ok());
    auto looped = second.get();
    INFO(looped.status().to_string());
    CHECK(looped.status().code() == status_code::invalid_argument);
    CHECK(detail(*rt, "g", b).spec.parent_job.empty());

    // A delete of d sent right after an edit that makes e its child is refused, as when the
    // edit had been answered first.
    const std::string d = "d" + std::to_string(i), e = "e" + std::to_string(i);
    REQUIRE(add(*rt, shell_job("g", d, "@manually", "true")).ok());
    REQUIRE(add(*rt, shell_job("g", e, "@manually", "true")).ok());
    job_patch e_after_d;
    e_after_d.parent_job = d;
    later<status_or<job_view>> edited;
    later<status> deleted;
    rt->edit_job(k_test_origin, "g", e, e_after_d, edited.fn());
    rt->delete_job(k_test_origin, "g", d, deleted.fn());
    CHECK(edited.get().ok());
    auto removed = deleted.get();
    INFO(removed.to_string());
    CHECK(removed.code() == status_code::failed_precondition);
    CHECK(jobs_of(*rt, "g").count(d) == 1);
  }
}

TEST_CASE("a run asked for without waiting after an edit runs the edited job, and after a delete is refused") {
  temp_data_dir dir;
  auto rt = start_with_group(dir, "g");
  for (int i = 0; i < 10; ++i) {
    INFO("round " << i);
    const std::string id = "j" + std::to_string(i);
    REQUIRE(add(*rt, shell_job("g", id, "@manually", "echo old")).ok());
    job_patch edit;
    shell_target target;
    target.command = "echo new";
    edit.target = target;
    later<status_or<job_view>> edited;
    later<status_or<uint64_t>> started;
    rt->edit_job(k_test_origin, "g", id, edit, edited.fn());
    rt->run_job_now(k_test_origin, "g", id, started.fn());
    REQUIRE(edited.get().ok());
    auto run = started.get();
    REQUIRE(run.ok());
    REQUIRE(poll_until([&] { return detail(*rt, "g", id).runs == 1 && detail(*rt, "g", id).running == 0; }));
    auto last = detail(*rt, "g", id).last_run;
    REQUIRE(last.has_value());
    CHECK(last->run_id == run.value());
    CHECK(last->output_tail == "new\n");

    later<status> deleted;
    later<status_or<uint64_t>> late;
    rt->delete_job(k_test_origin, "g", id, deleted.fn());
    rt->run_job_now(k_test_origin, "g", id, late.fn());
    REQUIRE(deleted.get().ok());
    auto refused = late.get();
    INFO(refused.status().to_string());
    CHECK(refused.status().code() == status_code::not_found);
  }
}

TEST_CASE("calls for a job sent without waiting after its add find the job") {
  temp_data_dir dir;
  auto rt = start_with_group(dir, "g");
  for (int i = 0; i < 10; ++i) {
    INFO("round " << i);
    const std::string id = "j" + std::to_string(i);
    later<status_or<std::string>> added;
    later<status> paused;
    later<status_or<job_view>> viewed;
    rt->add_job(k_test_origin, shell_job("g", id, "@every 1h", "true"), added.fn());
    rt->pause_job(k_test_origin, "g", id, paused.fn());
    rt->job_detail("g", id, viewed.fn());
    REQUIRE(added.get().ok());
    auto p = paused.get();
    INFO(p.to_string());
    CHECK(p.ok());
    auto v = viewed.get();
    INFO(v.status().to_string());
    CHECK(v.ok());
    CHECK(detail(*rt, "g", id).phase == job_phase::paused);
  }
}

TEST_CASE("a func call sent without waiting after the func's add or delete finds the func as that left it") {
  temp_data_dir dir;
  auto rt = start_with_group(dir, "g");
  for (int i = 0; i < 10; ++i) {
    INFO("round " << i);
    func_spec func;
    func.group = "g";
    func.name = "Text";
    func.lua_body = "function Text() print('hello') end";
    func.use_otp = false;
    later<status_or<std::string>> added, called;
    rt->add_func(k_test_origin, func, added.fn());
    rt->call_func("g", "Text", func_request{}, called.fn());
    REQUIRE(added.get().ok());
    auto call = called.get();
    INFO(call.status().to_string());
    CHECK(call.ok());

    later<status> deleted;
    later<status_or<std::string>> late;
    rt->delete_func(k_test_origin, "g", "Text", deleted.fn());
    rt->call_func("g", "Text", func_request{}, late.fn());
    REQUIRE(deleted.get().ok());
    auto refused = late.get();
    INFO(refused.status().to_string());
    CHECK(refused.status().code() == status_code::not_found);
  }
}

TEST_CASE("an add sent without waiting after a delete of the same id makes the job again") {
  temp_data_dir dir;
  auto rt = start_with_group(dir, "g");
  for (int i = 0; i < 10; ++i) {
    INFO("round " << i);
    const std::string id = "j" + std::to_string(i);
    REQUIRE(add(*rt, shell_job("g", id, "@every 1h", "echo old")).ok());
    later<status> deleted;
    later<status_or<std::string>> added;
    rt->delete_job(k_test_origin, "g", id, deleted.fn());
    rt->add_job(k_test_origin, shell_job("g", id, "@every 2h", "echo new"), added.fn());
    REQUIRE(deleted.get().ok());
    auto again = added.get();
    INFO(again.status().to_string());
    CHECK(again.ok());
    CHECK(detail(*rt, "g", id).spec.schedule == "@every 2h");
  }
}

TEST_CASE("a job added or edited without waiting after the add of its parent_job runs after it") {
  temp_data_dir dir;
  auto rt = start_with_group(dir, "g");
  for (int i = 0; i < 10; ++i) {
    INFO("round " << i);
    const std::string parent = "p" + std::to_string(i), child = "c" + std::to_string(i),
                      other = "o" + std::to_string(i);
    REQUIRE(add(*rt, shell_job("g", other, "@manually", "true")).ok());
    job_spec after = shell_job("g", child, "@manually", "true");
    after.parent_job = parent;
    job_patch relink;
    relink.parent_job = parent;
    later<status_or<std::string>> made, added;
    later<status_or<job_view>> edited;
    rt->add_job(k_test_origin, shell_job("g", parent, "@manually", "true"), made.fn());
    rt->add_job(k_test_origin, after, added.fn());
    rt->edit_job(k_test_origin, "g", other, relink, edited.fn());
    REQUIRE(made.get().ok());
    auto a = added.get();
    INFO(a.status().to_string());
    CHECK(a.ok());
    auto e = edited.get();
    INFO(e.status().to_string());
    CHECK(e.ok());

    // A job added after `other` while an edit makes `other` run after it would close a loop.
    const std::string loop = "l" + std::to_string(i);
    job_spec closing = shell_job("g", loop, "@manually", "true");
    closing.parent_job = other;
    job_patch back;
    back.parent_job = loop;
    later<status_or<std::string>> looped;
    later<status_or<job_view>> relinked;
    rt->add_job(k_test_origin, closing, looped.fn());
    rt->edit_job(k_test_origin, "g", other, back, relinked.fn());
    CHECK(looped.get().ok());
    auto refused = relinked.get();
    INFO(refused.status().to_string());
    CHECK(refused.status().code() == status_code::invalid_argument);
  }
}

TEST_CASE("a clear or delete-by-name sent without waiting after an add removes the added job, not one added after it") {
  temp_data_dir dir;
  auto rt = start_with_group(dir, "g");
  for (int i = 0; i < 10; ++i) {
    INFO("round " << i);
    const std::string first = "first" + std::to_string(i), after = "after" + std::to_string(i);
    later<status_or<std::string>> added, added_after;
    later<status_or<std::size_t>> cleared;
    rt->add_job(k_test_origin, shell_job("g", first, "@every 1h", "true"), added.fn());
    if (i % 2 == 0) rt->clear_jobs(k_test_origin, "g", cleared.fn());
    else rt->delete_jobs_by_name(k_test_origin, "g", first, cleared.fn());
    rt->add_job(k_test_origin, shell_job("g", after, "@every 1h", "true"), added_after.fn());
    REQUIRE(added.get().ok());
    auto n = cleared.get();
    REQUIRE(n.ok());
    CHECK(n.value() >= 1);
    REQUIRE(added_after.get().ok());
    auto jobs = jobs_of(*rt, "g");
    CHECK(jobs.count(first) == 0);
    CHECK(jobs.count(after) == 1);
    REQUIRE(done([&](auto d) { rt->delete_job(k_test_origin, "g", after, d); }).ok());
  }
}
