// shell_quote: a quoted text reads back from /bin/sh as it was, whatever it holds.
#include "core/shell_quote.h"

#include <cstdio>
#include <string>

#include <catch2/catch.hpp>

using namespace mainspring;

namespace {

// What /bin/sh prints for `printf '%s' <word>`.
std::string printed_by_sh(const std::string& word) {
  const std::string command = "printf '%s' " + word;
  FILE* out = popen(command.c_str(), "r");
  REQUIRE(out != nullptr);
  std::string text;
  char buffer[256];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, out)) > 0;) text.append(buffer, n);
  REQUIRE(pclose(out) == 0);
  return text;
}

}  // namespace

TEST_CASE("shell_quote: a single quote is closed, given in double quotes and opened again") {
  CHECK(shell_quote("") == "''");
  CHECK(shell_quote("plain") == "'plain'");
  CHECK(shell_quote("it's") == "'it'\"'\"'s'");
}

TEST_CASE("shell_quote: the shell reads the text back as it was: quotes, $, backslashes, globs, operators") {
  for (const std::string text : {"it's", "$HOME ${PATH}", "a\\b \\\"c\\\"", "* ? [a]", "x; rm -rf y | z && `id` $(id)",
                                 "''", "line\nbreak", " spaced  out "}) {
    INFO(text);
    CHECK(printed_by_sh(shell_quote(text)) == text);
  }
}
