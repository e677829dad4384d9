// load_client: drives one HTTP/1.1 server with many keep-alive connections from one thread, on
// Boost.Asio with Boost.Beast parsing the answers (no thread per request, no reconnect per
// request, little CPU per request: the bench shares the machine with the server it measures).
//
// run() is a closed loop: each of `clients` slots sends its next request as soon as its previous
// one is answered, optionally paced to a total rate. The caller supplies requests through a
// callback and receives every answer (status, body, latency) through another, both on the
// caller's thread. fetch() is one blocking request on its own kept-alive connection, for probes
// (/health, /metrics, run records) between load phases.
//
// Example:
//   load_client client("http://127.0.0.1:8080");
//   std::size_t next_job = 0;
//   load_options opts;
//   opts.clients = 64;
//   auto stats = client.run(opts,
//       [&](std::size_t) -> std::optional<http_call> {
//         if (next_job == 1000) return std::nullopt;
//         return http_call{"POST", "/v1/add/job", body_of(next_job++)};
//       },
//       [&](std::size_t, const http_call&, const http_result& r) { latencies.push_back(r.latency); });
//   http_result health = client.fetch({"GET", "/health"});
//
// Bounded: no request starts after opts.deadline, each request times out after the client's
// request timeout (it fails, and its connection is closed and opened anew for the next request),
// and run() returns at the latest one timeout (plus a little slack) after the deadline.
//
// Connections: each is opened on its first request and kept alive. One the server closed (it
// said Connection: close, or it dropped an idle connection) is opened anew before the next
// request. A request that fails on a reused connection because the connection turned out to be
// closed, before any byte of its answer arrived, is sent once more on a fresh connection (as
// libcurl and browsers do: the usual cause is a server closing an idle connection before it read
// the request); any other transport failure is the request's answer: status 0 and an `error`
// saying what failed (connect, send, read) and why.
//
// base_url is "http://host:port" (host a name, an IPv4 address or a bracketed IPv6 one),
// resolved once by the constructor. If it cannot be used, fetch() fails with why, and run()
// fails the first request with why and returns.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace mainspring::bench {

struct http_call {
  http_call() = default;
  http_call(std::string method_, std::string path_, std::string body_ = "", int tag_ = 0)
      : method(std::move(method_)), path(std::move(path_)), body(std::move(body_)), tag(tag_) {}

  std::string method = "GET";  // GET, POST, PUT or DELETE
  std::string path;            // from the server root: "/v1/add/job"
  std::string body;            // sent as application/json when not empty (POST, PUT)
  int tag = 0;                 // the caller's label (which kind of request); not sent
};

struct http_result {
  long status = 0;          // 0 when no HTTP answer arrived (see error)
  std::string body;
  std::string error;        // what failed when no answer arrived: "connect (127.0.0.1:1): ..."
  std::chrono::nanoseconds latency{0};  // from hand-off to the connection until the answer was complete
  // Of `latency`, a paced request's wait for a free connection (from its intended send time to
  // its send); 0 when unpaced or sent on time.
  std::chrono::nanoseconds queued{0};

  bool ok() const { return status >= 200 && status < 300; }
};

struct load_options {
  std::size_t clients = 64;  // requests (and connections) in flight at once
  // Total start rate; 0 = as fast as answers come back. When paced, each answer's latency counts
  // from the moment the pace meant to send its request (open loop: a wait for a free connection
  // behind a slow answer is part of the latency).
  double rate_per_s = 0;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

struct load_stats {
  uint64_t sent = 0;
  uint64_t ok = 0;      // 2xx answers
  uint64_t failed = 0;  // other statuses and transport errors
  double seconds = 0;   // wall time of the run
};

// Answers the next request for client slot `client`, or nullopt when there is no more work.
using call_source = std::function<std::optional<http_call>(std::size_t client)>;
// Receives each answer. May not call back into the load_client.
using result_sink = std::function<void(std::size_t client, const http_call&, const http_result&)>;

// Asks every run() in the process to stop starting requests (as if its deadline had passed) and
// the scenarios to wind down, so that an interrupted bench still stops its servers and removes
// their temporary folders. Async-signal-safe (a lock-free atomic store).
void request_stop();
bool stop_requested();

class load_client {
 public:
  // -- constructors --

  // `base_url` like "http://127.0.0.1:8080" (no trailing slash).
  explicit load_client(std::string base_url,
                       std::chrono::milliseconds request_timeout = std::chrono::seconds(30));
  ~load_client();
  load_client(const load_client&) = delete;
  load_client& operator=(const load_client&) = delete;

  // -- requests --

  // Runs until `source` answers nullopt (then waits for the answers in flight) or the deadline
  // passes. Never throws; failures are counted and reported to `sink`.
  load_stats run(const load_options& options, const call_source& source, const result_sink& sink);

  // One request, waited for. Reuses one connection across calls.
  http_result fetch(const http_call& call);

  const std::string& base_url() const { return base_url_; }

 private:
  struct impl;
  std::string base_url_;
  std::unique_ptr<impl> impl_;
};

}  // namespace mainspring::bench
