#include "core/calendar_rules.h"

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

#include "core/ascii_text.h"

namespace mainspring {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::local_days;
using std::chrono::local_seconds;
using std::chrono::minutes;
using std::chrono::month;
using std::chrono::months;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using std::chrono::weekday;
using std::chrono::year;
using std::chrono::year_month;
using std::chrono::year_month_day;
using std::chrono::year_month_day_last;

using json = nlohmann::json;

constexpr int k_horizon_years = 50;
constexpr int k_min_year = 1;
constexpr int k_max_year = 9999;
constexpr int k_max_week_ordinal = 5;
constexpr int k_max_month_day = 31;
// The agent appends ":59" to endtime (":00" for turnmode 1) to get the end of a window.
constexpr seconds k_end_tail{59};

// -- text helpers --

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Digits only, at most 9 of them (so no overflow); nullopt otherwise.
std::optional<int> small_number(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int n = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// A number with an optional sign, as Go's strconv.Atoi reads the k of monthlyof.week.
std::optional<int> signed_number(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::optional<int> n = small_number(s);
  if (!n) return std::nullopt;
  return negative ? -*n : *n;
}

// MM/DD/YYYY (the agent's layout "01/02/2006") or YYYY-MM-DD.
std::optional<year_month_day> parse_date(std::string_view s) {
  if (s.size() != 10) return std::nullopt;
  std::optional<int> y, m, d;
  if (s[2] == '/' && s[5] == '/') {
    m = small_number(s.substr(0, 2)), d = small_number(s.substr(3, 2)), y = small_number(s.substr(6, 4));
  } else if (s[4] == '-' && s[7] == '-') {
    y = small_number(s.substr(0, 4)), m = small_number(s.substr(5, 2)), d = small_number(s.substr(8, 2));
  }
  if (!y || !m || !d || *y < k_min_year || *y > k_max_year) return std::nullopt;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*m)}, std::chrono::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

// H:MM or HH:MM (the agent's layout "15:04"): hour 0-23, minute 0-59.
std::optional<minutes> parse_time_of_day(std::string_view s) {
  const size_t colon = s.find(':');
  if (colon != 1 && colon != 2) return std::nullopt;
  if (s.size() != colon + 3) return std::nullopt;
  const std::optional<int> h = small_number(s.substr(0, colon));
  const std::optional<int> m = small_number(s.substr(colon + 1));
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  return minutes{*h * 60 + *m};
}

std::string format_date(const year_month_day& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()), static_cast<int>(d.year()));
  return buf;
}

std::string format_time_of_day(minutes t) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(t.count() / 60), static_cast<int>(t.count() % 60));
  return buf;
}

// -- JSON field readers --

// Builds "<prefix>.<name>: <message>".
class field_errors {
 public:
  explicit field_errors(std::string prefix) : prefix_(std::move(prefix)) {}

  // Errors for the members of object `name`: "<prefix>.<name>.<member>: ...".
  field_errors nested(std::string_view name) const {
    return field_errors(prefix_.empty() ? std::string(name) : prefix_ + "." + std::string(name));
  }

  status make(std::string_view name, std::string_view message) const {
    std::string m = prefix_;
    if (!m.empty()) m += '.';
    m.append(name).append(": ").append(message);
    return status::invalid_argument(std::move(m));
  }

 private:
  std::string prefix_;
};

// The member `name` of `obj`, or nullptr when absent or null.
const json* member(const json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

// A whole number that fits an int, as Go decodes into an int field; absent gives `fallback`.
status_or<int> int_field(const json& obj, const char* name, int fallback, const field_errors& err) {
  const json* v = member(obj, name);
  if (!v) return fallback;
  const bool fits = v->is_number_unsigned() ? v->get<uint64_t>() <= uint64_t{INT32_MAX}
                    : v->is_number_integer()  ? v->get<int64_t>() >= INT32_MIN && v->get<int64_t>() <= INT32_MAX
                                              : false;
  if (!fits) return err.make(name, "must be a whole number: " + v->dump().substr(0, 32));
  return v->get<int>();
}

// A string, trimmed; absent gives "".
status_or<std::string> string_field(const json& obj, const char* name, const field_errors& err) {
  const json* v = member(obj, name);
  if (!v) return std::string();
  if (!v->is_string()) return err.make(name, "must be a string: " + v->dump().substr(0, 32));
  return std::string(trim_blanks(v->get_ref<const std::string&>()));
}

// "1,3,5" with every item in [lo, hi]; items are trimmed, empty items skipped. Sorted, unique.
status_or<std::vector<int>> parse_select_at(std::string_view text, int lo, int hi, const char* what,
                                            const field_errors& err) {
  std::vector<int> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = trim_blanks(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    const std::optional<int> n = small_number(item);
    if (!n || *n < lo || *n > hi) {
      return err.make("selectat", std::string(what) + " are " + std::to_string(lo) + "-" + std::to_string(hi) +
                                      ": " + std::string(item.substr(0, 16)));
    }
    out.push_back(*n);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The most days month m ever has (February: 29).
int max_days_in_month(int m) {
  const year_month_day_last last = year{2000} / month{static_cast<unsigned>(m)} / std::chrono::last;  // a leap year
  return static_cast<int>(static_cast<unsigned>(last.day()));
}

status parse_monthly_of(const json& rule, calendar_rule& r, const field_errors& rule_err) {
  const json* mo = member(rule, "monthlyof");
  const json empty = json::object();
  if (!mo) mo = &empty;
  if (!mo->is_object()) return rule_err.make("monthlyof", "must be an object {\"day\":n,\"week\":\"k:w\"}");
  const field_errors err = rule_err.nested("monthlyof");
  status_or<int> day = int_field(*mo, "day", 0, err);
  if (!day.ok()) return day.status();
  status_or<std::string> week = string_field(*mo, "week", err);
  if (!week.ok()) return week.status();
  if (r.mode != turn_mode::monthly) {
    if (week->size() > k_max_unused_week_bytes)
      return err.make("week", "longer than " + std::to_string(k_max_unused_week_bytes) + " bytes");
    r.monthly.day = *day;
    r.monthly.unused_week = *week;
    return status{};
  }

  if (*day != 0) {
    if (*day < -k_max_month_day || *day > k_max_month_day) {
      return err.make("day", "must be 1 to 31, or -1 (the last day) to -31: " + std::to_string(*day));
    }
    const int need = *day > 0 ? *day : -*day;
    const bool some = std::any_of(r.select_at.begin(), r.select_at.end(),
                                  [&](int m) { return max_days_in_month(m) >= need; });
    if (!some) {
      return err.make("day", "none of the selected months has " + std::to_string(need) + " days");
    }
    r.monthly.day = *day;
    return status{};
  }
  const std::string& w = *week;
  const size_t colon = w.find(':');
  std::optional<int> ordinal, wd;
  if (colon != std::string::npos) {
    ordinal = signed_number(trim_blanks(std::string_view(w).substr(0, colon)));
    wd = small_number(trim_blanks(std::string_view(w).substr(colon + 1)));
  }
  if (!ordinal || !wd || *ordinal < 0 || *ordinal > k_max_week_ordinal || *wd > 6) {
    return err.make("week",
                    "with day 0, expects \"k:w\", k 1-5 (0 = the last) and weekday w 0-6 (0 = Sunday), "
                    "such as \"0:1\" (the last Monday): \"" + w.substr(0, 16) + "\"");
  }
  r.monthly.week_ordinal = *ordinal;
  r.monthly.weekday = *wd;
  return status{};
}

// -- wall-clock arithmetic --

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

local_days to_local_days(const year_month_day& d) { return local_days{d}; }

local_seconds rule_start(const calendar_rule& r) { return to_local_days(r.start_date) + r.start_time; }

// The first wall-clock time the rule may no longer fire at (isExpired).
std::optional<local_seconds> rule_end(const calendar_rule& r) {
  if (!r.end_date) return std::nullopt;
  const seconds tail = (r.mode == turn_mode::seconds && r.end_time) ? seconds{0} : k_end_tail;
  return to_local_days(*r.end_date) + r.end_time.value_or(r.start_time) + tail;
}

seconds turn_unit(turn_mode m) {
  switch (m) {
    case turn_mode::seconds: return seconds{1};
    case turn_mode::minutes: return seconds{60};
    case turn_mode::hourly: return seconds{3600};
    default: return days{1};
  }
}

// Turnmodes 1-3 (CalcInterval): the grid from the start, within each day's window, plus the
// window's opening every day. The first such time >= from.
local_seconds next_interval(const calendar_rule& r, local_seconds from) {
  const local_seconds start = rule_start(r);
  if (from <= start) return start;
  const seconds open = r.start_time;
  const seconds close = *r.end_time + (r.mode == turn_mode::seconds ? seconds{0} : k_end_tail);
  const local_days day = floor<days>(from);
  if (from <= day + open) return day + open;  // the agent: "today's start not reached yet"
  const seconds step = turn_unit(r.mode) * r.interval;
  const local_seconds grid = start + step * ceil_div((from - start).count(), step.count());
  if (grid < day + close) return grid;
  return day + days{1} + open;  // the agent: "past today's end, the next day's start"
}

// Turnmode 4 (CalcDaily): starttime every `interval` days from the start.
local_seconds next_daily(const calendar_rule& r, local_seconds from) {
  const local_seconds start = rule_start(r);
  if (from <= start) return start;
  const seconds step = days{r.interval};
  return start + step * ceil_div((from - start).count(), step.count());
}

// Turnmode 5 (CalcWeekly): the selected weekdays of every `interval`-th week (Sunday first),
// counted from the start's week.
local_seconds next_weekly(const calendar_rule& r, local_seconds from) {
  from = std::max(from, rule_start(r));
  const local_days start_day = to_local_days(r.start_date);
  const local_days sunday0 = start_day - days{weekday{start_day}.c_encoding()};
  int64_t week = floor_div((floor<days>(from) - sunday0).count(), 7);
  // Two passes suffice: the first active week at or after from's week, then the next one, whose
  // days all lie after from.
  for (;;) {
    if (week % r.interval != 0) week += r.interval - week % r.interval;
    for (int d : r.select_at) {
      const local_seconds t = sunday0 + days{week * 7 + d} + r.start_time;
      if (t >= from) return t;
    }
    week += r.interval;
  }
}

// The day of (y, m) that monthlyof names, if the month has one.
std::optional<local_days> monthly_day(const calendar_rule::monthly_of& mo, year_month ym) {
  const local_days first{ym / 1};
  const local_days last{ym / std::chrono::last};
  if (mo.day > 0) {
    const local_days d = first + days{mo.day - 1};
    return d <= last ? std::optional(d) : std::nullopt;
  }
  if (mo.day < 0) {
    const local_days d = last + days{mo.day + 1};
    return d >= first ? std::optional(d) : std::nullopt;
  }
  const weekday w{static_cast<unsigned>(mo.weekday)};
  if (mo.week_ordinal == 0) return last - (weekday{last} - w);  // the last w of the month
  const local_days d = first + (w - weekday{first}) + days{7 * (mo.week_ordinal - 1)};
  return d <= last ? std::optional(d) : std::nullopt;
}

// Turnmode 6 (CalcMonthly): starttime on the monthlyof day of each selected month; nullopt if none
// before `limit`.
std::optional<local_seconds> next_monthly(const calendar_rule& r, local_seconds from, local_seconds limit) {
  from = std::max(from, rule_start(r));
  local_days day = floor<days>(from);
  if (day + r.start_time < from) day += days{1};
  const year_month_day ymd{day};
  for (year_month ym = ymd.year() / ymd.month(); local_days{ym / 1} < limit; ym += months{1}) {
    const unsigned m = static_cast<unsigned>(ym.month());
    if (!std::binary_search(r.select_at.begin(), r.select_at.end(), static_cast<int>(m))) continue;
    const std::optional<local_days> d = monthly_day(r.monthly, ym);
    if (d && *d >= day) return *d + r.start_time;
  }
  return std::nullopt;
}

// The rule's first fire at or after wall-clock `from`, within its end and the horizon.
std::optional<local_seconds> next_wall(const calendar_rule& r, local_seconds from) {
  const year_month_day base{floor<days>(std::max(from, rule_start(r)))};
  const int limit_year = std::min(static_cast<int>(base.year()) + k_horizon_years, k_max_year + 1);
  const local_seconds limit = local_days{year{limit_year} / 1 / 1};
  std::optional<local_seconds> t;
  switch (r.mode) {
    case turn_mode::seconds:
    case turn_mode::minutes:
    case turn_mode::hourly: t = next_interval(r, from); break;
    case turn_mode::daily: t = next_daily(r, from); break;
    case turn_mode::weekly: t = next_weekly(r, from); break;
    case turn_mode::monthly: t = next_monthly(r, from, limit); break;
  }
  if (!t || *t >= limit) return std::nullopt;
  if (const std::optional<local_seconds> end = rule_end(r); end && *t >= *end) return std::nullopt;
  return t;
}

// -- zone mapping (the DST rules of core/schedule.h) --

// The first wall-clock second whose fire lies strictly after `after`: the next second on the wall
// clock, except during the second pass of a repeated hour, whose wall times fired on the first
// pass: then the first wall time after the repeated hour.
local_seconds first_wall_after(sys_seconds after, const time_zone& zone) {
  if (zone.is_utc()) return local_seconds{after.time_since_epoch()} + seconds{1};
  const date::sys_info info = zone.zone()->get_info(after);
  local_seconds from = local_seconds{(after + info.offset).time_since_epoch()} + seconds{1};
  // Offsets change by at most a day, so a transition more than 2 days back has no effect here.
  if (info.begin > after - days{2}) {
    const seconds before = zone.zone()->get_info(info.begin - seconds{1}).offset;
    if (before > info.offset) from = std::max(from, local_seconds{(info.begin + before).time_since_epoch()});
  }
  return from;
}

// The instant a wall-clock time fires at: in a gap, the transition; if repeated, the first one.
sys_seconds fire_instant(local_seconds wall, const time_zone& zone) {
  if (zone.is_utc()) return sys_seconds{wall.time_since_epoch()};
  const date::local_info li = zone.zone()->get_info(date::local_seconds{wall.time_since_epoch()});
  if (li.result == date::local_info::nonexistent) return li.second.begin;
  return sys_seconds{wall.time_since_epoch() - li.first.offset};
}

}  // namespace

status_or<calendar_rule> parse_calendar_rule(const json& rule, std::string_view field) {
  const field_errors err{std::string(field)};
  if (!rule.is_object()) return status::invalid_argument(std::string(field) + ": a rule must be a JSON object");
  calendar_rule r;

  status_or<std::string> id = string_field(rule, "id", err);
  if (!id.ok()) return id.status();
  r.id = *id;

  if (const json* e = member(rule, "enabled"); e && e->is_boolean()) {
    r.enabled = e->get<bool>();
  } else {
    status_or<int> enabled = int_field(rule, "enabled", 0, err);
    if (!enabled.ok()) return err.make("enabled", "must be 0 (off) or 1 (on)");
    r.enabled = *enabled != 0;
  }

  status_or<int> mode = int_field(rule, "turnmode", 0, err);
  if (!mode.ok()) return mode.status();
  if (*mode < 1 || *mode > 6) {
    return err.make("turnmode", "must be 1-6 (seconds, minutes, hourly, daily, weekly, monthly): " +
                                    std::to_string(*mode));
  }
  r.mode = static_cast<turn_mode>(*mode);

  status_or<int> interval = int_field(rule, "interval", 0, err);
  if (!interval.ok()) return interval.status();
  if (r.mode != turn_mode::monthly && *interval < 1) {
    return err.make("interval", "must be at least 1: " + std::to_string(*interval));
  }
  r.interval = *interval;

  const struct {
    const char* name;
    bool required;
  } dates[] = {{"startdate", true}, {"enddate", false}};
  for (const auto& [name, required] : dates) {
    status_or<std::string> text = string_field(rule, name, err);
    if (!text.ok()) return text.status();
    if (text->empty()) {
      if (required) return err.make(name, "required, a date MM/DD/YYYY such as 03/19/2018");
      continue;
    }
    const std::optional<year_month_day> d = parse_date(*text);
    if (!d) return err.make(name, "expects a date MM/DD/YYYY such as 03/19/2018: " + text->substr(0, 32));
    (required ? r.start_date : r.end_date.emplace()) = *d;
  }

  const bool windowed = r.mode == turn_mode::seconds || r.mode == turn_mode::minutes || r.mode == turn_mode::hourly;
  const struct {
    const char* name;
    bool required;
  } times[] = {{"starttime", true}, {"endtime", windowed}};
  for (const auto& [name, required] : times) {
    status_or<std::string> text = string_field(rule, name, err);
    if (!text.ok()) return text.status();
    const bool is_start = std::string_view(name) == "starttime";
    if (text->empty()) {
      if (!required) continue;
      return err.make(name, is_start ? "required, a time of day HH:MM such as 09:30"
                                     : "required for turnmode 1-3 (the end of each day's window), HH:MM");
    }
    const std::optional<minutes> t = parse_time_of_day(*text);
    if (!t) return err.make(name, "expects a time of day HH:MM such as 09:30: " + text->substr(0, 32));
    (is_start ? r.start_time : r.end_time.emplace()) = *t;
  }

  status_or<std::string> select_at = string_field(rule, "selectat", err);
  if (!select_at.ok()) return select_at.status();
  if (r.mode == turn_mode::weekly || r.mode == turn_mode::monthly) {
    const bool weekly = r.mode == turn_mode::weekly;
    status_or<std::vector<int>> sel = weekly ? parse_select_at(*select_at, 0, 6, "weekdays", err)
                                             : parse_select_at(*select_at, 1, 12, "months", err);
    if (!sel.ok()) return sel.status();
    if (sel->empty()) {
      return err.make("selectat", weekly ? "turnmode 5 (weekly) needs at least one weekday 0-6 (0 = Sunday)"
                                         : "turnmode 6 (monthly) needs at least one month 1-12");
    }
    r.select_at = std::move(*sel);
  }

  if (status st = parse_monthly_of(rule, r, err); !st.ok()) return st;
  return r;
}

status_or<std::vector<calendar_rule>> parse_calendar_rules(const json& rules, std::string_view field) {
  std::vector<calendar_rule> out;
  if (rules.is_null()) return out;
  if (!rules.is_array()) return status::invalid_argument(std::string(field) + ": must be an array of rules");
  out.reserve(rules.size());
  for (size_t i = 0; i < rules.size(); ++i) {
    status_or<calendar_rule> r = parse_calendar_rule(rules[i], std::string(field) + "[" + std::to_string(i) + "]");
    if (!r.ok()) return r.status();
    out.push_back(std::move(r).value());
  }
  return out;
}

std::string calendar_rules_text(const std::vector<calendar_rule>& rules) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const calendar_rule& r : rules) {
    std::string select_at;
    for (int v : r.select_at) {
      if (!select_at.empty()) select_at += ',';
      select_at += std::to_string(v);
    }
    const bool by_week = r.mode == turn_mode::monthly && r.monthly.day == 0;
    std::string week = r.mode == turn_mode::monthly ? "" : r.monthly.unused_week;
    if (by_week) {
      week = std::to_string(r.monthly.week_ordinal);
      week += ':';
      week += std::to_string(r.monthly.weekday);
    }
    list.push_back({
        {"id", r.id},
        {"enabled", r.enabled ? 1 : 0},
        {"turnmode", static_cast<int>(r.mode)},
        {"interval", r.interval},
        {"startdate", format_date(r.start_date)},
        {"enddate", r.end_date ? format_date(*r.end_date) : ""},
        {"starttime", format_time_of_day(r.start_time)},
        {"endtime", r.end_time ? format_time_of_day(*r.end_time) : ""},
        {"selectat", select_at},
        {"monthlyof", {{"day", r.monthly.day}, {"week", week}}},
    });
  }
  return list.dump();
}

status_or<std::vector<calendar_rule>> parse_calendar_rules_text(std::string_view text, std::string_view field) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return status::invalid_argument(std::string(field) + ": not valid JSON");
  return parse_calendar_rules(j, field);
}

std::optional<sys_ms> next_fire(const std::vector<calendar_rule>& rules, sys_ms after, const time_zone& zone) {
  // Keep the search inside the years the calendar code handles, with a day to spare for offsets.
  const sys_seconds first_instant = sys_days{year{k_min_year} / 1 / 2};
  const sys_seconds last_instant = sys_days{year{k_max_year} / 12 / 31};
  if (after >= last_instant) return std::nullopt;
  const sys_seconds t = after < first_instant ? first_instant : floor<seconds>(after);
  const local_seconds from = first_wall_after(t, zone);

  std::optional<local_seconds> best;
  for (const calendar_rule& r : rules) {
    if (!r.enabled) continue;
    const std::optional<local_seconds> w = next_wall(r, from);
    if (w && (!best || *w < *best)) best = w;
  }
  if (!best) return std::nullopt;
  return sys_ms{fire_instant(*best, zone)};
}

}  // namespace mainspring
