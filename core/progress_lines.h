// progress_lines: takes out of a command's stdout the lines that report on its run, as
// Cronicle's shellplug does, and passes on the rest as output:
//
//   - a line that is only a whole number and a percent sign (JavaScript's /^\s*(\d+)\%\s*$/,
//     "42%"; "  7 %" is not one) sets the run's progress to min(number, 100) / 100;
//   - in JSON mode (Cronicle's `json` param), a line that is a JSON object (/^\s*\{.+\}\s*$/ and
//     parses) is a report: its "progress" (a number) sets the progress, and its first "complete"
//     (truthy) ends the run's reports with its "code" (0 when falsy; an integer as it is, any
//     other value 1) and "description"; reports after that one change nothing. A line of that
//     shape that does not parse is output.
//
// Stdout then reaches the output a line at a time: a line is held until its '\n' (or the end of
// the stream), at most k_max_held_line_bytes of it (k_max_held_json_line_bytes in JSON mode); a
// longer one cannot be a report and is passed on at once. Each output line may start with a
// prefix of the caller's (Cronicle's `annotate`: "[2026-12-06 15:04:05] ", the time it was read).
//
// Example:
//   progress_lines lines(/*json=*/true);
//   std::string out;
//   stdout_report report;
//   lines.add("step 1\n50%\n{\"complete\":1,\"code\":3,\"description\":\"disk full\"}\nst", out, report);
//   // out "step 1\n", report.progress 0.5, report.completed, code 3, description "disk full"
//   lines.finish(out, report);                        // out "step 1\nst"
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mainspring {

// The longest line held back to see whether it reports progress. A progress line is a few bytes;
// the bound keeps a command printing one endless line from growing memory.
inline constexpr std::size_t k_max_held_line_bytes = 256;
// The same in JSON mode, where a report may carry more (a description, Cronicle's perf figures).
inline constexpr std::size_t k_max_held_json_line_bytes = 64 * 1024;

// What a command's stdout reported about its run.
struct stdout_report {
  std::optional<double> progress;  // the last progress reported, 0..1 for "NN%" lines
  bool completed = false;          // a JSON report said "complete" (JSON mode)
  int code = 0;                    // ... with this code (0: success)
  std::string description;         // ... and this description ("" when it gave none)
};

// The progress a line reports, or nullopt when it is output.
std::optional<double> progress_of_line(std::string_view line);

class progress_lines {
 public:
  explicit progress_lines(bool json = false) : json_(json) {}

  // Appends to `output` the bytes of `bytes` that are output, each line that starts being output
  // here after `prefix`, and records in `report` what the completed lines reported.
  void add(std::string_view bytes, std::string& output, stdout_report& report, std::string_view prefix = {});
  // The stream ended: the line still held is a line too.
  void finish(std::string& output, stdout_report& report, std::string_view prefix = {});

 private:
  // A whole line (its '\n' included, when it has one): a report, or output.
  void take_line(std::string& output, stdout_report& report, std::string_view prefix);

  bool json_ = false;
  std::string held_;        // the current line, when it may still be a report
  bool passing_ = false;    // the current line was passed on (too long to be one)
};

}  // namespace mainspring
