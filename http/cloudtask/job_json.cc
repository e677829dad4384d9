#include "http/cloudtask/job_json.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include <openssl/evp.h>

#include "core/calendar_rules.h"
#include "core/hex.h"
#include "core/job_allocation.h"
#include "core/node_auth.h"
#include "core/rfc3339.h"
#include "core/shell_exit.h"
#include "http/cloudtask/mongo_id.h"
#include "http/dialect_data.h"
#include "http/json_body.h"

namespace mainspring::http::cloudtask {

namespace {

using nlohmann::json;

// The fields kept in the dialect section, and the JSON type each must have.
struct kept_field {
  const char* name;
  json::value_t type;
};
constexpr kept_field k_kept_fields[] = {
    {"groupid", json::value_t::string},  {"filename", json::value_t::string},
    {"description", json::value_t::string}, {"createuser", json::value_t::string},
    {"edituser", json::value_t::string}, {"notifysetting", json::value_t::object},
};  // not `files`: cloudtask-web sets it itself (web_echo.h), whatever a body says

status invalid(const std::string& message) { return status::invalid_argument(message); }

status_or<std::string> required_string(const json& body, const char* name, std::size_t max_bytes) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return invalid(std::string(name) + ": required");
  if (!it->is_string()) return invalid(std::string(name) + ": must be a string");
  std::string value = it->get<std::string>();
  if (value.empty()) return invalid(std::string(name) + ": must not be empty");
  if (value.size() > max_bytes) return invalid(std::string(name) + ": longer than " + std::to_string(max_bytes) + " bytes");
  return value;
}

// A list of strings (null or absent: empty), each checked by `check`.
template <class Check>
status_or<std::vector<std::string>> string_list(const json& body, const char* name, std::size_t max_entries,
                                                Check check) {
  std::vector<std::string> out;
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array()) return invalid(std::string(name) + ": must be an array of strings");
  if (it->size() > max_entries) return invalid(std::string(name) + ": more than " + std::to_string(max_entries) + " entries");
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& item = (*it)[i];
    std::string where = std::string(name) + "[" + std::to_string(i) + "]";
    if (!item.is_string()) return invalid(where + ": must be a string");
    if (auto st = check(where, item.get<std::string>()); !st.ok()) return st;
    out.push_back(item.get<std::string>());
  }
  return out;
}

// A whole number within [min, max] (null or absent: `fallback`); Cloudtask's int fields.
status_or<int64_t> bounded_integer(const json& body, const char* name, int64_t min, int64_t max, int64_t fallback) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return fallback;
  if (it->is_boolean()) return it->get<bool>() ? 1 : 0;  // "enabled": true, as a form may send
  if (!it->is_number_integer() && !it->is_number_unsigned())
    return invalid(std::string(name) + ": must be a whole number");
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(max))
    return invalid(std::string(name) + ": must be between " + std::to_string(min) + " and " + std::to_string(max));
  int64_t v = it->get<int64_t>();
  if (v < min || v > max)
    return invalid(std::string(name) + ": must be between " + std::to_string(min) + " and " + std::to_string(max));
  return v;
}

// As the center matches them: a server's IP address or, ignoring case, its name (here a node's
// id or the host name its agent reports).
status check_server(const std::string& where, const std::string& entry) {
  if (!is_valid_server_entry(entry))
    return invalid(where + ": a server's node id, host name or IP address (printable ASCII, no ',')");
  return {};
}

status check_env(const std::string& where, const std::string& entry) {
  auto eq = entry.find('=');
  if (eq == std::string::npos || eq == 0) return invalid(where + ": expects \"NAME=value\"");
  return {};
}

// Rules with distinct ids: cloudtask-web gives every rule of a new job the same id
// (Date.now().toString(16)); here a missing or repeated id gets a fresh one.
void give_distinct_ids(std::vector<calendar_rule>& rules) {
  std::set<std::string> seen;
  for (auto& rule : rules) {
    while (rule.id.empty() || seen.count(rule.id)) rule.id = random_nonce().substr(0, 11);
    seen.insert(rule.id);
  }
}

name_value_list env_pairs(const std::vector<std::string>& env) {
  name_value_list out;
  for (const auto& entry : env) {
    auto eq = entry.find('=');
    out.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return out;
}

json env_json(const name_value_list& env) {
  json out = json::array();
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

// The job's rules as JSON ([] for a job without any).
json schedule_json(const std::string& schedule) {
  if (!schedule.starts_with('[')) return json::array();
  json rules = json::parse(schedule, nullptr, false);
  return rules.is_array() ? rules : json::array();
}

const remote_target* remote_of(const job_spec& spec) { return std::get_if<remote_target>(&spec.target); }

std::string md5_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_md5(), nullptr);
  return lower_hex(digest, size);
}

int64_t timeout_seconds(const job_spec& spec) {
  return spec.timeout_ms >= k_max_timeout_ms ? 0 : spec.timeout_ms / 1000;
}

}  // namespace

status_or<ct_job> decode_job(const json& body, bool require_id) {
  ct_job job;
  if (require_id) {
    MS_ASSIGN_OR_RETURN(job.jobid, required_string(body, "jobid", k_max_job_id_bytes));
    if (!is_valid_job_id(job.jobid)) return invalid("jobid: letters, digits, '_', '.' and '-' only");
  }
  MS_ASSIGN_OR_RETURN(job.name, required_string(body, "name", k_max_job_name_bytes));
  MS_ASSIGN_OR_RETURN(job.location, required_string(body, "location", k_max_id_bytes));
  if (auto st = validate_group_name(job.location); !st.ok()) return invalid("location: letters, digits and '_' only");
  MS_ASSIGN_OR_RETURN(job.cmd, required_string(body, "cmd", k_max_command_bytes));
  MS_ASSIGN_OR_RETURN(job.servers, string_list(body, "servers", k_max_target_entries, check_server));
  MS_ASSIGN_OR_RETURN(job.env, string_list(body, "env", k_max_env_entries, check_env));
  MS_ASSIGN_OR_RETURN(job.timeout_s, bounded_integer(body, "timeout", 0, k_max_timeout_ms / 1000, 0));
  int64_t enabled = 0;
  // Absent is 0, as Go's zero value: a job created without "enabled" is off, as in Cloudtask.
  MS_ASSIGN_OR_RETURN(enabled, bounded_integer(body, "enabled", 0, 1, 0));
  job.enabled = enabled == 1;

  // Required: cloudtask-web reads schedule.length on create and update and crashes without it;
  // [] is a job that runs only when started.
  if (!body.contains("schedule") || body["schedule"].is_null()) return invalid("schedule: required ([] for none)");
  auto parsed = parse_calendar_rules(body["schedule"]);
  if (!parsed.ok()) return parsed.status();
  std::vector<calendar_rule> rules = std::move(parsed).value();
  give_distinct_ids(rules);
  if (!rules.empty()) job.schedule_text = calendar_rules_text(rules);

  job.section = json::object();
  for (const auto& f : k_kept_fields) {
    auto it = body.find(f.name);
    if (it == body.end() || it->is_null()) continue;
    if (it->type() != f.type) return invalid(std::string(f.name) + ": has the wrong JSON type");
    job.section[f.name] = *it;
  }
  if (job.section.dump().size() > k_max_dialect_data_bytes / 2)
    return invalid("groupid, filename, description, notifysetting, createuser, edituser: longer than " +
                   std::to_string(k_max_dialect_data_bytes / 2) + " bytes together");
  return job;
}

job_spec to_job_spec(const ct_job& job, const std::string& id, int64_t now_ms) {
  job_spec spec;
  spec.id = id;
  spec.group = job.location;
  spec.name = job.name;
  spec.schedule = job.schedule_text.empty() ? "@manually" : job.schedule_text;
  spec.exec_time_s = k_first_fire_by_schedule;  // the rules say when; creating runs nothing
  remote_target target;
  target.nodes = job.servers;
  target.command = job.cmd;
  target.env = env_pairs(job.env);
  target.allocated = true;
  spec.target = std::move(target);
  spec.timeout_ms = job.timeout_s == 0 ? k_max_timeout_ms : job.timeout_s * 1000;
  // One run of a job at a time, as Cloudtask's agent: a fire while it runs is skipped.
  spec.concurrency = concurrency_policy::forbid;
  spec.paused = !job.enabled;
  spec.dialect_data = with_dialect_section("", k_dialect_name, job.section);
  spec.created_ms = now_ms;
  spec.updated_ms = now_ms;
  return spec;
}

std::string new_cloudtask_job_id() { return random_nonce().substr(0, k_job_id_hex_digits); }

namespace {

// Go's syscall.Signal.String() for the signals a killed command usually ends by.
std::string go_signal_name(int sig) {
  switch (sig) {
    case 1: return "hangup";
    case 2: return "interrupt";
    case 3: return "quit";
    case 6: return "aborted";
    case 9: return "killed";
    case 11: return "segmentation fault";
    case 13: return "broken pipe";
    case 15: return "terminated";
    default: return "signal " + std::to_string(sig);
  }
}

bool stopped_by_action(const run_record& run) {
  return run.error.find(k_stop_action_reason) != std::string::npos;
}

}  // namespace

agent_outcome agent_outcome_of(const run_record& run) {
  if (run.state == run_state::succeeded) return {k_state_stopped, ""};
  // EXIT_STOP: the agent reports a run ended by the stop action as STATE_STOPED, without error.
  if (stopped_by_action(run)) return {k_state_stopped, ""};
  if (run.state == run_state::timed_out) return {k_state_failed, std::string(k_deadline_error)};
  // Go's exec errors after the agent's ErrExecuteException.
  constexpr std::string_view k_exception = "job execute exception:";
  int n = 0;
  if (std::sscanf(run.error.c_str(), "exit code %d", &n) == 1) return {k_state_failed, std::string(k_exception) + "exit status " + std::to_string(n)};
  if (auto sig = signal_of_error(run.error)) return {k_state_failed, std::string(k_exception) + "signal: " + go_signal_name(*sig)};
  return {k_state_failed, run.error.empty() ? run.output_tail : run.error};
}

int stat_of(const job_view& view, const job_stat& placement) {
  if (view.running > 0) return k_state_started;
  if (view.phase != job_phase::active) return k_state_stopped;
  if (!placement.allocated) return k_state_realloc;
  if (view.last_run && view.last_run->finished() && view.last_run->state != run_state::skipped)
    return agent_outcome_of(*view.last_run).stat;
  return k_state_stopped;
}

std::string time_json(int64_t unix_ms) {
  if (unix_ms <= 0) return std::string(k_zero_time);
  std::string text = format_rfc3339_utc(from_unix_ms(unix_ms), false);  // "...T02:45:00Z"
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03d", static_cast<int>(unix_ms % 1000));
  text.insert(text.size() - 1, ms);
  return text;
}

std::string moment_time_json(int64_t unix_ms) {
  std::string text = format_rfc3339_utc(from_unix_ms(std::max<int64_t>(unix_ms, 0)), false);
  text.replace(text.size() - 1, 1, "+00:00");
  return text;
}

json job_json(const job_view& view, const job_stat& placement) {
  const job_spec& spec = view.spec;
  json section = dialect_section(spec.dialect_data, k_dialect_name);
  const remote_target* remote = remote_of(spec);
  const int stat = stat_of(view, placement);
  std::string execerr;
  if (stat == k_state_failed && view.last_run) execerr = agent_outcome_of(*view.last_run).execerr;
  json out = {{k_mongo_id_key, job_object_id(spec)},
              {"jobid", spec.id},
              {"name", spec.name},
              {"location", spec.group},
              {"servers", remote ? json(remote->nodes) : json::array()},
              {"groupid", section.value("groupid", "")},
              {"filename", section.value("filename", "")},
              {"files", section.value("files", json::array())},
              {"cmd", remote ? remote->command : ""},
              {"env", remote ? env_json(remote->env) : json::array()},
              {"description", section.value("description", "")},
              {"timeout", timeout_seconds(spec)},
              {"enabled", view.phase == job_phase::paused ? 0 : 1},
              {"schedule", schedule_json(spec.schedule)},
              {"notifysetting", section.value("notifysetting", json(nullptr))},
              {"createuser", section.value("createuser", "")},
              {"createat", moment_time_json(spec.created_ms)},
              {"edituser", section.value("edituser", "")},
              {"editat", moment_time_json(spec.updated_ms)},
              {"stat", stat},
              {"execerr", execerr},
              {"execat", time_json(view.last_run ? view.last_run->start_ms : 0)},
              {"nextat", time_json(view.next_fire_ms.value_or(0))}};
  return out;
}

json job_base_json(const job_view& view, uint64_t version) {
  const job_spec& spec = view.spec;
  json section = dialect_section(spec.dialect_data, k_dialect_name);
  const remote_target* remote = remote_of(spec);
  const std::string filename = section.value("filename", "");
  return json{{"jobid", spec.id},
              {"jobname", spec.name},
              {"filename", filename},
              {"filecode", md5_hex(filename)},  // as the center: the md5 of the file's name
              {"cmd", remote ? remote->command : ""},
              {"env", remote ? env_json(remote->env) : json::array()},
              {"timeout", timeout_seconds(spec)},
              {"version", version},
              {"schedule", schedule_json(spec.schedule)}};
}

int log_stat_of(const run_record& run) { return run.state == run_state::skipped ? k_state_failed : agent_outcome_of(run).stat; }

json job_log_json(const run_record& run, const job_view* job, const std::string& ipaddr) {
  json section = job ? dialect_section(job->spec.dialect_data, k_dialect_name) : json::object();
  const remote_target* remote = job ? remote_of(job->spec) : nullptr;
  const agent_outcome outcome = agent_outcome_of(run);
  const std::string execerr = run.state == run_state::skipped ? run.error : outcome.execerr;
  return json{{k_mongo_id_key, log_object_id(run)},
              {"jobid", run.job_id},
              {"msgid", std::to_string(run.run_id)},
              {"event", execerr},  // the agent sends its execerr as the event
              {"group", section.value("groupid", "")},
              {"stat", log_stat_of(run)},
              {"location", run.group},
              {"command", remote ? remote->command : ""},
              {"workdir", ""},
              {"ipaddr", ipaddr},
              {"stdout", run.output_tail},  // stdout and stderr, merged, as the agent's tail holds them
              {"errout", ""},
              {"execerr", execerr},
              {"execat", time_json(run.start_ms)},
              {"exectimes", static_cast<double>(run.duration_ms()) / 1000.0},  // seconds, as the agent's
              {"createat", run.end_ms}};
}

}  // namespace mainspring::http::cloudtask
