// dialect_data: each dialect's own section of a job's dialect_data (core/job.h).
//
// A job keeps fields that only one dialect's clients care about (Dkron's owner and tags, the
// native API's exec_command beside an HTTP@ URL) as one JSON object with a member per dialect, so
// that a job written through one dialect and edited through another keeps both dialects' fields.
// The core never reads it.
//
// Example:
//   nlohmann::json mine = dialect_section(job.dialect_data, "dkron");   // {} when none
//   mine["owner"] = "ops";
//   job.dialect_data = with_dialect_section(job.dialect_data, "dkron", mine);
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mainspring::http {

// The member `dialect` of the object in `data`: an empty object when data is empty, not an
// object, or has no such member.
nlohmann::json dialect_section(const std::string& data, std::string_view dialect);

// `data` with member `dialect` replaced by `section`, or removed when section is null or an empty
// object; "" when nothing is left.
std::string with_dialect_section(const std::string& data, std::string_view dialect,
                                 const nlohmann::json& section);
// The same, taking `section` instead of copying it.
std::string with_dialect_section(const std::string& data, std::string_view dialect, nlohmann::json&& section);

}  // namespace mainspring::http
