// job_classes: ndscheduler's job_class_string + pub_args mapped onto Mainspring's executors.
//
// ndscheduler runs a Python class by its dotted name with pub_args as its arguments. Mainspring
// runs the sample classes its users know, and names of its own, as executor targets:
//   simple_scheduler.jobs.shell_job.ShellJob   pub_args = [program, args...]: runs the program
//       without a shell (arguments passed as they are); result {"returncode": N}, succeeded
//       whatever N, failed only when the program cannot be started.
//   simple_scheduler.jobs.curl_job.CurlJob     pub_args = [url, method]: the HTTP request; result
//       the response body whatever the status, failed only when the request fails.
//   simple_scheduler.jobs.sample_job.AwesomeJob  pub_args = [a, b, ...]: succeeds, result [a, b].
//   With fewer arguments than their run() names (CurlJob [url], AwesomeJob [a]) both are taken, as
//   ndscheduler takes them, and every run fails as Python's call fails there ("TypeError: run()
//   missing 1 required positional argument: 'argument2'").
//   mainspring.jobs.HttpJob  [url, method?, body?]   any 2xx succeeds
//   mainspring.jobs.ShellJob [command]                run by /bin/sh -c; exit 0 succeeds
//   mainspring.jobs.NoopJob  []                       does nothing and succeeds (NOOP@: benches)
// Any other class is accepted, as ndscheduler accepts it, and every run of it fails with
// "job class <name> is not available on Mainspring" (shown as state "scheduled error").
//
// Example:
//   auto t = target_for_class("simple_scheduler.jobs.curl_job.CurlJob",
//                             json::array({"http://127.0.0.1:9000/hook", "GET"}));
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/executor_target.h"
#include "core/status.h"

namespace mainspring::http::ndscheduler {

inline constexpr std::size_t k_max_class_bytes = 256;
inline constexpr std::string_view k_shell_job = "simple_scheduler.jobs.shell_job.ShellJob";
inline constexpr std::string_view k_curl_job = "simple_scheduler.jobs.curl_job.CurlJob";
inline constexpr std::string_view k_awesome_job = "simple_scheduler.jobs.sample_job.AwesomeJob";
// The timeout CurlJob gives its request.
inline constexpr int64_t k_curl_timeout_ms = 10'000;
// What a run of an unknown class prints (and the dialect recognizes as "scheduled error").
inline constexpr std::string_view k_unavailable_marker = "is not available on Mainspring";

// The target that runs `job_class` with `pub_args` (an array; null = []). invalid_argument
// naming pub_args when the arguments do not fit the class (CurlJob without a URL), or
// job_class_string when it is not a dotted name ([A-Za-z0-9_.]{1,256}). An argument that is no
// string is passed on as its JSON, an object's keys in the order they have (HttpJob's body as
// sent).
status_or<executor_target> target_for_class(const std::string& job_class, const nlohmann::ordered_json& pub_args);

// True when `job_class` is one Mainspring runs (the list above).
bool is_known_class(std::string_view job_class);

}  // namespace mainspring::http::ndscheduler
