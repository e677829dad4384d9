#include "http/dkron/job_json.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "core/fire_plan.h"
#include "core/go_duration.h"
#include "core/go_json_scan.h"
#include "core/go_time_parse.h"
#include "core/rfc3339.h"
#include "core/robfig_cron.h"
#include "core/schedule.h"
#include "core/time_zone.h"
#include "core/utf8.h"
#include "http/dialect_data.h"
#include "http/dkron/dkron_dialect.h"  // k_whole_output
#include "http/dkron/executor_config.h"
#include "http/go_json.h"
#include "http/handler_kit.h"
#include "http/json_body.h"

namespace mainspring::http::dkron {

namespace {

using nlohmann::json;

// The instants Go's Time.MarshalJSON writes in UTC, as Dkron's store gives a time back: the
// years 0000 to 9999 (0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z).
constexpr int64_t k_min_go_json_time_ms = -62'167'219'200'000;
constexpr int64_t k_max_go_json_time_ms = k_max_exec_time_s * 1000 + 999;

// Tags and processors are Dkron's alone; bounded like the core's metadata.
constexpr std::size_t k_max_tags = k_max_metadata_entries;
constexpr std::size_t k_max_executor_config_entries = 64;

status_or<std::string> text_field(const json& body, std::string_view name) {
  std::optional<std::string> value;
  MS_ASSIGN_OR_RETURN(value, string_field(body, name));
  return value.value_or("");
}

status_or<bool> flag_field(const json& body, std::string_view name) {
  std::optional<bool> value;
  MS_ASSIGN_OR_RETURN(value, bool_field(body, name));
  return value.value_or(false);
}

status_or<std::map<std::string, std::string>> map_field(const json& body, std::string_view name,
                                                        std::size_t max_entries) {
  std::optional<std::map<std::string, std::string>> value;
  MS_ASSIGN_OR_RETURN(value, string_map_field(body, name, max_entries));
  return value.value_or(std::map<std::string, std::string>{});
}

// A time as Dkron's ntime.NullableTime reads one: RFC 3339, else the HTML datetime-local form
// "2006-01-02T15:04" (what Dkron's UI sends), taken as UTC.
// A time as Dkron's ntime.NullableTime reads one from JSON: RFC 3339 as Go's Time.UnmarshalJSON
// reads it, else the HTML datetime-local form (UTC); when neither, the RFC 3339 error, in Go's
// words.
status_or<sys_ms> dkron_time(const json& value) {
  if (!value.is_string()) return status::invalid_argument("Time.UnmarshalJSON: input is not a JSON string");
  const auto& text = value.get_ref<const std::string&>();
  auto t = parse_go_json_time(text);
  if (t.ok()) return t;
  if (auto local = parse_go_time(k_go_datetime_local, text); local.ok()) return local;
  return t.status();
}

// A field of NullableTime: none when absent or null.
status_or<std::optional<int64_t>> time_field(const json& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<int64_t>();
  auto t = dkron_time(*it);
  if (!t.ok()) return t.status();
  return std::optional<int64_t>(to_unix_ms(*t));
}

// Go's encoding/json refusing `value` for the Job field `field`, whose Go type is `go_type` (Go
// names the struct field, not the map key, wherever in it the value is). A number that does not
// fit its integer type is named with its text ("number -1").
status go_type_error(std::string_view field, const json& value, std::string_view go_type) {
  std::string kind = go_json_kind(value);
  if (value.is_number() && (go_type == "int" || go_type == "uint")) kind += " " + value.dump();
  return status::invalid_argument("json: cannot unmarshal " + kind + " into Go struct field Job." + std::string(field) +
                                  " of type " + std::string(go_type));
}

// Dkron's processors are a map[string]plugin.Config, plugin.Config a map[string]string; null is
// an empty map or string to Go, as everywhere in it.
status check_processors(const json& processors) {
  if (!processors.is_object()) return go_type_error("processors", processors, "map[string]plugin.Config");
  for (const auto& [name, config] : processors.items()) {
    if (config.is_null()) continue;
    if (!config.is_object()) return go_type_error("processors", config, "plugin.Config");
    for (const auto& [key, value] : config.items())
      if (!value.is_null() && !value.is_string()) return go_type_error("processors", value, "string");
  }
  return {};
}

// A value Go's encoding/json would refuse for one of Dkron's typed Job fields (dkron/job.go),
// in its words: "json: cannot unmarshal number into Go struct field Job.name of type string".
// null is no error (Go leaves the field as it is). The time fields keep Mainspring's words.
status check_go_types(const json& body) {
  enum class go { string, boolean, integer, unsigned_integer, string_map, string_list };
  static const std::pair<const char*, go> k_fields[] = {
      {"id", go::string},           {"name", go::string},          {"displayname", go::string},
      {"timezone", go::string},     {"schedule", go::string},      {"owner", go::string},
      {"owner_email", go::string},  {"success_count", go::integer}, {"error_count", go::integer},
      {"disabled", go::boolean},    {"tags", go::string_map},      {"metadata", go::string_map},
      {"retries", go::unsigned_integer}, {"dependent_jobs", go::string_list}, {"parent_job", go::string},
      {"concurrency", go::string},  {"executor", go::string},      {"executor_config", go::string_map},
      {"status", go::string},       {"ephemeral", go::boolean}};
  for (const auto& [field, type] : k_fields) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) continue;
    const json& v = *it;
    switch (type) {
      case go::string:
        if (!v.is_string()) return go_type_error(field, v, "string");
        break;
      case go::boolean:
        if (!v.is_boolean()) return go_type_error(field, v, "bool");
        break;
      case go::integer:
        if (!v.is_number_integer()) return go_type_error(field, v, "int");
        break;
      case go::unsigned_integer:
        if (!v.is_number_integer() || (v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() < 0))
          return go_type_error(field, v, "uint");
        break;
      case go::string_map: {
        const std::string_view map_type =
            std::string_view(field) == "executor_config" ? "plugin.ExecutorPluginConfig" : "map[string]string";
        if (!v.is_object()) return go_type_error(field, v, map_type);
        for (const auto& [key, value] : v.items())
          if (!value.is_null() && !value.is_string()) return go_type_error(field, value, "string");
        break;
      }
      case go::string_list:
        if (!v.is_array()) return go_type_error(field, v, "[]string");
        for (const auto& value : v)
          if (!value.is_null() && !value.is_string()) return go_type_error(field, value, "string");
        break;
    }
  }
  return {};
}

// The Dkron fields of a job as it keeps them (`section`) within k_max_dkron_fields_bytes, or an
// error naming the field that takes the most room: the client's name for it, not the core's.
status check_fields_size(const json& section) {
  std::size_t total = section.dump().size();
  if (total <= k_max_dkron_fields_bytes) return {};
  std::string largest;
  std::size_t largest_bytes = 0;
  for (const auto& [field, value] : section.items())
    if (std::size_t bytes = value.dump().size(); bytes > largest_bytes) {
      largest = field;
      largest_bytes = bytes;
    }
  return status::invalid_argument(largest + " is too long (the job's displayname, owner, tags, processors, executor "
                                  "config and the like take " + std::to_string(total) + " bytes, at most " +
                                  std::to_string(k_max_dkron_fields_bytes) + ")");
}

// A byte that starts no UTF-8 character, escaped as Go quotes one: \xC3.
std::string byte_escape(unsigned char byte) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  return std::string{'\\', 'x', k_hex[byte >> 4], k_hex[byte & 0xf]};
}

// Go's time.LoadLocation refusing `name`, in its words: a name holding ".." or starting with a
// slash or backslash is "time: invalid location name" before any lookup; any other name not
// found is "unknown time zone NAME". "", "UTC" and "Local" are always found (callers handle them).
std::string go_location_error(const std::string& name) {
  if (name.find("..") != std::string::npos || name.starts_with("/") || name.starts_with("\\"))
    return "time: invalid location name";
  return "unknown time zone " + name;
}

// Dkron's Job.scheduleHash: each `~` in a cron field becomes a number derived from the job's
// name (the sum of its characters), taken modulo the field's range, so that jobs spread out.
std::string schedule_hash(const std::string& name, const std::string& spec) {
  if (spec.find('~') == std::string::npos) return spec;
  int hash = 0;
  for (unsigned char c : name) hash += c;  // names are ASCII slugs: bytes are runes
  std::vector<std::string> parts;
  for (std::size_t from = 0;;) {  // strings.Split on single spaces, as Dkron splits
    std::size_t at = spec.find(' ', from);
    parts.push_back(spec.substr(from, at == std::string::npos ? std::string::npos : at - from));
    if (at == std::string::npos) break;
    from = at + 1;
  }
  int index = 0;
  for (auto& part : parts) {
    if (part.starts_with("@")) return spec;
    if (part.starts_with("TZ=") || part.starts_with("CRON_TZ=")) continue;
    if (part.find('~') != std::string::npos) {
      const int value = index == 2 ? hash % 24 : index == 3 ? hash % 28 + 1 : index == 4 ? hash % 12 + 1
                      : index == 5 ? hash % 7 : hash % 60;
      for (std::size_t at; (at = part.find('~')) != std::string::npos;) part.replace(at, 1, std::to_string(value));
    }
    ++index;
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? " " : "") + parts[i];
  return out;
}

}  // namespace

std::string go_time_text(sys_ms t) {
  std::string text = format_rfc3339_utc(t);  // "...:05.250Z", or "...:05Z" without a fraction
  if (text.find('.') == std::string::npos) return text;
  text.pop_back();
  while (text.back() == '0') text.pop_back();  // a fraction of zeros is never written
  return text + 'Z';
}

status_or<core_schedule_of_dkron> read_dkron_schedule(const std::string& name, const std::string& schedule) {
  if (schedule.empty()) return core_schedule_of_dkron{"@manually", ""};
  std::string spec = schedule_hash(name, schedule);
  core_schedule_of_dkron out;
  // extcron's own descriptors, matched on the whole text before robfig sees it (so never after a
  // TZ= prefix): @manually, @minutely and "@at " with a time as Go's time.Parse(time.RFC3339)
  // reads it.
  if (spec == "@manually" || spec == "@minutely") return core_schedule_of_dkron{spec, ""};
  if (spec.starts_with("@at ")) {
    auto at = parse_go_time(k_go_rfc3339, std::string_view(spec).substr(4));
    if (!at.ok()) return status::invalid_argument("failed to parse date " + spec + ": " + at.status().message());
    // Any time before 1970 has passed, as that one has: the core's @at counts from 1970.
    const sys_ms when = std::max(*at, from_unix_ms(0));
    return core_schedule_of_dkron{"@at " + format_rfc3339_utc(when), ""};
  }
  // robfig/cron v3's Parse: a TZ= or CRON_TZ= prefix names the zone of this schedule.
  if (spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=")) {
    const std::size_t eq = spec.find('='), space = spec.find(' ');
    out.zone = spec.substr(eq + 1, space == std::string::npos ? std::string::npos : space - eq - 1);
    if (space == std::string::npos || !time_zone::find(out.zone).ok())
      return status::invalid_argument("provided bad location " + out.zone + ": " + go_location_error(out.zone));
    spec = spec.substr(space);
    spec.erase(0, spec.find_first_not_of(" \t"));
  }
  if (spec.starts_with("@")) {
    // robfig's parseDescriptor matches the whole text.
    static constexpr std::string_view k_exact[] = {"@yearly", "@annually", "@monthly", "@weekly",
                                                   "@daily",  "@midnight", "@hourly"};
    if (std::find(std::begin(k_exact), std::end(k_exact), spec) != std::end(k_exact)) {
      out.core = spec;
    } else if (spec.starts_with("@every ")) {
      auto d = parse_go_duration(spec.substr(7));
      if (!d.ok()) return status::invalid_argument("failed to parse duration " + spec + ": time: " + d.status().message());
      // robfig's Every rounds an interval under a second (zero and negative ones too) up to one,
      // and drops the fraction of a second of any other: "@every 2.7s" fires every 2 s.
      const auto whole = std::chrono::floor<std::chrono::seconds>(*d);
      out.core = whole < std::chrono::seconds(1) ? std::string("@every 1s")
                 : whole != *d                   ? "@every " + std::to_string(whole.count()) + "s"
                                                 : spec;
    } else {
      return status::invalid_argument("unrecognized descriptor: " + spec);
    }
    return out;
  }
  auto fields = robfig_fields_to_core(spec);
  if (!fields.ok()) return fields.status();
  out.core = std::move(fields).value();
  return out;
}

namespace {

std::string time_or_zero(int64_t ms) {
  return ms == 0 ? std::string(k_go_zero_time) : go_time_text(from_unix_ms(ms));
}

json time_or_null(int64_t ms) { return ms == 0 ? json(nullptr) : json(go_time_text(from_unix_ms(ms))); }

// "success", "failed", "partially_failed", "running", or "" before the first run (Dkron's job
// status). Dkron's Store.computeStatus counts the executions of the last run's group, its
// retries included: a success after a failed attempt is "partially_failed" (a retry follows only
// a failure, so a successful attempt past the first had one before it).
std::string status_of(const job_view& job) {
  if (job.running > 0) return "running";
  if (!job.last_run) return "";
  if (job.last_run->state != run_state::succeeded) return "failed";
  return job.last_run->attempt > 0 ? "partially_failed" : "success";
}

json object_or_empty(const json& section, const char* key) {
  auto it = section.find(key);
  return it != section.end() && it->is_object() ? *it : json::object();
}

// A map[string]string as Dkron answers it from its store, which keeps a job as protobuf's Go
// struct in JSON (omitempty): an empty map is not written, reads back nil and shows as null.
json map_or_null(json map) { return map.is_object() && !map.empty() ? map : json(nullptr); }

// Dkron's processors as its NewJobFromProto gives them: always a map, each plugin's config a map
// too ({} for one stored without entries or sent as null).
json processors_of(const json& section) {
  json out = object_or_empty(section, "processors");
  for (auto& [plugin, config] : out.items())
    if (!config.is_object()) config = json::object();
  return out;
}

std::string text_of(const json& section, const char* key, const std::string& fallback = "") {
  auto it = section.find(key);
  return it != section.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace

nlohmann::json go_job_fields(const std::vector<std::pair<std::string, nlohmann::json>>& members) {
  // How Go's decoder sets each of Dkron's Job fields (dkron/job.go), with the 0.x fields this
  // dialect also reads (command, run_as_user).
  enum class set { scalar, string_map, processors, value };
  static const std::pair<std::string_view, set> k_fields[] = {
      {"id", set::scalar},           {"name", set::scalar},           {"displayname", set::scalar},
      {"timezone", set::scalar},     {"schedule", set::scalar},       {"owner", set::scalar},
      {"owner_email", set::scalar},  {"success_count", set::scalar},  {"error_count", set::scalar},
      {"last_success", set::value},  {"last_error", set::value},      {"disabled", set::scalar},
      {"tags", set::string_map},     {"metadata", set::string_map},   {"retries", set::scalar},
      {"dependent_jobs", set::value}, {"parent_job", set::scalar},    {"processors", set::processors},
      {"concurrency", set::scalar},  {"executor", set::scalar},       {"executor_config", set::string_map},
      {"status", set::scalar},       {"next", set::value},            {"ephemeral", set::scalar},
      {"starts_at", set::value},     {"expires_at", set::value},      {"command", set::scalar},
      {"run_as_user", set::scalar}};
  auto field_of = [](const std::string& key) -> const std::pair<std::string_view, set>* {
    for (const auto& f : k_fields)
      if (key == f.first) return &f;
    for (const auto& f : k_fields)
      if (go_json_key_folds_to(key, f.first)) return &f;
    return nullptr;
  };
  // Go stores a null in a map[string]string as "" (other values are left for check_go_types).
  auto nulls_as_empty = [](json object) {
    for (auto& [key, value] : object.items())
      if (value.is_null()) value = "";
    return object;
  };
  json out = json::object();
  for (const auto& [key, value] : members) {
    const auto* field = field_of(key);
    if (!field) {
      out[key] = value;
      continue;
    }
    const std::string name(field->first);
    if (field->second == set::scalar && value.is_null()) continue;
    if ((field->second == set::string_map || field->second == set::processors) && value.is_object()) {
      json given = value;
      if (field->second == set::string_map) given = nulls_as_empty(std::move(given));
      else
        for (auto& [plugin, config] : given.items())
          if (config.is_object()) config = nulls_as_empty(std::move(config));
      if (out.contains(name) && out[name].is_object()) out[name].update(given);
      else out[name] = std::move(given);
      continue;
    }
    out[name] = value;
  }
  return out;
}

status_or<dkron_job> decode_job(const nlohmann::json& sent) {
  std::vector<std::pair<std::string, json>> members;
  for (const auto& [key, value] : sent.items()) members.emplace_back(key, value);
  const json body = go_job_fields(members);
  // Dkron's time fields are read by their UnmarshalJSON (time.Time's for next, NullableTime's for
  // the others, which also takes the datetime-local form): Go's decoder stops at the first error
  // one returns, before the type errors it saves for the end. Only starts_at and expires_at are
  // kept; a bad value of the computed ones is refused all the same.
  for (const char* field : {"last_success", "last_error", "next", "starts_at", "expires_at"}) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) continue;
    status st = std::string_view(field) != "next" ? dkron_time(*it).status()
                : it->is_string()                 ? parse_go_json_time(it->get_ref<const std::string&>()).status()
                                                  : status::invalid_argument("Time.UnmarshalJSON: input is not a JSON string");
    if (!st.ok()) return st;
  }
  if (auto st = check_go_types(body); !st.ok()) return st;
  dkron_job j;
  for (auto [field, out] : {std::pair{"name", &j.name}, std::pair{"displayname", &j.displayname},
                            std::pair{"schedule", &j.schedule}, std::pair{"timezone", &j.timezone},
                            std::pair{"owner", &j.owner}, std::pair{"owner_email", &j.owner_email},
                            std::pair{"concurrency", &j.concurrency}, std::pair{"executor", &j.executor},
                            std::pair{"command", &j.command}, std::pair{"parent_job", &j.parent_job},
                            std::pair{"run_as_user", &j.run_as_user}})
    MS_ASSIGN_OR_RETURN(*out, text_field(body, field));
  MS_ASSIGN_OR_RETURN(j.disabled, flag_field(body, "disabled"));
  MS_ASSIGN_OR_RETURN(j.ephemeral, flag_field(body, "ephemeral"));
  std::optional<int64_t> retries;
  MS_ASSIGN_OR_RETURN(retries, integer_field(body, "retries"));
  if (retries && *retries < 0) return status::invalid_argument("retries: must not be negative");
  j.retries = retries.value_or(0);
  MS_ASSIGN_OR_RETURN(j.tags, map_field(body, "tags", k_max_tags));
  MS_ASSIGN_OR_RETURN(j.metadata, map_field(body, "metadata", k_max_metadata_entries));
  MS_ASSIGN_OR_RETURN(j.executor_config, map_field(body, "executor_config", k_max_executor_config_entries));
  MS_ASSIGN_OR_RETURN(j.expires_at_ms, time_field(body, "expires_at"));
  if (auto it = body.find("starts_at"); it != body.end() && !it->is_null()) {
    auto t = dkron_time(*it);
    if (!t.ok()) return t.status();
    // Dkron takes "0000-01-01T00:00:00+01:00", then fails every GET of the job (a 500: Go's
    // MarshalJSON writes no year before 0000 in UTC): refused here, in those words.
    if (to_unix_ms(*t) < k_min_go_json_time_ms || to_unix_ms(*t) > k_max_go_json_time_ms)
      return status::invalid_argument("starts_at: Time.MarshalJSON: year outside of range [0,9999] in UTC");
    // Kept as Dkron's store gives it back: in UTC, as Go writes a time (to the millisecond here).
    j.starts_at = go_time_text(*t);
  }
  if (auto it = body.find("processors"); it != body.end() && !it->is_null()) {
    if (auto st = check_processors(*it); !st.ok()) return st;
    j.processors = *it;
  }
  return j;
}

std::string illegal_name_character(const std::string& name) {
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') continue;
    // The whole character, never a part of one: the message must stay valid UTF-8.
    if (std::size_t n = utf8_sequence(name, i); n != 0) return name.substr(i, n);
    return byte_escape(static_cast<unsigned char>(c));
  }
  return "";
}

status_or<job_spec> to_job_spec(const dkron_job& job, const std::string& group) {
  // Dkron's Job.Validate, in its order.
  if (job.name.empty()) return status::invalid_argument("name cannot be empty");
  if (auto c = illegal_name_character(job.name); !c.empty())
    return status::invalid_argument("name contains illegal character '" + c + "'");
  // Mainspring's limits, which Dkron has not: a name is a job id (bounded in the core's keys and
  // indexes), said in Dkron's manner rather than as the core's pattern for every dialect's ids.
  // After the character check the name is ASCII: its bytes are its characters.
  if (job.name.size() > k_max_job_id_bytes)
    return status::invalid_argument("name is longer than " + std::to_string(k_max_job_id_bytes) +
                                    " characters, the longest job name Mainspring keeps");
  if (job.parent_job == job.name) return status::invalid_argument("the job can not have itself as parent");
  auto schedule = read_dkron_schedule(job.name, job.schedule);
  if (!job.schedule.empty() || job.parent_job.empty()) {
    if (job.schedule.empty()) return status::invalid_argument("can't parse job schedule: empty spec string");
    if (!schedule.ok()) return status::invalid_argument("can't parse job schedule: " + schedule.status().message());
    if (auto s = parse_schedule(schedule->core, ""); !s.ok())
      return status::invalid_argument("can't parse job schedule: " + s.status().message());
  }
  if (!job.concurrency.empty() && job.concurrency != "allow" && job.concurrency != "forbid")
    return status::invalid_argument(R"(invalid concurrency policy value, use "allow" or "forbid")");
  // Go's time.LoadLocation takes "Local", the machine's zone: here the server's default zone.
  const bool local = job.timezone == "Local";
  if (!job.timezone.empty() && !local)
    if (auto z = time_zone::find(job.timezone); !z.ok())
      return status::invalid_argument(go_location_error(job.timezone));
  // The core runs at most k_max_retries retries of a run (each may be long): Dkron has no limit.
  if (job.retries > k_max_retries)
    return status::invalid_argument("retries is " + std::to_string(job.retries) + ", above " +
                                    std::to_string(k_max_retries) + ", the most retries Mainspring runs");
  auto target = target_from_dkron(job.executor, job.executor_config, job.command);
  if (!target.ok()) return target.status();

  job_spec spec;
  spec.group = group;
  spec.id = job.name;
  spec.name = job.name;
  // Dkron's Scheduler.AddJob never puts a job with a parent in its cron: a child runs after its
  // parent only, whatever its schedule (still checked above, and shown as sent) says.
  spec.schedule = job.parent_job.empty() ? schedule->core : std::string("@manually");
  // A zone in the schedule wins over the job's (Dkron adds CRON_TZ= only to a schedule without one).
  spec.timezone = !schedule->zone.empty() ? schedule->zone : local ? std::string() : job.timezone;
  spec.target = std::move(target->target);
  spec.timeout_ms = target->timeout_ms;
  spec.controls.memory_limit_bytes = target->memory_limit_bytes;  // Dkron kills at the first sample over
  // Dkron's shell executor adds ENV_JOB_NAME to the command's environment.
  if (auto* shell = std::get_if<shell_target>(&spec.target)) {
    std::erase_if(shell->env, [](const auto& v) { return v.first == "ENV_JOB_NAME"; });
    shell->env.emplace_back("ENV_JOB_NAME", job.name);
  }
  spec.retries = static_cast<int>(job.retries);
  spec.concurrency = job.concurrency == "forbid" ? concurrency_policy::forbid : concurrency_policy::allow;
  spec.metadata = job.metadata;
  spec.parent_job = job.parent_job;
  spec.ephemeral = job.ephemeral;
  // The core counts time from 1970 (an expires_at of 0 is none). Dkron takes an earlier one, a job
  // that never runs; refused here in those terms rather than the core's.
  if (job.expires_at_ms && *job.expires_at_ms <= 0)
    return status::invalid_argument("expires_at: must be after 1970-01-01T00:00:00Z (an earlier one would never let the job run)");
  spec.expires_at_ms = job.expires_at_ms.value_or(0);
  spec.paused = job.disabled;
  json section{{"displayname", job.displayname}, {"owner", job.owner}, {"owner_email", job.owner_email},
               {"tags", job.tags}, {"executor", job.executor}, {"executor_config", job.executor_config},
               {"schedule", job.schedule}};
  if (!schedule->zone.empty() || local) section["timezone"] = job.timezone;  // shown as sent
  if (!job.processors.is_null()) section["processors"] = job.processors;
  if (!job.run_as_user.empty()) section["run_as_user"] = job.run_as_user;
  if (!job.starts_at.is_null()) section["starts_at"] = job.starts_at;
  if (!job.command.empty()) section["command"] = job.command;
  if (auto st = check_fields_size(section); !st.ok()) return st;
  spec.dialect_data = with_dialect_section("", k_dialect_name, section);
  if (auto st = validate_job(spec); !st.ok())
    return renamed_field(st, {{"job_id", "name"}, {"interval_pattern", "schedule"},
                              {"exec_command", "executor_config"}, {"request_url", "executor_config"},
                              {"timeout", "executor_config"}, {"expires_at", "expires_at"}});
  return spec;
}

int64_t first_exec_time_s(const job_spec& spec, std::string_view default_zone, int64_t now_ms) {
  json section = dialect_section(spec.dialect_data, k_dialect_name);
  auto it = section.find("starts_at");
  return first_exec_time_s(spec, it == section.end() ? json(nullptr) : *it, default_zone, now_ms);
}

namespace {

// The start of a job with no starts_at ahead: its schedule's next fire, except that an interval
// starts at robfig's Every.Next(now), now cut to its whole second plus the interval (the core's
// own next fire of an interval keeps now's milliseconds).
int64_t start_by_schedule_s(const job_spec& spec, int64_t now_ms) {
  auto sched = parse_schedule(spec.schedule, "");
  if (!sched.ok() || sched->get_kind() != schedule::kind::every) return k_first_fire_by_schedule;
  const int64_t interval_s = std::chrono::ceil<std::chrono::seconds>(sched->interval()).count();
  return std::chrono::floor<std::chrono::seconds>(std::chrono::milliseconds(now_ms)).count() + interval_s;
}

}  // namespace

int64_t first_exec_time_s(const job_spec& spec, const json& starts_at, std::string_view default_zone,
                          int64_t now_ms) {
  if (!starts_at.is_string()) return start_by_schedule_s(spec, now_ms);
  auto starts = parse_rfc3339(starts_at.get_ref<const std::string&>());
  if (!starts || to_unix_ms(*starts) <= now_ms) return start_by_schedule_s(spec, now_ms);
  auto sched = parse_schedule(spec.schedule, "");
  auto zone = time_zone::find(spec.timezone.empty() ? default_zone : std::string_view(spec.timezone));
  if (!sched.ok() || !zone.ok()) return k_first_fire_by_schedule;  // validated before: cannot happen
  auto first = first_fire_not_before(*sched, *zone, to_unix_ms(*starts));
  if (!first) return k_max_exec_time_s;
  return (*first + 999) / 1000;  // whole seconds, not before it
}

int64_t shown_next_ms(const job_view& job, std::string_view default_zone, int64_t now_ms) {
  if (job.phase != job_phase::paused) return job.next_fire_ms.value_or(0);
  const job_spec& s = job.spec;
  auto sched = parse_schedule(s.schedule, "");
  auto zone = time_zone::find(s.timezone.empty() ? default_zone : std::string_view(s.timezone));
  if (!sched.ok() || !zone.ok()) return 0;  // validated when written: cannot happen
  auto first = first_fire(*sched, *zone, first_exec_time_s(s, default_zone, now_ms), now_ms);
  return before_expiry(first, s.expires_at_ms).value_or(0);
}

nlohmann::json job_json(const job_view& job, const std::vector<std::string>& dependents,
                        std::string_view default_zone, int64_t now_ms) {
  const job_spec& s = job.spec;
  json section = dialect_section(s.dialect_data, k_dialect_name);
  // A job Dkron clients wrote shows its executor as they sent it; others show what it runs.
  bool own = section.contains("executor_config");
  json deps = dependents.empty() ? json(nullptr) : json(dependents);
  json out{{"id", s.id},
           {"name", s.id},
           {"displayname", text_of(section, "displayname")},
           {"timezone", own ? text_of(section, "timezone", s.timezone) : s.timezone},
           {"schedule", own ? text_of(section, "schedule", s.schedule) : s.schedule},
           {"owner", text_of(section, "owner")},
           {"owner_email", text_of(section, "owner_email")},
           {"success_count", job.successes},
           {"error_count", job.failures},
           {"last_success", time_or_null(job.last_success_ms)},
           {"last_error", time_or_null(job.last_error_ms)},
           {"disabled", job.phase == job_phase::paused},
           {"tags", map_or_null(object_or_empty(section, "tags"))},
           {"metadata", map_or_null(json(s.metadata))},
           {"retries", s.retries},
           {"dependent_jobs", deps},
           {"parent_job", s.parent_job},
           {"processors", processors_of(section)},
           {"concurrency", concurrency_policy_name(s.concurrency)},
           {"executor", own ? text_of(section, "executor") : dkron_executor_of(s.target)},
           {"executor_config", map_or_null(own ? object_or_empty(section, "executor_config")
                                               : json(dkron_config_of(s.target, s.timeout_ms)))},
           {"status", status_of(job)},
           {"next", time_or_zero(shown_next_ms(job, default_zone, now_ms))},
           {"ephemeral", s.ephemeral},
           {"starts_at", section.contains("starts_at") ? section["starts_at"] : json(nullptr)},
           {"expires_at", time_or_null(s.expires_at_ms)}};
  if (section.contains("command")) out["command"] = section["command"];
  if (section.contains("run_as_user")) out["run_as_user"] = section["run_as_user"];
  return out;
}

nlohmann::json sort_key(const nlohmann::json& job, const std::string& field) {
  static const char* k_sortable[] = {"name",         "displayname", "schedule",    "success_count",
                                     "error_count",  "last_success", "last_error", "next",
                                     "status",       "owner",        "timezone",   "parent_job",
                                     "executor",     "concurrency",  "retries",    "disabled"};
  for (const char* f : k_sortable)
    if (field == f && job.contains(f)) return job[f].is_null() ? json("") : job[f];
  return job["name"];
}

namespace {

// gjson's stringLessInsensitive: byte by byte with A-Z read as a-z, a prefix before the longer.
bool less_ignoring_ascii_case(const std::string& a, const std::string& b) {
  auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; };
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return lower(a[i]) < lower(b[i]);
  return a.size() < b.size();
}

bool key_less(const json& a, const json& b) {
  if (a.is_string() && b.is_string())
    return less_ignoring_ascii_case(a.get_ref<const std::string&>(), b.get_ref<const std::string&>());
  return a < b;
}

}  // namespace

bool sorted_before(const nlohmann::json& a, const nlohmann::json& b, const std::string& field) {
  const json ka = sort_key(a, field), kb = sort_key(b, field);
  if (key_less(ka, kb)) return true;
  if (key_less(kb, ka)) return false;
  return a["name"] < b["name"];
}

}  // namespace mainspring::http::dkron

namespace mainspring::http::dkron {

nlohmann::json execution_json(const run_record& run, const std::string& node_name, std::size_t max_output_bytes) {
  std::string output = run.output_tail;
  if (!run.error.empty() && run.state != run_state::succeeded) output += (output.empty() ? "" : "\n") + run.error;
  // A runner keeps the last k_max_output_tail_bytes of a run's output and drops what came
  // before, so a stored output of that size is a cut tail (it may start mid-line). The run
  // record keeps no flag of its own: an output of exactly that size, nothing dropped, shows as
  // cut too.
  bool truncated = run.output_tail.size() >= k_max_output_tail_bytes || output.size() > max_output_bytes;
  if (output.size() > max_output_bytes) output.erase(0, output.size() - max_output_bytes);
  nlohmann::json out{{"id", std::to_string(run.run_id)},
                        {"job_name", run.job_id},
                        {"started_at", go_time_text(from_unix_ms(run.start_ms))},
                        {"finished_at", run.end_ms == 0 ? std::string(k_go_zero_time)
                                                        : go_time_text(from_unix_ms(run.end_ms))},
                        {"success", run.state == run_state::succeeded},
                        {"output", output},
                        {"node_name", run.node.empty() ? node_name : run.node},
                        {"group", run.plan_ms * 1'000'000},
                        {"attempt", run.attempt + 1},
                        {"output_truncated", truncated}};
  if (out["output"] == "") out.erase("output");  // Dkron's `json:"output,omitempty"`
  return out;
}

nlohmann::json stored_execution_json(const run_record& run, const std::string& node_name) {
  nlohmann::json out = execution_json(run, node_name, k_whole_output);
  out.erase("output_truncated");
  return out;
}

nlohmann::json document_execution_json(const run_record& run, const std::string& node_name) {
  nlohmann::json today = execution_json(run, node_name, k_whole_output);
  nlohmann::json out = nlohmann::json::object();
  for (const char* field : {"job_name", "started_at", "finished_at", "success", "output", "node_name"})
    out[field] = today.value(field, nlohmann::json(""));  // the document shows an empty output too
  return out;
}

}  // namespace mainspring::http::dkron
