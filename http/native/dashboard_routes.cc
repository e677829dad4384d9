#include "http/native/dashboard_routes.h"

#include <charconv>
#include <string>

#include "core/job.h"
#include "core/rfc3339.h"
#include "core/schedule_preview.h"
#include "http/json_body.h"
#include "http/native/route_helpers.h"

namespace mainspring::http::native {

namespace {

using nlohmann::json;

// A missing percentile (no run started in the window) is null, not 0: nothing was late.
json optional_seconds(const std::optional<double>& s) { return s ? json(*s) : json(nullptr); }

json window_json(const activity_window& w) {
  return {{"from_ms", w.from_ms},
          {"to_ms", w.to_ms},
          {"runs", w.runs},
          {"failures", w.failures},
          {"storage_commits", w.storage_commits},
          {"runs_per_s", w.runs_per_s},
          {"failures_per_s", w.failures_per_s},
          {"storage_commits_per_s", w.storage_commits_per_s},
          {"lateness_p50_s", optional_seconds(w.lateness_p50_s)},
          {"lateness_p90_s", optional_seconds(w.lateness_p90_s)},
          {"lateness_p99_s", optional_seconds(w.lateness_p99_s)}};
}

json overview_json(const scheduler_overview& o) {
  json slots = json::array();
  for (const auto& w : o.slots) slots.push_back(window_json(w));
  return {{"time_ms", o.time_ms},
          {"groups", o.groups},
          {"jobs", {{"active", o.jobs_active}, {"paused", o.jobs_paused}, {"done", o.jobs_done},
                    {"total", o.jobs_active + o.jobs_paused + o.jobs_done}}},
          {"runs", {{"in_flight", o.runs_in_flight}, {"queued", o.runs_queued}, {"fires_held", o.fires_held}}},
          {"nodes", {{"up", o.nodes_up}, {"down", o.nodes_down}}},
          {"storage", {{"queued_batches", o.storage_queued_batches}, {"failed_writes", o.storage_failed_writes}}},
          {"scheduler", {{"enabled", o.scheduler_enabled}}},
          {"last_minute", window_json(o.last_minute)},
          {"last_hour", window_json(o.last_hour)},
          {"slot_ms", k_activity_slot_ms},
          {"slots", std::move(slots)}};
}

// ?name= as a decimal integer, `fallback` when absent.
status_or<int64_t> integer_query(const http_request& req, const std::string& name, int64_t fallback) {
  if (!req.query.contains(name)) return fallback;
  const std::string& text = req.query_value(name);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return status::invalid_argument(name + ": must be a whole number, got \"" + text.substr(0, 32) + "\"");
  return n;
}

status_or<schedule_preview_query> preview_query(const http_request& req, const scheduler_api& api) {
  schedule_preview_query q;
  q.pattern = req.query_value("pattern");
  if (q.pattern.empty()) return status::invalid_argument("interval_pattern: required (?pattern=)");
  if (q.pattern.size() > k_max_preview_pattern_bytes)
    return status::invalid_argument("interval_pattern: longer than " + std::to_string(k_max_preview_pattern_bytes) + " bytes");
  q.zone = req.query_value("tz");
  if (q.zone.empty()) q.zone = api.default_timezone();
  auto exec_time = integer_query(req, "exec_time", 0);
  if (!exec_time.ok()) return exec_time.status();
  if (*exec_time != k_first_fire_by_schedule && (*exec_time < 0 || *exec_time > k_max_exec_time_s))
    return status::invalid_argument("exec_time: must be 0 (now), -1 (the pattern's first fire) or a unix time in seconds");
  q.exec_time_s = *exec_time;
  auto count = integer_query(req, "count", static_cast<int64_t>(k_default_preview_fires));
  if (!count.ok()) return count.status();
  if (*count < 1 || *count > static_cast<int64_t>(k_max_preview_fires))
    return status::invalid_argument("count: must be between 1 and " + std::to_string(k_max_preview_fires));
  q.count = static_cast<std::size_t>(*count);
  return q;
}

json preview_json(const std::string& zone, const std::vector<int64_t>& fires) {
  json rfc = json::array();
  for (int64_t ms : fires) rfc.push_back(format_rfc3339_utc(from_unix_ms(ms), false));
  return {{"timezone", zone}, {"fires", fires}, {"fires_rfc3339", std::move(rfc)}};
}

}  // namespace

void add_dashboard_routes(router& r, scheduler_api& api) {
  r.add("GET", "/v1/stats", guarded([&api](http_request&, responder reply) {
    api.overview(answer<scheduler_overview>(reply, overview_json));
  }));
  // The scheduler as a whole: {"enabled": false} pauses every job's scheduled fires at once.
  r.add("GET", "/v1/scheduler", guarded([&api](http_request&, responder reply) {
    reply.send(success(json{{"enabled", api.scheduler_enabled()}}));
  }));
  r.add("POST", "/v1/scheduler", guarded([&api](http_request& req, responder reply) {
    auto body = parse_json_object(req.body);
    if (!body.ok()) return reply.send(failure(body.status()));
    auto enabled = bool_field(*body, "enabled");
    if (!enabled.ok()) return reply.send(failure(enabled.status()));
    if (!*enabled) return reply.send(failure(status::invalid_argument("enabled: required (true or false)")));
    api.set_scheduler_enabled(origin_of(req), **enabled, answer_ok(reply));
  }));
  r.add("GET", "/v1/schedule/preview", guarded([&api](http_request& req, responder reply) {
    auto query = preview_query(req, api);
    if (!query.ok()) return reply.send(failure(query.status()));
    auto fires = preview_fires(*query, now_ms());
    if (!fires.ok()) return reply.send(failure(fires.status()));
    reply.send(success(preview_json(query->zone, *fires)));
  }));
}

}  // namespace mainspring::http::native
