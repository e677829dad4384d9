// visit_jobs: a group's jobs one view at a time, through scheduler_api without HTTP.
#include <catch2/catch.hpp>

#include <future>

#include "actors/scheduler_runtime.h"
#include "tests/support/runtime_harness.h"

using namespace mainspring;
using namespace mainspring::testing;

namespace {

struct visited {
  std::vector<std::string> ids;
  std::map<std::string, std::vector<std::string>> dependents;
  std::size_t at_most = 0;
  status_or<std::size_t> answer = status::internal("not answered");
};

visited visit(scheduler_runtime& rt, const std::string& group) {
  auto out = std::make_shared<visited>();
  out->answer = ask<std::size_t>([&](auto reply) {
    rt.visit_jobs(
        group,
        [out](const job_view& v, std::size_t at_most) {
          out->ids.push_back(v.spec.id);
          out->dependents[v.spec.id] = v.dependents;
          out->at_most = at_most;
        },
        reply);
  });
  return *out;
}

}  // namespace

TEST_CASE("visit_jobs shows every job once, in id order, with its dependents, then answers how many") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  for (const char* id : {"c", "a", "b", "gone"}) REQUIRE(add(*rt, shell_job("g", id, "@every 1h", "true")).ok());
  job_spec child = shell_job("g", "d", "@every 1h", "true");
  child.parent_job = "a";
  REQUIRE(add(*rt, child).ok());
  REQUIRE(done([&](auto d) { rt->delete_job(k_test_origin, "g", "gone", d); }).ok());

  visited v = visit(*rt, "g");
  REQUIRE(v.answer.ok());
  CHECK(*v.answer == 4);
  CHECK(v.ids == std::vector<std::string>{"a", "b", "c", "d"});
  CHECK(v.at_most == 4);
  CHECK(v.dependents["a"] == std::vector<std::string>{"d"});
  CHECK(v.dependents["b"].empty());
  // The same jobs list_jobs shows.
  auto listed = jobs_of(*rt, "g");
  CHECK(listed.size() == 4);
  for (const auto& id : v.ids) CHECK(listed.count(id) == 1);
}

TEST_CASE("visit_jobs of an unknown group answers not_found and visits nothing") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  visited v = visit(*rt, "nope");
  CHECK(v.answer.status().code() == status_code::not_found);
  CHECK(v.ids.empty());
}

TEST_CASE("visit_jobs of an empty group answers 0") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  visited v = visit(*rt, "g");
  REQUIRE(v.answer.ok());
  CHECK(*v.answer == 0);
  CHECK(v.ids.empty());
}

TEST_CASE("a list reads on safely while its jobs and their group are deleted under it") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  const std::vector<std::string> ids = {"a", "b", "c", "d", "e"};
  for (const auto& id : ids) REQUIRE(add(*rt, shell_job("g", id, "@every 1h", "true")).ok());

  // The visitor holds the list at its first job until the jobs and the group are gone; the rest
  // of the list then reads actors the group has forgotten (kept alive for it, ended).
  std::promise<void> first_seen, go_on;
  auto release = go_on.get_future().share();
  auto seen = std::make_shared<std::vector<std::string>>();
  std::promise<status_or<std::size_t>> answered;
  rt->visit_jobs(
      "g",
      [&first_seen, release, seen](const job_view& v, std::size_t) {
        if (seen->empty()) {
          first_seen.set_value();
          release.wait();
        }
        seen->push_back(v.spec.id);
      },
      [&answered](status_or<std::size_t> n) { answered.set_value(std::move(n)); });
  first_seen.get_future().wait();
  for (const auto& id : ids) REQUIRE(done([&](auto d) { rt->delete_job(k_test_origin, "g", id, d); }).ok());
  REQUIRE(done([&](auto d) { rt->remove_group(k_test_origin, "g", d); }).ok());
  go_on.set_value();

  auto n = answered.get_future().get();
  REQUIRE(n.ok());
  CHECK(*n == seen->size());
  CHECK(seen->front() == "a");  // read before the deletes; the others may or may not show
  CHECK(seen->size() <= ids.size());
}
