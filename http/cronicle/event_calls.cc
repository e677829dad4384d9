// The event calls: get_schedule, get_event, create_event, update_event, delete_event, run_event,
// get_event_history (Cronicle's lib/api/event.js).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <variant>

#include "core/schedule.h"
#include "core/time_zone.h"
#include "http/cronicle/calls.h"
#include "http/cronicle/categories.h"
#include "http/cronicle/custom_plugins.h"
#include "http/cronicle/job_json.h"
#include "http/cronicle/js_values.h"
#include "http/cronicle/list_paging.h"
#include "http/cronicle/plugins.h"
#include "http/cronicle/run_changes.h"
#include "http/cronicle/validation.h"
#include "http/dialect_data.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

void send(const responder& reply, const api_error& e) { reply.send(failure(e)); }

// The text of a criterion Cronicle tests as `if (params.id)`: "" when it is missing or falsy.
std::string text_param(const json& params, const char* name) {
  auto it = params.find(name);
  return it == params.end() || !js_truthy(*it) ? "" : js_text(*it);
}

// The event by params.id, else by params.title (Cronicle's listFind criteria); the newest of
// several with that title.
void find_event(scheduler_api& api, const state_ptr& s, const json& params, const responder& reply,
                std::function<void(job_view)> found) {
  std::string id = text_param(params, "id"), title = text_param(params, "title");
  if (id.empty() && title.empty()) return send(reply, {"event", "Failed to locate event: No criteria specified"});
  auto missing = api_error{"event", "Failed to locate event: " + (id.empty() ? title : id)};
  if (!id.empty()) {
    if (!matches(param_rule::word, id)) return send(reply, missing);
    return api.job_detail(s->events.group, id, [reply, missing, found](status_or<job_view> v) {
      if (!v.ok()) return send(reply, missing);
      found(std::move(v).value());
    });
  }
  api.list_jobs(s->events.group, [reply, missing, found, title](status_or<std::vector<job_view>> views) {
    if (!views.ok()) return send(reply, missing);
    const job_view* best = nullptr;
    for (const auto& v : *views)
      if (v.spec.name == title && (!best || v.spec.created_ms >= best->spec.created_ms)) best = &v;
    if (!best) return send(reply, missing);
    found(*best);
  });
}

// The plugin and category of a complete event exist ("Failed to <verb> event: Plugin not found").
std::optional<api_error> check_references(const scheduler_api& api, const state_ptr& s, const event_context& ctx,
                                          const json& event, std::string_view verb) {
  // Fields read in place (validate_event_data made plugin and category strings when present).
  const std::string_view plugin = string_in_place(event, "plugin");
  const plugin_info* p = find_plugin(plugin);
  const json* custom = !p && ctx.plugins ? ctx.plugins->find(plugin) : nullptr;
  if (!p && !custom)
    return api_error{"event", "Failed to " + std::string(verb) + " event: Plugin not found: " + std::string(plugin)};
  static const json k_no_params = json::object();
  auto params = event.find("params");
  const json& given = params == event.end() ? k_no_params : *params;
  if (given.is_object())
    if (auto e = p ? check_plugin_params(*p, given) : check_custom_params(*custom, given)) return e;
  const std::string_view category = string_in_place(event, "category", k_default_category);
  if (!find_category(api, s->events.group, category))
    return api_error{"event", "Failed to " + std::string(verb) + " event: Category not found: " + std::string(category)};
  return std::nullopt;
}

// The first fire at or after the minute of `cursor_s` (Cronicle's reset_cursor), or
// k_first_fire_by_schedule when that is not in the future (a past cursor is replayed:
// update_event).
int64_t first_fire_from_cursor(const job_spec& spec, const event_context& ctx, int64_t cursor_s) {
  const int64_t now_s = to_unix_ms(now_ms()) / 1000;
  if (cursor_s <= now_s) return k_first_fire_by_schedule;
  auto sched = parse_schedule(spec.schedule);
  auto zone = time_zone::find(spec.timezone.empty() ? ctx.default_timezone : spec.timezone);
  if (!sched.ok() || !zone.ok()) return k_first_fire_by_schedule;
  auto next = sched->next_after(from_unix_ms((cursor_s - cursor_s % 60) * 1000 - 1), *zone);
  return next ? to_unix_ms(*next) / 1000 : k_first_fire_by_schedule;
}

// The start of the minute after the one a disabled event's schedule stopped in (unix ms), which
// Cronicle's scheduler ticks next once the event is enabled again; 0 when that instant is
// unknown (the event was disabled before Mainspring stored it).
int64_t first_minute_after_pause_ms(int64_t paused_at_s) {
  if (paused_at_s <= 0) return 0;
  return (paused_at_s - paused_at_s % 60 + 60) * 1000;
}

// The fields a run_event asks to change for this one run (those Cronicle deletes are gone).
std::vector<std::string> run_overrides(const json& event, json params) {
  for (const char* f : {"id", "title", "catch_up", "category", "multiplex", "stagger", "detached", "queue",
                        "queue_max", "max_children", "session_id", "api_key"})
    params.erase(f);
  std::vector<std::string> differing;
  for (auto it = params.begin(); it != params.end(); ++it) {
    json current = event.contains(it.key()) ? event[it.key()] : json();
    if (it.key() == "params" && it->is_object() && current.is_object()) {
      json sparse = current;
      for (auto p = it->begin(); p != it->end(); ++p) sparse[p.key()] = *p;
      if (sparse != current) differing.push_back(it.key());
      continue;
    }
    if (*it != current && js_text(*it) != js_text(current)) differing.push_back(it.key());
  }
  return differing;
}

void answer_history(const responder& reply, std::vector<run_record> runs, const json& event, int64_t timeout_ms,
                    const std::vector<retry_due>& retries_due, const std::string& hostname,
                    std::optional<int64_t> offset, std::optional<int64_t> limit, const category_shown& category,
                    const plugin_catalog& plugins) {
  fold_retries(runs);  // a job retried shows once, when its last try ends
  std::erase_if(runs, [&](const run_record& r) { return !r.finished() || awaits_retry(r, retries_due); });
  order_by_completion(runs);
  const auto total = static_cast<int64_t>(runs.size());
  const list_page page = list_get_page(total, offset, limit);
  if (page.out_of_range || !total) return reply.send(success({{"rows", json::array()}, {"list", {{"length", 0}}}}));
  json rows = json::array();
  for (int64_t i = page.from; i < page.to; ++i) {
    rows.push_back(history_row(runs[static_cast<std::size_t>(i)], event, timeout_ms, hostname));
    rows.back()["category_title"] = category.title;
    plugins.show(rows.back(), /*job_fields=*/false);
  }
  reply.send(success({{"rows", std::move(rows)}, {"list", unshifted_list_header(total)}}));
}

}  // namespace

namespace {

json schedule_answer(const std::vector<job_view>& page, const state_ptr& s, int64_t total) {
  json rows = json::array();
  for (const auto& v : page) rows.push_back(event_json(v, s->events));
  return {{"rows", std::move(rows)}, {"list", unshifted_list_header(total)}};
}

}  // namespace

// Newest first, as Cronicle lists its schedule: by event id, last first (the ids Cronicle and
// Mainspring make are time-ordered; an id a client chose sorts by its text). The page is
// Cronicle's items.slice(offset, offset + limit) of the whole schedule (list_paging.h): a page
// from a non-negative offset is read in O(page) from the group's id order; another (a negative
// bound, limit 0 for all of them) reads every event.
void get_schedule(scheduler_api& api, const state_ptr& s, call_args a) {
  const auto offset = list_param(a.params, "offset", 0);
  // The document's default is 50 events; an explicit 0 is Cronicle's code's "all of them".
  const auto limit = a.params.contains("limit") ? list_param(a.params, "limit", 0) : std::optional<int64_t>(50);
  auto empty = [reply = a.reply] { reply.send(success({{"rows", json::array()}, {"list", {{"length", 0}}}})); };
  if (offset && *offset >= 0 && limit && *limit > 0 && *limit <= static_cast<int64_t>(k_max_page_jobs)) {
    job_page_query query;
    query.offset = static_cast<std::size_t>(*offset);
    query.limit = static_cast<std::size_t>(*limit);
    query.sort = job_page_query::order::id_desc;
    return api.list_jobs_page(s->events.group, query, [s, reply = a.reply, empty](status_or<job_page> page) {
      if (!page.ok()) return empty();
      reply.send(success(schedule_answer(page->jobs, s, static_cast<int64_t>(page->total))));
    });
  }
  api.list_jobs(s->events.group, [s, reply = a.reply, offset, limit, empty](status_or<std::vector<job_view>> views) {
    if (!views.ok()) return empty();
    const auto total = static_cast<int64_t>(views->size());
    std::reverse(views->begin(), views->end());  // the list is in id order
    const list_page p = slice_page(total, offset, limit);
    std::vector<job_view> page(std::make_move_iterator(views->begin() + p.from),
                               std::make_move_iterator(views->begin() + p.to));
    reply.send(success(schedule_answer(page, s, total)));
  });
}

void get_event(scheduler_api& api, const state_ptr& s, call_args a) {
  find_event(api, s, a.params, a.reply, [&api, s, a](job_view v) {
    json event = event_json(v, s->events);
    json answer = {{"event", event}};
    // Cronicle's eventQueue count: the event's jobs waiting for a place under its max_children.
    if (js_truthy(event.value("queue", json(0)))) answer["queue"] = v.waiting;
    if (v.running == 0) return a.reply.send(success(std::move(answer)));
    active_jobs(api, s, v, [a, answer](std::vector<active_job> active) mutable {
      json jobs = json::array();
      for (auto& j : active) jobs.push_back(std::move(j.job));
      if (!jobs.empty()) answer["jobs"] = std::move(jobs);
      a.reply.send(success(std::move(answer)));
    });
  });
}

void create_event(scheduler_api& api, const state_ptr& s, call_args a) {
  json& event = a.params;
  if (auto e = prepare_new_event(event, s->events)) return send(a.reply, *e);
  std::string id = event.contains("id") ? normalized_event_id(js_text(event["id"])) : "";
  if (id.empty()) id = new_event_id();
  const event_context ctx = with_plugins(s->events, api);
  if (auto e = check_references(api, s, ctx, event, "create")) return send(a.reply, *e);
  std::string title = event.value("title", "");
  auto spec = to_job_spec(merged_event(json::object(), std::move(event)), ctx, id);
  if (!spec.ok()) return send(a.reply, spec.error());
  a.origin.detail = std::move(title);
  api.add_job(std::move(a.origin), std::move(*spec), [reply = std::move(a.reply), id](status_or<std::string> added) {
    if (!added.ok()) {
      if (added.status().code() == status_code::already_exists)
        return send(reply, {"event", "Failed to create event: Event already exists: " + id});
      return send(reply, {"event", "Failed to create event: " + added.status().message()});
    }
    reply.send(success_with("id", id));
  });
}

namespace {

// update_event after the edit: the enabled flag, the replay of missed minutes, then abort_jobs.
// `rewind_from_ms`: the instant a past reset_cursor replays from (0 = none given);
// `cursor_first_s`: the first fire a future reset_cursor asks for (else k_first_fire_by_schedule).
void finish_update(scheduler_api& api, const state_ptr& s, call_args a, job_view before, job_view after,
                   int64_t rewind_from_ms, int64_t cursor_first_s) {
  auto& params = a.params;
  const std::string id = after.spec.id;
  auto answer_ok = [reply = a.reply](auto&&...) { reply.send(success()); };
  const std::string title = after.spec.name;
  auto then_abort = [&api, s, a, id, title, answer_ok](bool disabled) {
    if (disabled && js_truthy(a.params.value("abort_jobs", json(0)))) {
      request_origin origin = a.origin;
      origin.detail = "Event '" + title + "' has been disabled.";  // Cronicle's reason (api/event.js)
      return api.abort_job_runs(origin, s->events.group, id, [answer_ok](status_or<std::size_t>) { answer_ok(); });
    }
    answer_ok();
  };
  // Runs the fires planned after `since_ms` as missed ones (none when 0), then `next`: the job
  // must be active by then, or nothing runs.
  auto replay_then = [&api, s, origin = a.origin, id](int64_t since_ms, std::function<void()> next) {
    if (since_ms <= 0) return next();
    api.replay_job_fires(origin, s->events.group, id, since_ms, [next](status_or<std::size_t>) { next(); });
  };
  const bool paused = before.phase == job_phase::paused;
  const bool enable = params.contains("enabled") ? js_truthy(params["enabled"]) : !paused;
  if (enable && paused) {
    // Cronicle's scheduler skips a disabled event without moving its cursor: enabled again, a
    // catch_up event runs every fire of the minutes it stood still, or from a reset_cursor given
    // with it; a future one moves the cursor past them (the edit kept it, as the job was paused).
    const bool cursor_ahead = cursor_first_s != k_first_fire_by_schedule;
    int64_t since_ms = rewind_from_ms;
    if (!since_ms && !cursor_ahead && after.spec.misfire == misfire_policy::all)
      if (const int64_t from_ms = first_minute_after_pause_ms(before.spec.paused_at_s)) since_ms = from_ms - 1;
    return api.activate_job(a.origin, s->events.group, id, cursor_first_s,
                            [then_abort, replay_then, reply = a.reply, id, since_ms](status st) {
                              if (!st.ok()) return send(reply, event_error(st, "update", id));
                              replay_then(since_ms, [then_abort] { then_abort(false); });
                            });
  }
  if (!enable && !paused)
    return api.pause_job(a.origin, s->events.group, id, [then_abort, reply = a.reply, id](status st) {
      if (!st.ok()) return send(reply, event_error(st, "update", id));
      then_abort(true);
    });
  // A disabled event keeps its cursor for when it is enabled: nothing is replayed now.
  replay_then(enable ? rewind_from_ms : 0, [then_abort, enable] { then_abort(!enable); });
}

}  // namespace

void update_event(scheduler_api& api, const state_ptr& s, call_args a) {
  if (auto e = require_params(a.params, {{"id", param_rule::word}})) return send(a.reply, *e);
  if (auto e = validate_event_data(a.params)) return send(a.reply, *e);
  if (auto e = validate_reset_cursor(a.params)) return send(a.reply, *e);
  if (js_truthy(a.params.value("abort_jobs", json(0)))) {
    // Cronicle asks abort_events as well for abort_jobs; the listener checked edit_events.
    if (api_key_registry* keys = s->keys.load()) {
      key_check c = keys->check(std::string(k_dialect_name), a.presented_key, privilege::abort_events);
      if (!c.verdict.ok())
        return send(a.reply, privilege_refusal(key_title(s, c.key_id), "abort_events"));
    }
  }
  const std::string id = js_text(a.params["id"]);
  api.job_detail(s->events.group, id, [&api, s, a, id](status_or<job_view> before) {
    if (!before.ok()) return send(a.reply, {"event", "Failed to locate event: " + id});
    json merged = merged_event(event_json(*before, s->events), a.params);
    const event_context plugins_ctx = with_plugins(s->events, api);
    if (auto e = check_references(api, s, plugins_ctx, merged, "update")) return send(a.reply, *e);
    auto checked = to_job_spec(merged, plugins_ctx, id);
    if (!checked.ok()) return send(a.reply, checked.error());

    auto refusal = std::make_shared<std::optional<api_error>>();
    job_patch patch;
    // Merged again inside the job, against the job as it is then, so that concurrent edits
    // through any API are not lost.
    patch.edit = [params = a.params, ctx = plugins_ctx, id, refusal](job_spec& current) -> status {
      job_view now;
      now.spec = current;
      now.phase = current.paused ? job_phase::paused : job_phase::active;
      auto rebuilt = to_job_spec(merged_event(event_json(now, ctx), params), ctx, id);
      if (!rebuilt.ok()) {
        *refusal = rebuilt.error();
        return status::invalid_argument(rebuilt.error().description);
      }
      current.name = rebuilt->name;
      current.schedule = rebuilt->schedule;
      current.timezone = rebuilt->timezone;
      current.target = rebuilt->target;
      current.timeout_ms = rebuilt->timeout_ms;
      current.retries = rebuilt->retries;
      current.retry_delay_ms = rebuilt->retry_delay_ms;
      current.concurrency = rebuilt->concurrency;
      current.misfire = rebuilt->misfire;
      current.controls = rebuilt->controls;
      current.dialect_data = with_dialect_section(current.dialect_data, k_dialect_name,
                                                  dialect_section(rebuilt->dialect_data, k_dialect_name));
      return {};
    };
    // A past cursor: once edited, the event's fires since its minute run again (a catch_up event
    // runs each; Cronicle's scheduler walks its cursor up to now).
    int64_t rewind_from_ms = 0;
    int64_t cursor_first_s = k_first_fire_by_schedule;
    if (a.params.contains("reset_cursor")) {
      const int64_t cursor_s = list_param(a.params, "reset_cursor", 0).value_or(0);  // checked before
      cursor_first_s = first_fire_from_cursor(*checked, s->events, cursor_s);
      patch.exec_time_s = cursor_first_s;
      if (cursor_s > 0 && cursor_s * 1000 <= to_unix_ms(now_ms())) rewind_from_ms = (cursor_s - cursor_s % 60) * 1000 - 1;
    } else if (a.params.contains("timing") || a.params.contains("timezone"))
      patch.exec_time_s = k_first_fire_by_schedule;  // re-plans from the new timing
    request_origin origin = a.origin;
    origin.detail = merged.value("title", "");
    api.edit_job(origin, s->events.group, id, std::move(patch),
                 [&api, s, a, id, refusal, before = *before, rewind_from_ms, cursor_first_s](status_or<job_view> after) {
                   if (!after.ok()) {
                     if (*refusal) return send(a.reply, **refusal);
                     return send(a.reply, event_error(after.status(), "update", id));
                   }
                   finish_update(api, s, a, before, std::move(after).value(), rewind_from_ms, cursor_first_s);
                 });
  });
}

void delete_event(scheduler_api& api, const state_ptr& s, call_args a) {
  if (auto e = require_params(a.params, {{"id", param_rule::word}})) return send(a.reply, *e);
  const std::string id = js_text(a.params["id"]);
  api.job_detail(s->events.group, id, [&api, s, a, id](status_or<job_view> v) {
    if (!v.ok()) return send(a.reply, {"event", "Failed to locate event: " + id});
    if (v->running > 0) return send(a.reply, {"event", "Failed to delete event: Still has running jobs"});
    request_origin origin = a.origin;
    origin.detail = v->spec.name;
    api.delete_job(origin, s->events.group, id, [reply = a.reply, id](status st) {
      if (!st.ok()) return send(reply, event_error(st, "delete", id));
      reply.send(success());
    });
  });
}

namespace {

// Cronicle's words for a launch the core refused by the event's category (its run pool):
// "Maximum of N jobs already running for category: T", "Category 'T' is disabled."; nullopt for
// another refusal.
std::optional<std::string> category_failure(const scheduler_api& api, const state_ptr& s, const status& st) {
  const std::string_view text = st.message();
  const bool full = text.starts_with("pool_full: "), disabled = text.starts_with("pool_disabled: ");
  if (!full && !disabled) return std::nullopt;
  const std::string id(text.substr(text.find(' ') + 1));
  auto pool = find_category(api, s->events.group, id);
  const std::string title = pool ? category_title(*pool) : id;
  if (disabled) return "Category '" + title + "' is disabled.";
  const int max = pool ? pool->max_running : 0;
  return "Maximum of " + std::to_string(max) + (max == 1 ? " job" : " jobs") + " already running for category: " + title;
}

// Cronicle's words for a launch the core refused: a job at its max_children
// ("Maximum of N jobs already running for event: T") or with its queue full.
std::string launch_failure(const status& st, const job_controls& c, const std::string& title) {
  if (st.code() != status_code::resource_exhausted) return st.message();
  if (st.message().starts_with("queue_max:"))
    return "Job could not be queued: Event queue reached max of " + std::to_string(c.queue_max ? c.queue_max : c.queue_capacity()) + " items";
  return "Maximum of " + std::to_string(c.max_running) + (c.max_running == 1 ? " job" : " jobs") +
         " already running for event: " + title;
}

// A run's own fields that make no job: a Plugin that does not exist is refused by Cronicle's
// launchJob, so run_event words it as a failed launch ("Failed to launch event: Plugin not
// found: x"); the other refusals (a malformed value) are the fields' own, as Cronicle's.
api_error launch_refusal(api_error e) {
  if (e.code == "event" && e.description.starts_with("Plugin not found: "))
    e.description = "Failed to launch event: " + e.description;
  return e;
}

// run_event's `now`: the time the job stands for (its `now`, JOB_NOW), unix seconds, a fraction
// or a numeric string too (Cronicle's UI sends time_now(), and a chosen time on shift-click); 0
// when absent or false (now). Cronicle takes any value and later computes with it; here a value
// that is not a time is refused.
std::variant<int64_t, api_error> as_of_ms_of(const json& params) {
  auto it = params.find("now");
  if (it == params.end() || !js_truthy(*it)) return int64_t{0};
  std::optional<double> seconds;
  if (it->is_number()) seconds = it->get<double>();
  if (it->is_string()) {
    const std::string& text = it->get_ref<const std::string&>();
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() && std::string_view(end).find_first_not_of(" \t\r\n") == std::string_view::npos) seconds = v;
  }
  if (!seconds || !std::isfinite(*seconds) || *seconds < 0 || *seconds > static_cast<double>(k_max_exec_time_s))
    return api_refusal("Malformed now parameter: must be a unix time in seconds");
  return static_cast<int64_t>(std::llround(*seconds * 1000));
}

}  // namespace

namespace {

// The API key that asked, as the run keeps it (Cronicle's source "API Key (<title>)"); null when
// no key asked (keys not required) or its title is not known.
std::shared_ptr<const run_cause> asked_by(const state_ptr& s, const request_origin& origin) {
  if (origin.key_id.empty()) return nullptr;
  auto title = stored_key_title(s, origin.key_id);
  return title ? std::make_shared<const run_cause>(run_cause{.by = std::move(*title)}) : nullptr;
}

}  // namespace

void run_event(scheduler_api& api, const state_ptr& s, call_args a) {
  if (auto e = validate_event_data(a.params)) return send(a.reply, *e);
  auto as_of = as_of_ms_of(a.params);
  if (auto* e = std::get_if<api_error>(&as_of)) return send(a.reply, *e);
  find_event(api, s, a.params, a.reply, [&api, s, a, as_of_ms = std::get<int64_t>(as_of)](job_view v) {
    json event = event_json(v, s->events);
    // The fields that shape this run (run_changes.h) make it a run with fields of its own, kept
    // for its retries. Any other (notes, target, notify_*, post_data, ...) has no effect on a run
    // here: `post_data` is not read by Cronicle's own Plugins either, and is not kept.
    bool shaped = false;
    for (const auto& f : run_overrides(event, a.params)) shaped |= changes_a_run(f, run_fields::at_launch);
    const std::string id = v.spec.id;
    auto answer = [&api, s, reply = a.reply, id, title = v.spec.name, controls = v.spec.controls, waiting = v.waiting](status_or<uint64_t> run) {
      if (!run.ok()) {
        auto why = category_failure(api, s, run.status());
        return send(reply, {"event", "Failed to launch event: " + (why ? *why : launch_failure(run.status(), controls, title))});
      }
      if (*run == 0) return reply.send(success({{"ids", json::array()}, {"queue", waiting + 1}}));
      reply.send(success({{"ids", json::array({job_id_of(id, *run)})}}));
    };
    auto cause = asked_by(s, a.origin);
    if (!shaped) return api.run_job_now_as(a.origin, s->events.group, id, manual_run{as_of_ms, std::nullopt, cause}, answer);
    // The event as this run sees it: Cronicle merges the call's params over the event's (for
    // another plugin, the call's params only: the event's would be unknown to it).
    json changes = json::object();
    const bool other_plugin = a.params.contains("plugin") && js_text(a.params["plugin"]) != event.value("plugin", "");
    if (other_plugin) {
      changes["plugin"] = a.params["plugin"];
      changes["params"] = a.params.value("params", json::object());
    }
    if (auto p = a.params.find("params"); p != a.params.end() && p->is_object() && !other_plugin) {
      json merged = event.value("params", json::object());
      for (auto it = p->begin(); it != p->end(); ++it) merged[it.key()] = *it;
      changes["params"] = std::move(merged);
    }
    for (auto f = a.params.begin(); f != a.params.end(); ++f)
      if (f.key() != "params" && f.key() != "plugin" && changes_a_run(f.key(), run_fields::in_flight))
        changes[f.key()] = *f;
    auto change = run_change(event, changes, with_plugins(s->events, api), id, run_fields::at_launch);
    if (!change.ok()) return send(a.reply, launch_refusal(change.error()));
    api.run_job_now_as(a.origin, s->events.group, id, manual_run{as_of_ms, std::move(*change), std::move(cause)}, answer);
  });
}

// Cronicle deletes the event's queue and answers {code: 0}, however many jobs waited.
void flush_event_queue(scheduler_api& api, const state_ptr& s, call_args a) {
  if (auto e = require_params(a.params, {{"id", param_rule::word}})) return send(a.reply, *e);
  const std::string id = js_text(a.params["id"]);
  api.flush_job_queue(a.origin, s->events.group, id, [reply = a.reply, id](status_or<std::size_t> n) {
    if (!n.ok()) return send(reply, {"event", "Failed to locate event: " + id});
    reply.send(success());
  });
}

void get_event_history(scheduler_api& api, const state_ptr& s, call_args a) {
  if (auto e = require_params(a.params, {{"id", param_rule::word}})) return send(a.reply, *e);
  const std::string id = js_text(a.params["id"]);
  const auto offset = list_param(a.params, "offset", 0), limit = list_param(a.params, "limit", 100);
  api.job_detail(s->events.group, id, [&api, s, a, id, offset, limit](status_or<job_view> v) {
    if (!v.ok()) return send(a.reply, {"event", "Failed to locate event: " + id});
    json event = event_json(*v, s->events);
    const int64_t timeout_ms = v->spec.timeout_ms;
    api.job_executions(s->events.group, id, k_max_history_rows, 0,
                       [&api, s, a, event, timeout_ms, due = v->retries_due, offset, limit](status_or<std::vector<run_record>> runs) {
                         if (!runs.ok()) return a.reply.send(success({{"rows", json::array()}, {"list", {{"length", 0}}}}));
                         const category_shown category =
                             category_titles(api, s->events.group).of(js_text(event.value("category", json(""))));
                         answer_history(a.reply, std::move(runs).value(), event, timeout_ms, due, s->hostname, offset, limit,
                                        category, *group_plugins(api, s->events.group));
                       });
  });
}

}  // namespace mainspring::http::cronicle
