#include "http/native/job_json.h"

#include "http/json_text.h"

#include "core/native_target.h"
#include "core/progress_lines.h"  // reported_object
#include "core/schedule.h"
#include "core/time_types.h"
#include "http/dialect_data.h"
#include "http/native/controls_json.h"
#include "http/native/envelope.h"
#include "http/json_body.h"

namespace mainspring::http::native {

namespace {

using nlohmann::json;

// exec_time: 0 (now), k_first_fire_by_schedule (-1: the pattern's first fire, as the preview
// and the other dialects take it) or a unix time.
status check_exec_time(int64_t exec_time_s) {
  if (exec_time_s < 0 && exec_time_s != k_first_fire_by_schedule)
    return status::invalid_argument("exec_time: must be 0 (now), -1 (the pattern's first fire) or a unix time in seconds");
  if (exec_time_s > k_max_exec_time_s)
    return status::invalid_argument("exec_time: must not be later than the year 9999 (" +
                                    std::to_string(k_max_exec_time_s) + ")");
  return {};
}

// A string field that may be spelled two ways; the first spelling wins when both are there.
status_or<std::optional<std::string>> string_field_either(const json& body, std::string_view name,
                                                          std::string_view alias) {
  auto value = string_field(body, name);
  if (!value.ok() || value->has_value()) return value;
  return string_field(body, alias);
}


// The job's target as the native API spells it. The original keeps exec_command for every job;
// for targets that have no command (HTTP@, NOOP@) it is kept in the job's native dialect_data.
native_target_text native_text(const job_spec& job) {
  native_target_text text = native_text_of(job.target);
  if (text.exec_command.empty()) {
    auto section = dialect_section(job.dialect_data, k_dialect_name);
    auto kept = section.find("exec_command");
    if (kept != section.end() && kept->is_string()) text.exec_command = kept->get<std::string>();
  }
  return text;
}

// The edit that sets a job's target from the native request_url and exec_command: a field left
// out keeps its current native spelling (core/native_target.h).
std::function<status(job_spec&)> retarget(std::optional<std::string> request_url,
                                          std::optional<std::string> exec_command) {
  return [request_url = std::move(request_url), exec_command = std::move(exec_command)](job_spec& job) {
    native_target_text text = native_text(job);
    if (request_url) text.request_url = *request_url;
    if (exec_command) text.exec_command = *exec_command;
    auto target = parse_native_target(text.request_url, text.exec_command);
    if (!target.ok()) return target.status();
    job.target = std::move(target).value();
    // Keep a command the target does not use, so that it reads back as it was written.
    bool unused = native_text_of(job.target).exec_command.empty() && !text.exec_command.empty();
    auto section = dialect_section(job.dialect_data, k_dialect_name);
    if (unused) section["exec_command"] = text.exec_command;
    else section.erase("exec_command");
    job.dialect_data = with_dialect_section(job.dialect_data, k_dialect_name, section);
    return status{};
  };
}

// A new job's @at whose instant has passed would be admitted as done and never run: the native
// add says so instead. (An edit may keep a finished one-shot's pattern; other dialects keep their
// originals' acceptance.)
status check_at_ahead(const std::optional<std::string>& pattern) {
  // Only an @at is parsed here (a create's pattern is parsed again when it is admitted).
  if (!pattern || pattern->find("@at") == std::string::npos) return {};
  auto parsed = parse_schedule(*pattern, "interval_pattern");
  if (!parsed.ok() || parsed->get_kind() != schedule::kind::at || parsed->at_time() > now_ms()) return {};
  return status::invalid_argument("interval_pattern: " + pattern->substr(0, 64) +
                                  " has passed, so the job would never run (@once runs once, at exec_time)");
}

// "@once" with exec_time -1 (the pattern's first fire) has no fire at all: the job would be done
// before it ran. The native add says so instead.
status check_once_has_time(const job_patch& fields) {
  if (!fields.schedule || fields.exec_time_s != k_first_fire_by_schedule) return {};
  auto parsed = parse_schedule(*fields.schedule, "interval_pattern");
  if (!parsed.ok() || parsed->get_kind() != schedule::kind::once) return {};
  return status::invalid_argument(
      "exec_time: -1 (the pattern's first fire) gives @once no time to run; use 0 (now) or a unix time");
}

// A job whose on_success (or on_failure) names itself would run back to back for ever (a
// failure's retries are the job's `retries`): the native API refuses it. Other dialects keep their
// originals' acceptance (Cronicle's chain may name its own event).
status check_not_own_follow_up(const std::string& job_id, const job_patch& fields) {
  if (job_id.empty() || !fields.controls) return {};
  if (fields.controls->on_success == job_id)
    return status::invalid_argument("controls.on_success: the job \"" + job_id +
                                    "\" cannot run after itself (it would run back to back for ever)");
  if (fields.controls->on_failure == job_id)
    return status::invalid_argument("controls.on_failure: the job \"" + job_id +
                                    "\" cannot run after itself; use retries to run a failed run again");
  return {};
}

// Every optional job field of add and edit, each checked for its JSON type. The target's two
// fields go to *request_url and *exec_command.
status decode_job_fields(const json& body, job_patch* p, std::optional<std::string>* request_url,
                         std::optional<std::string>* exec_command) {
  MS_ASSIGN_OR_RETURN(p->name, string_field(body, "name"));
  MS_ASSIGN_OR_RETURN(p->schedule, string_field(body, "interval_pattern"));
  MS_ASSIGN_OR_RETURN(p->timezone, string_field(body, "timezone"));
  MS_ASSIGN_OR_RETURN(p->exec_time_s, integer_field(body, "exec_time", /*allow_numeric_string=*/true));
  if (p->exec_time_s)
    if (auto st = check_exec_time(*p->exec_time_s); !st.ok()) return st;
  MS_ASSIGN_OR_RETURN(*request_url, string_field(body, "request_url"));
  MS_ASSIGN_OR_RETURN(*exec_command, string_field_either(body, "exec_command", "exec_cmd"));
  MS_ASSIGN_OR_RETURN(p->timeout_ms, seconds_as_ms_field(body, "timeout"));
  if (p->timeout_ms && *p->timeout_ms == 0 && body.at("timeout") == 0)
    p->timeout_ms = k_default_timeout_ms;  // 0 = not set, as in the original
  std::optional<int64_t> retries;
  MS_ASSIGN_OR_RETURN(retries, integer_field(body, "retries"));
  if (retries) {
    if (*retries < 0 || *retries > k_max_retries)
      return status::invalid_argument("retries: must be between 0 and " +
                                      std::to_string(k_max_retries));
    p->retries = static_cast<int>(*retries);
  }
  MS_ASSIGN_OR_RETURN(p->retry_delay_ms, seconds_as_ms_field(body, "retry_delay"));
  std::optional<std::string> text;
  MS_ASSIGN_OR_RETURN(text, string_field(body, "concurrency"));
  if (text) MS_ASSIGN_OR_RETURN(p->concurrency, parse_concurrency_policy(*text));
  MS_ASSIGN_OR_RETURN(text, string_field(body, "misfire"));
  if (text) MS_ASSIGN_OR_RETURN(p->misfire, parse_misfire_policy(*text));
  MS_ASSIGN_OR_RETURN(p->memo, string_field(body, "memo"));
  MS_ASSIGN_OR_RETURN(p->metadata, string_map_field(body, "metadata", k_max_metadata_entries));
  MS_ASSIGN_OR_RETURN(p->controls, controls_field(body));
  return {};
}

status_or<std::string> required_group(const json& body) {
  std::optional<std::string> group;
  MS_ASSIGN_OR_RETURN(group, string_field(body, "group_name"));
  if (auto st = validate_group_name(group.value_or("")); !st.ok()) return st;
  return *group;
}

// job_id, or the original's `id` when job_id is absent or empty. Any dialect's ids are taken, so
// that native clients can act on every job.
status_or<std::string> required_job_id(const json& body) {
  std::optional<std::string> id;
  MS_ASSIGN_OR_RETURN(id, string_field(body, "job_id"));
  if (!id || id->empty()) MS_ASSIGN_OR_RETURN(id, string_field(body, "id"));
  if (!id || id->empty()) return status::invalid_argument("job_id: required");
  if (!is_valid_job_id(*id))
    return status::invalid_argument("job_id: must match [a-zA-Z0-9_.-]{1,128}, got \"" +
                                    id->substr(0, 64) + "\"");
  return *id;
}

int64_t floor_seconds(int64_t ms) { return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000); }

json seconds_or_null(int64_t ms) { return ms == 0 ? json(nullptr) : json(floor_seconds(ms)); }

// 60000 -> 60, 1500 -> 1.5: whole seconds stay integers on the wire.
json duration_seconds(int64_t ms) {
  if (ms % 1000 == 0) return json(ms / 1000);
  return json(static_cast<double>(ms) / 1000.0);
}

}  // namespace

status_or<job_spec> job_spec_from_json(const nlohmann::json& body) {
  job_spec spec;
  std::optional<std::string> text;
  MS_ASSIGN_OR_RETURN(text, string_field(body, "group_name"));
  spec.group = text.value_or("");
  MS_ASSIGN_OR_RETURN(text, string_field(body, "job_id"));
  spec.id = text.value_or("");
  // The native API creates ids by its own rule; the core takes wider ones from other dialects.
  if (!spec.id.empty() && !is_valid_id(spec.id))
    return status::invalid_argument("job_id: must match [a-zA-Z0-9_]{1,22}, got \"" +
                                    spec.id.substr(0, 64) + "\"");
  // GET /v1/{group}/job/list is the group's list: a job so named could never be read by id.
  if (spec.id == "list")
    return status::invalid_argument("job_id: \"list\" is taken by GET /v1/{group}/job/list");
  job_patch fields;
  std::optional<std::string> request_url, exec_command;
  if (auto st = decode_job_fields(body, &fields, &request_url, &exec_command); !st.ok()) return st;
  if (auto st = check_at_ahead(fields.schedule); !st.ok()) return st;
  if (auto st = check_once_has_time(fields); !st.ok()) return st;
  if (auto st = check_not_own_follow_up(spec.id, fields); !st.ok()) return st;
  MS_ASSIGN_OR_RETURN(spec, apply_patch(std::move(spec), fields));
  if (auto targeted = retarget(request_url.value_or(""), exec_command.value_or(""))(spec); !targeted.ok()) {
    // What every job needs (group, name, pattern) is told before the target's own fault: a body
    // without its group hears of the group, not of a missing exec_command.
    job_spec untargeted = spec;
    untargeted.target = noop_target{};
    if (auto st = validate_job(untargeted); !st.ok()) return st;
    return targeted;
  }
  return spec;
}

status_or<job_edit> job_edit_from_json(const nlohmann::json& body) {
  job_edit edit;
  MS_ASSIGN_OR_RETURN(edit.group, required_group(body));
  MS_ASSIGN_OR_RETURN(edit.job_id, required_job_id(body));
  std::optional<std::string> request_url, exec_command;
  if (auto st = decode_job_fields(body, &edit.patch, &request_url, &exec_command); !st.ok()) return st;
  if (auto st = check_not_own_follow_up(edit.job_id, edit.patch); !st.ok()) return st;
  if (request_url || exec_command) edit.patch.edit = retarget(std::move(request_url), std::move(exec_command));
  return edit;
}

status_or<job_ref> job_ref_from_json(const nlohmann::json& body) {
  job_ref ref;
  MS_ASSIGN_OR_RETURN(ref.group, required_group(body));
  MS_ASSIGN_OR_RETURN(ref.job_id, required_job_id(body));
  return ref;
}

status_or<std::string> group_name_from_json(const nlohmann::json& body) {
  return required_group(body);
}

status_or<int64_t> exec_time_from_json(const nlohmann::json& body) {
  std::optional<int64_t> exec_time;
  MS_ASSIGN_OR_RETURN(exec_time, integer_field(body, "exec_time", /*allow_numeric_string=*/true));
  if (auto st = check_exec_time(exec_time.value_or(0)); !st.ok()) return st;
  return exec_time.value_or(0);
}

status_or<int64_t> run_as_of_ms_from_body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return int64_t{0};
  nlohmann::json object;
  MS_ASSIGN_OR_RETURN(object, parse_json_object(body));
  std::optional<int64_t> plan_time;
  MS_ASSIGN_OR_RETURN(plan_time, integer_field(object, "plan_time", /*allow_numeric_string=*/true));
  if (plan_time && (*plan_time < 0 || *plan_time > k_max_exec_time_s))
    return status::invalid_argument("plan_time: must be 0 (now) or a unix time in seconds up to " +
                                    std::to_string(k_max_exec_time_s) + " (the year 9999)");
  return plan_time.value_or(0) * 1000;
}

status_or<int64_t> activate_time_from_json(const nlohmann::json& body) {
  std::optional<bool> next_fire;
  MS_ASSIGN_OR_RETURN(next_fire, bool_field(body, "next_fire"));
  if (!next_fire.value_or(false)) return exec_time_from_json(body);
  if (body.contains("exec_time"))
    return status::invalid_argument("next_fire: give either next_fire or exec_time, not both");
  return k_first_fire_by_schedule;
}

const char* phase_json_name(job_phase phase) {
  switch (phase) {
    case job_phase::active: return "active";
    case job_phase::paused: return "paused";
    case job_phase::done: return "done";
  }
  return "active";
}

void append_job_list_item(std::string& out, const job_view& job) {
  const job_spec& s = job.spec;
  native_target_text target = native_text(s);
  out += "{\"name\":";
  append_json_string(out, s.name);
  out += ",\"id\":";
  append_json_string(out, s.id);
  out += ",\"exec_time\":";
  append_json_number(out, job.next_fire_ms ? floor_seconds(*job.next_fire_ms) : int64_t{0});
  out += ",\"otp_token\":";
  append_json_string(out, s.otp_secret);
  out += ",\"interval_pattern\":";
  append_json_string(out, s.schedule);
  out += ",\"request_url\":";
  append_json_string(out, target.request_url);
  out += ",\"exec_cmd\":";
  append_json_string(out, target.exec_command);
  out += ",\"group_name\":";
  append_json_string(out, s.group);
  out += ",\"active\":";
  append_json_bool(out, job.phase == job_phase::active);
  out += ",\"memo\":";
  append_json_string(out, s.memo);
  out += '}';
}

nlohmann::json job_list_item_json(const job_view& job) {
  const job_spec& s = job.spec;
  native_target_text target = native_text(s);
  return json{{"name", s.name},
              {"id", s.id},
              {"exec_time", job.next_fire_ms ? floor_seconds(*job.next_fire_ms) : 0},
              {"otp_token", s.otp_secret},
              {"interval_pattern", s.schedule},
              {"request_url", std::move(target.request_url)},
              {"exec_cmd", std::move(target.exec_command)},
              {"group_name", s.group},
              {"active", job.phase == job_phase::active},
              {"memo", s.memo}};
}

nlohmann::json job_detail_json(const job_view& job) {
  const job_spec& s = job.spec;
  native_target_text target = native_text(s);
  json out{{"id", s.id},
           {"group_name", s.group},
           {"name", s.name},
           {"interval_pattern", s.schedule},
           {"timezone", s.timezone},
           {"exec_time", s.exec_time_s},
           {"request_url", std::move(target.request_url)},
           {"exec_command", std::move(target.exec_command)},
           {"executor", executor_kind_name(kind_of(s.target))},
           {"timeout", duration_seconds(s.timeout_ms)},
           {"retries", s.retries},
           {"retry_delay", duration_seconds(s.retry_delay_ms)},
           {"concurrency", concurrency_policy_name(s.concurrency)},
           {"misfire", misfire_policy_name(s.misfire)},
           {"memo", s.memo},
           {"metadata", s.metadata},
           {"otp_token", s.otp_secret},
           {"created_time", seconds_or_null(s.created_ms)},
           {"updated_time", seconds_or_null(s.updated_ms)},
           {"phase", phase_json_name(job.phase)},
           {"active", job.phase == job_phase::active}};
  out["next_fire_time"] = job.next_fire_ms ? json(floor_seconds(*job.next_fire_ms)) : json(nullptr);
  out["counts"] = json{{"runs", job.runs},         {"successes", job.successes},
                       {"failures", job.failures}, {"skipped", job.skipped},
                       {"retries", job.retries},   {"running", job.running}};
  out["last_success"] = seconds_or_null(job.last_success_ms);
  out["last_error"] = seconds_or_null(job.last_error_ms);
  out["last_run"] = job.last_run ? run_record_json(*job.last_run) : json(nullptr);
  if (!s.controls.is_default()) {
    out["controls"] = controls_json(s.controls);
    out["counts"]["waiting"] = job.waiting;
  }
  // Retries waiting out their retry_delay (shown only when there are some): the failed try each
  // follows, the attempt it will be, and when it starts.
  if (!job.retries_due.empty()) {
    json due = json::array();
    for (const auto& r : job.retries_due)
      due.push_back(json{{"after_run_id", std::to_string(r.after_run_id)},
                         {"attempt", r.attempt},
                         {"due_time", floor_seconds(r.due_ms)}});
    out["retries_waiting"] = std::move(due);
  }
  return out;
}

namespace {

// What started a run beyond its trigger (run_cause): null for most runs.
json cause_json(const run_record& run) {
  if (!run.cause) return nullptr;
  const run_cause& c = *run.cause;
  json out = json::object();
  if (!c.by.empty()) out["by"] = c.by;
  if (!c.after_job.empty()) {
    out["after_job_id"] = c.after_job;
    out["after_job_name"] = c.after_name;
    out["after_run_id"] = std::to_string(c.after_run_id);
    out["after_state"] = run_state_name(c.after_state);
    out["after_code"] = c.after_code;
    out["after_error"] = c.after_error;
    // What that run passed on (a script's chain_data), when it did.
    if (json data = json::parse(c.after_data, nullptr, /*allow_exceptions=*/false); !data.is_discarded())
      out["after_data"] = std::move(data);
  }
  return out;
}

// What the run's command reported of itself (run_record::reported), or null.
json reported_json(const run_record& run) {
  return run.reported == nullptr ? json(nullptr) : reported_object(*run.reported);
}

}  // namespace

nlohmann::json run_record_json(const run_record& run) {
  return json{{"run_id", std::to_string(run.run_id)},
              {"job_id", run.job_id},
              {"group_name", run.group},
              {"trigger", run_trigger_name(run.trigger)},
              {"attempt", run.attempt},
              {"state", run_state_name(run.state)},
              {"plan_time_ms", run.plan_ms},
              {"start_time_ms", run.start_ms},
              {"end_time_ms", run.end_ms == 0 ? json(nullptr) : json(run.end_ms)},
              {"duration_ms", run.duration_ms()},
              {"lateness_ms", run.lateness_ms()},
              {"code", run.code},
              {"output_tail", run.output_tail},
              {"error", run.error},
              {"node", run.node.empty() ? json(nullptr) : json(run.node)},
              {"cause", cause_json(run)},
              {"reported", reported_json(run)}};
}

nlohmann::json node_json(const node_view& node) {
  const node_spec& n = node.spec;
  return json{{"hostname", n.hostname},
              {"ip", n.ip},
              {"mac", n.mac},
              // Agents prove the group's secret per join (core/node_auth.h): a node has no token
              // of its own, and the list never shows a secret.
              {"otp_token", ""},
              {"boradcast_addr", n.broadcast_addr},  // sic, as the original
              {"grpclisten", n.grpc_listen},
              {"machine_code", n.machine_code},
              {"group_name", n.group},
              {"node_id", n.id},
              {"status", node.up ? "up" : "down"},
              {"last_seen", n.last_seen_ms / 1000},
              {"registered", n.registered_ms / 1000},
              {"tags", n.tags},
              {"running", node.running}};
}

}  // namespace mainspring::http::native

#undef MS_ASSIGN_OR_RETURN
