#include "http/dkron/go_json_text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace mainspring::http::dkron {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// dkron/job.go's Job.
constexpr std::array<std::string_view, 26> k_job_fields = {
    "id",          "name",          "displayname",    "timezone",   "schedule",   "owner",       "owner_email",
    "success_count", "error_count", "last_success",   "last_error", "disabled",   "tags",        "metadata",
    "retries",     "dependent_jobs", "parent_job",    "processors", "concurrency", "executor",   "executor_config",
    "status",      "next",          "ephemeral",      "starts_at",  "expires_at"};
// dkron/execution.go's Execution, then the executions list's apiExecution.
constexpr std::array<std::string_view, 10> k_execution_fields = {
    "id", "job_name", "started_at", "finished_at", "success", "output", "node_name", "group", "attempt",
    "output_truncated"};
// serf.Member, then typesv1.Member's own.
constexpr std::array<std::string_view, 13> k_member_fields = {
    "Name",        "Addr",        "Port",        "Tags",        "Status", "ProtocolMin", "ProtocolMax",
    "ProtocolCur", "DelegateMin", "DelegateMax", "DelegateCur", "id",     "statusText"};

// nlohmann's json keeps keys sorted (byte order, as Go sorts a map's keys): a copy keeps them so.
ordered_json sorted(const json& value) {
  switch (value.type()) {
    case json::value_t::object: {
      ordered_json out = ordered_json::object();
      for (const auto& [key, item] : value.items()) out.emplace(key, sorted(item));
      return out;
    }
    case json::value_t::array: {
      ordered_json out = ordered_json::array();
      for (const auto& item : value) out.push_back(sorted(item));
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

std::span<const std::string_view> struct_fields_of(const json& object) {
  if (object.contains("schedule") && object.contains("executor_config")) return k_job_fields;
  if (object.contains("job_name") && object.contains("started_at")) return k_execution_fields;
  if (object.contains("Name") && object.contains("DelegateCur")) return k_member_fields;
  return {};
}

ordered_json in_struct_order(const json& value) {
  if (!value.is_object()) return sorted(value);
  const auto fields = struct_fields_of(value);
  ordered_json out = ordered_json::object();
  for (std::string_view field : fields)
    if (auto it = value.find(std::string(field)); it != value.end()) out.emplace(std::string(field), sorted(*it));
  for (const auto& [key, item] : value.items())
    if (std::find(fields.begin(), fields.end(), key) == fields.end()) out.emplace(key, sorted(item));
  return out;
}

// Go's encoding/json escapes <, > and & (HTMLEscape, which gin's JSON renderers keep on) and the
// line and paragraph separators U+2028 and U+2029 in strings. None of them is JSON syntax, so in
// JSON text they are always inside a string.
std::string go_escaped(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' && (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string go_json_text(const nlohmann::json& body, bool pretty) {
  ordered_json out;
  if (body.is_array()) {
    out = ordered_json::array();
    for (const auto& item : body) out.push_back(in_struct_order(item));
  } else {
    out = in_struct_order(body);
  }
  return go_escaped(out.dump(pretty ? 4 : -1, ' ', false, ordered_json::error_handler_t::replace));
}

}  // namespace mainspring::http::dkron
