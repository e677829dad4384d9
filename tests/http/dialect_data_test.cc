// Each dialect's section of a job's dialect_data: read, replaced, removed, others kept.
#include "http/dialect_data.h"

#include <catch2/catch.hpp>

using namespace mainspring::http;
using nlohmann::json;

TEST_CASE("a dialect's section is an empty object until set") {
  CHECK(dialect_section("", "dkron") == json::object());
  CHECK(dialect_section("not json", "dkron") == json::object());
  CHECK(dialect_section("[1]", "dkron") == json::object());
  CHECK(dialect_section(R"({"dkron":"text"})", "dkron") == json::object());
  CHECK(dialect_section(R"({"dkron":{"owner":"ops"}})", "dkron") == json{{"owner", "ops"}});
}

TEST_CASE("setting one dialect's section keeps the others, and an empty one is removed") {
  std::string data = with_dialect_section("", "dkron", json{{"owner", "ops"}});
  CHECK(json::parse(data) == json{{"dkron", {{"owner", "ops"}}}});
  data = with_dialect_section(data, "native", json{{"exec_command", "echo"}});
  CHECK(dialect_section(data, "dkron") == json{{"owner", "ops"}});
  CHECK(dialect_section(data, "native") == json{{"exec_command", "echo"}});
  data = with_dialect_section(data, "dkron", json::object());
  CHECK(json::parse(data) == json{{"native", {{"exec_command", "echo"}}}});
  CHECK(with_dialect_section(data, "native", nullptr).empty());
}
