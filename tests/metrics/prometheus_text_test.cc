#include "tests/support/prometheus_text.h"

#include <catch2/catch.hpp>

#include <cmath>

namespace {

using mainspring::prometheus_text;

constexpr const char* k_text = R"(# HELP runs_total Runs.
# TYPE runs_total counter
runs_total{executor="noop",outcome="succeeded"} 7
runs_total{executor="http",outcome="failed"} 3 1700000000000
# TYPE lateness_seconds histogram
lateness_seconds_bucket{le="0.001"} 2
lateness_seconds_bucket{le="+Inf"} 5
lateness_seconds_sum 1.5e-3
lateness_seconds_count 5
odd{path="a \"quoted\" \\ back\nslash",x="1",} NaN
up -Inf
)";

}  // namespace

TEST_CASE("the exposition text is parsed into names, labels and values") {
  prometheus_text t = prometheus_text::parse(k_text);
  CHECK(t.errors.empty());
  CHECK(t.samples.size() == 8);
  CHECK(t.value("runs_total", {{"executor", "noop"}, {"outcome", "succeeded"}}) == 7);
  CHECK(t.value("runs_total", {{"executor", "http"}, {"outcome", "failed"}}) == 3);
  CHECK(t.value("lateness_seconds_bucket", {{"le", "+Inf"}}) == 5);
  CHECK(t.value("lateness_seconds_sum") == Approx(0.0015));
  CHECK(std::isnan(t.value("odd", {{"path", "a \"quoted\" \\ back\nslash"}, {"x", "1"}}).value()));
  CHECK(std::isinf(t.value("up").value()));
  CHECK(t.type("runs_total") == "counter");
  CHECK(t.type("lateness_seconds") == "histogram");
  CHECK(t.type("up").empty());
}

TEST_CASE("value needs the exact label set while sum filters on a subset") {
  prometheus_text t = prometheus_text::parse(k_text);
  CHECK_FALSE(t.value("runs_total", {{"executor", "noop"}}).has_value());
  CHECK_FALSE(t.value("missing").has_value());
  CHECK(t.sum("runs_total") == 10);
  CHECK(t.sum("runs_total", {{"executor", "noop"}}) == 7);
  CHECK(t.sum("runs_total", {{"executor", "lua"}}) == 0);
  CHECK(t.all("lateness_seconds_bucket").size() == 2);
  CHECK(t.names().count("lateness_seconds_count") == 1);
}

TEST_CASE("lines that are not samples are reported as errors, not skipped silently") {
  prometheus_text t = prometheus_text::parse(
      "good 1\n"
      "no_value\n"
      "bad{le=\"1\" 2\n"
      "twice{a=\"1\",a=\"2\"} 3\n"
      "word{} many\n"
      "{x=\"1\"} 4\n");
  CHECK(t.samples.size() == 1);
  REQUIRE(t.errors.size() == 5);
  CHECK(t.errors[0].find("line 2") == 0);
}

TEST_CASE("sum_if_any tells a metric that is absent or unmatched from one that sums to 0") {
  prometheus_text t = prometheus_text::parse(k_text);
  CHECK(t.sum_if_any("runs_total") == 10);
  CHECK(t.sum_if_any("runs_total", {{"outcome", "failed"}}) == 3);
  CHECK_FALSE(t.sum_if_any("runs_total", {{"executor", "shell"}}).has_value());
  CHECK_FALSE(t.sum_if_any("no_such_metric").has_value());
  CHECK(t.sum("no_such_metric") == 0);
}

TEST_CASE("cumulative_buckets sums a histogram's buckets of every label set by upper bound") {
  prometheus_text t = prometheus_text::parse(R"(h_bucket{executor="noop",le="0.001"} 900
h_bucket{executor="noop",le="0.01"} 990
h_bucket{executor="noop",le="+Inf"} 1000
h_bucket{executor="http",le="0.001"} 100
h_bucket{executor="http",le="0.01"} 100
h_bucket{executor="http",le="+Inf"} 100
h_count 1100
)");
  auto buckets = t.cumulative_buckets("h");
  REQUIRE(buckets.size() == 3);
  CHECK(buckets[0] == std::pair<double, double>{0.001, 1000});
  CHECK(buckets[1] == std::pair<double, double>{0.01, 1090});
  CHECK(std::isinf(buckets[2].first));
  CHECK(buckets[2].second == 1100);
  CHECK(t.cumulative_buckets("lateness_seconds").empty());
}
