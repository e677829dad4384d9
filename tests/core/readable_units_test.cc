// Tests for core/readable_units.h: sizes and durations as pixl-tools (and so Cronicle) write them.
#include "core/readable_units.h"

#include <catch2/catch.hpp>

namespace mainspring {
namespace {

TEST_CASE("sizes and durations read as pixl-tools writes them") {
  CHECK(text_from_bytes(0) == "0 bytes");
  CHECK(text_from_bytes(1) == "1 byte");
  CHECK(text_from_bytes(1023) == "1023 bytes");
  CHECK(text_from_bytes(1024) == "1 K");
  CHECK(text_from_bytes(1536) == "1.5 K");
  CHECK(text_from_bytes(1100) == "1 K");  // 1.07 floors to 1.0
  CHECK(text_from_bytes(10 << 20) == "10 MB");
  CHECK(text_from_bytes(int64_t{512} << 20) == "512 MB");
  CHECK(text_from_bytes(int64_t{3} << 30) == "3 GB");
  CHECK(text_from_bytes(int64_t{2} << 40) == "2 TB");
  CHECK(text_from_seconds(1) == "1 second");
  CHECK(text_from_seconds(5) == "5 seconds");
  CHECK(text_from_seconds(90) == "1 minute");
  CHECK(text_from_seconds(7200) == "2 hours");
  CHECK(text_from_seconds(86400 * 2) == "2 days");
}

TEST_CASE("short durations read as pixl-tools abbreviates them, with the remainder") {
  CHECK(short_text_from_seconds(0) == "0 sec");
  CHECK(short_text_from_seconds(1) == "1 sec");
  CHECK(short_text_from_seconds(30) == "30 sec");
  CHECK(short_text_from_seconds(60) == "1 min");
  CHECK(short_text_from_seconds(90) == "1 min, 30 sec");
  CHECK(short_text_from_seconds(3600) == "1 hr");
  CHECK(short_text_from_seconds(7500) == "2 hr, 5 min");
  CHECK(short_text_from_seconds(86400 * 2 + 3600 * 3 + 59) == "2 day, 3 hr");
  CHECK(short_text_from_seconds(-90) == "-1 min, 30 sec");
}

}  // namespace
}  // namespace mainspring
