// robfig_cron: a cron spec read as robfig/cron v3 reads it (Dkron's parser: extcron over
// robfig's Parser with seconds), written back in the core's cron syntax with the same meaning.
//
// Dkron users write specs robfig accepts and hear robfig's words when it refuses one; the core's
// own parser (core/cron_expression.h) is more lenient (a day of week 7, `L`-less extras, `*` in a
// list) and names fields its own way. Reading with robfig's rules first keeps both: what robfig
// refuses is refused in its words, and what it accepts fires as it would, because the result
// lists the exact values robfig's bit sets hold.
//
// Example:
//   status_or<std::string> core = robfig_fields_to_core("0 */15 9-17 * * MON-FRI");
//   // *core == "0 0,15,30,45 9-17 * * 1-5"
//   robfig_fields_to_core("0 0 0 * * 7").status().message();
//   // "end of range (7) above maximum (6): 7"
//
// Input: exactly six fields (second minute hour day-of-month month day-of-week) separated by
// blanks, without robfig's TZ= prefix or @descriptors (the caller reads those). Per field, as
// robfig's getField/getRange: a comma list (empty items skipped) of `*` or `?` (the whole range),
// a number or name (months jan-dec, weekdays sun-sat, any case), `a-b`, each optionally `/step`
// (`a/step` runs from a to the maximum). Bounds: seconds and minutes 0-59, hours 0-23, days of
// month 1-31, months 1-12, days of week 0-6 (0 is Sunday; 7 is refused).
//
// Output: six fields; a field whose robfig bit set carries the star bit (`*` or `?` without a
// step over 1) is `*`, so that day-of-month and day-of-week combine as robfig combines them (both
// restricted: either matches; otherwise both must); any other field is its values as ascending
// numbers and runs (`1-5,7`).
//
// Errors are invalid_argument with robfig's texts, e.g. "expected exactly 6 fields, found 5:
// [0 30 9 * *]", "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax",
// "beginning of range (5) beyond end of range (3): 5-3", "too many hyphens: 1-2-3",
// "step of range should be a positive number: */0".
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace mainspring {

status_or<std::string> robfig_fields_to_core(std::string_view fields);

}  // namespace mainspring
