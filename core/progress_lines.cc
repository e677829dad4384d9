#include "core/progress_lines.h"

#include <algorithm>

namespace mainspring {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<double> progress_of_line(std::string_view line) {
  std::size_t at = 0;
  while (at < line.size() && is_blank(line[at])) ++at;
  const std::size_t digits_at = at;
  int value = 0;  // capped at 100 as it is read: parseInt of any length, then min(100)
  while (at < line.size() && is_digit(line[at])) value = std::min(100, value * 10 + (line[at++] - '0'));
  if (at == digits_at || at == line.size() || line[at] != '%') return std::nullopt;
  for (++at; at < line.size(); ++at)
    if (!is_blank(line[at])) return std::nullopt;
  return value / 100.0;
}

void progress_lines::add(std::string_view bytes, std::string& output, std::optional<double>& progress,
                         std::string_view prefix) {
  while (!bytes.empty()) {
    const std::size_t end = bytes.find('\n');
    const std::size_t take = end == std::string_view::npos ? bytes.size() : end + 1;
    std::string_view part = bytes.substr(0, take);
    bytes.remove_prefix(take);
    const bool line_ends = end != std::string_view::npos;
    if (!passing_ && held_.size() + part.size() > k_max_held_line_bytes) {
      output += prefix;
      output += held_;  // too long to report progress: output, from here to the line's end
      held_.clear();
      passing_ = true;
    }
    if (passing_) {
      output += part;
    } else if (!line_ends) {
      held_ += part;
    } else {
      held_ += part;
      if (auto p = progress_of_line(held_)) progress = p;
      else output.append(prefix).append(held_);
      held_.clear();
    }
    if (line_ends) passing_ = false;
  }
}

void progress_lines::finish(std::string& output, std::optional<double>& progress, std::string_view prefix) {
  if (!held_.empty()) {
    if (auto p = progress_of_line(held_)) progress = p;
    else output.append(prefix).append(held_);
  }
  held_.clear();
  passing_ = false;
}

}  // namespace mainspring
