// Dkron's executor + executor_config read into typed targets, and written back.
#include "http/dkron/executor_config.h"

#include <catch2/catch.hpp>

using namespace mainspring;
using namespace mainspring::http::dkron;

TEST_CASE("a Dkron shell executor becomes a shell target with env, cwd and a Go timeout") {
  auto t = target_from_dkron("shell", {{"command", "echo hi"}, {"shell", "true"}, {"env", "A=1,B=x=y,,"},
                                       {"cwd", "/tmp"}, {"timeout", "1m30s"}}, "");
  REQUIRE(t.ok());
  CHECK(t->target == executor_target{shell_target{"echo hi", "", {{"A", "1"}, {"B", "x=y"}}, "/tmp"}});
  CHECK(t->timeout_ms == 90'000);
  auto unbounded = target_from_dkron("shell", {{"command", "sleep 1"}}, "");
  CHECK(unbounded->timeout_ms == k_unbounded_timeout_ms);
  CHECK(target_from_dkron("shell", {{"command", "x"}, {"timeout", "soon"}}, "").status().message() ==
        "Error parsing job timeout value");
  CHECK(target_from_dkron("shell", {{"command", "x"}, {"env", "=1"}}, "").status().message().starts_with(
      "executor_config: env entries"));
}

TEST_CASE("a Dkron http executor becomes an HTTP target with its headers, body and expectations") {
  auto t = target_from_dkron("http", {{"method", "POST"}, {"url", "http://127.0.0.1:9000/hook"},
                                      {"headers", R"(["Content-Type: application/json", "X-A:1"])"},
                                      {"body", R"({"a":1})"}, {"timeout", "5"}, {"expectCode", "201"},
                                      {"expectBody", "ok"}, {"debug", "true"}}, "");
  REQUIRE(t.ok());
  CHECK(t->target == executor_target{http_target{"POST", "http://127.0.0.1:9000/hook",
                                                 {{"Content-Type", "application/json"}, {"X-A", "1"}},
                                                 R"({"a":1})", {201}, "ok", false, "", "", false}});
  CHECK(t->timeout_ms == 5'000);
  CHECK(target_from_dkron("http", {{"method", "GET"}, {"url", "http://127.0.0.1/"}}, "")->timeout_ms ==
        k_default_http_timeout_ms);
  CHECK(target_from_dkron("http", {{"method", "GET"}}, "").status().message() == "executor_config: url is empty");
  CHECK(target_from_dkron("http", {{"url", "http://x/"}}, "").status().message() == "executor_config: method is empty");
  CHECK(target_from_dkron("http", {{"method", "GET"}, {"url", "http://x/"}, {"headers", "Content-Type: x"}}, "")
            .status().message().starts_with("executor_config: headers must be a JSON array"));
  CHECK(target_from_dkron("http", {{"method", "GET"}, {"url", "http://x/"}, {"expectCode", "abc"}}, "")
            .status().message().starts_with("executor_config: expectCode must be a whole number"));
  CHECK(target_from_dkron("http", {{"method", "GET"}, {"url", "http://x/"}, {"expectCode", "200,2x6"}}, "")
            .status().message().starts_with("executor_config: expectCode must be a whole number, got \"2x6\""));
  CHECK(target_from_dkron("http", {{"method", "GET"}, {"url", "http://x/"}, {"timeout", "86401"}}, "")
            .status().message() == "executor_config: timeout must be at most 86400 seconds");
}

TEST_CASE("expectCode takes a comma list and timeout falls back as Dkron's http executor") {
  auto with = [](const executor_config& extra) {
    executor_config config{{"method", "GET"}, {"url", "http://127.0.0.1/"}};
    config.insert(extra.begin(), extra.end());
    auto t = target_from_dkron("http", config, "");
    REQUIRE(t.ok());
    return *t;
  };
  CHECK(std::get<http_target>(with({{"expectCode", "200,206"}}).target).expect_codes == std::vector<int>{200, 206});
  CHECK(std::get<http_target>(with({{"expectCode", " 200, 206 ,"}}).target).expect_codes == std::vector<int>{200, 206});
  CHECK(dkron_config_of(with({{"expectCode", "200,206"}}).target, 30'000).at("expectCode") == "200,206");
  // strconv.Atoi fails: Dkron's 30 s (with a warning in the output); 0 or less: no limit.
  CHECK(with({{"timeout", "soon"}}).timeout_ms == k_default_http_timeout_ms);
  CHECK(with({{"timeout", "0"}}).timeout_ms == k_unbounded_timeout_ms);
  CHECK(with({{"timeout", "-1"}}).timeout_ms == k_unbounded_timeout_ms);
  CHECK(with({{"timeout", "7"}}).timeout_ms == 7'000);
}

TEST_CASE("no executor runs the old top-level command or nothing, and unknown executors are refused") {
  CHECK(target_from_dkron("", {}, "/usr/bin/date")->target == executor_target{shell_target{.command = "/usr/bin/date"}});
  CHECK(kind_of(target_from_dkron("", {}, "")->target) == executor_kind::noop);
  CHECK(target_from_dkron("shell", {}, "echo from command")->target ==
        executor_target{shell_target{.command = "echo from command"}});
  auto kafka = target_from_dkron("kafka", {{"topic", "t"}}, "");
  REQUIRE_FALSE(kafka.ok());
  CHECK(kafka.status().message() == "executor: \"kafka\" is not available on this server (shell, http)");
}

TEST_CASE("targets other dialects wrote show as Dkron's executor and config") {
  auto http = dkron_config_of(http_target{"PUT", "http://127.0.0.1/x", {{"A", "1"}}, "b", {204}, "", false, "", "", false}, 2'500);
  CHECK(http == executor_config{{"method", "PUT"}, {"url", "http://127.0.0.1/x"}, {"headers", R"(["A: 1"])"},
                                {"body", "b"}, {"expectCode", "204"}, {"timeout", "3"}});
  CHECK(dkron_executor_of(http_target{}) == "http");
  auto shell = dkron_config_of(shell_target{"make", "", {{"A", "1"}}, "/srv"}, 90'000);
  CHECK(shell == executor_config{{"command", "make"}, {"shell", "true"}, {"cwd", "/srv"}, {"env", "A=1"},
                                 {"timeout", "1m30s"}});
  CHECK(dkron_config_of(shell_target{"cat", "", {}, "", "hi"}, 1'000).at("payload") == "aGk=");
  CHECK(dkron_executor_of(noop_target{}).empty());
  CHECK(dkron_executor_of(lua_target{}) == "lua");
}

TEST_CASE("a shell job's payload is base64 read as Go reads it, the bytes its command reads on stdin") {
  auto t = target_from_dkron("shell", {{"command", "cat"}, {"payload", "aGVs\nbG8="}}, "");
  REQUIRE(t.ok());
  CHECK(std::get<shell_target>(t->target).input == "hello");
  CHECK(std::get<shell_target>(target_from_dkron("shell", {{"command", "cat"}}, "")->target).input.empty());
  CHECK(target_from_dkron("shell", {{"command", "cat"}, {"payload", "hello"}}, "").status().message() ==
        "executor_config: payload: illegal base64 data at input byte 4");
}

TEST_CASE("a shell job's mem_limit is read as Dkron's parseMemoryLimit reads it") {
  CHECK(parse_dkron_memory_limit("").value() == 0);
  CHECK(parse_dkron_memory_limit("1048576").value() == 1'048'576);
  CHECK(parse_dkron_memory_limit("512MB").value() == 512LL << 20);
  CHECK(parse_dkron_memory_limit(" 1.5g ").value() == 3LL << 29);
  CHECK(parse_dkron_memory_limit("64k").value() == 64 << 10);
  CHECK(parse_dkron_memory_limit("2TB").value() == 2LL << 40);
  CHECK(parse_dkron_memory_limit("100bytes").value() == 100);
  CHECK(parse_dkron_memory_limit("0").status().message() == "memory limit must be greater than 0");
  CHECK(parse_dkron_memory_limit("-5").status().message() == "memory limit must be greater than 0");
  CHECK(parse_dkron_memory_limit("0MB").status().message() == "memory limit must be greater than 0");
  CHECK(parse_dkron_memory_limit("12XB").status().message() == "unsupported memory unit: XB (supported: B, KB, MB, GB, TB)");
  CHECK(parse_dkron_memory_limit("MB").status().message() == "invalid memory limit format: MB");
  CHECK(parse_dkron_memory_limit("1.2.3MB").status().message() == "invalid numeric value in memory limit: 1.2.3");
  CHECK(parse_dkron_memory_limit("99999999TB").status().message() == "memory limit too large or causes overflow");

  auto t = target_from_dkron("shell", {{"command", "make"}, {"mem_limit", "256MB"}}, "");
  REQUIRE(t.ok());
  CHECK(t->memory_limit_bytes == 256LL << 20);
  // Job.Validate's words (the shell plugin's "shell: Error parsing job memory limit" is never
  // reached: Dkron refuses the job first), before the payload, which Validate does not check.
  CHECK(target_from_dkron("shell", {{"command", "make"}, {"mem_limit", "lots"}}, "").status().message() ==
        "Error parsing job memory limit value: invalid memory limit format: LOTS");
  CHECK(target_from_dkron("shell", {{"command", "make"}, {"mem_limit", "0"}, {"payload", "!!"}}, "").status().message() ==
        "Error parsing job memory limit value: memory limit must be greater than 0");
}
