#include "http/ndscheduler/cron_fields.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string_view>

#include "core/apscheduler_cron.h"
#include "core/schedule.h"

namespace mainspring::http::ndscheduler {

namespace {

constexpr std::array<std::string_view, 12> k_months = {"jan", "feb", "mar", "apr", "may", "jun",
                                                       "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> k_weekdays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<std::string_view, 6> k_positions = {"1st", "2nd", "3rd", "4th", "5th", "last"};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// Reads a run of ASCII digits at the front of `rest` as a number (Python's int(): leading zeros
// go), or nullopt when there is none.
std::optional<long long> number(std::string_view& rest) {
  std::size_t n = 0;
  while (n < rest.size() && n < 18 && std::isdigit(static_cast<unsigned char>(rest[n]))) ++n;
  if (n == 0) return std::nullopt;
  long long v = std::stoll(std::string(rest.substr(0, n)));
  rest.remove_prefix(n);
  return v;
}

// A run of ASCII letters at the front of `rest`.
std::string_view letters(std::string_view& rest) {
  std::size_t n = 0;
  while (n < rest.size() && std::isalpha(static_cast<unsigned char>(rest[n]))) ++n;
  std::string_view word = rest.substr(0, n);
  rest.remove_prefix(n);
  return word;
}

template <std::size_t N>
std::optional<std::size_t> index_of(const std::array<std::string_view, N>& names, std::string_view word) {
  auto it = std::find(names.begin(), names.end(), lower(word));
  if (it == names.end()) return std::nullopt;
  return static_cast<std::size_t>(it - names.begin());
}

// AllExpression (`*`, `*/s`) and RangeExpression (`a`, `a-b`, `a/s`, `a-b/s`), whole-text
// matches as APScheduler's value_re ends in `$`.
std::optional<std::string> numeric_str(std::string_view expr) {
  if (!expr.empty() && expr.front() == '*') {
    std::string_view rest = expr.substr(1);
    if (rest.empty()) return "*";
    if (rest.front() != '/') return std::nullopt;
    rest.remove_prefix(1);
    auto step = number(rest);
    if (!step || !rest.empty()) return std::nullopt;
    return *step ? "*/" + std::to_string(*step) : std::string("*");
  }
  std::string_view rest = expr;
  auto first = number(rest);
  if (!first) return std::nullopt;
  std::optional<long long> last, step;
  if (!rest.empty() && rest.front() == '-') {
    rest.remove_prefix(1);
    if (!(last = number(rest))) return std::nullopt;
  }
  if (!rest.empty() && rest.front() == '/') {
    rest.remove_prefix(1);
    if (!(step = number(rest))) return std::nullopt;
  }
  if (!rest.empty()) return std::nullopt;
  std::string out = last && *last != *first ? std::to_string(*first) + "-" + std::to_string(*last) : std::to_string(*first);
  if (step && *step) out += "/" + std::to_string(*step);
  return out;
}

// MonthRangeExpression and WeekdayRangeExpression: a name or a name range at the front (their
// value_re has no `$`: what follows is ignored), printed lower case.
template <std::size_t N>
std::optional<std::string> name_range_str(const std::array<std::string_view, N>& names, std::string_view expr) {
  std::string_view rest = expr;
  auto first = index_of(names, letters(rest));
  if (!first) return std::nullopt;
  std::optional<std::size_t> last;
  if (!rest.empty() && rest.front() == '-') {
    rest.remove_prefix(1);
    std::string_view word = letters(rest);
    if (!word.empty() && !(last = index_of(names, word))) return std::nullopt;
  }
  std::string out(names[*first]);
  if (last && *last != *first) out += "-" + std::string(names[*last]);
  return out;
}

// The day field's WeekdayPositionExpression (`2nd fri`, `last sun`) and LastDayOfMonthExpression
// (`last`), matched at the front as APScheduler matches them.
std::optional<std::string> day_position_str(std::string_view expr) {
  std::string_view rest = expr;
  std::string_view option = rest.substr(0, rest.find(' '));
  if (auto at = index_of(k_positions, option); at && option.size() < rest.size()) {
    std::string_view tail = rest.substr(option.size());
    while (!tail.empty() && tail.front() == ' ') tail.remove_prefix(1);
    if (tail.size() >= 3)
      if (auto day = index_of(k_weekdays, tail.substr(0, 3)))
        return std::string(k_positions[*at]) + " " + std::string(k_weekdays[*day]);
  }
  if (lower(expr.substr(0, 4)) == "last") return std::string("last");
  return std::nullopt;
}

// One expression of `field` as str() of APScheduler's compiled expression, or as given when it
// is none of them (validation refused such a job before: this only guards the display).
std::string expression_str(std::string_view field, std::string_view expr) {
  if (auto s = numeric_str(expr)) return *s;
  if (field == "day")
    if (auto s = day_position_str(expr)) return *s;
  if (field == "day_of_week")
    if (auto s = name_range_str(k_weekdays, expr)) return *s;
  if (field == "month")
    if (auto s = name_range_str(k_months, expr)) return *s;
  return std::string(expr);
}

// The index of the least significant field given, or -1. (APScheduler's CronTrigger: once the
// last given field is passed, the rest take DEFAULT_VALUES; before it, '*'.)
int least_significant_given(const std::map<std::string, std::string>& given) {
  int last = -1;
  for (int i = 0; i < static_cast<int>(k_cron_fields.size()); ++i)
    if (given.count(k_cron_fields[i])) last = i;
  return last;
}

}  // namespace

std::string apscheduler_str(std::string_view field, std::string_view text) {
  // BaseField.compile_expressions: the text stripped, split on commas with any spaces around them.
  std::string out;
  std::string_view rest = trimmed(text);
  for (bool first = true;; first = false) {
    const std::size_t comma = rest.find(',');
    const std::string_view expr = trimmed(rest.substr(0, comma));
    if (!first) out += ',';
    out += expression_str(field, expr);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> apscheduler_strings(const std::map<std::string, std::string>& given) {
  const int last = least_significant_given(given);
  std::vector<std::pair<std::string, std::string>> out;
  for (int i = 1; i <= 6; ++i) {  // month .. minute
    std::string f = k_cron_fields[i];
    std::string text;
    if (auto it = given.find(f); it != given.end()) text = apscheduler_str(f, it->second);
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
