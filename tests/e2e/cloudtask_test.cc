// End to end: the Cloudtask dialect (--cloudtask-listen) against the real server and real agents:
// runtimes made through the web routes, jobs placed by the allocation table and run on their
// node, an agent killed and its jobs moved, jobs/action start and stop, the document's center
// routes and shapes, calendar windows, and hostile input.
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/e2e/agent_process.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/support/prometheus_text.h"

using namespace mainspring::e2e;

namespace {

struct ct_server {
  uint16_t node_port = pick_free_port();
  uint16_t ct_port = pick_free_port();
  server_process server{{"--node-listen", "127.0.0.1:" + std::to_string(node_port), "--cloudtask-listen",
                         "127.0.0.1:" + std::to_string(ct_port)}};
  http_client ct{"http://127.0.0.1:" + std::to_string(ct_port)};
  native_api native{server.base_url()};

  json answer(const http_response& r, long status = 200) {
    INFO(r.status << " " << r.body);
    REQUIRE(r.status == status);
    json body = r.json();
    REQUIRE(!body.is_discarded());
    return body;
  }
  // A web answer {"code": 0, "message": ..., "data": ...}: its data.
  json web_ok(const http_response& r) {
    json body = answer(r);
    REQUIRE(body["code"] == 0);
    CHECK(body["message"] == "request successed.");
    return body["data"];
  }
  // A runtime added: the web answers MongoDB's insert result.
  void add_runtime(const std::string& name) {
    REQUIRE(answer(ct.post_json("/api/location/add", json{{"location", name}}))["insertedCount"] == 1);
  }
  std::string secret(const std::string& runtime) {
    return native.success(native.client.get("/v1/" + runtime + "/group/info"));
  }
  std::unique_ptr<agent_process> agent(const std::string& runtime, const std::string& node,
                                       std::vector<std::string> extra_flags = {}) {
    return std::make_unique<agent_process>(node_port, runtime, node, secret(runtime), std::move(extra_flags));
  }
  std::string create(const json& job) { return web_ok(ct.post_json("/api/job/createJob", job))["jobid"]; }
  json job(const std::string& id) { return answer(ct.get("/api/job/getById/" + id)); }
  json alloc(const std::string& runtime) {
    json body = answer(ct.get("/cloudtask/v2/runtimes/" + runtime + "/jobsalloc"));
    CHECK(body["content"] == "request successed.");
    return body["data"]["alloc"];
  }
  // job id -> server key, from the live table.
  std::map<std::string, std::string> placement(const std::string& runtime) {
    std::map<std::string, std::string> out;
    const json table = alloc(runtime);  // kept: a range-for over a temporary's member would dangle
    for (const auto& row : table["data"]) out[row["jobid"].get<std::string>()] = row["key"].get<std::string>();
    return out;
  }
  json servers(const std::string& runtime) {
    return answer(ct.get("/cloudtask/v2/runtimes/" + runtime + "/servers"))["data"]["servers"];
  }
  bool servers_up(const std::string& runtime, std::size_t n, std::chrono::milliseconds timeout = 15s) {
    return eventually([&] { return servers(runtime).size() == n; }, timeout);
  }
  // The finished runs of a job through the web's log route, oldest first.
  json logs(const std::string& id, const std::string& extra = "") {
    return web_ok(ct.get("/api/log/logs?pageSize=1000&jobid=" + id + extra))["rows"];
  }
};

// A rule firing every `seconds` seconds all day (Cloudtask's seconds mode needs a window; the
// last minute of the UTC day is outside it, so tests that need fires wait it out).
json every_seconds(int seconds) {
  return json::array({json{{"enabled", 1}, {"turnmode", 1}, {"interval", seconds}, {"startdate", "01/01/2020"},
                           {"enddate", ""}, {"starttime", "00:00"}, {"endtime", "23:59"}, {"selectat", ""},
                           {"monthlyof", {{"day", 0}, {"week", ""}}}}});
}

void wait_out_end_of_day() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  if (utc.tm_hour == 23 && utc.tm_min >= 58) std::this_thread::sleep_for(std::chrono::seconds(125 - (utc.tm_min - 58) * 60 - utc.tm_sec));
}

json job_body(const std::string& name, const std::string& cmd, json schedule = json::array()) {
  return json{{"name", name},   {"location", "rt"}, {"groupid", "g1"}, {"cmd", cmd},
              {"env", json::array({"GREETING=hello world"})},           {"timeout", 30},
              {"enabled", 1},   {"schedule", std::move(schedule)},     {"createuser", "ops"},
              {"servers", json::array()}, {"description", "a test job"}};
}

// Runtime "rt" with agent w1 up and a job `name` running `cmd` every second on it, its first log
// in: the agent (keep it) and the job's id.
std::pair<std::unique_ptr<agent_process>, std::string> one_job_running(ct_server& s, const std::string& name,
                                                                       const std::string& cmd) {
  s.add_runtime("rt");
  auto w1 = s.agent("rt", "w1");
  REQUIRE(s.servers_up("rt", 1));
  std::string id = s.create(job_body(name, cmd, every_seconds(1)));
  REQUIRE(eventually([&] { return !s.logs(id).empty(); }, 20s));
  return {std::move(w1), id};
}

// Stops the execution of job `id` of runtime "rt" through jobs/action and answers the job's one log
// row once it is there, checked to be a stop's: STATE_STOPED (0) without an error.
json stopped_row(ct_server& s, const std::string& id) {
  json stop = {{"runtime", "rt"}, {"jobid", id}, {"action", "stop"}};
  s.answer(s.ct.request("PUT", "/cloudtask/v2/jobs/action", stop.dump()), 202);
  json rows;
  REQUIRE(eventually([&] {
    rows = s.logs(id);
    return rows.size() == 1;
  }, 15s));
  CHECK(rows[0]["stat"] == 0);
  CHECK(rows[0]["execerr"] == "");
  return rows[0];
}

}  // namespace

TEST_CASE("cloudtask: jobs made through the web routes are placed on live agents and run on their node") {
  wait_out_end_of_day();
  ct_server s;
  s.add_runtime("rt");
  auto w1 = s.agent("rt", "w1");
  auto w2 = s.agent("rt", "w2");
  auto w3 = s.agent("rt", "w3");
  REQUIRE(s.servers_up("rt", 3));
  json servers = s.servers("rt");
  CHECK(servers[0]["key"] == "w1");
  CHECK(servers[0]["name"] == "w1");
  CHECK(servers[0]["ipaddr"] == "127.0.0.1");
  CHECK(servers[0]["status"] == 1);
  CHECK(servers[0]["alivestamp"].get<int64_t>() > 0);

  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i)
    ids.push_back(s.create(job_body("job" + std::to_string(i), "echo node=$MAINSPRING_NODE_ID g=$GREETING", every_seconds(1))));
  // The table covers every job exactly once, each on a live server.
  REQUIRE(eventually([&] { return s.placement("rt").size() == 6; }));
  auto placed = s.placement("rt");
  for (const auto& id : ids) CHECK((placed[id] == "w1" || placed[id] == "w2" || placed[id] == "w3"));
  json table = s.alloc("rt");
  CHECK(table["location"] == "rt");
  CHECK(table["version"].get<int64_t>() >= 1);
  for (const auto& row : table["data"]) {
    CHECK(row["version"] == 1);
    CHECK(row["ipaddr"] == "127.0.0.1");
    CHECK(row["jobname"].get<std::string>().starts_with("job"));
    CHECK(row["hostname"] == row["key"]);  // the server's name, as /servers shows it
  }

  // Each job runs on its node, with its env.
  REQUIRE(eventually([&] {
    for (const auto& id : ids)
      if (s.logs(id).empty()) return false;
    return true;
  }, 20s));
  for (const auto& id : ids) {
    json row = s.logs(id)[0];
    INFO(row.dump());
    CHECK(row["stat"] == 0);
    CHECK(row["location"] == "rt");
    CHECK(row["group"] == "g1");
    CHECK(row["ipaddr"] == "127.0.0.1");
    CHECK(row["stdout"] == "node=" + placed[id] + " g=hello world\n");
    CHECK(s.job(id)["stat"].get<int>() != 202);
  }

  // The per-server table has exactly that server's jobs.
  json mine = s.answer(s.ct.get("/cloudtask/v2/runtimes/rt/w2/jobsalloc"))["data"]["alloc"]["data"];
  std::size_t on_w2 = 0;
  for (const auto& [id, key] : placed) on_w2 += key == "w2";
  CHECK(mine.size() == on_w2);
  for (const auto& row : mine) CHECK(row["key"] == "w2");
  CHECK(s.ct.get("/cloudtask/v2/runtimes/rt/nobody/jobsalloc").status == 404);

  // An agent killed: only its jobs move, to the live ones, and they run there.
  w2->kill9();
  REQUIRE(s.servers_up("rt", 2, 20s));
  REQUIRE(eventually([&] {
    auto now = s.placement("rt");
    if (now.size() != 6) return false;
    for (const auto& [id, key] : now)
      if (key == "w2") return false;
    return true;
  }, 20s));
  auto after = s.placement("rt");
  for (const auto& id : ids) {
    if (placed[id] != "w2") CHECK(after[id] == placed[id]);  // untouched
    else CHECK(after[id] != "w2");
  }
  for (const auto& id : ids) {
    if (placed[id] != "w2") continue;
    REQUIRE(eventually([&] {
      json rows = s.logs(id, "&sort=desc");
      return !rows.empty() && rows[0]["stdout"] == "node=" + after[id] + " g=hello world\n";
    }, 20s));
  }
  // It comes back: the table rebalances onto it as the ring says (its own jobs return).
  w2->restart();
  REQUIRE(s.servers_up("rt", 3, 20s));
  REQUIRE(eventually([&] { return s.placement("rt") == placed; }, 20s));
}

TEST_CASE("cloudtask: a job's servers name workers by id in any case, by IP address or by host name") {
  ct_server s;
  s.add_runtime("rt");
  // What each reports (cloudtask-web's form offers the servers by their IP address).
  auto w1 = s.agent("rt", "w1", {"--advertise-ip", "10.1.0.1", "--hostname", "alpha-host"});
  auto w2 = s.agent("rt", "w2", {"--advertise-ip", "10.1.0.2", "--hostname", "beta-host"});
  REQUIRE(s.servers_up("rt", 2));
  std::set<std::string> addresses;
  for (const auto& server : s.servers("rt")) addresses.insert(server["ipaddr"].get<std::string>());
  CHECK(addresses == std::set<std::string>{"10.1.0.1", "10.1.0.2"});
  auto job_on = [&](const std::string& name, const json& servers) {
    json body = job_body(name, "true");
    body["servers"] = servers;
    return s.create(body);
  };
  const std::string by_ip = job_on("by_ip", {"10.1.0.2"});
  const std::string by_id = job_on("by_id", {"W2"});
  const std::string by_host = job_on("by_host", {"ALPHA-HOST"});
  const std::string either = job_on("either", {"10.1.0.1", "beta-host"});
  const std::string elsewhere = job_on("elsewhere", {"10.255.255.1", "w9"});
  REQUIRE(eventually([&] { return s.placement("rt").size() == 4; }));
  auto placed = s.placement("rt");
  CHECK(placed[by_ip] == "w2");
  CHECK(placed[by_id] == "w2");
  CHECK(placed[by_host] == "w1");
  CHECK((placed[either] == "w1" || placed[either] == "w2"));
  CHECK(placed.count(elsewhere) == 0);
  CHECK(s.job(elsewhere)["stat"] == 202);  // no live server it names: not placed

  // w2 goes: the jobs naming only it have nowhere to run, the one naming both moves to w1.
  w2->kill9();
  REQUIRE(s.servers_up("rt", 1, 20s));
  REQUIRE(eventually([&] {
    auto p = s.placement("rt");
    return p.size() == 2 && p[by_host] == "w1" && p[either] == "w1";
  }, 20s));
  // It comes back under another address: the job naming the old one stays unplaced.
  auto w2_moved = s.agent("rt", "w2", {"--advertise-ip", "10.1.0.3", "--hostname", "beta-host"});
  REQUIRE(s.servers_up("rt", 2, 20s));
  REQUIRE(eventually([&] { return s.placement("rt")[by_id] == "w2"; }, 20s));
  auto now = s.placement("rt");
  CHECK(now.count(by_ip) == 0);
  CHECK((now[either] == "w1" || now[either] == "w2"));
}

TEST_CASE("cloudtask: jobs/action start runs an idle job once and stop ends its execution, schedule untouched") {
  ct_server s;
  s.add_runtime("rt");
  auto w1 = s.agent("rt", "w1");
  REQUIRE(s.servers_up("rt", 1));
  const std::string marker = "/tmp/mainspring-ct-begun-" + std::to_string(::getpid());
  std::filesystem::remove(marker);
  // No rules: runs only when started. The marker says the command printed before it is stopped.
  std::string id = s.create(job_body("manual", "echo begun; touch " + marker + "; sleep 30"));
  REQUIRE(eventually([&] { return s.placement("rt").count(id) == 1; }));
  CHECK(s.job(id)["stat"] == 0);
  CHECK(s.job(id)["nextat"] == "0001-01-01T00:00:00.000Z");

  // Keys as a Go client marshals a struct without tags: the center's decoder matches them ignoring case.
  json start = {{"Runtime", "rt"}, {"JobId", id}, {"Action", "start"}};
  json accepted = s.answer(s.ct.request("PUT", "/cloudtask/v2/jobs/action", start.dump()), 202);
  CHECK(accepted == json{{"content", "request accepted."}});
  REQUIRE(eventually([&] { return s.job(id)["stat"] == 200; }));
  REQUIRE(eventually([&] { return std::filesystem::exists(marker); }));
  // Started again while it runs: nothing more starts (one run in the job's history).
  s.answer(s.ct.request("PUT", "/cloudtask/v2/jobs/action", start.dump()), 202);

  // The agent reports a stopped execution as STATE_STOPED (0) without error (EXIT_STOP).
  CHECK(stopped_row(s, id)["stdout"] == "begun\n");
  json job = s.job(id);
  CHECK(job["stat"] == 0);
  CHECK(job["execerr"] == "");
  CHECK(job["enabled"] == 1);
  // The audit log names both actions under the cloudtask API. A run's and an abort's entries are
  // written lazily, as run records are (actors/job_actor.cc): they may land a moment after.
  std::set<std::string> actions;
  const bool both = eventually([&] {
    actions.clear();
    for (const auto& e : s.native.success(s.native.client.get("/v1/audit?limit=100")))
      if (e["api"] == "cloudtask" && e["job_id"] == id) actions.insert(e["action"].get<std::string>());
    return actions.count("job.run") == 1 && actions.count("job.abort") == 1;
  });
  INFO(json(actions).dump());
  CHECK(both);
}

TEST_CASE("cloudtask: update and delete keep the allocation table current, disabling a job takes it out") {
  ct_server s;
  s.add_runtime("rt");
  auto w1 = s.agent("rt", "w1");
  auto w2 = s.agent("rt", "w2");
  REQUIRE(s.servers_up("rt", 2));
  std::string id = s.create(job_body("edited", "echo one"));
  REQUIRE(eventually([&] { return s.placement("rt").count(id) == 1; }));

  // Limited to w2 by its servers list: it goes there, with a new entry version.
  json body = job_body("edited", "echo two");
  body["jobid"] = id;
  body["servers"] = json::array({"w2"});
  json updated = s.web_ok(s.ct.request("PUT", "/api/job/updateJob", body.dump()));
  CHECK(updated["cmd"] == "echo two");
  CHECK(updated["createuser"] == "ops");
  REQUIRE(eventually([&] { return s.placement("rt")[id] == "w2"; }));
  json base = s.answer(s.ct.get("/cloudtask/v2/jobs/" + id + "/base"));
  CHECK(base["jobid"] == id);
  CHECK(base["jobname"] == "edited");
  CHECK(base["cmd"] == "echo two");
  CHECK(base["env"] == json::array({"GREETING=hello world"}));
  CHECK(base["filecode"] == "d41d8cd98f00b204e9800998ecf8427e");  // md5 of the empty file name
  CHECK(base["version"] == 2);
  CHECK(base["timeout"] == 30);

  // enabled 0: out of the table, stat 0; enabled again: back in.
  body["enabled"] = 0;
  s.web_ok(s.ct.request("PUT", "/api/job/updateJob", body.dump()));
  CHECK(s.placement("rt").count(id) == 0);
  CHECK(s.job(id)["enabled"] == 0);
  body["enabled"] = 1;
  s.web_ok(s.ct.request("PUT", "/api/job/updateJob", body.dump()));
  REQUIRE(eventually([&] { return s.placement("rt").count(id) == 1; }));

  // Delete: gone from the table when the answer comes.
  json deleted = s.answer(s.ct.del("/api/job/deleteJob/" + id));
  CHECK(deleted == json{{"code", 0}, {"message", "request successed."}, {"data", json::object()}});
  CHECK(s.placement("rt").count(id) == 0);
  CHECK(s.ct.get("/api/job/getById/" + id).status == 404);
  CHECK(s.ct.get("/cloudtask/v2/jobs/" + id + "/base").status == 404);
}

TEST_CASE("cloudtask: a removed job's logs stay, as cloudtask-web's removeJob leaves its log collection") {
  wait_out_end_of_day();
  ct_server s;
  auto running = one_job_running(s, "short lived", "echo bye");  // .first: the agent, kept up
  const std::string id = running.second;
  s.answer(s.ct.del("/api/job/deleteJob/" + id));
  CHECK(s.ct.get("/api/job/getById/" + id).status == 404);
  // By job id and among every log, with the job's fields as they were (the last runs' records
  // are written lazily: they may land just after the delete).
  json rows;
  REQUIRE(eventually([&] {
    rows = s.logs(id);
    return !rows.empty();
  }));
  CHECK(rows[0]["jobid"] == id);
  CHECK(rows[0]["location"] == "rt");
  CHECK(rows[0]["command"] == "echo bye");
  CHECK(rows[0]["stdout"] == "bye\n");
  bool listed = false;
  const json all = s.web_ok(s.ct.get("/api/log/logs?pageSize=1000"));  // held: the loop reads into it
  for (const auto& row : all["rows"]) listed |= row["jobid"] == id;
  CHECK(listed);
  // pageSize=0 is MongoDB's limit(0), every row (here up to a page's most), whatever the pageIndex.
  json unlimited;
  CHECK(eventually([&] {  // the same rows twice running: a last record may still land
    unlimited = s.web_ok(s.ct.get("/api/log/logs?pageSize=0&pageIndex=3&jobid=" + id));
    return !unlimited["rows"].empty() && unlimited["rows"] == s.logs(id);
  }));
  CHECK(unlimited["pageSize"] == 0);
  CHECK(unlimited["pageIndex"] == 3);
  // A job id no runtime ever had: no rows, as before.
  CHECK(s.logs("ffffffffffffffffffffffff").empty());
}

TEST_CASE("cloudtask: a rule whose window has passed never fires, and rules of one job get distinct ids") {
  ct_server s;
  s.add_runtime("rt");
  auto w1 = s.agent("rt", "w1");
  REQUIRE(s.servers_up("rt", 1));
  json rule = every_seconds(1)[0];
  rule["enddate"] = "01/02/2020";
  rule["id"] = "same";
  json rule2 = rule;
  std::string id = s.create(job_body("past", "echo never", json::array({rule, rule2})));
  json job = s.job(id);
  CHECK(job["nextat"] == "0001-01-01T00:00:00.000Z");
  REQUIRE(job["schedule"].size() == 2);
  CHECK(job["schedule"][0]["id"] != job["schedule"][1]["id"]);
  // A control job on a rule that is in its window: once it has run twice, the past rule would
  // have fired too.
  wait_out_end_of_day();
  std::string control = s.create(job_body("control", "echo now", every_seconds(1)));
  REQUIRE(eventually([&] { return s.logs(control).size() >= 2; }, 20s));
  CHECK(s.logs(id).empty());
}

TEST_CASE("cloudtask: the center's routes answer in the document's shapes, with CORS") {
  ct_server s;
  json ping = s.answer(s.ct.get("/cloudtask/v2/_ping"));
  for (const char* key : {"app", "key", "node", "systemconfig"}) CHECK(ping.contains(key));
  CHECK(ping["systemconfig"]["scheduler"]["allocmode"] == "hash");
  CHECK(ping["node"]["pid"].get<int>() > 0);
  // The center's ServerKey is a UUID (NewV4), its AppCode 32 hex digits, its platform Go's GOARCH.
  const std::string key = ping["key"], app = ping["app"];
  CHECK(key.size() == 36);
  CHECK(key.find_first_not_of("0123456789abcdef-") == std::string::npos);
  CHECK((key[8] == '-' && key[13] == '-' && key[14] == '4' && key[18] == '-' && key[23] == '-'));
  CHECK(app.size() == 32);
  CHECK(app != key);
#if defined(__x86_64__)
  CHECK(ping["node"]["platform"] == "amd64");
#endif
  http_response r = s.ct.get("/cloudtask/v2/runtimes/none/jobsalloc");
  CHECK(r.status == 404);
  CHECK(r.json() == json{{"content", "request resource not found."}});
  CHECK(r.header("access-control-allow-origin") == "*");
  // An unknown runtime has no servers.
  CHECK(s.answer(s.ct.get("/cloudtask/v2/runtimes/none/servers")) ==
        json{{"content", "request successed."}, {"data", {{"servers", json::array()}}}});
  http_response options = s.ct.request("OPTIONS", "/cloudtask/v2/jobs/action", std::nullopt);
  CHECK(options.status == 200);
  CHECK(options.header("access-control-allow-methods") == "GET, POST, DELETE, PUT, OPTIONS, HEAD");
  CHECK(options.header("content-type").empty());  // optionsHandler writes only its status
  CHECK(s.answer(s.ct.post_json("/cloudtask/v2/messages", json{{"msgname", "SystemEvent"}, {"msgid", ""}}), 202) ==
        json{{"content", "request accepted."}});
  CHECK(s.answer(s.ct.post_json("/cloudtask/v2/logs", json{{"jobid", "x"}, {"stat", 0}}), 202)["content"] ==
        "request accepted.");
}

TEST_CASE("cloudtask: answers keep the originals' key order, and the center escapes as Go does") {
  ct_server s;
  s.add_runtime("rt");
  http_response made = s.ct.post_json("/api/job/createJob", job_body("a<b>&c", "echo '<x>' && true"));
  INFO(made.body);
  // createJob echoes the body in its order (here nlohmann's, sorted); a read is in JobInfo's.
  CHECK(made.body.starts_with(R"({"code":0,"message":"request successed.","data":{"cmd":"echo '<x>' && true",)"));
  std::string id = made.json()["data"]["jobid"];
  http_response read = s.ct.get("/api/job/getById/" + id);
  CHECK(read.body.find(R"(","jobid":")" + id + R"(","name":"a<b>&c","location":"rt","servers":[],"groupid":"g1")") !=
        std::string::npos);
  http_response base = s.ct.get("/cloudtask/v2/jobs/" + id + "/base");
  INFO(base.body);
  CHECK(base.body.starts_with(R"({"jobid":")" + id + R"(","jobname":"a\u003cb\u003e\u0026c","filename":"","filecode":")"));
  CHECK(base.body.find(R"("cmd":"echo '\u003cx\u003e' \u0026\u0026 true","env":["GREETING=hello world"],"timeout":30,"version":)") !=
        std::string::npos);
  http_response alloc = s.ct.get("/cloudtask/v2/runtimes/rt/jobsalloc");
  INFO(alloc.body);
  CHECK(alloc.body.starts_with(R"({"content":"request successed.","data":{"alloc":{"location":"rt","version":)"));
  http_response logs = s.ct.get("/api/log/logs?jobid=" + id);
  CHECK(logs.body == R"({"code":0,"message":"request successed.","data":{"pageIndex":1,"pageSize":10,"rows":[],"total_rows":0}})");
  http_response missing = s.ct.get("/api/job/getById/ffffffffffffffffffffffff");
  CHECK(missing.body.starts_with(R"({"code":-1001,"message":"request resource not found.","data":{"error":)"));
}

TEST_CASE("cloudtask: the job lists give jobs in the order they were made, as MongoDB's natural order") {
  ct_server s;
  s.add_runtime("rt");
  s.add_runtime("other");
  std::vector<std::string> made;
  for (const char* name : {"zeta", "alpha", "mid", "beta", "omega"}) {
    json body = job_body(name, "echo x");
    if (std::string(name) == "alpha" || std::string(name) == "beta") body["location"] = "other";
    if (std::string(name) == "omega") body["groupid"] = "g2";
    made.push_back(s.create(body));
    std::this_thread::sleep_for(5ms);  // distinct creation times
  }
  // An update leaves a job where it was.
  json edit = job_body("zeta", "echo y");
  edit["jobid"] = made[0];
  s.web_ok(s.ct.request("PUT", "/api/job/updateJob", edit.dump()));
  auto ids = [](const json& jobs) {
    std::vector<std::string> out;
    for (const auto& j : jobs) out.push_back(j["jobid"]);
    return out;
  };
  CHECK(ids(s.answer(s.ct.get("/api/job"))) == made);
  CHECK(ids(s.answer(s.ct.get("/api/job/getGroupJobs/g1"))) == std::vector<std::string>(made.begin(), made.end() - 1));
}

TEST_CASE("cloudtask: a server's alivestamp and the center's stay as they were while they live, as NodeData's") {
  ct_server s;
  s.add_runtime("rt");
  const int64_t before = std::time(nullptr);
  auto w1 = s.agent("rt", "w1");
  REQUIRE(s.servers_up("rt", 1));
  const int64_t first = s.servers("rt")[0]["alivestamp"];
  const int64_t center = s.answer(s.ct.get("/cloudtask/v2/_ping"))["node"]["alivestamp"];
  CHECK(first >= before);
  CHECK(center <= before);
  std::this_thread::sleep_for(3s);  // heartbeats come and go
  CHECK(s.servers("rt")[0]["alivestamp"] == first);
  CHECK(s.answer(s.ct.get("/cloudtask/v2/_ping"))["node"]["alivestamp"] == center);
}

TEST_CASE("cloudtask: a rule's monthlyof reads back as sent from createJob, getById and the center's base") {
  ct_server s;
  s.add_runtime("rt");
  json rule = {{"enabled", 1},       {"turnmode", 2},       {"interval", 2},    {"startdate", "03/19/2018"},
               {"enddate", ""},      {"starttime", "00:00"}, {"endtime", "23:59"}, {"selectat", ""},
               {"monthlyof", {{"day", 1}, {"week", ""}}}};
  json created = s.web_ok(s.ct.post_json("/api/job/createJob", job_body("monthly", "echo x", json::array({rule}))));
  std::string id = created["jobid"];
  const json sent = {{"day", 1}, {"week", ""}};
  CHECK(created["schedule"][0]["monthlyof"] == sent);
  CHECK(s.job(id)["schedule"][0]["monthlyof"] == sent);
  CHECK(s.answer(s.ct.get("/cloudtask/v2/jobs/" + id + "/base"))["schedule"][0]["monthlyof"] == sent);
}

TEST_CASE("cloudtask: what the listener answers itself is Express's or the web's under /api and the center's elsewhere") {
  ct_server s;
  // No route: Express's final handler, an HTML page naming the method and the path as sent.
  http_response nothing = s.ct.get("/api/nothing?x=1");
  CHECK(nothing.status == 404);
  CHECK(nothing.body == "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n"
                        "</head>\n<body>\n<pre>Cannot GET /api/nothing</pre>\n</body>\n</html>\n");
  CHECK(nothing.header("content-type") == "text/html; charset=utf-8");
  CHECK(nothing.header("content-security-policy") == "default-src 'self'");
  CHECK(nothing.header("x-content-type-options") == "nosniff");
  // A route's path with another method is the same 404; OPTIONS lists the route's methods.
  http_response method = s.ct.request("POST", "/api/job", "{}");
  CHECK(method.status == 404);
  CHECK(method.body.find("<pre>Cannot POST /api/job</pre>") != std::string::npos);
  http_response options = s.ct.request("OPTIONS", "/api/job", std::nullopt);
  CHECK(options.status == 200);
  CHECK(options.header("allow") == "GET,HEAD");
  CHECK(options.body == "GET,HEAD");
  CHECK(s.ct.request("OPTIONS", "/api/job/updateJob", std::nullopt).body == "PUT");
  CHECK(s.ct.request("OPTIONS", "/api/x", std::nullopt).status == 404);
  // Express's routing is not strict: a trailing slash reaches the route too.
  CHECK(s.answer(s.ct.get("/api/job/")).is_array());
  CHECK(s.ct.request("OPTIONS", "/api/job/createJob/", std::nullopt).body == "POST");
  // A preflight from a page elsewhere is still the cross-site guard's to refuse.
  http_response foreign = s.ct.request("OPTIONS", "/api/job", std::nullopt, "application/json",
                                       {"Origin: http://evil.example", "Access-Control-Request-Method: GET"});
  CHECK(foreign.status == 403);
  CHECK(foreign.json()["code"] == -1000);
  http_response large = s.ct.post_json("/api/job/createJob", std::string(2 * 1024 * 1024, ' '));
  CHECK(large.status == 413);
  CHECK(large.json()["code"] == -1000);
  CHECK(large.json()["message"] == "request resolve invaild.");
  // ... and on the center's paths what its gorilla/mux answers: Go's http.NotFound, a bare 405,
  // neither with the center's CORS headers; its other refusals in the center's shape.
  http_response center_nothing = s.ct.get("/cloudtask/v2/nothing");
  CHECK(center_nothing.status == 404);
  CHECK(center_nothing.body == "404 page not found\n");
  CHECK(center_nothing.header("content-type") == "text/plain; charset=utf-8");
  CHECK(center_nothing.header("access-control-allow-origin").empty());
  http_response center_method = s.ct.request("DELETE", "/cloudtask/v2/_ping", std::nullopt);
  CHECK(center_method.status == 405);
  CHECK(center_method.body.empty());
  CHECK(center_method.header("content-type").empty());  // nothing written: net/http sends none
  CHECK(center_method.header("allow").empty());         // nor does mux name the methods
  http_response center_large = s.ct.request("PUT", "/cloudtask/v2/jobs/action", std::string(2 * 1024 * 1024, ' '));
  CHECK(center_large.status == 413);
  CHECK(center_large.json() == json{{"content", "request resolve invaild."}});
}

TEST_CASE("cloudtask: hostile input gets Cloudtask-shaped errors and changes nothing") {
  ct_server s;
  s.add_runtime("rt");
  auto count_jobs = [&] { return s.answer(s.ct.get("/api/job")).size(); };
  auto web_error = [&](const http_response& r, long status, int code) {
    json body = s.answer(r, status);
    CHECK(body["code"] == code);
    CHECK(body["data"]["error"].is_string());
    return body["data"]["error"].get<std::string>();
  };
  web_error(s.ct.post_json("/api/job/createJob", "{\"name\": \"x\", \"location\": \"rt"), 400, -1000);
  web_error(s.ct.post_json("/api/job/createJob", "[1,2]"), 400, -1000);
  json bad = job_body("bad", "echo x");
  bad["schedule"] = json::array({json{{"enabled", 1}, {"turnmode", 1}, {"interval", 0}, {"startdate", "01/01/2020"},
                                      {"starttime", "00:00"}, {"endtime", "23:59"}}});
  CHECK(web_error(s.ct.post_json("/api/job/createJob", bad), 400, -1000).starts_with("schedule[0].interval"));
  bad = job_body("bad", "echo x");
  bad.erase("schedule");
  CHECK(web_error(s.ct.post_json("/api/job/createJob", bad), 400, -1000).starts_with("schedule: required"));
  bad = job_body("bad", "echo x");
  bad["env"] = json::array({"NOEQUALS"});
  CHECK(web_error(s.ct.post_json("/api/job/createJob", bad), 400, -1000).starts_with("env[0]"));
  bad = job_body("bad", "");
  CHECK(web_error(s.ct.post_json("/api/job/createJob", bad), 400, -1000).starts_with("cmd"));
  bad = job_body("bad", "echo x");
  bad["timeout"] = "30";
  web_error(s.ct.post_json("/api/job/createJob", bad), 400, -1000);
  bad = job_body("bad", "echo x");
  bad["location"] = "nowhere";
  web_error(s.ct.post_json("/api/job/createJob", bad), 404, -1001);
  // A NUL would end the agent's shell command there: refused as env's NUL is.
  bad = job_body("bad", std::string("echo a\0; echo b", 15));
  CHECK(web_error(s.ct.post_json("/api/job/createJob", bad), 400, -1000).starts_with("cmd: has a NUL byte"));
  CHECK(count_jobs() == 0);

  std::string id = s.create(job_body("once", "echo x"));
  web_error(s.ct.post_json("/api/job/createJob", job_body("once", "echo y")), 409, -1003);  // same group, same name
  json other_group = job_body("once", "echo y");
  other_group["groupid"] = "g2";
  s.create(other_group);  // another group may use the name
  json unknown = job_body("x", "echo x");
  unknown["jobid"] = "ffffffffffffffffffffffff";
  web_error(s.ct.request("PUT", "/api/job/updateJob", unknown.dump()), 404, -1001);
  web_error(s.ct.request("PUT", "/api/job/updateJob", job_body("x", "echo x").dump()), 400, -1000);  // no jobid
  json nul_cmd = job_body("once", std::string("echo a\0b", 8));
  nul_cmd["jobid"] = id;
  CHECK(web_error(s.ct.request("PUT", "/api/job/updateJob", nul_cmd.dump()), 400, -1000).starts_with("cmd: has a NUL byte"));
  web_error(s.ct.del("/api/job/deleteJob/ffffffffffffffffffffffff"), 404, -1001);
  web_error(s.ct.get("/api/log/logs?pageSize=abc"), 400, -1000);
  web_error(s.ct.get("/api/log/logs?createat=%7Bnot%20json"), 400, -1000);
  // An existing runtime (named in any case, as the web's /^name$/i lookup) and an unknown one are
  // answered as cloudtask-web's location controller answers them: 409 and a bare text.
  for (const char* name : {"rt", "RT"}) {
    http_response exists = s.ct.post_json("/api/location/add", json{{"location", name}});
    CHECK(exists.status == 409);
    CHECK(exists.body == "Runtime is exists.");
    CHECK(exists.header("content-type") == "text/html; charset=utf-8");
  }
  web_error(s.ct.post_json("/api/location/add", json{{"location", "bad name!"}}), 400, -1000);
  web_error(s.ct.del("/api/location/remove/rt"), 409, -1003);  // it still has jobs
  http_response unknown_runtime = s.ct.del("/api/location/remove/nowhere");
  CHECK(unknown_runtime.status == 409);
  CHECK(unknown_runtime.body == "Runtime is not exists.");
  // A name that differs only in case is found by the web's /^name$/i lookup, then matches nothing
  // to remove: a 200 that removes nothing.
  http_response other_case = s.ct.del("/api/location/remove/RT");
  CHECK(s.answer(other_case) == json{{"code", 0}, {"message", "request successed."}, {"data", json::object()}});
  CHECK(s.answer(s.ct.get("/cloudtask/v2/runtimes/rt/jobsalloc"))["data"]["alloc"]["location"] == "rt");
  CHECK(s.native.client.get("/v1/RT/group/info").status != 200);  // no runtime RT was made
  CHECK(count_jobs() == 2);
  CHECK(s.job(id)["cmd"] == "echo x");

  http_response r = s.ct.request("PUT", "/cloudtask/v2/jobs/action", std::string("{\"runtime\": "));
  CHECK(r.status == 400);
  CHECK(r.json() == json{{"content", "request resolve invaild."}});
  CHECK(s.ct.post_json("/cloudtask/v2/messages", "nope").status == 400);
  CHECK(s.ct.get("/cloudtask/v2/jobs/..%2F..%2Fetc/base").status == 301);  // mux cleans it to /cloudtask/etc/base
  // Path variables are trimmed as the center's resolve.go trims them; a blank one is a 400.
  for (const char* path : {"/cloudtask/v2/jobs/%20/base", "/cloudtask/v2/runtimes/%20/jobsalloc",
                           "/cloudtask/v2/runtimes/rt/%09/jobsalloc", "/cloudtask/v2/runtimes/%20%20/servers"}) {
    http_response blank = s.ct.get(path);
    INFO(path);
    CHECK(blank.status == 400);
    CHECK(blank.json() == json{{"content", "request resolve invaild."}});
  }
  CHECK(s.answer(s.ct.get("/cloudtask/v2/jobs/%20" + id + "%20/base"))["jobid"] == id);
  CHECK(s.answer(s.ct.get("/cloudtask/v2/runtimes/%20rt/jobsalloc"))["data"]["alloc"]["location"] == "rt");
}

TEST_CASE("cloudtask: a job's entry version and the table's version never go back across a server restart") {
  ct_server s;
  s.add_runtime("rt");
  auto w1 = s.agent("rt", "w1");
  REQUIRE(s.servers_up("rt", 1));
  std::string id = s.create(job_body("versioned", "echo one"));
  json body = job_body("versioned", "echo two");
  body["jobid"] = id;
  s.web_ok(s.ct.request("PUT", "/api/job/updateJob", body.dump()));
  body["cmd"] = "echo three";
  s.web_ok(s.ct.request("PUT", "/api/job/updateJob", body.dump()));
  REQUIRE(eventually([&] { return s.placement("rt").count(id) == 1; }));
  auto base_version = [&] { return s.answer(s.ct.get("/cloudtask/v2/jobs/" + id + "/base"))["version"].get<uint64_t>(); };
  auto entry_version = [&]() -> uint64_t {
    const json table = s.alloc("rt");
    for (const auto& row : table["data"])
      if (row["jobid"] == id) return row["version"].get<uint64_t>();
    return 0;
  };
  CHECK(base_version() == 3);  // created, then edited twice
  CHECK(entry_version() == 3);
  const uint64_t table_before = s.alloc("rt")["version"].get<uint64_t>();

  s.server.kill9();
  s.server.restart();
  REQUIRE(s.servers_up("rt", 1, 30s));
  REQUIRE(eventually([&] { return s.placement("rt").count(id) == 1; }, 30s));
  // The worker that held version 3 of the job and table_before of the table keeps both.
  CHECK(base_version() == 3);
  CHECK(entry_version() == 3);
  CHECK(s.alloc("rt")["version"].get<uint64_t>() > table_before);
  // Disabled and enabled again: an edit each, and back in the table with the version it has.
  body["enabled"] = 0;
  s.web_ok(s.ct.request("PUT", "/api/job/updateJob", body.dump()));
  body["enabled"] = 1;
  s.web_ok(s.ct.request("PUT", "/api/job/updateJob", body.dump()));
  REQUIRE(eventually([&] { return s.placement("rt").count(id) == 1; }));
  CHECK(base_version() == 5);
  CHECK(entry_version() == 5);
}

TEST_CASE("cloudtask: after a server kill -9 the jobs are placed again as agents return, and keep running") {
  wait_out_end_of_day();
  ct_server s;
  auto running = one_job_running(s, "durable", "echo tick");  // .first: the agent, kept up
  const std::string id = running.second;
  s.server.kill9();
  s.server.restart();
  // Remembered with its rules and placement rule; down until the agent dials back by itself.
  CHECK(s.job(id)["name"] == "durable");
  REQUIRE(s.servers_up("rt", 1, 30s));
  REQUIRE(eventually([&] { return s.placement("rt").count(id) == 1; }));
  const std::size_t before = s.logs(id).size();
  REQUIRE(eventually([&] { return s.logs(id).size() > before + 1; }, 15s));
}

TEST_CASE("cloudtask: with --require-api-key each route wants its privilege, refused in the center's shape") {
  uint16_t ct_port = pick_free_port();
  server_process server({"--require-api-key", "--cloudtask-listen", "127.0.0.1:" + std::to_string(ct_port),
                          "--node-listen", "127.0.0.1:" + std::to_string(pick_free_port())});
  http_client native(server.base_url());
  http_client ct("http://127.0.0.1:" + std::to_string(ct_port));
  auto with_key = [](http_client& c, const std::string& method, const std::string& path, const std::string& key,
                     const std::optional<std::string>& body = std::nullopt) {
    std::vector<std::string> headers;
    if (!key.empty()) headers.push_back("X-API-Key: " + key);
    return c.request(method, path, body, "application/json", headers);
  };
  json admin = with_key(native, "POST", "/v1/apikeys/bootstrap", "").json()["success"];
  const std::string admin_key = admin["key"];
  auto make = [&](const json& privileges) {
    http_response r = with_key(native, "POST", "/v1/apikeys", admin_key,
                               json{{"title", "t"}, {"privileges", privileges}, {"active", 1}}.dump());
    REQUIRE(r.status == 200);
    return r.json()["success"]["key"].get<std::string>();
  };
  const std::string reader = make(json::array());
  const std::string creator = make(json::array({"create_events", "state_update"}));

  http_response missing = with_key(ct, "GET", "/cloudtask/v2/runtimes/rt/servers", "");
  CHECK(missing.status == 401);
  CHECK(missing.json()["content"].is_string());
  CHECK(with_key(ct, "GET", "/cloudtask/v2/runtimes/rt/servers", reader).status == 200);
  CHECK(with_key(ct, "OPTIONS", "/cloudtask/v2/jobs/action", "").status == 200);  // preflights stay open
  CHECK(with_key(ct, "POST", "/api/location/add", reader, json{{"location", "rt"}}.dump()).status == 403);
  CHECK(with_key(ct, "POST", "/api/location/add", creator, json{{"location", "rt"}}.dump()).status == 200);
  json job = job_body("keyed", "echo x");
  http_response created = with_key(ct, "POST", "/api/job/createJob", creator, job.dump());
  REQUIRE(created.status == 200);
  const std::string id = created.json()["data"]["jobid"];
  // A route's twin with a trailing slash (Express's non-strict routing) needs the same.
  job["name"] = "keyed2";
  CHECK(with_key(ct, "POST", "/api/job/createJob/", reader, job.dump()).status == 403);
  CHECK(with_key(ct, "POST", "/api/job/createJob/", creator, job.dump()).status == 200);
  // start needs run_events, stop abort_events: the creator has neither.
  json start = {{"runtime", "rt"}, {"jobid", id}, {"action", "start"}};
  CHECK(with_key(ct, "PUT", "/cloudtask/v2/jobs/action", creator, start.dump()).status == 403);
  CHECK(with_key(ct, "PUT", "/cloudtask/v2/jobs/action", admin_key, start.dump()).status == 202);
  CHECK(with_key(ct, "DELETE", "/api/job/deleteJob/" + id, creator).status == 403);
  CHECK(with_key(ct, "DELETE", "/api/job/deleteJob/" + id, admin_key).status == 200);
}

TEST_CASE("cloudtask: a job whose runtime has no live server waits (stat 202) and its fires count as no_node skips") {
  wait_out_end_of_day();
  ct_server s;
  s.add_runtime("rt");
  std::string id = s.create(job_body("lonely", "echo never", every_seconds(1)));
  auto no_node_skips = [&] {
    auto t = mainspring::prometheus_text::parse(s.native.client.get("/metrics").body);
    return t.value("mainspring_runs_skipped_total", {{"reason", "no_node"}});
  };
  REQUIRE(eventually([&] { return no_node_skips() >= 2; }, 15s));
  CHECK(s.job(id)["stat"] == 202);
  CHECK(s.logs(id).empty());
}

TEST_CASE("cloudtask: an execution going on across a server kill -9 is its job's again: started, not started twice, stopped by stop") {
  ct_server s;
  s.add_runtime("rt");
  auto w1 = s.agent("rt", "w1");
  REQUIRE(s.servers_up("rt", 1));
  // Each execution adds a line to `starts`; its command line names the file while it runs.
  const std::string starts = "/tmp/mainspring-ct-adopted-" + std::to_string(::getpid());
  std::filesystem::remove(starts);
  auto started = [&] {
    std::ifstream in(starts);
    return std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n');
  };
  auto still_running = [&] {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
      std::ifstream in(entry.path() / "cmdline", std::ios::binary);
      std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (cmdline.find(starts) != std::string::npos) return true;
    }
    return false;
  };
  std::string id = s.create(job_body("longrun", "echo begin; echo x >> " + starts + "; sleep 60; echo done"));
  REQUIRE(eventually([&] { return s.placement("rt").count(id) == 1; }));
  json start = {{"runtime", "rt"}, {"jobid", id}, {"action", "start"}};
  s.answer(s.ct.request("PUT", "/cloudtask/v2/jobs/action", start.dump()), 202);
  REQUIRE(eventually([&] { return started() == 1; }, 15s));

  s.server.kill9();
  s.server.restart();
  REQUIRE(s.servers_up("rt", 1, 30s));
  // Started (200) again once its agent is back, in the native view too.
  REQUIRE(eventually([&] { return s.job(id)["stat"] == 200; }, 15s));
  CHECK(s.native.detail("rt", id)["counts"]["running"] == 1);
  // A start while it runs starts nothing: the job runs one execution at a time.
  REQUIRE(eventually([&] { return s.placement("rt").count(id) == 1; }));
  s.answer(s.ct.request("PUT", "/cloudtask/v2/jobs/action", start.dump()), 202);
  std::this_thread::sleep_for(2s);
  CHECK(started() == 1);
  CHECK(s.native.detail("rt", id)["counts"]["running"] == 1);

  // Recorded as a stop is: STATE_STOPED without error, what it printed before.
  CHECK(stopped_row(s, id)["stdout"] == "begin\n");
  // The agent ended its process group.
  CHECK(eventually([&] { return !still_running(); }, 10s));
  json job = s.job(id);
  CHECK(job["stat"] == 0);
  json native = s.native.detail("rt", id);
  CHECK(native["counts"]["running"] == 0);
  CHECK(native["counts"]["runs"] == 1);
  CHECK(native["counts"]["failures"] == 1);
  CHECK(native["last_run"]["state"] == "failed");
  CHECK(native["last_run"]["error"].get<std::string>().find("stopped through the cloudtask API") != std::string::npos);
  CHECK(started() == 1);
  std::filesystem::remove(starts);
}

TEST_CASE("cloudtask: jobs and log rows carry their document's _id as the web's MongoDB gives it, the same across restarts") {
  wait_out_end_of_day();
  ct_server s;
  auto running = one_job_running(s, "with_id", "echo x");  // .first: the agent, kept up
  const std::string id = running.second;
  auto object_id_shaped = [](const json& v) {
    return v.is_string() && v.get<std::string>().size() == 24 &&
           v.get<std::string>().find_first_not_of("0123456789abcdef") == std::string::npos;
  };
  // createJob answers the inserted object, the driver's _id added last.
  http_response made = s.ct.post_json("/api/job/createJob", job_body("second", "echo y"));
  INFO(made.body);
  const json created = s.web_ok(made);
  REQUIRE(object_id_shaped(created["_id"]));
  CHECK(made.body.ends_with(R"(,"_id":")" + created["_id"].get<std::string>() + "\"}}"));
  // Read back from the collection: _id first, the same one.
  http_response by_id = s.ct.get("/api/job/getById/" + created["jobid"].get<std::string>());
  CHECK(by_id.body.starts_with(R"({"_id":")" + created["_id"].get<std::string>() + R"(","jobid":")"));
  const json jobs = s.answer(s.ct.get("/api/job"));
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[1]["_id"] == created["_id"]);
  CHECK(object_id_shaped(jobs[0]["_id"]));
  CHECK(jobs[0]["_id"] != jobs[1]["_id"]);
  CHECK(s.answer(s.ct.get("/api/job/getGroupJobs/g1"))[1]["_id"] == created["_id"]);
  // updateJob answers the body it was sent: no _id unless the client sent one.
  json edit = job_body("second", "echo z");
  edit["jobid"] = created["jobid"];
  CHECK(!s.web_ok(s.ct.request("PUT", "/api/job/updateJob", edit.dump())).contains("_id"));
  edit["_id"] = created["_id"];
  CHECK(s.web_ok(s.ct.request("PUT", "/api/job/updateJob", edit.dump()))["_id"] == created["_id"]);
  CHECK(s.job(created["jobid"])["_id"] == created["_id"]);  // an update keeps the document

  // Each log row has its own, first, the same on every read.
  REQUIRE(eventually([&] { return s.logs(id).size() >= 2; }, 20s));
  const json rows = s.logs(id);
  CHECK(object_id_shaped(rows[0]["_id"]));
  CHECK(rows[0]["_id"] != rows[1]["_id"]);
  CHECK(s.ct.get("/api/log/logs?pageSize=1&jobid=" + id).body.find(R"("rows":[{"_id":")" + rows[0]["_id"].get<std::string>() +
                                                                  R"(","jobid":")") != std::string::npos);
  const json job_id_before = s.job(id)["_id"];
  // Runs are written unsynced and the rows above may come from the job's memory: a synced change
  // acknowledged after them is written in the same commit round or a later one, so once it is,
  // those rows survive kill -9.
  edit["description"] = "synced after the rows";
  s.web_ok(s.ct.request("PUT", "/api/job/updateJob", edit.dump()));

  s.server.kill9();
  s.server.restart();
  CHECK(s.job(id)["_id"] == job_id_before);
  CHECK(s.job(created["jobid"])["_id"] == created["_id"]);
  const json again = s.logs(id);
  REQUIRE(again.size() >= 2);
  CHECK(again[0]["_id"] == rows[0]["_id"]);
  CHECK(again[1]["_id"] == rows[1]["_id"]);
}

TEST_CASE("cloudtask: the center decodes a message as the struct its msgname names, a type error a 400 in its words") {
  ct_server s;
  auto post = [&](const std::string& path, const std::string& body) { return s.ct.post_json(path, body); };
  // The web's messages and the agents' decode: accepted.
  const std::string event = R"({"msgname":"SystemEvent","msgid":"","event":"create_job","jobids":["j1"],"groupids":[],)"
                            R"("runtime":"rt","timestamp":1521427500000})";
  CHECK(s.answer(post("/cloudtask/v2/messages", event), 202) == json{{"content", "request accepted."}});
  CHECK(s.answer(post("/cloudtask/v2/messages", R"({"msgname":"JobExecute","msgid":"m2","jobid":"j1","state":0,)"
                                                R"("execat":"2018-03-19T02:45:00Z","nextat":"0001-01-01T00:00:00Z"})"),
                 202)["content"] == "request accepted.");
  // A header that decodes, a body that does not as its kind: postMessages' text with Go's reason,
  // a 400 where the center answers 500 (the body is at fault, not the server).
  http_response r = post("/cloudtask/v2/messages", R"({"msgname":"SystemEvent","msgid":"m1","timestamp":"now"})");
  CHECK(s.answer(r, 400) ==
        json{{"content", "process systemevent message m1 failure, json: cannot unmarshal string into Go struct field "
                         "SystemEvent.timestamp of type int64"}});
  CHECK(r.header("access-control-allow-origin") == "*");
  CHECK(s.answer(post("/cloudtask/v2/messages", R"({"MsgName":"JobSelect","msgid":"m3","nextat":"tomorrow"})"), 400) ==
        json{{"content", R"(process jobselect message m3 failure, parsing time "tomorrow" as "2006-01-02T15:04:05Z07:00": )"
                         R"(cannot parse "tomorrow" as "2006")"}});
  CHECK(s.answer(post("/cloudtask/v2/messages", R"({"msgname":"JobExecute","msgid":"m4","state":1.5})"), 400)["content"] ==
        "process jobexecute message m4 failure, json: cannot unmarshal number 1.5 into Go struct field JobExecute.state of type int");
  // A message of no known kind is not read further; a header that does not decode is a 400.
  CHECK(s.answer(post("/cloudtask/v2/messages", R"({"msgname":"Other","timestamp":"now"})"), 202)["content"] ==
        "request accepted.");
  CHECK(s.answer(post("/cloudtask/v2/messages", R"({"msgname":"SystemEvent","msgid":7})"), 400) ==
        json{{"content", "request resolve invaild."}});
  // The requests' Context field (api.Context) takes an object only.
  CHECK(s.answer(post("/cloudtask/v2/logs", R"({"jobid":"j1","context":"x"})"), 400) ==
        json{{"content", "request resolve invaild."}});
  CHECK(s.answer(s.ct.request("PUT", "/cloudtask/v2/jobs/action", R"({"runtime":"rt","Context":[]})"), 400) ==
        json{{"content", "request resolve invaild."}});
  CHECK(s.answer(s.ct.request("PUT", "/cloudtask/v2/jobs/action", R"({"runtime":"rt","Context":{"ID":"c1"}})"), 202) ==
        json{{"content", "request accepted."}});
}

TEST_CASE("cloudtask: a center path with // or dot segments is a 301 to the cleaned path, as the center's mux answers") {
  ct_server s;
  auto get = [&](const std::string& target) {
    raw_connection c(s.ct_port);
    c.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    auto r = c.read_response(10s);
    REQUIRE(r.has_value());
    return *r;
  };
  for (const auto& [target, location] : std::vector<std::pair<std::string, std::string>>{
           {"/cloudtask/v2//_ping", "/cloudtask/v2/_ping"},
           {"//cloudtask/v2/_ping", "/cloudtask/v2/_ping"},
           {"/cloudtask/v2/./runtimes/rt/servers?x=1", "/cloudtask/v2/runtimes/rt/servers?x=1"},
           {"/cloudtask/v2/jobs/j1/../j2/base", "/cloudtask/v2/jobs/j2/base"},
           {"/cloudtask/v2/jobs/%2E/base", "/cloudtask/v2/jobs/base"},
           {"/cloudtask/v2/runtimes/a%20b/x%2F..%2Fservers", "/cloudtask/v2/runtimes/a%20b/servers"}}) {
    INFO(target);
    auto r = get(target);
    CHECK(r.status == 301);
    CHECK(r.headers["location"] == location);
    CHECK(r.body.empty());
    CHECK(r.headers.count("access-control-allow-origin") == 0);
  }
  // A clean path is routed; a trailing slash is no route (mux's StrictSlash is off).
  CHECK(get("/cloudtask/v2/_ping").status == 200);
  CHECK(get("/cloudtask/v2/_ping/").status == 404);
  // cloudtask-web's routes are Express's, which cleans nothing.
  CHECK(get("/api/job//getById/x").status == 404);
  CHECK(get("/api/./job").status == 404);
}

TEST_CASE("cloudtask: a runtime added is answered with MongoDB's insert result of the body posted, as cloudtask-web answers") {
  ct_server s;
  const std::string posted = R"({"location":"rt2","description":"d","group":[],"owners":["ops"],"server":[],)"
                             R"("createuser":"ops","edituser":"ops"})";
  http_response r = s.ct.post_json("/api/location/add", posted);
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "application/json; charset=utf-8");
  // The op is the body as posted, keys in its order, then the web's createat and editat and the
  // driver's _id; the ids list that _id.
  CHECK(r.body.starts_with(R"({"result":{"ok":1,"n":1},"ops":[{"location":"rt2","description":"d","group":[],)"
                           R"("owners":["ops"],"server":[],"createuser":"ops","edituser":"ops","createat":")"));
  const json answer = r.json();
  const json op = answer["ops"][0];
  CHECK(op["createat"] == op["editat"]);
  CHECK(op["createat"].get<std::string>().ends_with("+00:00"));
  const std::string id = op["_id"];
  CHECK(id.size() == 24);
  CHECK(r.body.ends_with(R"("_id":")" + id + R"("}],"insertedCount":1,"insertedIds":[")" + id + R"("]})"));
  // The runtime is there: its center routes answer, and adding it again is the web's 409 text.
  CHECK(s.answer(s.ct.get("/cloudtask/v2/runtimes/rt2/jobsalloc"))["data"]["alloc"]["location"] == "rt2");
  CHECK(s.ct.post_json("/api/location/add", posted).body == "Runtime is exists.");
}

TEST_CASE("cloudtask: createJob and updateJob answer the body as posted, changed as cloudtask-web's controllers change it") {
  ct_server s;
  s.add_runtime("rt");
  // The web's job form posts its fields in this order; a script may add its own.
  const std::string form = R"({"name":"echoed","location":"rt","groupid":"g1","filename":"a.sh","servers":[],)"
                           R"("cmd":"echo x","description":"d","timeout":0,"enabled":1,"env":[],"schedule":[],)"
                           R"("notifysetting":{"succeed":{"enabled":false},"failed":{"enabled":false}},)"
                           R"("createuser":"ops","mine":{"z":1,"a":[true]}})";
  http_response made = s.ct.post_json("/api/job/createJob", form);
  INFO(made.body);
  const json created = s.web_ok(made);
  const std::string id = created["jobid"], at = created["createat"], oid = created["_id"];
  CHECK(made.body == R"({"code":0,"message":"request successed.","data":)" + form.substr(0, form.size() - 1) +
                         R"(,"createat":")" + at + R"(","editat":")" + at + R"(","edituser":"ops","jobid":")" + id +
                         R"(","files":[],"stat":202,"_id":")" + oid + R"("}})");
  // The form's update: its fields, edituser and jobid. The stored creator and the job's state
  // follow, and the old filename joins the files.
  const std::string edit = R"({"name":"echoed","location":"rt","groupid":"g1","filename":"b.sh","servers":[],)"
                           R"("cmd":"echo y","description":"d","timeout":0,"enabled":0,"env":[],"schedule":[],)"
                           R"("notifysetting":{"succeed":{"enabled":false},"failed":{"enabled":false}},)"
                           R"("edituser":"ops2","jobid":")" + id + R"("})";
  http_response updated = s.ct.request("PUT", "/api/job/updateJob", edit);
  INFO(updated.body);
  const json changed = s.web_ok(updated);
  REQUIRE(changed["files"].size() == 1);
  const int64_t file_at = changed["files"][0]["createat"];
  CHECK(updated.body == R"({"code":0,"message":"request successed.","data":)" + edit.substr(0, edit.size() - 1) +
                            R"(,"createat":")" + at + R"(","createuser":"ops","stat":0,"editat":")" +
                            changed["editat"].get<std::string>() + R"(","files":[{"name":"a.sh","createat":)" +
                            std::to_string(file_at) + R"(}],"execat":"0001-01-01T00:00:00.000Z",)"
                            R"("nextat":"0001-01-01T00:00:00.000Z","execerr":""}})");
  const json job = s.job(id);
  CHECK(job["filename"] == "b.sh");
  CHECK(job["files"] == json::array({json{{"name", "a.sh"}, {"createat", file_at}}}));
  CHECK(job["createuser"] == "ops");
  CHECK(job["edituser"] == "ops2");
  CHECK(job["enabled"] == 0);
  CHECK(!job.contains("mine"));  // kept in the answer only: Mainspring stores the fields it knows
}

TEST_CASE("cloudtask: the center's paths are read and refused as Go's net/http and gorilla/mux do, /api as before") {
  ct_server s;
  auto raw = [&](const std::string& request) {
    raw_connection c(s.ct_port);
    c.send(request);
    auto r = c.read_response(10s);
    REQUIRE(r.has_value());
    return *r;
  };
  // A bad escape in the query: the center never reads its query, and net/http only splits it off.
  http_response ping = s.ct.get("/cloudtask/v2/_ping?a=%zz&b=1");
  CHECK(ping.status == 200);
  CHECK(ping.header("date").ends_with(" GMT"));  // net/http dates its answers
  // A bad escape in the path: net/http's own 400, before mux and the center's CORS headers.
  auto refused = raw("GET /cloudtask/v2/jobs/a%zz/base HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(refused.status == 400);
  CHECK(refused.body == "400 Bad Request");
  CHECK(refused.headers["content-type"] == "text/plain; charset=utf-8");
  CHECK(refused.headers["connection"] == "close");
  CHECK(refused.headers.count("access-control-allow-origin") == 0);
  CHECK(raw("GET /cloudtask/v2/_ping HTTP/1.1\r\n\r\n").body == "400 Bad Request: missing required Host header");
  auto star = raw("OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");  // net/http's own, never mux's
  CHECK(star.status == 200);
  CHECK(star.headers.count("location") == 0);
  CHECK(star.headers.count("access-control-allow-origin") == 0);
  // HEAD: mux matches methods exactly, so a GET route's path answers HEAD with its bare 405.
  http_response head = s.ct.request("HEAD", "/cloudtask/v2/_ping", std::nullopt);
  CHECK(head.status == 405);
  CHECK(head.header("allow").empty());
  CHECK(head.header("content-type").empty());
  CHECK(s.ct.request("HEAD", "/cloudtask/v2/nothing", std::nullopt).status == 404);
  // cloudtask-web's /api is Express's: HEAD is its GET, and a bad escape its own 400 as before.
  http_response web_head = s.ct.request("HEAD", "/api/job", std::nullopt);
  CHECK(web_head.status == 200);
  auto web_refused = raw("GET /api/job?a=%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(web_refused.status == 400);
  CHECK(json::parse(web_refused.body)["code"] == -1000);
}

