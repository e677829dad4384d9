#include "bench/exposition_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace mainspring::bench {

namespace {

bool is_name_char(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}

void skip_blanks(std::string_view line, std::size_t& pos) {
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
}

std::optional<double> parse_value(std::string_view text) {
  if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  // strtod, not from_chars: libstdc++ 12 has from_chars for double, but strtod also takes "1e+06"
  // and hex floats the same way Go's ParseFloat (Prometheus) does.
  std::string copy(text);
  char* end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size()) return std::nullopt;
  return v;
}

// Parses `{a="x",b="y"}` starting at line[pos] == '{'; leaves pos after the '}'.
bool parse_labels(std::string_view line, std::size_t& pos, metric_labels& out) {
  ++pos;  // '{'
  for (;;) {
    skip_blanks(line, pos);
    if (pos < line.size() && line[pos] == '}') {
      ++pos;
      return true;
    }
    std::size_t start = pos;
    while (pos < line.size() && is_name_char(line[pos], pos == start)) ++pos;
    if (pos == start) return false;
    std::string key(line.substr(start, pos - start));
    skip_blanks(line, pos);
    if (pos >= line.size() || line[pos] != '=') return false;
    ++pos;
    skip_blanks(line, pos);
    if (pos >= line.size() || line[pos] != '"') return false;
    ++pos;
    std::string value;
    for (;;) {
      if (pos >= line.size()) return false;
      char c = line[pos++];
      if (c == '"') break;
      if (c == '\\' && pos < line.size()) {
        char e = line[pos++];
        value += e == 'n' ? '\n' : e;
      } else {
        value += c;
      }
    }
    out[std::move(key)] = std::move(value);
    skip_blanks(line, pos);
    if (pos < line.size() && line[pos] == ',') ++pos;
  }
}

std::optional<metric_sample> parse_line(std::string_view line) {
  std::size_t pos = 0;
  skip_blanks(line, pos);
  if (pos >= line.size() || line[pos] == '#') return std::nullopt;
  metric_sample s;
  std::size_t start = pos;
  while (pos < line.size() && is_name_char(line[pos], pos == start)) ++pos;
  if (pos == start) return std::nullopt;
  s.name = std::string(line.substr(start, pos - start));
  if (pos < line.size() && line[pos] == '{' && !parse_labels(line, pos, s.labels)) return std::nullopt;
  skip_blanks(line, pos);
  std::size_t value_start = pos;
  while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t') ++pos;
  auto value = parse_value(line.substr(value_start, pos - value_start));
  if (!value) return std::nullopt;
  s.value = *value;
  return s;
}

bool labels_match(const metric_labels& labels, const metric_labels& match) {
  for (const auto& [k, v] : match) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace

std::vector<metric_sample> parse_exposition(std::string_view text) {
  std::vector<metric_sample> out;
  while (!text.empty()) {
    auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (auto s = parse_line(line)) out.push_back(std::move(*s));
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  return out;
}

std::optional<double> sum_samples(const std::vector<metric_sample>& samples, std::string_view name,
                                  const metric_labels& match) {
  std::optional<double> sum;
  for (const auto& s : samples) {
    if (s.name != name || !labels_match(s.labels, match)) continue;
    sum = sum.value_or(0) + s.value;
  }
  return sum;
}

std::vector<histogram_bucket> histogram_buckets(const std::vector<metric_sample>& samples,
                                                std::string_view base) {
  std::string bucket_name = std::string(base) + "_bucket";
  std::map<double, double> by_bound;
  for (const auto& s : samples) {
    if (s.name != bucket_name) continue;
    auto le = s.labels.find("le");
    if (le == s.labels.end()) continue;
    auto bound = parse_value(le->second);
    if (!bound || std::isnan(*bound)) continue;
    by_bound[*bound] += s.value;
  }
  std::vector<histogram_bucket> out;
  out.reserve(by_bound.size());
  for (const auto& [bound, count] : by_bound) out.push_back({bound, count});
  return out;
}

}  // namespace mainspring::bench
