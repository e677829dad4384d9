#include "bench/load_client.h"

#include <catch2/catch.hpp>

#include "bench/http_sink.h"
#include "bench/report.h"
#include "bench/workload.h"

using namespace mainspring::bench;

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
