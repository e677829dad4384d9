// web_echo: the answers of cloudtask-web that are the body it was posted, changed as its
// controllers change it before answering (controllers/job.js createJob and changeInfo).
//
// The web answers a job created or updated with `req.body` itself: the client's keys in the order
// it sent them, unknown ones too, and its values as sent, after the controller set its own keys on
// that object (a key the body has keeps its place and takes the new value; a new key comes after
// the others; one set to undefined is left out by JSON.stringify):
//   createJob   each rule's `id`, createat, editat, edituser (= createuser), jobid, files ([]),
//               stat (202, for every new job), then the `_id` MongoDB's driver adds as it inserts;
//               no execerr, execat or nextat.
//   updateJob   createat and createuser (the stored ones), stat, editat, files (the stored list,
//               with the filename history below), execat, nextat, execerr; a rule without an id
//               gets one; an empty schedule or a disabled job has nextat "never", a disabled job
//               stat 0. Its `_id` is the one sent, if any.
// Here the values the web takes from its MongoDB document are the job's as Mainspring has it
// once the change is made, and each rule's id the one it was stored with.
//
// Example:
//   nlohmann::ordered_json posted = posted_object(req.body, parsed_body);
//   send_web_text(reply, created_job_text(std::move(posted), view));
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/scheduler_api.h"
#include "http/cloudtask/job_json.h"

namespace mainspring::http::cloudtask {

// The most entries of a job's `files` (changeInfo keeps the newest 60 after a filename change).
inline constexpr std::size_t k_max_file_history = 60;

// `body` as posted, keys in the order sent, as JSON.parse reads it (a repeated key keeps its
// first place and its last value); `parsed` (parse_json_object's reading of it, keys sorted) when
// the text needs what only parse_json_object allows.
nlohmann::ordered_json posted_object(std::string_view body, const nlohmann::json& parsed);

// createJob's answer text, {"code":0,"message":...,"data":<posted as the web changes it>}, for the
// job `stored` it made.
std::string created_job_text(nlohmann::ordered_json posted, const job_view& stored);

// updateJob's answer text for `posted`, the job being `stored` (with `placement`) after the update.
std::string updated_job_text(nlohmann::ordered_json posted, const job_view& stored, const job_stat& placement);

// The job's `files` after an update, as changeInfo keeps them: when the filename changes, the old
// one (if not empty and not listed) is added as {"name", "createat": now_ms}, the new one leaves
// the list, and the list is sorted newest first and cut to k_max_file_history. `files` not an
// array reads as [].
nlohmann::json file_history(const nlohmann::json& files, const std::string& old_filename,
                            const std::string& new_filename, int64_t now_ms);

}  // namespace mainspring::http::cloudtask
