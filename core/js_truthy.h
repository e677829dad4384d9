// js_truthy: how JavaScript reads a JSON value as a flag (`if (x)`), for the Cronicle dialect's
// bodies and a Cronicle script's JSON reports (core/progress_lines.h) alike.
//
// Example:
//   js_truthy(nlohmann::json("0"));   // true: a non-empty string
//   js_truthy(nlohmann::json(0.0));   // false
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace mainspring {

// JavaScript truthiness: null, false, 0, NaN and "" are false; anything else (objects, arrays,
// "0") is true.
inline bool js_truthy(const nlohmann::json& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    return d != 0 && !std::isnan(d);
  }
  if (v.is_number()) return v.get<int64_t>() != 0;
  if (v.is_string()) return !v.get_ref<const std::string&>().empty();
  return true;
}

}  // namespace mainspring
