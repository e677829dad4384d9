#include "http/cronicle/activity_log.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string_view>

#include "core/api_key.h"
#include "http/audit_names.h"
#include "http/cronicle/calls.h"
#include "http/cronicle/custom_plugins.h"
#include "http/cronicle/job_json.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

// What a row needs of the walk over the entries, oldest first.
struct activity_walk {
  const activity_context& ctx;
  audit_job_names event_names;
};

// Digits that always fit a uint64_t: any run id is written with at most this many.
constexpr std::size_t k_max_run_id_digits = 19;

// The run id `text` starts with after `prefix` ("run 12: reason" after "run "); nullopt when it
// names none (a launch that only queued, an abort of every run).
std::optional<uint64_t> run_id_after(std::string_view text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return std::nullopt;
  text.remove_prefix(prefix.size());
  uint64_t id = 0;
  std::size_t digits = 0;
  for (; digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])); ++digits)
    id = id * 10 + static_cast<uint64_t>(text[digits] - '0');
  if (digits == 0 || digits > k_max_run_id_digits) return std::nullopt;
  return id;
}

// The run a run's or an abort's detail names: "run 12", "run 12: reason", "run 12 with ...".
std::optional<uint64_t> leading_run_id(std::string_view detail) { return run_id_after(detail, "run "); }

// The Cronicle job a delete_runs entry names: through Cronicle's API its detail starts with the
// job id ("<job id>: runs 3 2"); otherwise ("runs 5 6") the job of the first run named.
std::optional<std::string> deleted_job_id(const audit_entry& e) {
  const auto runs = e.detail.find("runs ");
  if (runs == std::string::npos) return std::nullopt;
  if (runs > 2 && e.detail.compare(runs - 2, 2, ": ") == 0) return e.detail.substr(0, runs - 2);
  auto id = run_id_after(std::string_view(e.detail).substr(runs), "runs ");
  return id ? std::optional<std::string>(job_id_of(e.job_id, *id)) : std::nullopt;
}

// An event's row: its id and the title it had then (recorded by the entry, else as
// audit_job_names finds it). Only the Cronicle API records a title on an edit or a delete; an
// add records the job's name whatever the API.
json event_row(activity_walk& w, const audit_entry& e, const char* action) {
  std::string recorded;
  if (e.action == "job.add") recorded = e.detail;
  else if (e.api == k_dialect_name && (e.action == "job.edit" || e.action == "job.delete"))
    recorded = without_job_count(e.detail);
  json event = {{"id", e.job_id}, {"title", w.event_names.name_at(e.job_id, std::move(recorded))}};
  if (e.action == "job.pause" || e.action == "job.activate") event["enabled"] = e.action == "job.activate" ? 1 : 0;
  return {{"action", action}, {"event", std::move(event)}};
}

// An aborted job as Cronicle's log keeps its end: code 1, "Job Aborted: <reason>" (the reason the
// job actor gives the run: the caller's, else "stopped through the <api> API").
std::optional<json> aborted_job_row(const activity_walk& w, const audit_entry& e) {
  auto run_id = leading_run_id(e.detail);
  std::string reason = e.detail;
  if (run_id) {
    const auto colon = e.detail.find(": ");
    reason = colon == std::string::npos ? "" : e.detail.substr(colon + 2);
  }
  if (reason.empty()) reason = "stopped through the " + e.api + " API";
  json row = {{"action", "job_complete"}, {"event", e.job_id}, {"code", 1},
              {"description", "Job Aborted: " + reason}, {"hostname", w.ctx.hostname}};
  if (run_id) row["id"] = job_id_of(e.job_id, *run_id);
  return row;
}

std::optional<json> job_row(activity_walk& w, const audit_entry& e) {
  if (e.action == "job.add") return event_row(w, e, "event_create");
  if (e.action == "job.edit") return event_row(w, e, "event_update");
  if (e.action == "job.delete") return event_row(w, e, "event_delete");
  if (e.action == "job.pause" || e.action == "job.activate") {
    // Through Cronicle's API only update_event pauses or resumes, and its edit is the row.
    if (e.api == k_dialect_name) return std::nullopt;
    return event_row(w, e, "event_update");
  }
  if (e.action == "job.abort") return aborted_job_row(w, e);
  if (e.action == "job.run" || e.action == "job.update_run") {
    auto run_id = leading_run_id(e.detail);
    if (!run_id) return std::nullopt;
    return json{{"action", e.action == "job.run" ? "job_run" : "job_update"},
                {"id", job_id_of(e.job_id, *run_id)},
                {"event", e.job_id}};
  }
  if (e.action == "job.delete_runs") {
    auto id = deleted_job_id(e);
    if (!id) return std::nullopt;
    return json{{"action", "job_delete"}, {"id", *id}, {"event", e.job_id}};
  }
  return std::nullopt;
}

// A run pool's entry as its category's: the pool's name is the entry's detail (put_run_pool).
std::optional<json> category_row(const activity_walk& w, const audit_entry& e) {
  static const std::map<std::string, std::string, std::less<>> k_actions = {
      {"pool.add", "cat_create"}, {"pool.edit", "cat_update"}, {"pool.delete", "cat_delete"}};
  auto action = k_actions.find(e.action);
  if (action == k_actions.end()) return std::nullopt;
  // The dialect's own setup of its first category (no key asked for it), which Cronicle's setup
  // does not log either.
  if (e.api == k_dialect_name && e.key_id.empty()) return std::nullopt;
  auto title = w.ctx.category_titles.find(e.detail);
  json cat = {{"id", e.detail}, {"title", title == w.ctx.category_titles.end() ? e.detail : title->second}};
  return json{{"action", action->second}, {"cat", std::move(cat)}};
}

// An API key's entry: its detail is {id, title, privileges (names), active} (api_key_registry).
std::optional<json> api_key_row(const audit_entry& e) {
  static const std::map<std::string, std::string, std::less<>> k_actions = {
      {"apikey.create", "apikey_create"}, {"apikey.bootstrap", "apikey_create"},
      {"apikey.edit", "apikey_update"},   {"apikey.delete", "apikey_delete"}};
  auto action = k_actions.find(e.action);
  if (action == k_actions.end()) return std::nullopt;
  json kept = json::parse(e.detail, nullptr, false);
  if (!kept.is_object()) kept = json::object();
  json key = {{"id", kept.value("id", "")}, {"title", kept.value("title", "")}, {"active", kept.value("active", 1)}};
  std::vector<std::string> names;
  if (auto p = kept.find("privileges"); p != kept.end() && p->is_array())
    for (const auto& n : *p)
      if (n.is_string()) names.push_back(n.get<std::string>());
  auto granted = parse_privileges(names);
  key["privileges"] = privileges_json(granted.ok() ? *granted : privilege_set{});
  return json{{"action", action->second}, {"api_key", std::move(key)}};
}

std::optional<json> global_row(const audit_entry& e) {
  if (e.action == "scheduler.pause" || e.action == "scheduler.resume")
    return json{{"action", "state_update"}, {"enabled", e.action == "scheduler.resume" ? 1 : 0}};
  return api_key_row(e);
}

// A custom Plugin's entry (a group document of k_plugin_kind, its job id "<kind>/<plugin id>";
// plugin_calls.cc records the Plugin's title as the detail).
std::optional<json> plugin_row(const audit_entry& e) {
  static const std::map<std::string, std::string, std::less<>> k_actions = {
      {"document.add", "plugin_create"}, {"document.edit", "plugin_update"}, {"document.delete", "plugin_delete"}};
  auto action = k_actions.find(e.action);
  const std::string prefix = std::string(k_plugin_kind) + "/";
  if (action == k_actions.end() || !e.job_id.starts_with(prefix)) return std::nullopt;
  std::string id = e.job_id.substr(prefix.size());
  json plugin = {{"id", id}, {"title", e.detail.empty() ? id : e.detail}};
  return json{{"action", action->second}, {"plugin", std::move(plugin)}};
}

std::optional<json> row_of(activity_walk& w, const audit_entry& e) {
  if (e.group.empty()) return global_row(e);
  if (e.group != w.ctx.group) return std::nullopt;
  if (e.action.starts_with("pool.")) return category_row(w, e);
  if (e.action.starts_with("document.")) return plugin_row(e);
  return job_row(w, e);
}

}  // namespace

json activity_rows(const std::vector<audit_entry>& entries, const activity_context& ctx) {
  activity_walk w{ctx, audit_job_names(ctx.event_titles)};
  json rows = json::array();
  for (const audit_entry& e : entries) {
    auto row = row_of(w, e);
    if (!row) continue;
    (*row)["epoch"] = e.time_ms / 1000;
    if (!e.client_ip.empty()) (*row)["ip"] = e.client_ip;
    if (!e.key_id.empty()) {
      // Who: the key by its id (Cronicle shows its secret) and its title now, else its id. An
      // apikey_* row's api_key is the key changed, which Cronicle's logActivity overwrites with
      // the string (its UI then shows no title): kept here, the acting key named by api_title.
      auto title = ctx.key_titles.find(e.key_id);
      if (!row->contains("api_key")) (*row)["api_key"] = e.key_id;
      (*row)["api_title"] = title == ctx.key_titles.end() || title->second.empty() ? e.key_id : title->second;
    }
    rows.push_back(std::move(*row));
  }
  std::reverse(rows.begin(), rows.end());  // newest first, as listUnshift keeps logs/activity
  return rows;
}

}  // namespace mainspring::http::cronicle
