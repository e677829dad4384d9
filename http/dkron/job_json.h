// job_json: Dkron's job JSON read into the job model, and the job model written as Dkron's job.
//
// Reading is two steps, as Dkron answers them with two messages: decode_job() checks JSON types
// ("Unable to parse payload: ..."), to_job_spec() applies Dkron's Job.Validate rules and the
// mapping onto Mainspring ("Job validation failed: ..."). A Dkron job is a Mainspring job in
// the dialect's group whose id and name are the Dkron name; Dkron-only fields (displayname,
// owner, owner_email, tags, processors, run_as_user, the executor and its config as sent, the
// schedule as sent) live in the job's dialect_data under "dkron" (http/dialect_data.h).
//
// Example:
//   auto body = parse_json_object(req.body);
//   auto job = decode_job(*body);                     // types only
//   auto spec = to_job_spec(*job, "dkron");           // "name contains illegal character 'A'"
//   nlohmann::json out = job_json(view, {"child"});   // what GET /v1/jobs/{name} answers
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/scheduler_api.h"
#include "core/job.h"
#include "core/status.h"
#include "core/time_types.h"

namespace mainspring::http::dkron {

inline constexpr std::string_view k_dialect_name = "dkron";

// The Dkron-only fields of a job together (displayname, owner, tags, processors, the executor
// config as sent, ...), as kept in its dialect_data: below the core's k_max_dialect_data_bytes,
// so that a Dkron client hears which of its fields is too long rather than the core's name for
// where they are kept, with room left for other dialects' fields of the same job.
inline constexpr std::size_t k_max_dkron_fields_bytes = 60 * 1024;
static_assert(k_max_dkron_fields_bytes < k_max_dialect_data_bytes);

// A job body as Dkron's Go struct holds it after json.Unmarshal.
struct dkron_job {
  std::string name, displayname, schedule, timezone, owner, owner_email, concurrency, executor,
      command, parent_job, run_as_user;
  bool disabled = false;
  bool ephemeral = false;
  int64_t retries = 0;
  std::map<std::string, std::string> tags, metadata, executor_config;
  nlohmann::json processors;              // kept as sent; null when absent
  nlohmann::json starts_at;               // kept as sent (first_exec_time_s); null when absent
  std::optional<int64_t> expires_at_ms;   // null or absent: none
};

// A job object's members (in document order, a key twice kept twice) as Go's decoder sets
// Dkron's Job struct from them: each key names the field whose JSON name it is, else the field
// it matches case-insensitively as Go folds names (core/go_json_scan.h go_json_key_folds_to:
// "NAME" is name; so is a spelling with Go's Kelvin sign for k or long s for s); the last member for a field
// wins, except that null leaves a string, bool or number field as it was, and the objects given
// for a map field (tags, metadata, executor_config, processors) are merged into it, as Go decodes
// into the map already there (null sets it to none). A null value in a map[string]string (tags,
// metadata, executor_config, a processor's config) is "", as Go stores it. Keys that name no
// field are kept as sent.
nlohmann::json go_job_fields(const std::vector<std::pair<std::string, nlohmann::json>>& members);

// JSON types only: a string where a string belongs, an object of strings for tags, metadata and
// executor_config, a whole non-negative number for retries, RFC 3339 or null for expires_at, an
// object of objects of strings for processors (refused in Go's words, as Dkron's json decoding:
// "json: cannot unmarshal string into Go struct field Job.processors of type plugin.Config").
// Unknown fields and Dkron's computed ones (success_count, status, next, ...) are ignored. The
// body's keys are first matched to fields by go_job_fields (for an object already parsed, its
// members in nlohmann's order: the caller that has the document's order applies it first).
status_or<dkron_job> decode_job(const nlohmann::json& body);

// A Dkron schedule in the core's terms: `core` for parse_schedule, and the zone a TZ= or CRON_TZ=
// prefix named ("" = the job's timezone).
struct core_schedule_of_dkron {
  std::string core;
  std::string zone;
};

// Dkron's schedule as its parser reads it (extcron over robfig/cron v3): `~` in a field replaced
// by Job.scheduleHash's number for the job `name`, an optional TZ=/CRON_TZ= prefix, then a
// descriptor (robfig's and extcron's, matched whole: "unrecognized descriptor: @Daily"; @every
// under 1s rounds up to 1s, as robfig's Every) or exactly 6 fields, seconds first, read with
// robfig's rules and words (core/robfig_cron.h: "end of range (7) above maximum (6): 7") into
// explicit core fields that fire as robfig would. "" is @manually.
status_or<core_schedule_of_dkron> read_dkron_schedule(const std::string& name, const std::string& schedule);

// Dkron's Job.Validate, in its order and words, then Mainspring's own rules (validate_job) with
// field names renamed into Dkron's, and k_max_dkron_fields_bytes ("displayname is too long ...").
// The schedule is read by read_dkron_schedule; an empty schedule (allowed with a parent) never
// fires by time.
status_or<job_spec> to_job_spec(const dkron_job& job, const std::string& group);

// The exec_time a Dkron job starts (or is enabled) with at `now_ms`: while its starts_at lies
// ahead, the first fire of its schedule at or after starts_at (Dkron skips every fire before it;
// k_max_exec_time_s when there is none), else its schedule's next fire as Dkron's cron takes it:
// for an @every, now cut to the whole second plus the interval (robfig's Every.Next), for the
// others k_first_fire_by_schedule. `default_zone` is the zone of a job without a timezone.
int64_t first_exec_time_s(const job_spec& spec, std::string_view default_zone, int64_t now_ms);
// The same with the starts_at the job was decoded with (dkron_job::starts_at), for the caller
// that has it: the stored one is not read back.
int64_t first_exec_time_s(const job_spec& spec, const nlohmann::json& starts_at, std::string_view default_zone,
                          int64_t now_ms);

// Dkron's name rule, [a-z0-9_-]+, narrower than Dkron's isSlug ([\p{Ll}0-9_-]: the core's job ids
// are ASCII, so a non-ASCII lower-case letter is refused too). The first illegal character, whole
// (all bytes of its UTF-8 sequence), a byte that starts none as "\xC3", or "" when none.
std::string illegal_name_character(const std::string& name);

// When `job` fires next as Dkron shows it in `next` (0 = never: Go's zero time). An enabled job:
// its next fire. A disabled one: when it would fire next if enabled at `now_ms` (the first fire
// from then, or from starts_at when that lies ahead), as Dkron's store computes a job's next from
// its schedule whatever `disabled` says (Store.SetJob's GetNext), where the core plans nothing
// for a paused job. `default_zone` is the zone of a job without a timezone.
int64_t shown_next_ms(const job_view& job, std::string_view default_zone, int64_t now_ms);

// The Dkron job JSON of `job` seen at `now_ms`; `dependents` are the jobs whose parent it is.
nlohmann::json job_json(const job_view& job, const std::vector<std::string>& dependents,
                        std::string_view default_zone, int64_t now_ms);

// The Dkron fields of the list GET /v1/jobs sorts by, for sorting: a JSON value comparable with
// the same field of another job ("name" when `field` is not one of them).
nlohmann::json sort_key(const nlohmann::json& job, const std::string& field);

// Whether `a` comes before `b` in GET /v1/jobs?_sort=field ascending, as Dkron's buntdb index
// orders its jobs: by sort_key, strings compared as gjson's Result.Less(_, false) compares them
// (ASCII letters ignoring case, a prefix first), then by name (buntdb's key "jobs:<name>"). The
// descending order is the exact reverse, ties included (buntdb's Descend).
bool sorted_before(const nlohmann::json& a, const nlohmann::json& b, const std::string& field);

// An instant as Go's encoding/json writes a UTC time.Time (RFC3339Nano): a fraction, when there
// is one, without trailing zeros ("2023-11-14T22:13:20.25Z", not ".250Z").
std::string go_time_text(sys_ms t);

// Go's zero time, which Dkron shows for a job that will not fire.
inline constexpr std::string_view k_go_zero_time = "0001-01-01T00:00:00Z";

}  // namespace mainspring::http::dkron

namespace mainspring::http::dkron {

// One execution as Dkron's executions list shows it (its apiExecution): id (the run id), job_name,
// started_at, finished_at (Go's zero time while running), success, output (its last
// `max_output_bytes`; absent when empty, as Dkron's Execution has it omitempty), node_name, group
// (the planned time in unix ns), attempt (from 1), output_truncated.
nlohmann::json execution_json(const run_record& run, const std::string& node_name, std::size_t max_output_bytes);

// One execution as Dkron's Execution struct shows it (GET /v1/jobs/{job}/executions/{id},
// GET /v1/busy): execution_json's fields with the whole output, without output_truncated, which
// only the list adds.
nlohmann::json stored_execution_json(const run_record& run, const std::string& node_name);

// One execution as the seed document's 0.x API lists it (GET /v1/executions/{job}): job_name,
// started_at, finished_at, success, output (whole, as a string) and node_name, nothing more.
nlohmann::json document_execution_json(const run_record& run, const std::string& node_name);

}  // namespace mainspring::http::dkron
