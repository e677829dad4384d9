// The Plugin calls: get_plugins, create_plugin, update_plugin, delete_plugin (Cronicle's
// lib/api/plugin.js), over the group's documents of kind k_plugin_kind (custom_plugins.h).
//
// An event of a custom Plugin holds, in its job's target, the command its Plugin gave when the
// event was last saved (custom_plugins.h). Cronicle reads the Plugin at each launch; here
// update_plugin stores the Plugin, then edits every event of it (sync_plugin_events), then
// answers: the next run of each runs the new command. A crash between the two leaves events with
// the command of before; the dialect's start (and the next update of the Plugin) edits them again.
#include <algorithm>
#include <atomic>

#include <spdlog/spdlog.h>

#include "core/time_types.h"
#include "http/cronicle/calls.h"
#include "http/cronicle/custom_plugins.h"
#include "http/cronicle/js_values.h"
#include "http/cronicle/list_paging.h"
#include "http/cronicle/plugins.h"
#include "http/cronicle/validation.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

void send(const responder& reply, const api_error& e) { reply.send(failure(e)); }

int64_t now_s() { return to_unix_ms(now_ms()) / 1000; }

api_error change_failure(std::string_view verb, const std::string& why) {
  return {"plugin", "Failed to " + std::string(verb) + " plugin: " + why};
}

// The stock Plugins map onto the executors, not onto a command: they stay as setup made them.
std::optional<api_error> stock_refusal(std::string_view id, std::string_view verb) {
  if (!find_plugin(id)) return std::nullopt;
  return change_failure(verb, "Stock Plugins cannot be changed here: " + std::string(id));
}

// The event's job with its target made again from its Plugin as `ctx` holds it; nullopt when it
// is not of a custom Plugin (or `only` is set and names another) or already runs that.
std::optional<executor_target> target_to_sync(const job_view& v, const event_context& ctx, const std::string& only) {
  const json event = event_json(v, ctx);
  const std::string plugin = event.value("plugin", "");
  if (find_plugin(plugin) || (!only.empty() && plugin != only) || !ctx.plugins->find(plugin)) return std::nullopt;
  auto rebuilt = to_job_spec(event, ctx, v.spec.id);
  if (!rebuilt.ok() || rebuilt->target == v.spec.target) return std::nullopt;
  return rebuilt->target;
}

// update_plugin's abort_jobs with the Plugin disabled: each job of it in flight or waiting for
// its retry is aborted, "Plugin '<title>' has been disabled." (Cronicle's reason).
void abort_plugin_jobs(scheduler_api& api, const state_ptr& s, request_origin origin, const std::string& id,
                       const std::string& title) {
  origin.detail = "Plugin '" + title + "' has been disabled.";
  all_active_jobs(api, s, [&api, s, origin, id](std::vector<active_job> active) {
    for (const auto& j : active)
      if (js_text(j.event.value("plugin", json(""))) == id)
        api.abort_run(origin, s->events.group, j.run.job_id, j.run.run_id, [](status_or<std::size_t>) {});
  });
}

}  // namespace

void sync_plugin_events(scheduler_api& api, const state_ptr& s, request_origin origin, std::string plugin_id,
                        std::function<void(std::size_t)> done) {
  const event_context ctx = with_plugins(s->events, api);
  api.list_jobs(s->events.group, [&api, s, origin, plugin_id, done, ctx](status_or<std::vector<job_view>> views) {
    std::vector<std::pair<std::string, std::string>> stale;  // id, title
    if (views.ok())
      for (const auto& v : *views)
        if (target_to_sync(v, ctx, plugin_id)) stale.push_back({v.spec.id, v.spec.name});
    if (stale.empty()) return done(0);
    auto left = std::make_shared<std::atomic<std::size_t>>(stale.size());
    for (const auto& [id, title] : stale) {
      job_patch patch;
      // Against the job as it is when edited: an edit of the event meanwhile is kept.
      patch.edit = [ctx, plugin_id](job_spec& current) -> status {
        job_view now;
        now.spec = current;
        now.phase = current.paused ? job_phase::paused : job_phase::active;
        if (auto target = target_to_sync(now, ctx, plugin_id)) current.target = std::move(*target);
        return {};
      };
      // Audited as the event's edit (its title, as update_event records it), not the Plugin's.
      request_origin edit_origin = origin;
      edit_origin.detail = title;
      api.edit_job(edit_origin, s->events.group, id, std::move(patch), [id = id, left, n = stale.size(), done](status_or<job_view> v) {
        if (!v.ok()) spdlog::warn("cronicle: event {} keeps its Plugin's former command: {}", id, v.status().message());
        if (left->fetch_sub(1) == 1) done(n);
      });
    }
  });
}

// Custom Plugins newest first, then setup's, as Cronicle's list holds them (setup pushed the
// stock ones, each create unshifts); paged as its listGet pages (list_paging.h).
void get_plugins(scheduler_api& api, const state_ptr& s, call_args a) {
  std::vector<json> all = group_plugins(api, s->events.group)->plugins();
  for (const auto& stock : stock_plugin_rows()) all.push_back(stock);
  const auto total = static_cast<int64_t>(all.size());
  const list_page page = list_get_page(total, list_param(a.params, "offset", 0), list_param(a.params, "limit", 0));
  if (page.out_of_range) return a.reply.send(success({{"rows", json::array()}, {"list", {{"length", 0}}}}));
  json rows = json::array();
  for (int64_t i = page.from; i < page.to; ++i) rows.push_back(std::move(all[static_cast<std::size_t>(i)]));
  a.reply.send(success({{"rows", std::move(rows)}, {"list", unshifted_list_header(total)}}));
}

void create_plugin(scheduler_api& api, const state_ptr& s, call_args a) {
  // The required fields, validateOptionalParams, the title, command and params came first
  // (before_session.h).
  json& plugin = a.params;
  std::string id = plugin.contains("id") ? normalized_event_id(js_text(plugin["id"])) : "";
  if (id.empty()) id = new_unique_id('p');
  plugin["id"] = id;
  if (!js_truthy(plugin.value("params", json()))) plugin["params"] = json::array();
  // Cronicle reads a Plugin without `enabled` as disabled; here, as a category, it is enabled
  // unless it says otherwise (README: Plugins).
  if (!plugin.contains("enabled")) plugin["enabled"] = 1;
  plugin["created"] = plugin["modified"] = now_s();
  const auto plugins = group_plugins(api, s->events.group);
  if (find_plugin(id) || plugins->find(id)) return send(a.reply, change_failure("create", "Plugin already exists: " + id));
  if (plugins->plugins().size() >= k_max_custom_plugins)
    return send(a.reply, change_failure("create", "A server holds at most " + std::to_string(k_max_custom_plugins) +
                                                      " custom Plugins"));
  a.origin.detail = js_text(plugin.value("title", json("")));
  api.put_group_document(a.origin, s->events.group, std::string(k_plugin_kind), plugin_document(plugin),
                         [reply = a.reply, id](status st) {
                           if (!st.ok()) return send(reply, change_failure("create", st.message()));
                           reply.send(success_with("id", id));
                         });
}

// The given fields merged over the Plugin's (Cronicle's listFindUpdate), `modified` now; then its
// events run what it now says (sync_plugin_events) before the answer.
void update_plugin(scheduler_api& api, const state_ptr& s, call_args a) {
  // The id, validateOptionalParams, the title, command and params came first (before_session.h).
  const std::string id = js_text(a.params["id"]);
  if (auto e = stock_refusal(id, "update")) return send(a.reply, *e);
  const auto plugins = group_plugins(api, s->events.group);
  const json* current = plugins->find(id);
  if (!current) return send(a.reply, {"event", "Failed to locate plugin: " + id});
  const bool abort_jobs = js_truthy(a.params.value("abort_jobs", json(0)));
  a.params.erase("abort_jobs");
  a.params["modified"] = now_s();
  json merged = *current;
  for (auto it = a.params.begin(); it != a.params.end(); ++it) merged[it.key()] = *it;
  const bool disabled = merged.contains("enabled") && !js_truthy(merged["enabled"]);
  const std::string title = js_text(merged.value("title", json("")));
  a.origin.detail = title;
  api.put_group_document(
      a.origin, s->events.group, std::string(k_plugin_kind), plugin_document(merged),
      [&api, s, reply = a.reply, origin = a.origin, id, title, disabled, abort_jobs](status st) {
        if (!st.ok()) return send(reply, change_failure("update", st.message()));
        sync_plugin_events(api, s, origin, id, [&api, s, reply, origin, id, title, disabled, abort_jobs](std::size_t) {
          reply.send(success());
          if (disabled && abort_jobs) abort_plugin_jobs(api, s, origin, id, title);
        });
      });
}

// Refused while an event names the Plugin, as Cronicle's listFind of the schedule refuses it.
void delete_plugin(scheduler_api& api, const state_ptr& s, call_args a) {
  const std::string id = js_text(a.params["id"]);
  if (auto e = stock_refusal(id, "delete")) return send(a.reply, *e);
  api.list_jobs(s->events.group, [&api, s, a, id](status_or<std::vector<job_view>> views) {
    if (!views.ok()) return send(a.reply, change_failure("delete", views.status().message()));
    for (const auto& v : *views)
      if (string_in_place(event_json(v, s->events), "plugin") == id)
        return send(a.reply, change_failure("delete", "Still assigned to one or more events."));
    request_origin origin = a.origin;
    const auto plugins = group_plugins(api, s->events.group);
    if (const json* p = plugins->find(id)) origin.detail = js_text(p->value("title", json("")));
    api.delete_group_document(origin, s->events.group, std::string(k_plugin_kind), id, [reply = a.reply](status st) {
      if (!st.ok()) {
        const std::string why = st.code() == status_code::not_found ? std::string(k_item_not_found) : st.message();
        return send(reply, change_failure("delete", why));
      }
      reply.send(success());
    });
  });
}

}  // namespace mainspring::http::cronicle
