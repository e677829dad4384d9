// time_zone: an IANA time zone resolved once, in which cron schedules read their wall clock.
//
// A job names its zone ("Europe/Berlin"); resolving the name goes through the tz database (the
// OS tzdata, via Howard Hinnant's date/tz) once, when the job is created, and the schedule then
// evaluates every next fire against the resolved zone. UTC is special-cased: it holds no zone
// pointer, so schedules in UTC (the default) never touch the tz database.
//
// Example:
//   status_or<time_zone> z = time_zone::find("America/New_York");
//   if (!z.ok()) return z.status();   // invalid_argument "timezone: unknown time zone: Mars/Base"
//   auto next = sched.next_after(now_ms(), *z);
//
// Known limit: with the OS tzdata, date/tz applies the transitions listed in the zone files, which
// end in 2037; after that each zone keeps its last offset (no DST after 2037).
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "core/status.h"

namespace date {
class time_zone;
}  // namespace date

namespace mainspring {

class time_zone {
 public:
  // -- constructors --

  // UTC.
  time_zone() = default;

  // "" and "UTC" give utc() (name "UTC"); other names are looked up in the tz database, case
  // sensitively ("Etc/UTC" is a real zone there, with offset 0). An unknown name is
  // invalid_argument "timezone: unknown time zone: <name>".
  static status_or<time_zone> find(std::string_view iana_name);

  static time_zone utc() { return time_zone{}; }

  // -- properties --

  // The IANA name ("UTC" for utc()).
  const std::string& name() const { return name_; }

  bool is_utc() const { return zone_ == nullptr; }

  // The tz database zone; nullptr for UTC. The pointee lives as long as the process.
  const date::time_zone* zone() const { return zone_; }

  friend bool operator==(const time_zone& a, const time_zone& b) { return a.zone_ == b.zone_; }

 private:
  time_zone(const date::time_zone* zone, std::string name) : zone_(zone), name_(std::move(name)) {}

  // -- member variables --
  const date::time_zone* zone_ = nullptr;
  std::string name_ = "UTC";
};

}  // namespace mainspring
