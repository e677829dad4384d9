#include "http/ndscheduler/job_classes.h"

#include <vector>

#include "core/shell_quote.h"

namespace mainspring::http::ndscheduler {

namespace {

using nlohmann::ordered_json;  // pub_args as sent: an object argument keeps its keys' order

constexpr std::string_view k_http_job = "mainspring.jobs.HttpJob";
constexpr std::string_view k_own_shell_job = "mainspring.jobs.ShellJob";
constexpr std::string_view k_noop_job = "mainspring.jobs.NoopJob";

// An argument as Python's str() would pass it on: strings as they are, others as JSON.
std::string argument_text(const ordered_json& arg) { return arg.is_string() ? arg.get<std::string>() : arg.dump(); }

status_or<std::string> required_text(const ordered_json& args, std::size_t i, const char* what) {
  if (args.size() <= i) return status::invalid_argument(std::string("pub_args: ") + what + " is required");
  return argument_text(args[i]);
}

bool is_dotted_name(std::string_view s) {
  if (s.empty() || s.size() > k_max_class_bytes) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) return false;
  return true;
}

// ShellJob: the program and its arguments, without a shell; the exit code as the result.
executor_target shell_job(const ordered_json& args) {
  std::string program = shell_quote(argument_text(args[0]));
  std::string argv;
  for (const auto& a : args) argv += (argv.empty() ? "" : " ") + shell_quote(argument_text(a));
  // `command -v` tells "cannot start" (a failed run) from a program that ran and failed (a
  // result); the program's own output is not the result, as in ndscheduler.
  shell_target t;
  t.command = "command -v -- " + program + " >/dev/null 2>&1 || { echo cannot start " + program +
              ": not found >&2; exit 127; }; " + argv + " >/dev/null 2>&1; printf '{\"returncode\": %d}' $?";
  return t;
}

// A run that fails as Python fails calling `run` with `given` of the positional arguments it names
// (`names`): TypeError: run() missing 1 required positional argument: 'argument2'.
executor_target missing_arguments(const std::vector<std::string>& names, std::size_t given) {
  const std::size_t missing = names.size() - given;
  std::string list;
  for (std::size_t i = given; i < names.size(); ++i)
    list += (i == given ? "" : i + 1 == names.size() ? " and " : ", ") + ("'" + names[i] + "'");
  std::string error = "TypeError: run() missing " + std::to_string(missing) + " required positional argument" +
                      (missing == 1 ? "" : "s") + ": " + list;
  shell_target t;
  t.command = "echo " + shell_quote(error) + " >&2; exit 1";
  return t;
}

executor_target printed(const std::string& text) {
  shell_target t;
  t.command = "printf '%s' " + shell_quote(text);
  return t;
}

}  // namespace

bool is_known_class(std::string_view c) {
  return c == k_shell_job || c == k_curl_job || c == k_awesome_job || c == k_http_job || c == k_own_shell_job || c == k_noop_job;
}

status_or<executor_target> target_for_class(const std::string& job_class, const ordered_json& pub_args) {
  if (!is_dotted_name(job_class))
    return status::invalid_argument("job_class_string: must be a dotted class name ([A-Za-z0-9_.], at most " +
                                    std::to_string(k_max_class_bytes) + " bytes)");
  ordered_json args = pub_args.is_null() ? ordered_json::array() : pub_args;
  if (!args.is_array()) return status::invalid_argument("pub_args: must be a list");
  if (job_class == k_shell_job) {
    if (args.empty()) return status::invalid_argument("pub_args: the program to run is required");
    return shell_job(args);
  }
  if (job_class == k_curl_job || job_class == k_http_job) {
    auto url = required_text(args, 0, "the URL");
    if (!url.ok()) return url.status();
    // CurlJob.run(self, url, request_type, ...): taken without the method, as ndscheduler takes
    // it, and every run fails as it fails there.
    if (job_class == k_curl_job && args.size() < 2) return missing_arguments({"url", "request_type"}, args.size());
    http_target t;
    t.url = *url;
    t.method = args.size() > 1 ? argument_text(args[1]) : std::string("GET");
    for (auto& c : t.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (job_class == k_curl_job) t.expect_codes = {k_any_http_status};
    else if (args.size() > 2) t.body = argument_text(args[2]);
    return executor_target{std::move(t)};
  }
  if (job_class == k_awesome_job) {
    // AwesomeJob.run(self, argument1, argument2, ...): with fewer every run fails, as there.
    if (args.size() < 2) return missing_arguments({"argument1", "argument2"}, args.size());
    return printed(ordered_json::array({args[0], args[1]}).dump());
  }
  if (job_class == k_noop_job) return executor_target{noop_target{}};
  if (job_class == k_own_shell_job) {
    auto command = required_text(args, 0, "the command");
    if (!command.ok()) return command.status();
    shell_target t;
    t.command = *command;
    return executor_target{std::move(t)};
  }
  // Accepted as ndscheduler accepts it; never silently: every run fails naming the class.
  shell_target t;
  t.command = "echo " + shell_quote("job class " + job_class + " " + std::string(k_unavailable_marker)) + " >&2; exit 1";
  return executor_target{std::move(t)};
}

}  // namespace mainspring::http::ndscheduler
