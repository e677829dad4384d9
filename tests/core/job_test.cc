#include "core/job.h"

#include <catch2/catch.hpp>

using namespace mainspring;

namespace {
job_spec valid_http_job() {
  job_spec j;
  j.group = "YM55";
  j.name = "Hello";
  j.schedule = "@every 5s";
  j.target = http_target{.url = "http://127.0.0.1:9999?test=yao", .signed_query = true};
  return j;
}
std::string message_of(const job_spec& j) { return validate_job(j).message(); }
}  // namespace

TEST_CASE("a complete job passes validation") {
  CHECK(validate_job(valid_http_job()).ok());
  auto shell = valid_http_job();
  shell.target = shell_target{.command = "echo hi"};
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
  j.exec_time_s = -2;
  CHECK(message_of(j).starts_with("exec_time: "));
  j.exec_time_s = k_first_fire_by_schedule;  // Dkron's start: the schedule's next fire
  CHECK(validate_job(j).ok());
  j.exec_time_s = k_max_exec_time_s + 1;
  CHECK(message_of(j).starts_with("exec_time: must not be later than the year 9999"));
  j = valid_http_job();
  j.target = http_target{.url = "not-a-url"};
  CHECK(message_of(j).starts_with("request_url: needs an http:// or https:// URL"));
  j = valid_http_job();
  j.target = shell_target{};
  CHECK(message_of(j).starts_with("exec_command: required"));
  j = valid_http_job();
  j.parent_job = "bad parent";
  CHECK(message_of(j).starts_with("parent_job: "));
  j = valid_http_job();
  j.id = "self";
  j.parent_job = "self";
  CHECK(message_of(j) == "parent_job: a job cannot be its own parent");
  j = valid_http_job();
  j.expires_at_ms = -1;
  CHECK(message_of(j).starts_with("expires_at: "));
  j = valid_http_job();
  j.dialect_data = std::string(k_max_dialect_data_bytes + 1, 'd');
  CHECK(message_of(j).starts_with("dialect_data: longer than"));
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

TEST_CASE("job ids of any dialect follow [a-zA-Z0-9_.-]{1,128}") {
  CHECK(is_valid_job_id("my-job.v2_1"));
  CHECK(is_valid_job_id(std::string(128, 'x')));
  CHECK_FALSE(is_valid_job_id(std::string(129, 'x')));
  CHECK_FALSE(is_valid_job_id(""));
  CHECK_FALSE(is_valid_job_id("."));
  CHECK_FALSE(is_valid_job_id(".."));
  CHECK_FALSE(is_valid_job_id("a/b"));
  CHECK_FALSE(is_valid_job_id("a b"));
  auto j = valid_http_job();
  j.id = "dkron-style.name";
  CHECK(validate_job(j).ok());
}

TEST_CASE("a patch replaces the fields it sets, then runs the dialect's edit") {
  job_patch patch;
  patch.name = "renamed";
  patch.target = noop_target{};
  patch.ephemeral = true;
  patch.edit = [](job_spec& j) {
    j.memo = j.name + " edited";
    return status{};
  };
  auto out = apply_patch(valid_http_job(), patch);
  REQUIRE(out.ok());
  CHECK(out->name == "renamed");
  CHECK(kind_of(out->target) == executor_kind::noop);
  CHECK(out->ephemeral);
  CHECK(out->memo == "renamed edited");
  patch.edit = [](job_spec&) { return status::invalid_argument("exec_command: no"); };
  CHECK(apply_patch(valid_http_job(), patch).status().message() == "exec_command: no");
}

namespace mainspring {
namespace {

TEST_CASE("a run's own fields are checked against the job's ranges") {
  CHECK(validate_override({}).ok());
  run_override change;
  change.retries = 3;
  change.retry_delay_ms = 0;
  change.timeout_ms = 1000;
  CHECK(validate_override(change).ok());
  change.retries = k_max_retries + 1;
  CHECK(validate_override(change).message() == "retries: must be between 0 and " + std::to_string(k_max_retries));
  change.retries.reset();
  change.retry_delay_ms = -1;
  CHECK(validate_override(change).message().starts_with("retry_delay:"));
  change.retry_delay_ms.reset();
  change.timeout_ms = 0;
  CHECK(validate_override(change).message().starts_with("timeout:"));
  change.timeout_ms.reset();
  change.target = http_target{.url = "ftp://x"};
  CHECK(validate_override(change).message().starts_with("request_url:"));
}

}  // namespace
}  // namespace mainspring
