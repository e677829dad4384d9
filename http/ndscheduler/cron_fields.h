// cron_fields: ndscheduler's flat cron fields, as APScheduler's CronTrigger reads and prints them.
//
// Example:
//   std::map<std::string, std::string> given = {{"hour", "5"}};
//   auto text = cron_schedule_text(given);    // the Mainspring schedule: daily at 05:00:00
//   apscheduler_strings(given);               // month "*", day "*", week "*", day_of_week "*",
//                                             // hour "5", minute "0"
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mainspring::http::ndscheduler {

// CronTrigger's fields, most significant first.
inline constexpr std::array<const char*, 8> k_cron_fields = {"year", "month", "day", "week",
                                                             "day_of_week", "hour", "minute", "second"};
inline constexpr std::size_t k_max_cron_field_bytes = 256;

// The Mainspring schedule text (core/schedule.h) of a CronTrigger with the `given` fields, or
// invalid_argument naming the field ("day_of_week: ...").
status_or<std::string> cron_schedule_text(const std::map<std::string, std::string>& given);

// A given field's text as str() of APScheduler's field prints it: each comma-separated
// expression compiled and printed back ("MON-FRI" -> "mon-fri", "05" -> "5", "1-1" -> "1",
// "*/05" -> "*/5", "2ND Fri" -> "2nd fri", "jan-mar/2" -> "jan-mar", " 5 , 7" -> "5,7").
std::string apscheduler_str(std::string_view field, std::string_view text);

// What ndscheduler's job JSON shows for month, day, week, day_of_week, hour and minute
// (str() of APScheduler's fields): a given field as apscheduler_str prints it; week and day_of_week "*" when not
// given; a field more significant than the least significant one given (any field counts) "*",
// a less significant one its minimum ("1" for day and month, "0" otherwise).
std::vector<std::pair<std::string, std::string>> apscheduler_strings(const std::map<std::string, std::string>& given);

}  // namespace mainspring::http::ndscheduler
