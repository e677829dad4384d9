// hook_json: the body Cronicle POSTs to an event's web_hook, at a job's start and at its end.
//
// Cronicle sends the job (job_json.h) merged with `action` ("job_start", "job_complete"),
// `base_app_url`, `job_details_url`, `edit_event_url`, and a one-line summary in `text`,
// `content` and `message` (Slack-compatible) from its default templates: "Job started on
// [hostname]: [event_title] [job_details_url]", "Job completed successfully on ...", and for a
// failed end "Job failed on [hostname]: [event_title]: Error [code]: [description]
// [job_details_url]". The job actor calls the formatter (actors/job_context.h run_hook_formatter)
// for events with a web_hook; it never holds a key (Cronicle's job would carry the creator's).
//
// Example:
//   run_hook_formatter f = hook_formatter({.group = "cronicle", .hostname = "host-1",
//                                          .base_app_url = "http://127.0.0.1:3012"});
//   std::string body = f("job_start", run, spec);
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/job_context.h"
#include "http/cronicle/cronicle_dialect.h"

namespace mainspring::http::cronicle {

// The hook body for `run` of `job` at `action`, as of `now_ms`.
nlohmann::json hook_json(std::string_view action, const run_record& run, const job_spec& job,
                         const cronicle_options& options, int64_t now_ms);

// hook_json as the job actors call it.
run_hook_formatter hook_formatter(cronicle_options options);

// What a shellplug script reads on stdin, as Cronicle's shell plugin writes it: the job (as
// get_job_status shows it as it starts) as one line of JSON (shell_target::input_format
// "cronicle").
nlohmann::json stdin_job_json(const run_record& run, const job_spec& job, const cronicle_options& options,
                              int64_t now_ms);
run_input_formatter stdin_formatter(cronicle_options options);

}  // namespace mainspring::http::cronicle
