// json_sax_read: runs one of nlohmann's SAX builders over a JSON text, for json_depth.cc and
// json_depth_ordered.cc (each its own translation unit: see json_depth_ordered.cc). Internal to
// core; use core/json_depth.h.
//
// Example:
//   return parse_with<nlohmann::json, my_builder>(text, false, why, k_max_json_depth);
#pragma once

#include <cstddef>
#include <exception>
#include <string>
#include <string_view>

namespace mainspring::json_sax_read {

// `text` read by a `Builder` made of (Json& result, max_depth), which exposes too_deep(); a
// discarded value when the read fails, and then *why (when given) says why.
template <class Json, class Builder>
Json parse_with(std::string_view text, bool ignore_comments, std::string* why, std::size_t max_depth) {
  try {
    Json value;
    Builder dom(value, max_depth);
    if (Json::sax_parse(text.begin(), text.end(), &dom, Json::input_format_t::json, /*strict=*/true, ignore_comments))
      return value;
    if (why && dom.too_deep()) *why = "nested deeper than " + std::to_string(max_depth) + " levels";
  } catch (const std::exception& e) {
    if (why) *why = e.what();
  }
  return Json(Json::value_t::discarded);
}

}  // namespace mainspring::json_sax_read
