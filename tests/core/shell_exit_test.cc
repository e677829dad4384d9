// shell_exit: a shell run's exit in words, and stderr's first line as Cronicle's shellplug takes
// it (stderr.trim().split("\n")[0], added when shorter than 256 characters).
#include "core/shell_exit.h"

#include <catch2/catch.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

using namespace mainspring;

namespace {

// The line of `chunks` fed one after another.
std::optional<std::string> first_line(std::initializer_list<std::string_view> chunks) {
  stderr_first_line first;
  for (auto chunk : chunks) first.add(chunk);
  return first.line();
}

}  // namespace

TEST_CASE("an exit code error names the code and, when given, stderr's line") {
  CHECK(exit_code_error(3, std::nullopt) == "exit code 3");
  CHECK(exit_code_error(2, "ls: x: No such file") == "exit code 2: ls: x: No such file");
  CHECK(exit_code_error(1, "") == "exit code 1: ");
}

TEST_CASE("a signal's error names the signal as Node does, and the stderr line after it") {
  CHECK(killed_by_signal_error(9, std::nullopt) == "killed by signal 9 (SIGKILL)");
  CHECK(killed_by_signal_error(15, "Terminated: x") == "killed by signal 15 (SIGTERM): Terminated: x");
  CHECK(killed_by_signal_error(99, std::nullopt) == "killed by signal 99");
  CHECK(signal_name(2) == "SIGINT");
  CHECK(signal_name(99) == "");
  CHECK(signal_of_error("killed by signal 9 (SIGKILL)") == 9);
  CHECK(signal_of_error("killed by signal 15 (SIGTERM): x") == 15);
  CHECK(signal_of_error("killed by signal 99") == 99);
  CHECK_FALSE(signal_of_error("exit code 9"));
  CHECK_FALSE(signal_of_error("killed by signal x"));
  CHECK_FALSE(signal_of_error("aborted: killed by signal 9"));
}

TEST_CASE("an exit's errors are told from the others") {
  CHECK(is_exit_error("exit code 3"));
  CHECK(is_exit_error("killed by signal 9 (SIGKILL): x"));
  CHECK_FALSE(is_exit_error("Disk full"));
  CHECK_FALSE(is_exit_error("spawn failed: posix_spawn: No such file or directory"));
  CHECK_FALSE(is_exit_error(""));
}

TEST_CASE("stderr_line_of reads the line back from an exit's error only") {
  CHECK(stderr_line_of("exit code 2: ls: x: No such file") == "ls: x: No such file");
  CHECK(stderr_line_of("exit code -1: odd") == "odd");
  CHECK(stderr_line_of("exit code 2") == "");
  CHECK(stderr_line_of("exit code : x") == "");
  CHECK(stderr_line_of("killed by signal 9 (SIGKILL): out of memory") == "out of memory");
  CHECK(stderr_line_of("killed by signal 99: no name") == "no name");
  CHECK(stderr_line_of("killed by signal 9 (SIGKILL)") == "");
  CHECK(stderr_line_of("timed out after 5 ms") == "");
  CHECK(stderr_line_of("aborted: exit code 1: x") == "");
}

TEST_CASE("the first line of stderr is taken after leading blanks, up to its newline") {
  CHECK(first_line({"oops\n"}) == "oops");
  CHECK(first_line({"\n\n  \toops: it broke\nsecond line\n"}) == "oops: it broke");
  CHECK(first_line({"no newline at all"}) == "no newline at all");
}

TEST_CASE("the line's end is trimmed only when nothing but blanks follows it, as trim() does") {
  CHECK(first_line({"err  \n"}) == "err");
  CHECK(first_line({"err \r\n  \n\t"}) == "err");
  CHECK(first_line({"err  \nmore"}) == "err  ");
  CHECK(first_line({"err\r\nmore\r\n"}) == "err\r");
}

TEST_CASE("the line is the same however stderr was split into reads") {
  const std::string whole = "  \nfirst part, second part\n\nthird\n";
  for (std::size_t cut = 0; cut <= whole.size(); ++cut) {
    INFO("cut at " << cut);
    CHECK(first_line({std::string_view(whole).substr(0, cut), std::string_view(whole).substr(cut)}) ==
          "first part, second part");
  }
  CHECK(first_line({"tail  ", "  ", "\n"}) == "tail");
  CHECK(first_line({"tail  ", "  ", "\n", "x"}) == "tail    ");
}

TEST_CASE("blank or empty stderr has no line") {
  CHECK(first_line({}) == std::nullopt);
  CHECK(first_line({""}) == std::nullopt);
  CHECK(first_line({" \n\t\r\n", "   "}) == std::nullopt);
}

TEST_CASE("a line of 256 characters or more is not taken, counted as JavaScript counts") {
  CHECK(first_line({std::string(255, 'a') + "\nrest"}) == std::string(255, 'a'));
  CHECK(first_line({std::string(256, 'a') + "\nrest"}) == std::nullopt);
  // 255 two-byte characters (510 bytes) are 255 characters; a four-byte one counts two.
  std::string accents;
  for (int i = 0; i < 255; ++i) accents += "\xC3\xA9";
  CHECK(first_line({accents}) == accents);
  std::string astral;
  for (int i = 0; i < 127; ++i) astral += "\xF0\x9F\x98\x80";
  CHECK(first_line({astral}) == astral);  // 254 units
  CHECK(first_line({astral + "\xF0\x9F\x98\x80"}) == std::nullopt);  // 256 units
  // Longer than any line that could pass: given up on, whatever comes after.
  CHECK(first_line({std::string(k_max_stderr_line_bytes + 1, 'x'), "\n"}) == std::nullopt);
  // Trailing blanks that the trim takes do not count.
  CHECK(first_line({std::string(250, 'a') + std::string(20, ' ')}) == std::string(250, 'a'));
}

TEST_CASE("stderr's start is kept for its Error Output report, then three dots") {
  stderr_head head;
  head.add("warn: a\n");
  head.add("warn: b\n");
  CHECK(head.text() == "warn: a\nwarn: b\n");
  stderr_head full;
  full.add(std::string(k_max_stderr_report_bytes - 2, 'e'));
  full.add("abcd");
  full.add("more");
  CHECK(full.text() == std::string(k_max_stderr_report_bytes - 2, 'e') + "ab...");
  stderr_head exact;
  exact.add(std::string(k_max_stderr_report_bytes, 'e'));
  CHECK(exact.text().size() == k_max_stderr_report_bytes);
  exact.add("x");
  CHECK(exact.text().ends_with("e..."));
}

TEST_CASE("the Error Output report is stderr in <pre>, its '<' escaped, trimmed, or none when blank") {
  CHECK(error_output_html("  <b>boom</b> & done\n\n") == "<pre>&lt;b>boom&lt;/b> & done</pre>");
  CHECK(error_output_html(" \n\t") == "");
  CHECK(error_output_html("") == "");
  CHECK(error_output_html("bad \xff byte") == "<pre>bad \xef\xbf\xbd byte</pre>");
}
