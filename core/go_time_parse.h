// Go's time.Parse for the two layouts Dkron reads a time with, down to Go's error texts: RFC 3339
// as Time.UnmarshalJSON reads it (strict), and the HTML datetime-local form "2006-01-02T15:04"
// Dkron's NullableTime falls back to.
//
// Example:
//   status_or<sys_ms> t = parse_go_json_time("2026-12-01T10:00:00.25+02:00");
//   parse_go_json_time("2026-13-01T00:00:00Z").status().message();
//       // parsing time "2026-13-01T00:00:00Z": month out of range
//   parse_go_json_time("tomorrow").status().message();
//       // parsing time "tomorrow" as "2006-01-02T15:04:05Z07:00": cannot parse "tomorrow" as "2006"
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time_types.h"

namespace mainspring {

// The layouts, as Go spells them.
inline constexpr std::string_view k_go_rfc3339 = "2006-01-02T15:04:05Z07:00";
inline constexpr std::string_view k_go_datetime_local = "2006-01-02T15:04";

// time.Parse(layout, text) for layout k_go_rfc3339 or k_go_datetime_local (any other is
// invalid_argument "unsupported layout"). Go's leniencies stay: a one-digit hour, a comma before
// the fraction, offsets up to +24:60. A time without an offset is UTC. The fraction is kept to
// the millisecond. Errors are invalid_argument with Go's ParseError text.
status_or<sys_ms> parse_go_time(std::string_view layout, std::string_view text);

// What Go's Time.UnmarshalJSON takes from a JSON string (its contents): RFC 3339 without Parse's
// leniencies (Go's parseStrictRFC3339), with Go's error texts.
status_or<sys_ms> parse_go_json_time(std::string_view text);

// `text` quoted as Go's time package quotes values in its errors: `"` and `\` escaped, and every
// byte of a non-ASCII or control character as \xNN.
std::string go_time_quote(std::string_view text);

}  // namespace mainspring
