// progress_lines: a command's "NN%" stdout lines are its progress, as Cronicle's shellplug takes
// them (/^\s*(\d+)\%\s*$/), and every other line is output, whatever the reads' boundaries.
#include "core/progress_lines.h"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace mainspring;

namespace {

struct result {
  std::string output;
  std::optional<double> progress;
};

result feed(const std::vector<std::string_view>& chunks) {
  progress_lines lines;
  result r;
  for (auto chunk : chunks) lines.add(chunk, r.output, r.progress);
  lines.finish(r.output, r.progress);
  return r;
}

}  // namespace

TEST_CASE("a line of a number and a percent sign is progress, as Cronicle's pattern reads it") {
  CHECK(progress_of_line("50%") == 0.5);
  CHECK(progress_of_line("50%\n") == 0.5);
  CHECK(progress_of_line("  7%\r\n") == 0.07);
  CHECK(progress_of_line("\t0%  ") == 0.0);
  CHECK(progress_of_line("100%") == 1.0);
  CHECK(progress_of_line("250%") == 1.0);            // min(100, parseInt)
  CHECK(progress_of_line("99999999999999999999%") == 1.0);
  CHECK(progress_of_line("007%") == 0.07);
  CHECK_FALSE(progress_of_line("7 %"));
  CHECK_FALSE(progress_of_line("-5%"));
  CHECK_FALSE(progress_of_line("5.5%"));
  CHECK_FALSE(progress_of_line("%"));
  CHECK_FALSE(progress_of_line("50"));
  CHECK_FALSE(progress_of_line("50%%"));
  CHECK_FALSE(progress_of_line("done 50%"));
  CHECK_FALSE(progress_of_line(""));
}

TEST_CASE("progress lines leave the output, and the others stay, in order, with their newlines") {
  result r = feed({"step 1\n25%\nstep 2\n  75%  \nlast"});
  CHECK(r.output == "step 1\nstep 2\nlast");
  CHECK(r.progress == 0.75);
  result none = feed({"no progress here\n"});
  CHECK(none.output == "no progress here\n");
  CHECK_FALSE(none.progress);
  // A last line without its newline is a line too.
  CHECK(feed({"a\n40%"}).progress == 0.4);
  CHECK(feed({"a\n40%"}).output == "a\n");
}

TEST_CASE("the lines are the same however the stream was split into reads") {
  const std::string whole = "begin\n10%\nmiddle line\n 90%\nend\n";
  for (std::size_t cut = 0; cut <= whole.size(); ++cut)
    for (std::size_t cut2 = cut; cut2 <= whole.size(); cut2 += 3) {
      INFO("cuts at " << cut << ", " << cut2);
      std::string_view w(whole);
      result r = feed({w.substr(0, cut), w.substr(cut, cut2 - cut), w.substr(cut2)});
      CHECK(r.output == "begin\nmiddle line\nend\n");
      CHECK(r.progress == 0.9);
    }
}

TEST_CASE("a line longer than any progress line is passed on at once, not held") {
  progress_lines lines;
  std::string out;
  std::optional<double> progress;
  const std::string long_part(k_max_held_line_bytes + 10, 'x');
  lines.add(long_part, out, progress);
  CHECK(out == long_part);  // passed on before its end came
  lines.add("yy\n50%\n", out, progress);
  CHECK(out == long_part + "yy\n");
  CHECK(progress == 0.5);
  // Held while it may still be one.
  out.clear();
  lines.add("12", out, progress);
  CHECK(out.empty());
  lines.add("%\n", out, progress);
  CHECK(out.empty());
  CHECK(progress == 0.12);
}

TEST_CASE("each output line starts with the caller's prefix, and progress lines have none") {
  progress_lines lines;
  std::string out;
  std::optional<double> progress;
  lines.add("one\n50%\ntw", out, progress, "[t1] ");
  CHECK(out == "[t1] one\n");
  lines.add("o\n", out, progress, "[t2] ");  // the line is output when its end is read
  CHECK(out == "[t1] one\n[t2] two\n");
  const std::string long_line(k_max_held_line_bytes + 1, 'x');
  lines.add(long_line, out, progress, "[t3] ");
  lines.add("y\nlast", out, progress, "[t4] ");
  lines.finish(out, progress, "[t5] ");
  CHECK(out == "[t1] one\n[t2] two\n[t3] " + long_line + "y\n[t5] last");
  CHECK(progress == 0.5);
}
