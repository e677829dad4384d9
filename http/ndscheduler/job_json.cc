#include "http/ndscheduler/job_json.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cmath>
#include <optional>

#include "core/node_auth.h"
#include "core/rfc3339.h"
#include "core/schedule.h"
#include "http/dialect_data.h"
#include "http/ndscheduler/cron_fields.h"
#include "http/ndscheduler/job_classes.h"

namespace mainspring::http::ndscheduler {

namespace {

using nlohmann::ordered_json;

// The fields ndscheduler requires one of (its own list, in its order and spelling).
constexpr const char* k_required_one_of = "['month', 'day', 'hour', 'minute', 'day_of_week']";

status required(const char* field) { return status::invalid_argument(std::string("Require this parameter: ") + field); }

// A cron field's value as APScheduler takes it: a string, or a whole number.
status_or<std::optional<std::string>> cron_value(const ordered_json& object, const std::string& field) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return std::optional<std::string>();
  if (it->is_string()) return std::optional<std::string>(it->get<std::string>());
  if (it->is_number_integer()) return std::optional<std::string>(std::to_string(it->get<int64_t>()));
  return status::invalid_argument(field + ": must be a string or a whole number");
}

status read_cron_fields(const ordered_json& object, std::map<std::string, std::string>& out) {
  for (const char* field : k_cron_fields) {
    auto v = cron_value(object, field);
    if (!v.ok()) return v.status();
    if (*v) {
      if ((*v)->size() > k_max_cron_field_bytes)
        return status::invalid_argument(std::string(field) + ": longer than " + std::to_string(k_max_cron_field_bytes) +
                                        " bytes");
      out[field] = **v;
    }
  }
  return {};
}

bool has_one_of_required(const std::map<std::string, std::string>& cron) {
  for (const char* f : {"month", "day", "hour", "minute", "day_of_week"})
    if (cron.count(f)) return true;
  return false;
}

}  // namespace

status_or<nd_job> decode_job(const ordered_json& body) {
  nd_job job;
  for (const char* field : {"name", "job_class_string"})
    if (!body.contains(field)) return required(field);
  if (!body["name"].is_string()) return status::invalid_argument("name: must be a string");
  if (!body["job_class_string"].is_string()) return status::invalid_argument("job_class_string: must be a string");
  job.name = body["name"].get<std::string>();
  // ndscheduler checks only that the key is there; a job here needs a name, and "" is refused
  // with the same text as a missing one.
  if (job.name.empty()) return required("name");
  job.job_class_string = body["job_class_string"].get<std::string>();
  if (body.contains("pub_args") && !body["pub_args"].is_null()) {
    if (!body["pub_args"].is_array()) return status::invalid_argument("pub_args: must be a list");
    job.pub_args = body["pub_args"];
  }
  if (body.contains("trigger") && !body["trigger"].is_null()) {
    if (!body["trigger"].is_string()) return status::invalid_argument("trigger: must be \"cron\" or \"interval\"");
    job.trigger = body["trigger"].get<std::string>();
    if (job.trigger != "cron" && job.trigger != "interval")
      return status::invalid_argument("trigger: must be \"cron\" or \"interval\", got \"" + job.trigger.substr(0, 32) + "\"");
    const ordered_json params = body.value("trigger_params", ordered_json::object());
    if (!params.is_object()) return status::invalid_argument("trigger_params: must be an object");
    if (job.trigger == "interval") {
      auto it = params.find("interval");
      if (it == params.end()) return required("interval");
      // Seconds, as APScheduler's IntervalTrigger(seconds=...) takes them (2.5 included); under
      // one second is Mainspring's floor for any interval; a string fails in ndscheduler too.
      const double seconds = it->is_number() ? it->get<double>() : 0;
      if (!it->is_number() || !(seconds >= 1) || seconds > static_cast<double>(k_max_interval_s))
        return status::invalid_argument("interval: must be a number of seconds from 1 to " +
                                        std::to_string(k_max_interval_s) + " (fractions taken to the millisecond)");
      job.interval_ms = std::llround(seconds * 1000);
      job.interval_given = *it;
      return job;
    }
    if (auto st = read_cron_fields(params, job.cron); !st.ok()) return st;
  } else {
    if (auto st = read_cron_fields(body, job.cron); !st.ok()) return st;
  }
  if (!has_one_of_required(job.cron))
    return status::invalid_argument(std::string("Require at least one of following parameters: ") + k_required_one_of);
  return job;
}

status_or<job_spec> to_job_spec(const nd_job& job, const std::string& group, const std::string& id) {
  job_spec spec;
  spec.id = id;
  spec.group = group;
  spec.name = job.name;
  auto target = target_for_class(job.job_class_string, job.pub_args);
  if (!target.ok()) return target.status();
  spec.target = std::move(target).value();
  if (job.interval_ms) {
    spec.schedule = "@every " + std::to_string(*job.interval_ms) + "ms";
  } else {
    auto text = cron_schedule_text(job.cron);
    if (!text.ok()) return text.status();
    spec.schedule = std::move(text).value();
  }
  spec.exec_time_s = k_first_fire_by_schedule;  // APScheduler: the first fire is the schedule's
  if (std::holds_alternative<http_target>(spec.target)) spec.timeout_ms = k_curl_timeout_ms;
  // The section's own members by name, as a json wrote them before pub_args kept its order: a job
  // whose pub_args holds no object is kept as it was.
  ordered_json mine = ordered_json::object();
  if (!job.cron.empty()) mine["cron"] = job.cron;
  if (job.interval_ms) mine["interval"] = job.interval_given;
  mine["job_class_string"] = job.job_class_string;
  mine["pub_args"] = job.pub_args;
  if (!job.trigger.empty()) mine["trigger"] = job.trigger;
  spec.dialect_data = with_dialect_section("", k_dialect_name, mine);
  if (auto st = validate_job(spec); !st.ok()) return st;
  return spec;
}

ordered_json job_json(const job_view& view) {
  const job_spec& s = view.spec;
  ordered_json mine = ordered_dialect_section(s.dialect_data, k_dialect_name);
  ordered_json out = {{"job_id", s.id},
                      {"name", s.name},
                      {"next_run_time", view.next_fire_ms ? iso_time(*view.next_fire_ms) : ""},
                      {"job_class_string", mine.value("job_class_string", "")},
                      {"pub_args", mine.value("pub_args", ordered_json::array())}};
  // An interval job shows no cron strings: ndscheduler's interval variant gives only trigger and
  // trigger_params for it (the released server cannot show one at all).
  if (mine.contains("interval")) {
    out["trigger"] = "interval";
    out["trigger_params"] = {{"interval", mine["interval"]}};
  } else {
    std::map<std::string, std::string> given = mine.value("cron", std::map<std::string, std::string>{});
    for (const auto& [field, text] : apscheduler_strings(given)) out[field] = text;  // month .. minute
    out["trigger"] = "cron";
    ordered_json params = ordered_json::object();  // the document's order
    for (const char* f : {"month", "day_of_week", "day", "hour", "minute"}) params[f] = out.value(f, "*");
    out["trigger_params"] = params;
  }
  return out;
}

std::string new_job_id() { return random_nonce().substr(0, k_job_id_hex_digits); }

bool is_job_id(std::string_view id) {
  if (id.size() != k_job_id_hex_digits) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::optional<execution_ref> parse_execution_id(std::string_view text) {
  const auto dash = text.rfind('-');
  if (dash == std::string_view::npos) return std::nullopt;
  execution_ref ref{std::string(text.substr(0, dash)), 0};
  const std::string_view digits = text.substr(dash + 1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), ref.run_id);
  // Run ids start at 1; the largest has no run after it to search before.
  if (ec != std::errc{} || ref.run_id == 0 || ref.run_id == UINT64_MAX || !is_valid_job_id(ref.job_id))
    return std::nullopt;
  return ref;
}

std::string iso_time(int64_t unix_ms) {
  // isoformat(): microseconds only when non-zero; Mainspring keeps milliseconds.
  std::string text = format_rfc3339_utc(from_unix_ms(unix_ms), false);
  text.pop_back();  // the Z
  if (int64_t ms = ((unix_ms % 1000) + 1000) % 1000; ms != 0) {
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03lld000", static_cast<long long>(ms));
    text += frac;
  }
  return text + "+00:00";
}

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `text` in the one spelling parse_rfc3339 reads (YYYY-MM-DDTHH:MM:SS[.f](Z|+HH:MM)), from the
// ISO 8601 spellings dateutil's parser also reads: a blank for the T (str() of a datetime), the
// time cut after the hour or the minute (an HTML datetime-local gives "2026-12-03T06:40"), a date
// alone, an offset without its colon or its minutes (+0100, +01); no offset is UTC. nullopt when
// it is none of these.
std::optional<std::string> rfc3339_spelling(std::string_view text) {
  if (text.size() < 10) return std::nullopt;
  std::string out(text.substr(0, 10));
  if (text.size() == 10) return out + "T00:00:00Z";
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
  std::string_view rest = text.substr(11);
  const auto zone_at = rest.find_first_of("Zz+-");
  std::string_view clock = rest.substr(0, zone_at);
  std::string_view zone = zone_at == std::string_view::npos ? std::string_view("Z") : rest.substr(zone_at);
  // The clock: HH, HH:MM or HH:MM:SS[.fraction].
  const auto colons = std::count(clock.begin(), clock.end(), ':');
  if (colons == 0 && all_digits(clock) && clock.size() == 2) out += "T" + std::string(clock) + ":00:00";
  else if (colons == 1 && clock.size() == 5) out += "T" + std::string(clock) + ":00";
  else if (colons == 2) out += "T" + std::string(clock);
  else return std::nullopt;
  // The offset: Z, +HH, +HHMM or +HH:MM.
  if (zone == "Z" || zone == "z") return out + "Z";
  std::string_view digits = zone.substr(1);
  if (digits.size() == 2 && all_digits(digits)) return out + std::string(zone) + ":00";
  if (digits.size() == 4 && all_digits(digits)) return out + std::string(zone.substr(0, 3)) + ":" + std::string(digits.substr(2));
  return out + std::string(zone);
}

}  // namespace

status_or<int64_t> parse_iso_time(std::string_view text, std::string_view field) {
  auto spelled = rfc3339_spelling(text);
  auto parsed = spelled ? parse_rfc3339(*spelled) : std::nullopt;
  if (!parsed) return status::invalid_argument(std::string(field) + ": not an ISO 8601 time: \"" + std::string(text.substr(0, 64)) + "\"");
  return to_unix_ms(*parsed);
}

}  // namespace mainspring::http::ndscheduler
