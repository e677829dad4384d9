#include "http/cronicle/job_log.h"

#include <ctime>

#include "core/ascii_text.h"
#include "core/readable_units.h"
#include "http/cronicle/validation.h"  // js_text

namespace mainspring::http::cronicle {
namespace {

using nlohmann::json;

// The job's `key` as Cronicle's string concatenation writes it ("" when the job has none).
std::string text_of(const json& job, const char* key) { return js_text(job.value(key, json(""))); }

// launchLocalJob's header, then what the try printed.
std::string header_and_output(const json& job, const run_record& run) {
  return "# Job ID: " + text_of(job, "id") + "\n# Event Title: " + text_of(job, "event_title") +
         "\n# Hostname: " + text_of(job, "hostname") + "\n# Date/Time: " + log_date_time(run.start_ms) + "\n\n" +
         run.output_tail;
}

// " <code>" when the code is not 1, as Cronicle names an error: "# Error 3: ...", "# Error: ...".
std::string code_unless_one(const json& job) {
  return job.value("code", json(1)) != 1 ? " " + text_of(job, "code") : std::string();
}

int64_t number_of(const json& job, const char* key) {
  auto it = job.find(key);
  return it != job.end() && it->is_number() ? it->get<int64_t>() : 0;
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
  std::string log = header_and_output(job, run);
  if (!run.finished()) return log;
  // finishLocalJob's footer: a job with a truthy code failed.
  const json code = job.value("code", json(0));
  const std::string description(trim_blanks(text_of(job, "description")));
  log += "\n";
  if (code != 0 && code != "" && !code.is_null()) {
    log += "# Job failed at " + log_date_time(run.end_ms) + ".\n# Error" + code_unless_one(job) + ": " + description + "\n";
  } else {
    log += "# Job completed successfully at " + log_date_time(run.end_ms) + ".\n";
    if (!description.empty()) log += "# Description: " + description + "\n";
  }
  return log + "# End of log.\n";
}

std::string failed_try_log_text(const json& job, const run_record& run) {
  std::string description = text_of(job, "description");
  if (description.empty()) description = "Unknown Error";
  std::string log = header_and_output(job, run) + "\n# Job failed with error" + code_unless_one(job) + ": " +
                    description + "\n# " + std::to_string(number_of(job, "retries")) + " retries remain";
  if (const int64_t delay_s = number_of(job, "retry_delay"); delay_s > 0)
    log += " (" + short_text_from_seconds(delay_s) + " delay)";
  return log + "\n\n";
}

}  // namespace mainspring::http::cronicle
