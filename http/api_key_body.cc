#include "http/api_key_body.h"

#include <string>
#include <vector>

namespace mainspring::http {

namespace {

using nlohmann::json;

// Both forms are named: a client sending "admin" learns that Cronicle's object form works too.
constexpr const char* k_privileges_shape =
    "privileges: must be an array of privilege names or an object of privilege names set to 1 or 0 "
    "(e.g. [\"run_events\"] or {\"run_events\": 1})";

status_or<privilege_set> privileges_field(const json& value) {
  std::vector<std::string> names;
  if (value.is_array()) {
    for (const auto& item : value) {
      if (!item.is_string()) return status::invalid_argument(k_privileges_shape);
      names.push_back(item.get<std::string>());
    }
  } else if (value.is_object()) {  // Cronicle's {"create_events": 1, "run_events": 0}
    for (const auto& [name, on] : value.items()) {
      if (!(on.is_number_integer() || on.is_boolean()))
        return status::invalid_argument("privileges: the value of \"" + name.substr(0, 64) + "\" must be 1 or 0");
      if (on.is_boolean() ? on.get<bool>() : on.get<int64_t>() != 0) names.push_back(name);
    }
  } else {
    return status::invalid_argument(k_privileges_shape);
  }
  return parse_privileges(names);
}

status_or<bool> active_field(const json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number_integer()) {
    auto n = value.get<int64_t>();
    if (n == 0 || n == 1) return n == 1;
  }
  return status::invalid_argument("active: must be 1 or 0");
}

}  // namespace

status_or<api_key_edit> api_key_fields(const json& body) {
  api_key_edit out;
  if (auto it = body.find("title"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) return status::invalid_argument("title: must be a string");
    out.title = it->get<std::string>();
  }
  if (auto it = body.find("privileges"); it != body.end() && !it->is_null()) {
    auto p = privileges_field(*it);
    if (!p.ok()) return p.status();
    out.privileges = *p;
  }
  if (auto it = body.find("active"); it != body.end() && !it->is_null()) {
    auto a = active_field(*it);
    if (!a.ok()) return a.status();
    out.active = *a;
  }
  return out;
}

}  // namespace mainspring::http
