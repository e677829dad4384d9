#include "http/cronicle/limits_json.h"

#include <algorithm>
#include <climits>

#include "http/cronicle/js_values.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

int64_t number_field(const json& event, const char* name) {
  if (!event.is_object()) return 0;
  auto it = event.find(name);
  return it == event.end() ? 0 : js_parse_int(*it).value_or(0);
}

// Clamped into int's range only: a value beyond it stays out of validate_controls' range too.
int int_field(const json& event, const char* name) {
  return static_cast<int>(std::clamp<int64_t>(number_field(event, name), INT_MIN, INT_MAX));
}

}  // namespace

void limits_to_controls(const json& event, job_controls& controls) {
  controls.cpu_limit_percent = int_field(event, "cpu_limit");
  controls.cpu_sustain_s = int_field(event, "cpu_sustain");
  controls.memory_limit_bytes = number_field(event, "memory_limit");
  controls.memory_sustain_s = int_field(event, "memory_sustain");
  controls.log_max_bytes = number_field(event, "log_max_size");
}

void limits_from_controls(const job_controls& controls, json& event) {
  event["cpu_limit"] = controls.cpu_limit_percent;
  event["cpu_sustain"] = controls.cpu_sustain_s;
  event["memory_limit"] = controls.memory_limit_bytes;
  event["memory_sustain"] = controls.memory_sustain_s;
  event["log_max_size"] = controls.log_max_bytes;
}

}  // namespace mainspring::http::cronicle
