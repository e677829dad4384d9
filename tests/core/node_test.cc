// Tests of the worker node model: validation names the offending field.
#include "core/node.h"

#include <catch2/catch.hpp>
#include <string>

#include "core/job.h"

namespace mainspring {
namespace {

node_spec valid_node() {
  node_spec n;
  n.id = "worker_1";
  n.group = "YM55";
  n.hostname = "build-3.example.org";
  n.ip = "10.0.0.7";
  n.mac = "52:54:00:12:34:56";
  n.broadcast_addr = "10.0.0.255";
  n.grpc_listen = "10.0.0.7:9090";
  n.machine_code = "3f2a9c";
  n.otp_secret = "JBSWY3DPEHPK3PXP";
  n.registered_ms = 1'700'000'000'000;
  n.last_seen_ms = 1'700'000'005'000;
  return n;
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

TEST_CASE("a complete node is valid, and so is one that reported nothing about itself") {
  CHECK(validate_node(valid_node()).ok());
  node_spec bare;
  bare.group = "YM55";
  bare.id = "n1";
  CHECK(validate_node(bare).ok());
}

TEST_CASE("node validation names the offending field") {
  auto n = valid_node();
  SECTION("group") {
    n.group = "no spaces";
    CHECK(starts_with(validate_node(n).message(), "group_name:"));
  }
  SECTION("missing group") {
    n.group.clear();
    CHECK(starts_with(validate_node(n).message(), "group_name:"));
  }
  SECTION("missing id") {
    n.id.clear();
    CHECK(validate_node(n).message() == "node_id: required");
  }
  SECTION("id with a slash or a dash") {
    n.id = "a/b";
    CHECK(starts_with(validate_node(n).message(), "node_id: must match"));
    n.id = "worker-1";
    CHECK(starts_with(validate_node(n).message(), "node_id: must match"));
  }
  SECTION("id longer than a job id may be") {
    n.id = std::string(k_max_id_bytes, 'a');
    CHECK(validate_node(n).ok());
    n.id = std::string(k_max_id_bytes + 1, 'a');
    CHECK(starts_with(validate_node(n).message(), "node_id: must match"));
  }
  SECTION("negative times") {
    n.registered_ms = -1;
    CHECK(starts_with(validate_node(n).message(), "registered_ms:"));
    n.registered_ms = 0;
    n.last_seen_ms = -1;
    CHECK(starts_with(validate_node(n).message(), "last_seen_ms:"));
  }
  CHECK(validate_node(n).code() == status_code::invalid_argument);
}

TEST_CASE("every text field a node reports is bounded by k_max_node_field_bytes") {
  const std::string at_limit(k_max_node_field_bytes, 'x');
  const std::string over(k_max_node_field_bytes + 1, 'x');
  struct field {
    const char* name;
    std::string node_spec::*member;
  };
  for (const field f : {field{"hostname", &node_spec::hostname}, field{"ip", &node_spec::ip},
                        field{"mac", &node_spec::mac},
                        field{"broadcast_addr", &node_spec::broadcast_addr},
                        field{"grpc_listen", &node_spec::grpc_listen},
                        field{"machine_code", &node_spec::machine_code}}) {
    INFO(f.name);
    auto n = valid_node();
    n.*f.member = at_limit;
    CHECK(validate_node(n).ok());
    n.*f.member = over;
    status st = validate_node(n);
    CHECK(st.code() == status_code::invalid_argument);
    CHECK(st.message() == std::string(f.name) + ": longer than 256 bytes");
  }
}

TEST_CASE("a node's otp_secret must be base32 and never shows in the message") {
  auto n = valid_node();
  n.otp_secret = "";
  CHECK(validate_node(n).ok());  // not issued yet
  n.otp_secret = "jbswy3dpehpk3pxp====";
  CHECK(validate_node(n).ok());  // base32 is case-insensitive, padding allowed
  n.otp_secret = "NOT-BASE32-1890";
  status st = validate_node(n);
  CHECK(st.message() == "otp_secret: not base32");
  n.otp_secret = std::string(k_max_node_field_bytes + 1, 'A');
  CHECK(starts_with(validate_node(n).message(), "otp_secret: longer than"));
}

}  // namespace
}  // namespace mainspring
