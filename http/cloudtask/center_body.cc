#include "http/cloudtask/center_body.h"

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/go_json_scan.h"
#include "core/go_time_parse.h"
#include "http/go_json.h"

namespace mainspring::http::cloudtask {

namespace {

using nlohmann::json;
using k = center_field;

constexpr center_field k_action_fields[] = {{"Context", k::context}, {"runtime"}, {"jobid"}, {"action"}};
constexpr center_field k_log_fields[] = {
    {"Context", k::context}, {"jobid"},    {"msgid"},  {"event"},  {"group"},  {"stat", k::int_},
    {"location"}, {"command"}, {"workdir"}, {"ipaddr"}, {"stdout"}, {"errout"}, {"execerr"},
    {"execat", k::time},     {"exectimes", k::float64}, {"createat", k::int64}};
constexpr center_field k_header_fields[] = {{"msgname"}, {"msgid"}};
constexpr center_field k_system_event_fields[] = {{"msgname"}, {"msgid"}, {"event"}, {"runtime"},
                                                  {"jobids", k::string_list}, {"groupids", k::string_list},
                                                  {"timestamp", k::int64}};
constexpr center_field k_job_execute_fields[] = {{"msgname"}, {"msgid"}, {"jobid"}, {"location"}, {"key"}, {"ipaddr"},
                                                 {"state", k::int_}, {"execerr"}, {"execat", k::time},
                                                 {"nextat", k::time}, {"timestamp", k::int64}};
constexpr center_field k_job_select_fields[] = {{"msgname"}, {"msgid"}, {"jobid"}, {"location"}, {"nextat", k::time},
                                                {"timestamp", k::int64}};

// api.Context's exported fields: its embedded context.Context (an interface) and ID.
constexpr std::string_view k_context_interface = "Context";
constexpr std::string_view k_context_id = "ID";

const char* go_type_of(center_field::kind_t kind) {
  switch (kind) {
    case k::string: return "string";
    case k::int_: return "int";
    case k::int64: return "int64";
    case k::float64: return "float64";
    case k::time: return "time.Time";
    case k::string_list: return "[]string";
    case k::context: return "api.Context";
  }
  return "";
}

// The text of each top-level member whose value is a number nlohmann reads as a double (it has a
// fraction or an exponent, or is beyond 64 bits), by the member's index: Go's error for such a
// number in an integer field quotes it as sent ("number 1e3").
class float_literals : public nlohmann::json_sax<json> {
 public:
  std::map<std::size_t, std::string> texts;

  bool null() override { return member(); }
  bool boolean(bool) override { return member(); }
  bool number_integer(number_integer_t) override { return member(); }
  bool number_unsigned(number_unsigned_t) override { return member(); }
  bool number_float(number_float_t, const string_t& text) override {
    if (depth_ == 1) texts[index_] = text;
    return member();
  }
  bool string(string_t&) override { return member(); }
  bool binary(binary_t&) override { return member(); }
  bool start_object(std::size_t) override { return open(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  // A value begins: at depth 1 it is the next member's.
  bool member() {
    if (depth_ == 1) ++index_;
    return true;
  }
  bool open() {
    member();
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }
  int depth_ = 0;
  std::size_t index_ = 0;
};

// What checking one member found: nothing wrong, a type error (Go saves the first and decodes
// on), or an error that ends the decode at once (time.Time's UnmarshalJSON).
struct verdict {
  status saved;
  status fatal;
};

const center_field* field_named(std::span<const center_field> fields, std::string_view key) {
  for (const auto& f : fields)
    if (key == f.name) return &f;
  for (const auto& f : fields)
    if (go_json_key_folds_to(key, f.name)) return &f;
  return nullptr;
}

// Go's UnmarshalTypeError: "json: cannot unmarshal <what> into Go struct field <S>.<f> of type <T>".
status type_error(std::string_view what, std::string_view go_struct, std::string_view field, std::string_view go_type) {
  return status::invalid_argument("json: cannot unmarshal " + std::string(what) + " into Go struct field " +
                                  std::string(go_struct) + "." + std::string(field) + " of type " + std::string(go_type));
}

// api.Context: decodable from null or an object whose ID is a string (or null) and whose
// embedded context.Context, an interface with methods, is absent or null.
status check_context(std::string_view field, const json& value, std::string_view go_struct) {
  if (!value.is_object()) return type_error(go_json_kind(value), go_struct, field, go_type_of(k::context));
  const std::string outer(field);
  for (const auto& [inner, v] : value.items()) {
    if (v.is_null()) continue;
    if (go_json_key_folds_to(inner, k_context_id)) {
      if (!v.is_string()) return type_error(go_json_kind(v), "Context", outer + "." + std::string(k_context_id), "string");
    } else if (go_json_key_folds_to(inner, k_context_interface)) {
      return type_error(go_json_kind(v), "Context", outer + "." + std::string(k_context_interface), "context.Context");
    }
  }
  return {};
}

// Go names the field by its JSON name, however the key spelled it.
verdict check(const center_field& f, const json& value, const std::string* float_text, std::string_view go_struct) {
  auto mismatch = [&](std::string_view what) { return verdict{type_error(what, go_struct, f.name, go_type_of(f.kind)), {}}; };
  switch (f.kind) {
    case k::string:
      return value.is_string() ? verdict{} : mismatch(go_json_kind(value));
    case k::int_:
    case k::int64:
      if (value.is_number_integer() &&
          (!value.is_number_unsigned() || value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())))
        return {};
      // Go's literal store quotes a number that is no int64 as sent.
      if (value.is_number()) return mismatch("number " + (float_text ? *float_text : value.dump()));
      return mismatch(go_json_kind(value));
    case k::float64:
      return value.is_number() ? verdict{} : mismatch(go_json_kind(value));
    case k::time:
      if (!value.is_string()) return {{}, status::invalid_argument("Time.UnmarshalJSON: input is not a JSON string")};
      if (auto t = parse_go_json_time(value.get_ref<const std::string&>()); !t.ok()) return {{}, t.status()};
      return {};
    case k::string_list:
      if (!value.is_array()) return mismatch(go_json_kind(value));
      for (const auto& item : value)
        if (!item.is_null() && !item.is_string()) return {type_error(go_json_kind(item), go_struct, f.name, "string"), {}};
      return {};
    case k::context:
      return {check_context(f.name, value, go_struct), {}};
  }
  return {};
}

}  // namespace

const center_struct k_job_action_request{"JobActionRequest", "api", k_action_fields};
const center_struct k_job_log_request{"JobLogRequest", "api", k_log_fields};
const center_struct k_message_header{"MsgHeader", "models", k_header_fields};
const center_struct k_system_event{"SystemEvent", "models", k_system_event_fields};
const center_struct k_job_execute{"JobExecute", "models", k_job_execute_fields};
const center_struct k_job_select{"JobSelect", "models", k_job_select_fields};

status_or<json> read_center_body(std::string_view body, const center_struct& into) {
  auto length = go_json_first_value(body);
  if (!length.ok()) return length.status();
  // Go's decoder takes bytes that are not UTF-8 and lone surrogate escapes, as U+FFFD.
  const std::string text = go_json_replace_invalid(body.substr(0, *length));
  go_json_members read = parse_members_in_order(text);
  if (read.value.is_discarded()) return status::invalid_argument("malformed JSON body");  // 1e999: beyond a double
  json out = json::object();
  if (read.value.is_null()) return out;
  if (!read.value.is_object()) {
    return status::invalid_argument("json: cannot unmarshal " + std::string(go_json_kind(read.value)) +
                                    " into Go value of type " + std::string(into.package) + "." +
                                    std::string(into.go_name));
  }
  float_literals floats;
  json::sax_parse(text, &floats);
  status first_error;  // Go decodes on past a type error and answers the first
  for (std::size_t i = 0; i < read.members.size(); ++i) {
    const auto& [key, value] = read.members[i];
    const center_field* f = field_named(into.fields, key);
    if (!f || value.is_null()) continue;
    auto literal = floats.texts.find(i);
    verdict v = check(*f, value, literal == floats.texts.end() ? nullptr : &literal->second, into.go_name);
    if (!v.fatal.ok()) return v.fatal;
    if (!v.saved.ok()) {
      if (first_error.ok()) first_error = v.saved;
      continue;
    }
    out[std::string(f->name)] = value;
  }
  if (!first_error.ok()) return first_error;
  return out;
}

}  // namespace mainspring::http::cloudtask
