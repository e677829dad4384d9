#include "core/shell_exit.h"

namespace mainspring {
namespace {

constexpr std::string_view k_exit_code = "exit code ";

// JavaScript's String.prototype.trim() on ASCII.
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

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

std::string_view stderr_line_of(std::string_view error, int code) {
  const std::string head = exit_code_error(code, std::nullopt) + ": ";
  if (!error.starts_with(head)) return {};
  return error.substr(head.size());
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

}  // namespace mainspring
