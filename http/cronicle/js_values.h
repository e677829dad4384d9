// js_values: how Cronicle (JavaScript) reads a JSON value as a flag or a number, so that bodies
// Cronicle accepts mean the same here.
//
// Example:
//   js_truthy(json("0"));          // true: a non-empty string, as `if (x)` in JavaScript
//   js_parse_int(json("25abc"));   // 25, as parseInt
//   string_in_place(event, "plugin");  // "shellplug", a view into `event`; "" when not a string
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/js_truthy.h"

namespace mainspring::http::cronicle {

// The text of `object`'s string field `name`, in place (no copy); `fallback` when it is missing
// or not a string.
inline std::string_view string_in_place(const nlohmann::json& object, const char* name,
                                        std::string_view fallback = {}) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>()) : fallback;
}

using mainspring::js_truthy;  // core/js_truthy.h

// parseInt(String(v)) for a number or a string: leading blanks, an optional sign, then digits;
// nullopt (NaN) when there are none, or for any other type. Clamped to +-2^53.
inline std::optional<int64_t> js_parse_int(const nlohmann::json& v) {
  constexpr int64_t k_limit = int64_t{1} << 53;
  if (v.is_number_integer()) return std::clamp<int64_t>(v.get<int64_t>(), -k_limit, k_limit);
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isnan(d)) return std::nullopt;
    return static_cast<int64_t>(std::clamp<double>(std::trunc(d), -double(k_limit), double(k_limit)));
  }
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  int64_t n = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i)
    n = std::min<int64_t>(k_limit, n * 10 + (s[i] - '0'));
  return negative ? -n : n;
}

}  // namespace mainspring::http::cronicle
