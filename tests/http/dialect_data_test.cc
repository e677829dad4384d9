// Each dialect's section of a job's dialect_data: read, replaced, removed, others kept.
#include "http/dialect_data.h"

#include <catch2/catch.hpp>

using namespace mainspring::http;
using nlohmann::json;
using nlohmann::ordered_json;

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
  CHECK(with_dialect_section(data, "native", json(nullptr)).empty());
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
  CHECK(with_dialect_section("", "cronicle", json(nullptr)).empty());
}

TEST_CASE("the sections stand in the order of their names, each dialect's written as dump() writes it") {
  std::string data = with_dialect_section("", "native", json{{"exec_command", "echo"}});
  data = with_dialect_section(data, "dkron", json{{"owner", "ops"}, {"tags", {{"b", "1"}, {"a", "2"}}}});
  data = with_dialect_section(data, "ndscheduler", json{{"pub_args", json::array()}});
  const json all = {{"native", {{"exec_command", "echo"}}},
                    {"dkron", {{"owner", "ops"}, {"tags", {{"b", "1"}, {"a", "2"}}}}},
                    {"ndscheduler", {{"pub_args", json::array()}}}};
  CHECK(data == all.dump());
  // Rewriting a section with what it held gives the same text.
  CHECK(with_dialect_section(data, "dkron", dialect_section(data, "dkron")) == data);
  CHECK(with_dialect_section(data, "native", json(nullptr)) == R"({"dkron":{"owner":"ops","tags":{"a":"2","b":"1"}},"ndscheduler":{"pub_args":[]}})");
}

TEST_CASE("an ordered section keeps its keys in their order, also when another dialect's section is written") {
  const ordered_json mine = ordered_json::parse(R"({"pub_args":[{"z":1,"a":{"y":2,"b":3}}],"job_class_string":"x"})");
  std::string data = with_dialect_section("", "ndscheduler", mine);
  CHECK(data == R"({"ndscheduler":{"pub_args":[{"z":1,"a":{"y":2,"b":3}}],"job_class_string":"x"}})");
  data = with_dialect_section(data, "native", json{{"exec_command", "echo"}});
  data = with_dialect_section(data, "dkron", json{{"owner", "ops"}});
  CHECK(data == R"({"dkron":{"owner":"ops"},"native":{"exec_command":"echo"},)"
                R"("ndscheduler":{"pub_args":[{"z":1,"a":{"y":2,"b":3}}],"job_class_string":"x"}})");
  CHECK(ordered_dialect_section(data, "ndscheduler").dump() == mine.dump());
  CHECK(ordered_dialect_section(data, "missing") == ordered_json::object());
  CHECK(ordered_dialect_section("not json", "ndscheduler") == ordered_json::object());
  // Read unordered, the same values.
  CHECK(dialect_section(data, "ndscheduler") == json(mine));
  // Replaced by an ordered section in another order, the new order.
  const ordered_json other = ordered_json::parse(R"({"pub_args":[{"a":{"b":3,"y":2},"z":1}]})");
  CHECK(ordered_dialect_section(with_dialect_section(data, "ndscheduler", other), "ndscheduler").dump() == other.dump());
}

TEST_CASE("a section nested deeper than a request body may be is read and written back whole") {
  const std::string deep = std::string(600, '[') + std::string(600, ']');
  const std::string data = R"({"ndscheduler":{"pub_args":)" + deep + "}}";
  CHECK(ordered_dialect_section(data, "ndscheduler")["pub_args"].is_array());
  CHECK(with_dialect_section(data, "native", json{{"exec_command", "echo"}}) ==
        R"({"native":{"exec_command":"echo"},"ndscheduler":{"pub_args":)" + deep + "}}");
}
