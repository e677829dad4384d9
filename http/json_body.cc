#include "http/json_body.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <exception>
#include <limits>
#include <type_traits>
#include <vector>

#include "core/json_depth.h"
#include "core/utf8.h"

namespace mainspring::http {

namespace {

using nlohmann::json;

// Longest parser detail quoted back to the client: its "last read" may echo a long token.
constexpr std::size_t k_max_parse_detail_bytes = 200;
// The int64 range as doubles: [-2^63, 2^63).
constexpr double k_int64_low = -9223372036854775808.0;
constexpr double k_int64_high = 9223372036854775808.0;

status field_error(std::string_view name, std::string_view what, const json& value) {
  return status::invalid_argument(std::string(name) + ": " + std::string(what) + ", got " +
                                  value.type_name());
}

status out_of_range(std::string_view name) {
  return status::invalid_argument(std::string(name) + ": out of range for a 64-bit integer");
}

// "[json.exception.parse_error.101] parse error at ..." -> "parse error at ...".
std::string parse_detail(const char* what) {
  std::string_view text = what;
  if (auto end = text.find("] "); text.starts_with("[json.exception.") && end != text.npos)
    text.remove_prefix(end + 2);
  // Whole characters only, and none of the ill-formed bytes the parser may echo ("last read").
  return utf8_prefix(text, k_max_parse_detail_bytes);
}

// Parses `text` into a `Json` (json, or ordered_json for its keys as given), or answers a
// discarded value and says why.
template <class Json>
Json try_parse(std::string_view text, std::string* why) {
  // nlohmann's reader takes a NUL byte for the end of its input and would ignore what follows;
  // a JSON text holds none (a string writes it \u0000).
  if (auto nul = text.find('\0'); nul != std::string_view::npos) {
    *why = "a NUL byte at offset " + std::to_string(nul) + " (JSON text holds none)";
    return Json(Json::value_t::discarded);
  }
  Json value;
  if constexpr (std::is_same_v<Json, nlohmann::ordered_json>)
    value = parse_ordered_json_within_depth(text, /*ignore_comments=*/true, why);
  else
    value = parse_json_within_depth(text, /*ignore_comments=*/true, why);
  if (value.is_discarded()) *why = parse_detail(why->c_str());
  return value;
}

bool starts_comment(std::string_view t, std::size_t i) {
  return t[i] == '/' && i + 1 < t.size() && (t[i + 1] == '/' || t[i + 1] == '*');
}

// REQUIRES: t[i] == '"'. The index just past the closing quote (or t.size()).
std::size_t skip_string(std::string_view t, std::size_t i) {
  for (std::size_t j = i + 1; j < t.size(); ++j) {
    if (t[j] == '\\') ++j;
    else if (t[j] == '"') return j + 1;
  }
  return t.size();
}

// REQUIRES: starts_comment(t, i). A line comment ends before its newline.
std::size_t skip_comment(std::string_view t, std::size_t i) {
  std::size_t end = t[i + 1] == '/' ? t.find('\n', i) : t.find("*/", i + 2);
  if (end == t.npos) return t.size();
  return t[i + 1] == '/' ? end : end + 2;
}

std::size_t skip_blanks_and_comments(std::string_view t, std::size_t i) {
  while (i < t.size()) {
    if (std::isspace(static_cast<unsigned char>(t[i]))) ++i;
    else if (starts_comment(t, i)) i = skip_comment(t, i);
    else break;
  }
  return i;
}

// The field `name`, or null when absent or null.
const json* find_field(const json& object, std::string_view name) {
  auto it = object.find(std::string(name));
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

std::string strip_trailing_commas(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  std::size_t i = 0;
  while (i < t.size()) {
    std::size_t end = i + 1;
    if (t[i] == '"') {
      end = skip_string(t, i);
    } else if (starts_comment(t, i)) {
      end = skip_comment(t, i);
    } else if (t[i] == ',') {
      std::size_t next = skip_blanks_and_comments(t, i + 1);
      if (next < t.size() && (t[next] == '}' || t[next] == ']')) {
        i = end;  // drop the comma
        continue;
      }
    }
    out.append(t.substr(i, end - i));
    i = end;
  }
  return out;
}

namespace {

// True when t[j..] is a JSON string followed by optional blanks and ':' (an object's key).
bool starts_key(std::string_view t, std::size_t j) {
  if (t[j] != '"') return false;
  std::size_t end = skip_string(t, j);
  while (end < t.size() && (t[end] == ' ' || t[end] == '\t')) ++end;
  return end < t.size() && t[end] == ':';
}

// Where `t` ends in nothing but closing brackets, commas and blanks, and how many closing
// brackets each position there is followed by (itself included): answered in O(1), so that a
// body of brackets cannot make the scan quadratic.
class document_tail {
 public:
  explicit document_tail(std::string_view t) : start_(t.size()) {
    while (start_ > 0 && (t[start_ - 1] == '}' || t[start_ - 1] == ']' || t[start_ - 1] == ',' ||
                          std::isspace(static_cast<unsigned char>(t[start_ - 1]))))
      --start_;
    closers_.resize(t.size() - start_ + 1, 0);
    for (std::size_t j = t.size(); j-- > start_;)
      closers_[j - start_] = closers_[j - start_ + 1] + (t[j] == '}' || t[j] == ']' ? 1 : 0);
  }
  // True when t[j..] holds only closing brackets, commas and blanks, `open` brackets in all.
  bool closes(std::size_t j, std::size_t open) const { return j >= start_ && closers_[j - start_] == open; }

 private:
  std::size_t start_;
  std::vector<std::size_t> closers_;
};

}  // namespace

std::string end_joined_line_comments(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  const document_tail tail(t);
  std::size_t open = 0;  // brackets open outside strings and comments
  std::size_t i = 0;
  while (i < t.size()) {
    if (t[i] == '"') {
      std::size_t end = skip_string(t, i);
      out.append(t.substr(i, end - i));
      i = end;
      continue;
    }
    if (t[i] == '/' && i + 1 < t.size() && t[i + 1] == '/') {
      std::size_t j = i + 2;
      while (j < t.size() && !starts_key(t, j) && !((t[j] == '}' || t[j] == ']') && tail.closes(j, open))) ++j;
      out += '\n';  // the comment, as the line break it stood before
      i = j;
      continue;
    }
    if (t[i] == '/' && i + 1 < t.size() && t[i + 1] == '*') {
      std::size_t end = skip_comment(t, i);
      out.append(t.substr(i, end - i));
      i = end;
      continue;
    }
    if (t[i] == '{' || t[i] == '[') ++open;
    if ((t[i] == '}' || t[i] == ']') && open > 0) --open;
    out += t[i++];
  }
  return out;
}

namespace {

template <class Json>
status_or<Json> parse_object(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == body.npos)
    return status::invalid_argument("malformed JSON body: the body is empty; expected a JSON object");
  std::string why;
  Json value = try_parse<Json>(body, &why);
  if (value.is_discarded()) {
    // The strict parse failed; the seed's examples end objects with a trailing comma.
    std::string relaxed = strip_trailing_commas(body);
    std::string ignored;
    if (relaxed.size() != body.size()) value = try_parse<Json>(relaxed, &ignored);
    // The same, sent with `curl -d @file`, which drops the line breaks that ended the comments.
    if (value.is_discarded() && body.find('\n') == body.npos && body.find("//") != body.npos)
      value = try_parse<Json>(strip_trailing_commas(end_joined_line_comments(body)), &ignored);
    if (value.is_discarded()) return status::invalid_argument("malformed JSON body: " + why);
  }
  if (!value.is_object())
    return status::invalid_argument(std::string("malformed JSON body: expected a JSON object, got ") +
                                    value.type_name());
  return value;
}

}  // namespace

status_or<nlohmann::json> parse_json_object(std::string_view body) { return parse_object<json>(body); }

status_or<nlohmann::ordered_json> parse_ordered_json_object(std::string_view body) {
  return parse_object<nlohmann::ordered_json>(body);
}

status_or<std::optional<std::string>> string_field(const nlohmann::json& object,
                                                   std::string_view name) {
  const json* v = find_field(object, name);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return field_error(name, "must be a string", *v);
  return std::optional<std::string>(v->get_ref<const std::string&>());
}

status_or<std::optional<int64_t>> integer_field(const nlohmann::json& object, std::string_view name,
                                                bool allow_numeric_string) {
  const json* v = find_field(object, name);
  if (!v) return std::optional<int64_t>();
  if (v->is_number_unsigned()) {
    auto u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return out_of_range(name);
    return std::optional<int64_t>(static_cast<int64_t>(u));
  }
  if (v->is_number_integer()) return std::optional<int64_t>(v->get<int64_t>());
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (!std::isfinite(d) || d != std::trunc(d))
      return status::invalid_argument(std::string(name) + ": must be a whole number");
    if (d < k_int64_low || d >= k_int64_high) return out_of_range(name);
    return std::optional<int64_t>(static_cast<int64_t>(d));
  }
  if (v->is_string() && allow_numeric_string) {
    const auto& text = v->get_ref<const std::string&>();
    int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc::result_out_of_range) return out_of_range(name);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
      return status::invalid_argument(std::string(name) + ": must be a whole number, got \"" +
                                      utf8_prefix(text, 32) + "\"");
    return std::optional<int64_t>(n);
  }
  return field_error(name, "must be a whole number", *v);
}

status_or<std::optional<int>> int_field(const nlohmann::json& object, std::string_view name) {
  auto v = integer_field(object, name);
  if (!v.ok()) return v.status();
  if (!*v) return std::optional<int>();
  if (**v < std::numeric_limits<int>::min() || **v > std::numeric_limits<int>::max())
    return status::invalid_argument(std::string(name) + ": out of range");
  return std::optional<int>(static_cast<int>(**v));
}

status_or<std::optional<std::map<std::string, std::string>>> string_map_field(
    const nlohmann::json& object, std::string_view name, std::size_t max_entries) {
  using map = std::map<std::string, std::string>;
  const json* v = find_field(object, name);
  if (!v) return std::optional<map>();
  if (!v->is_object()) return field_error(name, "must be an object of strings", *v);
  if (v->size() > max_entries)
    return status::invalid_argument(std::string(name) + ": more than " + std::to_string(max_entries) + " entries");
  map out;
  for (const auto& [key, value] : v->items()) {
    if (!value.is_string())
      return status::invalid_argument(std::string(name) + ": the value of \"" + utf8_prefix(key, 64) +
                                      "\" must be a string, got " + value.type_name());
    out.emplace(key, value.get_ref<const std::string&>());
  }
  return std::optional<map>(std::move(out));
}

status_or<std::optional<bool>> bool_field(const nlohmann::json& object, std::string_view name) {
  const json* v = find_field(object, name);
  if (!v) return std::optional<bool>();
  if (!v->is_boolean()) return field_error(name, "must be true or false", *v);
  return std::optional<bool>(v->get<bool>());
}

status_or<std::optional<int64_t>> seconds_as_ms_field(const nlohmann::json& object,
                                                      std::string_view name) {
  const json* v = find_field(object, name);
  if (!v) return std::optional<int64_t>();
  if (!v->is_number()) return field_error(name, "must be a number of seconds", *v);
  if (v->is_number_unsigned() || v->is_number_integer()) {
    // Exact integer arithmetic: doubles lose precision above 2^53.
    constexpr int64_t k_limit = std::numeric_limits<int64_t>::max() / 1000;
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(k_limit))
      return out_of_range(name);
    int64_t s = v->is_number_unsigned() ? static_cast<int64_t>(v->get<uint64_t>()) : v->get<int64_t>();
    if (s > k_limit || s < -k_limit) return out_of_range(name);
    return std::optional<int64_t>(s * 1000);
  }
  double ms = v->get<double>() * 1000.0;
  if (!std::isfinite(ms)) return field_error(name, "must be a number of seconds", *v);
  ms = std::round(ms);
  if (ms < k_int64_low || ms >= k_int64_high) return out_of_range(name);
  return std::optional<int64_t>(static_cast<int64_t>(ms));
}

}  // namespace mainspring::http
