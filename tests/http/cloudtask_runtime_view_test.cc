// cloudtask runtime_view: reading every runtime (a group) with its Cloudtask jobs for the web's
// job and log lists.
#include "http/cloudtask/runtime_view.h"

#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/http/fake_scheduler.h"

using namespace mainspring;
using namespace mainspring::http::cloudtask;

namespace {

fake_scheduler with_runtimes(const std::vector<std::string>& names) {
  fake_scheduler api;
  for (const auto& name : names) {
    api.groups[name] = group_spec{name, "JBSWY3DPEHPK3PXP", 1};
    job_view job;
    job.spec.group = name;
    job.spec.id = "job_of_" + name;
    job.spec.target = remote_target{.command = "true", .allocated = true};
    api.jobs[name][job.spec.id] = job;
  }
  return api;
}

// Runs the deferred callbacks, oldest first, until none is left; the most waiting at once.
std::size_t drain(fake_scheduler& api) {
  std::size_t most = 0;
  while (!api.deferred.empty()) {
    most = std::max(most, api.deferred.size());
    auto next = std::move(api.deferred.front());
    api.deferred.erase(api.deferred.begin());
    next();
  }
  return most;
}

}  // namespace

TEST_CASE("every runtime is read one after the other: a request holds at most one list at a time") {
  // One list per runtime at once filled the list worker's queue on a server of a few hundred
  // groups, and the lists it refused answered 503 or left runtimes out of 200 answers.
  fake_scheduler api = with_runtimes({"c", "a", "b"});
  api.defer = true;
  std::optional<status_or<std::vector<runtime_view>>> answer;
  load_all_runtimes(api, [&](status_or<std::vector<runtime_view>> all) { answer = std::move(all); });
  CHECK(drain(api) == 1);
  REQUIRE(answer);
  REQUIRE(answer->ok());
  REQUIRE((*answer)->size() == 3);
  CHECK((**answer)[0].name == "a");
  CHECK((**answer)[2].name == "c");
  CHECK((**answer)[1].jobs.at(0).spec.id == "job_of_b");
}

TEST_CASE("a runtime's list refused is the answer, never a list with that runtime left out") {
  fake_scheduler api = with_runtimes({"a", "b", "c"});
  api.lists_refused = {"b"};
  std::optional<status_or<std::vector<runtime_view>>> answer;
  load_all_runtimes(api, [&](status_or<std::vector<runtime_view>> all) { answer = std::move(all); });
  REQUIRE(answer);
  CHECK(answer->status().code() == status_code::unavailable);
}

TEST_CASE("a runtime removed while the others are read is left out") {
  fake_scheduler api = with_runtimes({"a", "b", "c"});
  api.defer = true;
  std::optional<status_or<std::vector<runtime_view>>> answer;
  load_all_runtimes(api, [&](status_or<std::vector<runtime_view>> all) { answer = std::move(all); });
  auto groups_listed = std::move(api.deferred.front());
  api.deferred.clear();
  groups_listed();
  api.groups.erase("b");
  drain(api);
  REQUIRE(answer);
  REQUIRE(answer->ok());
  REQUIRE((*answer)->size() == 2);
  CHECK((**answer)[1].name == "c");
}
