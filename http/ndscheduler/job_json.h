// job_json: ndscheduler's job bodies read into the job model, and jobs written back as it shows
// them.
//
// A body carries name, job_class_string, pub_args and a schedule in either shape: the document's
// `trigger` ("cron" | "interval") with `trigger_params`, or the released server's flat cron
// fields (`year`, `month`, `day`, `week`, `day_of_week`, `hour`, `minute`, `second`) with
// APScheduler's CronTrigger meaning (day_of_week 0 = Monday, day AND day_of_week, `last`,
// defaults by significance). What only ndscheduler clients see (the class, pub_args, the
// schedule as sent) is kept in the job's dialect_data under "ndscheduler"; pub_args keeps the
// order of the keys of the objects in it as sent, as ndscheduler's json.loads and json.dumps do.
//
// Example:
//   auto job = decode_job(body);                       // "Require this parameter: name"
//   auto spec = to_job_spec(*job, "ndscheduler", id);  // the Mainspring job
//   auto out = job_json(view);                         // what GET /api/v1/jobs/{id} answers
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/scheduler_api.h"
#include "core/job.h"
#include "core/status.h"

namespace mainspring::http::ndscheduler {

inline constexpr std::string_view k_dialect_name = "ndscheduler";
// A job's id: 32 lowercase hex digits, as ndscheduler's uuid4().hex.
inline constexpr std::size_t k_job_id_hex_digits = 32;
// The longest interval a job may have (trigger "interval"), in seconds: ten years.
inline constexpr int64_t k_max_interval_s = 10LL * 365 * 24 * 3600;

struct nd_job {
  std::string name;
  std::string job_class_string;
  nlohmann::ordered_json pub_args = nlohmann::ordered_json::array();  // its objects' keys as sent
  std::string trigger;                        // "cron", "interval", or "" for the flat fields
  std::map<std::string, std::string> cron;    // the cron fields given, as text
  // trigger "interval": its period in ms (APScheduler's IntervalTrigger takes fractional
  // seconds), and the number as given, shown as given.
  std::optional<int64_t> interval_ms;
  nlohmann::ordered_json interval_given;
};

// Checks what ndscheduler checks, in its words: "Require this parameter: name" (also for an
// empty name, which ndscheduler's check lets through and APScheduler refuses with a 500),
// "Require at least one of following parameters: ['month', 'day', 'hour', 'minute',
// 'day_of_week']", then the types (strings or whole numbers for cron fields, a list for
// pub_args, a positive interval).
status_or<nd_job> decode_job(const nlohmann::ordered_json& body);

// The Mainspring job for `job` in `group` with id `id`. Schedule errors name the cron field.
status_or<job_spec> to_job_spec(const nd_job& job, const std::string& group, const std::string& id);

// The job as ndscheduler shows it: job_id, name, next_run_time (ISO 8601 with offset, "" when
// paused or never), job_class_string, pub_args, for a cron job the cron strings (month, day,
// week, day_of_week, hour, minute as APScheduler prints its fields; an interval job has none, as
// in ndscheduler's interval variant), and trigger / trigger_params as sent. In that order, as
// ndscheduler's _build_job_dict inserts them and tornado's json.dumps writes them out; pub_args
// as sent.
nlohmann::ordered_json job_json(const job_view& job);

// A fresh job id: 32 lowercase hex digits from OpenSSL's RAND_bytes.
std::string new_job_id();
bool is_job_id(std::string_view id);

// An execution's id, "<job id>-<run id>", read back: the job's id may be any the core takes
// ([a-zA-Z0-9_.-], a job made through another API in the group; '-' included, hence the last
// one), the run's id decimal digits. nullopt for anything else.
struct execution_ref {
  std::string job_id;
  uint64_t run_id = 0;
};
std::optional<execution_ref> parse_execution_id(std::string_view text);

// ISO 8601 as Python's datetime.isoformat() with a UTC offset: "2026-12-03T07:20:05.604000+00:00".
std::string iso_time(int64_t unix_ms);
// Parses the time_range_* arguments: ISO 8601 as dateutil's parser reads it in ndscheduler (a
// blank or T between date and time, the time to the hour, minute, second or a fraction, a date
// alone; without an offset it is UTC; +01, +0100 and +01:00 are offsets). invalid_argument naming
// `field` otherwise.
status_or<int64_t> parse_iso_time(std::string_view text, std::string_view field);

}  // namespace mainspring::http::ndscheduler
