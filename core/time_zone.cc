#include "core/time_zone.h"

#include <date/tz.h>

#include <exception>

namespace mainspring {

status_or<time_zone> time_zone::find(std::string_view iana_name) {
  if (iana_name.empty() || iana_name == "UTC") return utc();
  try {
    // date/tz reports an unknown name (and an unreadable tz database) by throwing; the exception
    // stops here.
    const date::time_zone* zone = date::locate_zone(iana_name);
    if (zone != nullptr) return time_zone{zone, std::string(iana_name)};
  } catch (const std::exception&) {
  }
  return status::invalid_argument("timezone: unknown time zone: " + std::string(iana_name));
}

}  // namespace mainspring
