// Property test for schedule::next_after: random cron patterns and Cronicle timing objects,
// random start instants (many near DST transitions), in UTC, America/New_York and Europe/Berlin,
// checked against a brute-force oracle.
//
// The generator writes each pattern as text and, independently, computes the set of values every
// field allows, so the oracle never goes through the parser. The oracle walks instants forward one
// second at a time and applies the DST rules of core/schedule.h literally; to stay fast it jumps to
// the next wall-clock day, hour or minute when the current one cannot match, never past a change
// of UTC offset (between offset changes, wall-clock time is instant + offset, so such a jump skips
// only non-matching seconds). Its horizon is 3 years; when it finds nothing, next_after must answer
// "never" or something beyond that horizon.
#include "core/schedule.h"

#include <catch2/catch.hpp>
#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <bitset>
#include <random>

namespace mainspring {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::local_seconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

// -- the reference: what each field allows --

struct reference {
  std::bitset<60> sec, min;
  std::bitset<24> hour;
  std::bitset<32> dom;   // 1-31
  std::bitset<13> month; // 1-12
  std::bitset<7> dow;    // 0-6
  bool dom_unrestricted = false, dow_unrestricted = false;
  bool timing = false;   // Cronicle: days and weekdays AND-ed
  std::vector<int> years;  // empty: any

  bool day_matches(const std::chrono::year_month_day& ymd, unsigned weekday) const {
    if (!years.empty() &&
        std::find(years.begin(), years.end(), static_cast<int>(ymd.year())) == years.end()) {
      return false;
    }
    if (!month[static_cast<unsigned>(ymd.month())]) return false;
    const bool d = dom[static_cast<unsigned>(ymd.day())];
    const bool w = dow[weekday];
    if (timing || dom_unrestricted || dow_unrestricted) return d && w;
    return d || w;
  }
};

struct civil {
  std::chrono::year_month_day ymd;
  unsigned weekday, h, mi, s;
  explicit civil(local_seconds t) {
    const auto day = std::chrono::floor<days>(t);
    ymd = std::chrono::year_month_day{day};
    weekday = std::chrono::weekday{day}.c_encoding();
    const auto tod = static_cast<unsigned>((t - day).count());
    h = tod / 3600;
    mi = tod / 60 % 60;
    s = tod % 60;
  }
};

// How far wall-clock time may jump from `t` (local) without skipping a possible match.
seconds skip(const reference& r, local_seconds t) {
  const civil c(t);
  if (!r.day_matches(c.ymd, c.weekday)) return seconds{86400 - (c.h * 3600 + c.mi * 60 + c.s)};
  if (!r.hour[c.h]) return seconds{3600 - (c.mi * 60 + c.s)};
  if (!r.min[c.mi]) return seconds{60 - c.s};
  if (!r.sec[c.s]) return seconds{1};
  return seconds{0};
}

// Whether some local time in [from, to) matches.
bool any_match(const reference& r, local_seconds from, local_seconds to) {
  for (local_seconds t = from; t < to;) {
    const seconds step = skip(r, t);
    if (step == seconds{0}) return true;
    t += step;
  }
  return false;
}

// How often the DST rules decided an answer, to show that the random cases reach them.
struct dst_stats {
  int gap_fires = 0;       // fired at a transition for a match inside the gap
  int repeats_skipped = 0; // skipped second occurrences, then fired
};

// The first fire at or after t0 and before `limit`, applying the DST rules by their letter.
std::optional<sys_seconds> oracle_next(const reference& r, sys_seconds t0, sys_seconds limit,
                                       const date::time_zone* zone, dst_stats& stats) {
  bool skipped_repeats = false;
  // The fixed-offset period containing t: [begin, end) with `offset`, preceded by `before`.
  // UTC is one endless period; in a zone the empty [max, min) forces a lookup at once.
  sys_seconds begin = zone ? sys_seconds::max() : sys_seconds::min();
  sys_seconds end = zone ? sys_seconds::min() : sys_seconds::max();
  seconds offset{0}, before{0};
  for (sys_seconds t = t0; t < limit;) {
    if (zone != nullptr && (t < begin || t >= end)) {
      const date::sys_info info = zone->get_info(t);
      begin = info.begin;
      end = info.end;
      offset = info.offset;
      before = zone->get_info(begin - seconds{1}).offset;
    }
    const local_seconds local{t.time_since_epoch() + offset};
    if (zone != nullptr && t == begin && before < offset) {  // a gap: its matches fire now
      if (any_match(r, local_seconds{t.time_since_epoch() + before}, local)) {
        ++stats.gap_fires;
        return t;
      }
    }
    if (zone != nullptr && before > offset && t < begin + (before - offset)) {
      // Second occurrences of wall-clock times never fire; note it if one would have.
      skipped_repeats =
          skipped_repeats || any_match(r, local, local_seconds{begin.time_since_epoch() + before});
      t = begin + (before - offset);
      continue;
    }
    const seconds step = skip(r, local);
    if (step == seconds{0}) {
      if (skipped_repeats) ++stats.repeats_skipped;
      return t;
    }
    t = std::min(t + step, end);
  }
  return std::nullopt;
}

// -- the generator --

struct field_shape {
  int lo, hi;  // as written (day of week: 0-7)
  const char* const* names;
  int name_count;
};
constexpr const char* k_months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                    "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* k_weekdays[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
constexpr field_shape k_second{0, 59, nullptr, 0}, k_minute{0, 59, nullptr, 0},
    k_hour{0, 23, nullptr, 0}, k_dom{1, 31, nullptr, 0}, k_month{1, 12, k_months, 12},
    k_dow{0, 7, k_weekdays, 7};

class generator {
 public:
  explicit generator(uint64_t seed) : rng_(seed) {}

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // One field: "*"/"?" with probability p_any, else a list of 1-3 items. Sets bits in `allowed`
  // (indexed by value as written) and reports whether the text is unrestricted.
  std::string field(const field_shape& f, double p_any, std::vector<bool>& allowed, bool& unrestricted) {
    allowed.assign(f.hi + 1, false);
    unrestricted = chance(p_any);
    if (unrestricted) {
      for (int v = f.lo; v <= f.hi; ++v) allowed[v] = true;
      return chance(0.8) ? "*" : "?";
    }
    std::string text;
    for (int n = uniform(1, 3); n > 0; --n) {
      if (!text.empty()) text += ',';
      text += item(f, allowed);
    }
    return text;
  }

  // Hours biased towards 1-3, where the DST transitions of both zones are.
  std::string hour_field(std::vector<bool>& allowed, bool& unrestricted) {
    if (!chance(0.4)) return field(k_hour, 0.3, allowed, unrestricted);
    unrestricted = false;
    allowed.assign(24, false);
    const int a = uniform(1, 3), b = uniform(a, 3);
    for (int v = a; v <= b; ++v) allowed[v] = true;
    return a == b ? std::to_string(a) : std::to_string(a) + "-" + std::to_string(b);
  }

  std::vector<int> values(int lo, int hi, double p_empty) {
    std::vector<int> out;
    if (chance(p_empty)) return out;
    for (int n = uniform(1, 4); n > 0; --n) out.push_back(uniform(lo, hi));
    return out;
  }

 private:
  std::string value_text(const field_shape& f, int v, bool may_be_sunday_end) {
    if (f.names != nullptr && chance(0.3)) {
      std::string name;
      if (v - f.lo < f.name_count) {
        name = f.names[v - f.lo];
      } else if (may_be_sunday_end) {
        name = "SUN";  // 7 at the end of a range
      } else {
        return std::to_string(v);
      }
      for (char& c : name) {
        if (chance(0.3)) c = static_cast<char>(c - 'A' + 'a');
      }
      return name;
    }
    return std::to_string(v);
  }

  std::string item(const field_shape& f, std::vector<bool>& allowed) {
    const int a = uniform(f.lo, f.hi);
    const int b = uniform(a, f.hi);
    const int step = uniform(1, std::max(1, (f.hi - f.lo) / 3));
    auto mark = [&](int from, int to, int by) {
      for (int v = from; v <= to; v += by) allowed[v] = true;
    };
    switch (uniform(0, 4)) {
      case 0:
        mark(a, a, 1);
        return value_text(f, a, false);
      case 1:
        mark(a, b, 1);
        return value_text(f, a, false) + "-" + value_text(f, b, a > 0);
      case 2:
        mark(f.lo, f.hi, step);
        return "*/" + std::to_string(step);
      case 3:
        mark(a, b, step);
        return value_text(f, a, false) + "-" + value_text(f, b, a > 0) + "/" + std::to_string(step);
      default:
        mark(a, f.hi, step);
        return value_text(f, a, false) + "/" + std::to_string(step);
    }
  }

  std::mt19937_64 rng_;
};

template <size_t N>
void copy_bits(const std::vector<bool>& from, std::bitset<N>& to) {
  for (size_t v = 0; v < from.size() && v < N; ++v) to[v] = from[v];
}

struct random_case {
  std::string text;
  schedule sched;
  reference ref;
};

random_case make_cron(generator& g) {
  random_case c;
  std::vector<bool> bits;
  bool any;
  const bool six = g.chance(0.7);
  std::string text;
  if (six) {
    text = g.field(k_second, 0.2, bits, any) + " ";
    copy_bits(bits, c.ref.sec);
  } else {
    c.ref.sec[0] = true;
  }
  text += g.field(k_minute, 0.25, bits, any) + " ";
  copy_bits(bits, c.ref.min);
  text += g.hour_field(bits, any) + " ";
  copy_bits(bits, c.ref.hour);
  text += g.field(k_dom, 0.6, bits, c.ref.dom_unrestricted) + " ";
  copy_bits(bits, c.ref.dom);
  text += g.field(k_month, 0.7, bits, any) + " ";
  copy_bits(bits, c.ref.month);
  text += g.field(k_dow, 0.6, bits, c.ref.dow_unrestricted);
  if (bits[7]) bits[0] = true;  // 7 is Sunday
  copy_bits(bits, c.ref.dow);
  c.text = text;
  status_or<schedule> s = parse_schedule(text);
  INFO("pattern: " << text << " error: " << s.status().message());
  REQUIRE(s.ok());
  c.sched = *s;
  return c;
}

random_case make_timing(generator& g, int start_year) {
  random_case c;
  schedule::timing t;
  t.minutes = g.values(0, 59, 0.3);
  t.hours = g.values(0, 23, 0.4);
  if (g.chance(0.3)) t.hours.push_back(2);
  t.days = g.values(1, 31, 0.7);
  t.months = g.values(1, 12, 0.7);
  t.weekdays = g.values(0, 6, 0.6);
  if (g.chance(0.2)) {
    for (int n = g.uniform(1, 2); n > 0; --n) t.years.push_back(start_year + g.uniform(0, 2));
  }
  auto fill = [](const std::vector<int>& v, auto& bits, int lo, int hi) {
    for (int x = lo; x <= hi; ++x) bits[x] = v.empty();
    for (int x : v) bits[x] = true;
  };
  c.ref.sec[0] = true;
  fill(t.minutes, c.ref.min, 0, 59);
  fill(t.hours, c.ref.hour, 0, 23);
  fill(t.days, c.ref.dom, 1, 31);
  fill(t.months, c.ref.month, 1, 12);
  fill(t.weekdays, c.ref.dow, 0, 6);
  c.ref.years = t.years;
  c.ref.timing = true;
  status_or<schedule> s = schedule::from_timing(t);
  REQUIRE(s.ok());
  c.sched = *s;
  c.text = s->text();
  return c;
}

// A start instant: near a DST transition of `zone` for most cases, else anywhere in 2020-2036.
sys_ms random_start(generator& g, const date::time_zone* zone, int& year) {
  year = g.uniform(2020, 2036);
  sys_seconds t = sys_days{std::chrono::year{year} / 1 / 1} + seconds{g.uniform(0, 365 * 86400 - 1)};
  if (zone != nullptr && g.chance(0.6)) {
    const date::sys_info info = zone->get_info(sys_days{std::chrono::year{year} / 1 / 15});
    const sys_seconds spring = info.end;
    const sys_seconds transition = g.chance(0.5) ? spring : zone->get_info(spring).end;
    t = transition + seconds{g.chance(0.7) ? g.uniform(-3 * 3600, 2 * 3600) : g.uniform(-3 * 86400, 86400)};
  }
  return sys_ms{t} + std::chrono::milliseconds{g.chance(0.3) ? g.uniform(0, 999) : 0};
}

std::string iso(std::optional<sys_ms> t) {
  return t ? date::format("%FT%TZ", *t) : std::string("never");
}

TEST_CASE("next_after agrees with a brute-force oracle on random patterns, in UTC and in DST zones") {
  const char* const zone_names[] = {"UTC", "America/New_York", "Europe/Berlin"};
  time_zone zones[3];
  for (int i = 0; i < 3; ++i) {
    status_or<time_zone> z = time_zone::find(zone_names[i]);
    REQUIRE(z.ok());
    zones[i] = *z;
  }
  generator g(20260308);
  constexpr int k_cases = 30000;
  constexpr auto k_oracle_horizon = days{3 * 365};
  int failures = 0, found = 0, never = 0;
  dst_stats stats;
  for (int i = 0; i < k_cases && failures < 10; ++i) {
    const time_zone& zone = zones[i % 3];
    int year = 0;
    const sys_ms start = random_start(g, zone.zone(), year);
    const random_case c = g.chance(0.2) ? make_timing(g, year) : make_cron(g);
    // Two fires in a row: the second starts exactly at the first.
    sys_ms after = start;
    for (int round = 0; round < 2; ++round) {
      const sys_seconds t0 = std::chrono::floor<seconds>(after) + seconds{1};
      const sys_seconds limit = t0 + k_oracle_horizon;
      const std::optional<sys_seconds> want = oracle_next(c.ref, t0, limit, zone.zone(), stats);
      const std::optional<sys_ms> got = c.sched.next_after(after, zone);
      const bool ok = want ? (got && *got == sys_ms{*want}) : (!got || *got >= sys_ms{limit});
      if (!ok) {
        ++failures;
        FAIL_CHECK("pattern `" << c.text << "` in " << zone.name() << " after " << iso(after)
                               << ": next_after " << iso(got) << ", oracle "
                               << (want ? iso(sys_ms{*want}) : "none within 3 years"));
      }
      if (!want || !got) {
        ++never;
        break;
      }
      ++found;
      after = *got;
    }
  }
  CHECK(failures == 0);
  // The generator must produce mostly satisfiable patterns for the test to mean something.
  INFO("oracle comparisons: " << found << " fires, " << never << " nevers, " << stats.gap_fires
                               << " gap fires, " << stats.repeats_skipped << " with repeats skipped");
  CHECK(found > k_cases);
  CHECK(stats.gap_fires > 200);
  CHECK(stats.repeats_skipped > 200);
}

}  // namespace
}  // namespace mainspring
