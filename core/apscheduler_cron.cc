#include "core/apscheduler_cron.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace mainspring {
namespace {

using weekday_in_month = cron_expression::weekday_in_month;

// -- the fields --

enum class value_names { none, months, weekdays };

struct field_spec {
  const char* name;
  int min;
  int max;
  value_names names;
  bool day_rules;            // also `last`, `xth y`, `last y`
  const char* default_text;  // when omitted and less significant than every given field
};

// In APScheduler's order, most significant first.
enum field_index { k_year, k_month, k_day, k_week, k_day_of_week, k_hour, k_minute, k_second, k_field_count };

constexpr field_spec k_specs[k_field_count] = {
    {"year", 1970, cron_expression::k_max_year, value_names::none, false, "*"},
    {"month", 1, 12, value_names::months, false, "1"},
    {"day", 1, 31, value_names::none, true, "1"},
    {"week", 1, 53, value_names::none, false, "*"},
    {"day_of_week", 0, 6, value_names::weekdays, false, "*"},
    {"hour", 0, 23, value_names::none, false, "0"},
    {"minute", 0, 59, value_names::none, false, "0"},
    {"second", 0, 59, value_names::none, false, "0"},
};

constexpr std::optional<std::string> aps_cron_fields::*k_members[k_field_count] = {
    &aps_cron_fields::year,        &aps_cron_fields::month, &aps_cron_fields::day,
    &aps_cron_fields::week,        &aps_cron_fields::day_of_week, &aps_cron_fields::hour,
    &aps_cron_fields::minute,      &aps_cron_fields::second,
};

// APScheduler's names; weekdays from Monday, as its day_of_week numbers.
constexpr const char* k_month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char* k_weekday_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr const char* k_positions[] = {"1st", "2nd", "3rd", "4th", "5th", "last"};

// Digit runs longer than this are out of range for every field (and cannot overflow an int64).
constexpr size_t k_max_digits = 12;

// -- characters --

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_word(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}
bool starts_with_ignoring_case(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && equals_ignoring_case(s.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// The longest prefix of `s` whose characters satisfy `pred`; removes it from `s`.
template <class Pred>
std::string_view take_while(std::string_view& s, Pred pred) {
  size_t n = 0;
  while (n < s.size() && pred(s[n])) ++n;
  const std::string_view run = s.substr(0, n);
  s.remove_prefix(n);
  return run;
}

// The names `x` or `x-y` at the start of `item`: {x, y}, or {x, x} for one name. APScheduler
// ignores whatever follows them.
std::pair<std::string_view, std::string_view> name_range(std::string_view item) {
  const std::string_view first = take_while(item, is_alpha);
  if (item.size() >= 2 && item[0] == '-' && is_alpha(item[1])) {
    item.remove_prefix(1);
    return {first, take_while(item, is_alpha)};
  }
  return {first, first};
}

// A run of digits as a number; runs longer than k_max_digits give -1 (out of every range).
int64_t number(std::string_view digits) {
  if (digits.size() > k_max_digits) return -1;
  int64_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// The index of `word` in `names` (any case), or -1.
template <size_t N>
int name_index(std::string_view word, const char* const (&names)[N]) {
  for (size_t i = 0; i < N; ++i) {
    if (equals_ignoring_case(word, names[i])) return static_cast<int>(i);
  }
  return -1;
}

// APScheduler's BaseField.compile_expressions: the text trimmed, then split at commas with any
// spaces around them. Calls `each` with every item (an empty one too) until it gives a non-ok
// status, which is returned.
template <class Each>
status for_each_item(std::string_view all, Each each) {
  size_t start = 0;
  for (;;) {
    const size_t comma = all.find(',', start);
    const bool last = comma == std::string_view::npos;
    std::string_view item = all.substr(start, last ? std::string_view::npos : comma - start);
    if (start > 0) take_while(item, [](char c) { return c == ' '; });
    if (!last) {
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    }
    if (status st = each(item); !st.ok()) return st;
    if (last) return status{};
    start = comma + 1;
  }
}

// -- one field --

// What a field allows: values (index = value - min) and, for the day, the named days.
struct field_values {
  std::vector<char> allowed;
  bool last_day = false;
  std::vector<weekday_in_month> weekdays_in_month;
};

// Parses one field's text into field_values, with error messages that name the field.
class field_parser {
 public:
  field_parser(const field_spec& spec, std::string_view prefix) : spec_(spec), prefix_(prefix) {}

  status parse(std::string_view text, field_values& out) const {
    out.allowed.assign(static_cast<size_t>(spec_.max - spec_.min + 1), 0);
    const std::string_view all = trim(text);
    return for_each_item(all, [&](std::string_view item) {
      if (item.empty()) return error("empty expression in \"" + std::string(all) + "\"");
      return parse_item(item, out);
    });
  }

 private:
  status error(std::string what) const {
    std::string m;
    if (!prefix_.empty()) m.append(prefix_).append(": ");
    m.append(spec_.name).append(": ").append(what);
    return status::invalid_argument(std::move(m));
  }
  status out_of_range(std::string_view digits) const {
    return error(std::string(digits) + " is out of range " + std::to_string(spec_.min) + "-" +
                 std::to_string(spec_.max));
  }

  // One list item, tried as APScheduler tries its expression types, in its order.
  status parse_item(std::string_view item, field_values& out) const {
    if (item[0] == '*') return parse_every(item, out);
    if (is_digit(item[0])) {
      if (std::optional<status> st = parse_numeric_range(item, out)) return *st;
    }
    if (spec_.names != value_names::none && is_alpha(item[0])) return parse_name_range(item, out);
    if (spec_.day_rules) {
      if (std::optional<status> st = parse_weekday_in_month(item, out)) return *st;
      if (starts_with_ignoring_case(item, "last")) {
        out.last_day = true;
        return status{};
      }
    }
    return error("unrecognized expression \"" + std::string(item) + "\"");
  }

  // `*` or `*/a`.
  status parse_every(std::string_view item, field_values& out) const {
    std::string_view s = item.substr(1);
    if (s.empty()) return add(spec_.min, spec_.max, 1, out);
    if (s[0] != '/') return error("unrecognized expression \"" + std::string(item) + "\"");
    s.remove_prefix(1);
    const std::string_view step = take_while(s, is_digit);
    if (step.empty() || !s.empty()) return error("unrecognized expression \"" + std::string(item) + "\"");
    return add_stepped(item, spec_.min, spec_.max, spec_.max - spec_.min, number(step), out);
  }

  // `a`, `a-b`, `a/c`, `a-b/c`; nullopt if `item` has another shape (it may be `1st mon`).
  std::optional<status> parse_numeric_range(std::string_view item, field_values& out) const {
    std::string_view s = item;
    const std::string_view first = take_while(s, is_digit);
    std::string_view last, step;
    if (!s.empty() && s[0] == '-') {
      s.remove_prefix(1);
      last = take_while(s, is_digit);
      if (last.empty()) return std::nullopt;
    }
    if (!s.empty() && s[0] == '/') {
      s.remove_prefix(1);
      step = take_while(s, is_digit);
      if (step.empty()) return std::nullopt;
    }
    if (!s.empty()) return std::nullopt;
    // `a` is a-a; `a/c` runs from a to the maximum. number() is -1 for an overlong run of digits.
    const int64_t lo = number(first);
    const int64_t hi = !last.empty() ? number(last) : step.empty() ? lo : spec_.max;
    if (hi >= 0 && lo > hi) return error("range \"" + std::string(item) + "\" is reversed");
    if (lo < spec_.min || lo > spec_.max) return out_of_range(first);
    if (hi < 0 || hi > spec_.max) return out_of_range(last);
    if (step.empty()) return add(lo, hi, 1, out);
    // APScheduler measures the span to `last or max`, so a range ending at 0 spans to the maximum.
    const int64_t span = (hi != 0 ? hi : spec_.max) - lo;
    return add_stepped(item, lo, hi, span, number(step), out);
  }

  // `x` or `x-y` with month or weekday names; APScheduler ignores whatever follows.
  status parse_name_range(std::string_view item, field_values& out) const {
    const auto [first, last] = name_range(item);
    const int lo = value_of_name(first);
    if (lo < 0) return error("unknown value \"" + std::string(first) + "\"");
    const int hi = value_of_name(last);
    if (hi < 0) return error("unknown value \"" + std::string(last) + "\"");
    if (lo > hi) return error("range \"" + std::string(item) + "\" is reversed");
    return add(lo, hi, 1, out);
  }

  int value_of_name(std::string_view word) const {
    if (spec_.names == value_names::months) {
      const int i = name_index(word, k_month_names);
      return i < 0 ? -1 : i + 1;
    }
    return name_index(word, k_weekday_names);
  }

  // `1st mon` ... `5th mon`, `last mon`; nullopt if `item` has another shape. Like APScheduler,
  // this takes the weekday as the run of digits or word characters after the blanks and ignores
  // the rest.
  std::optional<status> parse_weekday_in_month(std::string_view item, field_values& out) const {
    for (size_t p = 0; p < std::size(k_positions); ++p) {
      if (!starts_with_ignoring_case(item, k_positions[p])) continue;
      std::string_view s = item.substr(std::string_view(k_positions[p]).size());
      if (take_while(s, [](char c) { return c == ' '; }).empty()) return std::nullopt;
      const std::string_view day = is_digit(s.empty() ? ' ' : s[0]) ? take_while(s, is_digit)
                                                                     : take_while(s, is_word);
      if (day.empty()) return std::nullopt;
      const int monday_based = name_index(day, k_weekday_names);
      if (monday_based < 0) {
        return error("unknown weekday \"" + std::string(day) + "\" in \"" + std::string(item) + "\"");
      }
      const weekday_in_month w{p < 5 ? static_cast<int>(p) + 1 : cron_expression::k_last_in_month,
                               (monday_based + 1) % 7};
      auto same = [&](const weekday_in_month& x) { return x.nth == w.nth && x.weekday == w.weekday; };
      if (std::none_of(out.weekdays_in_month.begin(), out.weekdays_in_month.end(), same)) {
        out.weekdays_in_month.push_back(w);
      }
      return status{};
    }
    return std::nullopt;
  }

  // Every `step`-th value from lo to hi, after APScheduler's checks: a step of at least 1 that
  // does not exceed `span`.
  status add_stepped(std::string_view item, int64_t lo, int64_t hi, int64_t span, int64_t step,
                     field_values& out) const {
    if (step == 0) return error("step 0 in \"" + std::string(item) + "\" must be at least 1");
    if (step < 0 || step > span) {
      return error("step in \"" + std::string(item) + "\" exceeds its span (" + std::to_string(span) + ")");
    }
    return add(lo, hi, step, out);
  }

  // REQUIRES: spec_.min <= lo, hi <= spec_.max, step >= 1.
  status add(int64_t lo, int64_t hi, int64_t step, field_values& out) const {
    for (int64_t v = lo; v <= hi; v += step) out.allowed[static_cast<size_t>(v - spec_.min)] = 1;
    return status{};
  }

  const field_spec& spec_;
  std::string_view prefix_;
};

// -- printing (str() of APScheduler's compiled expressions) --

// `1st mon` .. `last sun` as APScheduler prints a WeekdayPositionExpression; nullopt when `item`
// is not one (the shapes field_parser::parse_weekday_in_month reads).
std::optional<std::string> weekday_in_month_str(std::string_view item) {
  for (const char* position : k_positions) {
    if (!starts_with_ignoring_case(item, position)) continue;
    std::string_view s = item.substr(std::string_view(position).size());
    if (take_while(s, [](char c) { return c == ' '; }).empty()) return std::nullopt;
    const std::string_view day = is_digit(s.empty() ? ' ' : s[0]) ? take_while(s, is_digit) : take_while(s, is_word);
    const int monday_based = name_index(day, k_weekday_names);
    if (monday_based < 0) return std::nullopt;
    return std::string(position) + " " + k_weekday_names[monday_based];
  }
  return std::nullopt;
}

// One item as str() of the expression APScheduler compiles from it, tried in field_parser's
// order; the item as given when it is none (a field that fails parse_aps_cron).
std::string expression_str(const field_spec& spec, std::string_view item) {
  if (item.empty()) return std::string(item);
  if (item[0] == '*') {  // AllExpression: `*`, `*/s` (a step of 0 prints as `*`)
    std::string_view s = item.substr(1);
    if (s.empty()) return "*";
    if (s[0] != '/') return std::string(item);
    s.remove_prefix(1);
    const std::string_view step = take_while(s, is_digit);
    if (step.empty() || !s.empty() || step.size() > k_max_digits) return std::string(item);
    return number(step) ? "*/" + std::to_string(number(step)) : std::string("*");
  }
  if (is_digit(item[0])) {  // RangeExpression: `a`, `a-b` (`a` when b is a), `a/s`, `a-b/s`
    std::string_view s = item;
    const std::string_view first = take_while(s, is_digit);
    std::string_view last, step;
    bool shaped = true;
    if (!s.empty() && s[0] == '-') {
      s.remove_prefix(1);
      last = take_while(s, is_digit);
      shaped = !last.empty();
    }
    if (shaped && !s.empty() && s[0] == '/') {
      s.remove_prefix(1);
      step = take_while(s, is_digit);
      shaped = !step.empty();
    }
    const bool in_range = first.size() <= k_max_digits && last.size() <= k_max_digits && step.size() <= k_max_digits;
    if (shaped && s.empty() && in_range) {
      std::string out = std::to_string(number(first));
      if (!last.empty() && number(last) != number(first)) out += "-" + std::to_string(number(last));
      if (!step.empty() && number(step) != 0) out += "/" + std::to_string(number(step));
      return out;
    }
  }
  if (spec.names != value_names::none && is_alpha(item[0])) {  // names, lower case; the rest ignored
    const auto [first, last] = name_range(item);
    const bool months = spec.names == value_names::months;
    auto index = [months](std::string_view word) {
      return months ? name_index(word, k_month_names) : name_index(word, k_weekday_names);
    };
    auto name = [months](int i) { return std::string(months ? k_month_names[i] : k_weekday_names[i]); };
    const int lo = index(first), hi = index(last);
    if (lo < 0 || hi < 0) return std::string(item);
    return lo == hi ? name(lo) : name(lo) + "-" + name(hi);
  }
  if (spec.day_rules) {
    if (auto s = weekday_in_month_str(item)) return *s;
    if (starts_with_ignoring_case(item, "last")) return "last";
  }
  return std::string(item);
}

// -- field sets --

uint64_t bits_of(const field_values& v, int min) {
  uint64_t bits = 0;
  for (size_t i = 0; i < v.allowed.size(); ++i) {
    if (v.allowed[i]) bits |= uint64_t{1} << (static_cast<size_t>(min) + i);
  }
  return bits;
}

bool allows_all(const field_values& v) {
  return std::all_of(v.allowed.begin(), v.allowed.end(), [](char a) { return a != 0; });
}

cron_expression::field_sets to_field_sets(std::array<field_values, k_field_count>& v) {
  cron_expression::field_sets sets;
  sets.days = cron_expression::day_rule::both;
  if (!allows_all(v[k_year])) {
    for (size_t i = 0; i < v[k_year].allowed.size(); ++i) {
      if (v[k_year].allowed[i]) sets.years.push_back(k_specs[k_year].min + static_cast<int>(i));
    }
  }
  sets.months = static_cast<uint16_t>(bits_of(v[k_month], 1));
  sets.days_of_month = static_cast<uint32_t>(bits_of(v[k_day], 1));
  // Every day already matches: the named days add nothing (and the plain search stays fast).
  if (!allows_all(v[k_day])) {
    sets.last_day_of_month = v[k_day].last_day;
    sets.weekdays_in_month = std::move(v[k_day].weekdays_in_month);
  }
  if (!allows_all(v[k_week])) sets.iso_weeks = bits_of(v[k_week], 1);
  // APScheduler counts weekdays from Monday = 0, field_sets from Sunday = 0.
  for (unsigned d = 0; d < 7; ++d) {
    if (v[k_day_of_week].allowed[d]) sets.days_of_week |= static_cast<uint8_t>(1u << ((d + 1) % 7));
  }
  sets.hours = static_cast<uint32_t>(bits_of(v[k_hour], 0));
  sets.minutes = bits_of(v[k_minute], 0);
  sets.seconds = bits_of(v[k_second], 0);
  return sets;
}

// -- text --

bool needs_quotes(std::string_view value) {
  return value.empty() || std::any_of(value.begin(), value.end(), [](char c) {
           return static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '\\' || c == 0x7f;
         });
}

status text_error(std::string_view prefix, std::string what) {
  std::string m;
  if (!prefix.empty()) m.append(prefix).append(": ");
  m.append(k_aps_cron_descriptor).append(": ").append(what);
  return status::invalid_argument(std::move(m));
}

// A quoted value at the front of `s` (which starts with `"`), unescaped; consumes it.
status_or<std::string> take_quoted(std::string_view& s, std::string_view prefix) {
  std::string value;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '"') {
      s.remove_prefix(i + 1);
      return value;
    }
    if (s[i] == '\\') {
      if (i + 1 == s.size() || (s[i + 1] != '"' && s[i + 1] != '\\')) {
        return text_error(prefix, "only \\\" and \\\\ may be escaped in a quoted value");
      }
      ++i;
    }
    value += s[i];
  }
  return text_error(prefix, "a quoted value has no closing quote");
}

}  // namespace

std::optional<std::string>* aps_cron_field(aps_cron_fields& fields, std::string_view name) {
  for (int i = 0; i < k_field_count; ++i) {
    if (name == k_specs[i].name) return &(fields.*k_members[i]);
  }
  return nullptr;
}

status_or<cron_expression::field_sets> parse_aps_cron(const aps_cron_fields& fields,
                                                      std::string_view prefix) {
  int least_significant_given = -1;
  for (int i = 0; i < k_field_count; ++i) {
    if (fields.*k_members[i]) least_significant_given = i;
  }
  std::array<field_values, k_field_count> values;
  for (int i = 0; i < k_field_count; ++i) {
    const std::optional<std::string>& given = fields.*k_members[i];
    // With no field given every field is `*`: APScheduler's CronTrigger() fires every second.
    std::string_view text = "*";
    if (given) {
      text = *given;
    } else if (least_significant_given >= 0 && i > least_significant_given) {
      text = k_specs[i].default_text;
    }
    const field_parser parser(k_specs[i], prefix);
    if (status st = parser.parse(text, values[static_cast<size_t>(i)]); !st.ok()) return st;
  }
  return to_field_sets(values);
}

std::string aps_field_str(std::string_view field, std::string_view text) {
  const field_spec* spec = nullptr;
  for (const field_spec& s : k_specs)
    if (field == s.name) spec = &s;
  if (!spec) return std::string(text);
  std::string out;
  bool first = true;
  for_each_item(trim(text), [&](std::string_view item) {
    if (!first) out += ',';
    first = false;
    out += expression_str(*spec, item);
    return status{};
  });
  return out;
}

std::string aps_cron_text(const aps_cron_fields& fields) {
  std::string out(k_aps_cron_descriptor);
  for (int i = 0; i < k_field_count; ++i) {
    const std::optional<std::string>& given = fields.*k_members[i];
    if (!given) continue;
    const std::string_view value = trim(*given);
    out.append(" ").append(k_specs[i].name).append("=");
    if (!needs_quotes(value)) {
      out.append(value);
      continue;
    }
    out += '"';
    for (char c : value) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out;
}

status_or<aps_cron_fields> parse_aps_cron_text(std::string_view text, std::string_view prefix) {
  std::string_view s = trim(text);
  if (!starts_with_ignoring_case(s, k_aps_cron_descriptor) ||
      (s.size() > k_aps_cron_descriptor.size() && !is_blank(s[k_aps_cron_descriptor.size()]))) {
    return text_error(prefix, "the text must start with " + std::string(k_aps_cron_descriptor));
  }
  s.remove_prefix(k_aps_cron_descriptor.size());
  aps_cron_fields fields;
  for (;;) {
    take_while(s, is_blank);
    if (s.empty()) return fields;
    const std::string_view name = take_while(s, [](char c) { return c != '=' && !is_blank(c); });
    if (s.empty() || s[0] != '=') {
      return text_error(prefix, "expected name=value, got \"" + std::string(name) + "\"");
    }
    s.remove_prefix(1);
    std::optional<std::string>* field = aps_cron_field(fields, name);
    if (field == nullptr) return text_error(prefix, "unknown field \"" + std::string(name) + "\"");
    if (field->has_value()) return text_error(prefix, "field \"" + std::string(name) + "\" is given twice");
    if (!s.empty() && s[0] == '"') {
      status_or<std::string> value = take_quoted(s, prefix);
      if (!value.ok()) return value.status();
      if (!s.empty() && !is_blank(s[0])) return text_error(prefix, "expected a blank after a quoted value");
      *field = std::move(value).value();
    } else {
      *field = std::string(take_while(s, [](char c) { return !is_blank(c); }));
    }
  }
}

}  // namespace mainspring
