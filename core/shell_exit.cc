#include "core/shell_exit.h"

#include <string.h>  // sigabbrev_np

#include "core/ascii_text.h"
#include "core/utf8.h"

namespace mainspring {
namespace {

constexpr std::string_view k_exit_code = "exit code ";
constexpr std::string_view k_killed_by_signal = "killed by signal ";
constexpr std::string_view k_line_separator = ": ";

// The length of the digits (after an optional '-' when `sign`) `text` starts with; 0 if none.
std::size_t number_length(std::string_view text, bool sign) {
  std::size_t at = sign && text.starts_with('-') ? 1 : 0;
  const std::size_t digits_at = at;
  while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
  return at == digits_at ? 0 : at;
}

// What follows ": " at the start of `rest`, or "".
std::string_view line_after(std::string_view rest) {
  return rest.starts_with(k_line_separator) ? rest.substr(k_line_separator.size()) : std::string_view();
}

// The length JavaScript gives `utf8`: one unit per code point, two for those past U+FFFF (a
// four-byte sequence). A stray byte Node decodes as U+FFFD, one unit, as here.
std::size_t utf16_units(std::string_view utf8) {
  std::size_t units = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    units += c >= 0xF0 ? 2 : 1;
  }
  return units;
}

}  // namespace

std::string exit_code_error(int code, const std::optional<std::string>& stderr_line) {
  std::string out(k_exit_code);
  out += std::to_string(code);
  if (stderr_line) {
    out += ": ";
    out += *stderr_line;
  }
  return out;
}

std::string killed_by_signal_error(int sig, const std::optional<std::string>& stderr_line) {
  std::string out(k_killed_by_signal);
  out += std::to_string(sig);
  if (std::string name = signal_name(sig); !name.empty()) out += " (" + name + ")";
  if (stderr_line) {
    out += k_line_separator;
    out += *stderr_line;
  }
  return out;
}

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : std::string();
}

std::optional<int> signal_of_error(std::string_view error) {
  if (!error.starts_with(k_killed_by_signal)) return std::nullopt;
  std::string_view rest = error.substr(k_killed_by_signal.size());
  const std::size_t length = number_length(rest, false);
  if (length == 0 || length > 3) return std::nullopt;
  int sig = 0;
  for (char c : rest.substr(0, length)) sig = sig * 10 + (c - '0');
  return sig;
}

bool is_exit_error(std::string_view error) {
  return error.starts_with(k_exit_code) || error.starts_with(k_killed_by_signal);
}

std::string_view stderr_line_of(std::string_view error) {
  if (error.starts_with(k_exit_code)) {
    std::string_view rest = error.substr(k_exit_code.size());
    const std::size_t length = number_length(rest, true);
    return length ? line_after(rest.substr(length)) : std::string_view();
  }
  if (!error.starts_with(k_killed_by_signal)) return {};
  std::string_view rest = error.substr(k_killed_by_signal.size());
  const std::size_t length = number_length(rest, false);
  if (length == 0) return {};
  rest.remove_prefix(length);
  if (rest.starts_with(" (")) {
    const std::size_t close = rest.find(')');
    if (close == std::string_view::npos) return {};
    rest.remove_prefix(close + 1);
  }
  return line_after(rest);
}

void stderr_first_line::add(std::string_view bytes) {
  if (too_long_ || text_after_) return;  // settled: nothing further changes the line
  for (char c : bytes) {
    if (line_ended_) {
      if (!is_blank(c)) {
        text_after_ = true;
        return;  // nothing after this changes the line
      }
    } else if (c == '\n' && !line_.empty()) {
      line_ended_ = true;
    } else if (line_.empty() && is_blank(c)) {
      // leading blanks (the trim)
    } else if (line_.size() == k_max_stderr_line_bytes) {
      too_long_ = true;
      return;
    } else {
      line_ += c;
    }
  }
}

std::optional<std::string> stderr_first_line::line() const {
  if (too_long_ || line_.empty()) return std::nullopt;
  std::string_view shown = line_;
  // The trim also takes the end of the line when nothing but blanks follows it.
  if (!text_after_)
    while (!shown.empty() && is_blank(shown.back())) shown.remove_suffix(1);
  if (utf16_units(shown) >= k_stderr_line_max_units) return std::nullopt;
  return std::string(shown);
}

void stderr_head::add(std::string_view bytes) {
  if (text_.size() >= k_max_stderr_report_bytes) {
    if (!bytes.empty() && !text_.ends_with("...")) text_ += "...";
    return;
  }
  const std::size_t room = k_max_stderr_report_bytes - text_.size();
  text_.append(bytes.substr(0, room));
  if (bytes.size() > room) text_ += "...";
}

std::string error_output_html(std::string_view stderr_text) {
  const std::string text = utf8_prefix(stderr_text, stderr_text.size());
  std::string_view shown = trim_blanks(text);
  if (shown.empty()) return {};
  std::string html = "<pre>";
  for (char c : shown) {
    if (c == '<') html += "&lt;";
    else html += c;
  }
  return html + "</pre>";
}

}  // namespace mainspring
