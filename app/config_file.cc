#include "app/config_file.h"

#include <istream>
#include <iterator>
#include <sstream>

#include <CLI/CLI.hpp>

namespace mainspring {

namespace {

constexpr std::string_view k_blanks = " \t\r";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(k_blanks);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(k_blanks) - first + 1);
}

// The header of `line` without its comment, or `line` itself when it is no commented header.
std::string_view without_header_comment(std::string_view line) {
  const std::string_view trimmed = trim(line);
  if (trimmed.empty() || trimmed.front() != '[') return line;
  const auto hash = trimmed.find('#');
  if (hash == std::string_view::npos) return line;
  const std::string_view header = trim(trimmed.substr(0, hash));
  return header.size() >= 2 && header.back() == ']' ? header : line;
}

class toml_reader : public CLI::ConfigTOML {
 public:
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    const std::string text{std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>()};
    std::istringstream cleaned(strip_table_header_comments(text));
    return CLI::ConfigTOML::from_config(cleaned);
  }
};

}  // namespace

std::string strip_table_header_comments(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    out += without_header_comment(line);
    if (end == std::string_view::npos) break;
    out += '\n';
    text.remove_prefix(end + 1);
  }
  return out;
}

std::shared_ptr<CLI::Config> make_config_reader() { return std::make_shared<toml_reader>(); }

}  // namespace mainspring
