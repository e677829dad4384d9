// group_routes: when a request may skip the registry, and (through scheduler_runtime) that
// requests sent one after another without waiting still reach their group in that order.
#include "actors/group_routes.h"

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "actors/scheduler_runtime.h"
#include "tests/support/runtime_harness.h"

using namespace mainspring;
using namespace mainspring::testing;

namespace {

// An actor handle to publish: group_routes only stores and hands it back.
struct actor_handle_source {
  caf::actor_system_config config;
  caf::actor_system system{config};
  // Spawned with an argument: CAF 0.17 dereferences a null argument tuple for a function actor
  // spawned without one (UndefinedBehaviorSanitizer reports it).
  caf::actor actor = system.spawn([](int) -> caf::behavior { return {[](int) {}}; }, 0);
  ~actor_handle_source() { caf::anon_send_exit(actor, caf::exit_reason::user_shutdown); }
};

// Whether a request for `group` would go directly; one that would not stays held.
bool goes_direct(group_routes& routes, const std::string& group) {
  return routes.send_direct(group, [](const caf::actor&) {});
}

}  // namespace

TEST_CASE("a request goes straight to its group only while the group is published and none of its requests is held") {
  actor_handle_source source;
  group_routes routes;
  bool sent = false;
  CHECK_FALSE(routes.send_direct("g", [&](const caf::actor&) { sent = true; }));  // unknown: held
  CHECK_FALSE(sent);
  routes.release("g");

  routes.publish("g", source.actor);
  CHECK(routes.published() == 1);
  caf::actor got;
  CHECK(routes.send_direct("g", [&](const caf::actor& a) { got = a; }));
  CHECK(got == source.actor);

  routes.hold("g");                    // a request through the registry, not answered yet
  CHECK_FALSE(goes_direct(routes, "g"));  // behind it, and held too
  routes.release("g");
  CHECK_FALSE(goes_direct(routes, "g"));  // the first still is
  routes.release("g");
  routes.release("g");
  CHECK(goes_direct(routes, "g"));

  routes.withdraw("g");
  CHECK(routes.published() == 0);
  CHECK_FALSE(goes_direct(routes, "g"));
  routes.release("g");
  routes.publish("g", source.actor);  // a removal whose write failed gives it back
  CHECK(goes_direct(routes, "g"));
  CHECK_FALSE(goes_direct(routes, "other"));
}

TEST_CASE("a reply wrapped by released_on_answer releases its group when it is called, then answers") {
  actor_handle_source source;
  group_routes routes;
  routes.publish("g", source.actor);
  routes.hold("g");
  bool held_while_answering = false;
  std::string answer;
  auto reply = routes.released_on_answer("g", reply_fn<std::string>([&](status_or<std::string> v) {
    held_while_answering = !goes_direct(routes, "g");
    answer = v.value();
  }));
  CHECK_FALSE(goes_direct(routes, "g"));
  routes.release("g");  // the probe just above held it too
  reply(std::string("done"));
  CHECK(answer == "done");
  CHECK_FALSE(held_while_answering);  // released before the caller hears, who may send at once
}

TEST_CASE("withdraw_all forgets every group and every hold, and a late release changes nothing") {
  actor_handle_source source;
  group_routes routes;
  routes.publish("a", source.actor);
  routes.publish("b", source.actor);
  routes.hold("a");
  routes.withdraw_all();
  CHECK(routes.published() == 0);
  routes.release("a");
  routes.release("a");
  routes.publish("a", source.actor);
  CHECK(goes_direct(routes, "a"));
}

TEST_CASE("requests sent without waiting reach a group made by the first of them in order") {
  temp_data_dir dir("ms_routes_test");
  auto rt = start_runtime(dir.path);
  // The group's route appears while the func's add waits in the registry for the group: the
  // delete sent after it must not overtake it by going straight to the group (it would find no
  // func, and the add would then keep one).
  for (int i = 0; i < 40; ++i) {
    const std::string group = "g" + std::to_string(i);
    func_spec func;
    func.group = group;
    func.name = "f";
    func.lua_body = "return 1";
    later<status_or<std::string>> made, added;
    later<status> deleted;
    rt->register_group(k_test_origin, group, made.fn());
    rt->add_func(k_test_origin, func, added.fn());
    rt->delete_func(k_test_origin, group, "f", deleted.fn());
    INFO(group);
    REQUIRE(made.get().ok());
    REQUIRE(added.get().ok());
    auto d = deleted.get();
    INFO(d.to_string());
    CHECK(d.ok());
    CHECK(ask<std::vector<func_spec>>([&](auto r) { rt->list_funcs(group, r); }).value().empty());
  }
}

TEST_CASE("a request sent without waiting after a group's removal finds the group gone") {
  temp_data_dir dir("ms_routes_test");
  auto rt = start_runtime(dir.path);
  for (int i = 0; i < 20; ++i) {
    const std::string group = "g" + std::to_string(i);
    REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, group, r); }).ok());
    REQUIRE(add(*rt, shell_job(group, "old", "@every 1h", "true")).ok());  // the route is published
    later<status_or<std::string>> added;
    later<status> removed;
    rt->remove_group(k_test_origin, group, removed.fn());
    rt->add_job(k_test_origin, shell_job(group, "late", "@every 1h", "true"), added.fn());
    INFO(group);
    REQUIRE(removed.get().ok());
    CHECK(added.get().status().code() == status_code::not_found);
  }
  CHECK(ask<std::vector<std::string>>([&](auto r) { rt->list_groups(r); }).value().empty());
  CHECK(poll_until([&] { return rt->snapshot().jobs == 0; }));  // the jobs end after their group

  // A group made again under the name is reached again (straight or not).
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g0", r); }).ok());
  REQUIRE(add(*rt, shell_job("g0", "new", "@every 1h", "true")).ok());
  CHECK(jobs_of(*rt, "g0").size() == 1);
}

namespace {

// The answers of a removal of `group` and of an add to it sent after it, both sent without
// waiting right after an import of `archive` (answered in *imported), which holds the group too.
std::pair<status, status> remove_then_add(scheduler_runtime& rt, const std::string& group, std::string archive,
                                          status* imported) {
  later<status> import_done, removed;
  later<status_or<std::string>> added;
  rt.import(k_test_origin, std::move(archive), import_done.fn());
  rt.remove_group(k_test_origin, group, removed.fn());
  rt.add_job(k_test_origin, shell_job(group, "late", "@every 1h", "true"), added.fn());
  *imported = import_done.get();
  status removal = removed.get();
  return {removal, added.get().status()};
}

}  // namespace

TEST_CASE("a request sent without waiting after a group's removal finds the group gone when an import replaced the group first") {
  temp_data_dir dir("ms_routes_test");
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  auto archive = ask<dump_file>([&](auto r) { rt->dump(std::string("g"), r); });
  REQUIRE(archive.ok());
  for (int i = 0; i < 20; ++i) {
    INFO("round " << i);
    if (i > 0) REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
    // The import replaces the empty group; the removal, sent after it, removes what it made.
    status imported;
    auto [removed, added] = remove_then_add(*rt, "g", archive->bytes, &imported);
    REQUIRE(imported.ok());
    REQUIRE(removed.ok());
    INFO(added.to_string());
    CHECK(added.code() == status_code::not_found);
    CHECK(ask<std::vector<std::string>>([&](auto r) { rt->list_groups(r); }).value().empty());
  }
}

TEST_CASE("a request sent without waiting after a group's removal finds the group gone when an import refused to replace it") {
  temp_data_dir dir("ms_routes_test");
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  REQUIRE(add(*rt, shell_job("g", "old", "@every 1h", "true")).ok());
  auto archive = ask<dump_file>([&](auto r) { rt->dump(std::string("g"), r); });
  REQUIRE(archive.ok());
  for (int i = 0; i < 20; ++i) {
    INFO("round " << i);
    if (i > 0) {
      REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
      REQUIRE(add(*rt, shell_job("g", "old", "@every 1h", "true")).ok());
    }
    // The group holds a job: the import is refused, and the removal sent after it goes on.
    status imported;
    auto [removed, added] = remove_then_add(*rt, "g", archive->bytes, &imported);
    REQUIRE(imported.code() == status_code::already_exists);
    REQUIRE(removed.ok());
    INFO(added.to_string());
    CHECK(added.code() == status_code::not_found);
    CHECK(ask<std::vector<std::string>>([&](auto r) { rt->list_groups(r); }).value().empty());
  }
}

TEST_CASE("a request sent without waiting between a group's removal and its registration again finds the group gone") {
  temp_data_dir dir("ms_routes_test");
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  for (int i = 0; i < 20; ++i) {
    INFO("round " << i);
    later<status> removed;
    later<status_or<std::string>> added, made;
    rt->remove_group(k_test_origin, "g", removed.fn());
    rt->add_job(k_test_origin, shell_job("g", "late", "@every 1h", "true"), added.fn());
    rt->register_group(k_test_origin, "g", made.fn());
    REQUIRE(removed.get().ok());
    REQUIRE(made.get().ok());
    auto late = added.get().status();
    INFO(late.to_string());
    CHECK(late.code() == status_code::not_found);
    CHECK(jobs_of(*rt, "g").empty());
  }
}

TEST_CASE("every call is answered while groups come and go under calls from several threads") {
  temp_data_dir dir("ms_routes_test");
  auto rt = start_runtime(dir.path);
  constexpr int k_threads = 3;
  constexpr int k_rounds = 25;
  std::atomic<int> lost{0}, wrong{0}, done_threads{0};
  // Waits for one answer; counts it lost when none comes.
  auto wait = [&](auto& answer) -> bool {
    if (answer.wait_for(k_reply_timeout) == std::future_status::ready) return true;
    ++lost;
    return false;
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < k_rounds; ++round) {
        const std::string group = "t" + std::to_string(t) + "r" + std::to_string(round % 3);
        later<status_or<std::string>> made, added, late;
        later<status> removed;
        // Made and filled through the registry (the group is not published yet), then removed
        // with a call right behind the removal while the group is published (it would go
        // straight to the group, but for the removal's hold).
        rt->register_group(k_test_origin, group, made.fn());
        rt->add_job(k_test_origin, shell_job(group, "j", "@every 1h", "true"), added.fn());
        if (!wait(made.answer) || !wait(added.answer)) continue;
        if (!made.answer.get().ok() || !added.answer.get().ok()) ++wrong;
        rt->remove_group(k_test_origin, group, removed.fn());
        rt->add_job(k_test_origin, shell_job(group, "late", "@every 1h", "true"), late.fn());
        if (!wait(removed.answer) || !wait(late.answer)) continue;
        if (!removed.answer.get().ok()) ++wrong;
        if (late.answer.get().status().code() != status_code::not_found) ++wrong;
      }
      ++done_threads;
    });
  }
  // Meanwhile reads of the groups being made and removed: answered, found or not.
  while (done_threads.load() < k_threads) {
    for (int t = 0; t < k_threads; ++t) {
      later<status_or<std::vector<job_view>>> listed;
      rt->list_jobs("t" + std::to_string(t) + "r0", listed.fn());
      if (wait(listed.answer)) {
        auto l = listed.answer.get();
        if (!l.ok() && l.status().code() != status_code::not_found) ++wrong;
      }
    }
  }
  for (auto& th : threads) th.join();
  CHECK(lost.load() == 0);
  CHECK(wrong.load() == 0);
  CHECK(ask<std::vector<std::string>>([&](auto r) { rt->list_groups(r); }).value().empty());
}
