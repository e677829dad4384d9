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

// What ndscheduler's job JSON shows for month, day, week, day_of_week, hour and minute
// (str() of APScheduler's fields): a given field as aps_field_str (core/apscheduler_cron.h) prints it; week and day_of_week "*" when not
// given; a field more significant than the least significant one given (any field counts) "*",
// a less significant one its minimum ("1" for day and month, "0" otherwise).
std::vector<std::pair<std::string, std::string>> apscheduler_strings(const std::map<std::string, std::string>& given);

}  // namespace mainspring::http::ndscheduler
