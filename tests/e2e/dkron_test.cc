// End to end: the Dkron dialect (--dkron-listen) against the real server: the seed's examples,
// today's Dkron fields, jobs firing through the shell and http executors, chains, toggle,
// concurrency, ephemeral and expiring jobs, pause, hostile input and restarts.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include <date/date.h>

#include <catch2/catch.hpp>

#include "tests/e2e/http_client.h"
#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/support/http_sink.h"
#include "tests/support/temp_dir.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

// A server with the Dkron API on a second loopback port.
struct dkron_server {
  uint16_t dkron_port = pick_free_port();
  server_process server{{"--dkron-listen", "127.0.0.1:" + std::to_string(dkron_port)}};
  http_client dkron{"http://127.0.0.1:" + std::to_string(dkron_port)};
  native_api native{server.base_url()};

  http_response create(const json& job) { return dkron.post_json("/v1/jobs", job); }
  json job(const std::string& name) {
    auto r = dkron.get("/v1/jobs/" + name);
    INFO(r.body);
    REQUIRE(r.status == 200);
    return r.json();
  }
  json executions(const std::string& name) {
    auto r = dkron.get("/v1/jobs/" + name + "/executions");
    INFO(r.body);
    REQUIRE(r.status == 200);
    return r.json();
  }
  // Executions that have finished.
  std::size_t finished(const std::string& name) {
    auto all = executions(name);
    return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [](const json& e) {
      return e["finished_at"] != "0001-01-01T00:00:00Z";
    }));
  }
};

// The seed's create example, as its curl sends it.
const char* k_seed_job = R"({
  "name": "cron_job",
  "schedule": "0 30 * * * *",
  "command": "/usr/bin/date",
  "owner": "John Doe",
  "owner_email": "john@doe.com",
  "run_as_user": "johndoe",
  "disabled": false,
  "tags": {
    "role": "web"
  }
})";

json shell_job(const std::string& name, const std::string& schedule, const std::string& command) {
  return json{{"name", name}, {"schedule", schedule}, {"executor", "shell"},
              {"executor_config", {{"shell", "true"}, {"command", command}}}};
}

// Where a test checks that something does NOT happen, it waits for the scheduler's own progress
// rather than a fixed time: a control job (@every 1s) finishes `fires` more runs, so a busy
// machine that slows the scheduler slows the window with it.
void add_control_job(dkron_server& s) {
  REQUIRE(s.create(shell_job("control", "@every 1s", "true")).status == 201);
  REQUIRE(eventually([&] { return s.finished("control") >= 1; }));
}
void let_control_fire(dkron_server& s, std::size_t fires = 2) {
  std::size_t target = s.finished("control") + fires;
  REQUIRE(eventually([&] { return s.finished("control") >= target; }, std::chrono::seconds(30)));
}

// A UTC RFC3339Nano time ("...:59.6Z") with its fraction padded to 9 digits, so that the texts
// sort as the times do (Go drops trailing zeros: ".621Z" sorts before ".6Z" as written).
std::string sortable_time(const json& rfc3339) {
  std::string t = rfc3339.get<std::string>();
  t.pop_back();  // 'Z'
  const auto dot = t.find('.');
  if (dot == std::string::npos) t += '.';
  t.resize(t.find('.') + 10, '0');
  return t;
}

void check_text_error(const http_response& r, long code, const std::string& text) {
  INFO("status " << r.status << " body " << r.body);
  CHECK(r.status == code);
  // A bare status (Dkron's c.AbortWithStatus) has no body, and net/http then sends no Content-Type.
  if (r.body.empty()) CHECK(r.header("content-type").empty());
  else CHECK(r.header("content-type").starts_with("text/plain"));
  CHECK(r.body.find(text) != std::string::npos);
}

}  // namespace

TEST_CASE("the seed's Dkron examples work unchanged") {
  dkron_server s;
  auto status = s.dkron.get("/v1/");
  REQUIRE(status.status == 200);
  CHECK(status.json()["agent"]["name"].is_string());
  CHECK(status.json()["tags"]["server"] == "true");
  // The Dkron release whose API is served (4.x: pause, DELETE executions), for clients that check.
  CHECK(status.json()["agent"]["version"] == "4.0.9");
  CHECK(status.json()["tags"]["version"] == "4.0.9");

  auto created = s.dkron.request("POST", "/v1/jobs", std::string(k_seed_job), "application/json");
  INFO(created.body);
  REQUIRE(created.status == 201);
  CHECK(created.header("location") == "/v1/jobs/cron_job");
  CHECK(created.header("content-type") == "application/json; charset=utf-8");
  json job = created.json();
  CHECK(job["name"] == "cron_job");
  CHECK(job["schedule"] == "0 30 * * * *");
  CHECK(job["command"] == "/usr/bin/date");
  CHECK(job["owner"] == "John Doe");
  CHECK(job["owner_email"] == "john@doe.com");
  CHECK(job["run_as_user"] == "johndoe");
  CHECK(job["disabled"] == false);
  CHECK(job["tags"] == json{{"role", "web"}});
  CHECK(job["success_count"] == 0);
  CHECK(job["last_success"].is_null());
  CHECK(job["last_error"].is_null());
  // Dkron answers the job as its request bound it: no id, no next yet; GET shows them.
  CHECK(job["id"] == "");
  CHECK(job["next"] == "0001-01-01T00:00:00Z");
  CHECK(s.job("cron_job")["id"] == "cron_job");
  CHECK(s.job("cron_job")["next"].get<std::string>().ends_with(":30:00Z"));

  auto list = s.dkron.get("/v1/jobs");
  REQUIRE(list.status == 200);
  CHECK(list.header("x-total-count") == "1");
  REQUIRE(list.json().size() == 1);
  CHECK(list.json()[0]["name"] == "cron_job");

  auto members = s.dkron.get("/v1/members");
  REQUIRE(members.status == 200);
  REQUIRE(members.json().size() == 1);
  CHECK(members.json()[0]["Status"] == 1);
  // Dkron's typesv1.Member adds a random id (a new one each call) and the status as text.
  CHECK(members.json()[0]["statusText"] == "alive");
  CHECK(members.json()[0]["id"].get<std::string>().size() == 36);
  CHECK(s.dkron.get("/v1/members").json()[0]["id"] != members.json()[0]["id"]);
  CHECK(s.dkron.get("/v1/leader").json()["Name"] == members.json()[0]["Name"]);
  CHECK(s.dkron.get("/v1/isleader").json() == "I am a leader");
  CHECK(s.dkron.get("/health").json() == json{{"status", "healthy"}});
  CHECK(members.header("x-total-count") == "1");

  auto pretty = s.dkron.get("/v1/jobs/cron_job?pretty=true");
  CHECK(pretty.body.find("\n    \"name\": \"cron_job\"") != std::string::npos);

  // A Dkron job is a Mainspring job in the dkron group.
  json native = s.native.jobs("dkron");
  REQUIRE(native.size() == 1);
  CHECK(native[0]["id"] == "cron_job");
  CHECK(native[0]["exec_cmd"] == "/usr/bin/date");

  auto deleted = s.dkron.del("/v1/jobs/cron_job");
  REQUIRE(deleted.status == 200);
  CHECK(deleted.json()["name"] == "cron_job");
  CHECK(s.dkron.get("/v1/jobs/cron_job").status == 404);
  CHECK(s.dkron.get("/v1/jobs").json().empty());
}

TEST_CASE("creating a job again updates it and keeps its identity") {
  dkron_server s;
  REQUIRE(s.create(shell_job("nightly", "@every 1h", "true")).status == 201);
  const json secret_before = s.native.detail("dkron", "nightly")["otp_token"];
  REQUIRE(secret_before.is_string());
  json update = shell_job("nightly", "0 0 3 * * *", "echo updated");
  update["displayname"] = "Nightly";
  update["metadata"] = {{"team", "ops"}};
  update["timezone"] = "Europe/Berlin";
  auto r = s.create(update);
  INFO(r.body);
  REQUIRE(r.status == 201);
  json job = s.job("nightly");
  CHECK(job["schedule"] == "0 0 3 * * *");
  CHECK(job["displayname"] == "Nightly");
  CHECK(job["timezone"] == "Europe/Berlin");
  CHECK(job["metadata"] == json{{"team", "ops"}});
  CHECK(job["executor_config"]["command"] == "echo updated");
  CHECK(s.dkron.get("/v1/jobs").json().size() == 1);
  CHECK(s.native.detail("dkron", "nightly")["otp_token"] == secret_before);  // the same job, not a new one

  // Dkron's other two routes to the same handler: PATCH /v1/jobs and PUT /v1/jobs/{job}.
  update["owner"] = "patched";
  auto patched = s.dkron.request("PATCH", "/v1/jobs", update.dump());
  INFO(patched.body);
  CHECK(patched.status == 201);
  CHECK(s.job("nightly")["owner"] == "patched");
  json fresh = shell_job("weekly", "@weekly", "true");
  auto put = s.dkron.request("PUT", "/v1/jobs/weekly", fresh.dump());
  INFO(put.body);
  CHECK(put.status == 201);
  CHECK(s.job("weekly")["schedule"] == "@weekly");
}

TEST_CASE("create and update answer the job as the request bound it, GET as stored") {
  dkron_server s;
  json first = shell_job("bound", "0 0 3 * * *", "true");
  first["tags"] = json::object();
  first["starts_at"] = "2099-01-01T10:00:00.500+02:00";
  auto created = s.create(first);
  INFO(created.body);
  REQUIRE(created.status == 201);
  // Dkron's handler renders the Job it bound, not the stored one (SetJob sends the store a copy).
  CHECK(created.body.starts_with(R"({"id":"","name":"bound","displayname":"","timezone":"","schedule":"0 0 3 * * *",)"
                                 R"("owner":"","owner_email":"","success_count":0,"error_count":0,"last_success":null,)"
                                 R"("last_error":null,"disabled":false,"tags":{},"metadata":null,"retries":0,)"
                                 R"("dependent_jobs":null,"parent_job":"","processors":null,"concurrency":"allow",)"
                                 R"("executor":"shell","executor_config":{"command":"true","shell":"true"},"status":"",)"
                                 R"("next":"0001-01-01T00:00:00Z","ephemeral":false,)"
                                 R"("starts_at":"2099-01-01T10:00:00.5+02:00","expires_at":null})"));
  json stored = s.job("bound");
  CHECK(stored["id"] == "bound");
  CHECK(stored["tags"].is_null());
  CHECK(stored["starts_at"] == "2099-01-01T08:00:00.5Z");
  CHECK(stored["next"] == "2099-01-02T03:00:00Z");

  // An update too: what the client sent back (a GET's answer) comes back, counts as sent.
  json child = shell_job("child", "", "true");
  child["parent_job"] = "bound";
  REQUIRE(s.create(child).status == 201);
  REQUIRE(s.dkron.request("POST", "/v1/jobs/bound/run", "").status == 200);
  REQUIRE(eventually([&] { return s.job("bound")["success_count"] == 1; }));
  json edited = s.job("bound");
  edited["displayname"] = "Bound";
  auto updated = s.dkron.request("PUT", "/v1/jobs/bound?pretty", edited.dump(), "application/json");
  INFO(updated.body);
  REQUIRE(updated.status == 201);
  CHECK(updated.body.find("\n    \"id\": \"bound\",") != std::string::npos);
  json echoed = updated.json();
  CHECK(echoed == edited);  // every field as the GET gave it, the edit included
  edited = s.job("bound");
  CHECK(edited["displayname"] == "Bound");
  CHECK(edited["dependent_jobs"] == json{"child"});
  CHECK(edited["success_count"] == 1);
  json bare = shell_job("bound", "0 0 3 * * *", "true");
  bare["starts_at"] = "2099-01-01T08:00:00.5Z";
  auto plain = s.create(bare).json();
  CHECK(plain["dependent_jobs"].is_null());  // not the stored job's, which keeps them
  CHECK(plain["success_count"] == 0);
  CHECK(s.job("bound")["dependent_jobs"] == json{"child"});
  CHECK(s.job("bound")["success_count"] == 1);
}

TEST_CASE("a shell job fires on its schedule and its executions show its output") {
  dkron_server s;
  REQUIRE(s.create(shell_job("tick", "@every 1s", "echo tick-$MAINSPRING_JOB_ID")).status == 201);
  REQUIRE(eventually([&] { return s.finished("tick") >= 2; }));
  json runs = s.executions("tick");
  CHECK(s.dkron.get("/v1/jobs/tick/executions").header("x-total-count") == std::to_string(runs.size()));
  json run = runs.back();
  CHECK(run["job_name"] == "tick");
  CHECK(run["success"] == true);
  CHECK(run["output"] == "tick-tick\n");
  CHECK(run["attempt"] == 1);
  // Newest first.
  CHECK(runs[0]["started_at"].get<std::string>() >= runs.back()["started_at"].get<std::string>());
  // One execution, and the output limit of the list.
  auto one = s.dkron.get("/v1/jobs/tick/executions/" + run["id"].get<std::string>());
  REQUIRE(one.status == 200);
  CHECK(one.json()["output"] == "tick-tick\n");
  json cut = s.dkron.get("/v1/jobs/tick/executions?output_size_limit=4").json().back();
  CHECK(cut["output"] == "ick\n");
  CHECK(cut["output_truncated"] == true);
  CHECK(run["output_truncated"] == false);
  // An unknown execution is Dkron's bare 404.
  for (const char* unknown : {"123", "1700000000123456789-node1"}) {
    auto missing = s.dkron.get("/v1/jobs/tick/executions/" + std::string(unknown));
    CHECK(missing.status == 404);
    CHECK(missing.body.empty());
  }
  json job = s.job("tick");
  CHECK(job["success_count"].get<int>() >= 2);
  CHECK(job["status"] == "success");
  CHECK(job["last_success"].is_string());
}

TEST_CASE("the seed's 0.x route GET /v1/executions/{job} lists a job's runs in the document's shape") {
  dkron_server s;
  REQUIRE(s.create(shell_job("legacy", "@every 1s", "echo legacy")).status == 201);
  REQUIRE(eventually([&] { return s.finished("legacy") >= 2; }));
  auto r = s.dkron.get("/v1/executions/legacy");
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "application/json; charset=utf-8");
  json runs = r.json();
  REQUIRE(runs.size() >= 2);
  json today = s.executions("legacy");
  CHECK(runs.size() >= today.size() - 1);  // another run may have started in between
  // The document's fields, nothing more; oldest first, as 0.x's store listed its keys.
  for (const auto& run : runs) {
    CHECK(run.size() == 6);
    CHECK(run["job_name"] == "legacy");
    CHECK(run["node_name"].is_string());
    CHECK(run["started_at"].is_string());
    CHECK(run["finished_at"].is_string());
    CHECK(run["success"].is_boolean());
    CHECK(run["output"].is_string());
  }
  CHECK(runs[0]["output"] == "legacy\n");
  CHECK(runs[0]["success"] == true);
  CHECK(runs[0]["started_at"].get<std::string>() <= runs.back()["started_at"].get<std::string>());
  CHECK(runs[0]["started_at"] == today.back()["started_at"]);
  check_text_error(s.dkron.get("/v1/executions/nope"), 404, "");
}

TEST_CASE("a shell job's payload is what its command reads on stdin, kept across a restart") {
  dkron_server s;
  json job = shell_job("reader", "@manually", "cat; echo \"|$ENV_JOB_NAME\"");
  job["executor_config"]["payload"] = "eyJvcmRlciI6IDQyfQ==";  // {"order": 42}
  REQUIRE(s.create(job).status == 201);
  CHECK(s.job("reader")["executor_config"]["payload"] == "eyJvcmRlciI6IDQyfQ==");
  REQUIRE(s.dkron.request("POST", "/v1/jobs/reader/run", "").status == 200);
  REQUIRE(eventually([&] { return s.finished("reader") == 1; }));
  CHECK(s.executions("reader")[0]["output"] == "{\"order\": 42}|reader\n");
  // Go's StdEncoding rules, refused at once where Dkron fails every run.
  json bad = shell_job("bad", "@manually", "cat");
  bad["executor_config"]["payload"] = "eyJ!";
  check_text_error(s.create(bad), 400, "Job validation failed: executor_config: payload: illegal base64 data at input byte 3");
  // Runs are written unsynced; a synced change acknowledged after the run ended is written in the
  // same commit round or a later one, so once it is, the run's record survives kill -9.
  REQUIRE(s.create(shell_job("marker", "@manually", "true")).status == 201);
  s.server.kill9();
  s.server.restart();
  http_client again("http://127.0.0.1:" + std::to_string(s.dkron_port));
  REQUIRE(again.request("POST", "/v1/jobs/reader/run", "").status == 200);
  json runs;
  REQUIRE(eventually([&] {
    runs = again.get("/v1/jobs/reader/executions").json();
    return runs.size() == 2 && runs[0]["finished_at"] != "0001-01-01T00:00:00Z";
  }));
  CHECK(runs[0]["output"] == "{\"order\": 42}|reader\n");
}

TEST_CASE("DELETE executions forgets one job's runs and counts, durably, and answers the job") {
  dkron_server s;
  REQUIRE(s.create(shell_job("ok", "0 0 3 1 1 *", "true")).status == 201);
  REQUIRE(s.create(shell_job("bad", "0 0 3 1 1 *", "exit 3")).status == 201);
  for (const char* name : {"ok", "ok", "bad"})
    REQUIRE(s.dkron.request("POST", "/v1/jobs/" + std::string(name) + "/run", "").status == 200);
  REQUIRE(eventually([&] { return s.finished("ok") == 2 && s.finished("bad") == 1; }));
  REQUIRE(eventually([&] { return s.job("bad")["error_count"] == 1; }));

  auto cleared = s.dkron.del("/v1/jobs/bad/executions");
  INFO(cleared.body);
  REQUIRE(cleared.status == 200);
  json job = cleared.json();
  CHECK(job["name"] == "bad");
  CHECK(job["error_count"] == 0);
  CHECK(job["success_count"] == 0);
  CHECK(job["last_error"].is_null());
  CHECK(job["status"] == "");
  CHECK(s.executions("bad").empty());
  CHECK(s.dkron.get("/v1/jobs/bad/executions").header("x-total-count") == "0");
  // The other job keeps its executions and counts.
  CHECK(s.finished("ok") == 2);
  CHECK(s.job("ok")["success_count"] == 2);
  check_text_error(s.dkron.del("/v1/jobs/nope/executions"), 404, "");

  // Durable: after kill -9 the cleared job still has no executions; it runs and counts again.
  s.server.kill9();
  s.server.restart();
  http_client again("http://127.0.0.1:" + std::to_string(s.dkron_port));
  auto after = again.get("/v1/jobs/bad/executions");
  REQUIRE(after.status == 200);
  CHECK(after.json().empty());
  CHECK(again.get("/v1/jobs/ok/executions").json().size() == 2);
  REQUIRE(again.request("POST", "/v1/jobs/bad/run", "").status == 200);
  CHECK(eventually([&] { return again.get("/v1/jobs/bad").json()["error_count"] == 1; }));
}

TEST_CASE("Dkron fields that outgrow the job's room beside another API's fields are refused in Dkron's terms") {
  dkron_server s;
  REQUIRE(s.create(shell_job("shared", "@every 1h", "true")).status == 201);
  // The native API keeps a command its HTTP target does not use in its own fields of the job.
  s.native.post_ok("/v1/edit/job", json{{"group_name", "dkron"}, {"job_id", "shared"},
                                        {"request_url", "HTTP@http://127.0.0.1:9/"},
                                        {"exec_command", std::string(40'000, 'c')}});
  json big = shell_job("shared", "@every 1h", "true");
  big["displayname"] = std::string(30'000, 'd');  // within Dkron's own limit, not beside those
  auto r = s.create(big);
  check_text_error(r, 400, "Job validation failed: the job's displayname, owner, tags");
  CHECK(r.body.find("dialect_data") == std::string::npos);
  CHECK(s.job("shared")["displayname"] == "");  // nothing changed
}

TEST_CASE("the answers of Dkron's routes name the node in X-Whom, as Dkron's middleware does") {
  dkron_server s;
  const std::string node = s.dkron.get("/v1/leader").json()["Name"];
  REQUIRE_FALSE(node.empty());
  CHECK(s.dkron.get("/v1/jobs").header("x-whom") == node);
  CHECK(s.dkron.get("/v1/jobs/missing").header("x-whom") == node);
  CHECK(s.native.client.get("/health").header("x-whom").empty());  // the native listener: no
  // The middleware is on Dkron's "/" group: not on /health (its engine's), nor on what gin
  // answers itself (a path no route takes, a trailing-slash redirect).
  CHECK(s.dkron.get("/health").header("x-whom").empty());
  CHECK(s.dkron.get("/v1/nothing").header("x-whom").empty());
  CHECK(s.dkron.get("/v1/jobs/").header("x-whom").empty());
}

TEST_CASE("Dkron's listener reads and refuses requests as Go's net/http and gin do") {
  dkron_server s;
  REQUIRE(s.create(shell_job("one", "@every 1h", "true")).status == 201);
  REQUIRE(s.create(shell_job("two", "@every 1h", "true")).status == 201);
  // A bad escape in the query: url.ParseQuery skips that pair, gin's c.Query sees the rest.
  auto page = s.dkron.get("/v1/jobs?a=%zz&_end=1&_order=DESC");
  CHECK(page.status == 200);
  REQUIRE(page.json().size() == 1);
  CHECK(page.json()[0]["name"] == "two");
  CHECK(s.dkron.get("/v1/jobs?_end=1;x&_order=DESC").json().size() == 2);  // a pair with ';' is skipped
  // A bad escape in the path: net/http's own 400, before gin and Dkron's middleware.
  raw_connection c(s.dkron_port);
  c.send("GET /v1/jobs/o%zzne HTTP/1.1\r\nHost: x\r\n\r\n");
  auto refused = c.read_response(std::chrono::seconds(5));
  REQUIRE(refused);
  CHECK(refused->status == 400);
  CHECK(refused->body == "400 Bad Request");
  CHECK(refused->headers["content-type"] == "text/plain; charset=utf-8");
  CHECK(refused->headers["connection"] == "close");
  CHECK(refused->headers.count("x-whom") == 0);
  CHECK(c.closed_by_peer(std::chrono::seconds(5)));
  // HEAD: gin has no HEAD routes, so even a GET route's path is its 404.
  auto head = s.dkron.request("HEAD", "/v1/jobs", std::nullopt);
  CHECK(head.status == 404);
  CHECK(head.header("content-type") == "text/plain");
  CHECK(head.header("content-length") == "18");
  CHECK(s.dkron.request("HEAD", "/v1/jobs/", std::nullopt).status == 404);  // no redirect either
  // OPTIONS has no route either (Dkron's CORS middleware runs on matched routes only); "OPTIONS *"
  // is net/http's own empty 200, which gin never sees.
  CHECK(s.dkron.request("OPTIONS", "/v1/jobs", std::nullopt).body == "404 page not found");
  raw_connection star(s.dkron_port);
  star.send("OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  auto star_answer = star.read_response(std::chrono::seconds(5));
  REQUIRE(star_answer);
  CHECK(star_answer->status == 200);
  CHECK(star_answer->headers["content-length"] == "0");
  CHECK(star_answer->headers.count("content-type") == 0);
  // An unknown job is Dkron's c.AbortWithStatus(404): no body, so no Content-Type.
  auto missing = s.dkron.get("/v1/jobs/missing");
  CHECK(missing.status == 404);
  CHECK(missing.body.empty());
  CHECK(missing.header("content-type").empty());
  // net/http dates every answer.
  CHECK(page.header("date").ends_with(" GMT"));
  CHECK(missing.header("date").size() == std::string("Mon, 07 Dec 2026 04:58:43 GMT").size());
}

TEST_CASE("a path with a stray trailing slash is redirected as gin redirects it") {
  dkron_server s;
  auto listed = s.dkron.get("/v1/jobs/?metadata[team]=ops");
  CHECK(listed.status == 301);
  CHECK(listed.header("location") == "/v1/jobs?metadata[team]=ops");
  CHECK(listed.body == "<a href=\"/v1/jobs?metadata[team]=ops\">Moved Permanently</a>.\n\n");
  auto created = s.dkron.post_json("/v1/jobs/", json{{"name", "slash"}, {"schedule", "@every 1h"}});
  CHECK(created.status == 307);  // keeps the method and body when followed
  CHECK(created.header("location") == "/v1/jobs");
  CHECK(created.header("content-type").empty());
  CHECK(s.dkron.get("/v1/jobs/slash").status == 404);  // nothing was created
  CHECK(s.dkron.get("/v1/members/").header("location") == "/v1/members");
  CHECK(s.dkron.get("/v1/nothing/").status == 404);  // no twin: still the 404
  CHECK(s.native.client.get("/v1/group/list/").status == 404);  // the native API does not redirect
  // Behind a proxy that strips a prefix and says so, gin redirects under the prefix.
  CHECK(s.dkron.request("GET", "/v1/jobs/", std::nullopt, "", {"X-Forwarded-Prefix: /dkron"}).header("location") ==
        "/dkron/v1/jobs");
}

TEST_CASE("a job with starts_at ahead fires from then on, by its schedule, also after a toggle") {
  dkron_server s;
  json later = shell_job("later", "0 0 3 * * *", "true");
  later["starts_at"] = "2099-01-01T00:00:01Z";
  REQUIRE(s.create(later).status == 201);
  // Not the instant itself: the schedule's first fire after it, 03:00 that day.
  CHECK(s.job("later")["next"] == "2099-01-01T03:00:00Z");
  CHECK(s.job("later")["starts_at"] == "2099-01-01T00:00:01Z");
  REQUIRE(s.dkron.request("POST", "/v1/jobs/later/toggle", "").status == 200);  // disabled
  REQUIRE(s.dkron.request("POST", "/v1/jobs/later/toggle", "").status == 200);  // enabled again
  CHECK(s.job("later")["next"] == "2099-01-01T03:00:00Z");

  // One starting in two seconds with a one-second cadence: its first run is not before then.
  json soon = shell_job("soon", "@every 1s", "true");
  const auto starts = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) +
                      std::chrono::seconds(2);
  const std::string starts_text = date::format("%FT%TZ", starts);
  soon["starts_at"] = starts_text;
  REQUIRE(s.create(soon).status == 201);
  REQUIRE(eventually([&] { return s.finished("soon") >= 1; }));
  json runs = s.executions("soon");
  CHECK(runs.back()["started_at"].get<std::string>().substr(0, 19) >= starts_text.substr(0, 19));
}

TEST_CASE("restore sets a file's jobs, parents first, overwriting existing ones, or none when one is bad") {
  dkron_server s;
  json solo = shell_job("solo", "@every 1h", "true");
  solo["owner"] = "old";
  REQUIRE(s.create(solo).status == 201);
  solo["owner"] = "new";
  json child = shell_job("child", "", "true");
  child["parent_job"] = "parent";
  // As Go's multipart.Writer (Dkron's own test) and curl -F file=@backup.json send the file.
  auto upload = [&](const std::string& file) {
    std::string body = "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"backup.json\"\r\n"
                       "Content-Type: application/octet-stream\r\n\r\n" + file + "\r\n--b0undary--\r\n";
    return s.dkron.request("POST", "/v1/restore", body, "multipart/form-data; boundary=b0undary");
  };

  auto r = upload(json::array({child, shell_job("parent", "@every 1h", "true"), solo}).dump());
  INFO(r.body);
  REQUIRE(r.status == 200);
  REQUIRE(r.json().is_string());  // Dkron renders its marshalled result list as a JSON string
  CHECK(json::parse(r.json().get<std::string>()) ==
        json::array({"success create parent", "success create child", "success create solo"}));
  CHECK(s.job("child")["parent_job"] == "parent");
  CHECK(s.job("parent")["dependent_jobs"] == json::array({"child"}));
  CHECK(s.job("solo")["owner"] == "new");

  // One bad job: nothing of the file is set.
  check_text_error(upload(json::array({shell_job("fresh", "@every 1h", "true"), shell_job("Bad", "@every 1h", "true")}).dump()),
                   400, "Bad: name contains illegal character 'B'");
  json orphan = shell_job("orphan2", "", "true");
  orphan["parent_job"] = "nowhere";
  check_text_error(upload(json::array({orphan}).dump()), 400, "the job doesn't have a parent job set");
  check_text_error(upload("not json"), 400, "not JSON");
  check_text_error(upload(R"([{"name": "cut", "schedule": "@every 1h")"), 400, "not JSON");  // truncated
  // A chain of parents that loops (two jobs, three), even beside a valid job: Dkron's ErrNoParent.
  auto in_loop = [](const std::string& name, const std::string& parent) {
    json j = shell_job(name, "", "true");
    j["parent_job"] = parent;
    return j;
  };
  check_text_error(upload(json::array({in_loop("l1", "l2"), in_loop("l2", "l1")}).dump()), 400,
                   "the job doesn't have a parent job set");
  check_text_error(upload(json::array({shell_job("fresh", "@every 1h", "true"), in_loop("l1", "l2"),
                                       in_loop("l2", "l3"), in_loop("l3", "l1")}).dump()),
                   400, "the job doesn't have a parent job set");
  for (const char* name : {"l1", "l2", "l3"}) CHECK(s.dkron.get(std::string("/v1/jobs/") + name).status == 404);
  CHECK(s.dkron.get("/v1/jobs/fresh").status == 404);
  CHECK(s.dkron.get("/v1/jobs/orphan2").status == 404);
  // No file in the form, or no form: Dkron's 404.
  check_text_error(s.dkron.post_json("/v1/restore", "[]"), 404, "multipart/form-data");
  check_text_error(s.dkron.request("POST", "/v1/restore", "--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--",
                                   "multipart/form-data; boundary=b"),
                   404, "no such file");
}

TEST_CASE("Dkron's own restore test file restores in Dkron's order once its URLs are real") {
  dkron_server s;
  std::ifstream in(std::string(MAINSPRING_FIXTURES_DIR) + "/dkron/testBackupJobs.json");
  REQUIRE(in);
  std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto upload = [&](const std::string& jobs) {
    std::string body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"testBackupJobs.json\"\r\n"
                       "Content-Type: application/octet-stream\r\n\r\n" + jobs + "\r\n--b--\r\n";
    return s.dkron.request("POST", "/v1/restore", body, "multipart/form-data; boundary=b");
  };
  // As sent, its http jobs have no URL Mainspring can call: refused, nothing set (README).
  check_text_error(upload(file), 400, "task1: executor_config");
  CHECK(s.dkron.get("/v1/jobs").json().empty());

  std::string real = file;
  for (std::size_t at; (at = real.find("xxxxxxxxxxxxx")) != std::string::npos;)
    real.replace(at, 13, "http://127.0.0.1:9/x");
  auto r = upload(real);
  INFO(r.body);
  REQUIRE(r.status == 200);
  json results = json::parse(r.json().get<std::string>());
  json expected = json::array();
  for (const char* name : {"task1", "task2", "task3", "task4", "task5", "task6", "task8", "task7"})
    expected.push_back(std::string("success create ") + name);
  CHECK(results == expected);  // each parent, then its children depth first
  CHECK(s.job("task8")["parent_job"] == "task6");
  CHECK(s.job("task5")["dependent_jobs"] == json::array({"task6", "task7"}));
  CHECK(s.job("task1")["concurrency"] == "forbid");
}

TEST_CASE("an http job sends its method, headers and body and checks the expected code") {
  dkron_server s;
  http_sink sink;
  json job{{"name", "hook"}, {"schedule", "@manually"}, {"executor", "http"},
           {"executor_config", {{"method", "POST"}, {"url", sink.url("/hook?x=1")},
                                {"headers", R"(["Content-Type: application/json", "X-Trace: t1"])"},
                                {"body", R"({"hello":"dkron"})"}, {"timeout", "5"}, {"expectCode", "200"}}}};
  REQUIRE(s.create(job).status == 201);
  auto run = s.dkron.request("POST", "/v1/jobs/hook", std::nullopt, "application/json");
  INFO(run.body);
  REQUIRE(run.status == 200);
  REQUIRE(sink.wait_for_requests(1, std::chrono::seconds(10)));
  auto req = sink.requests()[0];
  CHECK(req.method == "POST");
  CHECK(req.target == "/hook?x=1");  // no native otp_code/job_id query
  CHECK(req.header("content-type") == "application/json");
  CHECK(req.header("x-trace") == "t1");
  CHECK(req.body == R"({"hello":"dkron"})");
  REQUIRE(eventually([&] { return s.finished("hook") == 1; }));
  CHECK(s.executions("hook")[0]["success"] == true);

  sink.set_response(202, "accepted");  // not the expected 200
  REQUIRE(s.dkron.request("POST", "/v1/jobs/hook", std::nullopt, "application/json").status == 200);
  REQUIRE(eventually([&] { return s.finished("hook") == 2; }));
  json failed = s.executions("hook")[0];
  CHECK(failed["success"] == false);
  CHECK(failed["output"].get<std::string>().find("HTTP 202, expected 200") != std::string::npos);
  CHECK(s.job("hook")["error_count"] == 1);

  // Dkron's comma list: any listed status is a success; the config reads back as sent.
  job["executor_config"]["expectCode"] = "200,202";
  REQUIRE(s.create(job).status == 201);
  CHECK(s.job("hook")["executor_config"]["expectCode"] == "200,202");
  REQUIRE(s.dkron.request("POST", "/v1/jobs/hook", std::nullopt, "application/json").status == 200);
  REQUIRE(eventually([&] { return s.finished("hook") == 3; }));
  CHECK(s.executions("hook")[0]["success"] == true);
}

TEST_CASE("a child job runs after each successful run of its parent") {
  dkron_server s;
  REQUIRE(s.create(shell_job("parent", "@manually", "true")).status == 201);
  json child = shell_job("child", "", "echo child");
  child["parent_job"] = "parent";
  auto made = s.create(child);
  INFO(made.body);
  REQUIRE(made.status == 201);
  CHECK(made.json()["next"] == "0001-01-01T00:00:00Z");
  CHECK(s.job("parent")["dependent_jobs"] == json{"child"});

  REQUIRE(s.dkron.request("POST", "/v1/jobs/parent", std::nullopt, "application/json").status == 200);
  REQUIRE(eventually([&] { return s.finished("child") == 1; }));
  CHECK(s.executions("child")[0]["output"] == "child\n");
  // The native API names the run the child's followed (run_record::cause).
  json run = s.native.executions("dkron", "child")[0];
  CHECK(run["trigger"] == "parent");
  REQUIRE(run["cause"].is_object());
  CHECK(run["cause"]["after_job_id"] == "parent");
  CHECK(run["cause"]["after_job_name"] == "parent");
  CHECK(run["cause"]["after_run_id"] == s.native.executions("dkron", "parent")[0]["run_id"]);
  CHECK(run["cause"]["after_state"] == "succeeded");
  CHECK(run["cause"]["after_code"] == 0);

  // A failing parent does not run its child.
  REQUIRE(s.create(shell_job("parent", "@manually", "false")).status == 201);
  REQUIRE(s.dkron.request("POST", "/v1/jobs/parent", std::nullopt, "application/json").status == 200);
  REQUIRE(eventually([&] { return s.finished("parent") == 2; }));
  // A child with a schedule of its own still runs only after its parent: Dkron never puts a job
  // with a parent in its cron.
  json timed = shell_job("timed", "@every 1s", "echo timed");
  timed["parent_job"] = "parent";
  REQUIRE(s.create(timed).status == 201);
  CHECK(s.job("timed")["schedule"] == "@every 1s");
  add_control_job(s);
  let_control_fire(s, 2);
  CHECK(s.finished("child") == 1);
  CHECK(s.finished("timed") == 0);
  REQUIRE(s.dkron.del("/v1/jobs/timed").status == 200);

  // Chains that cannot be.
  json orphan = shell_job("orphan", "", "true");
  orphan["parent_job"] = "missing";
  check_text_error(s.create(orphan), 404, "specified parent job not found");
  json self = shell_job("self", "@every 1h", "true");
  self["parent_job"] = "self";
  check_text_error(s.create(self), 400, "Job validation failed: the job can not have itself as parent.");
  json loop = shell_job("parent", "@manually", "true");
  loop["parent_job"] = "child";
  check_text_error(s.create(loop), 400, "loop");
  // Dkron's jobDeleteHandler answers 404 for any error, this one too.
  check_text_error(s.dkron.del("/v1/jobs/parent"), 404, "could not delete job with dependent jobs");
  REQUIRE(s.dkron.del("/v1/jobs/child").status == 200);
  REQUIRE(s.dkron.del("/v1/jobs/parent").status == 200);
}

TEST_CASE("toggle disables and enables a job, and a disabled job does not fire") {
  dkron_server s;
  add_control_job(s);
  REQUIRE(s.create(shell_job("flip", "@every 1s", "true")).status == 201);
  auto off = s.dkron.request("POST", "/v1/jobs/flip/toggle", std::nullopt, "application/json");
  INFO(off.body);
  REQUIRE(off.status == 200);
  CHECK(off.json()["disabled"] == true);
  // Dkron computes a disabled job's next from its schedule too: when it would fire if enabled.
  CHECK(off.json()["next"] != "0001-01-01T00:00:00Z");
  CHECK(off.header("location") == "/v1/jobs/flip/toggle");  // Dkron's c.Request.RequestURI
  let_control_fire(s, 1);  // a run already under way lands
  std::size_t before = s.finished("flip");
  let_control_fire(s);
  CHECK(s.finished("flip") == before);
  auto on = s.dkron.request("POST", "/v1/jobs/flip/toggle?pretty", std::nullopt, "application/json");
  CHECK(on.json()["disabled"] == false);
  CHECK(on.header("location") == "/v1/jobs/flip/toggle?pretty");
  CHECK(on.json()["next"] != "0001-01-01T00:00:00Z");
  REQUIRE(eventually([&] { return s.finished("flip") >= before + 2; }));
  CHECK(s.dkron.request("POST", "/v1/jobs/nope/toggle", std::nullopt, "application/json").status == 404);

  // Created disabled: its next is still its schedule's, as Dkron's store computes it.
  json off_job = shell_job("off", "0 0 3 * * *", "true");
  off_job["disabled"] = true;
  REQUIRE(s.create(off_job).status == 201);
  CHECK(s.job("off")["disabled"] == true);
  CHECK(s.job("off")["next"].get<std::string>().ends_with("T03:00:00Z"));
  CHECK(s.dkron.get("/v1/jobs?disabled=true").json()[0]["next"] == s.job("off")["next"]);
}

TEST_CASE("concurrency forbid never lets two runs of a job overlap") {
  dkron_server s;
  json job = shell_job("slow", "@every 1s", "sleep 1.5");
  job["concurrency"] = "forbid";
  REQUIRE(s.create(job).status == 201);
  REQUIRE(eventually([&] { return s.finished("slow") >= 2; }, 15s));
  json runs = s.executions("slow");
  std::vector<std::pair<std::string, std::string>> spans;
  for (const auto& r : runs)
    if (r["finished_at"] != "0001-01-01T00:00:00Z") spans.emplace_back(r["started_at"], r["finished_at"]);
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 1; i < spans.size(); ++i) CHECK(spans[i].first >= spans[i - 1].second);
  CHECK(s.job("slow")["concurrency"] == "forbid");
}

TEST_CASE("GET /v1/busy lists every execution running now, of every job, earliest started first") {
  dkron_server s;
  testing::temp_dir dir("ms_dkron_busy");
  const std::string gate = dir.path + "/go";
  const std::string wait = "while [ ! -e " + gate + " ]; do sleep 0.05; done";
  for (const char* name : {"a_gated", "b_gated"}) REQUIRE(s.create(shell_job(name, "@manually", wait)).status == 201);
  auto busy = [&] {
    auto r = s.dkron.get("/v1/busy");
    REQUIRE(r.status == 200);
    CHECK(r.header("x-total-count") == std::to_string(r.json().size()));
    return r.json();
  };
  CHECK(busy().empty());
  // b first, then a twice (its default concurrency allows overlap): three runs at once.
  for (const char* name : {"b_gated", "a_gated", "a_gated"}) {
    REQUIRE(s.dkron.request("POST", "/v1/jobs/" + std::string(name) + "/run", "").status == 200);
    std::this_thread::sleep_for(20ms);  // distinct start times (milliseconds), in this order
  }
  json now;
  REQUIRE(eventually([&] {
    now = busy();
    return now.size() == 3;
  }));
  INFO(now.dump());
  CHECK(now[0]["job_name"] == "b_gated");
  CHECK(now[1]["job_name"] == "a_gated");
  CHECK(now[2]["job_name"] == "a_gated");
  for (std::size_t i = 0; i < now.size(); ++i) {
    CHECK(now[i]["finished_at"] == "0001-01-01T00:00:00Z");
    if (i > 0) CHECK(sortable_time(now[i]["started_at"]) >= sortable_time(now[i - 1]["started_at"]));
  }
  std::ofstream(gate) << "x";
  REQUIRE(eventually([&] { return busy().empty(); }));
  CHECK(s.finished("a_gated") == 2);
}

TEST_CASE("an ephemeral job is deleted after its first successful run, an expired one never fires") {
  dkron_server s;
  json once = shell_job("once", "@every 1s", "true");
  once["ephemeral"] = true;
  REQUIRE(s.create(once).status == 201);
  REQUIRE(eventually([&] { return s.dkron.get("/v1/jobs/once").status == 404; }));

  json expired = shell_job("expired", "@every 1s", "true");
  expired["expires_at"] = "2020-01-01T00:00:00Z";
  auto made = s.create(expired);
  REQUIRE(made.status == 201);
  CHECK(made.json()["expires_at"] == "2020-01-01T00:00:00Z");
  CHECK(made.json()["next"] == "0001-01-01T00:00:00Z");
  add_control_job(s);
  let_control_fire(s);
  CHECK(s.executions("expired").empty());
}

TEST_CASE("while paused, job submissions are refused and the jobs still run") {
  dkron_server s;
  REQUIRE(s.create(shell_job("kept", "@every 1s", "true")).status == 201);
  auto paused = s.dkron.request("POST", "/v1/pause", std::nullopt, "application/json");
  REQUIRE(paused.status == 200);
  CHECK(paused.json() == json{{"paused", true}});
  CHECK(s.dkron.get("/v1/pause").json() == json{{"paused", true}});
  check_text_error(s.create(shell_job("new", "@every 1h", "true")), 503, "New job submissions are currently paused");
  check_text_error(s.create(shell_job("kept", "@every 2h", "true")), 503, "paused");
  std::size_t before = s.finished("kept");
  REQUIRE(eventually([&] { return s.finished("kept") > before; }));
  REQUIRE(s.dkron.request("POST", "/v1/unpause", std::nullopt, "application/json").status == 200);
  CHECK(s.create(shell_job("new", "@every 1h", "true")).status == 201);
  CHECK(s.dkron.get("/v1/jobs").json().size() == 2);
}

TEST_CASE("lists filter by metadata and name, sort, and page with X-Total-Count") {
  dkron_server s;
  for (std::string name : {"b-job", "a-job", "c-job", "d-other"}) {
    json job = shell_job(name, "@every 1h", "true");
    job["metadata"] = {{"team", name == "c-job" ? "web" : "ops"}};
    REQUIRE(s.create(job).status == 201);
  }
  auto names = [](const json& list) {
    std::vector<std::string> out;
    for (const auto& j : list) out.push_back(j["name"]);
    return out;
  };
  CHECK(names(s.dkron.get("/v1/jobs").json()) == std::vector<std::string>{"a-job", "b-job", "c-job", "d-other"});
  auto ops = s.dkron.get("/v1/jobs?metadata%5Bteam%5D=ops");
  CHECK(names(ops.json()) == std::vector<std::string>{"a-job", "b-job", "d-other"});
  CHECK(ops.header("x-total-count") == "3");
  // Keys as gin's QueryMap reads them: up to the first ']', and "metadata[]" names nothing.
  CHECK(names(s.dkron.get("/v1/jobs?metadata%5Bteam%5Dx=web").json()) == std::vector<std::string>{"c-job"});
  CHECK(names(s.dkron.get("/v1/jobs?metadata%5B%5D=web").json()).size() == 4);
  CHECK(names(s.dkron.get("/v1/jobs?q=job&_order=DESC").json()) == std::vector<std::string>{"c-job", "b-job", "a-job"});
  CHECK(names(s.dkron.get("/v1/jobs?_sort=id&order=DESC").json()).front() == "d-other");
  // Only DESC descends (Dkron compares the text); equal keys reverse too (buntdb's Descend).
  CHECK(names(s.dkron.get("/v1/jobs?_order=desc").json()).front() == "a-job");
  CHECK(names(s.dkron.get("/v1/jobs?_sort=success_count&_order=DESC").json()) ==
        std::vector<std::string>{"d-other", "c-job", "b-job", "a-job"});
  // A key given twice is its first value, as gin's c.Query reads it.
  CHECK(names(s.dkron.get("/v1/jobs?_order=DESC&_order=ASC").json()).front() == "d-other");
  CHECK(names(s.dkron.get("/v1/jobs?q=b-job&q=a-job").json()) == std::vector<std::string>{"b-job"});
  CHECK(names(s.dkron.get("/v1/jobs?_start=2&_start=0&_end=3&_end=4").json()) == std::vector<std::string>{"c-job"});
  CHECK(names(s.dkron.get("/v1/jobs?metadata%5Bteam%5D=web&metadata%5Bteam%5D=ops").json()) ==
        std::vector<std::string>{"c-job"});
  auto page = s.dkron.get("/v1/jobs?_start=1&_end=3");
  CHECK(names(page.json()) == std::vector<std::string>{"b-job", "c-job"});
  CHECK(page.header("x-total-count") == "4");
  // Dkron reads _start and _end with `n, _ := strconv.Atoi(...)`: what does not parse is 0.
  CHECK(names(s.dkron.get("/v1/jobs?_start=abc").json()).size() == 4);
  CHECK(names(s.dkron.get("/v1/jobs?_start=abc&_end=2").json()) == std::vector<std::string>{"a-job", "b-job"});
  CHECK(names(s.dkron.get("/v1/jobs?_start=1&_end=x").json()).empty());
  auto none = s.dkron.get("/v1/jobs?_start=&_end=");
  CHECK(none.status == 200);
  CHECK(none.json() == json::array());
  CHECK(none.header("x-total-count") == "4");
  CHECK(names(s.dkron.get("/v1/jobs?_start=%2B2&_end=99").json()) == std::vector<std::string>{"c-job", "d-other"});
  // Where Dkron's slice would panic (a 500), the page is clamped into the list.
  CHECK(names(s.dkron.get("/v1/jobs?_start=-1&_end=1").json()) == std::vector<std::string>{"a-job"});
  CHECK(names(s.dkron.get("/v1/jobs?_start=3&_end=1").json()).empty());
  CHECK(names(s.dkron.get("/v1/jobs?_start=99999999999999999999").json()).empty());
  // ?q also searches the displayname; ?status keeps the jobs whose last outcome it names
  // (untriggered: never ran), as Dkron's Store.GetJobs.
  json shown = shell_job("e-shown", "@manually", "exit 3");
  shown["displayname"] = "Nightly Backup";
  REQUIRE(s.create(shown).status == 201);
  CHECK(names(s.dkron.get("/v1/jobs?q=Backup").json()) == std::vector<std::string>{"e-shown"});
  CHECK(names(s.dkron.get("/v1/jobs?status=failed").json()).empty());
  CHECK(names(s.dkron.get("/v1/jobs?status=untriggered").json()).size() == 5);
  REQUIRE(s.dkron.request("POST", "/v1/jobs/e-shown/run", "").status == 200);
  REQUIRE(eventually([&] { return s.finished("e-shown") == 1; }));
  auto failed = s.dkron.get("/v1/jobs?status=failed");
  CHECK(names(failed.json()) == std::vector<std::string>{"e-shown"});
  CHECK(failed.header("x-total-count") == "1");
  CHECK(names(s.dkron.get("/v1/jobs?status=untriggered").json()).size() == 4);
  CHECK(names(s.dkron.get("/v1/jobs?status=success").json()).empty());
}

TEST_CASE("a job's executions sort by ?_sort and ?_order, whole outputs unless limited") {
  dkron_server s;
  REQUIRE(s.create(shell_job("many", "@manually", "printf '%02000d' 7")).status == 201);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(s.dkron.request("POST", "/v1/jobs/many/run", "").status == 200);
    const std::size_t ran = static_cast<std::size_t>(i + 1);
    REQUIRE(eventually([&] { return s.finished("many") == ran; }));
  }
  auto ids = [&](const std::string& query) {
    std::vector<std::string> out;
    for (const auto& e : s.dkron.get("/v1/jobs/many/executions" + query).json()) out.push_back(e["id"]);
    return out;
  };
  auto newest_first = ids("");
  REQUIRE(newest_first.size() == 3);
  std::vector<std::string> oldest_first(newest_first.rbegin(), newest_first.rend());
  CHECK(ids("?_sort=id&_order=ASC") == oldest_first);
  CHECK(ids("?_sort=started_at&_order=DESC") == newest_first);
  CHECK(ids("?_sort=finished_at&_order=ASC") == oldest_first);
  CHECK(ids("?_order=asc") == oldest_first);  // anything but DESC is ascending
  CHECK(ids("?_order=ASC&_order=DESC") == oldest_first);  // the first value, as gin reads it
  // Dkron's default is the whole output (2,000 bytes here).
  json first = s.executions("many")[0];
  CHECK(first["output"].get<std::string>().size() == 2000);
  CHECK(first["output_truncated"] == false);
  CHECK(s.dkron.get("/v1/jobs/many/executions?output_size_limit=x").json()[0]["output"].get<std::string>().size() == 2000);
}

TEST_CASE("a job's executions list its newest 100, as Dkron's store keeps them") {
  dkron_server s;
  REQUIRE(s.create(shell_job("often", "@manually", "true")).status == 201);
  // One at a time, so that the runs end in the order they started: run at once, the last to end
  // could be any of them (it was, on a loaded machine), and then need not be the newest listed.
  for (int i = 0; i < 103; ++i) {
    REQUIRE(s.dkron.request("POST", "/v1/jobs/often/run", "").status == 200);
    REQUIRE(eventually([&] { return s.job("often")["success_count"] == i + 1; }, std::chrono::seconds(20)));
  }
  // A run is counted as it ends and its record written a moment later; the list shows the job's
  // last runs from its memory meanwhile, so the last run listed says nothing of the others: wait
  // until the list holds the last run and as many as the store keeps.
  const json last_success = s.job("often")["last_success"];
  http_response listed;
  const bool stored = eventually([&] {
    listed = s.dkron.get("/v1/jobs/often/executions");
    const json runs = listed.json();
    return runs.size() >= 100 && runs[0].value("finished_at", json()) == last_success;
  }, std::chrono::seconds(60));  // 103 lazily written records: the default 10 s ran out on a loaded -j2 run
  INFO(listed.header("x-total-count") << " listed, the newest " << listed.json()[0].dump());
  REQUIRE(stored);
  CHECK(listed.header("x-total-count") == "100");
  CHECK(listed.json().size() == 100);
  CHECK(s.dkron.get("/v1/executions/often").json().size() == 100);
}

TEST_CASE("starts_at and expires_at take the UI's datetime-local form as UTC") {
  dkron_server s;
  json job = shell_job("dated", "@every 1h", "true");
  job["starts_at"] = "2099-01-02T03:04";
  job["expires_at"] = "2099-05-06T07:08";
  REQUIRE(s.create(job).status == 201);
  json shown = s.job("dated");
  CHECK(shown["starts_at"] == "2099-01-02T03:04:00Z");
  CHECK(shown["expires_at"] == "2099-05-06T07:08:00Z");
  job["starts_at"] = "2099-01-02 03:04";  // Go's words, which name no field
  check_text_error(s.create(job), 400, "Unable to parse payload: parsing time \"2099-01-02 03:04\" as ");
}

TEST_CASE("text that is not UTF-8 reads as Go reads it, each bad byte a U+FFFD") {
  dkron_server s;
  std::string body = R"({"name": "latin", "schedule": "@every 1h", "displayname": "caf)" + std::string("\xe9") +
                     R"( \ud800"})";
  REQUIRE(s.dkron.post_json("/v1/jobs", body).status == 201);
  CHECK(s.job("latin")["displayname"] == "caf\xef\xbf\xbd \xef\xbf\xbd");
}

TEST_CASE("bad Dkron requests get Dkron's plain-text errors and change nothing") {
  dkron_server s;
  // Bodies as gin's BindJSON (Go's json.Decoder) reads them, in Go's words.
  auto cut = s.dkron.post_json("/v1/jobs", "{\"name\": \"x\", ");
  CHECK(cut.status == 400);
  CHECK(cut.body == "Unable to parse payload: unexpected EOF.");
  CHECK(s.dkron.post_json("/v1/jobs", "").body == "Unable to parse payload: EOF.");
  CHECK(s.dkron.post_json("/v1/jobs", "{'name': 'x'}").body ==
        "Unable to parse payload: invalid character '\\'' looking for beginning of object key string.");
  CHECK(s.dkron.post_json("/v1/jobs", R"({"name": "x",})").body ==
        "Unable to parse payload: invalid character '}' looking for beginning of object key string.");
  // Keys match fields as Go's decoder matches them: case-insensitively, the last one winning.
  auto upper = s.dkron.post_json("/v1/jobs", R"({"NAME":"n4","SCHEDULE":"@every 1h"})");
  INFO(upper.body);
  CHECK(upper.status == 201);
  CHECK(upper.json()["name"] == "n4");
  auto twice = s.dkron.post_json("/v1/jobs", R"({"name":"n2","Name":"n3","schedule":"@every 1h","metadata":{"a":null}})");
  INFO(twice.body);
  CHECK(twice.status == 201);
  CHECK(twice.json()["name"] == "n3");
  CHECK(twice.json()["metadata"] == json{{"a", ""}});
  CHECK(s.dkron.get("/v1/jobs/n2").status == 404);
  REQUIRE(s.dkron.del("/v1/jobs/n3").status == 200);
  REQUIRE(s.dkron.del("/v1/jobs/n4").status == 200);
  check_text_error(s.dkron.post_json("/v1/jobs", R"({"name": 5})"), 400,
                   "Unable to parse payload: json: cannot unmarshal number into Go struct field Job.name of type string.");
  check_text_error(s.dkron.post_json("/v1/jobs", R"([1,2])"), 400,
                   "Unable to parse payload: json: cannot unmarshal array into Go value of type dkron.Job.");
  check_text_error(s.dkron.post_json("/v1/jobs", "null"), 400, "Job validation failed: name cannot be empty.");
  check_text_error(s.create(json{{"name", "UPPER"}, {"schedule", "@every 1s"}}), 400,
                   "Job validation failed: name contains illegal character 'U'.");
  // The whole character, so that the answer stays valid UTF-8.
  check_text_error(s.create(json{{"name", "\u00fcn\u00ef"}, {"schedule", "@every 1s"}}), 400,
                   "Job validation failed: name contains illegal character '\u00fc'.");
  check_text_error(s.create(json{{"name", "x"}, {"schedule", "not a schedule"}}), 400,
                   "Job validation failed: can't parse job schedule: ");
  auto bad_time = s.create(json{{"name", "x"}, {"schedule", "@every 1s"}, {"starts_at", "2026-12-01 10:00"}});
  CHECK(bad_time.status == 400);
  CHECK(bad_time.body == "Unable to parse payload: parsing time \"2026-12-01 10:00\" as \"2006-01-02T15:04:05Z07:00\": "
                         "cannot parse \" 10:00\" as \"T\".");
  auto parsecs = s.create(json{{"name", "x"}, {"schedule", "@every 1s"}, {"executor", "shell"},
                               {"executor_config", {{"command", "true"}, {"timeout", "5 parsecs"}}}});
  CHECK(parsecs.status == 400);
  CHECK(parsecs.body == "Job validation failed: Error parsing job timeout value.");  // Dkron's, no field prefix
  check_text_error(s.create(json{{"name", "x"}, {"schedule", "@every 1s"}, {"processors", {{"log", "x"}}}}), 400,
                   "Unable to parse payload: json: cannot unmarshal string into Go struct field Job.processors of "
                   "type plugin.Config.");
  auto long_name = s.create(json{{"name", "x"}, {"schedule", "@every 1s"}, {"displayname", std::string(100'000, 'd')}});
  check_text_error(long_name, 400, "Job validation failed: displayname is too long (");
  CHECK(long_name.body.find("dialect_data") == std::string::npos);
  check_text_error(s.create(json{{"name", "x"}, {"schedule", "@every 1s"}, {"executor", "kafka"}}), 400,
                   "kafka");
  check_text_error(s.create(json{{"name", "x"}, {"schedule", "@every 1s"}, {"executor", "http"},
                                 {"executor_config", {{"method", "GET"}, {"url", "ftp://x"}}}}),
                   400, "executor_config: ");
  // Go's Decoder reads the first value only: what follows it is ignored, as by Dkron.
  REQUIRE(s.dkron.post_json("/v1/jobs", shell_job("first", "@every 1h", "true").dump() + " {\"name\": \"second\"").status == 201);
  REQUIRE(s.dkron.del("/v1/jobs/first").status == 200);
  // JSON with an odd content type is still JSON.
  CHECK(s.dkron.request("POST", "/v1/jobs", shell_job("odd", "@every 1h", "true").dump(), "text/plain").status == 201);
  auto huge = s.dkron.request("POST", "/v1/jobs", std::string(2 * 1024 * 1024, 'x'), "application/json");
  CHECK(huge.status == 413);
  CHECK(huge.header("content-type").starts_with("text/plain"));
  // What no route takes is gin's bare 404, a wrong method too (gin's HandleMethodNotAllowed is off).
  for (auto unrouted : {s.dkron.get("/v1/nothing"), s.dkron.request("PUT", "/v1/jobs", std::string("{}"), "application/json"),
                        s.dkron.get("/v1/jobs/odd/toggle"), s.dkron.del("/v1/jobs")}) {
    CHECK(unrouted.status == 404);
    CHECK(unrouted.body == "404 page not found");
    CHECK(unrouted.header("content-type") == "text/plain");
    CHECK(unrouted.header("allow").empty());
  }
  // A web page cannot use the Dkron listener either.
  check_text_error(s.dkron.request("POST", "/v1/jobs", shell_job("evil", "@every 1s", "touch /tmp/x").dump(),
                                   "text/plain", {"Origin: http://evil.example"}),
                   403, "Origin");
  auto names = s.dkron.get("/v1/jobs").json();
  REQUIRE(names.size() == 1);
  CHECK(names[0]["name"] == "odd");
  CHECK(s.server.running());
}

TEST_CASE("Dkron jobs survive kill -9 with every Dkron field") {
  dkron_server s;
  json job = shell_job("durable", "0 0 0 3 * *", "true");
  job["owner"] = "ops";
  job["tags"] = {{"role", "db"}};
  job["processors"] = {{"log", {{"forward", "true"}}}};
  REQUIRE(s.create(job).status == 201);
  json before = s.job("durable");
  s.server.kill9();
  s.server.restart();
  http_client again("http://127.0.0.1:" + std::to_string(s.dkron_port));
  auto r = again.get("/v1/jobs/durable");
  REQUIRE(r.status == 200);
  json after = r.json();
  for (const char* field : {"schedule", "owner", "tags", "processors", "executor", "executor_config", "next"})
    CHECK(after[field] == before[field]);
}

TEST_CASE("a job's counts, last success, last error and status survive kill -9 and a clean restart") {
  dkron_server s;
  REQUIRE(s.create(shell_job("good", "@manually", "true")).status == 201);
  REQUIRE(s.create(shell_job("bad", "@manually", "false")).status == 201);
  auto run_and_wait = [&](const std::string& name, int times) {
    const std::size_t target = s.finished(name) + static_cast<std::size_t>(times);
    for (int i = 0; i < times; ++i) REQUIRE(s.dkron.post_json("/v1/jobs/" + name + "/run", json::object()).status == 200);
    REQUIRE(eventually([&] { return s.finished(name) >= target; }));
  };
  run_and_wait("good", 3);
  run_and_wait("bad", 2);
  const json good = s.job("good"), bad = s.job("bad");
  REQUIRE(good["success_count"] == 3);
  REQUIRE(bad["error_count"] == 2);
  const json good_detail = s.native.detail("dkron", "good");
  // A durable write acknowledged after the runs were recorded: the store's committer wrote the
  // run records (queued before it) in the same round or an earlier one.
  REQUIRE(s.create(shell_job("marker", "@manually", "true")).status == 201);

  s.server.kill9();
  s.server.restart();
  http_client dkron("http://127.0.0.1:" + std::to_string(s.dkron_port));
  native_api native(s.server.base_url());
  auto job_of = [&](const std::string& name) {
    auto r = dkron.get("/v1/jobs/" + name);
    REQUIRE(r.status == 200);
    return r.json();
  };
  // The counts come back with the store's ring scan, shortly after the restart.
  const bool back = eventually([&] { return job_of("good")["success_count"] == 3 && job_of("bad")["error_count"] == 2; });
  INFO("good " << job_of("good").dump() << "\nbad " << job_of("bad").dump() << "\nlog " << s.server.log());
  REQUIRE(back);
  json after = job_of("good");
  CHECK(after["error_count"] == 0);
  CHECK(after["last_success"] == good["last_success"]);
  CHECK(after["last_error"].is_null());
  CHECK(after["status"] == "success");
  after = job_of("bad");
  CHECK(after["success_count"] == 0);
  CHECK(after["last_error"] == bad["last_error"]);
  CHECK(after["status"] == "failed");
  const json detail = native.detail("dkron", "good");
  CHECK(detail["counts"]["runs"] == 3);
  CHECK(detail["counts"]["successes"] == 3);
  CHECK(detail["last_success"] == good_detail["last_success"]);
  REQUIRE(detail["last_run"].is_object());
  // The run that ended last (of runs ending in the same millisecond, either).
  CHECK(detail["last_run"]["end_time_ms"] == good_detail["last_run"]["end_time_ms"]);
  CHECK(detail["last_run"]["state"] == "succeeded");

  // Runs after the restart add to them, and are kept through the next (clean) restart.
  auto runs = dkron.post_json("/v1/jobs/good/run", json::object());
  REQUIRE(runs.status == 200);
  REQUIRE(eventually([&] { return job_of("good")["success_count"] == 4; }));
  REQUIRE(s.server.stop() == 0);
  s.server.restart();
  http_client third("http://127.0.0.1:" + std::to_string(s.dkron_port));
  REQUIRE(eventually([&] {
    auto r = third.get("/v1/jobs/good");
    return r.status == 200 && r.json()["success_count"] == 4;
  }));
}
