// Dkron's job JSON: types, Dkron's validation words, the mapping onto the job model, and back.
#include "http/dkron/job_json.h"

#include <catch2/catch.hpp>

#include "http/dialect_data.h"
#include "http/dkron/dkron_dialect.h"
#include "http/dkron/executor_config.h"

using namespace mainspring;
using namespace mainspring::http::dkron;
using nlohmann::json;

namespace {

dkron_job decoded(const json& body) {
  auto j = decode_job(body);
  REQUIRE(j.ok());
  return *j;
}

std::string refusal(const json& body) {
  auto j = decode_job(body);
  if (!j.ok()) return j.status().message();
  auto spec = to_job_spec(*j, "dkron");
  return spec.ok() ? "" : spec.status().message();
}

const json k_seed_job = json::parse(R"({
  "name": "cron_job", "schedule": "0 30 * * * *", "command": "/usr/bin/date", "owner": "John Doe",
  "owner_email": "john@doe.com", "run_as_user": "johndoe", "disabled": false, "tags": {"role": "web"}
})");

}  // namespace

TEST_CASE("the seed's job maps onto a shell job in the dialect's group") {
  auto spec = to_job_spec(decoded(k_seed_job), "dkron");
  REQUIRE(spec.ok());
  CHECK(spec->group == "dkron");
  CHECK(spec->id == "cron_job");
  CHECK(spec->name == "cron_job");
  CHECK(spec->schedule == "0 30 * * * *");
  // Dkron's shell executor tells the command its job's name in ENV_JOB_NAME.
  CHECK(spec->target == executor_target{shell_target{.command = "/usr/bin/date", .env = {{"ENV_JOB_NAME", "cron_job"}}}});
  CHECK_FALSE(spec->paused);
  auto section = mainspring::http::dialect_section(spec->dialect_data, "dkron");
  CHECK(section["owner"] == "John Doe");
  CHECK(section["owner_email"] == "john@doe.com");
  CHECK(section["run_as_user"] == "johndoe");
  CHECK(section["tags"] == json{{"role", "web"}});
}

TEST_CASE("today's Dkron fields map onto the core's") {
  auto spec = to_job_spec(decoded(json::parse(R"({
    "name": "job-1", "displayname": "Job one", "schedule": "@every 10s", "timezone": "Europe/Berlin",
    "retries": 3, "concurrency": "forbid", "executor": "http",
    "executor_config": {"method": "GET", "url": "http://127.0.0.1:9/"}, "metadata": {"team": "ops"},
    "parent_job": "job-0", "ephemeral": true, "expires_at": "2030-01-01T00:00:00Z", "disabled": true,
    "processors": {"log": {"forward": "true"}}, "success_count": 99, "status": "success"})")), "dkron");
  REQUIRE(spec.ok());
  CHECK(spec->schedule == "@manually");  // a child: it runs after its parent only
  CHECK(spec->timezone == "Europe/Berlin");
  CHECK(spec->retries == 3);
  CHECK(spec->concurrency == concurrency_policy::forbid);
  CHECK(kind_of(spec->target) == executor_kind::http);
  CHECK(spec->timeout_ms == k_default_http_timeout_ms);
  CHECK(spec->metadata == std::map<std::string, std::string>{{"team", "ops"}});
  CHECK(spec->parent_job == "job-0");
  CHECK(spec->ephemeral);
  CHECK(spec->expires_at_ms == 1'893'456'000'000);
  CHECK(spec->paused);
  auto section = mainspring::http::dialect_section(spec->dialect_data, "dkron");
  CHECK(section["processors"] == json{{"log", {{"forward", "true"}}}});
  CHECK(section["displayname"] == "Job one");
}

TEST_CASE("a shell job's mem_limit is the job's memory limit, stopped at the first sample over it") {
  auto spec = to_job_spec(decoded(json::parse(R"({"name": "big", "schedule": "@every 1h", "executor": "shell",
    "executor_config": {"command": "make", "env": "ENV_JOB_NAME=x,A=1", "mem_limit": "1GB"}})")), "dkron");
  REQUIRE(spec.ok());
  CHECK(spec->controls.memory_limit_bytes == 1LL << 30);
  CHECK(spec->controls.memory_sustain_s == 0);
  CHECK(std::get<shell_target>(spec->target).env == name_value_list{{"A", "1"}, {"ENV_JOB_NAME", "big"}});
}

TEST_CASE("a schedule is exactly 6 fields or a descriptor, and an empty one needs a parent") {
  auto job = decoded(k_seed_job);
  job.schedule = "0 30 9 * *";
  CHECK(to_job_spec(job, "dkron").status().message() ==
        "can't parse job schedule: expected exactly 6 fields, found 5: [0 30 9 * *]");
  job.schedule = "0 30 9 * * * 2026";
  CHECK(to_job_spec(job, "dkron").status().message() ==
        "can't parse job schedule: expected exactly 6 fields, found 7: [0 30 9 * * * 2026]");
  job.schedule = "0 0 9 * * 7";  // robfig's weekdays are 0-6
  CHECK(to_job_spec(job, "dkron").status().message() ==
        "can't parse job schedule: end of range (7) above maximum (6): 7");
  job.schedule = "@Daily";  // descriptors match whole, in their case
  CHECK(to_job_spec(job, "dkron").status().message() == "can't parse job schedule: unrecognized descriptor: @Daily");
  job.schedule = "@every 5x";
  CHECK(to_job_spec(job, "dkron").status().message() ==
        "can't parse job schedule: failed to parse duration @every 5x: time: unknown unit \"x\" in duration \"5x\"");
  job.schedule = "0 */20 9 * * mon-fri";  // stored as the values robfig reads
  CHECK(to_job_spec(job, "dkron")->schedule == "0 0,20,40 9 * * 1-5");
  job.schedule = "";
  CHECK(to_job_spec(job, "dkron").status().message() == "can't parse job schedule: empty spec string");
  job.parent_job = "parent";
  CHECK(to_job_spec(job, "dkron")->schedule == "@manually");
}

TEST_CASE("a schedule's ~ fields, TZ= prefix and short @every read as Dkron's parser reads them") {
  // scheduleHash: the sum of the name's characters, modulo each field's range.
  int sum = 0;
  for (char c : std::string("report")) sum += c;  // 'r'+'e'+'p'+'o'+'r'+'t' = 665
  auto read = read_dkron_schedule("report", "~ ~ ~ ~ ~ ~");
  REQUIRE(read.ok());
  CHECK(read->core == std::to_string(sum % 60) + " " + std::to_string(sum % 60) + " " + std::to_string(sum % 24) +
                          " " + std::to_string(sum % 28 + 1) + " " + std::to_string(sum % 12 + 1) + " " +
                          std::to_string(sum % 7));
  CHECK(read->zone.empty());
  CHECK(read_dkron_schedule("report", "@every 1h")->core == "@every 1h");  // descriptors keep their ~-free text
  auto zoned = read_dkron_schedule("report", "CRON_TZ=Europe/Madrid 0 ~ 3 * * *");
  REQUIRE(zoned.ok());
  CHECK(zoned->core == "0 " + std::to_string(sum % 60) + " 3 * * *");  // the prefix does not count as a field
  CHECK(zoned->zone == "Europe/Madrid");
  CHECK(read_dkron_schedule("x", "TZ=Mars/Base 0 0 3 * * *").status().message() ==
        "provided bad location Mars/Base: unknown time zone Mars/Base");
  CHECK(read_dkron_schedule("x", "@every 500ms")->core == "@every 1s");
  CHECK(read_dkron_schedule("x", "@every 0s")->core == "@every 1s");  // robfig's Every: zero too
  // robfig's Every drops a fraction of a second.
  CHECK(read_dkron_schedule("x", "@every 2.7s")->core == "@every 2s");
  CHECK(read_dkron_schedule("x", "@every 1m500ms")->core == "@every 60s");
  CHECK(read_dkron_schedule("x", "@every 1h30m")->core == "@every 1h30m");  // whole seconds: as sent
  for (const char* descriptor : {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
                                 "@minutely", "@manually"})
    CHECK(read_dkron_schedule("x", descriptor)->core == descriptor);
  CHECK(read_dkron_schedule("x", "@once").status().message() == "unrecognized descriptor: @once");
  // extcron's @at: Go's time.Parse(time.RFC3339) and its words; its descriptors come before robfig's
  // TZ= prefix, so none of them takes one.
  CHECK(read_dkron_schedule("x", "@at 2020").status().message() ==
        "failed to parse date @at 2020: parsing time \"2020\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"-\"");
  CHECK(read_dkron_schedule("x", "@at 2030-01-02T03:04:05+02:00")->core == "@at 2030-01-02T01:04:05Z");
  CHECK(read_dkron_schedule("x", "@at 2030-01-02T3:04:05Z")->core == "@at 2030-01-02T03:04:05Z");  // Go's one-digit hour
  CHECK(read_dkron_schedule("x", "TZ=UTC @manually").status().message() == "unrecognized descriptor: @manually");
  CHECK(read_dkron_schedule("x", "TZ=UTC @at 2030-01-02T03:04:05Z").status().message() ==
        "unrecognized descriptor: @at 2030-01-02T03:04:05Z");
  CHECK(read_dkron_schedule("x", "")->core == "@manually");

  // The job runs in the schedule's zone; its own timezone field shows as sent.
  auto job = decoded(k_seed_job);
  job.schedule = "TZ=Asia/Tokyo 0 0 9 * * *";
  auto spec = to_job_spec(job, "dkron");
  REQUIRE(spec.ok());
  CHECK(spec->schedule == "0 0 9 * * *");
  CHECK(spec->timezone == "Asia/Tokyo");
  job_view v;
  v.spec = *spec;
  json shown = job_json(v, {}, "UTC", 0);
  CHECK(shown["schedule"] == "TZ=Asia/Tokyo 0 0 9 * * *");
  CHECK(shown["timezone"] == "");
}

TEST_CASE("bad types are payload errors and bad values are Dkron validation messages") {
  // Go's encoding/json words for Dkron's typed Job fields.
  auto refused = [](const json& body) { return decode_job(body).status().message(); };
  CHECK(refused(json{{"name", 5}}) == "json: cannot unmarshal number into Go struct field Job.name of type string");
  CHECK(refused(json{{"tags", json::array()}}) ==
        "json: cannot unmarshal array into Go struct field Job.tags of type map[string]string");
  CHECK(refused(json{{"tags", {{"a", 1}}}}) == "json: cannot unmarshal number into Go struct field Job.tags of type string");
  CHECK(refused(json{{"executor_config", {{"timeout", 5}}}}) ==
        "json: cannot unmarshal number into Go struct field Job.executor_config of type string");
  CHECK(refused(json{{"executor_config", "x"}}) ==
        "json: cannot unmarshal string into Go struct field Job.executor_config of type plugin.ExecutorPluginConfig");
  CHECK(refused(json{{"disabled", "yes"}}) == "json: cannot unmarshal string into Go struct field Job.disabled of type bool");
  CHECK(refused(json{{"retries", -1}}) == "json: cannot unmarshal number -1 into Go struct field Job.retries of type uint");
  CHECK(refused(json{{"retries", "3"}}) == "json: cannot unmarshal string into Go struct field Job.retries of type uint");
  CHECK(refused(json{{"success_count", 1.5}}) ==
        "json: cannot unmarshal number 1.5 into Go struct field Job.success_count of type int");
  CHECK(refused(json{{"dependent_jobs", "a"}}) ==
        "json: cannot unmarshal string into Go struct field Job.dependent_jobs of type []string");
  // null leaves a field as it is, as Go does.
  CHECK(decode_job(json{{"name", nullptr}, {"retries", nullptr}, {"tags", nullptr}}).ok());
  // Times: Go's own texts (Time.UnmarshalJSON), for either field.
  CHECK(refused(json{{"expires_at", "tomorrow"}}) ==
        "parsing time \"tomorrow\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"tomorrow\" as \"2006\"");
  CHECK(refused(json{{"starts_at", "2026-13-01T00:00"}}) == "parsing time \"2026-13-01T00:00\": month out of range");
  CHECK(refused(json{{"starts_at", 5}}) == "Time.UnmarshalJSON: input is not a JSON string");
  CHECK(decode_job(json{{"starts_at", "2026-12-01T1:05"}}).ok());  // datetime-local, as Go's Parse reads it
  // The computed times are read too, as Go reads them into Dkron's Job (a job read back and sent
  // again passes): next is a time.Time, last_success and last_error NullableTimes.
  CHECK(refused(json{{"next", ""}}) ==
        "parsing time \"\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"2006\"");
  CHECK(refused(json{{"next", 0}}) == "Time.UnmarshalJSON: input is not a JSON string");
  CHECK(refused(json{{"next", "2026-12-01T10:00"}}).starts_with("parsing time \"2026-12-01T10:00\""));
  CHECK(refused(json{{"last_success", "soon"}}).starts_with("parsing time \"soon\""));
  CHECK(refused(json{{"last_error", true}}) == "Time.UnmarshalJSON: input is not a JSON string");
  CHECK(decode_job(json{{"next", "0001-01-01T00:00:00Z"}, {"last_success", nullptr}, {"last_error", "2026-12-01T10:00"}}).ok());
  // A time's error comes before a type error, as Go's decoder stops at the first and saves the other.
  CHECK(refused(json{{"name", 5}, {"next", ""}}).starts_with("parsing time"));
  // starts_at reads back as Dkron's store gives it: UTC, Go's RFC3339Nano.
  CHECK(decode_job(json{{"starts_at", "2030-01-01T10:00:00.500+02:00"}})->starts_at == "2030-01-01T08:00:00.5Z");
  CHECK(decode_job(json{{"starts_at", "2030-01-01T10:00:00.000Z"}})->starts_at == "2030-01-01T10:00:00Z");
  CHECK(decode_job(json{{"starts_at", "2026-12-01T1:05"}})->starts_at == "2026-12-01T01:05:00Z");

  CHECK(refusal(json{{"schedule", "@every 1s"}}) == "name cannot be empty");
  CHECK(refusal(json{{"name", "Cron"}, {"schedule", "@every 1s"}}) == "name contains illegal character 'C'");
  CHECK(refusal(json{{"name", "a b"}, {"schedule", "@every 1s"}}) == "name contains illegal character ' '");
  CHECK(refusal(json{{"name", "a"}, {"schedule", "@every 1s"}, {"parent_job", "a"}}) ==
        "the job can not have itself as parent");
  CHECK(refusal(json{{"name", "a"}, {"schedule", "61 * * * * *"}}).starts_with("can't parse job schedule: "));
  CHECK(refusal(json{{"name", "a"}, {"schedule", "@every 1s"}, {"concurrency", "sometimes"}}) ==
        R"(invalid concurrency policy value, use "allow" or "forbid")");
  CHECK(refusal(json{{"name", "a"}, {"schedule", "@every 1s"}, {"timezone", "Mars/Base"}}) ==
        "unknown time zone Mars/Base");
  // Go's LoadLocation refuses these names before looking them up, in other words.
  for (const char* bad : {"../etc/passwd", "Europe/..", "/etc/localtime", "\\Europe"})
    CHECK(refusal(json{{"name", "a"}, {"schedule", "@every 1s"}, {"timezone", bad}}) == "time: invalid location name");
  CHECK(read_dkron_schedule("a", "TZ=/UTC 0 0 3 * * *").status().message() ==
        "provided bad location /UTC: time: invalid location name");
  CHECK(refusal(json{{"name", "a"}, {"schedule", "@every 1s"}, {"executor", "shell"},
                     {"executor_config", {{"command", "x"}, {"timeout", "x"}}}}) ==
        "Error parsing job timeout value");
  CHECK(refusal(json{{"name", std::string(129, 'a')}, {"schedule", "@every 1s"}}).starts_with("name is longer than 128"));
  CHECK(refusal(json{{"name", "a"}, {"schedule", "@every 1s"}, {"executor", "http"},
                     {"executor_config", {{"method", "GET"}, {"url", "ftp://x"}}}})
            .starts_with("executor_config: needs an http:// or https:// URL"));
  // The shell would run the command cut at the NUL.
  CHECK(refusal(json{{"name", "a"}, {"schedule", "@every 1s"}, {"executor", "shell"},
                     {"executor_config", {{"command", std::string("echo a\0b", 8)}}}})
            .starts_with("executor_config: has a NUL byte"));
}

TEST_CASE("processors of the wrong shape are refused in Go's words, as Dkron's typed map") {
  const std::string prefix = "json: cannot unmarshal ";
  CHECK(decode_job(json{{"processors", {{"log", "x"}}}}).status().message() ==
        prefix + "string into Go struct field Job.processors of type plugin.Config");
  CHECK(decode_job(json{{"processors", {{"log", {{"forward", 1}}}}}}).status().message() ==
        prefix + "number into Go struct field Job.processors of type string");
  CHECK(decode_job(json{{"processors", {{"log", {{"forward", true}}}}}}).status().message() ==
        prefix + "bool into Go struct field Job.processors of type string");
  CHECK(decode_job(json{{"processors", json::array()}}).status().message() ==
        prefix + "array into Go struct field Job.processors of type map[string]plugin.Config");
  CHECK(decode_job(json{{"processors", {{"log", {{"forward", "true"}}}, {"files", nullptr}}}}).ok());
  CHECK(decode_job(json{{"processors", nullptr}}).ok());
}

TEST_CASE("Dkron fields too long together are refused naming the longest, not where they are kept") {
  json body{{"name", "big"}, {"schedule", "@every 1s"}, {"owner", "ops"},
            {"displayname", std::string(k_max_dkron_fields_bytes, 'd')}};
  std::string message = refusal(body);
  CHECK(message.starts_with("displayname is too long ("));
  CHECK(message.find("at most " + std::to_string(k_max_dkron_fields_bytes) + ")") != std::string::npos);
  CHECK(message.find("dialect_data") == std::string::npos);
  body["displayname"] = "short";
  body["tags"] = {{"a", std::string(k_max_dkron_fields_bytes / 2, 't')}, {"b", std::string(k_max_dkron_fields_bytes / 2, 't')}};
  CHECK(refusal(body).starts_with("tags is too long ("));
  body["tags"] = {{"a", std::string(k_max_dkron_fields_bytes / 2, 't')}};
  CHECK(refusal(body).empty());
}

TEST_CASE("an illegal name character is named whole, and the message stays valid UTF-8") {
  // Dkron's isSlug takes lower-case letters of any script; the core's ids are ASCII.
  CHECK(refusal(json{{"name", "\u00fcn\u00ef"}, {"schedule", "@every 1s"}}) ==
        "name contains illegal character '\u00fc'");
  CHECK(refusal(json{{"name", "ok\u20ac"}, {"schedule", "@every 1s"}}) == "name contains illegal character '\u20ac'");
  CHECK(illegal_name_character("a\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");
  // A lead byte without its continuation (JSON bodies cannot hold one: the parser refuses invalid
  // UTF-8) is escaped, not copied.
  CHECK(illegal_name_character("a\xC3") == "\\xC3");
  CHECK(illegal_name_character("a\xC3z") == "\\xC3");
  CHECK(illegal_name_character("abc-1_2").empty());
}

TEST_CASE("a job reads back as Dkron shows it, with computed fields") {
  auto spec = to_job_spec(decoded(json::parse(R"({"name": "job-1", "schedule": "0 30 9 * * *",
      "executor": "shell", "executor_config": {"command": "true", "shell": "true"}, "tags": {"a": "b"}})")), "dkron");
  REQUIRE(spec.ok());
  job_view view;
  view.spec = *spec;
  view.next_fire_ms = 1'893'456'000'000;
  view.successes = 3;
  view.failures = 1;
  view.last_success_ms = 1'700'000'000'250;
  run_record last;
  last.state = run_state::failed;
  view.last_run = last;
  json j = job_json(view, {"child-a", "child-b"}, "UTC", 0);
  CHECK(j["id"] == "job-1");
  CHECK(j["name"] == "job-1");
  CHECK(j["schedule"] == "0 30 9 * * *");  // as sent
  CHECK(j["executor"] == "shell");
  CHECK(j["executor_config"] == json{{"command", "true"}, {"shell", "true"}});
  CHECK(j["success_count"] == 3);
  CHECK(j["error_count"] == 1);
  CHECK(j["last_success"] == "2023-11-14T22:13:20.25Z");  // Go's RFC3339Nano: no trailing zeros
  CHECK(j["last_error"].is_null());
  CHECK(j["next"] == "2030-01-01T00:00:00Z");
  CHECK(j["status"] == "failed");
  CHECK(j["dependent_jobs"] == json{"child-a", "child-b"});
  CHECK(j["tags"] == json{{"a", "b"}});
  CHECK(j["expires_at"].is_null());
  view.next_fire_ms.reset();
  view.running = 1;
  j = job_json(view, {}, "UTC", 0);
  CHECK(j["next"] == std::string(k_go_zero_time));
  CHECK(j["status"] == "running");
  CHECK(j["dependent_jobs"].is_null());
}

TEST_CASE("empty maps read back null and a processor's config is always a map, as from Dkron's store") {
  auto spec = to_job_spec(decoded(json::parse(R"({"name": "bare", "schedule": "@every 1h", "tags": {},
      "metadata": {}, "processors": {"log": null, "files": {"forward": "true"}}})")), "dkron");
  REQUIRE(spec.ok());
  job_view view;
  view.spec = *spec;
  json j = job_json(view, {}, "UTC", 0);
  CHECK(j["tags"].is_null());
  CHECK(j["metadata"].is_null());
  CHECK(j["executor_config"].is_null());
  CHECK(j["dependent_jobs"].is_null());
  CHECK(j["processors"] == json{{"log", json::object()}, {"files", {{"forward", "true"}}}});
  view.spec.metadata = {{"team", "ops"}};
  CHECK(job_json(view, {}, "UTC", 0)["metadata"] == json{{"team", "ops"}});
}

TEST_CASE("a run that succeeds on a retry leaves the job partially_failed, as Dkron counts its group") {
  job_view view;
  view.spec.id = "retried";
  view.spec.schedule = "@manually";
  run_record last;
  last.state = run_state::succeeded;
  view.last_run = last;
  CHECK(job_json(view, {}, "UTC", 0)["status"] == "success");
  view.last_run->attempt = 1;  // the second attempt: the first failed
  CHECK(job_json(view, {}, "UTC", 0)["status"] == "partially_failed");
  view.last_run->state = run_state::failed;
  CHECK(job_json(view, {}, "UTC", 0)["status"] == "failed");
  view.running = 1;
  CHECK(job_json(view, {}, "UTC", 0)["status"] == "running");
}

TEST_CASE("a job another dialect wrote shows its target as Dkron's executor") {
  job_view view;
  view.spec.id = "native_1";
  view.spec.schedule = "@every 5s";
  view.spec.target = http_target{.url = "http://127.0.0.1:1/", .signed_query = true};
  json j = job_json(view, {}, "UTC", 0);
  CHECK(j["executor"] == "http");
  CHECK(j["executor_config"]["url"] == "http://127.0.0.1:1/");
  CHECK(j["schedule"] == "@every 5s");
}

TEST_CASE("an execution shows Dkron's fields, its output cut to the limit") {
  run_record run;
  run.run_id = 77;
  run.job_id = "job-1";
  run.plan_ms = 1'700'000'000'000;
  run.start_ms = 1'700'000'000'005;
  run.end_ms = 1'700'000'001'005;
  run.state = run_state::failed;
  run.attempt = 1;
  run.output_tail = "0123456789";
  run.error = "exit code 3";
  json e = execution_json(run, "node1", 8);
  CHECK(e["id"] == "77");
  CHECK(e["job_name"] == "job-1");
  CHECK(e["started_at"] == "2023-11-14T22:13:20.005Z");
  CHECK(e["finished_at"] == "2023-11-14T22:13:21.005Z");
  CHECK(e["success"] == false);
  CHECK(e["output"] == "t code 3");
  CHECK(e["node_name"] == "node1");
  CHECK(e["group"] == 1'700'000'000'000'000'000);
  CHECK(e["attempt"] == 2);
  run.end_ms = 0;
  CHECK(execution_json(run, "n", 100)["finished_at"] == std::string(k_go_zero_time));
}

TEST_CASE("an execution without output has no output field, and only the list says output_truncated") {
  run_record run;
  run.run_id = 5;
  run.job_id = "quiet";
  run.plan_ms = run.start_ms = run.end_ms = 1'700'000'000'000;
  run.state = run_state::succeeded;
  json listed = execution_json(run, "node1", k_whole_output);
  CHECK_FALSE(listed.contains("output"));  // Dkron's Execution: `json:"output,omitempty"`
  CHECK(listed["output_truncated"] == false);
  json one = stored_execution_json(run, "node1");
  CHECK_FALSE(one.contains("output"));
  CHECK_FALSE(one.contains("output_truncated"));  // only the list's apiExecution has it
  CHECK(one["id"] == "5");
  CHECK(document_execution_json(run, "node1")["output"] == "");  // the 0.x document shows it
  run.output_tail = "done\n";
  CHECK(stored_execution_json(run, "node1")["output"] == "done\n");
}

TEST_CASE("a job body's keys match Dkron's fields case-insensitively, the last one for a field winning") {
  CHECK(decoded(json{{"NAME", "n4"}, {"SCHEDULE", "@every 1h"}}).name == "n4");
  CHECK(decoded(json{{"NAME", "n4"}, {"SCHEDULE", "@every 1h"}}).schedule == "@every 1h");
  CHECK(decoded(json{{"Owner_Email", "a@b.c"}, {"\u017Fchedule", "@daily"}}).schedule == "@daily");
  CHECK(decoded(json{{"Owner_Email", "a@b.c"}}).owner_email == "a@b.c");
  // Document order decides between spellings of one field (go_job_fields sees it in order).
  using members = std::vector<std::pair<std::string, json>>;
  CHECK(go_job_fields(members{{"name", "n2"}, {"Name", "n3"}})["name"] == "n3");
  CHECK(go_job_fields(members{{"Name", "n3"}, {"name", "n2"}})["name"] == "n2");
  // null leaves a string as it was; objects for a map field merge; null empties it.
  CHECK(go_job_fields(members{{"name", "n2"}, {"NAME", nullptr}})["name"] == "n2");
  CHECK(go_job_fields(members{{"tags", {{"a", "1"}}}, {"Tags", {{"b", "2"}}}})["tags"] == json{{"a", "1"}, {"b", "2"}});
  CHECK(go_job_fields(members{{"tags", {{"a", "1"}}}, {"TAGS", nullptr}})["tags"].is_null());
  // A type error under another spelling is still named by Go's field name.
  auto wrong = decode_job(json{{"NAME", 5}});
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().message() == "json: cannot unmarshal number into Go struct field Job.name of type string");
  // Keys that name no field are ignored, as before.
  CHECK(decoded(json{{"name", "x"}, {"nickname", "y"}}).name == "x");
}

TEST_CASE("Mainspring's limits on a name's length and on retries are said in Dkron's manner") {
  auto with = [](json extra) {
    json body = {{"name", "x"}, {"schedule", "@daily"}};
    body.update(extra);
    return refusal(body);
  };
  CHECK(with({{"name", std::string(k_max_job_id_bytes, 'a')}}).empty());
  CHECK(with({{"name", std::string(k_max_job_id_bytes + 1, 'a')}}) ==
        "name is longer than 128 characters, the longest job name Mainspring keeps");
  // An illegal character is named first, as Dkron's Validate checks it.
  CHECK(with({{"name", "B" + std::string(k_max_job_id_bytes, 'a')}}) == "name contains illegal character 'B'");
  CHECK(with({{"retries", k_max_retries}}).empty());
  CHECK(with({{"retries", 101}}) == "retries is 101, above 100, the most retries Mainspring runs");
}

TEST_CASE("a null value in a map of strings is an empty string, as Go stores it") {
  auto job = decoded(json{{"name", "x"},
                          {"metadata", {{"team", nullptr}}},
                          {"tags", {{"role", nullptr}}},
                          {"executor", "shell"},
                          {"executor_config", {{"command", "true"}, {"env", nullptr}}},
                          {"processors", {{"log", {{"forward", nullptr}}}}}});
  CHECK(job.metadata == std::map<std::string, std::string>{{"team", ""}});
  CHECK(job.tags == std::map<std::string, std::string>{{"role", ""}});
  CHECK(job.executor_config == std::map<std::string, std::string>{{"command", "true"}, {"env", ""}});
  CHECK(job.processors == json{{"log", {{"forward", ""}}}});
  CHECK(refusal(json{{"name", "x"}, {"schedule", "@daily"}, {"metadata", {{"team", nullptr}}}}).empty());
  // Other values keep Go's type error.
  CHECK(refusal(json{{"name", "x"}, {"metadata", {{"team", 5}}}}) ==
        "json: cannot unmarshal number into Go struct field Job.metadata of type string");
}

TEST_CASE("an execution whose stored output is the runner's full tail says output_truncated") {
  run_record run;
  run.run_id = 1;
  run.job_id = "seq";
  run.state = run_state::succeeded;
  // What `seq 1 100000` leaves: the last k_max_output_tail_bytes, starting mid-line.
  std::string all;
  for (int i = 1; i <= 100000; ++i) all += std::to_string(i) + "\n";
  run.output_tail = all.substr(all.size() - k_max_output_tail_bytes);
  json whole = execution_json(run, "n", k_whole_output);
  CHECK(whole["output"].get<std::string>().size() == k_max_output_tail_bytes);
  CHECK(whole["output_truncated"] == true);
  CHECK(document_execution_json(run, "n")["output"] == whole["output"]);
  // A failed run's error follows its full tail: still a cut output.
  run.state = run_state::failed;
  run.error = "exit code 1";
  CHECK(execution_json(run, "n", k_whole_output)["output_truncated"] == true);
  // An output shorter than the tail was kept whole.
  run.output_tail.resize(k_max_output_tail_bytes - 1);
  CHECK(execution_json(run, "n", k_whole_output)["output_truncated"] == false);
  run.state = run_state::succeeded;
  run.error.clear();
  CHECK(execution_json(run, "n", k_whole_output)["output_truncated"] == false);
  CHECK(execution_json(run, "n", 10)["output_truncated"] == true);
}

TEST_CASE("a job starts at its schedule's next fire, or at its first fire from a starts_at ahead") {
  constexpr int64_t now = 1'800'000'000'000;  // 2027-01-15T08:00:00Z
  auto spec_of = [](const json& extra) {
    json body = k_seed_job;  // "0 30 * * * *": each half past the hour
    body.update(extra);
    auto spec = to_job_spec(decoded(body), "dkron");
    REQUIRE(spec.ok());
    return *spec;
  };
  CHECK(first_exec_time_s(spec_of(json::object()), "UTC", now) == k_first_fire_by_schedule);
  CHECK(first_exec_time_s(spec_of({{"starts_at", nullptr}}), "UTC", now) == k_first_fire_by_schedule);
  CHECK(first_exec_time_s(spec_of({{"starts_at", "2027-01-15T07:00:00Z"}}), "UTC", now) == k_first_fire_by_schedule);
  // Ahead: the first half hour at or after it (10:30:00 is 1'800'009'000 s), not the instant itself.
  CHECK(first_exec_time_s(spec_of({{"starts_at", "2027-01-15T10:12:00Z"}}), "UTC", now) == 1'800'009'000);
  CHECK(first_exec_time_s(spec_of({{"starts_at", "2027-01-15T10:30:00Z"}}), "UTC", now) == 1'800'009'000);
  // In the job's zone: Berlin is UTC+1 in January, its half hours are UTC's too.
  CHECK(first_exec_time_s(spec_of({{"starts_at", "2027-01-15T10:12:00Z"}, {"timezone", "Europe/Berlin"}}), "UTC", now) ==
        1'800'009'000);
  // An interval without a starts_at ahead starts as robfig's Every.Next(now): now's whole second
  // plus the interval (not now's milliseconds plus it, the core's own next fire).
  CHECK(first_exec_time_s(spec_of({{"schedule", "@every 10s"}}), "UTC", now + 750) == 1'800'000'010);
  CHECK(first_exec_time_s(spec_of({{"schedule", "@every 1h"}, {"starts_at", "2027-01-15T07:00:00Z"}}), "UTC", now + 5) ==
        1'800'003'600);
  // An interval starts its cadence at starts_at itself, rounded up to a whole second.
  CHECK(first_exec_time_s(spec_of({{"schedule", "@every 10s"}, {"starts_at", "2027-01-15T10:12:00.250Z"}}), "UTC", now) ==
        1'800'007'921);
}

TEST_CASE("a disabled job shows when it would fire next if enabled, as Dkron's store computes next") {
  constexpr int64_t now = 1'800'000'000'000;  // 2027-01-15T08:00:00Z
  auto view_of = [](const json& extra) {
    json body = k_seed_job;  // "0 30 * * * *": each half past the hour
    body.update(extra);
    auto spec = to_job_spec(decoded(body), "dkron");
    REQUIRE(spec.ok());
    job_view v;
    v.spec = *spec;
    v.phase = job_phase::paused;  // the core plans nothing for it: next_fire_ms is none
    return v;
  };
  CHECK(job_json(view_of({{"disabled", true}}), {}, "UTC", now)["next"] == "2027-01-15T08:30:00Z");
  CHECK(shown_next_ms(view_of({{"disabled", true}}), "UTC", now) == 1'800'001'800'000);
  CHECK(job_json(view_of({{"schedule", "@every 1m"}}), {}, "UTC", now + 999)["next"] == "2027-01-15T08:01:00Z");
  // From a starts_at ahead, as when it is enabled; in the job's zone (Kolkata is UTC+5:30, so
  // its half hours are UTC's whole hours).
  CHECK(job_json(view_of({{"starts_at", "2027-01-15T10:12:00Z"}}), {}, "UTC", now)["next"] == "2027-01-15T10:30:00Z");
  CHECK(job_json(view_of({{"timezone", "Asia/Kolkata"}}), {}, "UTC", now)["next"] == "2027-01-15T09:00:00Z");
  CHECK(job_json(view_of({{"schedule", "0 30 * * * *"}}), {}, "Asia/Kolkata", now)["next"] == "2027-01-15T09:00:00Z");
  // Never: @manually, an @at that passed, a child without a schedule, an expiry before the fire.
  CHECK(job_json(view_of({{"schedule", "@manually"}}), {}, "UTC", now)["next"] == std::string(k_go_zero_time));
  CHECK(job_json(view_of({{"schedule", "@at 2020-01-01T00:00:00Z"}}), {}, "UTC", now)["next"] ==
        std::string(k_go_zero_time));
  CHECK(job_json(view_of({{"schedule", ""}, {"parent_job", "p"}}), {}, "UTC", now)["next"] == std::string(k_go_zero_time));
  CHECK(job_json(view_of({{"expires_at", "2027-01-15T08:10:00Z"}}), {}, "UTC", now)["next"] == std::string(k_go_zero_time));
  CHECK(job_json(view_of({{"schedule", "@at 2030-01-01T00:00:00Z"}}), {}, "UTC", now)["next"] == "2030-01-01T00:00:00Z");
  // An enabled job shows the core's plan, whatever its schedule says.
  job_view active = view_of(json::object());
  active.phase = job_phase::active;
  active.next_fire_ms = 1'893'456'000'000;
  CHECK(job_json(active, {}, "UTC", now)["next"] == "2030-01-01T00:00:00Z");
}

TEST_CASE("times Go could not write back, or the core not count, are refused or read as passed") {
  // Year 0 an hour east of UTC is year -1 in UTC, which Go's MarshalJSON refuses to write (Dkron
  // takes it, then fails every GET of the job).
  CHECK(refusal(json{{"name", "t"}, {"schedule", "@every 1h"}, {"starts_at", "0000-01-01T00:00:00+01:00"}}) ==
        "starts_at: Time.MarshalJSON: year outside of range [0,9999] in UTC");
  CHECK(refusal(json{{"name", "t"}, {"schedule", "@every 1h"}, {"starts_at", "9999-12-31T23:00:00-02:00"}}) ==
        "starts_at: Time.MarshalJSON: year outside of range [0,9999] in UTC");
  CHECK(refusal(json{{"name", "t"}, {"schedule", "@every 1h"}, {"starts_at", "0000-01-01T00:00:00Z"}}).empty());
  CHECK(refusal(json{{"name", "t"}, {"schedule", "@every 1h"}, {"starts_at", "1960-01-01T00:00:00Z"}}).empty());
  // The core counts time from 1970: an expires_at before would never let the job run.
  CHECK(refusal(json{{"name", "t"}, {"schedule", "@every 1h"}, {"expires_at", "1960-01-01T00:00:00Z"}}).starts_with(
      "expires_at: must be after 1970-01-01T00:00:00Z"));
  CHECK(refusal(json{{"name", "t"}, {"schedule", "@every 1h"}, {"expires_at", "1970-01-01T00:00:00Z"}}).starts_with(
      "expires_at: must be after"));
  // An @at before 1970 has passed, as any @at that has: it never fires.
  auto old = read_dkron_schedule("t", "@at 0000-01-01T00:00:00+01:00");
  REQUIRE(old.ok());
  CHECK(old->core == "@at 1970-01-01T00:00:00Z");
  CHECK(refusal(json{{"name", "t"}, {"schedule", "@at 1960-01-01T00:00:00Z"}}).empty());
}

TEST_CASE("a child job never fires by its schedule, as Dkron never puts it in its cron") {
  json child = k_seed_job;
  child["parent_job"] = "parent";
  auto spec = to_job_spec(decoded(child), "dkron");
  REQUIRE(spec.ok());
  CHECK(spec->schedule == "@manually");
  job_view v;
  v.spec = *spec;
  CHECK(job_json(v, {}, "UTC", 0)["schedule"] == "0 30 * * * *");  // shown as sent
  child["schedule"] = "0 30 * * *";  // still checked, as Dkron's Validate checks it
  CHECK(refusal(child).starts_with("can't parse job schedule: expected exactly 6 fields"));
}

TEST_CASE("timezone Local is the server's zone, shown as sent") {
  auto job = decoded(k_seed_job);
  job.timezone = "Local";
  auto spec = to_job_spec(job, "dkron");
  REQUIRE(spec.ok());
  CHECK(spec->timezone.empty());  // the server's default zone
  job_view v;
  v.spec = *spec;
  CHECK(job_json(v, {}, "UTC", 0)["timezone"] == "Local");
  job.timezone = "Mars/Base";
  CHECK(to_job_spec(job, "dkron").status().message() == "unknown time zone Mars/Base");
}

TEST_CASE("jobs sort as Dkron's index orders them, strings ignoring ASCII case, ties by name") {
  json alpha{{"name", "a"}, {"displayname", "alpha"}, {"success_count", 2}};
  json beta{{"name", "b"}, {"displayname", "Beta"}, {"success_count", 2}};
  json blank{{"name", "c"}, {"displayname", ""}, {"success_count", 0}};
  json alphabet{{"name", "d"}, {"displayname", "ALPHABET"}, {"success_count", 1}};
  // gjson's Result.Less(_, false): "alpha" < "Beta" (bytewise 'B' < 'a'), a prefix first.
  CHECK(sorted_before(alpha, beta, "displayname"));
  CHECK_FALSE(sorted_before(beta, alpha, "displayname"));
  CHECK(sorted_before(alpha, alphabet, "displayname"));
  CHECK(sorted_before(blank, alpha, "displayname"));
  // Equal keys: by name, so that the descending order (the reverse) lists "b" before "a".
  CHECK(sorted_before(alpha, beta, "success_count"));
  CHECK_FALSE(sorted_before(beta, alpha, "success_count"));
  CHECK(sorted_before(blank, alphabet, "success_count"));
  CHECK(sorted_before(alphabet, alpha, "success_count"));
  CHECK(sorted_before(alpha, beta, "no_such_field"));  // by name
}

TEST_CASE("times are written as Go writes a UTC time, the fraction without trailing zeros") {
  CHECK(go_time_text(from_unix_ms(1'700'000'000'000)) == "2023-11-14T22:13:20Z");
  CHECK(go_time_text(from_unix_ms(1'700'000'000'100)) == "2023-11-14T22:13:20.1Z");
  CHECK(go_time_text(from_unix_ms(1'700'000'000'120)) == "2023-11-14T22:13:20.12Z");
  CHECK(go_time_text(from_unix_ms(1'700'000'000'123)) == "2023-11-14T22:13:20.123Z");
  run_record run;
  run.start_ms = 1'700'000'000'500;
  run.end_ms = 1'700'000'001'010;
  json e = execution_json(run, "n", k_whole_output);
  CHECK(e["started_at"] == "2023-11-14T22:13:20.5Z");
  CHECK(e["finished_at"] == "2023-11-14T22:13:21.01Z");
}
