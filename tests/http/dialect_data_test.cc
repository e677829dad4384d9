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

TEST_CASE("a new job's data is the text dump() gives for its one section, whatever the section holds") {
  const json sections[] = {
      json{{"owner", "ops"}},
      json{{"params", {{"script", "#!/bin/sh\necho \"hi\"\t\x01\n"}}}, {"timing", {{"years", {2099}}}}, {"n", 1.5}},
      json{{"bad utf-8", std::string("a\xff\xfe")}, {"list", {1, "two", nullptr, true}}},
  };
  for (const auto& section : sections) {
    json all = {{"cronicle", section}};
    CHECK(with_dialect_section("", "cronicle", section) ==
          all.dump(-1, ' ', false, json::error_handler_t::replace));
  }
  CHECK(with_dialect_section("", "cronicle", json::object()).empty());
  CHECK(with_dialect_section("", "cronicle", nullptr).empty());
}
