// Tests for core/job_controls.h: defaults, the queue's capacity, and validation messages.
#include "core/job_controls.h"

#include <catch2/catch.hpp>

#include "core/job.h"

namespace mainspring {
namespace {

TEST_CASE("default controls ask nothing of a job's runs") {
  job_controls c;
  CHECK(c.is_default());
  CHECK(validate_controls(c).ok());
  c.on_failure = "x";
  CHECK_FALSE(c.is_default());
}

TEST_CASE("a queue without queue_max holds Mainspring's cap, else its own max") {
  job_controls c;
  c.queue = true;
  CHECK(c.queue_capacity() == k_max_queued_runs);
  c.queue_max = 3;
  CHECK(c.queue_capacity() == 3);
}

TEST_CASE("controls out of range or naming no job are refused with the field's name") {
  auto message = [](job_controls c) { return validate_controls(c).message(); };
  CHECK(message({.max_running = -1}).starts_with("max_running: must be between 0 and"));
  CHECK(message({.max_running = k_max_running_limit + 1}).starts_with("max_running:"));
  CHECK(message({.queue_max = k_max_queued_runs + 1}).starts_with("queue_max:"));
  CHECK(message({.on_success = "a b"}) == "on_success: not a job id: \"a b\"");
  CHECK(message({.on_failure = ".."}) == "on_failure: not a job id: \"..\"");
  CHECK(message({.hook_url = "ftp://x"}) == "hook_url: must be an http:// or https:// URL");
  CHECK(message({.hook_url = "http://" + std::string(k_max_hook_url_bytes, 'a')}).starts_with("hook_url: longer than"));
  CHECK(message({.cpu_limit_percent = -5}).starts_with("cpu_limit_percent:"));
  CHECK(message({.cpu_sustain_s = k_max_limit_sustain_s + 1}).starts_with("cpu_sustain_s:"));
  CHECK(message({.memory_limit_bytes = -1}) == "memory_limit_bytes: must not be negative");
  CHECK(message({.log_max_bytes = -1}) == "log_max_bytes: must not be negative");
  CHECK(validate_controls({.max_running = 2, .queue = true, .queue_max = 10, .on_success = "next.job-1",
                           .hook_url = "https://127.0.0.1/h", .cpu_limit_percent = 200, .memory_limit_bytes = 1 << 20})
            .ok());
}

TEST_CASE("a job's controls are validated with the job, and an edit replaces them whole") {
  job_spec job;
  job.group = "g";
  job.name = "n";
  job.schedule = "@manually";
  job.target = shell_target{"true"};
  job.controls.max_running = -2;
  CHECK(validate_job(job).message().starts_with("max_running:"));
  job.controls = {.max_running = 2, .queue = true};
  REQUIRE(validate_job(job).ok());
  job_patch patch;
  patch.controls = job_controls{.on_success = "other"};
  auto edited = apply_patch(job, patch);
  REQUIRE(edited.ok());
  CHECK(edited->controls == job_controls{.on_success = "other"});
}

TEST_CASE("a run's controls patch replaces only the fields it sets, and a later patch wins") {
  const job_controls job{.max_running = 3, .on_success = "next", .hook_url = "http://127.0.0.1/h",
                         .hook_format = "cronicle", .memory_limit_bytes = 1 << 20};
  run_controls_patch p;
  CHECK(p.empty());
  CHECK(patched(job, p) == job);
  p.on_failure = "page";
  p.memory_limit_bytes = 0;  // set to "none" is a change, not an absence
  CHECK_FALSE(p.empty());
  job_controls c = patched(job, p);
  CHECK(c.on_failure == "page");
  CHECK(c.memory_limit_bytes == 0);
  CHECK(c.on_success == "next");
  CHECK(c.max_running == 3);
  CHECK(c.hook_url == "http://127.0.0.1/h");

  run_controls_patch later;
  later.on_failure = "";
  later.log_max_bytes = 4096;
  p.merge(later);
  CHECK(p.on_failure == std::optional<std::string>(""));
  CHECK(p.memory_limit_bytes == std::optional<int64_t>(0));
  CHECK(p.log_max_bytes == std::optional<int64_t>(4096));
  CHECK(patched(job, p).on_failure.empty());
}

TEST_CASE("a run's controls patch is checked like a job's controls, with the same messages") {
  CHECK(validate_controls_patch({}).ok());
  run_controls_patch p;
  p.on_success = "../etc";
  CHECK(validate_controls_patch(p).message().starts_with("on_success: not a job id"));
  p.on_success.reset();
  p.hook_url = "file:///etc/passwd";
  CHECK(validate_controls_patch(p).message() == "hook_url: must be an http:// or https:// URL");
  p.hook_url.reset();
  p.cpu_limit_percent = -1;
  CHECK(validate_controls_patch(p).message().starts_with("cpu_limit_percent:"));
  run_override change;
  change.controls.log_max_bytes = -5;
  CHECK(validate_override(change).message() == "log_max_bytes: must not be negative");
}

}  // namespace
}  // namespace mainspring
