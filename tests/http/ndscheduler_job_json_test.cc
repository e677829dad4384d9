// Tests of the ndscheduler translation: bodies read as ndscheduler checks them, job classes
// mapped onto executors, jobs written as ndscheduler shows them, and its time formats.
#include "http/ndscheduler/job_json.h"

#include <catch2/catch.hpp>

#include "core/rfc3339.h"
#include "core/schedule.h"
#include "http/dialect_data.h"
#include "http/ndscheduler/cron_fields.h"
#include "http/ndscheduler/job_classes.h"

using namespace mainspring;
using namespace mainspring::http::ndscheduler;
using nlohmann::json;

TEST_CASE("ndscheduler bodies are checked in ndscheduler's order and words") {
  CHECK(decode_job(json{{"job_class_string", "a.B"}}).status().message() == "Require this parameter: name");
  CHECK(decode_job(json{{"name", "n"}}).status().message() == "Require this parameter: job_class_string");
  CHECK(decode_job(json{{"name", "n"}, {"job_class_string", "a.B"}}).status().message() ==
        "Require at least one of following parameters: ['month', 'day', 'hour', 'minute', 'day_of_week']");
  // second alone is not one of ndscheduler's required fields
  CHECK_FALSE(decode_job(json{{"name", "n"}, {"job_class_string", "a.B"}, {"second", "5"}}).ok());
  auto flat = decode_job(json{{"name", "n"}, {"job_class_string", "a.B"}, {"hour", 5}, {"minute", "*/2"}});
  REQUIRE(flat.ok());
  CHECK(flat->cron == std::map<std::string, std::string>{{"hour", "5"}, {"minute", "*/2"}});
  auto doc = decode_job(json{{"name", "n"}, {"job_class_string", "a.B"}, {"trigger", "cron"},
                             {"trigger_params", {{"day_of_week", "mon"}}}});
  REQUIRE(doc.ok());
  CHECK(doc->trigger == "cron");
  CHECK(doc->cron.at("day_of_week") == "mon");
  auto interval = decode_job(json{{"name", "n"}, {"job_class_string", "a.B"}, {"trigger", "interval"},
                                  {"trigger_params", {{"interval", 90}}}});
  REQUIRE(interval.ok());
  CHECK(*interval->interval_ms == 90'000);
  // Fractional seconds, as APScheduler takes them; under a second or a string is refused.
  auto fraction = decode_job(json{{"name", "n"}, {"job_class_string", "a.B"}, {"trigger", "interval"},
                                  {"trigger_params", {{"interval", 2.5}}}});
  REQUIRE(fraction.ok());
  CHECK(*fraction->interval_ms == 2'500);
  auto spec = to_job_spec(*fraction, "g", "0123456789abcdef0123456789abcdef");
  REQUIRE(spec.ok());
  CHECK(spec->schedule == "@every 2500ms");
  CHECK(http::dialect_section(spec->dialect_data, "ndscheduler")["interval"] == 2.5);
  for (const json& bad : {json(0.5), json("60"), json(nullptr)}) {
    INFO(bad.dump());
    CHECK(decode_job(json{{"name", "n"}, {"job_class_string", "a.B"}, {"trigger", "interval"},
                          {"trigger_params", {{"interval", bad}}}})
              .status()
              .message()
              .rfind("interval: must be a number of seconds from 1 to", 0) == 0);
  }
  CHECK(decode_job(json{{"name", "n"}, {"job_class_string", "a.B"}, {"hour", true}}).status().message().rfind("hour", 0) == 0);
  CHECK(decode_job(json{{"name", 1}, {"job_class_string", "a.B"}, {"hour", "1"}}).status().message().rfind("name", 0) == 0);
}

TEST_CASE("an empty ndscheduler name is refused with the required-parameter text") {
  CHECK(decode_job(json{{"name", ""}, {"job_class_string", "a.B"}, {"hour", "1"}}).status().message() ==
        "Require this parameter: name");
}

TEST_CASE("an ndscheduler interval job reads back with trigger_params and no cron strings") {
  auto job = decode_job(json{{"name", "n"}, {"job_class_string", std::string(k_awesome_job)}, {"trigger", "interval"},
                             {"trigger_params", {{"interval", 3600}}}});
  REQUIRE(job.ok());
  auto spec = to_job_spec(*job, "ndscheduler", new_job_id());
  REQUIRE(spec.ok());
  job_view view;
  view.spec = *spec;
  json out = job_json(view);
  CHECK(out["trigger"] == "interval");
  CHECK(out["trigger_params"] == json{{"interval", 3600}});
  for (const char* f : {"month", "day", "week", "day_of_week", "hour", "minute"}) CHECK_FALSE(out.contains(f));
}

TEST_CASE("ndscheduler's sample job classes map onto executors") {
  auto shell = target_for_class(std::string(k_shell_job), json{"ls", "-l", "it's"});
  REQUIRE(shell.ok());
  const auto& cmd = std::get<shell_target>(*shell).command;
  CHECK(cmd.find("'ls' '-l' 'it'\"'\"'s'") != std::string::npos);  // each argument quoted, no shell parsing
  CHECK(cmd.find("returncode") != std::string::npos);
  auto curl = target_for_class(std::string(k_curl_job), json{"http://127.0.0.1:9/x", "delete"});
  REQUIRE(curl.ok());
  const auto& http = std::get<http_target>(*curl);
  CHECK(http.url == "http://127.0.0.1:9/x");
  CHECK(http.method == "DELETE");
  CHECK(http.expect_codes == std::vector<int>{k_any_http_status});
  CHECK(target_for_class(std::string(k_curl_job), json::array()).status().message().rfind("pub_args", 0) == 0);
  auto awesome = target_for_class(std::string(k_awesome_job), json{"a", 2, "ignored"});
  REQUIRE(awesome.ok());
  CHECK(std::get<shell_target>(*awesome).command == "printf '%s' '[\"a\",2]'");
  auto unknown = target_for_class("my.jobs.Thing", nullptr);
  REQUIRE(unknown.ok());
  CHECK(std::get<shell_target>(*unknown).command.find("my.jobs.Thing") != std::string::npos);
  CHECK_FALSE(is_known_class("my.jobs.Thing"));
  CHECK(target_for_class("rm -rf /", nullptr).status().message().rfind("job_class_string", 0) == 0);
  CHECK(target_for_class("a.B", json("x")).status().message().rfind("pub_args", 0) == 0);
}

TEST_CASE("the sample classes without the arguments their run() names are taken, and each run fails as Python's call") {
  auto command = [](std::string_view cls, const json& args) {
    auto t = target_for_class(std::string(cls), args);
    REQUIRE(t.ok());
    return std::get<shell_target>(*t).command;
  };
  CHECK(command(k_awesome_job, json{"a"}) ==
        "echo 'TypeError: run() missing 1 required positional argument: '\"'\"'argument2'\"'\"'' >&2; exit 1");
  CHECK(command(k_awesome_job, json::array()).find("missing 2 required positional arguments: '\"'\"'argument1'\"'\"' and "
                                                   "'\"'\"'argument2'\"'\"''") != std::string::npos);
  CHECK(command(k_curl_job, json{"http://127.0.0.1:9/x"}).find("'\"'\"'request_type'\"'\"'") != std::string::npos);
  // Mainspring's own HttpJob keeps its GET default.
  auto http = target_for_class("mainspring.jobs.HttpJob", json{"http://127.0.0.1:9/x"});
  REQUIRE(http.ok());
  CHECK(std::get<http_target>(*http).method == "GET");
}

TEST_CASE("an ndscheduler job becomes a Mainspring job and reads back as ndscheduler shows it") {
  auto job = decode_job(json{{"name", "Clean"}, {"job_class_string", std::string(k_awesome_job)},
                             {"pub_args", {"x", 1}}, {"hour", "*/2"}});
  REQUIRE(job.ok());
  const std::string id = new_job_id();
  CHECK(is_job_id(id));
  auto spec = to_job_spec(*job, "ndscheduler", id);
  REQUIRE(spec.ok());
  CHECK(spec->id == id);
  CHECK(spec->group == "ndscheduler");
  CHECK(spec->exec_time_s == k_first_fire_by_schedule);
  job_view view;
  view.spec = *spec;
  view.next_fire_ms = 1'796'280'000'000;
  json out = job_json(view);
  CHECK(out["job_id"] == id);
  CHECK(out["name"] == "Clean");
  CHECK(out["pub_args"] == json::array({"x", 1}));
  CHECK(out["hour"] == "*/2");
  CHECK(out["minute"] == "0");
  CHECK(out["day_of_week"] == "*");
  CHECK(out["next_run_time"] == "2026-12-03T06:40:00+00:00");
  view.next_fire_ms.reset();  // paused
  CHECK(job_json(view)["next_run_time"] == "");
}

TEST_CASE("pub_args keep their objects' keys as sent, and a job without objects in them is kept as before") {
  using nlohmann::ordered_json;
  const auto body = ordered_json::parse(R"({"name":"n","job_class_string":"mainspring.jobs.HttpJob",)"
                                        R"("pub_args":["http://127.0.0.1:9/x","POST",{"z":1,"a":[{"y":2,"b":3}]}],)"
                                        R"("hour":"3"})");
  auto job = decode_job(body);
  REQUIRE(job.ok());
  CHECK(job->pub_args.dump() == R"(["http://127.0.0.1:9/x","POST",{"z":1,"a":[{"y":2,"b":3}]}])");
  auto spec = to_job_spec(*job, "ndscheduler", new_job_id());
  REQUIRE(spec.ok());
  // The section's own members by name, pub_args as sent.
  CHECK(spec->dialect_data == R"({"ndscheduler":{"cron":{"hour":"3"},"job_class_string":"mainspring.jobs.HttpJob",)"
                              R"("pub_args":["http://127.0.0.1:9/x","POST",{"z":1,"a":[{"y":2,"b":3}]}]}})");
  // HttpJob sends an object body as given.
  CHECK(std::get<http_target>(spec->target).body == R"({"z":1,"a":[{"y":2,"b":3}]})");
  job_view view;
  view.spec = *spec;
  CHECK(job_json(view)["pub_args"].dump() == R"(["http://127.0.0.1:9/x","POST",{"z":1,"a":[{"y":2,"b":3}]}])");

  // Without objects in pub_args: the text a json section gave before pub_args kept its order.
  auto plain = decode_job(json{{"name", "p"}, {"job_class_string", std::string(k_awesome_job)},
                               {"pub_args", {"x", 1}}, {"trigger", "interval"}, {"trigger_params", {{"interval", 2.5}}}});
  REQUIRE(plain.ok());
  auto plain_spec = to_job_spec(*plain, "ndscheduler", new_job_id());
  REQUIRE(plain_spec.ok());
  const json section = {{"job_class_string", std::string(k_awesome_job)}, {"pub_args", {"x", 1}},
                        {"trigger", "interval"}, {"interval", 2.5}};
  CHECK(plain_spec->dialect_data == json{{"ndscheduler", section}}.dump());
}

TEST_CASE("APScheduler's printed fields follow its defaults") {
  auto strings = [](std::map<std::string, std::string> given) {
    std::map<std::string, std::string> out;
    for (auto& [k, v] : apscheduler_strings(given)) out[k] = v;
    return out;
  };
  auto a = strings({{"hour", "5"}});
  CHECK(a["month"] == "*");
  CHECK(a["day"] == "*");
  CHECK(a["hour"] == "5");
  CHECK(a["minute"] == "0");
  CHECK(a["week"] == "*");
  CHECK(a["day_of_week"] == "*");
  auto b = strings({{"month", "6"}});
  CHECK(b["day"] == "1");
  CHECK(b["hour"] == "0");
  CHECK(b["minute"] == "0");
  auto c = strings({{"day_of_week", "mon"}});  // Mondays at midnight: later fields their minimum
  CHECK(c["hour"] == "0");
  CHECK(c["minute"] == "0");
  CHECK(c["day"] == "*");
  CHECK(c["day_of_week"] == "mon");
}

TEST_CASE("a given field shows as str() of APScheduler's compiled field in the job JSON") {
  std::map<std::string, std::string> out;
  for (auto& [k, v] : apscheduler_strings({{"day_of_week", "MON-FRI"}, {"hour", "09"}})) out[k] = v;
  CHECK(out["day_of_week"] == "mon-fri");
  CHECK(out["hour"] == "9");
}

TEST_CASE("ndscheduler times: isoformat with an offset, and ISO 8601 ranges read as UTC") {
  CHECK(iso_time(1'796'280'000'000) == "2026-12-03T06:40:00+00:00");
  CHECK(iso_time(1'796'280'000'250) == "2026-12-03T06:40:00.250000+00:00");
  CHECK(*parse_iso_time("2026-12-03T06:40:00", "t") == 1'796'280'000'000);
  CHECK(*parse_iso_time("2026-12-03T06:40:00.250Z", "t") == 1'796'280'000'250);
  CHECK(*parse_iso_time("2026-12-03T07:40:00+01:00", "t") == 1'796'280'000'000);
  CHECK(*parse_iso_time("2026-12-03", "t") == 1'796'256'000'000);
  CHECK(parse_iso_time("yesterday", "time_range_start").status().message().rfind("time_range_start", 0) == 0);
}

TEST_CASE("ndscheduler time ranges take the ISO 8601 spellings dateutil's parser reads") {
  const int64_t t = 1'796'280'000'000;  // 2026-12-03T06:40:00Z
  for (const char* text : {"2026-12-03 06:40:00", "2026-12-03T06:40", "2026-12-03 06:40", "2026-12-03T06:40:00.000",
                           "2026-12-03t06:40:00z", "2026-12-03T07:40:00+0100", "2026-12-03T07:40+01", "2026-12-03T05:40-01:00"}) {
    INFO(text);
    auto parsed = parse_iso_time(text, "t");
    REQUIRE(parsed.ok());
    CHECK(*parsed == t);
  }
  CHECK(*parse_iso_time("2026-12-03T06", "t") == t - 40 * 60'000);
  for (const char* text : {"", "2026-12-03X06:40:00", "2026-12-03T6:40", "2026-12-03T06:40:00+1", "2026-12-03T06:40:00 +01:00",
                           "2026-12-03T06:4", "1450486310", "2026-13-03"}) {
    INFO(text);
    CHECK_FALSE(parse_iso_time(text, "t").ok());
  }
}

TEST_CASE("ndscheduler cron fields fire as APScheduler's CronTrigger") {
  auto next_of = [](std::map<std::string, std::string> given, const char* after) {
    auto text = cron_schedule_text(given);
    REQUIRE(text.ok());
    auto s = parse_schedule(*text);
    REQUIRE(s.ok());
    auto from = parse_rfc3339(after);
    auto next = s->next_after(*from, time_zone::utc());
    REQUIRE(next);
    return format_rfc3339_utc(*next, false);
  };
  // 2026-12-03 is a Thursday. day_of_week 0 is Monday, not Sunday.
  CHECK(next_of({{"day_of_week", "0"}, {"hour", "9"}}, "2026-12-03T10:00:00Z") == "2026-12-07T09:00:00Z");
  // day and day_of_week must both match: the next Friday the 13th.
  CHECK(next_of({{"day", "13"}, {"day_of_week", "fri"}}, "2026-12-03T00:00:00Z") == "2027-08-13T00:00:00Z");
  CHECK(next_of({{"day", "last"}, {"hour", "23"}}, "2026-12-03T00:00:00Z") == "2026-12-31T23:00:00Z");
  CHECK(cron_schedule_text({{"day_of_week", "funday"}}).status().message().find("day_of_week") != std::string::npos);
}

TEST_CASE("an execution id reads back as its job's id, any the core takes, and its run's") {
  auto ref = parse_execution_id("0123456789abcdef0123456789abcdef-18000000000000000001");
  REQUIRE(ref);
  CHECK(ref->job_id == "0123456789abcdef0123456789abcdef");
  CHECK(ref->run_id == 18'000'000'000'000'000'001ULL);
  auto dashed = parse_execution_id("nightly-report.v2-7");
  REQUIRE(dashed);
  CHECK(dashed->job_id == "nightly-report.v2");
  CHECK(dashed->run_id == 7);
  for (const char* bad : {"", "7", "-7", "a-", "a-0", "a- 7", "a-+7", "a-7x", "a/b-7", "a b-7", "..-7",
                          "a-18446744073709551615", "a-18446744073709551616"})
    CHECK_FALSE(parse_execution_id(bad));
}
