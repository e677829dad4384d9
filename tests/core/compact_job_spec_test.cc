// Tests for core/compact_job_spec.h: every field survives packing, copies are independent.
#include "core/compact_job_spec.h"

#include <catch2/catch.hpp>

#include <string>

namespace mainspring {
namespace {

job_spec full_spec() {
  job_spec s;
  s.id = "1234567890123456789";
  s.group = "YM55";
  s.name = "nightly report";
  s.schedule = "0 30 9 * * MON-FRI";
  s.timezone = "America/Argentina/Buenos_Aires";
  s.exec_time_s = 1'900'000'000;
  s.target = http_target{.method = "POST",
                         .url = "http://127.0.0.1:9999/hook?test=yao",
                         .headers = {{"X-A", "1"}, {"X-A", "2"}, {"Empty", ""}},
                         .body = std::string(5000, 'x'),
                         .expect_codes = {201, 206},
                         .expect_body = "ok",
                         .follow_redirects = true,
                         .success_match = "^ok",
                         .error_match = "fail(ed)?",
                         .signed_query = true};
  s.controls = job_controls{.max_running = 3, .queue = true, .queue_max = 7, .on_success = "next",
                            .on_failure = "oncall", .hook_url = "http://127.0.0.1:1/hook", .hook_format = "cronicle",
                            .cpu_limit_percent = 150, .cpu_sustain_s = 5, .memory_limit_bytes = 1 << 30,
                            .memory_sustain_s = 6, .log_max_bytes = 4096};
  s.parent_job = "parent-job.1";
  s.ephemeral = true;
  s.expires_at_ms = 1'950'000'000'000;
  s.dialect_data = R"({"owner":"ops"})";
  s.timeout_ms = 1234;
  s.retries = 3;
  s.retry_delay_ms = 500;
  s.concurrency = concurrency_policy::forbid;
  s.misfire = misfire_policy::all;
  s.memo = "a memo with \0 inside";
  s.memo.push_back('\0');
  s.metadata = {{"owner", "ops"}, {"", "empty key"}, {"empty value", ""}};
  s.paused = true;
  s.paused_at_s = 1'800'000'001;
  s.done = true;
  s.anchor_ms = 1'800'000'000'123;
  s.otp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  s.created_ms = 1'700'000'000'000;
  s.updated_ms = 1'700'000'000'999;
  s.revision = 41;
  return s;
}

void check_same(const job_spec& a, const job_spec& b) {
  CHECK(a.id == b.id);
  CHECK(a.group == b.group);
  CHECK(a.name == b.name);
  CHECK(a.schedule == b.schedule);
  CHECK(a.timezone == b.timezone);
  CHECK(a.exec_time_s == b.exec_time_s);
  CHECK(a.target == b.target);
  CHECK(a.parent_job == b.parent_job);
  CHECK(a.ephemeral == b.ephemeral);
  CHECK(a.expires_at_ms == b.expires_at_ms);
  CHECK(a.dialect_data == b.dialect_data);
  CHECK(a.timeout_ms == b.timeout_ms);
  CHECK(a.retries == b.retries);
  CHECK(a.retry_delay_ms == b.retry_delay_ms);
  CHECK(a.concurrency == b.concurrency);
  CHECK(a.misfire == b.misfire);
  CHECK(a.memo == b.memo);
  CHECK(a.metadata == b.metadata);
  CHECK(a.paused == b.paused);
  CHECK(a.paused_at_s == b.paused_at_s);
  CHECK(a.done == b.done);
  CHECK(a.anchor_ms == b.anchor_ms);
  CHECK(a.otp_secret == b.otp_secret);
  CHECK(a.created_ms == b.created_ms);
  CHECK(a.updated_ms == b.updated_ms);
  CHECK(a.revision == b.revision);
  CHECK(a.controls == b.controls);
}

TEST_CASE("a job with default controls keeps none, one with controls keeps them through copies") {
  job_spec plain;
  plain.id = "a";
  compact_job_spec c(plain);
  CHECK(c.controls().is_default());
  CHECK(c.unpack().controls.is_default());
  auto spec = full_spec();
  compact_job_spec d(spec);
  compact_job_spec copy(d);
  d = c;  // the copy owns its own controls
  CHECK(copy.controls() == spec.controls);
  CHECK(d.controls().is_default());
}

TEST_CASE("every field of a job spec survives packing and unpacking") {
  auto spec = full_spec();
  compact_job_spec c(spec);
  check_same(c.unpack(), spec);
  CHECK(c.id() == spec.id);
  CHECK(c.timezone() == spec.timezone);
  CHECK(c.memo() == spec.memo);
  CHECK(c.kind() == executor_kind::http);
  CHECK(std::get<http_target>(c.target()).body.size() == 5000);
}

TEST_CASE("every kind of target survives packing, metadata after it included") {
  std::vector<executor_target> targets = {
      shell_target{"echo hi", "/bin/bash", {{"A", "1"}, {"B", ""}}, "/tmp"},
      shell_target{"true", "", {}, ""},
      shell_target{"cat", "", {{"A", "1"}}, "/tmp", std::string("in\0put", 6)},
      shell_target{"cat", "", {}, "", "only input"},
      shell_target{"false", "", {{"A", "1"}}, "", "", true},
      shell_target{"false", "", {{"A", "1"}}, "", "", false, true},
      shell_target{"false", "", {}, "/tmp", "in", true, true},
      shell_target{"false", "", {{"B", "2"}}, "/tmp", "in", false, true, true},
      shell_target{"false", "", {{"C", "3"}}, "", "", false, true, false, true},
      shell_target{"cat", "", {{"D", "4"}}, "", "", true, true, true, true, "cronicle"},
      lua_target{"function Hello() end"},
      remote_target{{"n1", "n2", "n3"}, "uptime"},
      remote_target{{}, "uptime", {{"A", "1"}, {"B", "x=y"}}, true},
      remote_target{{"n1"}, "", {{"EMPTY", ""}}, true},
      noop_target{},
      http_target{},
  };
  for (const auto& target : targets) {
    auto spec = full_spec();
    spec.target = target;
    compact_job_spec c(spec);
    CHECK(c.kind() == kind_of(target));
    CHECK(c.target() == target);
    check_same(c.unpack(), spec);
    check_same(compact_job_spec(c).unpack(), spec);
  }
}

TEST_CASE("a default job spec, with every string empty, packs to the same defaults") {
  job_spec spec;
  check_same(compact_job_spec(spec).unpack(), spec);
  check_same(compact_job_spec().unpack(), spec);
  CHECK(compact_job_spec().name().empty());
}

TEST_CASE("numbers and flags written on the compact form show in the unpacked spec") {
  compact_job_spec c(full_spec());
  c.done = false;
  c.paused = false;
  c.anchor_ms = 42;
  auto spec = c.unpack();
  CHECK_FALSE(spec.done);
  CHECK_FALSE(spec.paused);
  CHECK(spec.anchor_ms == 42);
  CHECK(spec.name == "nightly report");
}

TEST_CASE("a copy of a compact spec is independent of the original") {
  compact_job_spec original(full_spec());
  compact_job_spec copy(original);
  compact_job_spec assigned;
  assigned = original;
  original = compact_job_spec(job_spec{});
  CHECK(original.name().empty());
  check_same(copy.unpack(), full_spec());
  check_same(assigned.unpack(), full_spec());
  compact_job_spec moved(std::move(copy));
  check_same(moved.unpack(), full_spec());
}

}  // namespace
}  // namespace mainspring
