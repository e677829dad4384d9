// The whole scheduler's switch (scheduler_api::set_scheduling): off, scheduled fires are skipped
// and counted while manual runs go on; on, fires run again; the switch survives a restart.
#include <catch2/catch.hpp>

#include <thread>

#include "actors/scheduler_runtime.h"
#include "tests/support/runtime_harness.h"

using namespace mainspring;
using namespace mainspring::testing;

namespace {

std::size_t finished_runs(scheduler_runtime& rt, run_trigger trigger) {
  std::size_t n = 0;
  for (const auto& r : runs_of(rt, "g", "tick"))
    if (r.finished() && r.trigger == trigger) ++n;
  return n;
}

}  // namespace

TEST_CASE("a switched-off scheduler skips scheduled fires, runs manual ones, and stays off across a restart") {
  temp_data_dir dir;
  {
    auto rt = start_runtime(dir.path);
    REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
    CHECK(rt->scheduling_enabled());
    REQUIRE(done([&](auto d) { rt->set_scheduling(request_origin{"cronicle", "k1", ""}, false, d); }).ok());
    CHECK_FALSE(rt->scheduling_enabled());
    REQUIRE(add(*rt, shell_job("g", "tick", "@every 1s", "echo tick")).ok());
    // Skipped fires are counted, and none runs.
    REQUIRE(poll_until([&] { return detail(*rt, "g", "tick").skipped >= 2; }));
    CHECK(finished_runs(*rt, run_trigger::schedule) == 0);
    CHECK(rt->snapshot().runs_skipped >= 2);
    auto overview = ask<scheduler_overview>([&](auto r) { rt->overview(r); });
    REQUIRE(overview.ok());
    CHECK_FALSE(overview->scheduling_enabled);
    // A manual run still runs.
    REQUIRE(ask<uint64_t>([&](auto r) { rt->run_job_now(k_test_origin, "g", "tick", r); }).ok());
    REQUIRE(poll_until([&] { return finished_runs(*rt, run_trigger::manual) == 1; }));
    auto audit = ask<std::vector<audit_entry>>([&](auto r) { rt->audit_log(0, INT64_MAX, 100, r); });
    REQUIRE(audit.ok());
    bool audited = false;
    for (const auto& e : *audit) audited |= e.action == "scheduler.disable" && e.key_id == "k1";
    CHECK(audited);
  }
  auto rt = start_runtime(dir.path);
  CHECK_FALSE(rt->scheduling_enabled());  // durable
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(finished_runs(*rt, run_trigger::schedule) == 0);
  REQUIRE(done([&](auto d) { rt->set_scheduling(k_test_origin, true, d); }).ok());
  REQUIRE(poll_until([&] { return finished_runs(*rt, run_trigger::schedule) >= 1; }));
}
