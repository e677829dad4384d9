#include "http/ndscheduler/cron_fields.h"

#include "core/apscheduler_cron.h"
#include "core/schedule.h"

namespace mainspring::http::ndscheduler {

namespace {

// The index of the least significant field given, or -1. (APScheduler's CronTrigger: once the
// last given field is passed, the rest take DEFAULT_VALUES; before it, '*'.)
int least_significant_given(const std::map<std::string, std::string>& given) {
  int last = -1;
  for (int i = 0; i < static_cast<int>(k_cron_fields.size()); ++i)
    if (given.count(k_cron_fields[i])) last = i;
  return last;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> apscheduler_strings(const std::map<std::string, std::string>& given) {
  const int last = least_significant_given(given);
  std::vector<std::pair<std::string, std::string>> out;
  for (int i = 1; i <= 6; ++i) {  // month .. minute
    std::string f = k_cron_fields[i];
    std::string text;
    if (auto it = given.find(f); it != given.end()) text = aps_field_str(f, it->second);
    else if (f == "week" || f == "day_of_week" || i < last) text = "*";  // DEFAULT_VALUES: '*' for these
    else text = (f == "day" || f == "month") ? "1" : "0";
    out.emplace_back(f, text);
  }
  return out;
}

status_or<std::string> cron_schedule_text(const std::map<std::string, std::string>& given) {
  aps_cron_fields fields;
  for (const auto& [name, value] : given)
    if (auto* field = aps_cron_field(fields, name)) *field = value;
  auto s = schedule::from_apscheduler(fields);
  if (!s.ok()) return s.status();
  return s->text();
}

}  // namespace mainspring::http::ndscheduler
