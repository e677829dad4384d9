// One run of a job on its own: abort_run ends one run while the job's others go on.
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
  CHECK(*ask<std::size_t>([&](auto r) { rt->abort_run(k_test_origin, "g", "j", *first, r); }) == 0);
  CHECK(*ask<std::size_t>([&](auto r) { rt->abort_run(k_test_origin, "g", "j", *second, r); }) == 1);
  REQUIRE(poll_until([&] { return finished(*rt, "j", *second); }));
}
