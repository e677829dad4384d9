// The native request_url + exec_command spelling of targets: read and written back.
#include "core/native_target.h"

#include <catch2/catch.hpp>

using namespace mainspring;

TEST_CASE("native targets are read from request_url and exec_command") {
  auto http = parse_native_target("HTTP@http://127.0.0.1:1/x", "ignored");
  REQUIRE(http.ok());
  REQUIRE(kind_of(*http) == executor_kind::http);
  CHECK(std::get<http_target>(*http) ==
        http_target{.method = "GET", .url = "http://127.0.0.1:1/x", .signed_query = true});
  auto lua = parse_native_target("lua@", "function Hello() end");
  REQUIRE(lua.ok());
  CHECK(std::get<lua_target>(*lua).source == "function Hello() end");
  auto remote = parse_native_target("REMOTE@n1,n2", "uptime");
  REQUIRE(remote.ok());
  CHECK(std::get<remote_target>(*remote) == remote_target{{"n1", "n2"}, "uptime"});
  // "*": one node per fire, from the group's allocation table; ids after it limit the choice.
  CHECK(std::get<remote_target>(parse_native_target("REMOTE@*", "uptime").value()) ==
        remote_target{{}, "uptime", {}, true});
  CHECK(std::get<remote_target>(parse_native_target("remote@*n1,n2", "uptime").value()) ==
        remote_target{{"n1", "n2"}, "uptime", {}, true});
  CHECK(std::get<remote_target>(parse_native_target("REMOTE@*10.0.0.7,build-3", "uptime").value()) ==
        remote_target{{"10.0.0.7", "build-3"}, "uptime", {}, true});
  CHECK(std::get<shell_target>(parse_native_target("", "echo").value()).command == "echo");
  CHECK(std::get<shell_target>(parse_native_target("SHELL@", "echo").value()).command == "echo");
  CHECK(kind_of(parse_native_target("NOOP@", "").value()) == executor_kind::noop);
}

TEST_CASE("bad native targets name request_url or exec_command") {
  CHECK(parse_native_target("", "").status().message() ==
        "exec_command: required for a shell job (request_url empty or SHELL@)");
  CHECK(parse_native_target("LUA@", "").status().message().starts_with("exec_command: required"));
  CHECK(parse_native_target("REMOTE@", "x").status().message() ==
        "request_url: REMOTE@ needs at least one node id (or * to place the job)");
  CHECK(parse_native_target("REMOTE@a", "").status().message().starts_with("exec_command: required"));
  CHECK(parse_native_target("SHELL@x", "echo").status().message().starts_with("request_url: SHELL@ takes no argument"));
  CHECK(parse_native_target("HTTP@ftp://x", "").status().message().starts_with("request_url: HTTP@ needs"));
  CHECK(parse_native_target("FTP@ftp://x", "").status().message().starts_with("request_url: unknown executor prefix"));
  CHECK(parse_native_target(std::string(k_max_url_bytes + 1, 'x'), "").status().message().starts_with(
      "request_url: longer than"));
}

TEST_CASE("every native target is written back as it was read") {
  for (auto [url, command] : {std::pair{"HTTP@http://127.0.0.1:1/x?a=b", ""}, std::pair{"", "echo hi"},
                              std::pair{"LUA@", "function A() end"}, std::pair{"REMOTE@a,b", "uptime"},
                              std::pair{"REMOTE@*", "uptime"}, std::pair{"REMOTE@*a,b", "uptime"},
                              std::pair{"NOOP@", ""}}) {
    auto target = parse_native_target(url, command);
    REQUIRE(target.ok());
    auto text = native_text_of(*target);
    CHECK(text.request_url == url);
    CHECK(text.exec_command == command);
  }
}

TEST_CASE("a target the native form cannot say in full keeps its URL or command") {
  auto text = native_text_of(http_target{.method = "POST", .url = "http://127.0.0.1:1/", .body = "x"});
  CHECK(text.request_url == "HTTP@http://127.0.0.1:1/");
  CHECK(text.exec_command.empty());
  text = native_text_of(shell_target{"make", "/bin/bash", {{"A", "1"}}, "/srv"});
  CHECK(text.request_url.empty());
  CHECK(text.exec_command == "make");
}
