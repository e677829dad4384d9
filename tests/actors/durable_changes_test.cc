// The scheduler's actors apply a client's change only once its write is durable: tested through
// scheduler_api (no HTTP) over a state store whose file system fails or loses power on demand.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "actors/scheduler_runtime.h"
#include "storage/fault_env.h"
#include "tests/support/runtime_harness.h"

using namespace mainspring;
namespace fs = std::filesystem;

namespace {

using namespace mainspring::testing;

const request_origin k_origin = k_test_origin;

std::unique_ptr<scheduler_runtime> start(const std::string& dir, fault_env& env) {
  runtime_options o;
  o.data_dir = dir;
  o.storage_env = &env;
  return start_runtime(o);
}

job_spec make_job(const std::string& group, const std::string& id, const std::string& name) {
  job_spec j = shell_job(group, id, "@every 1h", "true");
  j.name = name;
  return j;
}

}  // namespace

TEST_CASE("a change whose write fails changes nothing: add, edit, pause, activate, delete, clear runs, groups and funcs") {
  temp_data_dir dir("ms_durable_test");
  fault_env env;
  auto rt = start(dir.path, env);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_origin, "g", r); }).ok());
  REQUIRE(add(*rt, make_job("g", "kept", "old name")).ok());
  REQUIRE(add(*rt, make_job("g", "paused", "p")).ok());
  REQUIRE(done([&](auto d) { rt->pause_job(k_origin, "g", "paused", d); }).ok());
  REQUIRE(ask<uint64_t>([&](auto r) { rt->run_job_now(k_origin, "g", "kept", r); }).ok());
  REQUIRE(poll_until([&] { return jobs_of(*rt, "g").at("kept").successes == 1; }));
  const int64_t jobs_before = rt->snapshot().jobs;

  for (bool syncs : {true, false}) {
    INFO((syncs ? "failing syncs" : "failing writes"));
    if (syncs) env.fail_syncs(true);
    else env.fail_writes(true);

    status added = add(*rt, make_job("g", "new", "n"));
    CHECK(added.code() == status_code::unavailable);
    CHECK(added.message().find("not") != std::string::npos);  // "... was not made" / "nothing was changed"
    job_patch rename;
    rename.name = "new name";
    rename.schedule = "@every 2h";
    CHECK(ask<job_view>([&](auto r) { rt->edit_job(k_origin, "g", "kept", rename, r); }).status().code() ==
          status_code::unavailable);
    CHECK(done([&](auto d) { rt->pause_job(k_origin, "g", "kept", d); }).code() == status_code::unavailable);
    CHECK(done([&](auto d) { rt->activate_job(k_origin, "g", "paused", 0, d); }).code() == status_code::unavailable);
    CHECK(done([&](auto d) { rt->delete_job(k_origin, "g", "kept", d); }).code() == status_code::unavailable);
    CHECK(done([&](auto d) { rt->clear_job_runs(k_origin, "g", "kept", d); }).code() == status_code::unavailable);
    CHECK(ask<std::size_t>([&](auto r) { rt->clear_jobs(k_origin, "g", r); }).status().code() ==
          status_code::unavailable);
    CHECK(ask<std::string>([&](auto r) { rt->register_group(k_origin, "g2", r); }).status().code() ==
          status_code::unavailable);
    CHECK(done([&](auto d) { rt->remove_group(k_origin, "g", d); }).code() == status_code::unavailable);
    func_spec func;
    func.group = "g";
    func.name = "f";
    func.lua_body = "return 1";
    CHECK(ask<std::string>([&](auto r) { rt->add_func(k_origin, func, r); }).status().code() ==
          status_code::unavailable);

    // Nothing of it is live: no new job actor, the old spec and phases, the same groups.
    CHECK(rt->snapshot().jobs == jobs_before);
    auto jobs = jobs_of(*rt, "g");
    REQUIRE(jobs.size() == 2);
    CHECK(jobs.at("kept").spec.name == "old name");
    CHECK(jobs.at("kept").spec.schedule == "@every 1h");
    CHECK(jobs.at("kept").phase == job_phase::active);
    CHECK(jobs.at("kept").runs == 1);  // the failed clear gave its counts back
    CHECK(jobs.at("kept").successes == 1);
    CHECK(jobs.at("kept").last_run.has_value());
    CHECK(jobs.at("paused").phase == job_phase::paused);
    CHECK(ask<std::vector<std::string>>([&](auto r) { rt->list_groups(r); }).value() ==
          std::vector<std::string>{"g"});
    CHECK(ask<std::vector<func_spec>>([&](auto r) { rt->list_funcs("g", r); }).value().empty());

    env.fail_syncs(false);
    env.fail_writes(false);
  }

  // The fault is gone: the store reopens (retried at most every 250 ms) and changes are
  // accepted again, without a restart.
  job_patch rename;
  rename.name = "renamed";
  status_or<job_view> edited = status::unavailable("not tried");
  for (int i = 0; i < 200 && !edited.ok(); ++i) {
    edited = ask<job_view>([&](auto r) { rt->edit_job(k_origin, "g", "kept", rename, r); });
    if (!edited.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(edited.ok());
  CHECK(edited->spec.name == "renamed");
  REQUIRE(add(*rt, make_job("g", "later", "l")).ok());

  rt.reset();
  rt = start(dir.path, env);
  auto jobs = jobs_of(*rt, "g");
  CHECK(jobs.size() == 3);
  CHECK(jobs.at("kept").spec.name == "renamed");
  CHECK(jobs.at("paused").phase == job_phase::paused);
  CHECK(jobs.count("new") == 0);
  CHECK(ask<std::vector<std::string>>([&](auto r) { rt->list_groups(r); }).value() == std::vector<std::string>{"g"});
}

TEST_CASE("concurrent changes of one job end as if they ran one after the other") {
  temp_data_dir dir("ms_durable_test");
  fault_env env;
  auto rt = start(dir.path, env);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_origin, "g", r); }).ok());
  REQUIRE(add(*rt, make_job("g", "j", "start")).ok());

  // Two edits in flight at once: neither loses the other's field.
  std::vector<std::future<status>> edits;
  job_patch a, b;
  a.name = "edited";
  b.memo = "memo";
  for (const auto& patch : {a, b}) {
    auto p = std::make_shared<std::promise<status>>();
    edits.push_back(p->get_future());
    rt->edit_job(k_origin, "g", "j", patch, [p](status_or<job_view> v) { p->set_value(v.status()); });
  }
  for (auto& e : edits) REQUIRE(e.get().ok());
  auto view = jobs_of(*rt, "g").at("j");
  CHECK(view.spec.name == "edited");
  CHECK(view.spec.memo == "memo");

  // The same id added twice at once: exactly one is created.
  std::vector<std::future<status>> adds;
  for (int i = 0; i < 2; ++i) {
    auto p = std::make_shared<std::promise<status>>();
    adds.push_back(p->get_future());
    rt->add_job(k_origin, make_job("g", "twice", "t" + std::to_string(i)),
                [p](status_or<std::string> id) { p->set_value(id.status()); });
  }
  std::multiset<status_code> outcomes{adds[0].get().code(), adds[1].get().code()};
  CHECK(outcomes == std::multiset<status_code>{status_code::ok, status_code::already_exists});

  // A delete sent while an edit is in flight: the edit lands, then the delete; nothing returns.
  auto edit_done = std::make_shared<std::promise<status>>();
  auto delete_done = std::make_shared<std::promise<status>>();
  job_patch c;
  c.name = "last";
  rt->edit_job(k_origin, "g", "j", c, [edit_done](status_or<job_view> v) { edit_done->set_value(v.status()); });
  rt->delete_job(k_origin, "g", "j", [delete_done](status s) { delete_done->set_value(s); });
  CHECK(edit_done->get_future().get().ok());
  CHECK(delete_done->get_future().get().ok());
  CHECK(jobs_of(*rt, "g").count("j") == 0);
  rt.reset();
  rt = start(dir.path, env);
  auto jobs = jobs_of(*rt, "g");
  CHECK(jobs.count("j") == 0);
  CHECK(jobs.count("twice") == 1);
}

TEST_CASE("after a power loss every change acknowledged to concurrent clients is there, each after a sync") {
  temp_data_dir dir("ms_durable_test");
  fault_env env;
  constexpr int k_clients = 8, k_jobs_per_client = 25;
  std::mutex mu;
  std::map<std::string, bool> acknowledged;  // job id -> paused, as last acknowledged
  std::atomic<int> acks_before_a_sync{0};
  {
    auto rt = start(dir.path, env);
    REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_origin, "g", r); }).ok());
    std::vector<std::thread> clients;
    for (int c = 0; c < k_clients; ++c) {
      clients.emplace_back([&, c] {
        for (int i = 0; i < k_jobs_per_client; ++i) {
          std::string id = "c" + std::to_string(c) + "j" + std::to_string(i);
          uint64_t syncs_before = env.syncs();
          if (!add(*rt, make_job("g", id, id)).ok()) continue;
          if (env.syncs() <= syncs_before) ++acks_before_a_sync;
          {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged[id] = false;
          }
          if (i % 2) continue;
          syncs_before = env.syncs();
          if (!done([&](auto d) { rt->pause_job(k_origin, "g", id, d); }).ok()) continue;
          if (env.syncs() <= syncs_before) ++acks_before_a_sync;
          std::lock_guard<std::mutex> lock(mu);
          acknowledged[id] = true;
        }
      });
    }
    for (auto& t : clients) t.join();
    // The runtime's stop writes a heartbeat; nothing acknowledged depends on it.
  }
  env.power_loss();
  auto rt = start(dir.path, env);
  auto jobs = jobs_of(*rt, "g");
  CHECK(acknowledged.size() == k_clients * k_jobs_per_client);
  CHECK(acks_before_a_sync == 0);
  for (const auto& [id, paused] : acknowledged) {
    INFO(id);
    REQUIRE(jobs.count(id) == 1);
    CHECK((jobs.at(id).phase == job_phase::paused) == paused);
  }
}
