#include "bench/exposition_reader.h"

#include <cmath>
#include <map>

#include "tests/support/prometheus_text.h"

namespace mainspring::bench {

namespace {

bool labels_match(const metric_labels& labels, const metric_labels& match) {
  for (const auto& [k, v] : match) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace

// The parsing is the tests' own parser (tests/support/prometheus_text.h): one reading of the
// format for the tests and the bench. Its unreadable lines are skipped here.
std::vector<metric_sample> parse_exposition(std::string_view text) {
  auto parsed = prometheus_text::parse(text);
  std::vector<metric_sample> out;
  out.reserve(parsed.samples.size());
  for (auto& s : parsed.samples) out.push_back({std::move(s.name), std::move(s.label), s.value});
  return out;
}

std::optional<double> sum_samples(const std::vector<metric_sample>& samples, std::string_view name,
                                  const metric_labels& match) {
  std::optional<double> sum;
  for (const auto& s : samples) {
    if (s.name != name || !labels_match(s.labels, match)) continue;
    sum = sum.value_or(0) + s.value;
  }
  return sum;
}

std::vector<histogram_bucket> histogram_buckets(const std::vector<metric_sample>& samples,
                                                std::string_view base) {
  std::string bucket_name = std::string(base) + "_bucket";
  std::map<double, double> by_bound;
  for (const auto& s : samples) {
    if (s.name != bucket_name) continue;
    auto le = s.labels.find("le");
    double bound = 0;
    if (le == s.labels.end() || !prometheus_text::parse_value(le->second, bound) || std::isnan(bound)) continue;
    by_bound[bound] += s.value;
  }
  std::vector<histogram_bucket> out;
  out.reserve(by_bound.size());
  for (const auto& [bound, count] : by_bound) out.push_back({bound, count});
  return out;
}

}  // namespace mainspring::bench
