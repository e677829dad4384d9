// Unit tests of app/config_file: TOML table headers with a comment after them.
#include "app/config_file.h"

#include <sstream>

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>

using mainspring::make_config_reader;
using mainspring::strip_table_header_comments;

TEST_CASE("a comment after a table header is dropped, the header kept") {
  CHECK(strip_table_header_comments("[agent]  # read by mainspring agent\nx = 1\n") == "[agent]\nx = 1\n");
  CHECK(strip_table_header_comments("  [serve]\t#c") == "[serve]");
  CHECK(strip_table_header_comments("[[array]] # c\n") == "[[array]]\n");
}

TEST_CASE("lines that are no commented header are left as they were") {
  const std::string text =
      "# a comment line\n"
      "listen = \"127.0.0.1:8080\" # a comment after a value is CLI11's own business\n"
      "[serve]\n"
      "name = \"[x] # y\"\n"
      "[broken # no closing bracket before the comment\n"
      "\n";
  CHECK(strip_table_header_comments(text) == text);
  CHECK(strip_table_header_comments("") == "");
  CHECK(strip_table_header_comments("[a]") == "[a]");
}

TEST_CASE("the reader gives CLI11 the section of a commented header") {
  std::istringstream in("[serve]  # the server's flags\nlisten = \"127.0.0.1:9\"\n");
  const auto items = make_config_reader()->from_config(in);
  bool found = false;
  for (const auto& item : items) {
    if (item.name == "listen") {
      found = true;
      CHECK(item.parents == std::vector<std::string>{"serve"});
      REQUIRE(item.inputs.size() == 1);
      CHECK(item.inputs[0] == "127.0.0.1:9");
    }
  }
  CHECK(found);
}
