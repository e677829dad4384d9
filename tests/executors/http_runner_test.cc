#include "executors/http_runner.h"

#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>

#include "core/executor_target.h"
#include "tests/support/http_sink.h"

using namespace mainspring;
using namespace std::chrono_literals;

namespace {

// Collects outcomes delivered on the runner thread; tests wait on it with a generous deadline
// so that a lost callback fails the test instead of hanging it.
class outcome_box {
 public:
  run_callback callback() {
    return [this](run_outcome out) {
      std::lock_guard lock{mutex_};
      got_.push_back(std::move(out));
      changed_.notify_all();
    };
  }

  bool wait_for(std::size_t n, std::chrono::milliseconds deadline = 20s) {
    std::unique_lock lock{mutex_};
    return changed_.wait_for(lock, deadline, [&] { return got_.size() >= n; });
  }

  std::vector<run_outcome> all() {
    std::lock_guard lock{mutex_};
    return got_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<run_outcome> got_;
};

run_request request_for(std::string url, std::chrono::milliseconds timeout = 10s) {
  run_request req;
  req.run_id = 42;
  req.job_id = "1234ABC";
  req.job_name = "Hello";
  req.target = std::move(url);
  req.timeout = timeout;
  return req;
}

// A loopback port nobody listens on: bound, then closed.
uint16_t closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// One run from start to outcome.
run_outcome run_once(http_runner& runner, run_request req) {
  outcome_box box;
  runner.start(std::move(req), box.callback());
  REQUIRE(box.wait_for(1));
  return box.all().at(0);
}

}  // namespace

TEST_CASE("a 2xx reply succeeds with its status and body") {
  http_sink sink;
  sink.set_response(200, "hello from the job");
  http_runner runner;
  run_outcome out = run_once(runner, request_for(sink.url("/hook")));
  CHECK(out.result == run_result::succeeded);
  CHECK(out.run_id == 42);
  CHECK(out.code == 200);
  CHECK(out.output_tail == "hello from the job");
  CHECK(out.error.empty());
  CHECK(out.start_time <= out.end_time);
  auto seen = sink.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "GET");
  CHECK(seen[0].path == "/hook");
  CHECK(seen[0].header("User-Agent").rfind("mainspring/", 0) == 0);
}

TEST_CASE("a 500 reply fails with the status in the error and keeps the body") {
  http_sink sink;
  sink.set_response(500, "boom");
  http_runner runner;
  run_outcome out = run_once(runner, request_for(sink.url("/hook")));
  CHECK(out.result == run_result::failed);
  CHECK(out.code == 500);
  CHECK(out.error == "HTTP 500");
  CHECK(out.output_tail == "boom");
}

TEST_CASE("expected statuses: any listed one succeeds, others fail naming the list, and any status at all") {
  http_sink sink;
  http_runner runner;
  auto with_codes = [&](std::vector<int> codes) {
    run_request req = request_for(sink.url("/hook"));
    req.expect_codes = std::move(codes);
    return run_once(runner, std::move(req));
  };
  sink.set_response(206, "part");
  CHECK(with_codes({200, 206}).result == run_result::succeeded);
  sink.set_response(200, "whole");
  CHECK(with_codes({200, 206}).result == run_result::succeeded);
  CHECK(with_codes({201}).error == "HTTP 200, expected 201");
  sink.set_response(404, "missing");
  run_outcome out = with_codes({200, 201, 206});
  CHECK(out.result == run_result::failed);
  CHECK(out.error == "HTTP 404, expected 200, 201 or 206");
  CHECK(with_codes({k_any_http_status}).result == run_result::succeeded);
  CHECK(with_codes({}).error == "HTTP 404");
}

TEST_CASE("the job's extras are appended as URL-encoded query parameters") {
  http_sink sink;
  http_runner runner;
  auto req = request_for(sink.url("/hook"));
  req.extras = {{"otp_code", "123456"}, {"job_id", "1234ABC"}, {"job_name", "a b"}};
  run_outcome out = run_once(runner, req);
  CHECK(out.result == run_result::succeeded);

  req.target = sink.url("/hook?test=yao");
  req.extras = {{"otp_code", "123456"}, {"job_id", "1234ABC"}, {"job_name", "a&b=c/d"}};
  out = run_once(runner, req);
  CHECK(out.result == run_result::succeeded);

  auto seen = sink.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].path == "/hook");
  CHECK(seen[0].query == "otp_code=123456&job_id=1234ABC&job_name=a%20b");
  CHECK(seen[1].query == "test=yao&otp_code=123456&job_id=1234ABC&job_name=a%26b%3Dc%2Fd");
}

TEST_CASE("url_with_query joins with ? or &, keeps the fragment out and encodes names too") {
  using params = std::vector<std::pair<std::string, std::string>>;
  CHECK(url_with_query("http://h/p", {}) == "http://h/p");
  CHECK(url_with_query("http://h/p#top", {}) == "http://h/p");
  CHECK(url_with_query("http://h/p#top", params{{"a", "1"}}) == "http://h/p?a=1");
  CHECK(url_with_query("http://h/p?x=y#top", params{{"a", "1"}}) == "http://h/p?x=y&a=1");
  CHECK(url_with_query("http://h/p?", params{{"a", "1"}, {"b", ""}}) == "http://h/p?a=1&b=");
  CHECK(url_with_query("http://h/p", params{{"a b", "~-._ü"}}) == "http://h/p?a%20b=~-._%C3%BC");
}

TEST_CASE("a reply slower than the timeout makes the run time out") {
  http_sink sink;
  sink.set_delay(5s);
  http_runner runner;
  run_outcome out = run_once(runner, request_for(sink.url("/slow"), 300ms));
  CHECK(out.result == run_result::timed_out);
  CHECK(out.error == "timed out after 300 ms");
  CHECK(out.code == 0);
}

TEST_CASE("abort ends a transfer in flight at once, and a queued one without a request") {
  http_sink sink;
  sink.set_delay(5s);
  http_runner runner{1};
  outcome_box box;
  auto first = request_for(sink.url("/slow"));
  auto second = request_for(sink.url("/slow"));
  second.run_id = 43;
  runner.start(std::move(first), box.callback());
  runner.start(std::move(second), box.callback());
  REQUIRE(sink.wait_for_requests(1, 20s));
  runner.abort(999, "nobody");  // unknown: nothing happens
  runner.abort(43, "not wanted");
  REQUIRE(box.wait_for(1));
  CHECK(box.all().at(0).run_id == 43);
  CHECK(box.all().at(0).error == "aborted: not wanted");
  runner.abort(42, "stopped by a test");
  REQUIRE(box.wait_for(2));  // without the abort: the sink's answer, 5 s later, a success
  const run_outcome out = box.all().at(1);
  CHECK(out.run_id == 42);
  CHECK(out.result == run_result::failed);
  CHECK(out.error == "aborted: stopped by a test");
  CHECK(runner.running() == 0);
}

TEST_CASE("adjust moves a transfer's time limit either way") {
  http_sink sink;
  SECTION("shorter: the run times out by the new limit") {
    sink.set_delay(5s);
    http_runner runner;
    outcome_box box;
    runner.start(request_for(sink.url("/slow"), 60s), box.callback());
    REQUIRE(sink.wait_for_requests(1, 20s));
    runner.adjust(42, run_adjustment{.timeout = 200ms, .limits = {}});
    REQUIRE(box.wait_for(1));
    CHECK(box.all().at(0).result == run_result::timed_out);
    CHECK(box.all().at(0).error == "timed out after 200 ms");
  }
  SECTION("longer: a reply after the old limit counts") {
    sink.set_delay(1s);
    http_runner runner;
    outcome_box box;
    runner.start(request_for(sink.url("/slow"), 500ms), box.callback());
    runner.adjust(42, run_adjustment{.timeout = 30s, .limits = {}});
    REQUIRE(box.wait_for(1));
    CHECK(box.all().at(0).result == run_result::succeeded);
  }
}

TEST_CASE("a refused connection fails with curl's message and no status") {
  http_runner runner;
  auto url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/hook";
  run_outcome out = run_once(runner, request_for(url));
  INFO(out.error);
  CHECK(out.result == run_result::failed);
  CHECK(out.code == 0);
  CHECK(out.error.find("connect") != std::string::npos);
}

TEST_CASE("URLs other than http and https are refused") {
  http_runner runner;
  for (const char* url : {"file:///etc/passwd", "ftp://127.0.0.1:1/x", "gopher://127.0.0.1/"}) {
    run_outcome out = run_once(runner, request_for(url));
    INFO(url << ": " << out.error);
    CHECK(out.result == run_result::failed);
    CHECK(out.output_tail.empty());
    CHECK_FALSE(out.error.empty());
  }
}

TEST_CASE("a non-positive timeout fails the run without a request") {
  http_sink sink;
  http_runner runner;
  run_outcome out = run_once(runner, request_for(sink.url("/hook"), 0ms));
  CHECK(out.result == run_result::failed);
  CHECK(out.error == "invalid timeout: 0 ms");
  CHECK(sink.requests().empty());
}

TEST_CASE("many runs complete with no more than max_concurrent in flight") {
  constexpr std::size_t k_runs = 200;
  constexpr std::size_t k_limit = 16;
  http_sink sink;
  sink.set_delay(20ms);
  outcome_box box;
  std::mutex seen_mutex;
  std::size_t most_running_seen = 0;
  http_runner runner{k_limit};
  for (std::size_t i = 0; i < k_runs; ++i) {
    auto req = request_for(sink.url("/hook"));
    req.run_id = i;
    runner.start(std::move(req), [&, done = box.callback()](run_outcome out) {
      {
        std::lock_guard lock{seen_mutex};
        most_running_seen = std::max(most_running_seen, runner.running());
      }
      done(std::move(out));
    });
    CHECK(runner.running() <= k_limit);
  }
  REQUIRE(box.wait_for(k_runs, 60s));

  auto outs = box.all();
  std::vector<bool> seen_ids(k_runs, false);
  for (const auto& out : outs) {
    CHECK(out.result == run_result::succeeded);
    seen_ids.at(out.run_id) = true;
  }
  CHECK(std::count(seen_ids.begin(), seen_ids.end(), true) == static_cast<long>(k_runs));
  CHECK(most_running_seen <= k_limit);
  CHECK(sink.max_in_flight() <= k_limit);
  CHECK(sink.max_in_flight() > 1);  // transfers do overlap
  // Connections are reused rather than opened per run.
  INFO("connections: " << sink.connections_accepted());
  CHECK(sink.connections_accepted() < k_runs);
  CHECK(runner.running() == 0);
  CHECK(runner.queued() == 0);
}

TEST_CASE("sequential runs reuse one keep-alive connection") {
  http_sink sink;
  http_runner runner;
  for (int i = 0; i < 10; ++i) {
    CHECK(run_once(runner, request_for(sink.url("/hook"))).result == run_result::succeeded);
  }
  CHECK(sink.connections_accepted() == 1);
}

TEST_CASE("a big body keeps exactly its last 64 KiB") {
  std::string body(1024 * 1024, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + (i * 7) % 26);
  http_sink sink;
  sink.set_response(200, body);
  http_runner runner;
  run_outcome out = run_once(runner, request_for(sink.url("/big")));
  CHECK(out.result == run_result::succeeded);
  REQUIRE(out.output_tail.size() == k_max_output_tail_bytes);
  CHECK(out.output_tail == body.substr(body.size() - k_max_output_tail_bytes));
}

TEST_CASE("post_json delivers the body as JSON") {
  http_sink sink;
  sink.set_response(202, "");
  http_runner runner;
  outcome_box box;
  std::string json = R"({"run_id":42,"result":"succeeded"})";
  runner.post_json(sink.url("/report"), json, 5s, box.callback());
  REQUIRE(box.wait_for(1));
  CHECK(box.all()[0].result == run_result::succeeded);
  CHECK(box.all()[0].code == 202);
  auto seen = sink.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].path == "/report");
  CHECK(seen[0].body == json);
  CHECK(seen[0].header("Content-Type") == "application/json");
}

TEST_CASE("a callback may start the next run") {
  http_sink sink;
  outcome_box box;
  http_runner runner;
  std::function<void(run_outcome)> chain = [&](run_outcome out) {
    uint64_t next = out.run_id + 1;
    box.callback()(std::move(out));
    if (next < 3) {
      auto req = request_for(sink.url("/chain"));
      req.run_id = next;
      runner.start(std::move(req), chain);
    }
  };
  auto first = request_for(sink.url("/chain"));
  first.run_id = 0;
  runner.start(std::move(first), chain);
  REQUIRE(box.wait_for(3));
  auto outs = box.all();
  for (uint64_t i = 0; i < 3; ++i) CHECK(outs[i].run_id == i);
}

TEST_CASE("destroying the runner fails the runs in flight and the queued ones") {
  http_sink sink;
  sink.set_delay(5s);
  outcome_box box;
  {
    http_runner runner{2};
    for (int i = 0; i < 5; ++i) runner.start(request_for(sink.url("/slow")), box.callback());
    REQUIRE(sink.wait_for_requests(2, 20s));
    CHECK(runner.running() == 2);
    CHECK(runner.queued() == 3);
  }
  REQUIRE(box.all().size() == 5);
  for (const auto& out : box.all()) {
    CHECK(out.result == run_result::failed);
    CHECK(out.error == "runner stopped");
  }
}

TEST_CASE("a redirect fails unless the run follows redirects, then the last reply counts") {
  http_sink sink;
  sink.set_response(200, "landed");
  sink.set_redirect("/old", sink.url("/new"));
  http_runner runner;
  run_outcome stay = run_once(runner, request_for(sink.url("/old")));
  CHECK(stay.result == run_result::failed);
  CHECK(stay.code == 302);
  CHECK(stay.error == "HTTP 302");

  run_request req = request_for(sink.url("/old"));
  req.follow_redirects = true;
  run_outcome follow = run_once(runner, std::move(req));
  CHECK(follow.result == run_result::succeeded);
  CHECK(follow.code == 200);
  CHECK(follow.output_tail == "landed");
  auto seen = sink.requests();
  REQUIRE(seen.size() == 3);
  CHECK(seen[2].path == "/new");
}

TEST_CASE("a followed redirect loop stops at k_max_http_redirects, and other schemes are not followed") {
  http_sink sink;
  sink.set_redirect("/loop", sink.url("/loop"));
  sink.set_redirect("/file", "file:///etc/passwd");
  http_runner runner;
  run_request loop = request_for(sink.url("/loop"));
  loop.follow_redirects = true;
  run_outcome out = run_once(runner, std::move(loop));
  CHECK(out.result == run_result::failed);
  CHECK(out.error.find("32") != std::string::npos);  // curl: "Maximum (32) redirects followed"
  CHECK(sink.requests().size() == static_cast<std::size_t>(k_max_http_redirects) + 1);

  run_request file = request_for(sink.url("/file"));
  file.follow_redirects = true;
  run_outcome refused = run_once(runner, std::move(file));
  CHECK(refused.result == run_result::failed);
  CHECK(refused.output_tail.find("root:") == std::string::npos);
}

TEST_CASE("success_match and error_match are regular expressions over the body, in Cronicle's words") {
  http_sink sink;
  sink.set_response(200, "{\"status\": \"done\", \"items\": 3}");
  http_runner runner;
  auto with_patterns = [&](std::string success, std::string error) {
    run_request req = request_for(sink.url("/"));
    req.success_match = std::move(success);
    req.error_match = std::move(error);
    return run_once(runner, std::move(req));
  };
  CHECK(with_patterns("\"status\":\\s*\"done\"", "").result == run_result::succeeded);
  CHECK(with_patterns("done", "").result == run_result::succeeded);  // plain text is a pattern too

  run_outcome missing = with_patterns("^ok$", "");
  CHECK(missing.result == run_result::failed);
  CHECK(missing.code == 200);
  CHECK(missing.error == "Response missing success match: ^ok$");

  run_outcome error = with_patterns("done", "items\": [1-9]");
  CHECK(error.result == run_result::failed);
  CHECK(error.error == "Response contains error match: items\": [1-9]");
  CHECK(with_patterns("", "fail(ed|ure)").result == run_result::succeeded);

  // The status is judged first: a 500 whose body matches error_match is "HTTP 500".
  sink.set_response(500, "failure");
  CHECK(with_patterns("", "failure").error == "HTTP 500");
}

TEST_CASE("body patterns see only the last k_max_http_match_text_bytes of the body") {
  http_sink sink;
  sink.set_response(200, "MARK" + std::string(k_max_http_match_text_bytes, '.'));
  http_runner runner;
  run_request req = request_for(sink.url("/"));
  req.error_match = "MARK";
  CHECK(run_once(runner, std::move(req)).result == run_result::succeeded);
  sink.set_response(200, std::string(k_max_http_match_text_bytes, '.') + "MARK");
  req = request_for(sink.url("/"));
  req.error_match = "MARK";
  CHECK(run_once(runner, std::move(req)).error == "Response contains error match: MARK");
}

TEST_CASE("a pattern that does not compile fails the run without a request") {
  http_sink sink;
  http_runner runner;
  run_request req = request_for(sink.url("/"));
  req.success_match = "(open";
  run_outcome out = run_once(runner, std::move(req));
  CHECK(out.result == run_result::failed);
  CHECK(out.error.starts_with("executor_config: success_match: "));
  CHECK(sink.requests().empty());
}

TEST_CASE("a pattern too costly for the body fails the run instead of holding the runner") {
  http_sink sink;
  sink.set_response(200, std::string(k_max_http_match_text_bytes, 'a'));
  http_runner runner;
  run_request req = request_for(sink.url("/"));
  req.success_match = "a{1,100}{1,100}b";
  run_outcome out = run_once(runner, std::move(req));
  CHECK(out.result == run_result::failed);
  CHECK(out.error.starts_with("Response could not be matched: success_match: "));
  CHECK(run_once(runner, request_for(sink.url("/"))).result == run_result::succeeded);  // still serving
}
