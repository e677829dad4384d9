// bound_job: the job Dkron's create-or-update handler answers, which is its request as bound,
// not the job as stored.
//
// Dkron's jobCreateOrUpdateHandler binds the body into a Job (Concurrency preset to "allow"),
// validates it, sends a copy to the store (SetJob passes job.ToProto()) and renders its own Job:
// a field is what the client sent or Go's zero value. `id` is "" unless sent, `next` is
// "0001-01-01T00:00:00Z", `status` "", the counts 0 and `dependent_jobs` null even on an update
// of a job that has them; an empty map sent ({}) stays {}, where the store gives back null; times
// keep the offset they were sent with. GET /v1/jobs/{job} shows the job as stored (job_json.h).
//
// Example:
//   json fields = go_job_fields(members);   // the body's members matched to Job's fields
//   auto job = decode_job(fields);          // checked first
//   json answer = bound_job_json(fields);   // {"id":"","name":"x",...,"next":"0001-01-01T00:00:00Z",...}
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mainspring::http::dkron {

// The Job Go's decoder makes of `fields` (go_job_fields' output), as Go's encoding/json writes it:
// every field of Dkron's Job, then the seed document's 0.x `command` and `run_as_user` when sent
// (non-empty), as job_json shows them. REQUIRES: decode_job(fields) succeeded; a value of another
// type is read as absent.
nlohmann::json bound_job_json(const nlohmann::json& fields);

// A time.Time read by Go's Time.UnmarshalJSON from `text` (strict RFC 3339) as its MarshalJSON
// writes it back: the wall clock and offset as sent, a zero offset as "Z", the fraction cut to
// 9 digits without trailing zeros: "2030-01-01T10:00:00.500+00:00" is "2030-01-01T10:00:00.5Z".
// REQUIRES: parse_go_json_time(text) succeeded.
std::string go_time_round_trip(std::string_view text);

}  // namespace mainspring::http::dkron
