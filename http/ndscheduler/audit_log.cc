#include "http/ndscheduler/audit_log.h"

#include <array>
#include <optional>

#include "core/utf8.h"
#include "http/audit_names.h"
#include "http/ndscheduler/job_json.h"
#include "http/ndscheduler/python_text.h"

namespace mainspring::http::ndscheduler {

namespace {

using nlohmann::ordered_json;

// The fields _generate_description_for_modify compares, in its order.
constexpr std::array<const char*, 8> k_modify_items = {"name",   "job_class_string", "pub_args", "minute",
                                                       "hour",   "day",              "month",    "day_of_week"};

// The value a job shows for `item`, or nullopt when it has none (an interval job's cron strings,
// a cron job's interval).
std::optional<ordered_json> item_of(const ordered_json& job, const std::string& item) {
  if (item == "interval") {
    if (job.value("trigger", "") != "interval" || !job.contains("trigger_params")) return std::nullopt;
    const auto& params = job["trigger_params"];
    if (!params.is_object() || !params.contains("interval")) return std::nullopt;
    return params["interval"];
  }
  if (!job.is_object() || !job.contains(item)) return std::nullopt;
  return job[item];
}

std::string shown(const std::optional<ordered_json>& value) { return value ? python_str(*value) : ""; }

std::string cut(std::string text) {
  return text.size() > k_max_description_bytes ? utf8_prefix(text, k_max_description_bytes) : text;
}

// The name and description of audit_detail's text; nullopt for any other text (an older entry's
// bare name).
std::optional<logged_event> parse_detail(const std::string& text) {
  if (!text.starts_with("{")) return std::nullopt;
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || parsed.size() != 2) return std::nullopt;
  auto name = parsed.find("job_name");
  auto description = parsed.find("description");
  if (name == parsed.end() || description == parsed.end() || !name->is_string() || !description->is_string())
    return std::nullopt;
  return logged_event{name->get<std::string>(), description->get<std::string>()};
}

}  // namespace

std::string modified_description(const ordered_json& old_job, const ordered_json& new_job) {
  std::string out;
  auto add = [&](const std::string& item) {
    auto before = item_of(old_job, item), after = item_of(new_job, item);
    if (!before && !after) return;
    if (before && after && python_equal(*before, *after)) return;
    out += "<b>" + item + "</b>: <font color=\"red\">" + shown(before) + "</font> => <font color=\"green\">" +
           shown(after) + "</font><br>";
  };
  for (const char* item : k_modify_items) add(item);
  add("interval");
  return cut(std::move(out));
}

std::string deleted_description(const ordered_json& job) { return cut(python_json_dumps(job)); }

std::string audit_detail(std::string_view job_name, std::string_view description) {
  ordered_json detail = {{"job_name", job_name}, {"description", description}};
  return detail.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

logged_event read_entry(const audit_entry& e) {
  if (e.action == "job.run") {
    // The run's id, which the job's executions show as <job id>-<run id>.
    return {"", e.detail.starts_with("run ") ? e.job_id + "-" + e.detail.substr(4) : ""};
  }
  if (e.action == "job.add") return {e.detail, nullptr};
  const bool described = e.action == "job.edit" || e.action == "job.delete";
  if (e.api != k_dialect_name) return {"", described ? ordered_json("") : ordered_json(nullptr)};
  if (!described) return {e.detail, nullptr};  // pause, resume: the name
  std::string text = e.action == "job.delete" ? without_job_count(e.detail) : e.detail;
  if (auto kept = parse_detail(text)) return *kept;
  return {text, ""};  // an entry written before descriptions were kept
}

}  // namespace mainspring::http::ndscheduler
