#include "core/executor_set.h"

namespace mainspring {

namespace {

constexpr executor_kind k_every_kind[] = {executor_kind::http, executor_kind::shell, executor_kind::lua,
                                          executor_kind::remote, executor_kind::noop};

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

executor_set executor_set::all() {
  executor_set set;
  for (auto kind : k_every_kind) set.insert(kind);
  return set;
}

std::string executor_set::to_string() const {
  std::string out;
  for (auto kind : k_every_kind) {
    if (!contains(kind)) continue;
    if (!out.empty()) out += ',';
    out += executor_kind_name(kind);
  }
  return out;
}

status_or<executor_set> parse_executor_set(std::string_view text) {
  executor_set set;
  while (true) {
    auto comma = text.find(',');
    auto name = trim(text.substr(0, comma));
    bool known = false;
    for (auto kind : k_every_kind) {
      if (name != executor_kind_name(kind)) continue;
      set.insert(kind);
      known = true;
    }
    if (!known)
      return status::invalid_argument("executors: unknown executor \"" + std::string(name.substr(0, 40)) +
                                      "\"; expected a comma-separated list of http, shell, lua, remote, noop");
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return set;
}

}  // namespace mainspring
