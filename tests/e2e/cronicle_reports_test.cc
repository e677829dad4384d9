// End to end: what a shellplug script reports of itself reaches its Cronicle job as Cronicle
// keeps it: the keys of its JSON reports (perf, table, html cleaned, label, a success's
// description, a code that is not a number), its stderr as an "Error Output" html report, and
// chain / chain_error / chain_data choosing and feeding the event that follows.
#include <string>

#include <catch2/catch.hpp>

#include "tests/e2e/cronicle_helpers.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

json reporting_event(const std::string& title, const std::string& script) {
  json event = shell_event(title, script);
  event["params"]["json"] = 1;
  return event;
}

}  // namespace

TEST_CASE("cronicle: a script's JSON reports show on its job and its history row, after a restart too") {
  cronicle_server s;
  const std::string script = R"(#!/bin/sh
echo copying
echo '{"perf":{"db":1.5,"total":2},"label":"v1"}'
echo '{"label":"v2","table":{"title":"Rows","header":["table","rows"],"rows":[["orders",42]]}}'
echo '{"html":{"title":"Out","content":"<b onclick=\"x()\">ok</b><script>alert(1)</script>"}}'
echo '{"description":"42 rows copied","update_event":{"enabled":0}}'
echo '{"complete":1}'
)";
  const std::string id = s.create(reporting_event("Copy", script));
  const std::string job_id = s.ok("run_event", {{"id", id}})["ids"][0];
  auto check_job = [&] {
    json job = s.wait_job(job_id);
    CHECK(job["code"] == 0);
    CHECK(job["description"] == "42 rows copied");  // a success's description is kept
    CHECK(job["perf"] == json{{"db", 1.5}, {"total", 2}});
    CHECK(job["label"] == "v2");  // the last one reported
    CHECK(job["table"]["rows"] == json::parse(R"([["orders",42]])"));
    CHECK(job["html"] == json{{"title", "Out"}, {"content", "<b>ok</b>"}});  // cleaned, as Cronicle
    CHECK_FALSE(job.contains("update_event"));  // dropped, as Cronicle's default drops it
    CHECK(s.ok("get_job_details", {{"id", job_id}})["job"]["perf"] == job["perf"]);
    json row = s.history(id)[0];
    CHECK(row["perf"] == job["perf"]);
    CHECK(row["label"] == "v2");
    CHECK(s.job_output(job_id) == "copying\n");
    // The native API shows the same report on the run.
    json runs = s.native.get("/v1/cronicle/job/" + id + "/executions").json()["success"];
    REQUIRE(runs.size() == 1);
    CHECK(runs[0]["reported"]["label"] == "v2");
    // The event itself is unchanged (update_event not taken).
    CHECK(s.ok("get_event", {{"id", id}})["event"]["enabled"] == 1);
  };
  check_job();
  // Runs are written unsynced; a synced change acknowledged after the run ended is written in the
  // same commit round or a later one, so once it is, the run's record survives kill -9.
  s.create(shell_event("Synced after the run", "#!/bin/sh\ntrue\n"));
  s.server.kill9();
  s.server.restart();
  check_job();
}

TEST_CASE("cronicle: a code and description reported before complete decide it, and a code that is no number shows") {
  cronicle_server s;
  const std::string early = s.create(reporting_event(
      "Early", "#!/bin/sh\necho '{\"code\":4,\"description\":\"half the rows\"}'\necho '{\"complete\":1}'\nexit 0\n"));
  json job = s.wait_job(s.ok("run_event", {{"id", early}})["ids"][0]);
  CHECK(job["code"] == 4);
  CHECK(job["description"] == "half the rows");
  const std::string warning = s.create(
      reporting_event("Warning", "#!/bin/sh\necho '{\"complete\":1,\"code\":\"warning\"}'\n"));
  job = s.wait_job(s.ok("run_event", {{"id", warning}})["ids"][0]);
  CHECK(job["code"] == "warning");
  CHECK(job["description"] == "Unknown Error (no description provided)");  // Cronicle's words
  CHECK(s.history(warning)[0]["code"] == "warning");
}

TEST_CASE("cronicle: a script's stderr is its job's Error Output report, unless it reported html or its end") {
  cronicle_server s;
  const std::string noisy = s.create(shell_event("Noisy", "#!/bin/sh\necho 'warn: <disk> at 91%' >&2\necho done\n"));
  json job = s.wait_job(s.ok("run_event", {{"id", noisy}})["ids"][0]);
  CHECK(job["code"] == 0);
  CHECK(job["html"] == json{{"title", "Error Output"}, {"content", "<pre>warn: &lt;disk> at 91%</pre>"}});
  // Its own html comes first; a job its report completed takes nothing from its exit.
  const std::string own = s.create(reporting_event(
      "Own", "#!/bin/sh\necho '{\"html\":{\"title\":\"Mine\",\"content\":\"<p>x</p>\"}}'\necho oops >&2\n"));
  CHECK(s.wait_job(s.ok("run_event", {{"id", own}})["ids"][0])["html"]["title"] == "Mine");
  const std::string completed =
      s.create(reporting_event("Completed", "#!/bin/sh\necho '{\"complete\":1}'\necho oops >&2\n"));
  CHECK_FALSE(s.wait_job(s.ok("run_event", {{"id", completed}})["ids"][0]).contains("html"));
  // Nothing on stderr: no report.
  const std::string quiet = s.create(shell_event("Quiet", "#!/bin/sh\necho fine\n"));
  CHECK_FALSE(s.wait_job(s.ok("run_event", {{"id", quiet}})["ids"][0]).contains("html"));
}

TEST_CASE("cronicle: a script's chain, chain_error and chain_data choose the event that follows and reach it") {
  cronicle_server s;
  const std::string planned = s.create(shell_event("Planned", "#!/bin/sh\necho planned\n"));
  json reader = shell_event("Reader", "#!/bin/sh\ncat\n");
  const std::string other = s.create(reader);
  const std::string source = s.create(with(
      reporting_event("Source", "#!/bin/sh\necho '{\"chain\":\"" + other +
                                    "\",\"chain_data\":{\"rows\":42},\"complete\":1}'\n"),
      {{"chain", planned}}));
  const std::string source_job = s.ok("run_event", {{"id", source}})["ids"][0];
  CHECK(s.wait_job(source_job)["chain"] == other);
  json rows;
  REQUIRE(eventually([&] {
    rows = s.history(other);
    return rows.size() == 1;
  }));
  json chained = s.wait_job(rows[0]["id"]);
  CHECK(chained["source"] == "Chain Reaction (Source)");
  CHECK(chained["source_job"] == source_job);
  CHECK(chained["chain_data"] == json{{"rows", 42}});
  // The chained script reads it on stdin with its job.
  CHECK(json::parse(s.job_output(rows[0]["id"]))["chain_data"] == json{{"rows", 42}});
  CHECK(s.history(planned).empty());  // the report's chain replaced the event's

  // chain_error after a reported failure, where the event has none.
  const std::string failing = s.create(reporting_event(
      "Failing", "#!/bin/sh\necho '{\"chain_error\":\"" + other + "\",\"complete\":1,\"code\":3,\"description\":\"no\"}'\n"));
  s.wait_job(s.ok("run_event", {{"id", failing}})["ids"][0]);
  REQUIRE(eventually([&] { return s.history(other).size() == 2; }));
  json after_failure = s.wait_job(s.history(other)[0]["id"]);
  CHECK(after_failure["source"] == "Chain Reaction (Failing)");
  CHECK(after_failure["chain_code"] == 3);
  CHECK(after_failure["chain_description"] == "no");
  CHECK(after_failure["chain_data"] == json::object());
  // A report's false chain turns the event's off.
  const std::string off = s.create(with(
      reporting_event("Off", "#!/bin/sh\necho '{\"chain\":false,\"complete\":1}'\n"), {{"chain", planned}}));
  s.wait_job(s.ok("run_event", {{"id", off}})["ids"][0]);
  const std::string marker = s.create(shell_event("Marker", "#!/bin/sh\ntrue\n"));
  s.wait_job(s.ok("run_event", {{"id", marker}})["ids"][0]);
  CHECK(s.history(planned).empty());
}

TEST_CASE("cronicle: a finished job keeps its last cpu and mem samples, in its history row too") {
  cronicle_server s;
  scratch_dir dir;
  const std::string gate = dir.path + "/go";
  const std::string id = s.create(shell_event("Busy", "#!/bin/sh\nwhile [ ! -e " + gate + " ]; do sleep 0.02; done\n"));
  const std::string job_id = s.ok("run_event", {{"id", id}})["ids"][0];
  json live;
  REQUIRE(eventually([&] {
    live = s.call("get_job_status", {{"id", job_id}}).value("job", json::object());
    return live.value("mem", json::object()).contains("count");
  }, 20s));
  CHECK_FALSE(live.contains("complete"));
  dir.touch("go");
  json job = s.wait_job(job_id);
  CHECK(job["mem"]["count"].get<int>() >= live["mem"]["count"].get<int>());
  CHECK(job["mem"]["max"].get<int64_t>() > 0);  // a shell's resident bytes
  CHECK(job["cpu"].contains("total"));
  json row = s.history(id)[0];
  CHECK(row["mem"] == job["mem"]);
  CHECK(row["cpu"] == job["cpu"]);
}

TEST_CASE("cronicle: a script's chain_params are its chained job's params, those its Plugin declares") {
  cronicle_server s;
  const std::string target = s.create(shell_event("Target", "#!/bin/sh\necho as planned\n"));
  // printf, not echo: dash's echo would turn the JSON's "\n" escapes into newlines.
  const std::string source = s.create(reporting_event(
      "Source", "#!/bin/sh\nprintf '%s\\n' '{\"chain\":\"" + target +
                    "\",\"chain_params\":{\"script\":\"#!/bin/sh\\necho from the chain\\n\",\"color\":\"red\"},"
                    "\"complete\":1}'\n"));
  s.wait_job(s.ok("run_event", {{"id", source}})["ids"][0]);
  json rows;
  REQUIRE(eventually([&] {
    rows = s.history(target);
    return rows.size() == 1;
  }));
  const std::string chained_id = rows[0]["id"];
  json chained = s.wait_job(chained_id);
  CHECK(chained["source"] == "Chain Reaction (Source)");
  CHECK(chained["params"]["script"] == "#!/bin/sh\necho from the chain\n");
  CHECK_FALSE(chained["params"].contains("color"));  // not a shellplug param: dropped, as Cronicle
  CHECK(s.job_output(chained_id) == "from the chain\n");
  // The event itself is unchanged.
  CHECK(s.ok("get_event", {{"id", target}})["event"]["params"]["script"] == "#!/bin/sh\necho as planned\n");
  CHECK(s.job_output(s.wait_job(s.ok("run_event", {{"id", target}})["ids"][0])["id"]) == "as planned\n");
}

TEST_CASE("cronicle: a job in flight shows what its script's reports set so far") {
  cronicle_server s;
  scratch_dir dir;
  const std::string gate = dir.path + "/go";
  const std::string id = s.create(reporting_event(
      "Live", "#!/bin/sh\necho '{\"perf\":{\"rows\":10},\"label\":\"half\"}'\nwhile [ ! -e " + gate +
                  " ]; do sleep 0.02; done\necho '{\"label\":\"all\"}'\n"));
  const std::string job_id = s.ok("run_event", {{"id", id}})["ids"][0];
  json live;
  REQUIRE(eventually([&] {
    live = s.call("get_job_status", {{"id", job_id}}).value("job", json::object());
    return live.contains("label");
  }, 20s));
  CHECK_FALSE(live.contains("complete"));
  CHECK(live["label"] == "half");
  CHECK(live["perf"] == json{{"rows", 10}});
  CHECK(s.ok("get_active_jobs")["jobs"][job_id]["label"] == "half");
  dir.touch("go");
  json ended = s.wait_job(job_id);
  CHECK(ended["label"] == "all");
  CHECK(ended["perf"] == json{{"rows", 10}});
}
