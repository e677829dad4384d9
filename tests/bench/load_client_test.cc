#include "bench/load_client.h"

#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>

#include "bench/http_connection.h"
#include "bench/http_sink.h"
#include "bench/report.h"
#include "bench/workload.h"
#include "tests/bench/scripted_server.h"

using namespace mainspring::bench;
using mainspring::bench::testing::scripted_server;

namespace {

// A loopback port with nothing listening on it: bound, then released.
uint16_t closed_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address_v4("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

// Runs `count` requests of `call` on `clients` connections; every answer goes to `out`.
load_stats run_n(load_client& client, std::size_t clients, std::size_t count, const http_call& call,
                 std::vector<http_result>* out) {
  std::size_t next = 0;
  load_options opts;
  opts.clients = clients;
  opts.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  return client.run(
      opts,
      [&](std::size_t) -> std::optional<http_call> {
        if (next == count) return std::nullopt;
        ++next;
        return call;
      },
      [&](std::size_t, const http_call&, const http_result& r) { out->push_back(r); });
}

double ms(std::chrono::nanoseconds d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

TEST_CASE("the load client sends every request over a fixed set of kept-alive connections") {
  std::string why;
  auto sink = http_sink::start(&why);
  REQUIRE(sink);
  load_client client("http://127.0.0.1:" + std::to_string(sink->port()));
  std::size_t next = 0;
  std::size_t answered = 0;
  load_options opts;
  opts.clients = 8;
  opts.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  auto stats = client.run(
      opts,
      [&](std::size_t) -> std::optional<http_call> {
        if (next == 2000) return std::nullopt;
        ++next;
        return next % 2 ? http_call{"GET", "/hit?n=" + std::to_string(next)}
                        : http_call{"POST", "/hook", R"({"n":1})"};
      },
      [&](std::size_t, const http_call&, const http_result& r) {
        if (r.ok() && r.body == "ok") ++answered;
      });
  CHECK(stats.sent == 2000);
  CHECK(stats.ok == 2000);
  CHECK(stats.failed == 0);
  CHECK(answered == 2000);
  CHECK(sink->requests() == 2000);
  CHECK(sink->connections() <= 8);
}

TEST_CASE("pacing never starts more requests than the rate allows") {
  std::string why;
  auto sink = http_sink::start(&why);
  REQUIRE(sink);
  load_client client("http://127.0.0.1:" + std::to_string(sink->port()));
  load_options opts;
  opts.clients = 4;
  opts.rate_per_s = 200;
  opts.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  auto stats = client.run(
      opts, [](std::size_t) { return std::optional<http_call>(http_call{"GET", "/"}); },
      [](std::size_t, const http_call&, const http_result&) {});
  // No request starts after the deadline, and by then at most 200/s x 0.5 s (+1) may have started;
  // an unpaced loop would send thousands. (How few a loaded machine manages is not asserted.)
  CHECK(stats.sent <= 101);
  CHECK(stats.sent >= 1);
}

TEST_CASE("a server that is not there fails requests instead of hanging") {
  load_client client("http://127.0.0.1:1", std::chrono::seconds(2));
  auto r = client.fetch({"GET", "/health"});
  CHECK(r.status == 0);
  CHECK_FALSE(r.error.empty());
}

TEST_CASE("chunked answers are read whole, also when large, and the connection is kept alive") {
  const std::string big(12 * 1024 * 1024, 'x');  // past Beast's default 8 MB limit for answers
  scripted_server server([&](std::size_t n) {
    if (n == 0) {
      std::string text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
      for (std::size_t at = 0; at < big.size(); at += 1 << 20) {
        char size[16];
        std::snprintf(size, sizeof size, "%zx\r\n", std::min<std::size_t>(1 << 20, big.size() - at));
        text += size + big.substr(at, 1 << 20) + "\r\n";
      }
      return scripted_server::reply{text + "0\r\n\r\n"};
    }
    return scripted_server::reply{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                  "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"};
  });
  load_client client(server.url());
  auto first = client.fetch({"GET", "/v1/g/job/list"});
  CHECK(first.status == 200);
  CHECK(first.body.size() == big.size());
  CHECK(first.error.empty());
  std::vector<http_result> answers;
  auto stats = run_n(client, 2, 50, {"GET", "/"}, &answers);
  CHECK(stats.ok == 50);
  REQUIRE(answers.size() == 50);
  for (const auto& r : answers) CHECK(r.body == "hello world");
  CHECK(server.connections() <= 3);  // fetch()'s own and run()'s two
}

TEST_CASE("an answer without a length ends with the connection, and the next request reconnects") {
  scripted_server server([](std::size_t) {
    return scripted_server::reply{"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", true};
  });
  load_client client(server.url());
  std::vector<http_result> answers;
  auto stats = run_n(client, 3, 30, {"POST", "/v1/add/job", R"({"a":1})"}, &answers);
  CHECK(stats.ok == 30);
  for (const auto& r : answers) CHECK(r.body == "until the end");
  CHECK(server.connections() == 30);
}

TEST_CASE("a server that closes kept-alive connections after each answer costs a reconnect, not a failure") {
  // No "Connection: close": the client learns that the connection is gone only when it reuses
  // it, and sends the request again on a fresh one.
  scripted_server server([](std::size_t) { return scripted_server::reply{scripted_server::ok_text("ok"), true}; });
  load_client client(server.url());
  std::vector<http_result> answers;
  auto stats = run_n(client, 4, 40, {"GET", "/hit"}, &answers);
  CHECK(stats.sent == 40);
  CHECK(stats.ok == 40);
  CHECK(stats.failed == 0);
  CHECK(server.requests() == 40);
  CHECK(server.connections() == 40);
  for (int i = 0; i < 3; ++i) CHECK(client.fetch({"GET", "/health"}).ok());
}

TEST_CASE("a request past its timeout fails, and its connection is replaced for the next one") {
  // The first request gets no answer; the ones after are answered at once.
  scripted_server server([](std::size_t n) {
    scripted_server::reply r{scripted_server::ok_text("ok")};
    r.silent = n == 0;
    return r;
  });
  load_client client(server.url(), std::chrono::milliseconds(300));
  auto lost = client.fetch({"GET", "/slow"});
  CHECK(lost.status == 0);
  CHECK(lost.error.find("timeout") != std::string::npos);
  CHECK(ms(lost.latency) >= 250);
  CHECK(ms(lost.latency) < 10'000);
  auto next = client.fetch({"GET", "/fast"});
  CHECK(next.status == 200);
  CHECK(next.body == "ok");
  CHECK(server.connections() == 2);
}

namespace {

// A script for a server that reads each request and never answers it.
scripted_server::reply never_answers(std::size_t) {
  scripted_server::reply r;
  r.silent = true;
  return r;
}

}  // namespace

TEST_CASE("run() fails requests to a server that never answers, within the timeout") {
  scripted_server server(never_answers);
  load_client client(server.url(), std::chrono::milliseconds(200));
  std::vector<http_result> answers;
  const auto began = std::chrono::steady_clock::now();
  auto stats = run_n(client, 2, 4, {"POST", "/v1/add/job", "{}"}, &answers);
  CHECK(stats.sent == 4);
  CHECK(stats.failed == 4);
  REQUIRE(answers.size() == 4);
  for (const auto& r : answers) {
    CHECK(r.status == 0);
    CHECK(r.error.find("timeout") != std::string::npos);
  }
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(15));
  CHECK(server.connections() == 4);  // each timed-out connection was dropped
}

TEST_CASE("a run with endless work against a silent server ends soon after its deadline") {
  scripted_server server(never_answers);
  load_client client(server.url(), std::chrono::milliseconds(100));
  load_options opts;
  opts.clients = 3;
  opts.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  std::vector<http_result> answers;
  const auto began = std::chrono::steady_clock::now();
  auto stats = client.run(
      opts, [](std::size_t) { return std::optional<http_call>(http_call{"GET", "/"}); },
      [&](std::size_t, const http_call&, const http_result& r) { answers.push_back(r); });
  CHECK(stats.sent >= 3);
  CHECK(stats.failed == stats.sent);
  CHECK(answers.size() == stats.sent);
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(15));
  for (const auto& r : answers) CHECK(r.status == 0);
}

TEST_CASE("connection refused is an answer with status 0 and the reason, in fetch and in run") {
  load_client client("http://127.0.0.1:" + std::to_string(closed_port()), std::chrono::seconds(5));
  auto r = client.fetch({"GET", "/health"});
  CHECK(r.status == 0);
  CHECK(r.error.find("connect") != std::string::npos);
  CHECK(r.error.find("refused") != std::string::npos);
  std::vector<http_result> answers;
  auto stats = run_n(client, 4, 20, {"GET", "/"}, &answers);
  CHECK(stats.sent == 20);
  CHECK(stats.failed == 20);
  for (const auto& a : answers) CHECK_FALSE(a.error.empty());
}

TEST_CASE("a paced run counts latency from when each request was meant to be sent, and says its wait for a connection") {
  // One connection and a server that takes 50 ms per answer cannot keep up with 100/s: request
  // k is meant to go at k x 10 ms but is answered no earlier than (k + 1) x 50 ms, so its
  // latency grows by at least 40 ms per request. A closed-loop measure would stay near 50 ms.
  scripted_server server([](std::size_t) {
    scripted_server::reply r{scripted_server::ok_text("ok")};
    r.delay = std::chrono::milliseconds(50);
    return r;
  });
  load_client client(server.url());
  std::size_t next = 0;
  std::vector<double> latency_ms, queued_ms;
  load_options opts;
  opts.clients = 1;
  opts.rate_per_s = 100;
  opts.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto stats = client.run(
      opts,
      [&](std::size_t) -> std::optional<http_call> {
        if (next == 8) return std::nullopt;
        ++next;
        return http_call{"GET", "/"};
      },
      [&](std::size_t, const http_call&, const http_result& r) {
        latency_ms.push_back(ms(r.latency));
        queued_ms.push_back(ms(r.queued));
      });
  CHECK(stats.ok == 8);
  REQUIRE(latency_ms.size() == 8);
  CHECK(latency_ms.front() >= 45);
  CHECK(latency_ms.back() >= 8 * 50 - 7 * 10 - 5);  // answered >= 400 ms in, meant for 70 ms
  // The wait for the one connection is part of the latency and said apart: request k waits for
  // the k answers before it (>= k x 50 ms from the start) from its intended k x 10 ms.
  CHECK(queued_ms.front() < 45);
  for (std::size_t k = 1; k < queued_ms.size(); ++k) {
    CHECK(queued_ms[k] >= static_cast<double>(k) * 40 - 5);
    CHECK(latency_ms[k] - queued_ms[k] >= 45);  // the server's 50 ms
  }
}

TEST_CASE("base URLs are read as host and port, with IPv6 in brackets and port 80 by default") {
  std::string error;
  auto v4 = load_target::resolve("http://127.0.0.1:8080", &error);
  REQUIRE(v4);
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == "8080");
  CHECK(v4->authority == "127.0.0.1:8080");
  CHECK(v4->endpoints.size() == 1);
  auto v6 = load_target::resolve("http://[::1]:9000", &error);
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == "9000");
  auto bare = load_target::resolve("http://127.0.0.1", &error);
  REQUIRE(bare);
  CHECK(bare->port == "80");
  CHECK_FALSE(load_target::resolve("https://127.0.0.1:443", &error));
  CHECK(error.find("http://") != std::string::npos);
  CHECK_FALSE(load_target::resolve("http://127.0.0.1:80x", &error));
  CHECK_FALSE(load_target::resolve("http://[::1:80", &error));
}

TEST_CASE("a request goes out as one HTTP/1.1 message with Host, and a JSON type and length with a body") {
  std::string error;
  auto t = load_target::resolve("http://127.0.0.1:8080", &error);
  REQUIRE(t);
  CHECK(t->request_text({"GET", "/health"}) == "GET /health HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");
  CHECK(t->request_text({"POST", "/v1/add/job", "{}"}) ==
        "POST /v1/add/job HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\n"
        "Content-Length: 2\r\n\r\n{}");
  CHECK(t->request_text({"POST", "/v1/apikeys/bootstrap"}) ==
        "POST /v1/apikeys/bootstrap HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 0\r\n\r\n");
}

TEST_CASE("targets are checked by their comparison and bound") {
  CHECK(meets(25'000, ">= 20000").value());
  CHECK_FALSE(meets(19'999, ">= 20000").value());
  CHECK(meets(4.9, "< 5").value());
  CHECK_FALSE(meets(5, "< 5").value());
  CHECK(meets(0, "0") == std::nullopt);
  CHECK(meets(std::nan(""), "< 5") == std::nullopt);
  CHECK(meets(1, "") == std::nullopt);
}

TEST_CASE("simple Go durations are read as seconds") {
  CHECK(duration_seconds("1s").value() == 1);
  CHECK(duration_seconds("100s").value() == 100);
  CHECK(duration_seconds("1m30s").value() == 90);
  CHECK(duration_seconds("1h").value() == 3600);
  CHECK(duration_seconds("500ms").value() == Approx(0.5));
  CHECK_FALSE(duration_seconds("fast").has_value());
  CHECK_FALSE(duration_seconds("").has_value());
}

TEST_CASE("job bodies name the job's group and id, and staggered first runs spread over the interval") {
  job_batch b;
  b.group = "g";
  b.count = 10;
  b.groups = 2;
  b.pattern = "@every 10s";
  b.first = first_run::staggered_seconds;
  b.interval_s = 10;
  CHECK(group_of(b, 3) == "g1");
  auto body = add_job_body(b, 3, 1000);
  CHECK(body.find(R"("group_name":"g1")") != std::string::npos);
  CHECK(body.find(R"("job_id":"j3")") != std::string::npos);
  CHECK(body.find(R"("exec_time":1005)") != std::string::npos);  // 1000 + 2 s lead + 3 s
}
