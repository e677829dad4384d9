// shell_exit: what a shell run's error says about how the command ended, written by the shell
// runner and read back by the dialects that word it their own way.
//
//   "exit code 3"                  it exited with 3
//   "exit code 3: ls: x: No such"  ... and its stderr, read on a pipe of its own
//                                  (shell_target::stderr_apart), began with that line
//   "killed by signal 9 (SIGKILL)" a signal ended it (": <line>" may follow as well)
//
// The line is Cronicle's: its shellplug appends to a failed job's description the first line of
// the script's stderr, trimmed, when that line is shorter than 256 characters ("Script exited
// with code: 3: ls: x: No such file or directory"). stderr_first_line finds it in stderr as it
// arrives, keeping only that line's bytes.
//
// Cronicle's shellplug also shows a job's stderr as an HTML report, "Error Output" (when the
// script sent no html report of its own): stderr_head keeps its start, error_output_html writes it.
//
// Example:
//   stderr_first_line first;
//   first.add("  ls: x: No such file or directory\nmore\n");
//   run.error = exit_code_error(3, first.line());      // "exit code 3: ls: x: No such ..."
//   stderr_line_of(run.error);                          // "ls: x: No such file or directory"
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mainspring {

// Bytes of stderr's first line kept while looking for its end: a line of fewer than 256
// characters (UTF-16 units, as JavaScript counts) has at most 3 * 255 bytes of UTF-8, so a
// longer one is too long whatever follows.
inline constexpr std::size_t k_max_stderr_line_bytes = 1024;
// Cronicle adds the line only when it is shorter than this (JavaScript string length).
inline constexpr std::size_t k_stderr_line_max_units = 256;

// "exit code <code>", then ": <line>" when `stderr_line` is set.
std::string exit_code_error(int code, const std::optional<std::string>& stderr_line);

// "killed by signal <sig> (SIG<NAME>)" (without the name for a number the C library has none
// for), then ": <line>" when `stderr_line` is set.
std::string killed_by_signal_error(int sig, const std::optional<std::string>& stderr_line);

// "SIGKILL" for 9, as Node names the signal that ended a child; "" for a number without a name.
std::string signal_name(int sig);

// The signal an error of killed_by_signal_error names, or nullopt for any other error.
std::optional<int> signal_of_error(std::string_view error);

// True for an error of exit_code_error or killed_by_signal_error: the command's exit said it.
bool is_exit_error(std::string_view error);

// The stderr line an error of exit_code_error or killed_by_signal_error holds, or "" when it
// holds none (or is another error).
std::string_view stderr_line_of(std::string_view error);

// Follows a run's stderr as it is read and answers the first line of it as Cronicle's
// shellplug takes it: stderr.trim().split("\n")[0], only when stderr has a non-blank
// character and the line has fewer than 256 UTF-16 units. Trimming skips ASCII whitespace
// (JavaScript's trim also skips Unicode spaces, which a script's stderr seldom starts with).
class stderr_first_line {
 public:
  // Takes the next bytes of stderr.
  void add(std::string_view bytes);
  // The line so far, if stderr ended here; nullopt when there is none or it is too long.
  std::optional<std::string> line() const;

 private:
  std::string line_;       // from the first non-blank byte, up to the first '\n' after it
  bool line_ended_ = false;  // the '\n' after it was seen
  bool text_after_ = false;  // a non-blank byte came after that '\n'
  bool too_long_ = false;    // line_ passed k_max_stderr_line_bytes before its end
};

// The most of a run's stderr kept for its "Error Output" report, as Cronicle's shellplug keeps
// 32K of it.
inline constexpr std::size_t k_max_stderr_report_bytes = 32 * 1024;

// Keeps the first k_max_stderr_report_bytes of a run's stderr, then "..." once more came.
class stderr_head {
 public:
  void add(std::string_view bytes);
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// Cronicle's shellplug's "Error Output" content: "<pre>" + stderr with each '<' as "&lt;",
// trimmed, + "</pre>", in valid UTF-8; "" when stderr has no non-blank character (no report).
std::string error_output_html(std::string_view stderr_text);

}  // namespace mainspring
