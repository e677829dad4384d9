// rfc3339: instants as RFC 3339 text, read and written.
//
// Example:
//   std::optional<sys_ms> t = parse_rfc3339("2026-12-01T10:00:00.250+02:00");
//   format_rfc3339_utc(*t);   // "2026-12-01T08:00:00.25Z" -> "2026-12-01T08:00:00.250Z"
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/time_types.h"

namespace mainspring {

// YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM), 'T' and 'Z' in either case; the fraction is
// kept to the millisecond (further digits are dropped). Leap seconds (:60) are not accepted.
// nullopt when `text` is anything else.
std::optional<sys_ms> parse_rfc3339(std::string_view text);

// "2026-12-01T08:00:00Z", with ".250" before the Z when `with_ms` and the instant has
// milliseconds. REQUIRES: a year from 0 to 9999.
std::string format_rfc3339_utc(sys_ms t, bool with_ms = true);

}  // namespace mainspring
