#include "http/cronicle/hook_json.h"

#include "http/cronicle/categories.h"
#include "http/cronicle/custom_plugins.h"
#include "http/cronicle/event_json.h"
#include "http/cronicle/job_json.h"
#include "http/cronicle/js_values.h"
#include "http/cronicle/plugins.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

// Cronicle's defaultWebHookTextTemplates (lib/engine.js).
std::string_view text_template(std::string_view action) {
  if (action == "job_start") return "Job started on [hostname]: [event_title] [job_details_url]";
  if (action == "job_failure")
    return "Job failed on [hostname]: [event_title]: Error [code]: [description] [job_details_url]";
  return "Job completed successfully on [hostname]: [event_title] [job_details_url]";
}

// pixl-tools' Tools.sub: each [name] replaced by the value's text (numbers as JSON writes them).
std::string substitute(std::string_view text, const json& data) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    auto close = text.find(']', i);
    if (text[i] != '[' || close == std::string_view::npos) {
      out += text[i++];
      continue;
    }
    std::string key(text.substr(i + 1, close - i - 1));
    auto it = data.find(key);
    if (it != data.end()) out += it->is_string() ? it->get<std::string>() : it->dump();
    i = close + 1;
  }
  return out;
}

}  // namespace

json stdin_job_json(const run_record& run, const job_spec& job, const cronicle_options& options, int64_t now_ms) {
  job_view view;
  view.spec = job;
  view.phase = job.paused ? job_phase::paused : job_phase::active;
  const event_context events{options.group, options.default_timezone};
  const std::string hostname = options.hostname.empty() ? "localhost" : options.hostname;
  json shown = job_json(run, event_json(view, events), job.timeout_ms, hostname, now_ms);
  category_titles(options.categories ? options.categories(options.group) : std::vector<run_pool_spec>{}).show(shown);
  // Every run of a Cronicle job comes here (its stdin, its hooks): the group's Plugin documents
  // are copied and parsed only for a job of a custom Plugin (a stock id is never a custom one).
  if (options.documents && !find_plugin(string_in_place(shown, "plugin")))
    plugin_catalog(options.documents(options.group, std::string(k_plugin_kind))).show(shown);
  return shown;
}

run_input_formatter stdin_formatter(cronicle_options options) {
  return [options = std::move(options)](const run_record& run, const job_spec& job) {
    return stdin_job_json(run, job, options, to_unix_ms(now_ms())).dump() + "\n";
  };
}

json hook_json(std::string_view action, const run_record& run, const job_spec& job, const cronicle_options& options,
               int64_t now_ms) {
  json data = stdin_job_json(run, job, options, now_ms);
  data["action"] = std::string(action);
  data["base_app_url"] = options.base_app_url;
  data["job_details_url"] = options.base_app_url + "/#JobDetails?id=" + data["id"].get<std::string>();
  data["edit_event_url"] = options.base_app_url + "/#Schedule?sub=edit_event&id=" + job.id;
  const bool failed = data.contains("code") && data["code"] != 0;
  const std::string text = substitute(text_template(failed ? "job_failure" : action), data);
  data["text"] = data["content"] = data["message"] = text;
  return data;
}

run_hook_formatter hook_formatter(cronicle_options options) {
  return [options = std::move(options)](std::string_view action, const run_record& run, const job_spec& job) {
    return hook_json(action, run, job, options, to_unix_ms(now_ms())).dump();
  };
}

}  // namespace mainspring::http::cronicle
