// exposition_reader: reads the Prometheus text exposition format (what GET /metrics answers) into
// samples, and picks out counters and histograms by name, summed across label sets.
//
// The bench scrapes the server before and after a time window and works on the difference, so
// that the server's own figures (runs counted, lateness observed) decide, not the client's view.
//
// Example:
//   auto samples = parse_exposition(text);
//   double runs = sum_samples(samples, "mainspring_job_runs_total").value_or(0);
//   double noop = sum_samples(samples, "mainspring_job_runs_total", {{"executor", "noop"}}).value_or(0);
//   auto buckets = histogram_buckets(samples, "mainspring_schedule_lateness_seconds");
//   double p99 = histogram_quantile(0.99, buckets);   // from bench/percentiles.h
//
// Lines that are comments (# HELP, # TYPE) or malformed are skipped, never an error: a scrape is
// best effort and a missing metric shows as std::nullopt / an empty bucket list.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/percentiles.h"

namespace mainspring::bench {

using metric_labels = std::map<std::string, std::string>;

struct metric_sample {
  std::string name;
  metric_labels labels;
  double value = 0;
};

// Every sample line of `text`: name, labels (escapes \\, \" and \n decoded), value (+Inf, -Inf
// and NaN accepted); an optional trailing timestamp is ignored.
std::vector<metric_sample> parse_exposition(std::string_view text);

// The sum of the samples named `name` whose labels include every pair of `match`; nullopt when
// none matches.
std::optional<double> sum_samples(const std::vector<metric_sample>& samples, std::string_view name,
                                  const metric_labels& match = {});

// The cumulative buckets of histogram `base` (its `<base>_bucket` samples, summed by `le` across
// any other labels), in ascending order of upper bound. Empty when the histogram is absent.
std::vector<histogram_bucket> histogram_buckets(const std::vector<metric_sample>& samples,
                                                std::string_view base);

}  // namespace mainspring::bench
