#include "core/schedule.h"

#include "core/rfc3339.h"

#include <nlohmann/json.hpp>

#include <date/tz.h>

#include <algorithm>
#include <optional>

#include "core/go_duration.h"

namespace mainspring {
namespace {

using std::chrono::days;
using std::chrono::local_days;
using std::chrono::local_seconds;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

constexpr int k_horizon_years = 50;

// -- text helpers --

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

status invalid(std::string_view field, std::string_view message) {
  std::string m;
  if (!field.empty()) m.append(field).append(": ");
  m.append(message);
  return status::invalid_argument(std::move(m));
}

// -- cron search --

local_seconds to_local(sys_seconds t, seconds offset) {
  return local_seconds{t.time_since_epoch() + offset};
}
sys_seconds to_sys(local_seconds t, seconds offset) {
  return sys_seconds{t.time_since_epoch() - offset};
}

// Where the search for a match at or after local time `from` gives up (see schedule.h).
std::optional<local_seconds> horizon(const cron_expression& e, local_seconds from) {
  const std::chrono::year_month_day ymd{std::chrono::floor<days>(from)};
  const std::optional<int> first = e.first_year_from(static_cast<int>(ymd.year()));
  if (!first) return std::nullopt;
  const int end_year = std::min(*first + k_horizon_years, cron_expression::k_max_year + 1);
  return local_days{std::chrono::year{end_year} / 1 / 1};
}

std::optional<sys_seconds> next_cron_utc(const cron_expression& e, sys_seconds t0) {
  const local_seconds from = to_local(t0, seconds{0});
  const std::optional<local_seconds> until = horizon(e, from);
  if (!until) return std::nullopt;
  const std::optional<local_seconds> m = e.next_match(from, *until);
  if (!m) return std::nullopt;
  return to_sys(*m, seconds{0});
}

// Walks the zone's fixed-offset periods from t0 on. Within one period wall-clock time is
// instant + offset, so the wall-clock search applies directly; at the start of a period, a gap
// (offset grew) fires at the period's first instant if it held a match, and repeated wall-clock
// times (offset shrank) are skipped because their first occurrence was in the previous period.
std::optional<sys_seconds> next_cron_in_zone(const cron_expression& e, sys_seconds t0,
                                             const date::time_zone& zone) {
  date::sys_info info = zone.get_info(t0);
  const std::optional<local_seconds> until = horizon(e, to_local(t0, info.offset));
  if (!until) return std::nullopt;
  sys_seconds t = t0;
  for (;;) {
    const seconds offset = info.offset;
    local_seconds from = to_local(t, offset);
    if (from >= *until) return std::nullopt;
    // Offsets change by at most a day, so a transition more than 2 days back has no effect here.
    if (info.begin > t - days{2}) {
      const seconds before = zone.get_info(info.begin - seconds{1}).offset;
      if (before < offset && t == info.begin) {
        if (e.next_match(to_local(t, before), to_local(t, offset))) return t;
      } else if (before > offset) {
        from = std::max(from, to_local(info.begin, before));
      }
    }
    // date/tz marks the open-ended last period with an end near year 32767.
    const bool last = info.end >= sys_days{std::chrono::year{cron_expression::k_max_year + 1} / 1 / 1};
    const local_seconds to = last ? *until : std::min(*until, to_local(info.end, offset));
    if (from < to) {
      if (const std::optional<local_seconds> m = e.next_match(from, to)) return to_sys(*m, offset);
    }
    if (last || to >= *until) return std::nullopt;
    t = info.end;
    info = zone.get_info(t);
  }
}

// -- timing objects --

// Validates one timing array and turns it into a bitset (all of [lo, hi] when empty).
status_or<uint64_t> timing_bits(const std::vector<int>& values, const char* name, int lo, int hi) {
  if (values.empty()) return ((hi == 63 ? 0 : uint64_t{1} << (hi + 1)) - 1) & ~((uint64_t{1} << lo) - 1);
  uint64_t bits = 0;
  for (int v : values) {
    if (v < lo || v > hi) {
      return status::invalid_argument("timing: " + std::string(name) + " out of range " +
                                      std::to_string(lo) + "-" + std::to_string(hi) + ": " +
                                      std::to_string(v));
    }
    bits |= uint64_t{1} << v;
  }
  return bits;
}

std::string timing_json(const schedule::timing& t) {
  std::string out = "{";
  auto add = [&](const char* name, const std::vector<int>& values) {
    if (values.empty()) return;
    if (out.size() > 1) out += ',';
    out += '"';
    out += name;
    out += "\":[";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) out += ',';
      out += std::to_string(values[i]);
    }
    out += ']';
  };
  add("years", t.years);
  add("months", t.months);
  add("days", t.days);
  add("weekdays", t.weekdays);
  add("hours", t.hours);
  add("minutes", t.minutes);
  return out + "}";
}

struct descriptor {
  const char* name;
  const char* pattern;
};
constexpr descriptor k_descriptors[] = {
    {"@yearly", "0 0 0 1 1 *"}, {"@annually", "0 0 0 1 1 *"}, {"@monthly", "0 0 0 1 * *"},
    {"@weekly", "0 0 0 * * 0"}, {"@daily", "0 0 0 * * *"},    {"@midnight", "0 0 0 * * *"},
    {"@hourly", "0 0 * * * *"}, {"@minutely", "0 * * * * *"},
};

}  // namespace

schedule schedule::every(std::chrono::milliseconds interval) {
  interval = std::max(interval, std::chrono::milliseconds{1});
  schedule s(kind::every, "@every " + format_go_duration(interval));
  s.interval_ = interval;
  return s;
}

status_or<schedule> schedule::from_timing(const timing& t) {
  cron_expression::field_sets sets;
  sets.seconds = 1;
  const struct {
    const std::vector<int>& values;
    const char* name;
    int lo, hi;
  } fields[] = {{t.minutes, "minutes", 0, 59}, {t.hours, "hours", 0, 23}, {t.days, "days", 1, 31},
                {t.months, "months", 1, 12},   {t.weekdays, "weekdays", 0, 6}};
  uint64_t bits[5];
  for (int i = 0; i < 5; ++i) {
    auto r = timing_bits(fields[i].values, fields[i].name, fields[i].lo, fields[i].hi);
    if (!r.ok()) return r.status();
    bits[i] = *r;
  }
  sets.minutes = bits[0];
  sets.hours = static_cast<uint32_t>(bits[1]);
  sets.days_of_month = static_cast<uint32_t>(bits[2]);
  sets.months = static_cast<uint16_t>(bits[3]);
  sets.days_of_week = static_cast<uint8_t>(bits[4]);
  for (int y : t.years) {
    if (y < 1970 || y > cron_expression::k_max_year) {
      return status::invalid_argument("timing: years out of range 1970-9999: " + std::to_string(y));
    }
  }
  sets.years = t.years;
  std::sort(sets.years.begin(), sets.years.end());
  sets.years.erase(std::unique(sets.years.begin(), sets.years.end()), sets.years.end());
  sets.days = cron_expression::day_rule::both;
  schedule s(kind::cron, timing_json(t));
  s.cron_.emplace(std::move(sets));
  return s;
}

status_or<schedule> schedule::from_apscheduler(const aps_cron_fields& fields, std::string_view field) {
  status_or<cron_expression::field_sets> sets = parse_aps_cron(fields, field);
  if (!sets.ok()) return sets.status();
  schedule s(kind::cron, aps_cron_text(fields));
  s.cron_.emplace(std::move(sets).value());
  return s;
}

schedule schedule::from_calendar_rules(std::vector<calendar_rule> rules) {
  schedule s(kind::calendar, calendar_rules_text(rules));
  s.calendar_ = std::make_shared<const std::vector<calendar_rule>>(std::move(rules));
  return s;
}

std::optional<sys_ms> schedule::next_after(sys_ms after, const time_zone& zone) const {
  switch (kind_) {
    case kind::calendar:
      return next_fire(*calendar_, after, zone);
    case kind::once:
    case kind::manually:
      return std::nullopt;
    case kind::at:
      if (at_ > after) return at_;
      return std::nullopt;
    case kind::every:
      if (after > sys_ms::max() - interval_) return std::nullopt;
      return after + interval_;
    case kind::cron:
      break;
  }
  // Keep the search inside the years the calendar code handles: 0001 to 9999.
  const sys_seconds first_instant = sys_days{std::chrono::year{1} / 1 / 1};
  const sys_seconds end_instant = sys_days{std::chrono::year{cron_expression::k_max_year + 1} / 1 / 1};
  if (after >= end_instant) return std::nullopt;
  const sys_seconds t0 =
      after < first_instant ? first_instant : std::chrono::floor<seconds>(after) + seconds{1};
  const std::optional<sys_seconds> r =
      zone.is_utc() ? next_cron_utc(*cron_, t0) : next_cron_in_zone(*cron_, t0, *zone.zone());
  if (!r) return std::nullopt;
  return sys_ms{*r};
}

namespace {

// One whole number as JSON writes it (-?(0|[1-9][0-9]*), "-0" aside) within int's range, at
// text[*at]; advances *at past it. False for anything else.
bool read_canonical_int(std::string_view text, size_t* at, int* out) {
  size_t i = *at;
  const bool negative = i < text.size() && text[i] == '-';
  if (negative) ++i;
  const size_t digits_from = i;
  int64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - digits_from < 10) n = n * 10 + (text[i++] - '0');
  const size_t digits = i - digits_from;
  if (digits == 0 || (i < text.size() && text[i] >= '0' && text[i] <= '9')) return false;
  if (text[digits_from] == '0' && (digits > 1 || negative)) return false;
  if (negative) n = -n;
  if (n < INT32_MIN || n > INT32_MAX) return false;
  *out = static_cast<int>(n);
  *at = i;
  return true;
}

// The timing of a text exactly as timing_json writes it (fields in its order, each once, arrays
// of whole numbers, no blanks), read without building a JSON document: every job of a Cronicle
// event has its schedule parsed this way on each change. nullopt for any other text, which the
// JSON reading below then reads (or refuses) as before.
std::optional<schedule::timing> canonical_timing(std::string_view text) {
  schedule::timing t;
  const std::pair<std::string_view, std::vector<int>*> fields[] = {{"years", &t.years},       {"months", &t.months},
                                                                   {"days", &t.days},         {"weekdays", &t.weekdays},
                                                                   {"hours", &t.hours},       {"minutes", &t.minutes}};
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') return std::nullopt;
  size_t at = 1, next_field = 0;
  while (at < text.size() - 1) {
    if (at > 1 && text[at++] != ',') return std::nullopt;
    // "<name>":[
    auto names = [&](std::string_view name) {
      return text.substr(at).starts_with('"') && text.substr(at + 1).starts_with(name) &&
             text.substr(at + 1 + name.size()).starts_with("\":[");
    };
    size_t f = next_field;
    while (f < std::size(fields) && !names(fields[f].first)) ++f;
    if (f == std::size(fields)) return std::nullopt;
    at += fields[f].first.size() + 4;
    next_field = f + 1;
    for (;;) {
      int v = 0;
      if (!read_canonical_int(text, &at, &v)) return std::nullopt;
      fields[f].second->push_back(v);
      if (at < text.size() && text[at] == ',') { ++at; continue; }
      if (at < text.size() && text[at] == ']') { ++at; break; }
      return std::nullopt;
    }
  }
  return t;
}

// A timing object's canonical text ({"hours":[9],"minutes":[30]}, what from_timing's text() is)
// read back: how a stored or dumped Cronicle schedule becomes a schedule again.
status_or<schedule> parse_timing_text(std::string_view text, std::string_view field) {
  if (auto t = canonical_timing(text)) {
    auto s = schedule::from_timing(*t);
    if (!s.ok()) return invalid(field, s.status().message());
    return s;
  }
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return invalid(field, "a timing object must be a JSON object: " + std::string(text.substr(0, 64)));
  schedule::timing t;
  const std::pair<const char*, std::vector<int>*> arrays[] = {{"years", &t.years},     {"months", &t.months},
                                                              {"days", &t.days},       {"weekdays", &t.weekdays},
                                                              {"hours", &t.hours},     {"minutes", &t.minutes}};
  for (const auto& item : j.items()) {
    // Named variables rather than a structured binding: C++20 lambdas may not capture those
    // before clang 16, and the fuzz build uses clang 14.
    const std::string& key = item.key();
    const nlohmann::json& value = item.value();
    auto it = std::find_if(std::begin(arrays), std::end(arrays), [&](const auto& a) { return key == a.first; });
    if (it == std::end(arrays)) return invalid(field, "timing: unknown field \"" + key.substr(0, 32) + "\"");
    if (!value.is_array()) return invalid(field, "timing: " + key + " must be an array of whole numbers");
    for (const auto& v : value) {
      if (!v.is_number_integer() || v.get<int64_t>() < INT32_MIN || v.get<int64_t>() > INT32_MAX)
        return invalid(field, "timing: " + key + " must be an array of whole numbers");
      it->second->push_back(v.get<int>());
    }
  }
  auto s = schedule::from_timing(t);
  if (!s.ok()) return invalid(field, s.status().message());
  return s;
}

}  // namespace

status_or<schedule> parse_schedule(std::string_view text, std::string_view field) {
  const std::string_view t = trim(text);
  if (t.empty()) return invalid(field, "empty schedule");
  if (t[0] == '{') return parse_timing_text(t, field);
  if (t[0] == '[') {  // Cloudtask's calendar rules, as calendar_rules_text writes them
    auto rules = parse_calendar_rules_text(t, field);
    if (!rules.ok()) return rules.status();
    return schedule::from_calendar_rules(std::move(rules).value());
  }
  if (t[0] != '@') {
    status_or<cron_expression> e = cron_expression::parse(t, field);
    if (!e.ok()) return e.status();
    schedule s(schedule::kind::cron, std::string(t));
    s.cron_ = std::move(e).value();
    return s;
  }
  size_t n = 0;
  while (n < t.size() && !is_blank(t[n])) ++n;
  const std::string word = lower(t.substr(0, n));
  const std::string_view arg = trim(t.substr(n));
  auto no_argument = [&]() -> status {
    if (arg.empty()) return status{};
    return invalid(field, word + " takes no argument: " + std::string(t));
  };
  for (const descriptor& d : k_descriptors) {
    if (word != d.name) continue;
    if (status st = no_argument(); !st.ok()) return st;
    schedule s(schedule::kind::cron, std::string(t));
    s.cron_ = cron_expression::parse(d.pattern, field).value();
    return s;
  }
  if (word == "@every") {
    status_or<std::chrono::milliseconds> d = parse_go_duration(arg);
    if (!d.ok()) return invalid(field, "@every: " + d.status().message());
    if (*d < std::chrono::seconds{1}) {
      return invalid(field, "@every duration must be at least 1s: " + std::string(arg));
    }
    schedule s(schedule::kind::every, std::string(t));
    s.interval_ = *d;
    return s;
  }
  if (word == "@once" || word == "@manually") {
    if (status st = no_argument(); !st.ok()) return st;
    return schedule(word == "@once" ? schedule::kind::once : schedule::kind::manually, std::string(t));
  }
  if (word == k_aps_cron_descriptor) {
    status_or<aps_cron_fields> fields = parse_aps_cron_text(t, field);
    if (!fields.ok()) return fields.status();
    return schedule::from_apscheduler(*fields, field);
  }
  if (word == "@at") {
    const std::optional<sys_ms> at = parse_rfc3339(arg);
    if (!at) {
      return invalid(field, "@at expects an RFC 3339 time such as 2026-12-01T10:00:00Z: " +
                                std::string(arg));
    }
    schedule s(schedule::kind::at, std::string(t));
    s.at_ = *at;
    return s;
  }
  return invalid(field, "unknown descriptor: " + std::string(t.substr(0, n)));
}

}  // namespace mainspring
