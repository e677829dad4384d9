// progress_lines: takes out of a command's stdout the lines that report its progress, as
// Cronicle's shellplug does: a line that is only a whole number and a percent sign (JavaScript's
// /^\s*(\d+)\%\s*$/, "42%", "  7 %" not) sets the run's progress to min(number, 100) / 100 and is
// not output; every other line is output as it came.
//
// Stdout then reaches the output a line at a time: a line is held until its '\n' (or the end of
// the stream), at most k_max_held_line_bytes of it (a longer one cannot be a progress line and is
// passed on at once). Each output line may start with a prefix of the caller's (Cronicle's
// `annotate`: "[2026-12-06 15:04:05] ", the time it was read).
//
// Example:
//   progress_lines lines;
//   std::string out;
//   std::optional<double> progress;
//   lines.add("step 1\n50%\nstep", out, progress);   // out "step 1\n", progress 0.5
//   lines.finish(out, progress);                      // out "step 1\nstep"
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mainspring {

// The longest line held back to see whether it reports progress. A progress line is a few bytes;
// the bound keeps a command printing one endless line from growing memory.
inline constexpr std::size_t k_max_held_line_bytes = 256;

// The progress a line reports, or nullopt when it is output.
std::optional<double> progress_of_line(std::string_view line);

class progress_lines {
 public:
  // Appends to `output` the bytes of `bytes` that are output, each line that starts being output
  // here after `prefix`, and sets `progress` to the last progress a completed line reported
  // (left as it was when none did).
  void add(std::string_view bytes, std::string& output, std::optional<double>& progress,
           std::string_view prefix = {});
  // The stream ended: the line still held is a line too.
  void finish(std::string& output, std::optional<double>& progress, std::string_view prefix = {});

 private:
  std::string held_;        // the current line, when it may still be a progress line
  bool passing_ = false;    // the current line was passed on (too long to be one)
};

}  // namespace mainspring
