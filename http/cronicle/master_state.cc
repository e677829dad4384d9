#include "http/cronicle/master_state.h"

#include <algorithm>
#include <variant>

#include "http/cronicle/job_json.h"
#include "http/cronicle/plugins.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

constexpr int64_t k_minute_ms = 60'000;

// The start of the minute holding `t_ms`, in unix seconds (Cronicle's normalizeTime(t, {sec: 0})).
int64_t minute_s(int64_t t_ms) {
  const int64_t floor_ms = t_ms - ((t_ms % k_minute_ms) + k_minute_ms) % k_minute_ms;
  return floor_ms / 1000;
}

// The code of the event's last job, as Cronicle's finishJob records it in state.jobCodes; none
// while that job is in flight or waits for its retry (its last try has not ended: Cronicle still
// shows the job before, which the view does not hold).
std::optional<json> last_job_code(const job_view& v) {
  if (!v.last_run || !v.last_run->finished() || awaits_retry(*v.last_run, v.retries_due)) return std::nullopt;
  // Only urlplug reads a run's code otherwise than a script's; the executor tells which it is.
  const std::string_view plugin = std::holds_alternative<http_target>(v.spec.target) ? k_url_plugin : k_shell_plugin;
  return job_code(*v.last_run, plugin);
}

}  // namespace

int64_t event_cursor_s(const job_view& v, const scheduler_state& scheduler) {
  int64_t cursor_s = minute_s(scheduler.now_ms);
  if (!scheduler.enabled && scheduler.paused_since_ms > 0)
    cursor_s = std::max(minute_s(scheduler.paused_since_ms), minute_s(v.spec.created_ms));
  else if (scheduler.enabled && v.phase == job_phase::active && v.next_fire_ms && *v.next_fire_ms <= scheduler.now_ms)
    cursor_s = std::min(cursor_s, minute_s(*v.next_fire_ms) - 60);
  // A disabled event's cursor stays where its schedule stopped, as Cronicle's scheduler skips it.
  if (v.phase == job_phase::paused && v.spec.paused_at_s > 0)
    cursor_s = std::min(cursor_s, minute_s(v.spec.paused_at_s * 1000));
  return cursor_s;
}

json master_state(const std::vector<job_view>& events, const scheduler_state& scheduler) {
  json cursors = json::object(), codes = json::object();
  for (const auto& v : events) {
    cursors[v.spec.id] = event_cursor_s(v, scheduler);
    if (auto code = last_job_code(v)) codes[v.spec.id] = std::move(*code);
  }
  return json{{"enabled", scheduler.enabled ? 1 : 0},
              {"cursors", std::move(cursors)},
              {"jobCodes", std::move(codes)},
              {"flagged_jobs", json::object()}};
}

}  // namespace mainspring::http::cronicle
