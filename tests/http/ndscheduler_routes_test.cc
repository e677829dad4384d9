// The ndscheduler dialect's routes, driven through the router with an in-memory scheduler_api:
// status codes, answer shapes, what reaches the scheduler, and the error paths. No server.
#include "http/ndscheduler/ndscheduler_dialect.h"

#include <map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/rfc3339.h"
#include "http/dialect_data.h"
#include "http/ndscheduler/job_json.h"
#include "tests/http/fake_scheduler.h"
#include "tests/http/route_caller.h"

using namespace mainspring;
using namespace mainspring::http;
using nlohmann::json;

namespace {

struct fixture {
  fake_scheduler api;
  router routes;
  fixture() {
    auto d = ndscheduler::make_dialect({.group = "ndscheduler", .hostname = "box"});
    d.add_routes(routes, api);  // registers the group in the fake
  }
  answer_t call(std::string method, const std::string& target, std::string body = "") {
    answer_t a = call_route(routes, std::move(method), target, std::move(body));
    CHECK(a.content_type == "application/json; charset=UTF-8");
    return a;
  }
};

const std::string k_awesome = R"({"name":"n","job_class_string":"simple_scheduler.jobs.sample_job.AwesomeJob",
  "pub_args":["a",1],"hour":"3"})";

}  // namespace

TEST_CASE("ndscheduler create answers 201 with a 32-hex id and hands the scheduler a job of its group") {
  fixture f;
  REQUIRE(f.api.groups.count("ndscheduler"));
  auto a = f.call("POST", "/api/v1/jobs", k_awesome);
  REQUIRE(a.status == 201);
  std::string id = a.body["job_id"];
  CHECK(ndscheduler::is_job_id(id));
  REQUIRE(f.api.added);
  CHECK(f.api.added->id == id);
  CHECK(f.api.added->group == "ndscheduler");
  CHECK(f.api.added->name == "n");
  CHECK(f.api.origin.api == "ndscheduler");
  CHECK(f.api.origin.detail == "n");  // the job name, for the audit log
  CHECK(dialect_section(f.api.added->dialect_data, "ndscheduler")["job_class_string"] ==
        "simple_scheduler.jobs.sample_job.AwesomeJob");
  auto got = f.call("GET", "/api/v1/jobs/" + id);
  REQUIRE(got.status == 200);
  CHECK(got.body["hour"] == "3");
  auto list = f.call("GET", "/api/v1/jobs");
  REQUIRE(list.status == 200);
  CHECK(list.body["jobs"].size() == 1);
}

TEST_CASE("ndscheduler refuses a ShellJob whose arguments hold a NUL byte, which the shell would cut the command at") {
  fixture f;
  auto a = f.call("POST", "/api/v1/jobs",
                  R"({"name":"n","job_class_string":"simple_scheduler.jobs.shell_job.ShellJob",)"
                  R"("pub_args":["echo","a\u0000b"],"minute":"*/5"})");
  CHECK(a.status == 400);
  CHECK(a.error().starts_with("pub_args: has a NUL byte"));
  CHECK(f.api.jobs["ndscheduler"].empty());
}

TEST_CASE("ndscheduler answers an unknown job with 400 Job not found on every route") {
  fixture f;
  const std::string id = "0123456789abcdef0123456789abcdef";
  for (const char* method : {"GET", "DELETE", "PATCH", "OPTIONS"}) {
    auto a = f.call(method, "/api/v1/jobs/" + id);
    INFO(method);
    CHECK(a.status == 400);
    CHECK(a.error() == "Job not found: " + id);
  }
  auto run = f.call("POST", "/api/v1/executions/" + id);
  CHECK(run.status == 400);
  CHECK(run.error() == "Job not found: " + id);
  auto missing_field = f.call("POST", "/api/v1/executions", "{}");
  CHECK(missing_field.status == 400);
  CHECK(missing_field.error() == "Require this parameter: job_id");
  // A refused body says why in its status line too (tornado's HTTPError reason); not found does not.
  CHECK(missing_field.reason == "Require this parameter: job_id");
  CHECK(run.reason.empty());
  CHECK(f.call("POST", "/api/v1/jobs", R"({"name":"x"})").reason == "Require this parameter: job_class_string");
  auto stop = f.call("DELETE", "/api/v1/executions/x");
  CHECK(stop.status == 501);
  CHECK(stop.error() == "Not implemented yet.");
}

namespace {

// A run of job `id` in the fixture's group, planned `ago_ms` before now, lasting 5 ms (none when
// `state` is running).
run_record run_of(const std::string& id, uint64_t run_id, run_state state, int64_t ago_ms = 1000) {
  run_record r;
  r.run_id = run_id;
  r.job_id = id;
  r.group = "ndscheduler";
  r.state = state;
  r.plan_ms = to_unix_ms(now_ms()) - ago_ms;
  r.start_ms = r.plan_ms;
  if (state != run_state::running) r.end_ms = r.plan_ms + 5;
  return r;
}

}  // namespace

TEST_CASE("ndscheduler run now answers the execution id, and executions carry their job") {
  fixture f;
  std::string id = f.call("POST", "/api/v1/jobs", k_awesome).body["job_id"];
  auto run = f.call("POST", "/api/v1/executions/" + id);
  REQUIRE(run.status == 200);
  CHECK(run.body["execution_id"] == id + "-18000000000000000001");
  run_record r = run_of(id, 7, run_state::succeeded);
  r.output_tail = R"(["a",1])";
  f.api.group_runs = {r};
  auto list = f.call("GET", "/api/v1/executions");
  REQUIRE(list.status == 200);
  REQUIRE(list.body["executions"].size() == 1);
  json e = list.body["executions"][0];
  CHECK(e["execution_id"] == id + "-7");
  CHECK(e["state"] == "succeeded");
  CHECK(e["hostname"] == "box");
  // json.dumps(result, indent=4, sort_keys=True), as ndscheduler stores it.
  CHECK(e["result"] == "[\n    \"a\",\n    1\n]");
  CHECK(e["job"]["task_name"] == "simple_scheduler.jobs.sample_job.AwesomeJob");
  // The document's fields beside the released server's.
  CHECK(e["job"]["job_class_string"] == "simple_scheduler.jobs.sample_job.AwesomeJob");
  CHECK(e["job"].contains("trigger"));
  CHECK(e["job"].contains("trigger_params"));
  CHECK(f.call("GET", "/api/v1/executions?time_range_end=2000-01-01T00:00:00").body["executions"].empty());
  CHECK(f.call("GET", "/api/v1/executions?time_range_start=soon").status == 400);
}

TEST_CASE("the executions list adds runs in flight in its range, once each, latest updated first") {
  fixture f;
  auto created = f.call("POST", "/api/v1/jobs", R"({"name":"x","job_class_string":"simple_scheduler.jobs.sample_job.AwesomeJob","pub_args":[],"minute":"*/5"})");
  std::string id = created.body["job_id"];
  f.api.group_runs = {run_of(id, 9, run_state::succeeded, 1000), run_of(id, 5, run_state::failed, 3000)};
  // 9 ended between the two reads (listed once, ended); 11 and 7 are in flight; 3 was planned
  // before the range.
  f.api.in_flight = {run_of(id, 11, run_state::running, 500), run_of(id, 9, run_state::running, 1000),
                     run_of(id, 7, run_state::running, 2000), run_of(id, 3, run_state::running, 3'600'000)};
  auto list = f.call("GET", "/api/v1/executions");
  REQUIRE(list.status == 200);
  std::vector<std::string> shown;
  for (const auto& e : list.body["executions"])
    shown.push_back(e["execution_id"].get<std::string>() + ":" + e["state"].get<std::string>());
  CHECK(shown == std::vector<std::string>{id + "-11:running", id + "-9:succeeded", id + "-7:running", id + "-5:failed"});
}

TEST_CASE("the executions list shows a job's last finished run before the store holds it") {
  fixture f;
  auto created = f.call("POST", "/api/v1/jobs", R"({"name":"x","job_class_string":"simple_scheduler.jobs.sample_job.AwesomeJob","pub_args":[],"minute":"*/5"})");
  std::string id = created.body["job_id"];
  f.api.group_runs = {run_of(id, 5, run_state::failed, 3000)};
  // 8 ended a moment ago: neither in flight nor written yet, only the job knows it.
  f.api.jobs["ndscheduler"][id].last_run = run_of(id, 8, run_state::succeeded, 1000);
  auto shown = [&] {
    std::vector<std::string> out;
    auto list = f.call("GET", "/api/v1/executions");
    INFO(list.status << " " << list.body.dump());
    for (const auto& e : list.body["executions"])
      out.push_back(e["execution_id"].get<std::string>() + ":" + e["state"].get<std::string>());
    return out;
  };
  CHECK(shown() == std::vector<std::string>{id + "-8:succeeded", id + "-5:failed"});
  // Written: still once. Planned before the range: not listed.
  f.api.group_runs.push_back(run_of(id, 8, run_state::succeeded, 1000));
  CHECK(shown() == std::vector<std::string>{id + "-8:succeeded", id + "-5:failed"});
  f.api.group_runs = {};
  f.api.jobs["ndscheduler"][id].last_run = run_of(id, 2, run_state::succeeded, 3'600'000);
  CHECK(shown().empty());
}

TEST_CASE("a CurlJob's result is the body's text as json.dumps writes it, non-ASCII escaped") {
  fixture f;
  auto created = f.call("POST", "/api/v1/jobs", R"({"name":"c","job_class_string":"simple_scheduler.jobs.curl_job.CurlJob","pub_args":["http://127.0.0.1:9/","GET"],"minute":"*/5"})");
  REQUIRE(created.status == 201);
  std::string id = created.body["job_id"];
  run_record r = run_of(id, 3, run_state::succeeded);
  r.output_tail = "caf\xC3\xA9 \"ok\"";
  f.api.group_runs = {r};
  auto list = f.call("GET", "/api/v1/executions");
  REQUIRE(list.body["executions"].size() == 1);
  CHECK(list.body["executions"][0]["result"] == "\"caf\\u00e9 \\\"ok\\\"\"");
}

TEST_CASE("with only time_range_end, the range starts ten minutes before now, not before the end") {
  fixture f;
  std::string id = f.call("POST", "/api/v1/jobs", k_awesome).body["job_id"];
  f.api.group_runs = {run_of(id, 5, run_state::succeeded)};
  const std::string in_an_hour = format_rfc3339_utc(from_unix_ms(to_unix_ms(now_ms()) + 3'600'000), false);
  CHECK(f.call("GET", "/api/v1/executions?time_range_end=" + in_an_hour).body["executions"].size() == 1);
}

namespace {

// The keys of the first JSON object at `path` (a list of keys to descend, a number an index) of
// `raw`, in the order the answer writes them.
std::vector<std::string> keys_in_order(const std::string& raw, const std::vector<std::string>& path) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(raw);
  for (const auto& step : path) j = std::isdigit(static_cast<unsigned char>(step[0])) ? j[std::stoul(step)] : j[step];
  std::vector<std::string> out;
  for (const auto& [k, v] : j.items()) out.push_back(k);
  return out;
}

}  // namespace

TEST_CASE("ndscheduler answers keep their keys in the order ndscheduler builds its dicts") {
  fixture f;
  std::string id = f.call("POST", "/api/v1/jobs", k_awesome).body["job_id"];
  const std::vector<std::string> job_keys = {"job_id",  "name", "next_run_time", "job_class_string", "pub_args", "month",
                                             "day",     "week", "day_of_week",   "hour",             "minute",   "trigger",
                                             "trigger_params"};
  CHECK(keys_in_order(f.call("GET", "/api/v1/jobs/" + id).raw, {}) == job_keys);
  CHECK(keys_in_order(f.call("GET", "/api/v1/jobs").raw, {"jobs", "0"}) == job_keys);
  // The document's trigger_params order.
  CHECK(keys_in_order(f.call("GET", "/api/v1/jobs/" + id).raw, {"trigger_params"}) ==
        std::vector<std::string>{"month", "day_of_week", "day", "hour", "minute"});
  f.api.group_runs = {run_of(id, 7, run_state::succeeded)};
  const std::string list = f.call("GET", "/api/v1/executions").raw;
  CHECK(keys_in_order(list, {"executions", "0"}) ==
        std::vector<std::string>{"execution_id", "state", "hostname", "pid", "task_id", "description", "result",
                                 "scheduled_time", "updated_time", "job"});
  CHECK(keys_in_order(list, {"executions", "0", "job"}) ==
        std::vector<std::string>{"job_id", "name", "task_name", "pub_args", "month", "day", "week", "day_of_week",
                                 "hour", "minute", "job_class_string", "trigger", "trigger_params"});
  CHECK(keys_in_order(f.call("GET", "/api/v1/logs").raw, {"logs", "0"}) ==
        std::vector<std::string>{"job_id", "job_name", "event", "user", "created_time", "description"});
}

TEST_CASE("an audit entry's description is null for added, paused and resumed, as ndscheduler writes none") {
  fixture f;
  const std::string id = "0123456789abcdef0123456789abcdef";
  auto entry = [&](int64_t ms, const char* action, std::string detail) {
    return audit_entry{1'700'000'000'000 + ms, "ndscheduler", "", action, "ndscheduler", id, std::move(detail)};
  };
  f.api.group_audit = std::vector<audit_entry>{entry(1, "job.add", "n"), entry(2, "job.pause", "n"),
                                               entry(3, "job.activate", "n"), entry(4, "job.run", "run 42"),
                                               entry(5, "job.edit", "n"), entry(6, "job.delete", "n: 1 job(s)")};
  auto logs = f.call("GET", "/api/v1/logs").body["logs"];  // newest first
  REQUIRE(logs.size() == 6);
  std::map<std::string, json> description;
  for (const auto& l : logs) description[l["event"].get<std::string>()] = l["description"];
  CHECK(description["added"].is_null());
  CHECK(description["paused"].is_null());
  CHECK(description["resumed"].is_null());
  CHECK(description["custom_run"] == id + "-42");
  CHECK(description["modified"] == "");
  CHECK(description["deleted"] == "");
}

TEST_CASE("a modify and a delete keep what changed and what was deleted, and the log shows them as ndscheduler") {
  fixture f;
  std::string id = f.call("POST", "/api/v1/jobs", k_awesome).body["job_id"];
  auto put = f.call("PUT", "/api/v1/jobs/" + id,
                    R"({"name":"n2","job_class_string":"simple_scheduler.jobs.sample_job.AwesomeJob","hour":"4"})");
  REQUIRE(put.status == 200);
  const std::string edit_detail = f.api.origin.detail;
  REQUIRE((f.api.patch && f.api.patch->edit));  // the fake keeps the patch: apply it as the job actor would
  REQUIRE(f.api.patch->edit(f.api.jobs["ndscheduler"][id].spec).ok());
  auto old_json = f.call("GET", "/api/v1/jobs/" + id).body;  // as the delete reads it
  REQUIRE(f.call("DELETE", "/api/v1/jobs/" + id).status == 200);
  const std::string delete_detail = f.api.origin.detail + ": 1 job(s)";  // as the group adds it
  auto entry = [&](int64_t ms, const char* action, std::string detail) {
    return audit_entry{1'700'000'000'000 + ms, "ndscheduler", "", action, "ndscheduler", id, std::move(detail)};
  };
  f.api.group_audit = std::vector<audit_entry>{entry(1, "job.edit", edit_detail), entry(2, "job.delete", delete_detail)};
  auto logs = f.call("GET", "/api/v1/logs").body["logs"];  // newest first
  REQUIRE(logs.size() == 2);
  CHECK(logs[1]["event"] == "modified");
  CHECK(logs[1]["job_name"] == "n2");
  // pub_args were kept (the body has none), so only the name and the hour changed.
  CHECK(logs[1]["description"] ==
        "<b>name</b>: <font color=\"red\">n</font> => <font color=\"green\">n2</font><br>"
        "<b>hour</b>: <font color=\"red\">3</font> => <font color=\"green\">4</font><br>");
  CHECK(logs[0]["event"] == "deleted");
  CHECK(logs[0]["job_name"] == "n2");
  const std::string deleted = logs[0]["description"];
  CHECK(deleted.starts_with(R"({"job_id": ")" + id + R"(", "name": "n2", "next_run_time": ")"));
  CHECK(json::parse(deleted) == old_json);
}

TEST_CASE("an object in pub_args keeps its keys in the order sent: in the job, its executions, a PUT and the audit log") {
  fixture f;
  const std::string sent = R"([{"z":1,"a":{"y":2,"b":3}},"s"])";
  auto body = [](const std::string& name, const std::string& pub_args) {
    return R"({"name":")" + name + R"(","job_class_string":"simple_scheduler.jobs.sample_job.AwesomeJob",)" +
           (pub_args.empty() ? "" : R"("pub_args":)" + pub_args + ",") + R"("minute":"*/5"})";
  };
  const std::string id = f.call("POST", "/api/v1/jobs", body("n", sent)).body["job_id"];
  CHECK(f.call("GET", "/api/v1/jobs/" + id).raw.find(R"("pub_args":)" + sent) != std::string::npos);
  CHECK(f.call("GET", "/api/v1/jobs").raw.find(R"("pub_args":)" + sent) != std::string::npos);
  f.api.group_runs = {run_of(id, 7, run_state::succeeded)};
  CHECK(f.call("GET", "/api/v1/executions").raw.find(R"("pub_args":)" + sent) != std::string::npos);
  CHECK(f.call("GET", "/api/v1/executions/" + id + "-42").raw.find(R"("pub_args":)" + sent) != std::string::npos);  // the fake's run

  // A PUT, applied as the job actor would, and the description its audit entry keeps.
  auto put = [&](const std::string& pub_args) {
    REQUIRE(f.call("PUT", "/api/v1/jobs/" + id, body("n", pub_args)).status == 200);
    REQUIRE((f.api.patch && f.api.patch->edit));
    REQUIRE(f.api.patch->edit(f.api.jobs["ndscheduler"][id].spec).ok());
    return json::parse(f.api.origin.detail)["description"].get<std::string>();
  };
  // Without pub_args, the job's are kept as sent.
  CHECK(put("") == "");
  CHECK(f.call("GET", "/api/v1/jobs/" + id).raw.find(R"("pub_args":)" + sent) != std::string::npos);
  // The same keys in another order: equal for Python's ==, so no change is described, and the job
  // shows them as sent now.
  const std::string reordered = R"([{"a":{"b":3,"y":2},"z":1},"s"])";
  CHECK(put(reordered) == "");
  CHECK(f.call("GET", "/api/v1/jobs/" + id).raw.find(R"("pub_args":)" + reordered) != std::string::npos);
  // A change shows both sides as Python's repr, each in its order.
  CHECK(put(R"([{"z":1,"a":{"y":2,"b":4}},"s"])") ==
        "<b>pub_args</b>: <font color=\"red\">[{'a': {'b': 3, 'y': 2}, 'z': 1}, 's']</font> => "
        "<font color=\"green\">[{'z': 1, 'a': {'y': 2, 'b': 4}}, 's']</font><br>");
  // A delete keeps json.dumps of the job, pub_args as they stand.
  REQUIRE(f.call("DELETE", "/api/v1/jobs/" + id).status == 200);
  const std::string deleted = json::parse(f.api.origin.detail)["description"];
  CHECK(deleted.find(R"("pub_args": [{"z": 1, "a": {"y": 2, "b": 4}}, "s"], )") != std::string::npos);
}

TEST_CASE("a key sent twice in a pub_args object keeps its first place and its last value, as Python's json.loads") {
  fixture f;
  const std::string id =
      f.call("POST", "/api/v1/jobs",
             R"({"name":"n","job_class_string":"simple_scheduler.jobs.sample_job.AwesomeJob",)"
             R"("pub_args":[{"b":1,"a":2,"b":3}],"minute":"*/5"})").body["job_id"];
  CHECK(f.call("GET", "/api/v1/jobs/" + id).raw.find(R"("pub_args":[{"b":3,"a":2}])") != std::string::npos);
}

TEST_CASE("a PUT refused for its schedule writes nothing, and one of an unknown job says Job not found") {
  fixture f;
  std::string id = f.call("POST", "/api/v1/jobs", k_awesome).body["job_id"];
  auto bad = f.call("PUT", "/api/v1/jobs/" + id,
                    R"({"name":"n2","job_class_string":"simple_scheduler.jobs.sample_job.AwesomeJob","hour":"25"})");
  CHECK(bad.status == 400);
  CHECK(bad.error().starts_with("hour"));
  CHECK_FALSE(f.api.patch);  // no edit reached the scheduler
  CHECK(f.call("GET", "/api/v1/jobs/" + id).body["name"] == "n");
  auto unknown = f.call("PUT", "/api/v1/jobs/0123456789abcdef0123456789abcdef", k_awesome);
  CHECK(unknown.status == 400);
  CHECK(unknown.error() == "Job not found: 0123456789abcdef0123456789abcdef");
}

TEST_CASE("an id with slashes reaches the handlers, as tornado's /api/v1/jobs/(.*) routes take it") {
  fixture f;
  for (const char* method : {"GET", "DELETE", "PATCH", "OPTIONS"}) {
    INFO(method);
    auto a = f.call(method, "/api/v1/jobs/a/b/c");
    CHECK(a.status == 400);
    CHECK(a.error() == "Job not found: a/b/c");
  }
  // PUT checks the body first, as _validate_post_data runs before the lookup.
  CHECK(f.call("PUT", "/api/v1/jobs/a/b", "{}").error() == "Require this parameter: name");
  CHECK(f.call("PUT", "/api/v1/jobs/a/b", k_awesome).error() == "Job not found: a/b");
  CHECK(f.call("GET", "/api/v1/jobs//x").error() == "Job not found: /x");
  CHECK(f.call("POST", "/api/v1/executions/a/b").error() == "Job not found: a/b");
  auto execution = f.call("GET", "/api/v1/executions/a/b-1");
  CHECK(execution.status == 400);
  CHECK(execution.error() == "Execution not found: a/b-1");
  CHECK(f.call("DELETE", "/api/v1/executions/a/b").status == 501);
}

TEST_CASE("a job made through another API in the group, with its own kind of id, is served by id with its executions") {
  fixture f;
  job_spec spec;
  spec.id = "report-1.v2";  // ids of other APIs: [a-zA-Z0-9_.-]
  spec.group = "ndscheduler";
  spec.name = "report";
  spec.schedule = "0 0 3 * * *";
  spec.target = noop_target{};
  f.api.add_job({}, spec, [](status_or<std::string>) {});
  auto job = f.call("GET", "/api/v1/jobs/report-1.v2");
  REQUIRE(job.status == 200);
  CHECK(job.body["name"] == "report");
  auto e = f.call("GET", "/api/v1/executions/report-1.v2-42");  // the fake's run 42
  REQUIRE(e.status == 200);
  CHECK(e.body["execution_id"] == "report-1.v2-42");
  CHECK(e.body["job"]["job_id"] == "report-1.v2");
  for (const char* bad : {"report-1.v2-", "report-1.v2-4x2", "report-1.v2-+42", "report-1.v2-0", "-42", "a b-42",
                          "report-1.v2-18446744073709551615", "report-1.v2-99999999999999999999"}) {
    INFO(bad);
    auto a = f.call("GET", std::string("/api/v1/executions/") + bad);
    CHECK(a.status == 400);
    CHECK(a.error() == std::string("Execution not found: ") + bad);
  }
}

TEST_CASE("a path with a trailing slash is tornado's removeslash: GET redirected, other methods 404") {
  fixture f;
  std::string id = f.call("POST", "/api/v1/jobs", k_awesome).body["job_id"];
  auto header = [](const answer_t& a, const std::string& name) {
    for (const auto& [k, v] : a.headers)
      if (k == name) return v;
    return std::string();
  };
  auto moved = call_route(f.routes, "GET", "/api/v1/jobs/" + id + "//?x=1");
  CHECK(moved.status == 301);
  CHECK(header(moved, "Location") == "/api/v1/jobs/" + id + "?x=1");
  CHECK(moved.raw.empty());
  CHECK(header(call_route(f.routes, "GET", "/api/v1/jobs/"), "Location") == "/api/v1/jobs");
  CHECK(header(call_route(f.routes, "GET", "/api/v1/executions/"), "Location") == "/api/v1/executions");
  CHECK(header(call_route(f.routes, "GET", "/api/v1/jobs/a/b/"), "Location") == "/api/v1/jobs/a/b");
  // /api/v1/logs is tornado's only route without (.*): its twin with a slash is no route there.
  CHECK(call_route(f.routes, "GET", "/api/v1/logs/").status == 404);
  for (const char* method : {"PUT", "DELETE", "PATCH", "OPTIONS", "POST"}) {
    INFO(method);
    CHECK(f.call(method, "/api/v1/jobs/" + id + "/", k_awesome).status == 404);
  }
  CHECK(f.call("POST", "/api/v1/jobs/", k_awesome).status == 404);
  CHECK(f.call("DELETE", "/api/v1/executions/x/").status == 404);
  // POST with an id: jobs' post takes none (a TypeError there); here the 405 of the methods it has.
  auto post = f.call("POST", "/api/v1/jobs/" + id, k_awesome);
  CHECK(post.status == 405);
  CHECK(header(post, "Allow") == "GET, PUT, DELETE, PATCH, OPTIONS");
  CHECK(f.call("GET", "/api/v1/jobs").body["jobs"].size() == 1);  // nothing was made
}
