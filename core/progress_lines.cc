#include "core/progress_lines.h"

#include <algorithm>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "core/ascii_text.h"
#include "core/html_sanitizer.h"
#include "core/json_depth.h"
#include "core/js_truthy.h"

namespace mainspring {
namespace {

using nlohmann::json;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A reported code as a run's: 0 when falsy, an integer (of an int's range) as it is, else 1.
int code_of(const json& code) {
  if (!js_truthy(code)) return 0;
  if (code.is_number_unsigned()) return code.get<uint64_t>() <= INT32_MAX ? static_cast<int>(code.get<uint64_t>()) : 1;
  if (code.is_number_integer()) {
    const int64_t n = code.get<int64_t>();
    return n >= INT32_MIN && n <= INT32_MAX ? static_cast<int>(n) : 1;
  }
  return 1;
}

// The keys of a report Cronicle keeps as given (lib/job.js handleChildResponse's list, less the
// ones read here: progress, complete, code and description; and less update_event, which Cronicle
// drops unless its allow_event_updates_from_jobs is set, as it is not by default).
constexpr std::string_view k_kept_keys[] = {"perf",         "table",       "html",           "label",
                                            "chain",        "chain_data",  "chain_params",   "chain_error",
                                            "notify_success", "notify_fail"};

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

// Cronicle cleans the HTML a job reports before anyone's browser shows it.
void clean_html(json& html) {
  if (!html.is_object()) return;
  auto content = html.find("content");
  if (content == html.end() || !js_truthy(*content)) return;
  *content = content->is_string() ? sanitize_html(content->get_ref<const std::string&>()) : std::string();
}

// Sets fields[key] = value unless the fields would then be written longer than allowed.
void keep_field(json& fields, const std::string& key, json value) {
  if (key == "html") clean_html(value);
  auto old = fields.find(key);
  std::optional<json> before;
  if (old != fields.end()) before = std::move(*old);
  fields[key] = std::move(value);
  if (dump(fields).size() <= k_max_reported_fields_bytes) return;
  if (before) fields[key] = std::move(*before);
  else fields.erase(key);
}

// A JSON report's keys, as Cronicle's handleChildResponse takes them (while not complete).
void apply_report(json& data, stdout_report& report) {
  if (report.completed) return;
  if (auto p = data.find("progress"); p != data.end() && p->is_number()) report.progress = p->get<double>();
  if (auto code = data.find("code"); code != data.end()) report.code_reported = std::move(*code);
  if (auto description = data.find("description"); description != data.end())
    report.description = description->is_null()     ? std::string()
                         : description->is_string() ? description->get<std::string>()
                                                    : dump(*description);
  if (auto html = data.find("html"); html != data.end() && js_truthy(*html)) report.sent_html = true;
  bool changed = false;
  for (std::string_view key : k_kept_keys)
    if (auto it = data.find(key); it != data.end()) {
      keep_field(report.fields, std::string(key), std::move(*it));
      changed = true;
    }
  report.fields_changes += changed;
  auto complete = data.find("complete");
  if (complete == data.end() || !js_truthy(*complete)) return;
  report.completed = true;
  report.code = code_of(report.code_reported);
}

}  // namespace

std::string reported_fields(const stdout_report& report, bool succeeded) {
  if (!report.completed && report.fields.empty()) return {};  // nearly every run: nothing to write
  json out = report.fields;
  if (report.completed && succeeded && !report.description.empty()) out["description"] = report.description;
  if (report.completed && report.code != 0 && report.code_reported != json(report.code))
    out["code"] = report.code_reported;
  return out.empty() ? std::string() : dump(out);
}

json reported_object(std::string_view text) {
  json reported = parse_json_within_depth(text, /*ignore_comments=*/false);
  return reported.is_object() ? reported : json::object();
}

std::optional<double> progress_of_line(std::string_view line) {
  std::size_t at = 0;
  while (at < line.size() && is_blank(line[at])) ++at;
  const std::size_t digits_at = at;
  int value = 0;  // capped at 100 as it is read: parseInt of any length, then min(100)
  while (at < line.size() && is_digit(line[at])) value = std::min(100, value * 10 + (line[at++] - '0'));
  if (at == digits_at || at == line.size() || line[at] != '%') return std::nullopt;
  for (++at; at < line.size(); ++at)
    if (!is_blank(line[at])) return std::nullopt;
  return value / 100.0;
}

void progress_lines::take_line(std::string& output, stdout_report& report, std::string_view prefix) {
  if (auto p = progress_of_line(held_)) {
    report.progress = p;
    return;
  }
  if (json_) {
    // /^\s*\{.+\}\s*$/: braces around at least one character.
    std::string_view body = trim_blanks(held_);
    if (body.size() >= 3 && body.front() == '{' && body.back() == '}') {
      json data = parse_json_within_depth(body, /*ignore_comments=*/false);
      if (data.is_object()) return apply_report(data, report);
    }
  }
  output.append(prefix).append(held_);
}

void progress_lines::add(std::string_view bytes, std::string& output, stdout_report& report, std::string_view prefix) {
  const std::size_t max_held = json_ ? k_max_held_json_line_bytes : k_max_held_line_bytes;
  while (!bytes.empty()) {
    const std::size_t end = bytes.find('\n');
    const std::size_t take = end == std::string_view::npos ? bytes.size() : end + 1;
    std::string_view part = bytes.substr(0, take);
    bytes.remove_prefix(take);
    const bool line_ends = end != std::string_view::npos;
    if (!passing_ && held_.size() + part.size() > max_held) {
      output += prefix;
      output += held_;  // too long to be a report: output, from here to the line's end
      held_.clear();
      passing_ = true;
    }
    if (passing_) {
      output += part;
    } else {
      held_ += part;
      if (line_ends) {
        take_line(output, report, prefix);
        held_.clear();
      }
    }
    if (line_ends) passing_ = false;
  }
}

void progress_lines::finish(std::string& output, stdout_report& report, std::string_view prefix) {
  if (!held_.empty()) take_line(output, report, prefix);
  held_.clear();
  passing_ = false;
}

}  // namespace mainspring
