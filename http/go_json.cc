#include "http/go_json.h"

#include <algorithm>
#include <cstdint>

#include "core/json_depth.h"

namespace mainspring::http {

using nlohmann::json;
using nlohmann::ordered_json;

go_json_members parse_members_in_order(const std::string& text) {
  go_json_members out;
  std::string key;
  bool too_deep = false;
  json::parser_callback_t collect = [&](int depth, json::parse_event_t event, json& parsed) {
    // Go reads 10,000 levels; nlohmann's copies recurse per level, so nothing beyond
    // k_max_json_depth is built (core/json_depth.h) and the whole text reads as no JSON.
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        static_cast<std::size_t>(depth) >= k_max_json_depth) {
      too_deep = true;
      return false;
    }
    if (depth != 1) return true;
    if (event == json::parse_event_t::key) key = parsed.get<std::string>();
    else if (event == json::parse_event_t::value || event == json::parse_event_t::object_end ||
             event == json::parse_event_t::array_end)
      out.members.emplace_back(key, parsed);
    return true;
  };
  out.value = json::parse(text, collect, /*allow_exceptions=*/false);
  if (too_deep) out.value = json(json::value_t::discarded);
  if (!out.value.is_object()) out.members.clear();  // an array's elements came as members too
  return out;
}

const char* go_json_kind(const json& value) {
  if (value.is_number()) return "number";
  if (value.is_boolean()) return "bool";
  return value.type_name();  // "string", "array", "object", "null"
}

namespace {

ordered_json ordered(const json& value, const struct_fields_of& fields_of, int depth) {
  switch (value.type()) {
    case json::value_t::object: {
      const std::span<const std::string_view> fields = fields_of(value, depth);
      ordered_json out = ordered_json::object();
      for (std::string_view field : fields)
        if (auto it = value.find(std::string(field)); it != value.end())
          out.emplace(std::string(field), ordered(*it, fields_of, depth + 1));
      for (const auto& [key, item] : value.items())  // the rest sorted (nlohmann keeps them so)
        if (std::find(fields.begin(), fields.end(), key) == fields.end())
          out.emplace(key, ordered(item, fields_of, depth + 1));
      return out;
    }
    case json::value_t::array: {
      ordered_json out = ordered_json::array();
      for (const auto& item : value) out.push_back(ordered(item, fields_of, depth == 0 ? 0 : depth + 1));
      return out;
    }
    case json::value_t::string: return value.get_ref<const std::string&>();
    case json::value_t::boolean: return value.get<bool>();
    case json::value_t::number_integer: return value.get<int64_t>();
    case json::value_t::number_unsigned: return value.get<uint64_t>();
    case json::value_t::number_float: return value.get<double>();
    default: return nullptr;  // null (answers hold no binary values)
  }
}

}  // namespace

ordered_json in_field_order(const json& value, const struct_fields_of& fields_of) {
  return ordered(value, fields_of, 0);
}

std::string go_escaped(std::string_view text, go_escape_style style) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {  // an escape nlohmann wrote: its next byte says which
      const char e = text[++i];
      if (style == go_escape_style::before_1_22 && (e == 'b' || e == 'f')) out += e == 'b' ? "\\u0008" : "\\u000c";
      else out += {'\\', e};
    } else if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' && (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace mainspring::http
