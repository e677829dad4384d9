#include "core/job_controls.h"

#include "core/job.h"
#include "core/run_pool.h"

namespace mainspring {

namespace {

status out_of_range(const char* field, int64_t max) {
  return status::invalid_argument(std::string(field) + ": must be between 0 and " + std::to_string(max));
}

bool is_http_url(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

}  // namespace

status validate_controls(const job_controls& c) {
  if (c.max_running < 0 || c.max_running > k_max_running_limit) return out_of_range("max_running", k_max_running_limit);
  if (c.queue_max < 0 || c.queue_max > k_max_queued_runs) return out_of_range("queue_max", k_max_queued_runs);
  for (auto [field, id] : {std::pair{"on_success", &c.on_success}, std::pair{"on_failure", &c.on_failure}})
    if (!id->empty() && !is_valid_job_id(*id))
      return status::invalid_argument(std::string(field) + ": not a job id: \"" + id->substr(0, 64) + "\"");
  if (c.hook_url.size() > k_max_hook_url_bytes)
    return status::invalid_argument("hook_url: longer than " + std::to_string(k_max_hook_url_bytes) + " bytes");
  if (!c.hook_url.empty() && !is_http_url(c.hook_url))
    return status::invalid_argument("hook_url: must be an http:// or https:// URL");
  if (c.hook_format.size() > k_max_hook_format_bytes)
    return status::invalid_argument("hook_format: longer than " + std::to_string(k_max_hook_format_bytes) + " bytes");
  if (c.cpu_limit_percent < 0 || c.cpu_limit_percent > k_max_cpu_limit_percent)
    return out_of_range("cpu_limit_percent", k_max_cpu_limit_percent);
  if (c.cpu_sustain_s < 0 || c.cpu_sustain_s > k_max_limit_sustain_s) return out_of_range("cpu_sustain_s", k_max_limit_sustain_s);
  if (c.memory_limit_bytes < 0) return status::invalid_argument("memory_limit_bytes: must not be negative");
  if (c.memory_sustain_s < 0 || c.memory_sustain_s > k_max_limit_sustain_s)
    return out_of_range("memory_sustain_s", k_max_limit_sustain_s);
  if (c.log_max_bytes < 0) return status::invalid_argument("log_max_bytes: must not be negative");
  if (!c.pool.empty() && !is_valid_run_pool_name(c.pool))
    return status::invalid_argument("pool: not a pool name: \"" + c.pool.substr(0, 64) + "\"");
  return {};
}

void run_controls_patch::merge(const run_controls_patch& later) {
  auto take = [](auto& mine, const auto& theirs) {
    if (theirs) mine = theirs;
  };
  take(on_success, later.on_success);
  take(on_failure, later.on_failure);
  take(hook_url, later.hook_url);
  take(hook_format, later.hook_format);
  take(cpu_limit_percent, later.cpu_limit_percent);
  take(cpu_sustain_s, later.cpu_sustain_s);
  take(memory_limit_bytes, later.memory_limit_bytes);
  take(memory_sustain_s, later.memory_sustain_s);
  take(log_max_bytes, later.log_max_bytes);
}

job_controls patched(job_controls base, const run_controls_patch& p) {
  auto take = [](auto& field, const auto& change) {
    if (change) field = *change;
  };
  take(base.on_success, p.on_success);
  take(base.on_failure, p.on_failure);
  take(base.hook_url, p.hook_url);
  take(base.hook_format, p.hook_format);
  take(base.cpu_limit_percent, p.cpu_limit_percent);
  take(base.cpu_sustain_s, p.cpu_sustain_s);
  take(base.memory_limit_bytes, p.memory_limit_bytes);
  take(base.memory_sustain_s, p.memory_sustain_s);
  take(base.log_max_bytes, p.log_max_bytes);
  return base;
}

// Fields the patch leaves unset are at their defaults, which always pass.
status validate_controls_patch(const run_controls_patch& patch) { return validate_controls(patched({}, patch)); }

}  // namespace mainspring
