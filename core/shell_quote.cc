#include "core/shell_quote.h"

namespace mainspring {

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\"'\"'";
    else out += c;
  }
  return out + "'";
}

}  // namespace mainspring
