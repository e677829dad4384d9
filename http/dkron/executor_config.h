// executor_config: Dkron's `executor` + `executor_config` (a map of strings) read into a typed
// executor target, and a target written back as Dkron's map.
//
// Dkron's built-in executors, as its plugins read their config:
//   shell: command, shell ("true": run through a shell; otherwise Dkron splits the command into
//          arguments - Mainspring runs it with /bin/sh -c either way), env ("A=1,B=2"), cwd,
//          timeout (a Go duration, "30s"; none = no limit, which Mainspring caps at 24 h),
//          mem_limit (bytes, or with a unit: "512MB", "1.5G"; B, KB/K, MB/M, GB/G, TB/T are
//          powers of 1024, as Dkron's parseMemoryLimit): the run's processes together are
//          sampled each second and the run is stopped at the first sample over it, payload
//          (base64, as Go's StdEncoding: the bytes the command reads on stdin).
//   http:  method, url, headers (a JSON array of "Name: value" strings), body, timeout (whole
//          seconds, default 30 also when it is not a number; 0 or less: no limit, capped at 24 h),
//          expectCode (an HTTP status or a comma list, "200,206"), expectBody (text the body
//          must contain; Dkron takes a regular expression - plain text matches the same), debug.
// A job without an executor runs its old top-level `command` as a shell command, or does nothing
// (Mainspring's noop) when it has none. Any other executor is refused: it does not exist here.
//
// Example:
//   auto t = target_from_dkron("http", {{"method", "POST"}, {"url", "http://127.0.0.1:9000/"},
//                                       {"expectCode", "200"}}, "");
//   t->timeout_ms == 30'000;
//   std::map<std::string, std::string> config = dkron_config_of(t->target, t->timeout_ms);
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/executor_target.h"
#include "core/status.h"

namespace mainspring::http::dkron {

using executor_config = std::map<std::string, std::string>;

// Dkron's http executor timeout when the config names none.
inline constexpr int64_t k_default_http_timeout_ms = 30'000;
// A job without a time limit in Dkron (a shell job without a timeout, an http job's timeout 0):
// Mainspring's longest timeout instead.
inline constexpr int64_t k_unbounded_timeout_ms = 24LL * 3600 * 1000;

struct dkron_target {
  executor_target target;
  int64_t timeout_ms = 0;
  int64_t memory_limit_bytes = 0;  // a shell job's mem_limit; 0 = none
};

// Dkron's parseMemoryLimit: "" is no limit (0); a whole number is bytes; otherwise a decimal
// number and a unit (any case). Errors in Dkron's words ("memory limit must be greater than 0",
// "unsupported memory unit: XB (supported: B, KB, MB, GB, TB)").
status_or<int64_t> parse_dkron_memory_limit(const std::string& text);

// Errors are invalid_argument naming executor or executor_config ("executor_config: url is
// empty"), except a shell timeout Go cannot parse: Dkron's own "Error parsing job timeout value".
status_or<dkron_target> target_from_dkron(const std::string& executor, const executor_config& config,
                                          const std::string& command);

// The executor name and config Dkron would show for `target` (a target some other dialect wrote;
// jobs Dkron clients wrote show their own config as they sent it).
std::string dkron_executor_of(const executor_target& target);
executor_config dkron_config_of(const executor_target& target, int64_t timeout_ms);

}  // namespace mainspring::http::dkron
