#include "core/job.h"

#include <algorithm>
#include <cctype>

#include "core/schedule.h"
#include "core/time_zone.h"
#include "core/utf8.h"

namespace mainspring {

namespace {

status too_long(std::string_view field, std::size_t max) {
  return status::invalid_argument(std::string(field) + ": longer than " + std::to_string(max) +
                                  " bytes");
}

}  // namespace

const char* concurrency_policy_name(concurrency_policy p) {
  return p == concurrency_policy::forbid ? "forbid" : "allow";
}

const char* misfire_policy_name(misfire_policy p) {
  switch (p) {
    case misfire_policy::skip: return "skip";
    case misfire_policy::once: return "once";
    case misfire_policy::all: return "all";
  }
  return "skip";
}

status_or<concurrency_policy> parse_concurrency_policy(std::string_view text) {
  if (text == "allow") return concurrency_policy::allow;
  if (text == "forbid") return concurrency_policy::forbid;
  return status::invalid_argument("concurrency: expected allow or forbid, got \"" +
                                  std::string(text) + "\"");
}

status_or<misfire_policy> parse_misfire_policy(std::string_view text) {
  if (text == "skip") return misfire_policy::skip;
  if (text == "once") return misfire_policy::once;
  if (text == "all") return misfire_policy::all;
  return status::invalid_argument("misfire: expected skip, once or all, got \"" +
                                  std::string(text) + "\"");
}

status_or<job_spec> apply_patch(job_spec job, const job_patch& patch) {
  if (patch.name) job.name = *patch.name;
  if (patch.schedule) job.schedule = *patch.schedule;
  if (patch.timezone) job.timezone = *patch.timezone;
  if (patch.exec_time_s) job.exec_time_s = *patch.exec_time_s;
  if (patch.target) job.target = *patch.target;
  if (patch.timeout_ms) job.timeout_ms = *patch.timeout_ms;
  if (patch.retries) job.retries = *patch.retries;
  if (patch.retry_delay_ms) job.retry_delay_ms = *patch.retry_delay_ms;
  if (patch.concurrency) job.concurrency = *patch.concurrency;
  if (patch.misfire) job.misfire = *patch.misfire;
  if (patch.memo) job.memo = *patch.memo;
  if (patch.metadata) job.metadata = *patch.metadata;
  if (patch.parent_job) job.parent_job = *patch.parent_job;
  if (patch.ephemeral) job.ephemeral = *patch.ephemeral;
  if (patch.expires_at_ms) job.expires_at_ms = *patch.expires_at_ms;
  if (patch.controls) job.controls = *patch.controls;
  if (patch.dialect_data) job.dialect_data = *patch.dialect_data;
  if (patch.edit)
    if (auto st = patch.edit(job); !st.ok()) return st;
  return job;
}

status validate_override(const run_override& change) {
  if (change.target)
    if (auto st = validate_target(*change.target); !st.ok()) return st;
  if (change.timeout_ms && (*change.timeout_ms <= 0 || *change.timeout_ms > k_max_timeout_ms))
    return status::invalid_argument("timeout: must be more than 0 and at most " + std::to_string(k_max_timeout_ms / 1000) +
                                    " seconds");
  if (change.retries && (*change.retries < 0 || *change.retries > k_max_retries))
    return status::invalid_argument("retries: must be between 0 and " + std::to_string(k_max_retries));
  if (change.retry_delay_ms && (*change.retry_delay_ms < 0 || *change.retry_delay_ms > k_max_timeout_ms))
    return status::invalid_argument("retry_delay: must be between 0 and " + std::to_string(k_max_timeout_ms / 1000) +
                                    " seconds");
  return validate_controls_patch(change.controls);
}

job_spec with_own_fields(job_spec job, const run_override& own) {
  if (own.target) job.target = *own.target;
  if (own.timeout_ms) job.timeout_ms = *own.timeout_ms;
  if (own.retries) job.retries = *own.retries;
  if (own.retry_delay_ms) job.retry_delay_ms = *own.retry_delay_ms;
  if (!own.controls.empty()) job.controls = patched(std::move(job.controls), own.controls);
  return job;
}

bool is_valid_id(std::string_view text) {
  if (text.empty() || text.size() > k_max_id_bytes) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

bool is_valid_job_id(std::string_view text) {
  if (text.empty() || text.size() > k_max_job_id_bytes || text == "." || text == "..") return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

status validate_group_name(std::string_view name) {
  if (name.empty()) return status::invalid_argument("group_name: required");
  if (!is_valid_id(name))
    return status::invalid_argument("group_name: must match [a-zA-Z0-9_]{1,22}, got \"" +
                                    utf8_prefix(name, 64) + "\"");
  return {};
}

status validate_job(const job_spec& job) {
  if (auto st = validate_group_name(job.group); !st.ok()) return st;
  if (!job.id.empty() && !is_valid_job_id(job.id))
    return status::invalid_argument("job_id: must match [a-zA-Z0-9_.-]{1,128}, got \"" +
                                    utf8_prefix(job.id, 64) + "\"");
  if (job.name.empty()) return status::invalid_argument("name: required");
  if (job.name.size() > k_max_job_name_bytes) return too_long("name", k_max_job_name_bytes);
  if (job.schedule.empty()) return status::invalid_argument("interval_pattern: required");
  if (auto s = parse_schedule(job.schedule, "interval_pattern"); !s.ok()) return s.status();
  if (!job.timezone.empty())
    if (auto z = time_zone::find(job.timezone); !z.ok()) return z.status();
  if (job.exec_time_s < 0 && job.exec_time_s != k_first_fire_by_schedule)
    return status::invalid_argument("exec_time: must be 0 (now), -1 (the pattern's first fire) or a unix time in seconds");
  if (job.exec_time_s > k_max_exec_time_s)
    return status::invalid_argument("exec_time: must not be later than the year 9999 (" +
                                    std::to_string(k_max_exec_time_s) + ")");
  if (auto st = validate_target(job.target); !st.ok()) return st;
  if (job.timeout_ms <= 0 || job.timeout_ms > k_max_timeout_ms)
    return status::invalid_argument("timeout: must be more than 0 and at most " +
                                    std::to_string(k_max_timeout_ms / 1000) + " seconds");
  if (job.retries < 0 || job.retries > k_max_retries)
    return status::invalid_argument("retries: must be between 0 and " + std::to_string(k_max_retries));
  if (job.retry_delay_ms < 0 || job.retry_delay_ms > k_max_timeout_ms)
    return status::invalid_argument("retry_delay: must be between 0 and " +
                                    std::to_string(k_max_timeout_ms / 1000) + " seconds");
  if (job.memo.size() > k_max_memo_bytes) return too_long("memo", k_max_memo_bytes);
  if (job.metadata.size() > k_max_metadata_entries)
    return status::invalid_argument("metadata: more than " +
                                    std::to_string(k_max_metadata_entries) + " entries");
  if (!job.parent_job.empty()) {
    if (!is_valid_job_id(job.parent_job))
      return status::invalid_argument("parent_job: not a job id: \"" + utf8_prefix(job.parent_job, 64) + "\"");
    if (job.parent_job == job.id)
      return status::invalid_argument("parent_job: a job cannot be its own parent");
  }
  if (job.expires_at_ms < 0 || job.expires_at_ms > k_max_exec_time_s * 1000)
    return status::invalid_argument("expires_at: must be a time before the year 10000");
  if (job.dialect_data.size() > k_max_dialect_data_bytes)
    return too_long("dialect_data", k_max_dialect_data_bytes);
  return validate_controls(job.controls);
}

}  // namespace mainspring
