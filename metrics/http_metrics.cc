#include "metrics/http_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

namespace mainspring {

namespace {

constexpr std::array<std::string_view, 8> k_method_names = {"GET",    "HEAD",  "POST",
                                                            "PUT",    "DELETE", "PATCH",
                                                            "OPTIONS", "OTHER"};

// From 100 µs (a cached answer) to 10 s (a slow list of a huge group).
const prometheus::Histogram::BucketBoundaries& request_buckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return buckets;
}

std::size_t method_index(std::string_view method) {
  for (std::size_t i = 0; i + 1 < k_method_names.size(); ++i) {
    if (method == k_method_names[i]) return i;
  }
  return k_method_names.size() - 1;
}

}  // namespace

http_metrics::http_metrics(prometheus::Registry& registry)
    : requests_(&prometheus::BuildCounter()
                     .Name("mainspring_http_requests_total")
                     .Help("HTTP requests answered, by route template, method and status.")
                     .Register(registry)),
      durations_(&prometheus::BuildHistogram()
                      .Name("mainspring_http_request_duration_seconds")
                      .Help("Time from a request's arrival to its reply, by route template and "
                            "method.")
                      .Register(registry)) {}

http_metrics::~http_metrics() = default;

void http_metrics::observe(std::string_view route, std::string_view method, int status,
                           double duration_s) {
  if (route.empty()) route = k_unmatched_route;
  if (status < 100 || status > 599) status = 0;  // never sent by our server; bounded anyway
  if (!(duration_s >= 0)) duration_s = 0;        // also catches NaN
  const std::size_t m = method_index(method);

  std::lock_guard<std::mutex> lock(mutex_);
  auto it = routes_.find(route);
  if (it == routes_.end()) {
    if (routes_.size() >= k_max_http_routes) route = "other";
    it = routes_.try_emplace(std::string(route)).first;
  }
  per_method& slot = it->second.methods[m];
  if (slot.duration == nullptr) {
    slot.duration = &durations_->Add(
        {{"route", it->first}, {"method", std::string(k_method_names[m])}}, request_buckets());
  }
  auto counter = slot.by_status.find(status);
  if (counter == slot.by_status.end()) {
    prometheus::Counter& c = requests_->Add({{"route", it->first},
                                             {"method", std::string(k_method_names[m])},
                                             {"status", std::to_string(status)}});
    counter = slot.by_status.emplace(status, &c).first;
  }
  counter->second->Increment();
  slot.duration->Observe(duration_s);
}

}  // namespace mainspring
