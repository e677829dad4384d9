#include "http/native/controls_json.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "http/json_body.h"

namespace mainspring::http::native {

namespace {

using nlohmann::json;

constexpr std::string_view k_members[] = {
    "max_running",       "queue",         "queue_max",          "on_success",       "on_failure",   "hook_url",
    "cpu_limit_percent", "cpu_sustain_s", "memory_limit_bytes", "memory_sustain_s", "log_max_bytes", "pool",
    "hook_format",       "retry_aborted"};

status prefixed(const status& st) { return status::invalid_argument("controls: " + st.message()); }

// An int member (validate_job checks the real bounds).
status read_int(const json& object, std::string_view name, int* out) {
  auto v = int_field(object, name);
  if (!v.ok()) return prefixed(v.status());
  if (*v) *out = **v;
  return {};
}

status read_int64(const json& object, std::string_view name, int64_t* out) {
  auto v = integer_field(object, name);
  if (!v.ok()) return prefixed(v.status());
  if (*v) *out = **v;
  return {};
}

status read_text(const json& object, std::string_view name, std::string* out) {
  auto v = string_field(object, name);
  if (!v.ok()) return prefixed(v.status());
  if (*v) *out = std::move(**v);
  return {};
}

}  // namespace

status_or<std::optional<job_controls>> controls_field(const json& body) {
  auto it = body.find("controls");
  if (it == body.end() || it->is_null()) return std::optional<job_controls>{};
  if (!it->is_object()) return status::invalid_argument("controls: must be an object");
  for (auto m = it->begin(); m != it->end(); ++m)
    if (std::find(std::begin(k_members), std::end(k_members), m.key()) == std::end(k_members))
      return status::invalid_argument("controls: unknown member \"" + m.key().substr(0, 64) + "\"");
  const json& o = *it;
  job_controls c;
  auto queue = bool_field(o, "queue");
  if (!queue.ok()) return prefixed(queue.status());
  c.queue = queue->value_or(false);
  auto retry_aborted = bool_field(o, "retry_aborted");
  if (!retry_aborted.ok()) return prefixed(retry_aborted.status());
  c.retry_aborted = retry_aborted->value_or(true);
  for (auto [name, field] : {std::pair{"max_running", &c.max_running}, std::pair{"queue_max", &c.queue_max},
                             std::pair{"cpu_limit_percent", &c.cpu_limit_percent},
                             std::pair{"cpu_sustain_s", &c.cpu_sustain_s},
                             std::pair{"memory_sustain_s", &c.memory_sustain_s}})
    if (auto st = read_int(o, name, field); !st.ok()) return st;
  for (auto [name, field] : {std::pair{"memory_limit_bytes", &c.memory_limit_bytes},
                             std::pair{"log_max_bytes", &c.log_max_bytes}})
    if (auto st = read_int64(o, name, field); !st.ok()) return st;
  for (auto [name, field] : {std::pair{"on_success", &c.on_success}, std::pair{"on_failure", &c.on_failure},
                             std::pair{"hook_url", &c.hook_url}, std::pair{"hook_format", &c.hook_format},
                             std::pair{"pool", &c.pool}})
    if (auto st = read_text(o, name, field); !st.ok()) return st;
  return std::optional<job_controls>(std::move(c));
}

json controls_json(const job_controls& c) {
  return json{{"max_running", c.max_running},
              {"queue", c.queue},
              {"queue_max", c.queue_max},
              {"on_success", c.on_success},
              {"on_failure", c.on_failure},
              {"hook_url", c.hook_url},
              {"hook_format", c.hook_format},
              {"cpu_limit_percent", c.cpu_limit_percent},
              {"cpu_sustain_s", c.cpu_sustain_s},
              {"memory_limit_bytes", c.memory_limit_bytes},
              {"memory_sustain_s", c.memory_sustain_s},
              {"log_max_bytes", c.log_max_bytes},
              {"retry_aborted", c.retry_aborted},
              {"pool", c.pool}};
}

}  // namespace mainspring::http::native
