// readable_units: byte counts and durations as Cronicle words them in its job texts, from
// pixl-tools (getTextFromBytes, getTextFromSeconds): shared by the limits a shell run is aborted
// at (executors/run_limits.h) and the Cronicle dialect's descriptions (http/cronicle/job_json.h).
//
// Example:
//   text_from_bytes(1536);       // "1.5 K"
//   text_from_seconds(3600);     // "1 hour"
//   short_text_from_seconds(90); // "1 min, 30 sec"
#pragma once

#include <cstdint>
#include <string>

namespace mainspring {

// pixl-tools' getTextFromBytes: "512 bytes", "1 byte", "1.5 K", "10 MB", "2 GB" (tenths floored
// at each step of 1024; a whole number has no ".0").
std::string text_from_bytes(int64_t bytes);
// pixl-tools' getTextFromSeconds without the remainder (as Cronicle calls it):
// "1 second", "5 seconds", "1 minute" (for 90 too), "2 hours", "1 day".
std::string text_from_seconds(int64_t seconds);
// getTextFromSeconds(seconds, abbrev = true) with its remainder, as Cronicle words a retry's
// delay: "30 sec", "1 min, 30 sec", "2 hr", "1 day, 3 hr" (no plural 's'; "-" before a negative).
std::string short_text_from_seconds(int64_t seconds);

}  // namespace mainspring
