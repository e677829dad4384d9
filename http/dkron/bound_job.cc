#include "http/dkron/bound_job.h"

#include <initializer_list>

#include "core/go_time_parse.h"
#include "http/dkron/job_json.h"  // go_time_text, k_go_zero_time

namespace mainspring::http::dkron {

namespace {

using nlohmann::json;

// Digits of a fraction Go keeps: nanoseconds.
constexpr std::size_t k_max_fraction_digits = 9;
// "2006-01-02T15:04:05": what every strict RFC 3339 time starts with.
constexpr std::size_t k_seconds_end = 19;

json field(const json& fields, const char* name) {
  auto it = fields.find(name);
  return it == fields.end() ? json(nullptr) : *it;
}

json text_or(const json& fields, const char* name, const char* fallback = "") {
  json v = field(fields, name);
  return v.is_string() ? v : json(fallback);
}

json integer_or_zero(const json& fields, const char* name) {
  json v = field(fields, name);
  return v.is_number_integer() ? v : json(0);
}

json flag_or_false(const json& fields, const char* name) {
  json v = field(fields, name);
  return v.is_boolean() ? v : json(false);
}

// A Go map (or slice) field: as sent, null when absent or null.
json object_or_null(const json& fields, const char* name) {
  json v = field(fields, name);
  return v.is_object() ? v : json(nullptr);
}

// []string: Go stores a null element as "".
json strings_or_null(const json& fields, const char* name) {
  json v = field(fields, name);
  if (!v.is_array()) return nullptr;
  for (auto& element : v)
    if (!element.is_string()) element = "";
  return v;
}

// A NullableTime as its MarshalJSON writes it: null when unset, else the time as read, RFC 3339
// (its offset kept) or the datetime-local form (UTC).
json nullable_time(const json& fields, const char* name) {
  json v = field(fields, name);
  if (!v.is_string()) return nullptr;
  const auto& text = v.get_ref<const std::string&>();
  if (parse_go_json_time(text).ok()) return go_time_round_trip(text);
  auto local = parse_go_time(k_go_datetime_local, text);
  return local.ok() ? json(go_time_text(*local)) : json(nullptr);
}

}  // namespace

std::string go_time_round_trip(std::string_view text) {
  if (text.size() < k_seconds_end + 1) return std::string(text);  // not RFC 3339: cannot happen
  std::string out(text.substr(0, k_seconds_end));
  std::string_view rest = text.substr(k_seconds_end);
  if (rest.starts_with('.')) {
    std::size_t digits = 1;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    std::string fraction(rest.substr(1, std::min(digits - 1, k_max_fraction_digits)));
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    if (!fraction.empty()) out += "." + fraction;
    rest.remove_prefix(digits);
  }
  out += rest == "+00:00" || rest == "-00:00" ? std::string_view("Z") : rest;
  return out;
}

nlohmann::json bound_job_json(const nlohmann::json& fields) {
  json next = field(fields, "next");
  json out{{"id", text_or(fields, "id")},
           {"name", text_or(fields, "name")},
           {"displayname", text_or(fields, "displayname")},
           {"timezone", text_or(fields, "timezone")},
           {"schedule", text_or(fields, "schedule")},
           {"owner", text_or(fields, "owner")},
           {"owner_email", text_or(fields, "owner_email")},
           {"success_count", integer_or_zero(fields, "success_count")},
           {"error_count", integer_or_zero(fields, "error_count")},
           {"last_success", nullable_time(fields, "last_success")},
           {"last_error", nullable_time(fields, "last_error")},
           {"disabled", flag_or_false(fields, "disabled")},
           {"tags", object_or_null(fields, "tags")},
           {"metadata", object_or_null(fields, "metadata")},
           {"retries", integer_or_zero(fields, "retries")},
           {"dependent_jobs", strings_or_null(fields, "dependent_jobs")},
           {"parent_job", text_or(fields, "parent_job")},
           {"processors", object_or_null(fields, "processors")},
           {"concurrency", text_or(fields, "concurrency", "allow")},  // the handler's preset
           {"executor", text_or(fields, "executor")},
           {"executor_config", object_or_null(fields, "executor_config")},
           {"status", text_or(fields, "status")},
           // time.Time, not NullableTime: unset is Go's zero time, and only RFC 3339 is read.
           {"next", next.is_string() && parse_go_json_time(next.get_ref<const std::string&>()).ok()
                        ? go_time_round_trip(next.get_ref<const std::string&>())
                        : std::string(k_go_zero_time)},
           {"ephemeral", flag_or_false(fields, "ephemeral")},
           {"starts_at", nullable_time(fields, "starts_at")},
           {"expires_at", nullable_time(fields, "expires_at")}};
  for (const char* seed_field : {"command", "run_as_user"})
    if (json v = field(fields, seed_field); v.is_string() && !v.get_ref<const std::string&>().empty())
      out[seed_field] = v;
  return out;
}

}  // namespace mainspring::http::dkron
