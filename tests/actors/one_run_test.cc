// One run of a job on its own terms: run_job_with (a target or timeout for that run only) and
// abort_run (one run ended while the job's others go on).
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

TEST_CASE("run_job_with runs once with its own target and timeout, the job keeps its own") {
  temp_data_dir dir;
  auto rt = start_runtime(dir.path);
  REQUIRE(ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); }).ok());
  job_spec job = shell_job("g", "j", "@manually", "echo own");
  job.timeout_ms = 600'000;
  REQUIRE(add(*rt, job).ok());

  run_override other;
  other.target = shell_target{.command = "echo other"};
  auto a = ask<uint64_t>([&](auto r) { rt->run_job_with(k_test_origin, "g", "j", other, r); });
  REQUIRE(a.ok());
  REQUIRE(poll_until([&] { return finished(*rt, "j", *a); }));
  CHECK(run_of(*rt, "j", *a)->output_tail.find("other") != std::string::npos);

  run_override quick;
  quick.target = shell_target{.command = "sleep 30"};
  quick.timeout_ms = 300;
  auto b = ask<uint64_t>([&](auto r) { rt->run_job_with(k_test_origin, "g", "j", quick, r); });
  REQUIRE(b.ok());
  REQUIRE(poll_until([&] { return finished(*rt, "j", *b); }));
  CHECK(run_of(*rt, "j", *b)->state == run_state::timed_out);
  CHECK(detail(*rt, "g", "j").spec.timeout_ms == 600'000);
  CHECK(std::get<shell_target>(detail(*rt, "g", "j").spec.target).command == "echo own");

  run_override wrong_kind;
  wrong_kind.target = http_target{.url = "http://127.0.0.1:1/"};
  auto c = ask<uint64_t>([&](auto r) { rt->run_job_with(k_test_origin, "g", "j", wrong_kind, r); });
  CHECK(c.status().code() == status_code::invalid_argument);
  run_override too_long;
  too_long.timeout_ms = k_max_timeout_ms + 1;
  CHECK(ask<uint64_t>([&](auto r) { rt->run_job_with(k_test_origin, "g", "j", too_long, r); }).status().code() ==
        status_code::invalid_argument);
  CHECK(ask<uint64_t>([&](auto r) { rt->run_job_with(k_test_origin, "g", "nope", quick, r); }).status().code() ==
        status_code::not_found);
}

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
