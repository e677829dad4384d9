// mongo_id: the `_id` cloudtask-web's answers carry, as MongoDB gives every document it keeps.
//
// cloudtask-web keeps jobs in a MongoDB collection and the center inserts each job log into
// another, so the web's job lists, getById, createJob's answer and the log rows each carry the
// document's ObjectId, which JSON.stringify writes as 24 hex digits. An ObjectId is 4 bytes of
// unix seconds (when the document was made) and 8 more that make it unique. Here there is no
// MongoDB: the id is derived from what the record is, so that it stays the same across restarts
// and reads: its first 4 bytes are when the job was made (when the run's log was written, at its
// end), the other 8 a digest of which record it is.
//
// Example:
//   std::string id = job_object_id(view.spec);          // "5aaf1a50" + 16 hex digits
//   std::string row = log_object_id(run);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "actors/scheduler_api.h"

namespace mainspring::http::cloudtask {

// The key the web's answers carry a document's ObjectId under.
inline constexpr std::string_view k_mongo_id_key = "_id";
inline constexpr std::size_t k_object_id_hex_digits = 24;

// A job's document id: its creation time and its group and id.
std::string job_object_id(const job_spec& spec);

// A job log row's document id: when the run ended and which run of which job it is.
std::string log_object_id(const run_record& run);

// A runtime's (location's) document id: when it was added, and its name.
std::string location_object_id(const std::string& name, int64_t added_ms);

}  // namespace mainspring::http::cloudtask
