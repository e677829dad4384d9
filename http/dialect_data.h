// dialect_data: each dialect's own section of a job's dialect_data (core/job.h).
//
// A job keeps fields that only one dialect's clients care about (Dkron's owner and tags, the
// native API's exec_command beside an HTTP@ URL) as one JSON object with a member per dialect, so
// that a job written through one dialect and edited through another keeps both dialects' fields.
// The core never reads it.
//
// The text keeps the order of the keys inside each section as the section had them: a dialect
// that shows a client's objects as sent (ndscheduler's pub_args) reads and writes its section as
// an ordered_json, and writing another dialect's section keeps that order. The sections
// themselves stand in the order of their names, as dump() of a json writes them.
//
// Example:
//   nlohmann::json mine = dialect_section(job.dialect_data, "dkron");   // {} when none
//   mine["owner"] = "ops";
//   job.dialect_data = with_dialect_section(job.dialect_data, "dkron", mine);
//   nlohmann::ordered_json as_sent = ordered_dialect_section(job.dialect_data, "ndscheduler");
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mainspring::http {

// The member `dialect` of the object in `data`: an empty object when data is empty, not an
// object, or has no such member.
nlohmann::json dialect_section(const std::string& data, std::string_view dialect);
// The same, its objects' keys in the order the text has them.
nlohmann::ordered_json ordered_dialect_section(const std::string& data, std::string_view dialect);

// `data` with member `dialect` replaced by `section`, or removed when section is null or an empty
// object; "" when nothing is left. The other sections are kept as they are written.
std::string with_dialect_section(const std::string& data, std::string_view dialect,
                                 const nlohmann::json& section);
// The same, written with its objects' keys in the order they have.
std::string with_dialect_section(const std::string& data, std::string_view dialect,
                                 const nlohmann::ordered_json& section);

}  // namespace mainspring::http
