#include "http/cloudtask/web_echo.h"

#include <algorithm>

#include "http/cloudtask/mongo_id.h"
#include "http/cloudtask/replies.h"
#include "http/json_body.h"

namespace mainspring::http::cloudtask {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// JavaScript's truthiness of a JSON value (absent reads as null).
bool truthy(const ordered_json& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0;
  if (v.is_string()) return !v.get_ref<const std::string&>().empty();
  return true;
}

// The rules as the job keeps them (`shown`, job_json's).
const json& stored_rules(const json& shown) {
  static const json k_none = json::array();
  auto it = shown.find("schedule");
  return it != shown.end() && it->is_array() ? *it : k_none;
}

// Gives each posted rule that `needs_id` the id its stored twin has (the rules are kept in the
// order posted).
template <class NeedsId>
void give_rule_ids(ordered_json& posted, const json& shown, NeedsId needs_id) {
  auto it = posted.find("schedule");
  if (it == posted.end() || !it->is_array()) return;
  const json& rules = stored_rules(shown);
  for (std::size_t i = 0; i < it->size() && i < rules.size(); ++i) {
    ordered_json& rule = (*it)[i];
    if (!rule.is_object() || !rules[i].contains("id")) continue;
    const ordered_json stored_id = ordered_json(rules[i]["id"]);
    const ordered_json sent = rule.contains("id") ? rule["id"] : ordered_json();
    if (needs_id(sent) || sent != stored_id) rule["id"] = stored_id;
  }
}

// Sets `key` to `value` as JavaScript assigns it: in place when the object has it, else last.
void assign(ordered_json& object, const std::string& key, const json& value) { object[key] = ordered_json(value); }

// A job's files, each {name, createat} in that order as changeInfo builds it (the section keeps
// keys sorted).
ordered_json files_in_web_order(const json& files) {
  ordered_json out = ordered_json::array();
  if (!files.is_array()) return out;
  for (const json& f : files) {
    ordered_json entry = ordered_json::object();
    if (f.is_object())
      for (const char* key : {"name", "createat"})
        if (f.contains(key)) entry[key] = ordered_json(f[key]);
    ordered_json rest(f);
    if (rest.is_object())
      for (auto& [key, value] : rest.items()) entry[key] = value;
    out.push_back(f.is_object() ? std::move(entry) : std::move(rest));
  }
  return out;
}

std::string envelope_text(ordered_json data) {
  ordered_json body = {{"code", k_web_ok}, {"message", k_successed}, {"data", std::move(data)}};
  return body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace

ordered_json posted_object(std::string_view body, const json& parsed) {
  for (const std::string& text : {std::string(body), strip_trailing_commas(body)}) {
    ordered_json posted = ordered_json::parse(text, nullptr, false, /*ignore_comments=*/true);
    if (posted.is_object()) return posted;
  }
  return ordered_json(parsed);
}

std::string created_job_text(ordered_json posted, const job_view& stored) {
  const json shown = job_json(stored, job_stat{});
  give_rule_ids(posted, shown, [](const ordered_json&) { return true; });  // the web sets every one
  assign(posted, "createat", shown.at("createat"));
  assign(posted, "editat", shown.at("createat"));  // one moment().format() for both
  // postJob.edituser = postJob.createuser: left out (undefined) when no createuser was sent.
  if (posted.contains("createuser")) posted["edituser"] = posted["createuser"];
  else posted.erase("edituser");
  assign(posted, "jobid", shown.at("jobid"));
  assign(posted, "files", json::array());
  assign(posted, "stat", k_state_realloc);  // stored waiting for the center to place it
  // The driver's _id; one sent (a job read back and posted again) would fail the web's insert as a
  // duplicate key, and is the new document's here.
  assign(posted, std::string(k_mongo_id_key), shown.at(std::string(k_mongo_id_key)));
  return envelope_text(std::move(posted));
}

std::string updated_job_text(ordered_json posted, const job_view& stored, const job_stat& placement) {
  const json shown = job_json(stored, placement);
  const bool enabled = shown.at("enabled") == 1;
  assign(posted, "createat", shown.at("createat"));
  // The stored creator; a job stored without one leaves it undefined, out of the answer.
  if (const std::string creator = shown.at("createuser"); !creator.empty()) posted["createuser"] = creator;
  else posted.erase("createuser");
  assign(posted, "stat", shown.at("stat"));
  assign(posted, "editat", shown.at("editat"));
  posted["files"] = files_in_web_order(shown.at("files"));
  assign(posted, "execat", shown.at("execat"));
  assign(posted, "nextat", shown.at("nextat"));
  assign(posted, "execerr", shown.at("execerr"));
  const auto schedule = posted.find("schedule");
  if (schedule != posted.end() && schedule->is_array() && schedule->empty()) posted["nextat"] = k_zero_time;
  else give_rule_ids(posted, shown, [](const ordered_json& id) { return !truthy(id); });
  if (!enabled) {
    posted["nextat"] = k_zero_time;
    posted["stat"] = k_state_stopped;
  }
  return envelope_text(std::move(posted));
}

json file_history(const json& files, const std::string& old_filename, const std::string& new_filename, int64_t now_ms) {
  json out = files.is_array() ? files : json::array();
  if (old_filename == new_filename) return out;
  auto named = [](const std::string& name) {
    return [&name](const json& f) { return f.is_object() && f.value("name", json()) == name; };
  };
  if (!old_filename.empty() && std::none_of(out.begin(), out.end(), named(old_filename)))
    out.push_back(json{{"name", old_filename}, {"createat", now_ms}});
  if (auto at = std::find_if(out.begin(), out.end(), named(new_filename)); at != out.end()) out.erase(at);
  auto created = [](const json& f) {
    return f.is_object() && f.contains("createat") && f["createat"].is_number() ? f["createat"].get<double>() : 0.0;
  };
  std::stable_sort(out.begin(), out.end(), [&](const json& a, const json& b) { return created(a) > created(b); });
  if (out.size() > k_max_file_history) out.erase(out.begin() + k_max_file_history, out.end());
  return out;
}

}  // namespace mainspring::http::cloudtask
