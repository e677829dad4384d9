// The category calls: get_categories, create_category, update_category, delete_category
// (Cronicle's lib/api/category.js), over the run pools of the dialect's group (categories.h).
// Unlike Cronicle, a category created with an id that exists is refused rather than listed
// twice, and one created without `enabled` is enabled (README: Categories).
#include <algorithm>

#include "core/time_types.h"
#include "http/cronicle/calls.h"
#include "http/cronicle/categories.h"
#include "http/cronicle/js_values.h"
#include "http/cronicle/list_paging.h"
#include "http/cronicle/validation.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

void send(const responder& reply, const api_error& e) { reply.send(failure(e)); }

int64_t now_s() { return to_unix_ms(now_ms()) / 1000; }

// A pool change's refusal in Cronicle's words ("Failed to create category: ...").
api_error change_failure(const status& st, std::string_view verb) {
  return {"category", "Failed to " + std::string(verb) + " category: " + st.message()};
}

}  // namespace

// Newest first, as Cronicle's list of categories holds them (setup pushed General, each create
// unshifts); paged as its listGet pages (list_paging.h).
void get_categories(scheduler_api& api, const state_ptr& s, call_args a) {
  auto pools = api.run_pools(s->events.group);
  std::stable_sort(pools.begin(), pools.end(), [](const run_pool_spec& x, const run_pool_spec& y) {
    return x.created_ms != y.created_ms ? x.created_ms > y.created_ms : x.name < y.name;
  });
  const auto total = static_cast<int64_t>(pools.size());
  const list_page page = list_get_page(total, list_param(a.params, "offset", 0), list_param(a.params, "limit", 0));
  if (page.out_of_range) return a.reply.send(success({{"rows", json::array()}, {"list", {{"length", 0}}}}));
  json rows = json::array();
  for (int64_t i = page.from; i < page.to; ++i) rows.push_back(category_json(pools[static_cast<std::size_t>(i)]));
  a.reply.send(success({{"rows", std::move(rows)}, {"list", unshifted_list_header(total)}}));
}

void create_category(scheduler_api& api, const state_ptr& s, call_args a) {
  // The required fields, validateOptionalParams and the HTML check came first (before_session.h).
  json& cat = a.params;
  std::string id = cat.contains("id") ? normalized_event_id(js_text(cat["id"])) : "";
  if (id.empty()) id = new_category_id();
  cat["id"] = id;
  cat["created"] = cat["modified"] = now_s();
  cat.erase("abort_jobs");
  if (find_category(api, s->events.group, id))
    return send(a.reply, {"category", "Failed to create category: Category already exists: " + id});
  auto pool = category_pool(cat, "create");
  if (!pool.ok()) return send(a.reply, pool.error());
  pool->created_ms = pool->updated_ms = to_unix_ms(now_ms());  // orders the list within a second
  a.origin.detail = js_text(cat.value("title", json("")));
  api.put_run_pool(a.origin, s->events.group, std::move(*pool), [reply = a.reply, id](status st) {
    if (!st.ok()) return send(reply, change_failure(st, "create"));
    reply.send(success_with("id", id));
  });
}

namespace {

// update_category's abort_jobs with the category disabled: each job of its events in flight or
// waiting for its retry is aborted, "Category '<title>' has been disabled." (Cronicle's reason).
void abort_category_jobs(scheduler_api& api, const state_ptr& s, request_origin origin, const std::string& id,
                         const std::string& title) {
  origin.detail = "Category '" + title + "' has been disabled.";
  all_active_jobs(api, s, [&api, s, origin, id](std::vector<active_job> active) {
    for (const auto& j : active)
      if (js_text(j.event.value("category", json(std::string(k_default_category)))) == id)
        api.abort_run(origin, s->events.group, j.run.job_id, j.run.run_id, [](status_or<std::size_t>) {});
  });
}

}  // namespace

// The given fields merged over the category's (Cronicle's listFindUpdate), `modified` now.
void update_category(scheduler_api& api, const state_ptr& s, call_args a) {
  // The id, validateOptionalParams and the HTML check came first (before_session.h).
  const std::string id = js_text(a.params["id"]);
  auto current = find_category(api, s->events.group, id);
  if (!current) return send(a.reply, {"event", "Failed to locate category: " + id});
  const bool abort_jobs = js_truthy(a.params.value("abort_jobs", json(0)));
  a.params.erase("abort_jobs");
  a.params["modified"] = now_s();
  json merged = category_json(*current);
  for (auto it = a.params.begin(); it != a.params.end(); ++it) merged[it.key()] = *it;
  auto pool = category_pool(merged, "update");
  if (!pool.ok()) return send(a.reply, pool.error());
  pool->created_ms = current->created_ms;
  pool->updated_ms = to_unix_ms(now_ms());
  const bool disabled = !pool->enabled;
  const std::string title = category_title(*pool);
  a.origin.detail = title;
  api.put_run_pool(a.origin, s->events.group, std::move(*pool),
                   [&api, s, reply = a.reply, origin = a.origin, id, title, disabled, abort_jobs](status st) {
                     if (!st.ok()) return send(reply, change_failure(st, "update"));
                     reply.send(success());
                     if (disabled && abort_jobs) abort_category_jobs(api, s, origin, id, title);
                   });
}

// Refused while an event names the category, as Cronicle's listFind of the schedule refuses it.
void delete_category(scheduler_api& api, const state_ptr& s, call_args a) {
  const std::string id = js_text(a.params["id"]);
  api.list_jobs(s->events.group, [&api, s, a, id](status_or<std::vector<job_view>> views) {
    if (!views.ok()) return send(a.reply, change_failure(views.status(), "delete"));
    for (const auto& v : *views)
      if (js_text(event_json(v, s->events).value("category", json(""))) == id)
        return send(a.reply, {"plugin", "Failed to delete category: Still in use by one or more events."});
    if (!find_category(api, s->events.group, id))
      return send(a.reply, {"category", "Failed to delete category: " + std::string(k_item_not_found)});
    request_origin origin = a.origin;
    api.delete_run_pool(origin, s->events.group, id, [reply = a.reply](status st) {
      if (!st.ok()) {
        const std::string why = st.code() == status_code::not_found ? std::string(k_item_not_found) : st.message();
        return send(reply, {"category", "Failed to delete category: " + why});
      }
      reply.send(success());
    });
  });
}

}  // namespace mainspring::http::cronicle
