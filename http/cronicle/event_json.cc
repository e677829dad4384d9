#include "http/cronicle/event_json.h"

#include <atomic>
#include <cctype>

#include "core/schedule.h"
#include "core/time_types.h"
#include "http/cronicle/custom_plugins.h"
#include "http/cronicle/js_values.h"
#include "http/cronicle/limits_json.h"
#include "http/cronicle/plugins.h"
#include "http/cronicle/validation.h"
#include "http/dialect_data.h"
#include "http/handler_kit.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

std::string base36(uint64_t n, std::size_t width) {
  std::string out;
  do {
    out.insert(out.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[n % 36]);
    n /= 36;
  } while (n);
  if (out.size() < width) out.insert(0, width - out.size(), '0');
  return out;
}

// Fields the job itself holds (shown from it) or Cronicle sets itself.
bool is_mapped_field(std::string_view name) {
  return name == "id" || name == "title" || name == "enabled" || name == "timing" || name == "created" ||
         name == "modified";
}

// The event's timing as a schedule text: @manually without one (a falsy timing too).
or_error<std::string> schedule_of(const json& event) {
  auto it = event.find("timing");
  if (it == event.end() || !js_truthy(*it)) return std::string("@manually");
  if (!it->is_object()) return api_refusal("Malformed event parameter: timing (must be object)");
  schedule::timing t;
  const std::pair<const char*, std::vector<int>*> fields[] = {{"years", &t.years}, {"months", &t.months},
                                                              {"days", &t.days},   {"weekdays", &t.weekdays},
                                                              {"hours", &t.hours}, {"minutes", &t.minutes}};
  for (const auto& [name, out] : fields) {
    auto f = it->find(name);
    if (f == it->end() || !f->is_array()) continue;
    for (const auto& v : *f) {
      if (!v.is_number()) return api_refusal(std::string("Malformed event timing parameter: ") + name + " (must be array of numbers)");
      double d = v.get<double>();
      if (d < -1e9 || d > 1e9) return api_refusal(std::string("Malformed event timing parameter: ") + name + " (value out of range: " + v.dump() + ")");
      out->push_back(static_cast<int>(d));
    }
  }
  auto s = schedule::from_timing(t);
  if (!s.ok()) return api_refusal("Malformed event timing parameter: " + s.status().message());
  return s->text();
}

int64_t seconds_field(const json& event, const char* name) {
  auto it = event.find(name);
  if (it == event.end()) return 0;
  return std::max<int64_t>(0, js_parse_int(*it).value_or(0));
}

// The event's fields that are job controls (core/job_controls.h): runs at once, queue, chains,
// web hook, category (its run pool). Cronicle's resource limits are mapped by limits_to_controls.
job_controls controls_of(const json& event) {
  job_controls c;
  c.max_running = static_cast<int>(std::min<int64_t>(seconds_field(event, "max_children"), k_max_running_limit));
  c.queue = js_truthy(event.value("queue", json(0)));
  c.queue_max = static_cast<int>(std::min<int64_t>(seconds_field(event, "queue_max"), k_max_queued_runs));
  if (auto chain = event.find("chain"); chain != event.end() && chain->is_string())
    c.on_success = normalized_event_id(chain->get<std::string>());
  if (auto chain = event.find("chain_error"); chain != event.end() && chain->is_string())
    c.on_failure = normalized_event_id(chain->get<std::string>());
  if (auto hook = event.find("web_hook"); hook != event.end() && hook->is_string()) {
    c.hook_url = web_hook_url(hook->get<std::string>());
    if (!c.hook_url.empty()) c.hook_format = std::string(k_dialect_name);
  }
  // Its category's run pool (categories.h): the category's limit, switch and defaults.
  c.pool = std::string(string_in_place(event, "category", k_default_category));
  return c;
}

// Cronicle's defaults for the event table's fields (its event editor's).
const json& event_defaults() {
  static const json d = {{"algo", "random"},      {"catch_up", 0},       {"category", std::string(k_default_category)},
                         {"chain", ""},           {"chain_error", ""},   {"cpu_limit", 0},
                         {"cpu_sustain", 0},      {"detached", 0},       {"log_max_size", 0},
                         {"max_children", 1},     {"memory_limit", 0},   {"memory_sustain", 0},
                         {"multiplex", 0},        {"notes", ""},         {"notify_fail", ""},
                         {"notify_success", ""},  {"params", json::object()}, {"queue", 0},
                         {"queue_max", 0},        {"retries", 0},        {"retry_delay", 0},
                         {"stagger", 0},          {"target", "allgrp"},  {"timeout", 0},
                         {"web_hook", ""}};
  return d;
}

// The fields a job of a custom Plugin copies into JOB_<FIELD> variables (Cronicle's
// launchLocalJob: every top-level string, number and boolean of the job): the event's with its
// defaults, less those launchJob deletes and those the run sets itself (id, now, event, plugin),
// plus event_title, plugin_title and the Plugin's command, cwd, uid and gid.
json job_fields(const json& event, const json& plugin) {
  json fields = event_defaults();
  for (auto it = event.begin(); it != event.end(); ++it) fields[it.key()] = *it;
  for (const char* gone : {"id", "title", "timing", "enabled", "max_children", "username", "api_key", "session_id",
                           "modified", "created", "cwd", "uid", "gid", "env", "now", "event", "plugin", "params"})
    fields.erase(gone);
  fields["event_title"] = event.value("title", json(""));
  fields["plugin_title"] = plugin.value("title", json(""));
  fields["command"] = plugin.value("command", json(""));
  for (const char* own : {"cwd", "uid", "gid"})
    if (auto it = plugin.find(own); it != plugin.end() && js_truthy(*it)) fields[own] = *it;
  return fields;
}

}  // namespace

std::shared_ptr<const plugin_catalog> group_plugins(const scheduler_api& api, const std::string& group) {
  return std::make_shared<const plugin_catalog>(api.group_documents(group, std::string(k_plugin_kind)));
}

event_context with_plugins(event_context ctx, const scheduler_api& api) {
  ctx.plugins = group_plugins(api, ctx.group);
  return ctx;
}

std::string new_unique_id(char prefix) {
  static std::atomic<uint32_t> counter{0};  // one for every kind, as Cronicle's
  return prefix + base36(static_cast<uint64_t>(to_unix_ms(now_ms())), 8) + base36(counter.fetch_add(1) % 1296, 2);
}

std::string new_event_id() { return new_unique_id('e'); }

std::string normalized_event_id(std::string_view id) {
  std::string out;
  for (char c : id)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_transient_field(std::string_view name) {
  return name == "api_key" || name == "session_id" || name == "reset_cursor" || name == "abort_jobs" ||
         name == "cwd" || name == "uid" || name == "gid" || name == "env" || name == "username" ||
         name == "post_data";
}

std::optional<api_error> prepare_new_event(json& event, const event_context& ctx) {
  if (auto e = require_params(event, {{"title", param_rule::non_blank},
                                      {"enabled", param_rule::flag},
                                      {"category", param_rule::word},
                                      {"target", param_rule::host},
                                      {"plugin", param_rule::word}}))
    return e;
  if (auto e = validate_event_data(event)) return e;
  // Read in place: event.value() would copy the field (params holds the whole script).
  auto falsy = [&event](const char* name) {
    auto it = event.find(name);
    return it == event.end() || !js_truthy(*it);
  };
  if (falsy("max_children")) event["max_children"] = 0;
  if (falsy("timeout")) event["timeout"] = 0;
  if (falsy("timezone")) event["timezone"] = ctx.default_timezone;
  if (falsy("params")) event["params"] = json::object();
  return std::nullopt;
}

json merged_event(json current, const json& params) {
  if (!current.is_object()) current = json::object();
  for (auto it = params.begin(); it != params.end(); ++it)
    if (!is_transient_field(it.key())) current[it.key()] = *it;
  return current;
}

json merged_event(json current, json&& params) {
  if (!current.is_object()) current = json::object();
  if (current.empty() && params.is_object()) {  // the event is params, minus the transient fields
    for (auto it = params.begin(); it != params.end();)
      it = is_transient_field(it.key()) ? params.erase(it) : std::next(it);
    return std::move(params);
  }
  for (auto it = params.begin(); it != params.end(); ++it)
    if (!is_transient_field(it.key())) current[it.key()] = std::move(*it);
  return current;
}

namespace {

// to_job_spec's work. `owned`, when not null, is `event` itself, given up by the caller: the job's
// dialect section is then made of it rather than of a copy.
or_error<job_spec> job_of_event(const json& event, json* owned, const event_context& ctx, const std::string& id) {
  job_spec job;
  job.id = id;
  job.group = ctx.group;
  job.name = event.value("title", "");
  if (job.name.size() > k_max_job_name_bytes)
    return api_refusal("Malformed parameter value: title (longer than " + std::to_string(k_max_job_name_bytes) + " bytes)");
  job.paused = !js_truthy(event.value("enabled", json(0)));
  auto sched = schedule_of(event);
  if (!sched.ok()) return sched.error();
  job.schedule = std::move(*sched);
  job.exec_time_s = k_first_fire_by_schedule;  // Cronicle runs an event at its next matching minute
  if (auto tz = event.find("timezone"); tz != event.end() && tz->is_string()) job.timezone = tz->get<std::string>();

  const std::string_view plugin_id = string_in_place(event, "plugin");
  const plugin_info* plugin = find_plugin(plugin_id);
  const json* custom = !plugin && ctx.plugins ? ctx.plugins->find(plugin_id) : nullptr;
  if (!plugin && !custom) return api_error{"event", "Plugin not found: " + event.value("plugin", "")};
  static const json k_no_params = json::object();
  auto given_params = event.find("params");
  const json& params = given_params == event.end() || given_params->is_null() ? k_no_params : *given_params;
  std::optional<int64_t> plugin_timeout_ms;
  if (custom) {
    if (auto e = check_custom_params(*custom, params)) return *e;
    job.target = custom_plugin_target(*custom, event, job_fields(event, *custom));
  } else {
    if (auto e = check_plugin_params(*plugin, params)) return *e;
    auto run = plugin_target(*plugin, params);
    if (!run.ok()) return run.error();
    job.target = std::move(run->target);
    plugin_timeout_ms = run->timeout_ms;
  }

  int64_t timeout_s = seconds_field(event, "timeout");
  job.timeout_ms = timeout_s == 0 ? k_max_timeout_ms : std::min(k_max_timeout_ms, timeout_s * 1000);
  if (plugin_timeout_ms) job.timeout_ms = std::min(job.timeout_ms, *plugin_timeout_ms);
  job.retries = static_cast<int>(std::min<int64_t>(seconds_field(event, "retries"), k_max_retries + 1));
  job.retry_delay_ms = std::min<int64_t>(seconds_field(event, "retry_delay"), k_max_timeout_ms / 1000) * 1000;
  job.controls = controls_of(event);  // max_children: a fire over it waits (queue) or is skipped
  job.controls.retry_aborted = false;  // finishLocalJob: an aborted job (abort_job, timeout, limits) is not retried
  job.misfire = js_truthy(event.value("catch_up", json(0))) ? misfire_policy::all : misfire_policy::skip;
  limits_to_controls(event, job.controls);

  // Last, as it may take the event itself: the section is the event without the fields the job
  // holds and those never kept.
  json section = owned && owned->is_object() ? std::move(*owned) : json(event);
  for (auto it = section.begin(); it != section.end();)
    it = is_mapped_field(it.key()) || is_transient_field(it.key()) ? section.erase(it) : std::next(it);
  if (plugin && plugin->id == k_shell_plugin) {
    if (auto p = section.find("params"); p != section.end() && p->is_object()) p->erase("script");  // it lives in the target's command
  }
  job.dialect_data = with_dialect_section("", k_dialect_name, std::move(section));

  if (status st = validate_job(job); !st.ok()) {
    status named = renamed_field(st, {{"name", "title"}, {"interval_pattern", "timing"}, {"exec_command", "params"},
                                      {"request_url", "params"}, {"executor_config", "params"},
                                      {"dialect_data", "event"}, {"max_running", "max_children"},
                                      {"on_success", "chain"}, {"on_failure", "chain_error"}, {"hook_url", "web_hook"},
                                      {"cpu_limit_percent", "cpu_limit"}, {"cpu_sustain_s", "cpu_sustain"},
                                      {"memory_limit_bytes", "memory_limit"}, {"memory_sustain_s", "memory_sustain"},
                                      {"log_max_bytes", "log_max_size"}});
    return api_refusal("Malformed event: " + named.message());
  }
  return job;
}

}  // namespace

or_error<job_spec> to_job_spec(const json& event, const event_context& ctx, const std::string& id) {
  return job_of_event(event, nullptr, ctx, id);
}

or_error<job_spec> to_job_spec(json&& event, const event_context& ctx, const std::string& id) {
  return job_of_event(event, &event, ctx, id);
}

json event_json(const job_view& view, const event_context& ctx) {
  const job_spec& spec = view.spec;
  json section = dialect_section(spec.dialect_data, k_dialect_name);
  json event = event_defaults();
  for (auto it = section.begin(); it != section.end(); ++it) event[it.key()] = *it;
  event["id"] = spec.id;
  event["title"] = spec.name;
  event["enabled"] = view.phase == job_phase::paused ? 0 : 1;
  if (!spec.schedule.empty() && spec.schedule.front() == '{') {
    json timing = json::parse(spec.schedule, nullptr, false);
    if (timing.is_object()) event["timing"] = timing;
  }
  event["timezone"] = spec.timezone.empty() ? ctx.default_timezone : spec.timezone;
  event["retries"] = spec.retries;
  event["retry_delay"] = spec.retry_delay_ms / 1000;
  event["catch_up"] = section.contains("catch_up") ? section["catch_up"] : json(spec.misfire == misfire_policy::all ? 1 : 0);
  if (!section.contains("max_children"))
    event["max_children"] = spec.controls.max_running ? spec.controls.max_running : spec.concurrency == concurrency_policy::forbid ? 1 : 0;
  event["plugin"] = section.value("plugin", "");
  event["params"] = params_for_display(event["plugin"].get<std::string>(), event.value("params", json::object()), spec.target);
  event["created"] = spec.created_ms / 1000;
  event["modified"] = (spec.updated_ms ? spec.updated_ms : spec.created_ms) / 1000;
  limits_from_controls(spec.controls, event);
  return event;
}

}  // namespace mainspring::http::cronicle
