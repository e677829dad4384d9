#include "bench/exposition_reader.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace mainspring::bench;

namespace {

const char* k_scrape = R"(# HELP mainspring_job_runs_total Runs finished.
# TYPE mainspring_job_runs_total counter
mainspring_job_runs_total{executor="noop",outcome="succeeded"} 1500
mainspring_job_runs_total{executor="http",outcome="succeeded"} 400
mainspring_job_runs_total{executor="http",outcome="failed"} 100
# TYPE mainspring_schedule_lateness_seconds histogram
mainspring_schedule_lateness_seconds_bucket{executor="noop",le="0.001"} 900
mainspring_schedule_lateness_seconds_bucket{executor="noop",le="0.01"} 990
mainspring_schedule_lateness_seconds_bucket{executor="noop",le="+Inf"} 1000
mainspring_schedule_lateness_seconds_bucket{executor="http",le="0.001"} 100
mainspring_schedule_lateness_seconds_bucket{executor="http",le="0.01"} 100
mainspring_schedule_lateness_seconds_bucket{executor="http",le="+Inf"} 100
mainspring_schedule_lateness_seconds_sum 1.5
mainspring_schedule_lateness_seconds_count 1100
process_resident_memory_bytes 1.2e+09
mainspring_timer_wheel_pending_timers 1000000 1700000000000
)";

}  // namespace

TEST_CASE("parse_exposition reads names, labels and values and skips comments") {
  auto samples = parse_exposition(k_scrape);
  REQUIRE(samples.size() == 13);
  CHECK(samples[0].name == "mainspring_job_runs_total");
  CHECK(samples[0].labels.at("executor") == "noop");
  CHECK(samples[0].labels.at("outcome") == "succeeded");
  CHECK(samples[0].value == 1500);
}

TEST_CASE("values in exponent form and a trailing timestamp are read") {
  auto samples = parse_exposition(k_scrape);
  CHECK(sum_samples(samples, "process_resident_memory_bytes").value() == 1.2e9);
  CHECK(sum_samples(samples, "mainspring_timer_wheel_pending_timers").value() == 1e6);
}

TEST_CASE("sum_samples adds every label set, or only the matching ones") {
  auto samples = parse_exposition(k_scrape);
  CHECK(sum_samples(samples, "mainspring_job_runs_total").value() == 2000);
  CHECK(sum_samples(samples, "mainspring_job_runs_total", {{"executor", "http"}}).value() == 500);
  CHECK(sum_samples(samples, "mainspring_job_runs_total", {{"outcome", "failed"}}).value() == 100);
  CHECK_FALSE(sum_samples(samples, "mainspring_job_runs_total", {{"executor", "shell"}}).has_value());
  CHECK_FALSE(sum_samples(samples, "no_such_metric").has_value());
}

TEST_CASE("histogram_buckets sums the buckets of every label set by upper bound") {
  auto buckets = histogram_buckets(parse_exposition(k_scrape), "mainspring_schedule_lateness_seconds");
  REQUIRE(buckets.size() == 3);
  CHECK(buckets[0].upper_bound == 0.001);
  CHECK(buckets[0].cumulative_count == 1000);
  CHECK(buckets[1].cumulative_count == 1090);
  CHECK(std::isinf(buckets[2].upper_bound));
  CHECK(buckets[2].cumulative_count == 1100);
}

TEST_CASE("a missing histogram has no buckets") {
  CHECK(histogram_buckets(parse_exposition(k_scrape), "mainspring_run_duration_seconds").empty());
}

TEST_CASE("label values keep escaped quotes, backslashes and newlines") {
  auto samples = parse_exposition(R"(m{path="/a\"b\\c\nd"} 1)");
  REQUIRE(samples.size() == 1);
  CHECK(samples[0].labels.at("path") == "/a\"b\\c\nd");
}

TEST_CASE("malformed lines are skipped, not fatal") {
  auto samples = parse_exposition("good 1\nbad{x=\"1\" 2\n{x=\"1\"} 3\nnovalue\nalso_good 4\r\n");
  REQUIRE(samples.size() == 2);
  CHECK(samples[0].name == "good");
  CHECK(samples[1].name == "also_good");
  CHECK(samples[1].value == 4);
}

TEST_CASE("special values +Inf and NaN are read") {
  auto samples = parse_exposition("a +Inf\nb NaN\nc -Inf\n");
  REQUIRE(samples.size() == 3);
  CHECK(std::isinf(samples[0].value));
  CHECK(std::isnan(samples[1].value));
  CHECK(samples[2].value < 0);
}
