// dkron/restore_plan: a Dkron restore file checked as a whole and put in the order Dkron sets it.
#include "http/dkron/restore_plan.h"

#include <catch2/catch.hpp>

using namespace mainspring;
using namespace mainspring::http::dkron;
using nlohmann::json;

namespace {

constexpr int64_t k_now = 1'800'000'000'000;  // 2027-01-15T08:00:00Z

json job(const std::string& name, const std::string& parent = "") {
  json j{{"name", name}, {"schedule", "@every 1m"}, {"executor", "shell"}, {"executor_config", {{"command", "true"}}}};
  if (!parent.empty()) j["parent_job"] = parent;
  return j;
}

std::vector<std::string> ids_of(const restore_plan& plan, const std::vector<std::size_t>& at) {
  std::vector<std::string> out;
  for (std::size_t i : at) out.push_back(plan.jobs[i].id);
  return out;
}

}  // namespace

TEST_CASE("a restore file's jobs hang under their parents, wherever the file lists them") {
  auto plan = plan_restore(json::array({job("child", "parent"), job("parent"), job("solo"), job("grandchild", "child")}),
                           "dkron", "UTC", k_now);
  REQUIRE(plan.ok());
  REQUIRE(plan->jobs.size() == 4);
  CHECK(ids_of(*plan, plan->roots) == std::vector<std::string>{"parent", "solo"});
  CHECK(ids_of(*plan, plan->children[1]) == std::vector<std::string>{"child"});
  CHECK(ids_of(*plan, plan->children[0]) == std::vector<std::string>{"grandchild"});
  CHECK(plan->children[2].empty());
  for (const auto& spec : plan->jobs) {
    CHECK(spec.group == "dkron");
    // As POST /v1/jobs: robfig's Every.Next(now); a child never fires by time.
    CHECK(spec.exec_time_s == (spec.parent_job.empty() ? k_now / 1000 + 60 : k_first_fire_by_schedule));
  }
  CHECK(plan_restore(json::array(), "dkron", "UTC", k_now)->jobs.empty());
}

TEST_CASE("one bad job refuses the whole restore file, in Dkron's words") {
  CHECK(plan_restore(json::array({job("ok"), job("orphan", "nowhere")}), "dkron", "UTC", k_now).status().message() ==
        "the job doesn't have a parent job set");
  auto bad = plan_restore(json::array({job("ok"), job("Bad")}), "dkron", "UTC", k_now);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == status_code::invalid_argument);
  CHECK(bad.status().message() == "Bad: name contains illegal character 'B'");
  json wrong_type = job("typed");
  wrong_type["retries"] = "three";
  CHECK_FALSE(plan_restore(json::array({wrong_type}), "dkron", "UTC", k_now).ok());
  CHECK(plan_restore(json{{"name", "x"}}, "dkron", "UTC", k_now).status().message() ==
        "json: cannot unmarshal object into Go value of type []*dkron.Job");
  CHECK(plan_restore(json::array({1}), "dkron", "UTC", k_now).status().message() ==
        "json: cannot unmarshal number into Go value of type []*dkron.Job");
  // Go names a boolean "bool" (nlohmann's type_name says "boolean").
  CHECK(plan_restore(json(true), "dkron", "UTC", k_now).status().message() ==
        "json: cannot unmarshal bool into Go value of type []*dkron.Job");
}

TEST_CASE("a restore file whose parent chain loops is refused whole, as Dkron's ErrNoParent") {
  const std::string no_parent = "the job doesn't have a parent job set";
  auto two = plan_restore(json::array({job("l1", "l2"), job("l2", "l1")}), "dkron", "UTC", k_now);
  REQUIRE_FALSE(two.ok());
  CHECK(two.status().code() == status_code::invalid_argument);
  CHECK(two.status().message() == no_parent);
  CHECK(plan_restore(json::array({job("a", "b"), job("b", "c"), job("c", "a")}), "dkron", "UTC", k_now)
            .status().message() == no_parent);
  // Valid jobs beside the loop, and a job hanging under the loop, do not make it pass.
  CHECK(plan_restore(json::array({job("ok"), job("child", "ok"), job("l1", "l2"), job("l2", "l1"),
                                  job("under", "l1")}), "dkron", "UTC", k_now)
            .status().message() == no_parent);
}
