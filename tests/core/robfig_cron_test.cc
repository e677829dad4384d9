// Tests for core/robfig_cron.h: robfig/cron v3's field rules and error texts (its parser.go read
// for each case), and that the core text fires as robfig's bit sets do, day rules included.
#include "core/robfig_cron.h"

#include <catch2/catch.hpp>

#include "core/schedule.h"

namespace mainspring {
namespace {

std::string core_of(std::string_view spec) {
  auto out = robfig_fields_to_core(spec);
  REQUIRE(out.ok());
  return *out;
}

std::string refusal(std::string_view spec) {
  auto out = robfig_fields_to_core(spec);
  REQUIRE_FALSE(out.ok());
  CHECK(out.status().code() == status_code::invalid_argument);
  return out.status().message();
}

// The first `count` fires after 2026-12-06T00:00:00Z (a Sunday), in UTC, as Unix seconds.
std::vector<int64_t> fires(std::string_view core_text, int count) {
  auto s = parse_schedule(core_text);
  REQUIRE(s.ok());
  std::vector<int64_t> out;
  sys_ms at{std::chrono::seconds{1796515200}};
  for (int i = 0; i < count; ++i) {
    auto next = s->next_after(at, time_zone::utc());
    REQUIRE(next);
    out.push_back(std::chrono::duration_cast<std::chrono::seconds>(next->time_since_epoch()).count());
    at = *next;
  }
  return out;
}

TEST_CASE("robfig fields: values, ranges, steps and names become explicit core fields") {
  CHECK(core_of("0 */15 9-17 * * MON-FRI") == "0 0,15,30,45 9-17 * * 1-5");
  CHECK(core_of("* * * * * *") == "* * * * * *");
  CHECK(core_of("? ? ? ? ? ?") == "* * * * * *");
  CHECK(core_of("5/20 0 0 1 jan,JUL sun") == "5,25,45 0 0 1 1,7 0");
  CHECK(core_of("0 0 0 1-31/10 * *") == "0 0 0 1,11,21,31 * *");
  CHECK(core_of("0 0 0 * * sat,0") == "0 0 0 * * 0,6");
  CHECK(core_of("  0\t1  2 3 4 5  ") == "0 1 2 3 4 5");   // strings.Fields
  CHECK(core_of("0,,5 0 0 * * *") == "0,5 0 0 * * *");    // empty list items are skipped
  CHECK(core_of("+5 0 0 * * *") == "5 0 0 * * *");        // strconv.Atoi takes a sign
  CHECK(core_of("*-5 0 0 * * *") == "* 0 0 * * *");       // after `*` robfig reads no bound
}

TEST_CASE("robfig fields: a step over 1 drops the star, a step of 1 keeps it") {
  CHECK(core_of("0 0 0 */1 * *") == "0 0 0 * * *");
  CHECK(core_of("0 0 0 */2 * *") == "0 0 0 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31 * *");
  CHECK(core_of("0 0 0 1-31 * 1") == "0 0 0 1-31 * 1");
}

TEST_CASE("robfig fields: day of month and day of week combine as robfig's star bits say") {
  // 2026-12-06 is a Sunday; Monday 7th, Tuesday 8th ...
  const int64_t day = 86400, dec7 = 1796515200 + day;
  // `*/1` keeps robfig's star: Mondays only (the core alone would read */1 as restricted: every day).
  CHECK(fires(core_of("0 0 0 */1 * MON"), 2) == std::vector<int64_t>{dec7, dec7 + 7 * day});
  // Both restricted: the 8th or any Monday.
  CHECK(fires(core_of("0 0 0 8 * MON"), 3) ==
        std::vector<int64_t>{dec7, dec7 + day, dec7 + 7 * day});
  // `1-31` lists every day but is no star: every day matches.
  CHECK(fires(core_of("0 0 0 1-31 * MON"), 2) == std::vector<int64_t>{dec7, dec7 + day});
}

TEST_CASE("robfig fields: refusals in robfig's words") {
  CHECK(refusal("0 30 9 * *") == "expected exactly 6 fields, found 5: [0 30 9 * *]");
  CHECK(refusal("0 0 0 * * * 2026") == "expected exactly 6 fields, found 7: [0 0 0 * * * 2026]");
  CHECK(refusal("") == "expected exactly 6 fields, found 0: []");
  CHECK(refusal("0 0 0 * * 7") == "end of range (7) above maximum (6): 7");
  CHECK(refusal("60 * * * * *") == "end of range (60) above maximum (59): 60");
  CHECK(refusal("0 0 0 0 * *") == "beginning of range (0) below minimum (1): 0");
  CHECK(refusal("0 0 24 * * *") == "end of range (24) above maximum (23): 24");
  CHECK(refusal("0 0 0 * 13 *") == "end of range (13) above maximum (12): 13");
  CHECK(refusal("0 5-3 * * * *") == "beginning of range (5) beyond end of range (3): 5-3");
  CHECK(refusal("0 1-2-3 * * * *") == "too many hyphens: 1-2-3");
  CHECK(refusal("0 */2/3 * * * *") == "too many slashes: */2/3");
  CHECK(refusal("*/0 * * * * *") == "step of range should be a positive number: */0");
  CHECK(refusal("x * * * * *") == "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax");
  CHECK(refusal("-1 * * * * *") == "failed to parse int from : strconv.Atoi: parsing \"\": invalid syntax");
  CHECK(refusal("*/-1 * * * * *") == "negative number (-1) not allowed: -1");
  CHECK(refusal("99999999999999999999 * * * * *") ==
        "failed to parse int from 99999999999999999999: strconv.Atoi: parsing \"99999999999999999999\": "
        "value out of range");
  CHECK(refusal("9223372036854775807 * * * * *") ==
        "end of range (9223372036854775807) above maximum (59): 9223372036854775807");
  CHECK(refusal("0 0 0 L * *") == "failed to parse int from L: strconv.Atoi: parsing \"L\": invalid syntax");
  CHECK(refusal("0 0 0 * * MON#2") ==
        "failed to parse int from MON#2: strconv.Atoi: parsing \"MON#2\": invalid syntax");
  CHECK(refusal(", * * * * *") == "field 1 lists no value: ,");
}

}  // namespace
}  // namespace mainspring
