// progress_lines: takes out of a command's stdout the lines that report on its run, as
// Cronicle's shellplug does, and passes on the rest as output:
//
//   - a line that is only a whole number and a percent sign (JavaScript's /^\s*(\d+)\%\s*$/,
//     "42%"; "  7 %" is not one) sets the run's progress to min(number, 100) / 100;
//   - in JSON mode (Cronicle's `json` param), a line that is a JSON object (/^\s*\{.+\}\s*$/ and
//     parses) is a report. As Cronicle's handleChildResponse, each report sets the keys it has of
//     the ones Cronicle takes: "progress" (a number), "code" and "description" (the last ones
//     given), and perf, table, html, label, chain, chain_data, chain_params, chain_error,
//     notify_success and notify_fail, kept as given (`fields`; html's content cleaned by
//     core/html_sanitizer; update_event is dropped, as Cronicle drops it by default). The first
//     report with a truthy "complete" ends the run's reports: its code is the code reported last
//     (0 when falsy; an integer as it is, any other value 1); reports after it change nothing. A
//     line of that shape that does not parse, or nests deeper than k_max_json_depth
//     (core/json_depth.h), is output.
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
//   lines.add("step 1\n50%\n{\"perf\":{\"db\":1.5}}\n{\"complete\":1,\"code\":3,\"description\":\"disk full\"}\nst",
//             out, report);
//   // out "step 1\n", report.progress 0.5, report.completed, code 3, description "disk full",
//   // report.fields {"perf":{"db":1.5}}
//   lines.finish(out, report);                        // out "step 1\nst"
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mainspring {

// The longest line held back to see whether it reports progress. A progress line is a few bytes;
// the bound keeps a command printing one endless line from growing memory.
inline constexpr std::size_t k_max_held_line_bytes = 256;
// The same in JSON mode, where a report may carry more (a description, Cronicle's perf figures).
inline constexpr std::size_t k_max_held_json_line_bytes = 64 * 1024;
// The most a run's reported fields take, written as JSON: a key whose value would take them past
// it is not taken (each report is at most a held line, but a script may send many).
inline constexpr std::size_t k_max_reported_fields_bytes = 64 * 1024;

// What a command's stdout reported about its run.
struct stdout_report {
  std::optional<double> progress;  // the last progress reported, 0..1 for "NN%" lines
  bool completed = false;          // a JSON report said "complete" (JSON mode)
  int code = 0;                    // ... with this code (0: success)
  std::string description;         // the last description reported ("" when none was)
  nlohmann::json code_reported;    // the last code reported, as given (null when none was)
  // The other keys reported (perf, table, html, ...), as given; html also when falsy.
  nlohmann::json fields = nlohmann::json::object();
  bool sent_html = false;          // a report had a truthy "html" (Cronicle's shellplug's sent_html)
  uint32_t fields_changes = 0;     // reports that set one of `fields` so far (a caller's cue)
};

// What a run record keeps of a report (run_record::reported): a JSON object's text with
// report.fields, and once the run completed by its report, its "description" when it succeeded
// with one (a failure's is the run's error) and its "code" as given when the run's code is not
// that (a string, a fraction or a number past an int's range: the run's code is 1 then); "" when
// that object would be empty.
std::string reported_fields(const stdout_report& report, bool succeeded);

// A run's reported fields as reported_fields (and the runner) wrote them, read back: the object,
// or an empty one when `text` is not a JSON object.
nlohmann::json reported_object(std::string_view text);

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
