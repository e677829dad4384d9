// go_time_parse: Go's time.Parse and Time.UnmarshalJSON for Dkron's two layouts, down to the
// ParseError texts Go gives (each expected text is what Go 1.24's time package says).
#include "core/go_time_parse.h"

#include <catch2/catch.hpp>

#include "core/rfc3339.h"

using namespace mainspring;

namespace {

std::string json_error(std::string_view text) {
  auto t = parse_go_json_time(text);
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == status_code::invalid_argument);
  return t.status().message();
}

int64_t ms_of(status_or<sys_ms> t) {
  INFO(t.status().message());
  REQUIRE(t.ok());
  return to_unix_ms(*t);
}

}  // namespace

TEST_CASE("RFC 3339 times read as Go reads them, offsets and fractions included") {
  CHECK(ms_of(parse_go_json_time("2026-12-01T10:00:00Z")) == to_unix_ms(*parse_rfc3339("2026-12-01T10:00:00Z")));
  CHECK(ms_of(parse_go_json_time("2026-12-01T10:00:00.25+02:00")) ==
        to_unix_ms(*parse_rfc3339("2026-12-01T08:00:00.250Z")));
  CHECK(ms_of(parse_go_json_time("2026-12-01T10:00:00.123456789-01:30")) ==
        to_unix_ms(*parse_rfc3339("2026-12-01T11:30:00.123Z")));
  CHECK(ms_of(parse_go_json_time("2024-02-29T23:59:59Z")) == to_unix_ms(*parse_rfc3339("2024-02-29T23:59:59Z")));
  CHECK(ms_of(parse_go_json_time("0000-01-01T00:00:00Z")) == to_unix_ms(*parse_rfc3339("0000-01-01T00:00:00Z")));
  // The datetime-local form, as UTC; Parse takes a one-digit hour there.
  CHECK(ms_of(parse_go_time(k_go_datetime_local, "2026-12-01T10:05")) == to_unix_ms(*parse_rfc3339("2026-12-01T10:05:00Z")));
  CHECK(ms_of(parse_go_time(k_go_datetime_local, "2026-12-01T1:05")) == to_unix_ms(*parse_rfc3339("2026-12-01T01:05:00Z")));
}

TEST_CASE("what Go cannot parse is named as Go's ParseError names it") {
  const std::string as = " as \"2006-01-02T15:04:05Z07:00\": cannot parse ";
  CHECK(json_error("tomorrow") == "parsing time \"tomorrow\"" + as + "\"tomorrow\" as \"2006\"");
  CHECK(json_error("") == "parsing time \"\"" + as + "\"\" as \"2006\"");
  CHECK(json_error("2026-12-01 10:00:00Z") == "parsing time \"2026-12-01 10:00:00Z\"" + as + "\" 10:00:00Z\" as \"T\"");
  CHECK(json_error("2026-12-01t10:00:00z") == "parsing time \"2026-12-01t10:00:00z\"" + as + "\"t10:00:00z\" as \"T\"");
  CHECK(json_error("2026-12-01T10:00:00") == "parsing time \"2026-12-01T10:00:00\"" + as + "\"\" as \"Z07:00\"");
  CHECK(json_error("2026-12-01T10:00:00z") == "parsing time \"2026-12-01T10:00:00z\"" + as + "\"z\" as \"Z07:00\"");
  CHECK(json_error("2026-12-1T10:00:00Z") == "parsing time \"2026-12-1T10:00:00Z\"" + as + "\"1T10:00:00Z\" as \"02\"");
  CHECK(json_error("26-12-01T10:00:00Z") == "parsing time \"26-12-01T10:00:00Z\"" + as + "\"26-12-01T10:00:00Z\" as \"2006\"");
  CHECK(json_error("2026-12-01T10:0:00Z") == "parsing time \"2026-12-01T10:0:00Z\"" + as + "\"0:00Z\" as \"04\"");
  CHECK(json_error("2026-12-01T10:00:00+0100") == "parsing time \"2026-12-01T10:00:00+0100\"" + as + "\"+0100\" as \"Z07:00\"");
  // Out of range: no element named.
  CHECK(json_error("2026-13-01T10:00:00Z") == "parsing time \"2026-13-01T10:00:00Z\": month out of range");
  CHECK(json_error("2026-02-29T10:00:00Z") == "parsing time \"2026-02-29T10:00:00Z\": day out of range");
  CHECK(json_error("2026-12-00T10:00:00Z") == "parsing time \"2026-12-00T10:00:00Z\": day out of range");
  CHECK(json_error("2026-12-01T24:00:00Z") == "parsing time \"2026-12-01T24:00:00Z\": hour out of range");
  CHECK(json_error("2026-12-01T10:60:00Z") == "parsing time \"2026-12-01T10:60:00Z\": minute out of range");
  CHECK(json_error("2026-12-01T10:00:60Z") == "parsing time \"2026-12-01T10:00:60Z\": second out of range");
  CHECK(json_error("2026-12-01T10:00:00+25:00") == "parsing time \"2026-12-01T10:00:00+25:00\": time zone offset hour out of range");
  CHECK(json_error("2026-12-01T10:00:00Zjunk") == "parsing time \"2026-12-01T10:00:00Zjunk\": extra text: \"junk\"");
  // What Parse takes and RFC 3339 does not (Go's parseStrictRFC3339).
  CHECK(json_error("2026-12-01T1:00:00Z") == "parsing time \"2026-12-01T1:00:00Z\"" + as + "\"1\" as \"15\"");
  CHECK(json_error("2026-12-01T10:00:00,5Z") == "parsing time \"2026-12-01T10:00:00,5Z\"" + as + "\",\" as \".\"");
  CHECK(json_error("2026-12-01T10:00:00+24:00") == "parsing time \"2026-12-01T10:00:00+24:00\": timezone hour out of range");
  CHECK(json_error("2026-12-01T10:00:00+01:60") == "parsing time \"2026-12-01T10:00:00+01:60\": timezone minute out of range");
  // Parse, not strict, takes them.
  CHECK(parse_go_time(k_go_rfc3339, "2026-12-01T1:00:00Z").ok());
  CHECK(parse_go_time(k_go_rfc3339, "2026-12-01T10:00:00,5Z").ok());
}

TEST_CASE("values in Go's errors are quoted as its time package quotes them") {
  CHECK(go_time_quote("a\"b\\c") == R"("a\"b\\c")");
  CHECK(go_time_quote("\xc3\xbc") == R"("\xc3\xbc")");
  CHECK(go_time_quote("\xff!") == R"("\xff!")");
  CHECK(go_time_quote("\n") == R"("\x0a")");
  CHECK(json_error("\xc3\xbc") == "parsing time \"\\xc3\\xbc\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\\xc3\\xbc\" as \"2006\"");
}
