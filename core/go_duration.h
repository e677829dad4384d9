// Go's duration syntax ("1h30m", "90s", "1.5h", "300ms"), as used by `@every` schedules.
//
// Schedules written for Go schedulers (robfig/cron, gocron, dkron) say `@every 1h30m`; this unit
// reads and writes that syntax exactly as Go's time.ParseDuration and Duration.String do, down to
// the error texts (minus Go's "time: " prefix), so that a pattern that works there works here.
//
// Example:
//   status_or<std::chrono::milliseconds> d = parse_go_duration("1h30m");   // 5'400'000 ms
//   if (!d.ok()) return d.status();   // e.g. invalid_argument, `unknown unit "d" in duration "2d"`
//   std::string s = format_go_duration(*d);                                // "1h30m0s"
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mainspring {

// Parses a Go duration: an optional sign, then one or more decimal numbers (fractions allowed,
// "1.5h", ".5s") each followed by a unit: ns, us, µs (U+00B5 or U+03BC), ms, s, m, h. "0" alone
// needs no unit. Everything else is invalid_argument: "" and junk (`invalid duration "abc"`), a
// number without a unit (`missing unit in duration "5"`), an unknown unit
// (`unknown unit "d" in duration "2d"`), and magnitudes above Go's limit of about 292 years.
// The sub-millisecond remainder is dropped (toward zero): "1500us" is 1 ms.
status_or<std::chrono::milliseconds> parse_go_duration(std::string_view text);

// Formats like Go's Duration.String restricted to milliseconds: "0s", "300ms", "1.5s", "1m30s",
// "1h0m0s", "-2s". parse_go_duration(format_go_duration(d)) == d for every d.
std::string format_go_duration(std::chrono::milliseconds d);

}  // namespace mainspring
