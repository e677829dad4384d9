#include "http/cronicle/job_log.h"

#include <ctime>

#include "core/ascii_text.h"

namespace mainspring::http::cronicle {
namespace {

using nlohmann::json;

std::string text_of(const json& job, const char* key) {
  auto it = job.find(key);
  if (it == job.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

std::string log_date_time(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm local{};
  localtime_r(&t, &local);
  char text[64];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S (%Z)", &local);
  return std::string(text, n);
}

std::string job_log_text(const json& job, const run_record& run) {
  std::string log = "# Job ID: " + text_of(job, "id") + "\n# Event Title: " + text_of(job, "event_title") +
                    "\n# Hostname: " + text_of(job, "hostname") + "\n# Date/Time: " + log_date_time(run.start_ms) +
                    "\n\n";
  log += run.output_tail;
  if (!run.finished()) return log;
  // finishLocalJob's footer: a job with a truthy code failed, "Error" names a code other than 1.
  const json code = job.value("code", json(0));
  const std::string description(trim_blanks(text_of(job, "description")));
  log += "\n";
  if (code != 0 && code != "" && !code.is_null()) {
    log += "# Job failed at " + log_date_time(run.end_ms) + ".\n# Error";
    if (code != 1) log += " " + text_of(job, "code");
    log += ": " + description + "\n";
  } else {
    log += "# Job completed successfully at " + log_date_time(run.end_ms) + ".\n";
    if (!description.empty()) log += "# Description: " + description + "\n";
  }
  return log + "# End of log.\n";
}

}  // namespace mainspring::http::cronicle
