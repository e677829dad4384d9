#include "core/job.h"

#include <catch2/catch.hpp>

using namespace mainspring;

namespace {
job_spec valid_http_job() {
  job_spec j;
  j.group = "YM55";
  j.name = "Hello";
  j.schedule = "@every 5s";
  j.request_url = "HTTP@http://127.0.0.1:9999?test=yao";
  return j;
}
std::string message_of(const job_spec& j) { return validate_job(j).message(); }
}  // namespace

TEST_CASE("a complete job passes validation") {
  CHECK(validate_job(valid_http_job()).ok());
  auto shell = valid_http_job();
  shell.request_url = "";
  shell.exec_command = "echo hi";
  CHECK(validate_job(shell).ok());
}

TEST_CASE("ids and group names follow [a-zA-Z0-9_]{1,22}") {
  CHECK(is_valid_id("YM55"));
  CHECK(is_valid_id("a_b_1"));
  CHECK(is_valid_id(std::string(22, 'x')));
  CHECK_FALSE(is_valid_id(std::string(23, 'x')));
  CHECK_FALSE(is_valid_id(""));
  CHECK_FALSE(is_valid_id("a-b"));
  CHECK_FALSE(is_valid_id("a b"));
  CHECK(validate_group_name("").message() == "group_name: required");
  CHECK(validate_group_name("no-dash").message() ==
        "group_name: must match [a-zA-Z0-9_]{1,22}, got \"no-dash\"");
}

TEST_CASE("each bad field is named in the message") {
  auto j = valid_http_job();
  j.group = "";
  CHECK(message_of(j) == "group_name: required");
  j = valid_http_job();
  j.id = "bad id";
  CHECK(message_of(j).starts_with("job_id: "));
  j = valid_http_job();
  j.name = "";
  CHECK(message_of(j) == "name: required");
  j = valid_http_job();
  j.schedule = "";
  CHECK(message_of(j) == "interval_pattern: required");
  j = valid_http_job();
  j.schedule = "0 0 24 * * *";
  CHECK(message_of(j).starts_with("interval_pattern: "));
  j = valid_http_job();
  j.timezone = "Mars/Base";
  CHECK(message_of(j).starts_with("timezone: "));
  j = valid_http_job();
  j.exec_time_s = -1;
  CHECK(message_of(j).starts_with("exec_time: "));
  j.exec_time_s = k_max_exec_time_s + 1;
  CHECK(message_of(j).starts_with("exec_time: must not be later than the year 9999"));
  j = valid_http_job();
  j.request_url = "FTP@ftp://x";
  CHECK(message_of(j).starts_with("request_url: unknown executor prefix"));
  j = valid_http_job();
  j.request_url = "HTTP@not-a-url";
  CHECK(message_of(j).starts_with("request_url: HTTP@ needs"));
  j = valid_http_job();
  j.timeout_ms = 0;
  CHECK(message_of(j).starts_with("timeout: "));
  j = valid_http_job();
  j.retries = -1;
  CHECK(message_of(j).starts_with("retries: "));
  j = valid_http_job();
  j.memo = std::string(k_max_memo_bytes + 1, 'm');
  CHECK(message_of(j) == "memo: longer than 4096 bytes");
}

TEST_CASE("executor targets are decoded from request_url and exec_command") {
  auto http = parse_executor_target("HTTP@http://127.0.0.1:1/x", "");
  REQUIRE(http.ok());
  CHECK(http->kind == executor_kind::http);
  CHECK(http->url == "http://127.0.0.1:1/x");
  auto lua = parse_executor_target("LUA@", "function Hello() end");
  REQUIRE(lua.ok());
  CHECK(lua->kind == executor_kind::lua);
  auto remote = parse_executor_target("REMOTE@n1,n2", "uptime");
  REQUIRE(remote.ok());
  CHECK(remote->nodes == "n1,n2");
  CHECK(parse_executor_target("", "echo").value().kind == executor_kind::shell);
  CHECK(parse_executor_target("SHELL@", "echo").value().kind == executor_kind::shell);
  CHECK(parse_executor_target("NOOP@", "").value().kind == executor_kind::noop);
  CHECK(parse_executor_target("", "").status().message().starts_with("exec_command: required"));
  CHECK(parse_executor_target("LUA@", "").status().message().starts_with("exec_command: required"));
  CHECK(parse_executor_target("REMOTE@", "x").status().message() ==
        "request_url: REMOTE@ needs at least one node id");
}

TEST_CASE("policies parse from their names and refuse others") {
  CHECK(parse_concurrency_policy("forbid").value() == concurrency_policy::forbid);
  CHECK(parse_misfire_policy("all").value() == misfire_policy::all);
  CHECK(parse_misfire_policy("sometimes").status().message() ==
        "misfire: expected skip, once or all, got \"sometimes\"");
  CHECK_FALSE(parse_concurrency_policy("replace").ok());
}
