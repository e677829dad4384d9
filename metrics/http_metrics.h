// http_metrics: request counts and latency by route template, method and status.
//
//   mainspring_http_requests_total{route,method,status}       counter
//   mainspring_http_request_duration_seconds{route,method}    histogram
//
// The route label is the router's pattern ("/v1/{group}/job/list"), never the raw path, so the
// series are bounded by the route table: a million groups must not mean a million series. A
// request no route matched is counted under route="unmatched". Methods outside the usual
// seven are counted as "OTHER", so a client cannot mint series by inventing methods, and
// past k_max_http_routes distinct routes further ones fold into route="other" as a last guard.
//
// scheduler_metrics owns one of these and forwards on_http_request() to it; it is a unit of its
// own only to keep files short.
//
// Example:
//   prometheus::Registry registry;
//   http_metrics http(registry);
//   http.observe("/v1/{group}/job/list", "GET", 200, 0.0007);
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace prometheus {
class Counter;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace mainspring {

// Distinct route labels kept; beyond it they count as route="other".
inline constexpr std::size_t k_max_http_routes = 256;
// The label for a request that matched no route.
inline constexpr std::string_view k_unmatched_route = "unmatched";

class http_metrics {
 public:
  // -- constructors --
  // Registers both families in `registry`. REQUIRES: registry outlives *this.
  explicit http_metrics(prometheus::Registry& registry);
  ~http_metrics();
  http_metrics(const http_metrics&) = delete;
  http_metrics& operator=(const http_metrics&) = delete;

  // -- observing --
  // Counts one answered request. `route` is the matched pattern, or "" (or "unmatched") when
  // none matched; `status` is the HTTP status sent; `duration_s` runs from the request's
  // arrival to the reply being handed to the socket. Thread-safe; takes a mutex (HTTP is not
  // the hot path) and allocates only the first time a (route, method, status) is seen.
  void observe(std::string_view route, std::string_view method, int status, double duration_s);

 private:
  static constexpr std::size_t k_methods = 8;  // GET HEAD POST PUT DELETE PATCH OPTIONS OTHER

  struct per_method {
    prometheus::Histogram* duration = nullptr;
    std::map<int, prometheus::Counter*> by_status;
  };
  struct per_route {
    std::array<per_method, k_methods> methods;
  };

  // -- member variables --
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* durations_;
  std::mutex mutex_;
  std::map<std::string, per_route, std::less<>> routes_;  // guarded by mutex_
};

}  // namespace mainspring
