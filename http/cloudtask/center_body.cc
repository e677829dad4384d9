#include "http/cloudtask/center_body.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/go_json_scan.h"
#include "core/go_time_parse.h"
#include "http/go_json.h"

namespace mainspring::http::cloudtask {

namespace {

using nlohmann::json;

constexpr center_field k_action[] = {{"runtime"}, {"jobid"}, {"action"}};
constexpr center_field k_header[] = {{"msgname"}, {"msgid"}};
constexpr center_field k_log[] = {
    {"jobid"},   {"msgid"},  {"event"},  {"group"},  {"stat", center_field::integer},
    {"location"}, {"command"}, {"workdir"}, {"ipaddr"}, {"stdout"},
    {"errout"},  {"execerr"}, {"execat", center_field::time}, {"exectimes", center_field::number},
    {"createat", center_field::integer}};

const center_field* field_named(std::span<const center_field> fields, const std::string& key) {
  for (const auto& f : fields)
    if (key == f.name) return &f;
  for (const auto& f : fields)
    if (go_json_key_folds_to(key, f.name)) return &f;
  return nullptr;
}

status go_type_error(const std::string& key, const json& value, std::string_view go_type) {
  return status::invalid_argument("json: cannot unmarshal " + std::string(go_json_kind(value)) + " into Go struct field ." + key +
                                  " of type " + std::string(go_type));
}

status check_type(const center_field& f, const std::string& key, const json& value) {
  switch (f.kind) {
    case center_field::string:
      return value.is_string() ? status{} : go_type_error(key, value, "string");
    case center_field::integer:
      // Go's int64 takes a literal without fraction or exponent that fits.
      if (value.is_number_integer() &&
          (!value.is_number_unsigned() || value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())))
        return {};
      return go_type_error(key, value, "int");
    case center_field::number: return value.is_number() ? status{} : go_type_error(key, value, "float64");
    case center_field::time:
      if (!value.is_string()) return go_type_error(key, value, "time.Time");
      if (auto t = parse_go_json_time(value.get_ref<const std::string&>()); !t.ok()) return t.status();
      return {};
  }
  return {};
}

}  // namespace

const std::span<const center_field> k_job_action_fields = k_action;
const std::span<const center_field> k_message_header_fields = k_header;
const std::span<const center_field> k_job_log_fields = k_log;

status_or<json> read_center_body(std::string_view body, std::span<const center_field> fields) {
  auto length = go_json_first_value(body);
  if (!length.ok()) return length.status();
  // Go's decoder takes bytes that are not UTF-8 and lone surrogate escapes, as U+FFFD.
  go_json_members read = parse_members_in_order(go_json_replace_invalid(body.substr(0, *length)));
  if (read.value.is_discarded()) return status::invalid_argument("malformed JSON body");  // 1e999: beyond a double
  json out = json::object();
  if (read.value.is_null()) return out;
  if (!read.value.is_object()) {
    return status::invalid_argument(std::string("json: cannot unmarshal ") + go_json_kind(read.value) + " into Go value");
  }
  status first_error;  // Go decodes on past a type error and answers the first
  for (const auto& [key, value] : read.members) {
    const center_field* f = field_named(fields, key);
    if (!f || value.is_null()) continue;
    if (auto st = check_type(*f, key, value); !st.ok()) {
      if (first_error.ok()) first_error = st;
      continue;
    }
    out[std::string(f->name)] = value;
  }
  if (!first_error.ok()) return first_error;
  return out;
}

}  // namespace mainspring::http::cloudtask
