// http_runner: runs HTTP jobs (a GET of the job's URL) and POSTs run reports, many at once.
//
// One thread drives a libcurl multi handle, so thousands of transfers can wait on slow servers
// without a thread each. At most `max_concurrent` transfers are in flight; further starts wait in a
// FIFO queue. Connections are kept alive and reused across runs (the multi's connection cache),
// and easy handles are recycled from a small pool.
//
// A run sends req.method (GET by default) with req.headers and req.body. It succeeds on a 2xx
// status (or one of req.expect_codes when set) whose body contains req.expect_body (when set;
// checked against the kept tail), fails on any other status ("HTTP 503") or on a transport error
// (curl's message, e.g. "Failed to connect to 127.0.0.1 port 1 ..."; code 0 when no status
// arrived), and times out at req.timeout ("timed out after 300 ms"; the runner keeps the time
// limit, not curl, so that adjust() can move it). The last
// k_max_output_tail_bytes of the response body are kept in output_tail. Redirects are followed
// only when req.follow_redirects (at most k_max_http_redirects, to http:// and https:// only;
// the last response counts); otherwise a 3xx is reported as a failure (a job URL that moved is a
// configuration error worth seeing). Only http:// and https:// URLs are accepted.
//
// Body patterns (req.success_match, req.error_match: ECMAScript regular expressions, Cronicle
// urlplug's): once the status is accepted, a match of error_match fails the run ("Response
// contains error match: <pattern>"), and so does no match of success_match ("Response missing
// success match: <pattern>"), in Cronicle's order and words. They are searched in the last
// k_max_http_match_text_bytes of the body (Cronicle searches all of it), compiled once per run
// on the runner thread, and searched at a bounded cost (core/body_pattern.h): a search too
// costly for the body fails the run ("Response could not be matched: ...").
//
// Example:
//   http_runner runner{64};
//   run_request req;
//   req.run_id = 7; req.target = "http://127.0.0.1:8080/hook"; req.timeout = 5s;
//   req.extras = {{"job_id", "1234ABC"}, {"job_name", "Hello world"}};
//   runner.start(std::move(req), [](run_outcome out) { /* on the runner thread */ });
//   // GET http://127.0.0.1:8080/hook?job_id=1234ABC&job_name=Hello%20world
//
// Callbacks run on the runner's thread, exactly once per start()/post_json(), never while the
// runner holds a lock: a callback may call start() again. A callback should be short (hand the
// outcome to an actor); a slow callback delays every other transfer.
//
// libcurl's global initialisation happens once, on the first construction of an http_runner
// (curl_global_init is thread-safe in the Debian 12 libcurl, 7.88, which reports
// CURL_VERSION_THREADSAFE). curl_global_cleanup is never called: it is not needed at exit.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "executors/run.h"
#include "executors/runner.h"

namespace mainspring {

// The tail of a reply body that success_match and error_match are searched in.
inline constexpr std::size_t k_max_http_match_text_bytes = 16 * 1024;

// Returns `url` with `params` appended as URL-encoded query parameters (names and values are
// percent-encoded, RFC 3986 unreserved characters stay as they are), joined with '?' or '&'
// depending on whether the URL already has a query. A "#fragment" is dropped: it is never sent
// to a server anyway. With no params the URL is returned without its fragment.
// Example: url_with_query("http://h/p?test=yao#x", {{"job_name", "a b"}})
//          == "http://h/p?test=yao&job_name=a%20b"
std::string url_with_query(std::string_view url,
                           const std::vector<std::pair<std::string, std::string>>& params);

class http_runner final : public runner {
 public:
  // -- constructors --

  // REQUIRES: max_concurrent > 0 (0 is taken as 1).
  explicit http_runner(std::size_t max_concurrent = 256);

  // Aborts the transfers in flight and the queued ones: their callbacks get run_result::failed
  // with error "runner stopped" (on the runner thread, before this returns). Joins the thread.
  // REQUIRES: not called from a callback of this runner (it would join its own thread).
  ~http_runner() override;

  http_runner(const http_runner&) = delete;
  http_runner& operator=(const http_runner&) = delete;

  // -- running --

  // GETs url_with_query(req.target, req.extras) with a timeout of req.timeout, then calls `done`.
  // Thread-safe; never blocks beyond a short mutex and a wakeup of the runner thread.
  // A non-positive timeout fails the run at once ("invalid timeout: 0 ms").
  // If the runner is being destroyed, `done` is called at once on the caller's thread with
  // "runner stopped" (this is how a callback that starts a follow-up run learns of the shutdown).
  void start(run_request req, run_callback done) override;
  // A queued run is reported at once; one in flight is taken out of curl and reported failed,
  // "aborted: <why>", with its status (0 before one arrived) and the body received so far.
  void abort(uint64_t run_id, std::string why) override;
  // Moves the run's time limit (from its start); its resource limits do not apply here.
  void adjust(uint64_t run_id, run_adjustment change) override;

  // POSTs `body` with Content-Type application/json to `url` (the reply hook that reports a run).
  // Same queue, limits, outcome rules and thread guarantees as start(); run_id is 0.
  void post_json(std::string url, std::string body, std::chrono::milliseconds timeout,
                 run_callback done);

  // -- properties --

  // Transfers currently handed to libcurl (at most max_concurrent).
  std::size_t running() const override;
  // Transfers waiting for a free slot.
  std::size_t queued() const override;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mainspring
