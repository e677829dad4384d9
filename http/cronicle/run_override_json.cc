#include "http/cronicle/run_override_json.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

// The fields Cronicle's api_run_event deletes before it merges the rest over the event.
constexpr const char* k_not_for_one_run[] = {"id",    "title", "catch_up",  "category",     "multiplex", "stagger",
                                             "detached", "queue", "queue_max", "max_children", "session_id", "api_key"};

api_error launch_refusal(const std::string& why) { return {"event", "Failed to launch event: " + why}; }

}  // namespace

or_error<run_override> run_override_of(const json& event, json params, const job_spec& current,
                                       const event_context& ctx) {
  for (const char* f : k_not_for_one_run) params.erase(f);
  if (params.contains("post_data"))
    return launch_refusal("post_data cannot be passed to a job here (this server's Plugins read no job data)");
  // Sparse params: those not given keep the event's.
  if (auto p = params.find("params"); p != params.end() && p->is_object() && event.value("params", json()).is_object())
    for (auto it = event["params"].begin(); it != event["params"].end(); ++it)
      if (!p->contains(it.key())) (*p)[it.key()] = *it;
  json merged = merged_event(event, params);
  auto spec = to_job_spec(merged, ctx, current.id);
  if (!spec.ok()) return spec.error();
  if (spec->retries != current.retries || spec->retry_delay_ms != current.retry_delay_ms)
    return launch_refusal("retries and retry_delay cannot change for one run here (a job's retries are its own)");
  run_override change;
  if (!(spec->target == current.target)) change.target = spec->target;
  if (spec->timeout_ms != current.timeout_ms) change.timeout_ms = spec->timeout_ms;
  return change;
}

}  // namespace mainspring::http::cronicle
