// End to end: the ndscheduler dialect (--ndscheduler-listen) against the real server: the
// document's curl example and the released server's bodies, both schedule shapes, the sample job
// classes firing (ShellJob, CurlJob against a local sink, AwesomeJob), pause and resume, run now,
// executions in a time range, audit logs, and hostile input.
#include <chrono>
#include <map>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/e2e/http_client.h"
#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/support/http_sink.h"
#include "tests/support/temp_dir.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

std::vector<std::string> with_flags(std::vector<std::string> flags, const std::vector<std::string>& more) {
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

struct nd_server {
  explicit nd_server(const std::vector<std::string>& more_flags = {}) : more(more_flags) {}
  std::vector<std::string> more;
  uint16_t nd_port = pick_free_port();
  server_process server{with_flags({"--ndscheduler-listen", "127.0.0.1:" + std::to_string(nd_port)}, more)};
  http_client nd{"http://127.0.0.1:" + std::to_string(nd_port)};
  native_api native{server.base_url()};

  json ok(const http_response& r, int status = 200) {
    INFO(r.status << " " << r.body);
    REQUIRE(r.status == status);
    return r.json();
  }
  std::string create(const json& body) { return ok(nd.post_json("/api/v1/jobs", body), 201)["job_id"]; }
  json job(const std::string& id) { return ok(nd.get("/api/v1/jobs/" + id)); }
  json executions(const std::string& query = "") { return ok(nd.get("/api/v1/executions" + query))["executions"]; }
  // Finished executions of the job, newest first.
  std::vector<json> finished(const std::string& id) {
    std::vector<json> out;
    for (const auto& e : executions("?time_range_start=2000-01-01T00:00:00"))
      if (e.contains("job") && e["job"]["job_id"] == id && e["state"] != "running") out.push_back(e);
    return out;
  }
  std::string run_now(const std::string& id) { return ok(nd.post_json("/api/v1/executions/" + id, std::string("")))["execution_id"]; }
  json wait_execution(const std::string& eid) {
    json e;
    REQUIRE(eventually([&] {
      auto r = nd.get("/api/v1/executions/" + eid);
      if (r.status != 200) return false;
      e = r.json();
      return e["state"] != "running";
    }, 20s));
    return e;
  }
};

// The document's "Run it NOW" example, as its curl sends it.
const char* k_doc_example = R"({"job_class_string": "simple_scheduler.jobs.sample_job.AwesomeJob",
  "name": "My first job", "pub_args": ["arg1", 2],
  "trigger": "cron", "trigger_params": {"minute": "*/1"}})";

bool is_hex32(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

TEST_CASE("ndscheduler: the document's example creates a job that lists with its schedule fields") {
  nd_server s;
  auto r = s.nd.request("POST", "/api/v1/jobs", std::string(k_doc_example), "application/json");
  REQUIRE(r.status == 201);
  std::string id = r.json()["job_id"];
  CHECK(is_hex32(id));
  json jobs = s.ok(s.nd.get("/api/v1/jobs"))["jobs"];
  REQUIRE(jobs.size() == 1);
  json j = jobs[0];
  CHECK(j["job_id"] == id);
  CHECK(j["name"] == "My first job");
  CHECK(j["job_class_string"] == "simple_scheduler.jobs.sample_job.AwesomeJob");
  CHECK(j["pub_args"] == json::array({"arg1", 2}));
  CHECK(j["minute"] == "*/1");
  CHECK(j["hour"] == "*");
  CHECK(j["week"] == "*");
  CHECK(j["trigger"] == "cron");
  CHECK(j["trigger_params"]["minute"] == "*/1");
  std::string next = j["next_run_time"];
  CHECK(next.size() >= 25);
  CHECK(next.substr(next.size() - 6) == "+00:00");
  CHECK(next.substr(17, 2) == "00");  // at second 0 of a minute
  // It is a Mainspring job in the ndscheduler group.
  CHECK(s.native.detail("ndscheduler", id)["name"] == "My first job");
}

TEST_CASE("ndscheduler: the released server's flat cron fields take APScheduler's defaults") {
  nd_server s;
  std::string id = s.create({{"name", "daily"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                             {"hour", "5"}, {"pub_args", json::array()}});
  json j = s.job(id);
  CHECK(j["hour"] == "5");
  CHECK(j["minute"] == "0");  // below the least significant field given: its minimum
  CHECK(j["day"] == "*");     // above it: every
  std::string next = j["next_run_time"];
  CHECK(next.substr(11, 8) == "05:00:00");
  // day_of_week 0 is Monday in APScheduler (not Sunday as in cron).
  std::string monday = s.create({{"name", "monday"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                                 {"day_of_week", "0"}, {"hour", "9"}});
  std::string when = s.job(monday)["next_run_time"];
  std::chrono::year_month_day date{std::chrono::year{std::stoi(when.substr(0, 4))},
                                   std::chrono::month{static_cast<unsigned>(std::stoi(when.substr(5, 2)))},
                                   std::chrono::day{static_cast<unsigned>(std::stoi(when.substr(8, 2)))}};
  CHECK(std::chrono::weekday{std::chrono::sys_days{date}} == std::chrono::Monday);
  CHECK(when.substr(11, 8) == "09:00:00");
  // An interval job (the document's other trigger).
  std::string every = s.create({{"name", "often"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                                {"trigger", "interval"}, {"trigger_params", {{"interval", 3600}}}});
  CHECK(s.job(every)["trigger_params"]["interval"] == 3600);
}

TEST_CASE("ndscheduler: ShellJob records its return code, and fails only when the program cannot start") {
  nd_server s;
  std::string ok = s.create({{"name", "sh"}, {"job_class_string", "simple_scheduler.jobs.shell_job.ShellJob"},
                             {"pub_args", {"/bin/sh", "-c", "echo hidden; exit 3"}}, {"minute", "0"}, {"hour", "0"}});
  json e = s.wait_execution(s.run_now(ok));
  CHECK(e["state"] == "succeeded");
  CHECK(e["result"] == "{\n    \"returncode\": 3\n}");  // json.dumps(result, indent=4, sort_keys=True)
  CHECK(e["job"]["task_name"] == "simple_scheduler.jobs.shell_job.ShellJob");
  std::string missing = s.create({{"name", "nope"}, {"job_class_string", "simple_scheduler.jobs.shell_job.ShellJob"},
                                  {"pub_args", {"/no/such/program"}}, {"minute", "0"}});
  json f = s.wait_execution(s.run_now(missing));
  CHECK(f["state"] == "failed");
  CHECK(f["result"].get<std::string>().find("/no/such/program") != std::string::npos);
}

TEST_CASE("ndscheduler: CurlJob calls the URL and records the body whatever the status") {
  nd_server s;
  http_sink sink;
  sink.set_response(404, "not here");
  std::string id = s.create({{"name", "curl"}, {"job_class_string", "simple_scheduler.jobs.curl_job.CurlJob"},
                             {"pub_args", {sink.url("/ping"), "DELETE"}}, {"minute", "0"}});
  json e = s.wait_execution(s.run_now(id));
  REQUIRE(sink.wait_for_requests(1, std::chrono::seconds(10)));
  CHECK(sink.requests()[0].method == "DELETE");
  CHECK(e["state"] == "succeeded");
  CHECK(e["result"] == "\"not here\"");  // json.dumps of the text, as ndscheduler stores it
}

TEST_CASE("ndscheduler: a cron job fires at its time, and an unknown class ends in scheduled error") {
  nd_server s;
  std::string id = s.create({{"name", "tick"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                             {"pub_args", {"a", "b"}}, {"second", "*/2"}, {"minute", "*"}});
  REQUIRE(eventually([&] { return !s.finished(id).empty(); }, 15s));
  json e = s.finished(id)[0];
  CHECK(e["state"] == "succeeded");
  CHECK(e["result"] == "[\n    \"a\",\n    \"b\"\n]");
  std::string sched = e["scheduled_time"];
  CHECK(std::stoi(sched.substr(17, 2)) % 2 == 0);

  // The document's shape, every minute: the run comes at second 0 of the next minute.
  std::string minutely = s.create({{"name", "minutely"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                                   {"trigger", "cron"}, {"trigger_params", {{"minute", "*"}}}});
  REQUIRE(eventually([&] { return !s.finished(minutely).empty(); }, 75s));
  std::string at = s.finished(minutely)[0]["scheduled_time"];
  CHECK(at.substr(17, 2) == "00");

  std::string unknown = s.create({{"name", "py"}, {"job_class_string", "my_company.jobs.ReportJob"}, {"minute", "0"}});
  json u = s.wait_execution(s.run_now(unknown));
  CHECK(u["state"] == "scheduled error");
  CHECK(u["result"].get<std::string>().find("my_company.jobs.ReportJob") != std::string::npos);
}

TEST_CASE("ndscheduler: an AwesomeJob or CurlJob short of its run() arguments is taken and each run fails with Python's TypeError") {
  nd_server s;
  std::string awesome = s.create({{"name", "one arg"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                                  {"pub_args", {"only"}}, {"minute", "0"}, {"hour", "0"}});
  json a = s.wait_execution(s.run_now(awesome));
  CHECK(a["state"] == "failed");
  CHECK(a["result"].get<std::string>().find("TypeError: run() missing 1 required positional argument: 'argument2'") !=
        std::string::npos);
  std::string curl = s.create({{"name", "no method"}, {"job_class_string", "simple_scheduler.jobs.curl_job.CurlJob"},
                               {"pub_args", {"http://127.0.0.1:9/"}}, {"minute", "0"}, {"hour", "0"}});
  json c = s.wait_execution(s.run_now(curl));
  CHECK(c["state"] == "failed");
  CHECK(c["result"].get<std::string>().find("'request_type'") != std::string::npos);
}

TEST_CASE("ndscheduler: modify, pause, resume and delete, with the audit log") {
  nd_server s;
  std::string id = s.create({{"name", "before"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                             {"pub_args", {"keep", 1}}, {"minute", "*/5"}});
  CHECK(s.ok(s.nd.request("PATCH", "/api/v1/jobs/" + id, std::nullopt))["job_id"] == id);
  CHECK(s.job(id)["next_run_time"] == "");
  // PUT replaces the schedule and keeps pub_args when omitted; a paused job stays paused.
  CHECK(s.ok(s.nd.request("PUT", "/api/v1/jobs/" + id,
                          json{{"name", "after"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                               {"hour", "7"}}.dump()))["job_id"] == id);
  json j = s.job(id);
  CHECK(j["name"] == "after");
  CHECK(j["hour"] == "7");
  CHECK(j["minute"] == "0");
  CHECK(j["pub_args"] == json::array({"keep", 1}));
  CHECK(j["next_run_time"] == "");
  CHECK(s.ok(s.nd.request("OPTIONS", "/api/v1/jobs/" + id, std::nullopt))["job_id"] == id);
  CHECK(s.job(id)["next_run_time"].get<std::string>().substr(11, 8) == "07:00:00");
  s.run_now(id);
  CHECK(s.ok(s.nd.del("/api/v1/jobs/" + id))["job_id"] == id);
  auto gone = s.nd.get("/api/v1/jobs/" + id);
  CHECK(gone.status == 400);
  CHECK(gone.json()["error"] == "Job not found: " + id);

  json logs = s.ok(s.nd.get("/api/v1/logs?time_range_start=2000-01-01T00:00:00"))["logs"];
  std::vector<std::string> events;
  for (const auto& l : logs)
    if (l["job_id"] == id) events.push_back(l["event"]);
  CHECK(events == std::vector<std::string>{"deleted", "custom_run", "resumed", "modified", "paused", "added"});
  for (const auto& l : logs) {
    CHECK(l.contains("created_time"));
    CHECK(l.contains("user"));
  }
}

TEST_CASE("ndscheduler: each audit log entry names the job as it was named then, deleted included") {
  nd_server s;
  std::string id = s.create({{"name", "My first job"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                             {"minute", "*/5"}});
  s.ok(s.nd.request("PATCH", "/api/v1/jobs/" + id, std::nullopt));
  s.ok(s.nd.request("PUT", "/api/v1/jobs/" + id,
                    json{{"name", "Flat"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                         {"hour", "7"}}.dump()));
  s.ok(s.nd.request("OPTIONS", "/api/v1/jobs/" + id, std::nullopt));
  s.run_now(id);
  s.ok(s.nd.del("/api/v1/jobs/" + id));

  json logs = s.ok(s.nd.get("/api/v1/logs?time_range_start=2000-01-01T00:00:00"))["logs"];
  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto& l : logs)
    if (l["job_id"] == id) seen.emplace_back(l["event"], l["job_name"]);
  CHECK(seen == std::vector<std::pair<std::string, std::string>>{{"deleted", "Flat"},
                                                                 {"custom_run", "Flat"},
                                                                 {"resumed", "Flat"},
                                                                 {"modified", "Flat"},
                                                                 {"paused", "My first job"},
                                                                 {"added", "My first job"}});
}

TEST_CASE("ndscheduler: a job made an interval job by PUT shows its interval and no cron strings") {
  nd_server s;
  std::string id = s.create({{"name", "x"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                             {"minute", "*/5"}});
  s.ok(s.nd.request("PUT", "/api/v1/jobs/" + id,
                    json{{"name", "x"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                         {"trigger", "interval"}, {"trigger_params", {{"interval", 3600}}}}.dump()));
  json j = s.job(id);
  CHECK(j["trigger"] == "interval");
  CHECK(j["trigger_params"] == json{{"interval", 3600}});
  for (const char* f : {"month", "day", "week", "day_of_week", "hour", "minute"}) CHECK_FALSE(j.contains(f));
  json e = s.wait_execution(s.run_now(id));
  REQUIRE(e.contains("job"));
  for (const char* f : {"month", "day", "week", "day_of_week", "hour", "minute"}) CHECK_FALSE(e["job"].contains(f));
}

TEST_CASE("ndscheduler: executions in a time range, one by id, and run now in both spellings") {
  nd_server s;
  std::string id = s.create({{"name", "x"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                             {"pub_args", {1, 2}}, {"minute", "0"}, {"hour", "0"}});
  std::string e1 = s.run_now(id);
  std::string e2 = s.ok(s.nd.post_json("/api/v1/executions", json{{"job_id", id}}))["execution_id"];
  CHECK(e1 != e2);
  s.wait_execution(e1);
  s.wait_execution(e2);
  REQUIRE(eventually([&] { return s.executions().size() == 2; }));  // the default: the last 10 minutes
  json list = s.executions();
  // Latest updated_time (here: end) first, as ndscheduler orders them.
  CHECK(list[0]["updated_time"].get<std::string>() >= list[1]["updated_time"].get<std::string>());
  CHECK(std::set<std::string>{list[0]["execution_id"], list[1]["execution_id"]} == std::set<std::string>{e1, e2});
  CHECK(s.executions("?time_range_start=2000-01-01T00:00:00&time_range_end=2000-01-02T00:00:00").empty());
  auto missing = s.nd.get("/api/v1/executions/nope");
  CHECK(missing.status == 400);
  CHECK(missing.json()["error"] == "Execution not found: nope");
  auto unknown = s.nd.post_json("/api/v1/executions/0123456789abcdef0123456789abcdef", std::string(""));
  CHECK(unknown.status == 400);
  CHECK(unknown.json()["error"] == "Job not found: 0123456789abcdef0123456789abcdef");
  CHECK(s.nd.get("/api/v1/executions?time_range_start=yesterday").status == 400);
}

namespace {

// Makes a ShellJob, runs it once to its end and deletes it: its id and the execution's.
std::pair<std::string, std::string> run_once_then_delete(nd_server& s) {
  std::string id = s.create({{"name", "Short lived"}, {"job_class_string", "simple_scheduler.jobs.shell_job.ShellJob"},
                             {"pub_args", {"true"}}, {"minute", "*/5"}});
  const std::string eid = s.run_now(id);
  CHECK(s.wait_execution(eid)["state"] == "succeeded");
  REQUIRE(s.finished(id).size() == 1);
  s.ok(s.nd.del("/api/v1/jobs/" + id));
  return {id, eid};
}

}  // namespace

TEST_CASE("ndscheduler: a deleted job's executions stay listed, without their job, as ndscheduler keeps them") {
  nd_server s;
  const auto [id, eid] = run_once_then_delete(s);
  // ndscheduler's executions table keeps the row; _build_execution finds no job to add. (Its
  // record is written lazily, after the job showed it: it may land just after the delete.)
  json kept;
  REQUIRE(eventually([&] {
    for (const auto& e : s.executions())
      if (e["execution_id"] == eid) kept = e;
    return kept.is_object();
  }));
  CHECK(kept["state"] == "succeeded");
  CHECK_FALSE(kept.contains("job"));
  json one = s.ok(s.nd.get("/api/v1/executions/" + eid));
  CHECK(one["state"] == "succeeded");
  CHECK_FALSE(one.contains("job"));
  // The job itself stays gone.
  CHECK(s.nd.get("/api/v1/jobs/" + id).status == 400);
}

TEST_CASE("ndscheduler: with --deleted-job-history 0 a deleted job's executions go with it") {
  nd_server s({"--deleted-job-history", "0"});
  const std::string eid = run_once_then_delete(s).second;
  CHECK(s.executions().empty());
  CHECK(s.nd.get("/api/v1/executions/" + eid).status == 400);
}

TEST_CASE("ndscheduler: the executions list shows a run in flight as running, then as it ended") {
  nd_server s;
  testing::temp_dir dir("ms_nd_executions");
  const std::string gate = dir.path + "/go";
  std::string id = s.create({{"name", "slow"}, {"job_class_string", "simple_scheduler.jobs.shell_job.ShellJob"},
                             {"pub_args", {"/bin/sh", "-c", "while [ ! -e " + gate + " ]; do sleep 0.05; done"}},
                             {"minute", "0"}, {"hour", "0"}});
  std::string quick = s.create({{"name", "quick"}, {"job_class_string", "simple_scheduler.jobs.shell_job.ShellJob"},
                                {"pub_args", {"/bin/true"}}, {"minute", "0"}, {"hour", "0"}});
  std::string done = s.run_now(quick);
  s.wait_execution(done);
  // Two runs of the gated job stay in flight; they show beside the finished one, newest first.
  std::string first = s.run_now(id);
  std::string second = s.run_now(id);
  json list;
  REQUIRE(eventually([&] {
    list = s.executions();
    return list.size() == 3;
  }));
  INFO(list.dump());
  CHECK(list[0]["execution_id"] == second);
  CHECK(list[1]["execution_id"] == first);
  CHECK(list[2]["execution_id"] == done);
  CHECK(list[0]["state"] == "running");
  CHECK(list[1]["state"] == "running");
  CHECK(list[0]["result"].is_null());
  CHECK(list[0]["job"]["job_id"] == id);
  CHECK(list[2]["state"] == "succeeded");
  // Out of the time range, a run in flight is left out as a finished one is.
  CHECK(s.executions("?time_range_start=2000-01-01T00:00:00&time_range_end=2000-01-02T00:00:00").empty());
  std::ofstream(gate) << "x";
  s.wait_execution(first);
  s.wait_execution(second);
  REQUIRE(eventually([&] {
    list = s.executions();
    return list.size() == 3 && list[0]["state"] == "succeeded" && list[1]["state"] == "succeeded";
  }));
}

TEST_CASE("ndscheduler: the job list is by next run time, jobs due together as added, paused ones last") {
  nd_server s;
  std::vector<std::string> ids;
  for (const char* name : {"first", "second", "third"}) {
    // All due at 2099-01-01 00:00: together, and never before the interval job below.
    ids.push_back(s.create({{"name", name}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                            {"year", "2099"}, {"month", "1"}}));
    std::this_thread::sleep_for(5ms);  // distinct creation times (milliseconds)
  }
  std::string sooner = s.create({{"name", "sooner"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                                 {"trigger", "interval"}, {"trigger_params", {{"interval", 60}}}});
  REQUIRE(s.nd.request("PATCH", "/api/v1/jobs/" + ids[0], "").status == 200);  // pause the first
  json jobs = s.ok(s.nd.get("/api/v1/jobs"))["jobs"];
  std::vector<std::string> order;
  for (const auto& j : jobs) order.push_back(j["job_id"]);
  CHECK(order == std::vector<std::string>{sooner, ids[1], ids[2], ids[0]});
}

TEST_CASE("ndscheduler: hostile input gets a 400 in its shape and changes nothing") {
  nd_server s;
  auto bad = [&](const std::string& body, const std::string& needle) {
    auto r = s.nd.request("POST", "/api/v1/jobs", body, "application/json");
    INFO(body << " -> " << r.status << " " << r.body);
    CHECK(r.status == 400);
    CHECK(r.json()["error"].get<std::string>().find(needle) != std::string::npos);
  };
  bad("{", "");
  bad("[]", "");
  bad(R"({"name":"x"})", "Require this parameter: job_class_string");
  bad(R"({"job_class_string":"a.B"})", "Require this parameter: name");
  bad(R"({"name":"","job_class_string":"a.B","minute":"0"})", "Require this parameter: name");
  bad(R"({"name":"x","job_class_string":"a.B"})", "Require at least one of following parameters");
  bad(R"({"name":"x","job_class_string":"a.B","hour":"25"})", "hour");
  bad(R"({"name":"x","job_class_string":"a.B","hour":[1]})", "hour");
  bad(R"({"name":"x","job_class_string":"a.B","minute":"0","pub_args":"no"})", "pub_args");
  bad(R"({"name":"x","job_class_string":"rm -rf /","minute":"0"})", "job_class_string");
  bad(R"({"name":"x","job_class_string":"a.B","trigger":"interval","trigger_params":{"interval":0}})", "interval");
  bad(R"({"name":"x","job_class_string":"a.B","trigger":"sometimes"})", "trigger");
  bad(R"({"name":")" + std::string(10000, 'n') + R"(","job_class_string":"a.B","minute":"0"})", "name");
  CHECK(s.ok(s.nd.get("/api/v1/jobs"))["jobs"].empty());
  auto put = s.nd.request("PUT", "/api/v1/jobs/0123456789abcdef0123456789abcdef",
                          json{{"name", "x"}, {"job_class_string", "a.B"}, {"minute", "0"}}.dump());
  CHECK(put.status == 400);
  CHECK(put.json()["error"] == "Job not found: 0123456789abcdef0123456789abcdef");
  CHECK(s.nd.request("PATCH", "/api/v1/jobs/nope", std::nullopt).status == 400);
  CHECK(s.nd.request("OPTIONS", "/api/v1/jobs/nope", std::nullopt).status == 400);
  CHECK(s.nd.del("/api/v1/jobs/nope").status == 400);
  CHECK(s.ok(s.nd.get("/api/v1/jobs"))["jobs"].empty());
}

TEST_CASE("ndscheduler: a GET of a path with trailing slashes is redirected as tornado's removeslash does") {
  nd_server s;
  const std::string id = s.create(json::parse(k_doc_example));
  auto listed = s.nd.get("/api/v1/jobs/?x=1");
  CHECK(listed.status == 301);
  CHECK(listed.header("location") == "/api/v1/jobs?x=1");
  CHECK(listed.body.empty());
  CHECK(s.nd.get("/api/v1/jobs/" + id + "//").header("location") == "/api/v1/jobs/" + id);
  CHECK(s.nd.get("/api/v1/executions/").header("location") == "/api/v1/executions");
  // Other methods: tornado's 404, whatever the job.
  CHECK(s.nd.post_json("/api/v1/jobs/", json::parse(k_doc_example)).status == 404);
  CHECK(s.nd.request("PUT", "/api/v1/jobs/" + id + "/", std::string(k_doc_example)).status == 404);
  CHECK(s.nd.del("/api/v1/jobs/" + id + "/").status == 404);
  // A path no tornado route takes: 404 (/api/v1/logs has no "(.*)" after it).
  CHECK(s.nd.get("/api/v1/nothing/").status == 404);
  CHECK(s.nd.get("/api/v1/logs/").status == 404);
  CHECK(s.ok(s.nd.get("/api/v1/jobs"))["jobs"].size() == 1);  // nothing was created or deleted
}

TEST_CASE("ndscheduler: an id with slashes reaches the handlers, as tornado's (.*) routes take it") {
  nd_server s;
  auto got = s.nd.get("/api/v1/jobs/a%2Fb/c");
  CHECK(got.status == 400);
  CHECK(got.json()["error"] == "Job not found: a/b/c");
  CHECK(s.nd.request("PATCH", "/api/v1/jobs/a/b", std::nullopt).json()["error"] == "Job not found: a/b");
  CHECK(s.nd.del("/api/v1/jobs/a/b").json()["error"] == "Job not found: a/b");
  CHECK(s.nd.post_json("/api/v1/executions/a/b", std::string("")).json()["error"] == "Job not found: a/b");
  CHECK(s.nd.get("/api/v1/executions/a/b-1").json()["error"] == "Execution not found: a/b-1");
  CHECK(s.nd.del("/api/v1/executions/a/b").status == 501);
}

TEST_CASE("ndscheduler: a job added to its group through the native API answers by id, its executions too") {
  nd_server s;
  s.native.add_job({{"group_name", "ndscheduler"}, {"name", "native one"}, {"job_id", "report_1"},
                    {"interval_pattern", "0 0 3 * * *"}, {"request_url", ""}, {"exec_command", "echo hi"}});
  CHECK(s.job("report_1")["name"] == "native one");
  const std::string eid = s.run_now("report_1");
  CHECK(eid.starts_with("report_1-"));
  json e = s.wait_execution(eid);
  CHECK(e["execution_id"] == eid);
  CHECK(e["job"]["job_id"] == "report_1");
}

TEST_CASE("ndscheduler: the audit log describes a modify as ndscheduler's diff and a delete as the job's JSON") {
  nd_server s;
  std::string id = s.create({{"name", "before"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                             {"pub_args", {"keep", 1}}, {"minute", "*/5"}});
  s.ok(s.nd.request("PUT", "/api/v1/jobs/" + id,
                    json{{"name", "after"}, {"job_class_string", "simple_scheduler.jobs.sample_job.AwesomeJob"},
                         {"pub_args", {"keep", 2}}, {"minute", "*/5"}, {"hour", "7"}}.dump()));
  s.ok(s.nd.request("PATCH", "/api/v1/jobs/" + id, std::nullopt));  // paused: next_run_time ""
  const json last = s.job(id);
  s.ok(s.nd.del("/api/v1/jobs/" + id));
  json logs = s.ok(s.nd.get("/api/v1/logs?time_range_start=2000-01-01T00:00:00"))["logs"];
  std::map<std::string, json> by_event;
  for (const auto& l : logs)
    if (l["job_id"] == id) by_event[l["event"]] = l["description"];
  CHECK(by_event["modified"] ==
        "<b>name</b>: <font color=\"red\">before</font> => <font color=\"green\">after</font><br>"
        "<b>pub_args</b>: <font color=\"red\">['keep', 1]</font> => <font color=\"green\">['keep', 2]</font><br>"
        "<b>hour</b>: <font color=\"red\">*</font> => <font color=\"green\">7</font><br>");
  const std::string deleted = by_event["deleted"];
  CHECK(deleted.starts_with(R"({"job_id": ")" + id + R"(", "name": "after", "next_run_time": "", )"));
  CHECK(json::parse(deleted) == last);
  CHECK(by_event["added"].is_null());
  CHECK(by_event["paused"].is_null());
}

TEST_CASE("ndscheduler: a run of a job deleted while it runs is listed and answered throughout, its result in the class's form") {
  nd_server s;
  const std::string id = s.create({{"job_class_string", "simple_scheduler.jobs.shell_job.ShellJob"},
                                   {"name", "gone"}, {"pub_args", {"sleep", "2"}}, {"minute", "0"}});
  const std::string eid = s.run_now(id);
  s.ok(s.nd.request("DELETE", "/api/v1/jobs/" + id, ""));
  // Still running, without its job: answered by id and listed.
  json running = s.ok(s.nd.get("/api/v1/executions/" + eid));
  CHECK(running["state"] == "running");
  CHECK_FALSE(running.contains("job"));
  bool listed = false;
  for (const auto& e : s.executions("?time_range_start=2000-01-01T00:00:00")) listed = listed || e["execution_id"] == eid;
  CHECK(listed);
  json ended = s.wait_execution(eid);
  CHECK(ended["state"] == "succeeded");
  CHECK(ended["result"] == "{\n    \"returncode\": 0\n}");  // json.dumps(indent=4), as for a live job's run
  bool listed_ended = false;
  for (const auto& e : s.executions("?time_range_start=2000-01-01T00:00:00"))
    if (e["execution_id"] == eid) listed_ended = e["result"] == "{\n    \"returncode\": 0\n}";
  CHECK(listed_ended);
}

namespace {

// pub_args with objects whose keys are not in sorted order, at two depths, as a client sends them
// and as the answers (compact JSON) show them.
const char* k_ordered_pub_args = R"([{"z": 1, "a": 2}, {"y": {"c": 3, "b": 4}}])";
const char* k_ordered_pub_args_shown = R"("pub_args":[{"z":1,"a":2},{"y":{"c":3,"b":4}}])";

std::string ordered_job_body(const std::string& name, const std::string& pub_args) {
  return R"({"name": ")" + name + R"(", "job_class_string": "simple_scheduler.jobs.sample_job.AwesomeJob", "pub_args": )" +
         pub_args + R"(, "minute": "*/5"})";
}

bool shows(const http_response& r, const std::string& text) {
  INFO(r.status << " " << r.body);
  return r.status == 200 && r.body.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("ndscheduler: an object in pub_args keeps its keys in the order sent in jobs, executions and the audit log, also after a restart") {
  nd_server s;
  auto created = s.nd.request("POST", "/api/v1/jobs", ordered_job_body("ordered", k_ordered_pub_args), "application/json");
  const std::string id = s.ok(created, 201)["job_id"];
  CHECK(shows(s.nd.get("/api/v1/jobs/" + id), k_ordered_pub_args_shown));
  CHECK(shows(s.nd.get("/api/v1/jobs"), k_ordered_pub_args_shown));
  // A run's execution shows its job's pub_args as sent; its result is what ndscheduler stores,
  // json.dumps(sort_keys=True) of what AwesomeJob returned: keys sorted there.
  const std::string eid = s.run_now(id);
  s.wait_execution(eid);
  auto execution = s.nd.get("/api/v1/executions/" + eid);
  CHECK(shows(execution, k_ordered_pub_args_shown));
  CHECK(execution.json()["result"] == "[\n    {\n        \"a\": 2,\n        \"z\": 1\n    },\n    {\n        \"y\": {\n"
                                      "            \"b\": 4,\n            \"c\": 3\n        }\n    }\n]");
  CHECK(shows(s.nd.get("/api/v1/executions?time_range_start=2000-01-01T00:00:00"), k_ordered_pub_args_shown));
  // A modify describes both sides as Python's repr prints them, each in its order.
  s.ok(s.nd.request("PUT", "/api/v1/jobs/" + id, ordered_job_body("ordered", R"([{"z": 1, "a": 5}, {"y": {"c": 3, "b": 4}}])"),
                    "application/json"));
  const std::string modified =
      "<b>pub_args</b>: <font color=\"red\">[{'z': 1, 'a': 2}, {'y': {'c': 3, 'b': 4}}]</font> => "
      "<font color=\"green\">[{'z': 1, 'a': 5}, {'y': {'c': 3, 'b': 4}}]</font><br>";
  auto description_of = [&](const std::string& event) {
    json logs = s.ok(s.nd.get("/api/v1/logs?time_range_start=2000-01-01T00:00:00"))["logs"];
    for (const auto& l : logs)
      if (l["job_id"] == id && l["event"] == event) return l["description"].get<std::string>();
    return std::string("(no " + event + " entry)");
  };
  CHECK(description_of("modified") == modified);
  const std::string changed_shown = R"("pub_args":[{"z":1,"a":5},{"y":{"c":3,"b":4}}])";

  // The order is kept with the job: after a restart, the job, its execution and the log as before.
  s.server.restart();
  CHECK(shows(s.nd.get("/api/v1/jobs/" + id), changed_shown));
  CHECK(shows(s.nd.get("/api/v1/executions/" + eid), changed_shown));
  CHECK(description_of("modified") == modified);
  // A delete keeps json.dumps of the job, pub_args as they stood.
  s.ok(s.nd.del("/api/v1/jobs/" + id));
  CHECK(description_of("deleted").find(R"("pub_args": [{"z": 1, "a": 5}, {"y": {"c": 3, "b": 4}}], )") != std::string::npos);
}

TEST_CASE("ndscheduler: a key sent twice in a pub_args object keeps its first place and its last value, as json.loads") {
  nd_server s;
  auto created = s.nd.request("POST", "/api/v1/jobs", ordered_job_body("twice", R"([{"b": 1, "a": 2, "b": 3}, 0])"),
                              "application/json");
  const std::string id = s.ok(created, 201)["job_id"];
  CHECK(shows(s.nd.get("/api/v1/jobs/" + id), R"("pub_args":[{"b":3,"a":2},0])"));
}

TEST_CASE("ndscheduler: pub_args keep their order through a dump imported into a fresh server") {
  nd_server source;
  const std::string id = source.ok(source.nd.request("POST", "/api/v1/jobs", ordered_job_body("moved", k_ordered_pub_args),
                                                     "application/json"),
                                   201)["job_id"];
  auto dump = source.native.client.get("/v1/dump/all");
  REQUIRE(dump.status == 200);
  nd_server target;
  auto imported = target.native.client.request("POST", "/v1/import", dump.body, "application/gzip");
  INFO(imported.body);
  REQUIRE(imported.status == 200);
  CHECK(shows(target.nd.get("/api/v1/jobs/" + id), k_ordered_pub_args_shown));
}
