// config_file: the reader of `--config FILE`, CLI11's TOML reader with one gap closed.
//
// CLI11 2.1 takes a line as a table header only when it ends in ']', so a header with a comment
// after it (`[agent]  # read by mainspring agent`), which TOML allows, is read as a key named
// after the whole line and refused ("INI was not able to parse serve.[agent]"). This reader drops
// such a comment before CLI11 sees the line; everything else is CLI11's.
//
// Example:
//   app.set_config("--config", ...);
//   app.config_formatter(make_config_reader());
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace CLI {
class Config;
}

namespace mainspring {

// `text` with the comment after each table header removed ("[serve] # x" -> "[serve]"); every
// other line as it was. A header is a line whose first non-blank character is '[' and whose text
// before its first '#' ends in ']'.
std::string strip_table_header_comments(std::string_view text);

// CLI11's TOML reader over strip_table_header_comments of the file.
std::shared_ptr<CLI::Config> make_config_reader();

}  // namespace mainspring
