// Tests for core/run_pool.h: admission by the pool's limit and switch, validation, and the
// defaults a member job's run takes.
#include "core/run_pool.h"

#include <catch2/catch.hpp>

namespace mainspring {
namespace {

TEST_CASE("a pool admits runs up to its max_running, and none while disabled") {
  run_pool_spec p{.name = "nightly", .max_running = 2};
  CHECK(pool_admission_for(p, 0) == pool_admission::start);
  CHECK(pool_admission_for(p, 1) == pool_admission::start);
  CHECK(pool_admission_for(p, 2) == pool_admission::full);
  p.max_running = 0;  // no limit
  CHECK(pool_admission_for(p, 100'000) == pool_admission::start);
  p.enabled = false;
  CHECK(pool_admission_for(p, 0) == pool_admission::disabled);
  // Cronicle's order: the limit is checked before the switch.
  p.max_running = 1;
  CHECK(pool_admission_for(p, 1) == pool_admission::full);
}

TEST_CASE("a pool's name, limit and defaults are checked as a job's controls are") {
  auto message = [](run_pool_spec p) { return validate_run_pool(p).message(); };
  CHECK(validate_run_pool({.name = "general"}).ok());
  CHECK(message({.name = ""}).starts_with("name: must be 1 to 64"));
  CHECK(message({.name = "a-b"}).starts_with("name:"));
  CHECK(message({.name = std::string(k_max_run_pool_name_bytes + 1, 'a')}).starts_with("name:"));
  CHECK(message({.name = "p", .max_running = -1}).starts_with("max_running: must be between 0 and"));
  CHECK(message({.name = "p", .hook_url = "ftp://x"}) == "hook_url: must be an http:// or https:// URL");
  CHECK(message({.name = "p", .cpu_sustain_s = -1}).starts_with("cpu_sustain_s:"));
  CHECK(message({.name = "p", .dialect_data = std::string(k_max_run_pool_dialect_bytes + 1, 'x')})
            .starts_with("dialect_data: longer than"));
}

TEST_CASE("a job in a pool names it among its controls, which checks the name") {
  CHECK(validate_controls({.pool = "nightly_2"}).ok());
  CHECK(validate_controls({.pool = "no/slash"}).message() == "pool: not a pool name: \"no/slash\"");
  CHECK_FALSE(job_controls{.pool = "p"}.is_default());
}

TEST_CASE("a run takes the pool's hook and limits only where its job sets none, each with its pair") {
  const run_pool_spec p{.name = "p",
                        .hook_url = "http://127.0.0.1:9/hook",
                        .hook_format = "cronicle",
                        .cpu_limit_percent = 50,
                        .cpu_sustain_s = 5,
                        .memory_limit_bytes = 1 << 20,
                        .memory_sustain_s = 7};
  CHECK(has_pool_defaults(p));
  CHECK_FALSE(has_pool_defaults({.name = "p", .max_running = 3}));

  job_controls bare = with_pool_defaults({}, p);
  CHECK(bare.hook_url == p.hook_url);
  CHECK(bare.hook_format == "cronicle");
  CHECK(bare.cpu_limit_percent == 50);
  CHECK(bare.cpu_sustain_s == 5);
  CHECK(bare.memory_limit_bytes == 1 << 20);
  CHECK(bare.memory_sustain_s == 7);

  job_controls own{.hook_url = "https://example.org/h", .cpu_limit_percent = 80, .cpu_sustain_s = 1};
  job_controls kept = with_pool_defaults(own, p);
  CHECK(kept.hook_url == "https://example.org/h");
  CHECK(kept.hook_format.empty());  // the job's hook keeps the job's format
  CHECK(kept.cpu_limit_percent == 80);
  CHECK(kept.cpu_sustain_s == 1);
  CHECK(kept.memory_limit_bytes == 1 << 20);  // the one it has not
}

}  // namespace
}  // namespace mainspring
