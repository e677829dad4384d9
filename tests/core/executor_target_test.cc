// The typed executor target: kinds and validation of each alternative's fields.
#include "core/executor_target.h"

#include <catch2/catch.hpp>

using namespace mainspring;

namespace {
std::string message_of(const executor_target& t) { return validate_target(t).message(); }
}  // namespace

TEST_CASE("the variant's alternatives follow executor_kind") {
  CHECK(kind_of(http_target{}) == executor_kind::http);
  CHECK(kind_of(shell_target{}) == executor_kind::shell);
  CHECK(kind_of(lua_target{}) == executor_kind::lua);
  CHECK(kind_of(remote_target{}) == executor_kind::remote);
  CHECK(kind_of(noop_target{}) == executor_kind::noop);
  CHECK(std::string(executor_kind_name(executor_kind::remote)) == "remote");
}

TEST_CASE("valid targets of every kind pass") {
  CHECK(validate_target(http_target{.method = "PUT", .url = "https://127.0.0.1/x",
                                    .headers = {{"Content-Type", "application/json"}},
                                    .body = "{}", .expect_codes = {201}})
            .ok());
  CHECK(validate_target(shell_target{"echo hi", "/bin/bash", {{"A", "1"}}, "/tmp"}).ok());
  CHECK(validate_target(lua_target{"function A() end"}).ok());
  CHECK(validate_target(remote_target{{"n1"}, "uptime"}).ok());
  CHECK(validate_target(noop_target{}).ok());
}

TEST_CASE("an HTTP target's URL, method, headers and expectations are checked") {
  CHECK(message_of(http_target{.url = "ftp://x/y"}).starts_with("request_url: needs an http://"));
  CHECK(message_of(http_target{.url = "http://a b/"}) ==
        "request_url: the URL contains spaces or control characters");
  CHECK(message_of(http_target{.url = "http://" + std::string(k_max_url_bytes, 'a')})
            .starts_with("request_url: longer than"));
  CHECK(message_of(http_target{.method = "get", .url = "http://127.0.0.1/"})
            .starts_with("executor_config: method must be"));
  CHECK(message_of(http_target{.url = "http://127.0.0.1/", .headers = {{"Bad Name", "x"}}})
            .starts_with("executor_config: a header name"));
  CHECK(message_of(http_target{.url = "http://127.0.0.1/", .headers = {{"X", "a\r\nInjected: 1"}}})
            .find("line break") != std::string::npos);
  CHECK(message_of(http_target{.url = "http://127.0.0.1/", .expect_codes = {42}})
            .starts_with("executor_config: expectCode"));
  name_value_list many(k_max_target_entries + 1, {"X", "1"});
  CHECK(message_of(http_target{.url = "http://127.0.0.1/", .headers = many}).starts_with("executor_config: more than"));
}

TEST_CASE("commands are required and bounded, env names are tokens") {
  CHECK(message_of(shell_target{}).starts_with("exec_command: required"));
  CHECK(message_of(shell_target{std::string(k_max_command_bytes + 1, 'x')}).starts_with("exec_command: longer than"));
  CHECK(message_of(shell_target{"true", "", {{"A=B", "1"}}, ""}).starts_with("executor_config: a environment variable name"));
  CHECK(message_of(shell_target{"true", "/bin/sh\n", {}, ""}).starts_with("executor_config: shell"));
  CHECK(validate_target(shell_target{"cat", "", {}, "", std::string(k_max_shell_input_bytes, '\0')}).ok());
  CHECK(message_of(shell_target{"cat", "", {}, "", std::string(k_max_shell_input_bytes + 1, 'x')})
            .starts_with("executor_config: payload: longer than"));
  CHECK(message_of(lua_target{}).starts_with("exec_command: required"));
  CHECK(message_of(remote_target{{}, "x"}) == "request_url: REMOTE@ needs at least one node id");
  CHECK(message_of(remote_target{{"a,b"}, "x"}).starts_with("request_url: bad node id"));
  // Ids no agent can register under (validate_node) are refused when the job is made.
  for (const char* never : {"bad-id", "w1;rm", "", "n.1"})
    CHECK(message_of(remote_target{{never}, "x"}).starts_with("request_url: bad node id"));
  CHECK(message_of(remote_target{{std::string(23, 'w')}, "x"}).starts_with("request_url: bad node id"));
  CHECK(validate_target(remote_target{{"w1", "build_2", std::string(22, 'w')}, "x"}).ok());
  // A placed job's list may also name nodes by address or host name (Cloudtask's servers).
  CHECK(validate_target(remote_target{{"10.0.0.7", "build-3.example.com", "fe80::1", "W1"}, "x", {}, true}).ok());
  for (const char* never : {"a,b", "", "a b", "caf\xc3\xa9"})
    CHECK(message_of(remote_target{{never}, "x", {}, true}).starts_with("request_url: bad server"));
  CHECK(message_of(remote_target{{"a"}, ""}).starts_with("exec_command: required"));
}

TEST_CASE("a shell or REMOTE@ command with a NUL byte is refused, as the shell would run it cut short, while Lua source may hold one") {
  using namespace std::string_literals;
  const std::string cut = "echo a\0; rm -rf x"s;
  CHECK(message_of(shell_target{cut}).starts_with("exec_command: has a NUL byte"));
  CHECK(message_of(remote_target{{"w1"}, cut}).starts_with("exec_command: has a NUL byte"));
  CHECK(message_of(remote_target{{}, cut, {}, true}).starts_with("exec_command: has a NUL byte"));
  CHECK(message_of(shell_target{"\0"s}).starts_with("exec_command: has a NUL byte"));
  CHECK(validate_target(lua_target{"return 'a\0b'"s}).ok());
  CHECK(validate_target(shell_target{"echo 'a\\0b' \x01"}).ok());  // the text \0 and other bytes are fine
}

TEST_CASE("the HTTP executor sends the usual methods, case-sensitive") {
  for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) CHECK(is_supported_http_method(m));
  for (const char* m : {"get", "TRACE", "CONNECT", ""}) CHECK_FALSE(is_supported_http_method(m));
}

TEST_CASE("an HTTP target's body patterns must compile as regular expressions and are bounded") {
  http_target t{.url = "http://127.0.0.1/"};
  t.success_match = "^\\{\"ok\":true\\}$";
  t.error_match = "(error|fail)ed";
  CHECK(validate_target(t).ok());
  t.success_match = "OK";  // plain text is a pattern too
  CHECK(validate_target(t).ok());

  t.success_match = "(unclosed";
  CHECK(message_of(t).starts_with("executor_config: success_match: "));
  t.success_match = "";
  t.error_match = "[z-a]";
  CHECK(message_of(t).starts_with("executor_config: error_match: "));
  t.error_match = std::string(k_max_http_match_bytes + 1, 'a');
  CHECK(message_of(t) == "executor_config: error_match: longer than " + std::to_string(k_max_http_match_bytes) + " bytes");
  t.error_match = std::string(k_max_http_match_bytes, 'a');
  CHECK(validate_target(t).ok());
}

TEST_CASE("expected statuses: what succeeds, how a list is written and read back") {
  CHECK(http_status_expected({}, 204));
  CHECK_FALSE(http_status_expected({}, 302));
  CHECK(http_status_expected({200, 206}, 206));
  CHECK_FALSE(http_status_expected({200, 206}, 204));
  CHECK(http_status_expected({k_any_http_status}, 503));
  CHECK(expect_codes_text({200, 206}) == "200,206");
  CHECK(expect_codes_text({}).empty());
  CHECK(parse_expect_codes_text("200,206") == std::vector<int>{200, 206});
  CHECK(parse_expect_codes_text("") == std::vector<int>{});
  CHECK(parse_expect_codes_text("-1") == std::vector<int>{k_any_http_status});
  CHECK_FALSE(parse_expect_codes_text("200,"));
  CHECK_FALSE(parse_expect_codes_text("200,,206"));
  CHECK_FALSE(parse_expect_codes_text("2x0"));
  CHECK(expected_statuses_text({200}) == "200");
  CHECK(expected_statuses_text({200, 201, 206}) == "200, 201 or 206");
  CHECK(validate_target(http_target{.url = "http://127.0.0.1/", .expect_codes = std::vector<int>(17, 200)})
            .message() == "executor_config: expectCode lists at most 16 statuses, got 17");
}
