// Tests of the Cloudtask translation: job bodies read and checked, mapped onto REMOTE@* jobs with
// calendar rules, and jobs, job bases, logs and states written as Cloudtask shows them.
#include "http/cloudtask/job_json.h"
#include "http/cloudtask/mongo_id.h"

#include <catch2/catch.hpp>

#include <set>

#include "http/dialect_data.h"

using namespace mainspring;
using namespace mainspring::http::cloudtask;
using nlohmann::json;

namespace {

json rule(int turnmode = 2, int interval = 5) {
  return json{{"id", "r1"},         {"enabled", 1},       {"turnmode", turnmode}, {"interval", interval},
              {"startdate", "03/19/2018"}, {"enddate", ""}, {"starttime", "00:00"}, {"endtime", "23:59"},
              {"selectat", ""},     {"monthlyof", {{"day", 1}, {"week", ""}}}};
}

json body() {
  return json{{"name", "ACCT.ShippingCost.job"}, {"location", "myCluster"}, {"groupid", "g1"},
              {"cmd", "ps aux"},                {"env", {"A=1", "B=x=y"}}, {"timeout", 60},
              {"enabled", 1},                   {"schedule", {rule()}},    {"servers", {"w1", "w2"}},
              {"filename", "job.tar.gz"},       {"createuser", "ops"},     {"notifysetting", {{"failed", json::object()}}}};
}

std::string error_of(const json& b, bool require_id = false) { return decode_job(b, require_id).status().message(); }

}  // namespace

TEST_CASE("a Cloudtask job body becomes a REMOTE@* job placed by the table, off the schedule's first fire") {
  auto job = decode_job(body(), false);
  REQUIRE(job.ok());
  job_spec spec = to_job_spec(*job, "399d4b159c65c9b34d2a3c41", 1'700'000'000'000);
  CHECK(spec.id == "399d4b159c65c9b34d2a3c41");
  CHECK(spec.group == "myCluster");
  CHECK(spec.name == "ACCT.ShippingCost.job");
  CHECK(spec.exec_time_s == k_first_fire_by_schedule);  // creating runs nothing by itself
  CHECK(spec.schedule.starts_with("[{"));               // the calendar rules' canonical text
  CHECK(spec.timeout_ms == 60'000);
  CHECK_FALSE(spec.paused);
  CHECK(spec.concurrency == concurrency_policy::forbid);
  const auto& target = std::get<remote_target>(spec.target);
  CHECK(target.allocated);
  CHECK(target.command == "ps aux");
  CHECK(target.nodes == std::vector<std::string>{"w1", "w2"});
  CHECK(target.env == name_value_list{{"A", "1"}, {"B", "x=y"}});
  CHECK(validate_job(spec).ok());
  json section = http::dialect_section(spec.dialect_data, k_dialect_name);
  CHECK(section["groupid"] == "g1");
  CHECK(section["filename"] == "job.tar.gz");
  CHECK(section["notifysetting"] == json{{"failed", json::object()}});
}

TEST_CASE("servers may name worker servers by IP address or host name, as the center matches them") {
  json b = body();
  b["servers"] = {"192.168.2.80", "Build-3.example.com", "w1"};
  auto job = decode_job(b, false);
  REQUIRE(job.ok());
  job_spec spec = to_job_spec(*job, "399d4b159c65c9b34d2a3c41", 1'700'000'000'000);
  CHECK(std::get<remote_target>(spec.target).nodes ==
        std::vector<std::string>{"192.168.2.80", "Build-3.example.com", "w1"});
  CHECK(validate_job(spec).ok());
}

TEST_CASE("a job without rules runs only when started, timeout 0 is the longest, enabled absent is off") {
  json b = body();
  b["schedule"] = json::array();
  b.erase("enabled");
  b["timeout"] = 0;
  auto job = decode_job(b, false);
  REQUIRE(job.ok());
  job_spec spec = to_job_spec(*job, "a", 0);
  CHECK(spec.schedule == "@manually");
  CHECK(spec.timeout_ms == k_max_timeout_ms);
  CHECK(spec.paused);  // Go's zero value: a job created without "enabled" is disabled, as in Cloudtask
}

TEST_CASE("a job body without schedule is refused: the web reads schedule.length") {
  json b = body();
  b.erase("schedule");
  CHECK(error_of(b) == "schedule: required ([] for none)");
  b["schedule"] = nullptr;
  CHECK(error_of(b) == "schedule: required ([] for none)");
}

TEST_CASE("rules of one job get distinct ids, keeping the ones already distinct") {
  json b = body();
  json r2 = rule(1, 10);
  json r3 = rule(3, 1);
  r3["id"] = "own";
  b["schedule"] = {rule(), r2, r3, rule(4, 1)};
  b["schedule"][3].erase("id");
  auto job = decode_job(b, false);
  REQUIRE(job.ok());
  json rules = json::parse(job->schedule_text);
  REQUIRE(rules.size() == 4);
  std::set<std::string> ids;
  for (const auto& r : rules) ids.insert(r["id"].get<std::string>());
  CHECK(ids.size() == 4);
  CHECK(rules[0]["id"] == "r1");
  CHECK(rules[2]["id"] == "own");
}

TEST_CASE("bad Cloudtask bodies are refused naming the field") {
  auto without = [](const char* key) {
    json b = body();
    b.erase(key);
    return b;
  };
  CHECK(error_of(without("name")) == "name: required");
  CHECK(error_of(without("location")) == "location: required");
  CHECK(error_of(without("cmd")) == "cmd: required");
  CHECK(error_of(body(), true) == "jobid: required");
  json b = body();
  b["location"] = "no spaces";
  CHECK(error_of(b).starts_with("location:"));
  b = body();
  b["env"] = {"=x"};
  CHECK(error_of(b) == "env[0]: expects \"NAME=value\"");
  b = body();
  b["env"] = "A=1";
  CHECK(error_of(b) == "env: must be an array of strings");
  b = body();
  b["servers"] = {"w1", "bad,id"};
  CHECK(error_of(b).starts_with("servers[1]:"));
  b["servers"] = {"10.0.0.7", "host a"};
  CHECK(error_of(b).starts_with("servers[1]:"));
  b = body();
  b["timeout"] = -1;
  CHECK(error_of(b).starts_with("timeout: must be between 0 and"));
  b = body();
  b["timeout"] = 1.5;
  CHECK(error_of(b) == "timeout: must be a whole number");
  b = body();
  b["enabled"] = 2;
  CHECK(error_of(b).starts_with("enabled:"));
  b = body();
  b["schedule"] = {rule(1, 0)};
  CHECK(error_of(b).starts_with("schedule[0].interval"));
  b = body();
  b["groupid"] = 7;
  CHECK(error_of(b) == "groupid: has the wrong JSON type");
  b = body();
  b["name"] = std::string(k_max_job_name_bytes + 1, 'n');
  CHECK(error_of(b).starts_with("name: longer than"));
}

TEST_CASE("stat follows Cloudtask's states: 202 unplaced, 200 running, 0 idle or off, -1 failed") {
  job_view v;
  v.spec = to_job_spec(decode_job(body(), false).value(), "j", 0);
  CHECK(stat_of(v, job_stat{false}) == k_state_realloc);
  CHECK(stat_of(v, job_stat{true}) == k_state_stopped);
  v.running = 1;
  CHECK(stat_of(v, job_stat{true}) == k_state_started);
  v.running = 0;
  run_record failed;
  failed.state = run_state::failed;
  failed.error = "exit code 2";
  failed.end_ms = 5;
  v.last_run = failed;
  CHECK(stat_of(v, job_stat{true}) == k_state_failed);
  json out = job_json(v, job_stat{true});
  CHECK(out["stat"] == -1);
  CHECK(out["execerr"] == "job execute exception:exit status 2");  // the agent's words (Go's exec error)
  v.phase = job_phase::paused;
  CHECK(stat_of(v, job_stat{false}) == k_state_stopped);
  CHECK(job_json(v, job_stat{false})["enabled"] == 0);
}

TEST_CASE("a job is written back with the web's fields, and its base with the center's") {
  job_view v;
  v.spec = to_job_spec(decode_job(body(), false).value(), "399d4b159c65c9b34d2a3c41", 1'521'427'200'000);
  v.next_fire_ms = 1'521'427'500'000;
  json out = job_json(v, job_stat{true});
  for (const char* key : {"jobid", "name", "location", "servers", "groupid", "filename", "files", "cmd", "env",
                          "description", "timeout", "enabled", "schedule", "notifysetting", "createuser",
                          "createat", "edituser", "editat", "stat", "execerr", "execat", "nextat"})
    CHECK(out.contains(key));
  CHECK(out["_id"] == job_object_id(v.spec));  // its document's, as the web reads it from MongoDB
  CHECK(out["env"] == json{"A=1", "B=x=y"});
  CHECK(out["servers"] == json{"w1", "w2"});
  CHECK(out["schedule"][0]["turnmode"] == 2);
  CHECK(out["schedule"][0]["startdate"] == "03/19/2018");
  // As the web writes them: execat and nextat as dates from MongoDB (toISOString), createat as
  // moment().format().
  CHECK(out["execat"] == "0001-01-01T00:00:00.000Z");
  CHECK(out["nextat"] == "2018-03-19T02:45:00.000Z");
  CHECK(out["createat"] == "2018-03-19T02:40:00+00:00");
  CHECK(out["editat"] == "2018-03-19T02:40:00+00:00");
  CHECK(time_json(1'521'427'500'250) == "2018-03-19T02:45:00.250Z");
  json base = job_base_json(v, 3);
  CHECK(base == json{{"jobid", "399d4b159c65c9b34d2a3c41"},
                     {"jobname", "ACCT.ShippingCost.job"},
                     {"filename", "job.tar.gz"},
                     {"filecode", "672f79e627a3b1bcb8ced03b6b6d63a3"},  // md5sum of "job.tar.gz",
                     {"cmd", "ps aux"},
                     {"env", {"A=1", "B=x=y"}},
                     {"timeout", 60},
                     {"version", 3},
                     {"schedule", out["schedule"]}});
}

TEST_CASE("a run is written as the agent's job log row") {
  job_view v;
  v.spec = to_job_spec(decode_job(body(), false).value(), "j1", 0);
  run_record run;
  run.run_id = 42;
  run.job_id = "j1";
  run.group = "myCluster";
  run.state = run_state::succeeded;
  run.start_ms = 1'000;
  run.end_ms = 3'500;
  run.output_tail = "hi\n";
  run.node = "w1";
  json row = job_log_json(run, &v, "10.0.0.7");
  CHECK(row["_id"] == log_object_id(run));
  CHECK(row["jobid"] == "j1");
  CHECK(row["msgid"] == "42");
  CHECK(row["stat"] == 0);
  CHECK(row["location"] == "myCluster");
  CHECK(row["group"] == "g1");
  CHECK(row["command"] == "ps aux");
  CHECK(row["ipaddr"] == "10.0.0.7");
  CHECK(row["stdout"] == "hi\n");
  CHECK(row["exectimes"] == 2.5);  // seconds, as the agent's JobLog
  CHECK(row["createat"] == 3500);
  CHECK(row["execat"] == "1970-01-01T00:00:01.000Z");
  run.state = run_state::timed_out;
  run.error = "timed out after 60000 ms";
  row = job_log_json(run, nullptr, "");
  CHECK(row["stat"] == -1);
  CHECK(row["execerr"] == "the job has been executed for too long and has exceeded the timeout threshold.");
  CHECK(row["event"] == row["execerr"]);
}

TEST_CASE("a run's outcome in cloudtask-agent's words: stat and execerr") {
  auto ended = [](run_state state, std::string error) {
    run_record r;
    r.state = state;
    r.error = std::move(error);
    r.end_ms = 5;
    return r;
  };
  auto check = [](const run_record& r, int stat, const std::string& execerr) {
    agent_outcome o = agent_outcome_of(r);
    CHECK(o.stat == stat);
    CHECK(o.execerr == execerr);
  };
  check(ended(run_state::succeeded, ""), k_state_stopped, "");
  check(ended(run_state::failed, "exit code 127"), k_state_failed, "job execute exception:exit status 127");
  check(ended(run_state::failed, "killed by signal 9"), k_state_failed, "job execute exception:signal: killed");
  check(ended(run_state::failed, "killed by signal 15"), k_state_failed, "job execute exception:signal: terminated");
  check(ended(run_state::timed_out, "timed out after 5000 ms"), k_state_failed,
        "the job has been executed for too long and has exceeded the timeout threshold.");
  // The stop action: STATE_STOPED without error, as the agent reports EXIT_STOP.
  check(ended(run_state::failed, "aborted: stopped through the cloudtask API"), k_state_stopped, "");
  check(ended(run_state::failed, "worker node w1 lost"), k_state_failed, "worker node w1 lost");
  run_record quiet = ended(run_state::failed, "");
  quiet.output_tail = "boom";
  check(quiet, k_state_failed, "boom");
}
