// job_log: a job's log as Cronicle's get_job_log answers it: the header its launchLocalJob writes
// when the job starts, what the script printed, and once the job has ended the footer its
// finishLocalJob appends (lib/job.js).
//
//   # Job ID: jemx7e5ogz00_2128431021211779072
//   # Event Title: Nightly
//   # Hostname: build-3
//   # Date/Time: 2026-12-06 18:30:00 (UTC)
//
//   <output>
//   # Job failed at 2026-12-06 18:30:05 (UTC).
//   # Error 3: Script exited with code: 3
//   # End of log.
//
// A retried job's log holds each try in turn (Cronicle appends them to one file), a failed try's
// output followed by its note in place of the footer:
//
//   # Job failed with error 3: Script exited with code: 3
//   # 2 retries remain (30 sec delay)
//
// Times are the server's local time, as Cronicle writes them (Tools.getDateArgs).
//
// Example:
//   json job = job_json(run, event, timeout_ms, hostname, now);
//   std::string text = job_log_text(job, run);
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/run_record.h"

namespace mainspring::http::cronicle {

// "2026-12-06 18:30:00 (UTC)": `unix_ms` in the server's local time and its zone's abbreviation.
std::string log_date_time(int64_t unix_ms);

// The log of `run`, a job as job_json shows it (`job`: its id, event_title, hostname, code and
// description).
std::string job_log_text(const nlohmann::json& job, const run_record& run);

// The part of a retried job's log a failed try wrote: its header, its output and the note
// finishLocalJob writes before relaunching it. `job` is the try as job_json shows it (its
// `retries` then counted down by its attempt, and its event's `retry_delay` in seconds).
std::string failed_try_log_text(const nlohmann::json& job, const run_record& run);

}  // namespace mainspring::http::cronicle
