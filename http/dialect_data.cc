#include "http/dialect_data.h"

#include <map>
#include <utility>

#include "core/json_depth.h"
#include "http/json_text.h"

namespace mainspring::http {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// What a new job's dialect data usually fits in (a Cronicle event's fields other than the job's).
constexpr std::size_t k_dialect_data_reserve = 512;

// The object in `data`, its keys in the order written; an empty object for anything else. The
// server wrote the text, from a body read within k_max_json_depth and nested deeper by the
// sections: no bound.
ordered_json parsed_object(const std::string& data) {
  if (data.empty()) return ordered_json::object();
  auto j = parse_ordered_json_within_depth(data, /*ignore_comments=*/false, nullptr, k_any_json_depth);
  return j.is_object() ? j : ordered_json::object();
}

// Appends `"key":value` as dump() writes an object's member.
template <class Json>
void append_member(std::string& out, std::string_view key, const Json& value) {
  append_json_string(out, key);
  out += ':';
  nlohmann::detail::serializer<Json> writer(nlohmann::detail::output_adapter<char>(out), ' ',
                                            Json::error_handler_t::replace);
  writer.dump(value, false, false, 0);
}

template <class Json>
std::string with_section(const std::string& data, std::string_view dialect, const Json& section) {
  const bool no_section = section.is_null() || (section.is_object() && section.empty());
  // The other dialects' sections by name (a new job has none: nothing to read).
  const ordered_json all = parsed_object(data);
  std::map<std::string_view, const ordered_json*> others;
  for (auto it = all.begin(); it != all.end(); ++it)
    if (it.key() != dialect) others.emplace(it.key(), &it.value());
  if (others.empty() && no_section) return {};
  std::string out;
  out.reserve(data.size() + k_dialect_data_reserve);
  out += '{';
  bool written = no_section;
  for (const auto& [name, other] : others) {
    if (!written && dialect < name) {
      append_member(out, dialect, section);
      out += ',';
      written = true;
    }
    append_member(out, name, *other);
    out += ',';
  }
  if (!written) append_member(out, dialect, section);
  else out.pop_back();  // the last comma
  out += '}';
  return out;
}

}  // namespace

json dialect_section(const std::string& data, std::string_view dialect) {
  if (data.empty()) return json::object();
  auto all = json::parse(data, nullptr, /*allow_exceptions=*/false);
  auto it = all.is_object() ? all.find(dialect) : all.end();
  return it == all.end() || !it->is_object() ? json::object() : *it;
}

ordered_json ordered_dialect_section(const std::string& data, std::string_view dialect) {
  auto all = parsed_object(data);
  auto it = all.find(dialect);
  return it == all.end() || !it->is_object() ? ordered_json::object() : std::move(*it);
}

std::string with_dialect_section(const std::string& data, std::string_view dialect, const json& section) {
  return with_section(data, dialect, section);
}

std::string with_dialect_section(const std::string& data, std::string_view dialect, const ordered_json& section) {
  return with_section(data, dialect, section);
}

}  // namespace mainspring::http
