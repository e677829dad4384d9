#include "core/cron_expression.h"

#include <algorithm>
#include <array>
#include <bit>
#include <string>

namespace mainspring {
namespace {

using std::chrono::local_days;
using std::chrono::local_seconds;

// -- parsing --

struct field_spec {
  const char* name;
  int min;
  int max;
  const char* const* names;  // names[i] is the name of value min + i; nullptr: numbers only
  int name_count;
};

constexpr const char* k_month_names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                         "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* k_weekday_names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

enum field_index { k_second, k_minute, k_hour, k_dom, k_month, k_dow };

constexpr field_spec k_specs[] = {
    {"second", 0, 59, nullptr, 0},         {"minute", 0, 59, nullptr, 0},
    {"hour", 0, 23, nullptr, 0},           {"day-of-month", 1, 31, nullptr, 0},
    {"month", 1, 12, k_month_names, 12},   {"day-of-week", 0, 7, k_weekday_names, 7},
};

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// Builds error messages that name the field: "<prefix>: field 3 (hour) <what>: <text>".
class field_errors {
 public:
  field_errors(std::string_view prefix, int number, const field_spec& spec)
      : prefix_(prefix), number_(number), spec_(spec) {}

  status make(std::string_view what, std::string_view text) const {
    std::string m;
    if (!prefix_.empty()) m.append(prefix_).append(": ");
    m += "field " + std::to_string(number_) + " (" + spec_.name + ") ";
    m.append(what).append(": ").append(text);
    return status::invalid_argument(std::move(m));
  }
  status out_of_range(std::string_view text) const {
    return make("out of range " + std::to_string(spec_.min) + "-" + std::to_string(spec_.max), text);
  }

 private:
  std::string_view prefix_;
  int number_;
  const field_spec& spec_;
};

// A value as written: a number or a name. Consumes it from the front of `s`.
struct parsed_value {
  int value = 0;
  bool was_sunday_name = false;
};

status_or<parsed_value> parse_value(std::string_view& s, std::string_view item,
                                    const field_spec& spec, const field_errors& err) {
  size_t n = 0;
  if (!s.empty() && is_digit(s[0])) {
    while (n < s.size() && is_digit(s[n])) ++n;
    const std::string_view digits = s.substr(0, n);
    s.remove_prefix(n);
    if (n > 6) return err.out_of_range(digits);  // also keeps the int below from overflowing
    int v = 0;
    for (char c : digits) v = v * 10 + (c - '0');
    if (v < spec.min || v > spec.max) return err.out_of_range(digits);
    return parsed_value{v, false};
  }
  while (n < s.size() && is_alpha(s[n])) ++n;
  if (n == 0) return err.make("is malformed", item);
  const std::string_view word = s.substr(0, n);
  s.remove_prefix(n);
  if (spec.names == nullptr) return err.make("is malformed", item);
  for (int i = 0; i < spec.name_count; ++i) {
    const std::string_view name{spec.names[i]};
    if (name.size() == word.size() &&
        std::equal(word.begin(), word.end(), name.begin(), [](char a, char b) { return upper(a) == b; })) {
      return parsed_value{spec.min + i, spec.names == k_weekday_names && i == 0};
    }
  }
  return err.make("unknown name", word);
}

// One list item: `*`, `?`, `a`, `a-b`, each optionally followed by `/step`.
status_or<uint64_t> parse_item(std::string_view item, const field_spec& spec, const field_errors& err) {
  std::string_view s = item;
  int lo = spec.min;
  int hi = spec.max;
  bool single = false;
  if (s[0] == '*' || s[0] == '?') {
    s.remove_prefix(1);
  } else {
    auto first = parse_value(s, item, spec, err);
    if (!first.ok()) return first.status();
    lo = hi = first->value;
    single = true;
    if (!s.empty() && s[0] == '-') {
      s.remove_prefix(1);
      auto last = parse_value(s, item, spec, err);
      if (!last.ok()) return last.status();
      hi = last->value;
      // FRI-SUN: Sunday as the end of a range is 7.
      if (last->was_sunday_name && lo > 0) hi = 7;
      if (hi < lo) return err.make("range is reversed", item);
      single = false;
    }
  }
  int step = 1;
  if (!s.empty() && s[0] == '/') {
    s.remove_prefix(1);
    size_t n = 0;
    while (n < s.size() && is_digit(s[n])) ++n;
    if (n == 0) return err.make("is malformed", item);
    if (n > 6) return err.make("step is too large", item);
    step = 0;
    for (size_t i = 0; i < n; ++i) step = step * 10 + (s[i] - '0');
    s.remove_prefix(n);
    if (step == 0) return err.make("step must be at least 1", item);
    if (single) hi = spec.max;  // a/n: from a up to the maximum
  }
  if (!s.empty()) return err.make("is malformed", item);
  uint64_t bits = 0;
  for (int v = lo; v <= hi; v += step) bits |= uint64_t{1} << v;
  return bits;
}

// A whole field: a comma-separated list of items.
status_or<uint64_t> parse_field(std::string_view text, const field_spec& spec, const field_errors& err) {
  uint64_t bits = 0;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    const std::string_view item =
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (item.empty()) return err.make("has an empty list item", text);
    auto r = parse_item(item, spec, err);
    if (!r.ok()) return r.status();
    bits |= *r;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return bits;
}

// -- searching --

unsigned days_in_month(int y, unsigned m) {
  static constexpr unsigned k_days[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m != 2) return k_days[m];
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return leap ? 29 : 28;
}

// The days of a month with `month_days` days, whose 1st is on `first_weekday` (0 = Sunday), that
// the last-day and weekday-in-month rules of `sets` name, as bits 1-31.
uint32_t named_days(const cron_expression::field_sets& sets, unsigned month_days, unsigned first_weekday) {
  uint32_t mask = sets.last_day_of_month ? uint32_t{1} << month_days : 0;
  for (const cron_expression::weekday_in_month& w : sets.weekdays_in_month) {
    const unsigned first_hit = (static_cast<unsigned>(w.weekday) + 7 - first_weekday) % 7 + 1;
    const unsigned d = w.nth == cron_expression::k_last_in_month
                           ? first_hit + (month_days - first_hit) / 7 * 7
                           : first_hit + static_cast<unsigned>(w.nth - 1) * 7;
    if (d <= month_days) mask |= uint32_t{1} << d;
  }
  return mask;
}

// The days of month (y, m) whose ISO 8601 week number is in `weeks` (bits 1-53), as bits 1-31.
// `first_weekday` is the 1st's (0 = Sunday).
uint32_t iso_week_days(int y, unsigned m, unsigned month_days, unsigned first_weekday, uint64_t weeks) {
  using namespace std::chrono;
  const local_days first{year{y} / month{m} / day{1}};
  uint32_t mask = 0;
  // Each ISO week runs Monday to Sunday and belongs to the year (and has the number) of its Thursday.
  const int first_monday = 1 - static_cast<int>((first_weekday + 6) % 7);  // day number, maybe <= 0
  for (int monday = first_monday; monday <= static_cast<int>(month_days); monday += 7) {
    const local_days thursday = first + days{monday - 1 + 3};
    const local_days new_year{year_month_day{thursday}.year() / 1 / 1};
    const auto week = static_cast<unsigned>((thursday - new_year).count() / 7 + 1);
    if ((weeks >> week & 1) == 0) continue;
    for (int d = std::max(monday, 1); d < monday + 7 && d <= static_cast<int>(month_days); ++d) {
      mask |= uint32_t{1} << d;
    }
  }
  return mask;
}

// The lowest set bit >= from, or -1.
int next_bit(uint64_t mask, unsigned from) {
  if (from >= 64) return -1;
  const uint64_t m = mask & (~uint64_t{0} << from);
  return m == 0 ? -1 : std::countr_zero(m);
}

// A wall-clock position that always names a valid second; the advance_* helpers carry upwards
// and reset the lower fields.
struct cursor {
  int y;
  unsigned mo, d, h, mi, s;

  local_days day() const {
    return local_days{std::chrono::year{y} / std::chrono::month{mo} / std::chrono::day{d}};
  }
  local_seconds time() const {
    return day() + std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{s};
  }
  void start_year(int year) { *this = {year, 1, 1, 0, 0, 0}; }
  void next_month() {
    if (mo == 12) return start_year(y + 1);
    *this = {y, mo + 1, 1, 0, 0, 0};
  }
  void next_day() {
    if (d == days_in_month(y, mo)) return next_month();
    *this = {y, mo, d + 1, 0, 0, 0};
  }
  void next_hour() {
    if (h == 23) return next_day();
    ++h;
    mi = s = 0;
  }
  void next_minute() {
    if (mi == 59) return next_hour();
    ++mi;
    s = 0;
  }
};

}  // namespace

status_or<cron_expression> cron_expression::parse(std::string_view text, std::string_view field) {
  std::array<std::string_view, 7> parts;
  size_t count = 0;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_blank(text[i])) ++i;
    if (i == text.size()) break;
    size_t j = i;
    while (j < text.size() && !is_blank(text[j])) ++j;
    if (count < parts.size()) parts[count] = text.substr(i, j - i);
    ++count;
    i = j;
  }
  if (count != 5 && count != 6) {
    std::string m;
    if (!field.empty()) m.append(field).append(": ");
    m += "expected 5 or 6 fields, got " + std::to_string(count);
    return status::invalid_argument(std::move(m));
  }
  const size_t first = count == 6 ? 0 : 1;  // index into k_specs of the first written field
  std::array<uint64_t, 6> bits{};
  bits[k_second] = 1;  // 5 fields: second 0
  for (size_t k = 0; k < count; ++k) {
    const field_spec& spec = k_specs[first + k];
    const field_errors err(field, static_cast<int>(k + 1), spec);
    auto r = parse_field(parts[k], spec, err);
    if (!r.ok()) return r.status();
    bits[first + k] = *r;
  }
  auto unrestricted = [&](size_t index) {
    const std::string_view t = parts[index - first];
    return t == "*" || t == "?";
  };
  field_sets sets;
  sets.seconds = bits[k_second];
  sets.minutes = bits[k_minute];
  sets.hours = static_cast<uint32_t>(bits[k_hour]);
  sets.days_of_month = static_cast<uint32_t>(bits[k_dom]);
  sets.months = static_cast<uint16_t>(bits[k_month]);
  uint64_t dow = bits[k_dow];
  if (dow & (uint64_t{1} << 7)) dow = (dow | 1) & 0x7f;  // 7 is Sunday
  sets.days_of_week = static_cast<uint8_t>(dow);
  sets.days = unrestricted(k_dom) || unrestricted(k_dow) ? day_rule::both : day_rule::either;
  if (sets.days == day_rule::both) {
    // An unrestricted field must not narrow the other one.
    if (unrestricted(k_dom)) sets.days_of_month = 0xFFFFFFFEu;
    if (unrestricted(k_dow)) sets.days_of_week = 0x7f;
  }
  return cron_expression{std::move(sets)};
}

cron_expression::cron_expression(field_sets sets)
    : sets_(std::move(sets)),
      extended_days_(sets_.last_day_of_month || !sets_.weekdays_in_month.empty() || sets_.iso_weeks != 0) {
  for (unsigned first = 0; first < 7; ++first) {
    uint32_t mask = 0;
    for (unsigned d = 1; d <= 31; ++d) {
      if (sets_.days_of_week & (1u << ((first + d - 1) % 7))) mask |= 1u << d;
    }
    weekday_days_[first] = mask;
  }
}

std::optional<int> cron_expression::first_year_from(int year) const {
  if (sets_.years.empty()) return year;
  auto it = std::lower_bound(sets_.years.begin(), sets_.years.end(), year);
  if (it == sets_.years.end()) return std::nullopt;
  return *it;
}

uint32_t cron_expression::day_mask(int y, unsigned m, unsigned first_weekday) const {
  if (extended_days_) [[unlikely]] return extended_day_mask(y, m, first_weekday);
  const uint32_t in_month = static_cast<uint32_t>((uint64_t{1} << (days_in_month(y, m) + 1)) - 2);
  const uint32_t by_weekday = weekday_days_[first_weekday];
  const uint32_t days = sets_.days == day_rule::either ? (sets_.days_of_month | by_weekday)
                                                       : (sets_.days_of_month & by_weekday);
  return days & in_month;
}

uint32_t cron_expression::extended_day_mask(int y, unsigned m, unsigned first_weekday) const {
  const unsigned month_days = days_in_month(y, m);
  const uint32_t in_month = static_cast<uint32_t>((uint64_t{1} << (month_days + 1)) - 2);
  const uint32_t by_day = sets_.days_of_month | named_days(sets_, month_days, first_weekday);
  const uint32_t by_weekday = weekday_days_[first_weekday];
  uint32_t days = sets_.days == day_rule::either ? (by_day | by_weekday) : (by_day & by_weekday);
  if (sets_.iso_weeks != 0) days &= iso_week_days(y, m, month_days, first_weekday, sets_.iso_weeks);
  return days & in_month;
}

std::optional<local_seconds> cron_expression::next_match(local_seconds from, local_seconds limit) const {
  using namespace std::chrono;
  if (from >= limit) return std::nullopt;
  const local_days day0 = floor<days>(from);
  const year_month_day ymd{day0};
  const auto tod = static_cast<unsigned>((from - day0).count());
  cursor c{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
           static_cast<unsigned>(ymd.day()), tod / 3600, tod / 60 % 60, tod % 60};
  // Each pass either returns or carries into a higher field, so the loop runs a few times per
  // month between `from` and the answer; the check at the top bounds it by `limit`.
  for (;;) {
    if (c.y > k_max_year || c.time() >= limit) return std::nullopt;
    if (!sets_.years.empty()) {
      const std::optional<int> y = first_year_from(c.y);
      if (!y) return std::nullopt;
      if (*y != c.y) {
        c.start_year(*y);
        continue;
      }
    }
    const int mo = next_bit(sets_.months, c.mo);
    if (mo < 0) {
      c.start_year(c.y + 1);
      continue;
    }
    if (static_cast<unsigned>(mo) != c.mo) c = {c.y, static_cast<unsigned>(mo), 1, 0, 0, 0};
    const unsigned first_weekday = weekday{c.day() - days{c.d - 1}}.c_encoding();
    const int d = next_bit(day_mask(c.y, c.mo, first_weekday), c.d);
    if (d < 0) {
      c.next_month();
      continue;
    }
    if (static_cast<unsigned>(d) != c.d) c = {c.y, c.mo, static_cast<unsigned>(d), 0, 0, 0};
    const int h = next_bit(sets_.hours, c.h);
    if (h < 0) {
      c.next_day();
      continue;
    }
    if (static_cast<unsigned>(h) != c.h) c.h = h, c.mi = 0, c.s = 0;
    const int mi = next_bit(sets_.minutes, c.mi);
    if (mi < 0) {
      c.next_hour();
      continue;
    }
    if (static_cast<unsigned>(mi) != c.mi) c.mi = mi, c.s = 0;
    const int s = next_bit(sets_.seconds, c.s);
    if (s < 0) {
      c.next_minute();
      continue;
    }
    c.s = s;
    const local_seconds t = c.time();
    if (t >= limit) return std::nullopt;
    return t;
  }
}

}  // namespace mainspring
