// Fuzzes schedule parsing (core/schedule.h): cron patterns, descriptors, @every with Go
// durations, @at with RFC 3339 times, @apscheduler triggers, Cronicle timing objects and
// Cloudtask calendar rules, all of which parse_schedule reads from text.
//
// Input: byte 0 picks a time zone, bytes 1-4 an instant between 1970 and 2106; the rest is the
// schedule text. Properties:
//  - parsing never crashes and answers in bounded time (libFuzzer's -timeout catches a hang);
//  - a parsed schedule's text() parses again to a schedule of the same kind that fires at the
//    same instants (what storage, dumps and restarts rely on);
//  - the next fire is strictly after the instant asked about, and asking again from it moves
//    forward; cron fires are whole seconds;
//  - a Go duration that parses formats to text that parses to the same duration.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/go_duration.h"
#include "core/rfc3339.h"
#include "core/schedule.h"
#include "core/time_zone.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace mainspring;

constexpr std::array<std::string_view, 5> k_zones = {
    "UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"};
// How many successive fires are followed from the instant.
constexpr int k_fires_followed = 3;

const time_zone& zone_at(uint8_t index) {
  static const std::array<time_zone, k_zones.size()> zones = [] {
    std::array<time_zone, k_zones.size()> z;
    for (std::size_t i = 0; i < k_zones.size(); ++i) z[i] = *time_zone::find(k_zones[i]);
    return z;
  }();
  return zones[index % zones.size()];
}

void check_fires(const schedule& s, const schedule& again, sys_ms after, const time_zone& zone) {
  for (int i = 0; i < k_fires_followed; ++i) {
    std::optional<sys_ms> next = s.next_after(after, zone);
    std::optional<sys_ms> next_again = again.next_after(after, zone);
    FUZZ_CHECK(next == next_again);
    if (!next) return;
    FUZZ_CHECK(*next > after);
    if (s.get_kind() == schedule::kind::cron) {
      FUZZ_CHECK(next->time_since_epoch().count() % 1000 == 0);
    }
    after = *next;
  }
}

void check_go_duration(std::string_view text) {
  auto d = parse_go_duration(text);
  if (!d.ok()) return;
  auto again = parse_go_duration(format_go_duration(*d));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *d);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  const time_zone& zone = zone_at(data[0]);
  uint32_t seconds = uint32_t(data[1]) | uint32_t(data[2]) << 8 | uint32_t(data[3]) << 16 |
                     uint32_t(data[4]) << 24;
  sys_ms after{std::chrono::seconds(seconds)};
  std::string_view text(reinterpret_cast<const char*>(data) + 5, size - 5);

  check_go_duration(text);
  (void)parse_rfc3339(text);

  auto s = parse_schedule(text);
  if (!s.ok()) {
    FUZZ_CHECK(!s.status().message().empty());
    return 0;
  }
  auto again = parse_schedule(s->text());
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->get_kind() == s->get_kind());
  check_fires(*s, *again, after, zone);
  return 0;
}
