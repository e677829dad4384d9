// Tests of `mainspring agent`'s configuration: the secret never comes from the command line, and
// bad flags are refused naming the flag.
#include "agent/agent_config.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include <catch2/catch.hpp>

using namespace mainspring;

namespace {

agent_config valid_config() {
  agent_config cfg;
  cfg.server = "127.0.0.1:7070";
  cfg.group = "YM55";
  cfg.node_id = "w1";
  cfg.tags = {"rack=a", "gpu"};
  return cfg;
}

// The agent takes the secret out of its environment on every call, so each call sets it again.
status finish_with_secret(agent_config& cfg) {
  ::setenv(k_group_secret_env, "S", 1);
  return finish_agent_config(cfg);
}

}  // namespace

TEST_CASE("the agent reads the group's secret from the environment, trimmed") {
  ::setenv(k_group_secret_env, "  SECRETVALUE\n", 1);
  agent_config cfg = valid_config();
  REQUIRE(finish_agent_config(cfg).ok());
  CHECK(cfg.secret == "SECRETVALUE");
  CHECK(cfg.server_host == "127.0.0.1");
  CHECK(cfg.server_port == 7070);
  // Gone from the environment once read: no command the agent spawns can inherit it.
  CHECK(std::getenv(k_group_secret_env) == nullptr);
  ::unsetenv(k_group_secret_env);
}

TEST_CASE("the agent reads the group's secret from --secret-file, which wins over the environment") {
  ::setenv(k_group_secret_env, "FROMENV", 1);
  std::string path = "/tmp/mainspring-agent-secret-" + std::to_string(::getpid());
  std::ofstream(path) << "FROMFILE\n";
  agent_config cfg = valid_config();
  cfg.secret_file = path;
  REQUIRE(finish_agent_config(cfg).ok());
  CHECK(cfg.secret == "FROMFILE");
  CHECK(std::getenv(k_group_secret_env) == nullptr);  // unused, and gone all the same
  ::unlink(path.c_str());
  cfg.secret_file = path;  // now missing
  auto st = finish_agent_config(cfg);
  CHECK(st.message().find("--secret-file") != std::string::npos);
  ::unsetenv(k_group_secret_env);
}

TEST_CASE("an agent without a secret, or with bad flags, is refused naming what is wrong") {
  ::unsetenv(k_group_secret_env);
  agent_config cfg = valid_config();
  CHECK(finish_agent_config(cfg).message().find(k_group_secret_env) != std::string::npos);

  cfg = valid_config();
  cfg.server = "nohost";
  CHECK(finish_with_secret(cfg).message().find("--server") != std::string::npos);
  CHECK(std::getenv(k_group_secret_env) == nullptr);  // gone also when a flag is refused
  cfg = valid_config();
  cfg.server = "127.0.0.1:99999";
  CHECK(finish_with_secret(cfg).message().find("--server") != std::string::npos);
  cfg = valid_config();
  cfg.node_id = "bad id!";
  CHECK(finish_with_secret(cfg).message().rfind("--node-id", 0) == 0);
  cfg = valid_config();
  cfg.group = "";
  CHECK(finish_with_secret(cfg).message().rfind("--group", 0) == 0);
  cfg = valid_config();
  cfg.tls_cert = "c.pem";
  CHECK(finish_with_secret(cfg).message().find("--node-tls-key") != std::string::npos);
  cfg = valid_config();
  cfg.server = "[::1]:7070";
  REQUIRE(finish_with_secret(cfg).ok());
  CHECK(cfg.server_host == "::1");
  ::unsetenv(k_group_secret_env);
}

TEST_CASE("the address and host name an agent reports may be given, an address only as an IP") {
  agent_config cfg = valid_config();
  cfg.advertise_ip = "10.0.0.7";
  cfg.hostname = "build-3.example.com";
  CHECK(finish_with_secret(cfg).ok());
  cfg.advertise_ip = "fe80::1";
  CHECK(finish_with_secret(cfg).ok());
  cfg.advertise_ip = "build-3";
  CHECK(finish_with_secret(cfg).message().starts_with("--advertise-ip: not an IPv4 or IPv6 address"));
  cfg = valid_config();
  cfg.hostname = "two words";
  CHECK(finish_with_secret(cfg).message().starts_with("--hostname:"));
  ::unsetenv(k_group_secret_env);
}
