#include "core/run_pool.h"

#include <algorithm>
#include <cctype>

namespace mainspring {

pool_admission pool_admission_for(const run_pool_spec& pool, std::size_t running) {
  if (pool.max_running > 0 && running >= static_cast<std::size_t>(pool.max_running)) return pool_admission::full;
  if (!pool.enabled) return pool_admission::disabled;
  return pool_admission::start;
}

bool is_valid_run_pool_name(std::string_view name) {
  return !name.empty() && name.size() <= k_max_run_pool_name_bytes &&
         std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

status validate_run_pool(const run_pool_spec& pool) {
  if (!is_valid_run_pool_name(pool.name))
    return status::invalid_argument("name: must be 1 to " + std::to_string(k_max_run_pool_name_bytes) +
                                    " letters, digits or underscores");
  if (pool.dialect_data.size() > k_max_run_pool_dialect_bytes)
    return status::invalid_argument("dialect_data: longer than " + std::to_string(k_max_run_pool_dialect_bytes) + " bytes");
  // The limit and the defaults are ranged as a job's controls are.
  job_controls c;
  c.max_running = pool.max_running;
  c.hook_url = pool.hook_url;
  c.hook_format = pool.hook_format;
  c.cpu_limit_percent = pool.cpu_limit_percent;
  c.cpu_sustain_s = pool.cpu_sustain_s;
  c.memory_limit_bytes = pool.memory_limit_bytes;
  c.memory_sustain_s = pool.memory_sustain_s;
  return validate_controls(c);
}

job_controls with_pool_defaults(job_controls c, const run_pool_spec& pool) {
  if (c.hook_url.empty() && !pool.hook_url.empty()) {
    c.hook_url = pool.hook_url;
    c.hook_format = pool.hook_format;
  }
  if (c.memory_limit_bytes == 0 && pool.memory_limit_bytes > 0) {
    c.memory_limit_bytes = pool.memory_limit_bytes;
    c.memory_sustain_s = pool.memory_sustain_s;
  }
  if (c.cpu_limit_percent == 0 && pool.cpu_limit_percent > 0) {
    c.cpu_limit_percent = pool.cpu_limit_percent;
    c.cpu_sustain_s = pool.cpu_sustain_s;
  }
  return c;
}

bool has_pool_defaults(const run_pool_spec& pool) {
  return !pool.hook_url.empty() || pool.memory_limit_bytes > 0 || pool.cpu_limit_percent > 0;
}

}  // namespace mainspring
