#include "core/job.h"

#include <algorithm>
#include <cctype>

#include "core/schedule.h"
#include "core/time_zone.h"

namespace mainspring {

namespace {

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  return true;
}

status too_long(std::string_view field, std::size_t max) {
  return status::invalid_argument(std::string(field) + ": longer than " + std::to_string(max) +
                                  " bytes");
}

}  // namespace

const char* executor_kind_name(executor_kind k) {
  switch (k) {
    case executor_kind::http: return "http";
    case executor_kind::shell: return "shell";
    case executor_kind::lua: return "lua";
    case executor_kind::remote: return "remote";
    case executor_kind::noop: return "noop";
  }
  return "unknown";
}

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

status_or<executor_target> parse_executor_target(std::string_view request_url,
                                                 std::string_view exec_command) {
  executor_target t;
  if (request_url.empty() || starts_with_ci(request_url, "SHELL@")) {
    if (request_url.size() > 6)
      return status::invalid_argument("request_url: SHELL@ takes no argument; put the command in exec_command");
    if (exec_command.empty())
      return status::invalid_argument("exec_command: required for a shell job (request_url empty or SHELL@)");
    t.kind = executor_kind::shell;
    return t;
  }
  if (starts_with_ci(request_url, "HTTP@")) {
    t.kind = executor_kind::http;
    t.url = std::string(request_url.substr(5));
    if (!(t.url.starts_with("http://") || t.url.starts_with("https://")) || t.url.size() <= 8)
      return status::invalid_argument("request_url: HTTP@ needs an http:// or https:// URL, got \"" +
                                      t.url + "\"");
    for (char c : t.url)
      if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
        return status::invalid_argument("request_url: the URL contains spaces or control characters");
    return t;
  }
  if (starts_with_ci(request_url, "LUA@")) {
    t.kind = executor_kind::lua;
    if (exec_command.empty())
      return status::invalid_argument("exec_command: required for a LUA@ job (the Lua source)");
    return t;
  }
  if (starts_with_ci(request_url, "REMOTE@")) {
    t.kind = executor_kind::remote;
    t.nodes = std::string(request_url.substr(7));
    if (t.nodes.empty())
      return status::invalid_argument("request_url: REMOTE@ needs at least one node id");
    if (exec_command.empty())
      return status::invalid_argument("exec_command: required for a REMOTE@ job");
    return t;
  }
  if (starts_with_ci(request_url, "NOOP@")) {
    t.kind = executor_kind::noop;
    return t;
  }
  return status::invalid_argument(
      "request_url: unknown executor prefix in \"" + std::string(request_url.substr(0, 64)) +
      "\"; expected HTTP@, LUA@, REMOTE@, SHELL@, NOOP@ or empty for a shell command");
}

job_spec apply_patch(job_spec job, const job_patch& patch) {
  if (patch.name) job.name = *patch.name;
  if (patch.schedule) job.schedule = *patch.schedule;
  if (patch.timezone) job.timezone = *patch.timezone;
  if (patch.exec_time_s) job.exec_time_s = *patch.exec_time_s;
  if (patch.request_url) job.request_url = *patch.request_url;
  if (patch.exec_command) job.exec_command = *patch.exec_command;
  if (patch.timeout_ms) job.timeout_ms = *patch.timeout_ms;
  if (patch.retries) job.retries = *patch.retries;
  if (patch.retry_delay_ms) job.retry_delay_ms = *patch.retry_delay_ms;
  if (patch.concurrency) job.concurrency = *patch.concurrency;
  if (patch.misfire) job.misfire = *patch.misfire;
  if (patch.memo) job.memo = *patch.memo;
  if (patch.metadata) job.metadata = *patch.metadata;
  return job;
}

bool is_valid_id(std::string_view text) {
  if (text.empty() || text.size() > k_max_id_bytes) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

status validate_group_name(std::string_view name) {
  if (name.empty()) return status::invalid_argument("group_name: required");
  if (!is_valid_id(name))
    return status::invalid_argument("group_name: must match [a-zA-Z0-9_]{1,22}, got \"" +
                                    std::string(name.substr(0, 64)) + "\"");
  return {};
}

status validate_job(const job_spec& job) {
  if (auto st = validate_group_name(job.group); !st.ok()) return st;
  if (!job.id.empty() && !is_valid_id(job.id))
    return status::invalid_argument("job_id: must match [a-zA-Z0-9_]{1,22}, got \"" +
                                    job.id.substr(0, 64) + "\"");
  if (job.name.empty()) return status::invalid_argument("name: required");
  if (job.name.size() > k_max_job_name_bytes) return too_long("name", k_max_job_name_bytes);
  if (job.schedule.empty()) return status::invalid_argument("interval_pattern: required");
  if (auto s = parse_schedule(job.schedule, "interval_pattern"); !s.ok()) return s.status();
  if (!job.timezone.empty())
    if (auto z = time_zone::find(job.timezone); !z.ok()) return z.status();
  if (job.exec_time_s < 0)
    return status::invalid_argument("exec_time: must be 0 (now) or a unix time in seconds");
  if (job.exec_time_s > k_max_exec_time_s)
    return status::invalid_argument("exec_time: must not be later than the year 9999 (" +
                                    std::to_string(k_max_exec_time_s) + ")");
  if (job.request_url.size() > k_max_url_bytes) return too_long("request_url", k_max_url_bytes);
  if (job.exec_command.size() > k_max_command_bytes)
    return too_long("exec_command", k_max_command_bytes);
  if (auto t = parse_executor_target(job.request_url, job.exec_command); !t.ok()) return t.status();
  if (job.timeout_ms <= 0 || job.timeout_ms > k_max_timeout_ms)
    return status::invalid_argument("timeout: must be between 1 and " +
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
  return {};
}

}  // namespace mainspring
