// End to end: `mainspring serve --config FILE` reads serve's flags from a TOML file's [serve]
// section, the command line wins over it, and a file the server cannot use stops it at once with
// a message naming what is wrong.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/e2e/http_client.h"
#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/support/child_process.h"

using namespace mainspring::e2e;

namespace {

// A file in the temp dir, removed when the test ends.
struct temp_file {
  std::filesystem::path path;
  explicit temp_file(const std::string& name, const std::string& text)
      : path(std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + ".toml")) {
    std::ofstream(path) << text;
  }
  ~temp_file() { std::filesystem::remove(path); }
};

// The exit code of `mainspring serve <args>` on a free loopback port and a temp data dir
// (bounded wait; a server that started after all is killed: nullopt), its output in *log.
std::optional<int> exit_code_of(std::vector<std::string> args, std::string* log) {
  const std::string tag = std::to_string(::getpid());
  const std::string log_path = "/tmp/mainspring-config-test-" + tag + ".log";
  const std::string data_dir = "/tmp/mainspring-config-test-" + tag + "-data";
  args.insert(args.begin(), {std::getenv("MAINSPRING_BINARY"), "serve", "--listen",
                             "127.0.0.1:" + std::to_string(pick_free_port()), "--data-dir", data_dir});
  std::string error;
  pid_t pid = mainspring::testing::spawn_logged(args, log_path, &error);
  if (pid <= 0) return std::nullopt;
  auto code = mainspring::testing::wait_exit_until(pid, std::chrono::steady_clock::now() + 20s);
  if (!code) {
    ::kill(pid, SIGKILL);
    mainspring::testing::wait_exit_until(pid, std::chrono::steady_clock::now() + 10s);
  }
  *log = mainspring::testing::file_tail(log_path);
  std::filesystem::remove(log_path);
  std::filesystem::remove_all(data_dir);
  return code;
}

}  // namespace

TEST_CASE("serve takes its flags from a config file's [serve] section, the command line first") {
  const uint16_t dkron_port = pick_free_port();
  // listen and data-dir are given on the command line too (the harness's): those win.
  temp_file config("mainspring-serve", "# comments are fine\n[serve]\nlisten = \"127.0.0.1:1\"\n"
                                        "dkron-listen = \"127.0.0.1:" + std::to_string(dkron_port) + "\"\n"
                                        "timezone = \"Europe/Berlin\"\n"
                                        "allowed-origin = [\"http://ops.example\", \"http://dash.example\"]\n");
  server_process server({"--config", config.path.string()});
  native_api api(server.base_url());
  // The file's Dkron listener is up, and its default zone is the server's.
  http_client dkron("http://127.0.0.1:" + std::to_string(dkron_port));
  REQUIRE(dkron.get("/v1/").status == 200);
  api.register_group("G");
  const std::string id = api.add_job({{"group_name", "G"}, {"name", "n"}, {"interval_pattern", "@manually"},
                                      {"request_url", "NOOP@"}});
  CHECK(api.detail("G", id)["timezone"].get<std::string>().empty());  // none of its own: the default
  json fires = api.success(api.client.get("/v1/schedule/preview?pattern=@daily&count=1"));
  CHECK(fires["timezone"] == "Europe/Berlin");
  // Both origins of the list are allowed; another is not.
  for (const char* origin : {"http://ops.example", "http://dash.example"})
    CHECK(api.client.request("GET", "/v1/group/list", std::nullopt, "application/json", {std::string("Origin: ") + origin})
              .status == 200);
  CHECK(api.client.request("GET", "/v1/group/list", std::nullopt, "application/json", {"Origin: http://evil.example"})
            .status == 403);
}

TEST_CASE("a comment after a section header is TOML and is read as one, as in the README's example") {
  const uint16_t dkron_port = pick_free_port();
  // The README's example file: a comment after [agent], whose keys serve leaves to the agent.
  temp_file config("mainspring-header-comment",
                   "# mainspring serve --config /etc/mainspring.toml\n"
                   "[serve]   # the server's flags\n"
                   "dkron-listen = \"127.0.0.1:" + std::to_string(dkron_port) + "\"\n"
                   "timezone = \"Europe/Berlin\"\n"
                   "\n"
                   "[agent]          # read by `mainspring agent --config ...`\n"
                   "server = \"127.0.0.1:7070\"\n");
  server_process server({"--config", config.path.string()});
  http_client dkron("http://127.0.0.1:" + std::to_string(dkron_port));
  CHECK(dkron.get("/v1/").status == 200);
  native_api api(server.base_url());
  json fires = api.success(api.client.get("/v1/schedule/preview?pattern=@daily&count=1"));
  CHECK(fires["timezone"] == "Europe/Berlin");
}

TEST_CASE("a config file the server cannot use stops it at once, naming what is wrong") {
  std::string log;
  auto missing = exit_code_of({"--config", "/nonexistent/mainspring.toml"}, &log);
  REQUIRE(missing);
  CHECK(*missing != 0);
  CHECK(log.find("/nonexistent/mainspring.toml") != std::string::npos);

  temp_file typo("mainspring-typo", "[serve]\nlisten-address = \"127.0.0.1:8080\"\n");
  auto unknown = exit_code_of({"--config", typo.path.string()}, &log);
  REQUIRE(unknown);
  CHECK(*unknown != 0);
  CHECK(log.find("listen-address") != std::string::npos);

  temp_file wrong("mainspring-wrong", "[serve]\nthreads = \"many\"\n");
  auto bad_value = exit_code_of({"--config", wrong.path.string()}, &log);
  REQUIRE(bad_value);
  CHECK(*bad_value != 0);
  CHECK(log.find("threads") != std::string::npos);
}

TEST_CASE("MAINSPRING_CONFIG names the config file when --config does not") {
  const uint16_t dkron_port = pick_free_port();
  temp_file config("mainspring-env", "[serve]\ndkron-listen = \"127.0.0.1:" + std::to_string(dkron_port) + "\"\n");
  ::setenv("MAINSPRING_CONFIG", config.path.c_str(), 1);
  struct unset {
    ~unset() { ::unsetenv("MAINSPRING_CONFIG"); }
  } later;
  server_process server;
  http_client dkron("http://127.0.0.1:" + std::to_string(dkron_port));
  CHECK(dkron.get("/v1/").status == 200);
  // A file it names that is not there is an error, not an empty configuration.
  ::setenv("MAINSPRING_CONFIG", "/nonexistent/from-env.toml", 1);
  std::string log;
  auto code = exit_code_of({}, &log);
  REQUIRE(code);
  CHECK(*code != 0);
  CHECK(log.find("/nonexistent/from-env.toml") != std::string::npos);
}
