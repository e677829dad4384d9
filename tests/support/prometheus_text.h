// prometheus_text: a parser for the Prometheus text exposition format (0.0.4), for tests and the
// bench (the one reading of /metrics outside the server).
//
// Unit and end-to-end tests scrape /metrics, parse the text, and check that each counter moved
// by exactly the expected amount: take a scrape before, act, take one after, compare; the bench
// does the same around a time window (sum_if_any, cumulative_buckets). It reads
// "# TYPE" lines, samples with or without labels (escaped \\ \" \n in values), +Inf/-Inf/NaN, and
// an optional timestamp; any line it cannot read is kept in `errors` so a test can assert there
// are none. Header-only, test code only, not tuned for speed.
//
// Example:
//   prometheus_text before = prometheus_text::parse(http_get("/metrics"));
//   ... run three no-op jobs ...
//   prometheus_text after = prometheus_text::parse(http_get("/metrics"));
//   CHECK(after.errors.empty());
//   const prometheus_text::labels noop_ok = {{"executor", "noop"}, {"outcome", "succeeded"}};
//   CHECK(after.sum("mainspring_job_runs_total", noop_ok) ==
//         before.sum("mainspring_job_runs_total", noop_ok) + 3);
//   CHECK(after.sum("mainspring_schedule_lateness_seconds_count") == 3);
#pragma once

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mainspring {

class prometheus_text {
 public:
  using labels = std::map<std::string, std::string>;

  struct sample {
    std::string name;
    labels label;
    double value = 0;
  };

  // -- parsing --
  static prometheus_text parse(std::string_view text) {
    prometheus_text out;
    std::size_t pos = 0;
    int line_no = 0;
    while (pos <= text.size()) {
      std::size_t eol = text.find('\n', pos);
      if (eol == std::string_view::npos) eol = text.size();
      std::string_view line = text.substr(pos, eol - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++line_no;
      pos = eol + 1;
      if (line.empty()) continue;
      if (line[0] == '#') {
        out.read_comment(line);
        continue;
      }
      sample s;
      if (read_sample(line, s)) {
        out.samples.push_back(std::move(s));
      } else {
        out.errors.push_back("line " + std::to_string(line_no) + ": " + std::string(line));
      }
    }
    return out;
  }

  // A sample value: a number, +Inf, -Inf or NaN. False when `token` is none of these.
  static bool parse_value(std::string_view token, double& out) {
    if (token == "+Inf" || token == "Inf") out = std::numeric_limits<double>::infinity();
    else if (token == "-Inf") out = -std::numeric_limits<double>::infinity();
    else if (token == "NaN") out = std::numeric_limits<double>::quiet_NaN();
    else {
      std::string copy(token);
      char* end = nullptr;
      out = std::strtod(copy.c_str(), &end);
      return !copy.empty() && end == copy.c_str() + copy.size();
    }
    return true;
  }

  // -- queries --
  // The value of the sample named `name` whose labels are exactly `l`; none if absent.
  std::optional<double> value(std::string_view name, const labels& l = {}) const {
    for (const sample& s : samples) {
      if (s.name == name && s.label == l) return s.value;
    }
    return std::nullopt;
  }

  // The sum over samples named `name` whose labels include every pair in `filter`
  // (0 when there are none). sum("x_total") adds across all label sets.
  double sum(std::string_view name, const labels& filter = {}) const {
    double total = 0;
    for (const sample& s : samples) {
      if (s.name == name && includes(s.label, filter)) total += s.value;
    }
    return total;
  }

  // As sum(), but nullopt when no sample matches: "the server does not export it" is not 0.
  std::optional<double> sum_if_any(std::string_view name, const labels& filter = {}) const {
    std::optional<double> total;
    for (const sample& s : samples) {
      if (s.name == name && includes(s.label, filter)) total = total.value_or(0) + s.value;
    }
    return total;
  }

  // The cumulative buckets of histogram `base` (its `<base>_bucket` samples, summed by `le`
  // across any other labels) as (upper bound, count) pairs in ascending order of bound; empty
  // when the histogram is absent.
  std::vector<std::pair<double, double>> cumulative_buckets(std::string_view base) const {
    const std::string bucket_name = std::string(base) + "_bucket";
    std::map<double, double> by_bound;
    for (const sample& s : samples) {
      if (s.name != bucket_name) continue;
      auto le = s.label.find("le");
      double bound = 0;
      if (le == s.label.end() || !parse_value(le->second, bound) || std::isnan(bound)) continue;
      by_bound[bound] += s.value;
    }
    return {by_bound.begin(), by_bound.end()};
  }

  // Every sample named `name`, in the order of the text.
  std::vector<sample> all(std::string_view name) const {
    std::vector<sample> out;
    for (const sample& s : samples) {
      if (s.name == name) out.push_back(s);
    }
    return out;
  }

  // The "# TYPE" of a family ("counter", "histogram", ...), or "" if the text gives none.
  std::string type(std::string_view family) const {
    auto it = types.find(std::string(family));
    return it == types.end() ? std::string() : it->second;
  }

  // The distinct sample names.
  std::set<std::string> names() const {
    std::set<std::string> out;
    for (const sample& s : samples) out.insert(s.name);
    return out;
  }

  // -- member variables --
  std::vector<sample> samples;
  std::map<std::string, std::string> types;  // family name -> type
  std::vector<std::string> errors;           // lines that did not parse

 private:
  static bool includes(const labels& have, const labels& want) {
    for (const auto& [k, v] : want) {
      auto it = have.find(k);
      if (it == have.end() || it->second != v) return false;
    }
    return true;
  }

  static bool is_name_char(char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && c >= '0' && c <= '9');
  }

  static std::string_view read_name(std::string_view& rest) {
    std::size_t n = 0;
    while (n < rest.size() && is_name_char(rest[n], n == 0)) ++n;
    std::string_view name = rest.substr(0, n);
    rest.remove_prefix(n);
    return name;
  }

  static void skip_spaces(std::string_view& rest) {
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  }

  void read_comment(std::string_view line) {
    std::string_view rest = line.substr(1);
    skip_spaces(rest);
    if (rest.substr(0, 5) != "TYPE ") return;  // HELP and plain comments carry no data we test
    rest.remove_prefix(5);
    skip_spaces(rest);
    std::string_view family = read_name(rest);
    skip_spaces(rest);
    if (family.empty() || rest.empty()) {
      errors.push_back("bad TYPE line: " + std::string(line));
      return;
    }
    types[std::string(family)] = std::string(rest);
  }

  // name{a="x",b="y"} value [timestamp]
  static bool read_labels(std::string_view& rest, labels& out) {
    rest.remove_prefix(1);  // '{'
    for (;;) {
      skip_spaces(rest);
      if (!rest.empty() && rest.front() == '}') {
        rest.remove_prefix(1);
        return true;
      }
      std::string_view key = read_name(rest);
      if (key.empty() || rest.size() < 2 || rest[0] != '=' || rest[1] != '"') return false;
      rest.remove_prefix(2);
      std::string value;
      for (;;) {
        if (rest.empty()) return false;
        char c = rest.front();
        rest.remove_prefix(1);
        if (c == '"') break;
        if (c == '\\') {
          if (rest.empty()) return false;
          char e = rest.front();
          rest.remove_prefix(1);
          if (e == 'n') value += '\n';
          else if (e == '\\' || e == '"') value += e;
          else return false;
        } else {
          value += c;
        }
      }
      if (!out.emplace(std::string(key), std::move(value)).second) return false;  // duplicate
      skip_spaces(rest);
      if (!rest.empty() && rest.front() == ',') rest.remove_prefix(1);
    }
  }

  static bool read_sample(std::string_view line, sample& out) {
    std::string_view rest = line;
    std::string_view name = read_name(rest);
    if (name.empty()) return false;
    out.name = std::string(name);
    if (!rest.empty() && rest.front() == '{' && !read_labels(rest, out.label)) return false;
    if (rest.empty() || (rest.front() != ' ' && rest.front() != '\t')) return false;
    skip_spaces(rest);
    std::size_t end = rest.find_first_of(" \t");
    if (!parse_value(rest.substr(0, end), out.value)) return false;
    if (end == std::string_view::npos) return true;
    rest.remove_prefix(end);
    skip_spaces(rest);
    if (rest.empty()) return true;
    double timestamp = 0;  // optional, ignored
    return parse_value(rest, timestamp) && std::isfinite(timestamp);
  }
};

}  // namespace mainspring
