#include "http/cronicle/job_json.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <tuple>

#include <cctype>

#include "core/progress_lines.h"  // reported_object
#include "core/readable_units.h"
#include "core/shell_exit.h"
#include "core/usage_json.h"
#include "http/cronicle/event_json.h"
#include "http/cronicle/plugins.h"
#include "http/http_message.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

constexpr std::string_view k_aborted_prefix = "aborted: ";

double seconds_of(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

std::string plugin_of(const json& event) {
  return event.is_object() && event.contains("plugin") && event["plugin"].is_string() ? event["plugin"].get<std::string>() : "";
}

std::string title_of(const json& event, const char* field) {
  return event.is_object() && event.contains(field) && event[field].is_string() ? event[field].get<std::string>() : "";
}

}  // namespace

int64_t job_now_s(const run_record& run) {
  const int64_t ms = run.plan_ms > 0 ? run.plan_ms : run.start_ms;
  return ms / 1000;  // unix ms are positive: whole seconds, as Cronicle's Tools.timeNow(true)
}

std::string job_id_of(std::string_view event_id, uint64_t run_id) {
  return "j" + std::string(event_id) + "_" + std::to_string(run_id);
}

std::optional<std::pair<std::string, uint64_t>> parse_job_id(std::string_view job_id) {
  if (job_id.size() < 4 || job_id.front() != 'j') return std::nullopt;
  auto sep = job_id.rfind('_');
  if (sep == std::string_view::npos || sep < 2 || sep + 1 >= job_id.size() || job_id.size() - sep - 1 > 20)
    return std::nullopt;
  std::string event(job_id.substr(1, sep - 1));
  uint64_t run = 0;
  for (char c : job_id.substr(sep + 1)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    uint64_t next = run * 10 + static_cast<uint64_t>(c - '0');
    if (next / 10 != run) return std::nullopt;  // overflow
    run = next;
  }
  for (char c : event)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return std::nullopt;
  if (run == 0) return std::nullopt;
  return std::pair{std::move(event), run};
}

namespace {

// The name of the signal that ended a script, or "" when none did (or it has no name).
std::string ending_signal(const run_record& run) {
  auto sig = signal_of_error(run.error);
  return sig ? signal_name(*sig) : std::string();
}

}  // namespace

json job_code(const run_record& run, std::string_view plugin) {
  switch (run.state) {
    case run_state::running:
    case run_state::succeeded: return 0;
    case run_state::timed_out:
    case run_state::skipped: return 1;
    case run_state::failed: break;
  }
  if (run.error.starts_with(k_aborted_prefix)) return 1;
  if (plugin == k_url_plugin) return run.code >= 400 ? run.code : 1;
  if (std::string sig = ending_signal(run); !sig.empty()) return sig;
  return run.code != 0 ? run.code : 1;
}

namespace {

// The limit a timed-out run had: the executors record it ("timed out after N ms"); a run with a
// timeout of its own (run_event's) differs from its event's.
int64_t limit_of_timed_out(const run_record& run, int64_t event_timeout_ms) {
  static constexpr std::string_view k_prefix = "timed out after ";
  auto at = run.error.find(k_prefix);
  if (at == std::string::npos) return event_timeout_ms;
  int64_t ms = 0;
  auto digits = std::string_view(run.error).substr(at + k_prefix.size());
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), ms);
  return ec == std::errc() && ms > 0 ? ms : event_timeout_ms;
}

}  // namespace

std::string job_description(const run_record& run, std::string_view plugin, int64_t timeout_ms) {
  switch (run.state) {
    case run_state::running: return "";
    case run_state::succeeded:
      if (plugin == k_url_plugin) return "Success (HTTP " + std::to_string(run.code) + " " + reason_phrase(run.code) + ")";
      return "";
    case run_state::timed_out:
      return "Job Aborted: Exceeded maximum run time (" + text_from_seconds(limit_of_timed_out(run, timeout_ms) / 1000) + ")";
    case run_state::skipped: return run.error.empty() ? "Job skipped" : run.error;
    case run_state::failed: break;
  }
  if (run.error.starts_with(k_aborted_prefix)) {
    std::string why = run.error.substr(k_aborted_prefix.size());
    if (!why.empty()) why[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(why[0])));
    return "Job Aborted: " + why;
  }
  if (plugin == k_url_plugin) return run.error.empty() ? "HTTP " + std::to_string(run.code) + " " + reason_phrase(run.code) : run.error;
  // A description the script reported (its JSON `complete`), or why it could not run, as it is.
  if (!run.error.empty() && !is_exit_error(run.error)) return run.error;
  std::string sig = ending_signal(run);
  if (run.code != 0 || !sig.empty()) {
    // Cronicle's shellplug adds the first line of the script's stderr (read apart for it).
    std::string text = "Script exited with code: " + (sig.empty() ? std::to_string(run.code) : sig);
    if (auto line = stderr_line_of(run.error); !line.empty()) text.append(": ").append(line);
    return text;
  }
  return run.error.empty() ? "Unknown Error" : run.error;
}

namespace {

// A run's target that a Cronicle event shows: a shellplug script (its params.script).
bool shows_as_script(const executor_target& target) {
  const auto* shell = std::get_if<shell_target>(&target);
  return shell && script_of_command(shell->command).has_value();
}

}  // namespace

json event_as_run(const job_view& event, const job_view& run, const event_context& ctx) {
  json shown = event_json(run, ctx);
  // Fields event_json reads from the event as it was given (its dialect section), not the spec.
  if (run.spec.timeout_ms != event.spec.timeout_ms) shown["timeout"] = run.spec.timeout_ms / 1000;
  const job_controls& mine = run.spec.controls;
  const job_controls& its = event.spec.controls;
  if (mine.on_success != its.on_success) shown["chain"] = mine.on_success;
  if (mine.on_failure != its.on_failure) shown["chain_error"] = mine.on_failure;
  if (mine.hook_url != its.hook_url) shown["web_hook"] = mine.hook_url;
  if (!shows_as_script(run.spec.target)) shown["params"] = event_json(event, ctx)["params"];
  return shown;
}

namespace {

// What started the job, as Cronicle's run_event and chainReaction write it on the job: `source`,
// and for a chained job the run it follows (source_event, source_job), how that ended
// (chain_code, chain_description) and the chain_data its script reported ({} when none). A retry
// keeps them, as Cronicle relaunches the same job. Never the key itself (Cronicle also writes
// `api_key`, the secret, on the job).
void add_source(json& job, const run_record& run) {
  const run_cause* cause = run.cause.get();
  if (cause && !cause->after_job.empty()) {
    run_record before;
    before.state = cause->after_state;
    before.code = cause->after_code;
    before.error = cause->after_error;
    const std::string_view plugin =
        cause->after_kind == static_cast<uint8_t>(executor_kind::http) ? k_url_plugin : k_shell_plugin;
    job["source"] = "Chain Reaction (" + cause->after_name + ")";
    job["source_event"] = cause->after_job;
    job["source_job"] = job_id_of(cause->after_job, cause->after_run_id);
    job["chain_code"] = job_code(before, plugin);
    job["chain_description"] = job_description(before, plugin, 0);
    json data = json::parse(cause->after_data, nullptr, /*allow_exceptions=*/false);
    job["chain_data"] = data.is_discarded() ? json::object() : std::move(data);
    return;
  }
  if (cause && !cause->by.empty()) {
    job["source"] = "API Key (" + cause->by + ")";
    return;
  }
  if (run.trigger == run_trigger::manual) job["source"] = "Manual (API)";
  if (run.trigger == run_trigger::parent) job["source"] = "Chain Reaction";
}

// What the run's script reported of itself (run_record::reported: its JSON reports' perf, table,
// html, label, chain*, notify_*, a success's description, a code that is not an integer, its
// stderr as html "Error Output"), as an object; empty for nearly every run.
json reported_of(const std::shared_ptr<const std::string>& text) {
  return text == nullptr ? json::object() : reported_object(*text);
}
json reported_of(const run_record& run) { return reported_of(run.reported); }

}  // namespace

json job_json(const run_record& run, const json& event, int64_t timeout_ms, const std::string& hostname, int64_t now_ms,
              const std::optional<run_live>& live) {
  json job = event.is_object() ? event : json::object();
  const std::string plugin = plugin_of(event);
  const plugin_info* info = find_plugin(plugin);
  const std::string event_id = event.is_object() && event.contains("id") ? event["id"].get<std::string>() : run.job_id;
  job["id"] = job_id_of(run.job_id, run.run_id);
  job["event"] = event_id;
  job["event_title"] = title_of(event, "title");
  job["plugin_title"] = info ? std::string(info->title) : plugin;
  job["category_title"] = std::string(k_category_title);
  job["hostname"] = run.node.empty() ? hostname : run.node;
  job["nice_target"] = job["hostname"];
  add_source(job, run);
  if (run.attempt > 0) {
    job["retry_num"] = run.attempt;
    // Cronicle counts a retried job's retries down as it relaunches it.
    if (auto it = job.find("retries"); it != job.end() && it->is_number_integer())
      *it = std::max<int64_t>(0, it->get<int64_t>() - run.attempt);
  }
  job["time_start"] = seconds_of(run.start_ms);
  job["now"] = job_now_s(run);
  job["log_file"] = "";
  job["pid"] = 0;
  job["cpu"] = json::object();
  job["mem"] = json::object();
  job["log_file_size"] = run.output_tail.size();
  job.erase("api_key");
  if (!run.finished()) {
    job["progress"] = live ? live->progress : 0.0;
    if (live) job["pid"] = live->pid;
    if (live && live->cpu.count) job["cpu"] = usage_json(live->cpu, false);
    if (live && live->mem.count) job["mem"] = usage_json(live->mem, true);
    // What its reports set so far, as Cronicle sets each on the job as it arrives.
    if (live) {
      json reported = reported_of(live->reported);
      for (auto& [key, value] : reported.items()) job[key] = std::move(value);
    }
    job["elapsed"] = seconds_of(std::max<int64_t>(0, now_ms - run.start_ms));
    return job;
  }
  job["progress"] = 1;
  job["complete"] = 1;
  job["code"] = job_code(run, plugin);
  job["description"] = job_description(run, plugin, timeout_ms);
  job["perf"] = "";
  // Cronicle sets each key a report gave on the job (handleChildResponse): they replace the
  // event's (chain, chain_error, notify_*) and the incoming chain_data.
  json reported = reported_of(run);
  for (auto& [key, value] : reported.items()) job[key] = std::move(value);
  job["time_end"] = seconds_of(run.end_ms);
  job["elapsed"] = seconds_of(run.duration_ms());
  // The limit the run was cut at, as the executor's text keeps it: the run's own (run_event's or
  // update_job's) even in a record stored before records kept a run's own fields.
  if (run.state == run_state::timed_out) job["timeout"] = limit_of_timed_out(run, timeout_ms) / 1000;
  return job;
}

std::map<uint64_t, uint64_t> first_tries(const std::vector<run_record>& runs) {
  std::vector<const run_record*> by_id;
  by_id.reserve(runs.size());
  for (const auto& r : runs) by_id.push_back(&r);
  std::sort(by_id.begin(), by_id.end(), [](const run_record* a, const run_record* b) { return a->run_id < b->run_id; });
  struct chain {
    uint64_t first = 0;
    int last_attempt = 0;
  };
  std::map<std::tuple<std::string_view, int64_t, std::string_view>, chain> open;  // job, plan, node
  std::map<uint64_t, uint64_t> out;
  for (const run_record* r : by_id) {
    auto& c = open[{r->job_id, r->plan_ms, r->node}];
    const bool continues = is_retry(*r) && c.first != 0 && c.last_attempt == r->attempt - 1;
    if (!continues) c.first = r->run_id;
    c.last_attempt = r->attempt;
    out[r->run_id] = c.first;
  }
  return out;
}

void fold_retries(std::vector<run_record>& runs) {
  const auto first = first_tries(runs);
  std::map<uint64_t, uint64_t> last;  // first try -> its chain's last run id
  for (const auto& [run, head] : first) last[head] = std::max(last[head], run);
  std::erase_if(runs, [&](const run_record& r) { return last.at(first.at(r.run_id)) != r.run_id; });
  for (auto& r : runs) r.run_id = first.at(r.run_id);
}

bool is_retry(const run_record& run) { return run.trigger == run_trigger::retry && run.attempt > 0; }

bool retry_follows(const retry_due& retry, const run_record& run) { return retry.after_run_id == run.run_id; }

bool awaits_retry(const run_record& run, const std::vector<retry_due>& due) {
  if (!run.finished() || run.state == run_state::succeeded) return false;
  return std::any_of(due.begin(), due.end(), [&](const retry_due& r) { return retry_follows(r, run); });
}

void order_by_completion(std::vector<run_record>& runs) {
  std::stable_sort(runs.begin(), runs.end(), [](const run_record& a, const run_record& b) {
    return a.end_ms != b.end_ms ? a.end_ms > b.end_ms : a.run_id > b.run_id;
  });
}

json history_row(const run_record& run, const json& event, int64_t timeout_ms, const std::string& hostname) {
  const std::string plugin = plugin_of(event);
  const plugin_info* info = find_plugin(plugin);
  json code = job_code(run, plugin);
  json row = {{"id", job_id_of(run.job_id, run.run_id)},
              {"code", code},
              {"event", run.job_id},
              {"category", title_of(event, "category").empty() ? std::string(k_default_category) : title_of(event, "category")},
              {"plugin", plugin},
              {"hostname", run.node.empty() ? hostname : run.node},
              {"time_start", seconds_of(run.start_ms)},
              {"time_end", seconds_of(run.end_ms)},
              {"elapsed", seconds_of(run.duration_ms())},
              {"perf", ""},
              {"cpu", json::object()},
              {"mem", json::object()},
              {"log_file_size", run.output_tail.size()},
              {"action", "job_complete"},
              {"epoch", run.end_ms / 1000},
              {"event_title", title_of(event, "title")},
              {"category_title", std::string(k_category_title)},
              {"plugin_title", info ? std::string(info->title) : plugin}};
  // Cronicle's stub has a description only for failures; Mainspring gives every row one, so that
  // a history row says as much as get_job_status.
  row["description"] = job_description(run, plugin, timeout_ms);
  // Of what the script reported, the stub keeps perf, label and its last cpu and mem samples (and
  // shows the job's code and description, as get_job_status does).
  json reported = reported_of(run);
  for (const char* key : {"perf", "cpu", "mem", "label", "code", "description"})
    if (auto it = reported.find(key); it != reported.end()) row[key] = std::move(*it);
  return row;
}

}  // namespace mainspring::http::cronicle
