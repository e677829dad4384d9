// Cronicle's get_activity (lib/api/admin.js, an admin call: the listener admits only admin keys
// to it): a page of the activity log (activity_log.h), newest first, as listGet pages
// logs/activity. offset and limit are parseInt(x || 0) and parseInt(x || 50): 0 or "" is the
// default, a value that is not a number (NaN) reads as 0 (a NaN limit: the whole log); a
// negative offset counts from the end; a page past the end is Cronicle's empty answer,
// {rows: [], list: {length: 0}}.
//
// Example:
//   POST /api/app/get_activity/v1 {"offset": 0, "limit": 25}
//   -> {"code": 0, "rows": [{"action": "event_create", "event": {...}, "epoch": ...}, ...],
//       "list": {"length": 120, "page_size": 50, "first_page": -2, "last_page": 0, "type": "list"}}
#include <limits>

#include "http/cronicle/activity_log.h"
#include "http/cronicle/calls.h"
#include "http/cronicle/categories.h"
#include "http/cronicle/errors.h"
#include "http/cronicle/list_paging.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

// The newest audit entries of the group and the global ones read for one page, and so the most
// `length` counts: Cronicle's log grows without end, but the UI pages the newest 25 at a time
// and scripts read the latest changes.
constexpr std::size_t k_max_activity_entries = 10'000;

// Cronicle's listGet default page size for get_activity (parseInt(params.limit || 50)).
constexpr int64_t k_default_activity_limit = 50;

activity_context context_of(const scheduler_api& api, const state_ptr& s, const std::vector<job_view>& events) {
  activity_context ctx{s->events.group, {}, {}, {}, s->hostname};
  for (const auto& v : events) ctx.event_titles[v.spec.id] = v.spec.name;
  for (const auto& pool : api.run_pools(s->events.group)) ctx.category_titles[pool.name] = category_title(pool);
  if (api_key_registry* keys = s->keys.load())
    for (auto& k : keys->list()) ctx.key_titles[k.key_id] = std::move(k.title);
  return ctx;
}

http_response page_of(json rows, const json& params) {
  const auto total = static_cast<int64_t>(rows.size());
  const list_page page = list_get_page(total, list_param(params, "offset", 0),
                                       list_param(params, "limit", k_default_activity_limit));
  // Cronicle answers a failed listGet (no log yet, an offset past its end) as an empty list.
  if (total == 0 || page.out_of_range) return success({{"rows", json::array()}, {"list", {{"length", 0}}}});
  json shown = json::array();
  for (int64_t i = page.from; i < page.to; ++i) shown.push_back(std::move(rows[static_cast<std::size_t>(i)]));
  return success({{"rows", std::move(shown)}, {"list", unshifted_list_header(total)}});
}

}  // namespace

void get_activity(scheduler_api& api, const state_ptr& s, call_args a) {
  api.group_audit_log(
      {s->events.group, ""}, 0, std::numeric_limits<int64_t>::max(), k_max_activity_entries,
      [&api, s, a](status_or<std::vector<audit_entry>> entries) {
        if (!entries.ok()) return a.reply.send(failure({"activity", "Failed to load activity log: " + entries.status().message()}));
        api.list_jobs(s->events.group, [&api, s, a, entries = std::move(entries).value()](
                                           status_or<std::vector<job_view>> views) {
          const auto ctx = context_of(api, s, views.ok() ? *views : std::vector<job_view>{});
          a.reply.send(page_of(activity_rows(entries, ctx), a.params));
        });
      });
}

}  // namespace mainspring::http::cronicle
