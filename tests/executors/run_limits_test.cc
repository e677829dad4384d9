// run_limits: when a limited run must end, and Cronicle's texts for it.
#include "executors/run_limits.h"

#include <catch2/catch.hpp>

using namespace mainspring;
using namespace std::chrono_literals;

namespace {
using clock_type = limit_watch::clock;
const clock_type::time_point t0{};
}  // namespace

TEST_CASE("CPU over the limit ends the run after the sustain time, in Cronicle's words") {
  limit_watch w({.cpu_limit_percent = 50, .cpu_sustain_s = 2}, t0);
  CHECK_FALSE(w.on_sample(t0 + 1s, 0.9, 0));  // 90%: over since 1 s
  CHECK(w.last_cpu_percent() == Approx(90));
  CHECK_FALSE(w.on_sample(t0 + 2s, 1.8, 0));
  auto why = w.on_sample(t0 + 3s, 2.7, 0);
  REQUIRE(why);
  CHECK(*why == "Exceeded CPU limit of 50% for over 2 seconds");
}

TEST_CASE("a dip under the CPU limit starts the sustain time again") {
  limit_watch w({.cpu_limit_percent = 50, .cpu_sustain_s = 2}, t0);
  CHECK_FALSE(w.on_sample(t0 + 1s, 0.9, 0));
  CHECK_FALSE(w.on_sample(t0 + 2s, 1.0, 0));  // 10%
  CHECK_FALSE(w.on_sample(t0 + 3s, 1.9, 0));
  CHECK_FALSE(w.on_sample(t0 + 4s, 2.8, 0));
  CHECK(w.on_sample(t0 + 5s, 3.7, 0));
}

TEST_CASE("with no sustain time a limit ends the run at the first sample over it") {
  limit_watch cpu({.cpu_limit_percent = 100}, t0);
  CHECK_FALSE(cpu.on_sample(t0 + 1s, 0.5, 0));
  CHECK(cpu.on_sample(t0 + 2s, 2.0, 0) == "Exceeded CPU limit of 100%");
  limit_watch mem({.memory_limit_bytes = 10 << 20}, t0);
  CHECK_FALSE(mem.on_sample(t0 + 1s, 0, 10 << 20));  // at the limit is not over it
  CHECK(mem.on_sample(t0 + 2s, 0, (10 << 20) + 1) == "Exceeded memory limit of 10 MB");
}

TEST_CASE("memory over the limit for the sustain time, samples about a second apart") {
  limit_watch w({.memory_limit_bytes = 1536, .memory_sustain_s = 1}, t0);
  CHECK_FALSE(w.on_sample(t0 + 1s, 0, 4096));
  auto why = w.on_sample(t0 + 1990ms, 0, 4096);  // a little early still counts
  REQUIRE(why);
  CHECK(*why == "Exceeded memory limit of 1.5 K for over 1 second");
}

TEST_CASE("printing past log_max_bytes ends the run") {
  limit_watch w({.log_max_bytes = 1000}, t0);
  CHECK_FALSE(w.on_output(1000));
  CHECK(w.on_output(1001) == "Exceeded log file size limit of 1000 bytes");
  limit_watch none({}, t0);
  CHECK_FALSE(none.on_output(int64_t{1} << 40));
  CHECK_FALSE(none.on_sample(t0 + 1s, 100.0, int64_t{1} << 40));
}

TEST_CASE("shrinking CPU time (an exited process) counts as none, not negative") {
  limit_watch w({.cpu_limit_percent = 10}, t0);
  CHECK_FALSE(w.on_sample(t0 + 1s, 0.05, 0));
  CHECK_FALSE(w.on_sample(t0 + 2s, 0.01, 0));
  CHECK(w.last_cpu_percent() == 0);
}

TEST_CASE("a run request's limits are the watch's") {
  run_request req;
  req.cpu_limit_percent = 80;
  req.cpu_sustain_s = 3;
  req.memory_limit_bytes = 1 << 20;
  req.memory_sustain_s = 4;
  req.log_max_bytes = 99;
  run_limits l = limits_of(req);
  CHECK(l.cpu_limit_percent == 80);
  CHECK(l.cpu_sustain_s == 3);
  CHECK(l.memory_limit_bytes == 1 << 20);
  CHECK(l.memory_sustain_s == 4);
  CHECK(l.log_max_bytes == 99);
  CHECK(l.needs_samples());
  CHECK_FALSE(run_limits{.log_max_bytes = 1}.needs_samples());
  CHECK(run_limits{.log_max_bytes = 1}.any());
  CHECK_FALSE(run_limits{}.any());
}
