// End to end: what a Cronicle event asks of its jobs, through the real server: max_children
// (more runs refused), queue / queue_max (runs over the limit wait and start in turn, a full queue
// refuses), chain / chain_error (the named event runs after a success / a failure, not after a
// client's abort), and web_hook (the job POSTed at its start and end to a local sink).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/e2e/cronicle_helpers.h"
#include "tests/support/http_sink.h"
#include "tests/support/prometheus_text.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

// A script that waits until `gate` exists, then exits with `code`.
std::string gated_script(const std::string& gate, int code = 0) {
  return "#!/bin/sh\nwhile [ ! -e " + gate + " ]; do sleep 0.05; done\nexit " + std::to_string(code) + "\n";
}

// The runs (tries) of the event as the native API lists them: a retried job is several.
std::size_t tries(cronicle_server& s, const std::string& id) {
  auto r = s.native.get("/v1/cronicle/job/" + id + "/executions");
  REQUIRE(r.status == 200);
  return r.json()["success"].size();
}

// The value of an unlabelled counter in the server's /metrics.
double counter(cronicle_server& s, const std::string& name) {
  return prometheus_text::parse(s.native.get("/metrics").body).sum(name);
}

}  // namespace

TEST_CASE("cronicle: max_children 2 runs two jobs at once and refuses a third") {
  cronicle_server s;
  scratch_dir dir;
  std::string id = s.create(with(shell_event("Pair", gated_script(dir.path + "/go")), {{"max_children", 2}}));
  json first = s.ok("run_event", {{"id", id}});
  json second = s.ok("run_event", {{"id", id}});
  REQUIRE(first["ids"].size() == 1);
  REQUIRE(second["ids"].size() == 1);
  check_error(s.call("run_event", {{"id", id}}), "event",
              "Failed to launch event: Maximum of 2 jobs already running for event: Pair");
  CHECK(s.ok("get_active_jobs")["jobs"].size() == 2);
  dir.touch("go");
  CHECK(s.wait_job(first["ids"][0])["code"] == 0);
  CHECK(s.wait_job(second["ids"][0])["code"] == 0);
  // A place is free again.
  CHECK(s.ok("run_event", {{"id", id}})["ids"].size() == 1);
}

TEST_CASE("cronicle: with queue, a run over max_children waits, starts when one ends, and a full queue refuses") {
  cronicle_server s;
  scratch_dir dir;
  std::string id = s.create(with(shell_event("Queued", gated_script(dir.path + "/go")),
                                 {{"max_children", 1}, {"queue", 1}, {"queue_max", 2}}));
  std::string running = s.ok("run_event", {{"id", id}})["ids"][0];
  json waiting = s.ok("run_event", {{"id", id}});
  CHECK(waiting["ids"] == json::array());
  CHECK(waiting["queue"] == 1);
  CHECK(s.ok("run_event", {{"id", id}})["queue"] == 2);
  check_error(s.call("run_event", {{"id", id}}), "event",
              "Failed to launch event: Job could not be queued: Event queue reached max of 2 items");
  CHECK(s.ok("get_active_jobs")["jobs"].size() == 1);
  // get_event counts the jobs waiting, as run_event did.
  json seen = s.ok("get_event", {{"id", id}});
  CHECK(seen["queue"] == 2);
  CHECK(seen["jobs"].size() == 1);
  dir.touch("go");
  CHECK(s.wait_job(running)["code"] == 0);
  // The two waiting runs start one after the other and both finish.
  json rows;
  REQUIRE(eventually([&] {
    rows = s.history(id);
    return rows.size() == 3;
  }, 20s));
  for (const auto& row : rows) CHECK(row["code"] == 0);
  CHECK(counter(s, "mainspring_runs_waited_total") == 2);
  CHECK(s.ok("get_event", {{"id", id}})["queue"] == 0);
}

TEST_CASE("cronicle: chain runs its event after a success, chain_error after a failure but not after an abort") {
  cronicle_server s;
  scratch_dir dir;
  std::string next = s.create(shell_event("Next", "#!/bin/sh\necho next\n"));
  std::string oncall = s.create(shell_event("Oncall", "#!/bin/sh\necho oncall\n"));
  std::string good = s.create(with(shell_event("Good", "#!/bin/sh\nexit 0\n"), {{"chain", next}, {"chain_error", oncall}}));
  std::string bad = s.create(with(shell_event("Bad", "#!/bin/sh\nexit 3\n"), {{"chain", next}, {"chain_error", oncall}}));
  std::string slow = s.create(with(shell_event("Slow", gated_script(dir.path + "/never")), {{"chain_error", oncall}}));

  const std::string good_job = s.ok("run_event", {{"id", good}})["ids"][0];
  json first = s.wait_job(good_job);
  CHECK(first["source"] == "API Key (bootstrap admin)");  // run_event's source by API key
  CHECK_FALSE(first.contains("api_key"));  // Cronicle also writes the key's secret there: not here
  json rows;
  REQUIRE(eventually([&] {
    rows = s.history(next);
    return rows.size() == 1;
  }));
  // chainReaction's fields: the job it follows and how that ended.
  json chained = s.wait_job(rows[0]["id"]);
  CHECK(chained["source"] == "Chain Reaction (Good)");
  CHECK(chained["source_event"] == good);
  CHECK(chained["source_job"] == good_job);
  CHECK(chained["chain_code"] == 0);
  CHECK(chained["chain_description"] == "");
  CHECK(chained["chain_data"] == json::object());
  CHECK(chained["code"] == 0);

  // An aborted run's failure runs no chain_error (as Cronicle); a later real failure does, once.
  std::string aborted = s.ok("run_event", {{"id", slow}})["ids"][0];
  REQUIRE(eventually([&] { return s.ok("get_active_jobs")["jobs"].contains(aborted); }));
  s.ok("abort_job", {{"id", aborted}});
  CHECK(s.wait_job(aborted)["code"] == 1);
  const std::string bad_job = s.ok("run_event", {{"id", bad}})["ids"][0];
  s.wait_job(bad_job);
  REQUIRE(eventually([&] { return s.history(oncall).size() == 1; }));
  // The follow-up of the aborted run would have reached the group first: there is none.
  CHECK(s.history(oncall).size() == 1);
  json after_failure = s.wait_job(s.history(oncall)[0]["id"]);
  CHECK(after_failure["source"] == "Chain Reaction (Bad)");
  CHECK(after_failure["source_job"] == bad_job);
  CHECK(after_failure["chain_code"] == 3);
  CHECK(after_failure["chain_description"] == "Script exited with code: 3");
  CHECK(s.history(next).size() == 1);  // a failure does not run `chain`
}

TEST_CASE("cronicle: a chain to a deleted event is counted, not run") {
  cronicle_server s;
  std::string gone = s.create(shell_event("Gone", "#!/bin/sh\ntrue\n"));
  std::string first = s.create(with(shell_event("First", "#!/bin/sh\ntrue\n"), {{"chain", gone}}));
  s.ok("delete_event", {{"id", gone}});
  s.wait_job(s.ok("run_event", {{"id", first}})["ids"][0]);
  REQUIRE(eventually([&] { return counter(s, "mainspring_chain_misses_total") == 1; }));
}

TEST_CASE("cronicle: web_hook receives the job at its start and at its end") {
  http_sink sink;
  cronicle_server s;
  std::string id = s.create(with(shell_event("Hooked", "#!/bin/sh\nexit 4\n"), {{"web_hook", sink.url("/hook")}}));
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  REQUIRE(sink.wait_for_requests(2, 20s));
  auto requests = sink.requests();
  json start = json::parse(requests[0].body), end = json::parse(requests[1].body);
  if (start["action"] != "job_start") std::swap(start, end);  // two POSTs, on different connections
  CHECK(requests[0].path == "/hook");
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].header("content-type").starts_with("application/json"));
  CHECK(start["action"] == "job_start");
  CHECK(start["id"] == job);
  CHECK(start["event"] == id);
  CHECK(start["event_title"] == "Hooked");
  CHECK(end["action"] == "job_complete");
  CHECK(end["code"] == 4);
  CHECK(end["description"] == "Script exited with code: 4");
  CHECK(end["text"].get<std::string>().starts_with("Job failed on "));
  CHECK_FALSE(end.contains("api_key"));
  REQUIRE(eventually([&] { return counter(s, "mainspring_run_hooks_sent_total") == 2; }));
  CHECK(counter(s, "mainspring_run_hooks_failed_total") == 0);
}

TEST_CASE("cronicle: a failed script's description ends with its stderr's first line, after a restart too") {
  cronicle_server s;
  std::string id = s.create(shell_event(
      "Noisy", "#!/bin/sh\necho working\necho '  cp: cannot stat x: No such file' >&2\necho second >&2\nexit 2\n"));
  auto check_job = [&](const std::string& job_id) {
    json job = s.wait_job(job_id);
    CHECK(job["code"] == 2);
    CHECK(job["description"] == "Script exited with code: 2: cp: cannot stat x: No such file");
    // The log has both streams, each in its own order.
    std::string log = s.job_output(job_id);
    CHECK(log.find("working\n") != std::string::npos);
    CHECK(log.find("  cp: cannot stat x: No such file\nsecond\n") != std::string::npos);
  };
  check_job(s.ok("run_event", {{"id", id}})["ids"][0]);
  // A script writing nothing to stderr keeps the bare description.
  std::string quiet = s.create(shell_event("Quiet", "#!/bin/sh\necho out\nexit 5\n"));
  CHECK(s.wait_job(s.ok("run_event", {{"id", quiet}})["ids"][0])["description"] == "Script exited with code: 5");
  // A script a signal ends has the signal's name as its code, as Node reports it to Cronicle.
  std::string killed = s.create(shell_event("Killed", "#!/bin/sh\necho 'out of memory' >&2\nkill -9 $$\n"));
  json ended = s.wait_job(s.ok("run_event", {{"id", killed}})["ids"][0]);
  CHECK(ended["code"] == "SIGKILL");
  CHECK(ended["description"] == "Script exited with code: SIGKILL: out of memory");
  CHECK(s.history(killed)[0]["code"] == "SIGKILL");
  // The event keeps reading stderr apart once stored.
  s.server.kill9();
  s.server.restart();
  check_job(s.ok("run_event", {{"id", id}})["ids"][0]);
}

TEST_CASE("cronicle: a job in flight shows the progress its script prints and its pid, and the lines are not logged") {
  cronicle_server s;
  scratch_dir dir;
  std::string id = s.create(shell_event(
      "Steps", "#!/bin/sh\necho one\necho 25%\necho two\necho ' 60% '\n" + gated_script(dir.path + "/go").substr(10)));
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  json status;
  REQUIRE(eventually([&] {
    status = s.ok("get_job_status", {{"id", job}})["job"];
    return status.value("progress", 0.0) == 0.6;
  }));
  CHECK(status["pid"].get<int>() > 0);
  CHECK_FALSE(status.contains("complete"));
  json active = s.ok("get_active_jobs")["jobs"];
  REQUIRE(active.contains(job));
  CHECK(active[job]["progress"] == 0.6);
  CHECK(active[job]["pid"] == status["pid"]);
  // Its processes' CPU and memory, sampled about once a second, as Cronicle's cpu and mem.
  REQUIRE(eventually([&] {
    status = s.ok("get_job_status", {{"id", job}})["job"];
    return status["mem"].value("count", 0) >= 1;
  }));
  CHECK(status["mem"]["current"].get<int64_t>() > 0);
  CHECK(status["cpu"]["count"] == status["mem"]["count"]);
  CHECK(status["cpu"]["current"].is_number());
  dir.touch("go");
  json done = s.wait_job(job);
  CHECK(done["progress"] == 1);
  CHECK(s.job_output(job) == "one\ntwo\n");

  // With annotate each line of the log starts with its time, as Cronicle stamps it.
  json annotated = shell_event("Stamped", "#!/bin/sh\necho one\necho 50%\necho two\n");
  annotated["params"]["annotate"] = 1;
  std::string stamped = s.ok("run_event", {{"id", s.create(annotated)}})["ids"][0];
  s.wait_job(stamped);
  const std::string log = s.job_output(stamped);
  CHECK(std::regex_match(log, std::regex(R"(\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] one\n\[[-0-9: ]{19}\] two\n)")));

  // With json the script's JSON lines report on the job: a complete one decides how it ended.
  json reporting = shell_event("Reporting", "#!/bin/sh\necho working\n"
                                            "echo '{\"complete\":1,\"code\":7,\"description\":\"Disk full\"}'\nexit 0\n");
  reporting["params"]["json"] = 1;
  std::string reported = s.ok("run_event", {{"id", s.create(reporting)}})["ids"][0];
  json ended = s.wait_job(reported);
  CHECK(ended["code"] == 7);
  CHECK(ended["description"] == "Disk full");
  CHECK(s.job_output(reported) == "working\n");

  // The script reads its job on stdin, one line of JSON, as Cronicle's shell plugin writes it.
  json reader = shell_event("Reader", "#!/bin/sh\ncat\n");
  reader["params"]["annotate"] = 0;
  std::string reader_id = s.create(reader);
  std::string read_job = s.ok("run_event", {{"id", reader_id}})["ids"][0];
  s.wait_job(read_job);
  const std::string stdin_log = s.job_output(read_job);
  REQUIRE(stdin_log.ends_with("\n"));
  json given = json::parse(stdin_log);
  CHECK(given["id"] == read_job);
  CHECK(given["event"] == reader_id);
  CHECK(given["params"]["script"] == "#!/bin/sh\ncat\n");
  CHECK(given["params"]["annotate"] == 0);
  CHECK(given["title"] == "Reader");
}

namespace {

// Runs of a native job, newest first, by trigger.
std::size_t runs_by(native_api& api, const std::string& group, const std::string& id, const std::string& trigger) {
  std::size_t n = 0;
  for (const auto& run : api.executions(group, id, "?limit=1000")) n += run["trigger"] == trigger;
  return n;
}

}  // namespace

TEST_CASE("cronicle: after update_master_state resumes, catch-up jobs replay the fires skipped while paused") {
  cronicle_server s;
  native_api api(s.server.base_url());
  api.register_group("N");
  auto add = [&](const std::string& name, const std::string& misfire) {
    return api.add_job(json{{"group_name", "N"}, {"name", name}, {"request_url", "NOOP@"},
                            {"interval_pattern", "@every 1s"}, {"exec_time", 0}, {"misfire", misfire}});
  };
  std::string all = add("all", "all"), skip = add("skip", "skip");
  REQUIRE(eventually([&] { return api.detail("N", skip)["counts"]["runs"] >= 1; }));

  s.ok("update_master_state", {{"enabled", 0}});
  const int64_t skipped_before = api.detail("N", all)["counts"]["skipped"];
  // The pause is the "downtime" here: wait until the skip job skipped three fires. The catch-up
  // job holds its fires meanwhile (they run on resume: skipped or run, never both).
  REQUIRE(eventually([&] { return api.detail("N", skip)["counts"]["skipped"] >= 3; }));
  CHECK(api.detail("N", all)["counts"]["skipped"] == skipped_before);
  const std::size_t skip_runs_paused = runs_by(api, "N", skip, "schedule");
  s.ok("update_master_state", {{"enabled", 1}});

  // misfire all: every fire of the pause runs (a catch_up event in Cronicle's words), once resumed.
  REQUIRE(eventually([&] { return runs_by(api, "N", all, "misfire") >= 3; }));
  CHECK(api.detail("N", all)["counts"]["skipped"] == skipped_before);
  // misfire skip: none is replayed, though the schedule runs again (the replay went first).
  REQUIRE(eventually([&] { return runs_by(api, "N", skip, "schedule") >= skip_runs_paused + 2; }));
  CHECK(runs_by(api, "N", skip, "misfire") == 0);
}

TEST_CASE("cronicle: run_event's own retries and retry_delay apply to that run and its retries only") {
  cronicle_server s;
  std::string id = s.create(shell_event("Flaky", "#!/bin/sh\nexit 2\n"));  // the event's retries: 0
  json launched = s.ok("run_event", {{"id", id}, {"retries", 2}, {"retry_delay", 0}});
  REQUIRE(eventually([&] { return tries(s, id) == 3; }, 20s));
  // One Cronicle job, tried three times: one history row, under the id run_event gave.
  json rows;
  REQUIRE(eventually([&] {
    rows = s.history(id);
    return rows.size() == 1;
  }, 20s));
  CHECK(rows[0]["code"] == 2);
  CHECK(rows[0]["id"] == launched["ids"][0]);
  // The event itself is unchanged: a plain run is tried once.
  CHECK(s.ok("get_event", {{"id", id}})["event"]["retries"] == 0);
  s.wait_job(s.ok("run_event", {{"id", id}})["ids"][0]);
  REQUIRE(eventually([&] { return s.history(id).size() == 2; }));
  CHECK(tries(s, id) == 4);
  check_error(s.call("run_event", {{"id", id}, {"retries", 101}}), "api",
              "Malformed event: retries: must be between 0 and 100");
}

TEST_CASE("cronicle: update_job gives a job in flight a shorter timeout, which ends it") {
  cronicle_server s;
  scratch_dir dir;
  std::string id = s.create(shell_event("Endless", gated_script(dir.path + "/never")));  // timeout 0: none
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  REQUIRE(eventually([&] { return s.ok("get_active_jobs")["jobs"].contains(job); }));
  // The documented example: a timeout and a notification address (no mail is sent here).
  s.ok("update_job", {{"id", job}, {"timeout", 1}, {"notify_success", "email@server.com"}});
  json done = s.wait_job(job);
  CHECK(done["code"] == 1);
  CHECK(done["description"] == "Job Aborted: Exceeded maximum run time (1 second)");
  CHECK(s.ok("get_event", {{"id", id}})["event"]["timeout"] == 0);  // the event is unchanged
  // A job no longer in flight, an unknown one, a bad value: Cronicle's errors, nothing changed.
  check_error(s.call("update_job", {{"id", job}, {"timeout", 5}}), "job", "Failed to locate job: " + job);
  check_error(s.call("update_job", {{"id", "jnope"}, {"timeout", 5}}), "job", "Failed to locate job: jnope");
  check_error(s.call("update_job", {{"timeout", 5}}), "api", "Missing parameter: id");
  std::string second = s.ok("run_event", {{"id", id}})["ids"][0];
  REQUIRE(eventually([&] { return s.ok("get_active_jobs")["jobs"].contains(second); }));
  check_error(s.call("update_job", {{"id", second}, {"timeout", "soon"}}), "api",
              "Malformed parameter type: timeout (string)");
  check_error(s.call("update_job", {{"id", second}, {"retries", 101}}), "api",
              "Malformed event: retries: must be between 0 and 100");
  CHECK(s.ok("get_active_jobs")["jobs"].contains(second));
  s.ok("abort_job", {{"id", second}});
  s.wait_job(second);
}

TEST_CASE("cronicle: a job shows its own fields from run_event and update_job, another of the event its event's") {
  cronicle_server s;
  scratch_dir dir;
  std::string next = s.create(shell_event("Next", "#!/bin/sh\ntrue\n"));
  const std::string event_script = gated_script(dir.path + "/go");
  std::string id = s.create(with(shell_event("Own", event_script), {{"max_children", 2}, {"timeout", 3600}}));
  const std::string own_script = event_script + "# its own\n";
  std::string own = s.ok("run_event", {{"id", id}, {"timeout", 300}, {"retries", 2}, {"params", {{"script", own_script}}}})["ids"][0];
  std::string plain = s.ok("run_event", {{"id", id}})["ids"][0];
  auto status = [&](const std::string& job) { return s.ok("get_job_status", {{"id", job}})["job"]; };
  json mine = status(own);
  CHECK(mine["timeout"] == 300);
  CHECK(mine["retries"] == 2);
  CHECK(mine["params"]["script"] == own_script);
  json its = status(plain);
  CHECK(its["timeout"] == 3600);
  CHECK(its["retries"] == 0);
  CHECK(its["params"]["script"] == event_script);
  // get_active_jobs and get_event show each job with its own fields too.
  CHECK(s.ok("get_active_jobs")["jobs"][own]["timeout"] == 300);
  json in_event = s.ok("get_event", {{"id", id}})["jobs"];
  REQUIRE(in_event.size() == 2);
  for (const auto& job : in_event) CHECK(job["timeout"] == (job["id"] == own ? 300 : 3600));
  // update_job's fields show at once.
  s.ok("update_job", {{"id", plain}, {"timeout", 600}, {"chain", next}});
  its = status(plain);
  CHECK(its["timeout"] == 600);
  CHECK(its["chain"] == next);
  CHECK(status(own)["timeout"] == 300);
  CHECK(s.ok("get_event", {{"id", id}})["event"]["timeout"] == 3600);  // the event is unchanged
  // A job cut at its own limit shows that limit once it has ended.
  s.ok("update_job", {{"id", own}, {"timeout", 1}, {"retries", 0}});
  json ended = s.wait_job(own);
  CHECK(ended["description"] == "Job Aborted: Exceeded maximum run time (1 second)");
  CHECK(ended["timeout"] == 1);
  dir.touch("go");
  CHECK(s.wait_job(plain)["code"] == 0);
}

TEST_CASE("cronicle: an ended job shows its own fields, also after a kill -9") {
  cronicle_server s;
  std::string next = s.create(shell_event("Next", "#!/bin/sh\ntrue\n"));
  std::string id = s.create(with(shell_event("Own", "#!/bin/sh\necho event\n"), {{"timeout", 3600}}));
  const std::string own_script = "#!/bin/sh\necho its own\n";
  std::string own = s.ok("run_event", {{"id", id}, {"timeout", 300}, {"retries", 1}, {"chain", next},
                                       {"params", {{"script", own_script}}}})["ids"][0];
  json ended = s.wait_job(own);
  std::string plain = s.ok("run_event", {{"id", id}})["ids"][0];
  s.wait_job(plain);
  auto check_shown = [&](const json& job) {
    INFO(job.dump());
    CHECK(job["complete"] == 1);
    CHECK(job["timeout"] == 300);
    CHECK(job["retries"] == 1);
    CHECK(job["chain"] == next);
    CHECK(job["params"]["script"] == own_script);
  };
  check_shown(ended);
  check_shown(s.ok("get_job_details", {{"id", own}})["job"]);
  json its = s.ok("get_job_details", {{"id", plain}})["job"];
  CHECK(its["timeout"] == 3600);
  CHECK(its["retries"] == 0);
  CHECK(its["chain"] == "");
  CHECK(its["params"]["script"] == "#!/bin/sh\necho event\n");
  // Its chain ran (once), and the event is unchanged.
  REQUIRE(eventually([&] { return s.history(next).size() == 1; }, 20s));
  CHECK(s.ok("get_event", {{"id", id}})["event"]["timeout"] == 3600);
  // The stored record keeps them: the same after a kill -9. Runs are written unsynced; a synced
  // change acknowledged after they ended is written in the same commit round or a later one, so
  // once it is, their records survive the kill.
  s.create(shell_event("Synced after the runs", "#!/bin/sh\ntrue\n"));
  s.server.kill9();
  s.server.restart();
  check_shown(s.ok("get_job_status", {{"id", own}})["job"]);
  check_shown(s.ok("get_job_details", {{"id", own}})["job"]);
  CHECK(s.ok("get_job_details", {{"id", plain}})["job"]["timeout"] == 3600);
}

TEST_CASE("cronicle: get_history and get_event_history list the job that finished last first") {
  cronicle_server s;
  scratch_dir dir;
  std::string slow_event = s.create(shell_event("Slow", gated_script(dir.path + "/go")));
  std::string quick_event = s.create(shell_event("Quick", "#!/bin/sh\ntrue\n"));
  std::string slow = s.ok("run_event", {{"id", slow_event}})["ids"][0];
  REQUIRE(eventually([&] { return s.ok("get_active_jobs")["jobs"].contains(slow); }));
  std::string quick = s.ok("run_event", {{"id", quick_event}})["ids"][0];
  s.wait_job(quick);
  dir.touch("go");
  s.wait_job(slow);
  json rows;
  REQUIRE(eventually([&] {
    rows = s.ok("get_history")["rows"];
    return rows.size() == 2;
  }));
  CHECK(rows[0]["id"] == slow);  // started first, finished last
  CHECK(rows[1]["id"] == quick);
  CHECK(rows[0]["epoch"].get<int64_t>() >= rows[1]["epoch"].get<int64_t>());
}

TEST_CASE("cronicle: a deleted event's completed jobs stay in get_history and get_job_status, as Cronicle keeps them") {
  cronicle_server s;
  std::string gone = s.create(shell_event("Doomed", "#!/bin/sh\necho bye\n"));
  std::string kept = s.create(shell_event("Stays", "#!/bin/sh\ntrue\n"));
  std::string last = s.ok("run_event", {{"id", gone}})["ids"][0];
  s.wait_job(last);
  std::string other = s.ok("run_event", {{"id", kept}})["ids"][0];
  s.wait_job(other);
  REQUIRE(eventually([&] { return s.ok("get_history")["rows"].size() == 2; }));
  s.ok("delete_event", {{"id", gone}});
  // The event is gone...
  check_error(s.call("get_event", {{"id", gone}}), "event", "Failed to locate event: " + gone);
  check_error(s.call("get_event_history", {{"id", gone}}), "event", "Failed to locate event: " + gone);
  CHECK(s.ok("get_schedule")["rows"].size() == 1);
  // ...its completed job is not: logs/completed and jobs/<id> still hold it in Cronicle. (The
  // job's record is written lazily: it may land just after the delete.)
  json rows;
  REQUIRE(eventually([&] {
    rows = s.ok("get_history")["rows"];
    return rows.size() == 2;
  }));
  json row = rows[1]["id"] == last ? rows[1] : rows[0];
  CHECK(row["id"] == last);
  CHECK(row["event"] == gone);
  CHECK(row["event_title"] == "Doomed");
  CHECK(row["plugin_title"] == "Shell Script");
  CHECK(row["code"] == 0);
  json job = s.ok("get_job_status", {{"id", last}})["job"];
  CHECK(job["complete"] == 1);
  CHECK(job["event_title"] == "Doomed");
  CHECK(s.ok("get_job_details", {{"id", last}})["job"]["event"] == gone);
  // A restart keeps them so (the event stays deleted).
  s.server.restart();
  CHECK(s.ok("get_history")["rows"].size() == 2);
  CHECK(s.ok("get_job_status", {{"id", last}})["job"]["event_title"] == "Doomed");
  check_error(s.call("get_event", {{"id", gone}}), "event", "Failed to locate event: " + gone);
}

TEST_CASE("cronicle: a retried job goes on under its first id until its last try ends, as Cronicle relaunches it") {
  cronicle_server s;
  scratch_dir dir;
  // Fails until the gate exists: the first try fails, the retry waits for the gate.
  std::string id = s.create(with(shell_event("Second time lucky",
                                             "#!/bin/sh\nif [ -e " + dir.path + "/tried ]; then\n" +
                                                 "  while [ ! -e " + dir.path + "/go ]; do sleep 0.05; done\n  exit 0\nfi\n" +
                                                 "touch " + dir.path + "/tried\nexit 4\n"),
                                 {{"retries", 1}, {"retry_delay", 0}}));
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  // The retry is in flight: get_job_status of the first id shows it, not the failed first try.
  REQUIRE(eventually([&] { return tries(s, id) == 2; }, 20s));
  json status = s.ok("get_job_status", {{"id", job}})["job"];
  CHECK(status["id"] == job);
  CHECK_FALSE(status.contains("complete"));
  CHECK(status["retry_num"] == 1);
  CHECK(status["retries"] == 0);  // counted down, as Cronicle's relaunch does
  json active = s.ok("get_active_jobs")["jobs"];
  CHECK(active.size() == 1);
  CHECK(active.contains(job));  // under the first id
  CHECK(s.history(id).empty());  // the job has not ended
  dir.touch("go");
  json ended = s.wait_job(job);
  CHECK(ended["code"] == 0);
  CHECK(ended["id"] == job);
  json rows = s.history(id);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["id"] == job);
  CHECK(rows[0]["code"] == 0);
  CHECK(s.ok("get_job_details", {{"id", job}})["job"]["code"] == 0);
}

TEST_CASE("cronicle: a job waiting out its retry_delay is not found, as Cronicle holds it in its queue") {
  cronicle_server s;
  std::string id = s.create(with(shell_event("Later", "#!/bin/sh\nexit 5\n"), {{"retries", 1}, {"retry_delay", 600}}));
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  REQUIRE(eventually([&] {
    json runs = s.native.get("/v1/cronicle/job/" + id + "/executions").json()["success"];
    return runs.size() == 1 && runs[0]["state"] == "failed";
  }, 20s));
  // The first try failed and its retry waits ten minutes: neither in progress nor complete.
  check_error(s.call("get_job_status", {{"id", job}}), "job", "Failed to fetch job details: Error: Failed to fetch key: jobs/" + job + ": File not found");
  check_error(s.call("get_job_details", {{"id", job}}), "job", "Failed to fetch job details: Error: Failed to fetch key: jobs/" + job + ": File not found");
  CHECK(s.history(id).empty());
  CHECK(s.ok("get_history")["rows"].empty());
  // get_active_jobs lists it as pending, under its id, with when its retry starts.
  json active = s.ok("get_active_jobs")["jobs"];
  REQUIRE(active.contains(job));
  json pending = active[job];
  CHECK(pending["pending"] == 1);
  CHECK(pending["event"] == id);
  CHECK(pending["retries"] == 0);
  CHECK(pending["when"].get<int64_t>() >= pending["time_start"].get<int64_t>() + 590);
  CHECK_FALSE(pending.contains("complete"));
  CHECK_FALSE(pending.contains("code"));
}

TEST_CASE("cronicle: abort_job and abort_jobs end a job waiting out its retry_delay, as Cronicle's abortLocalPendingJob") {
  cronicle_server s;
  std::string id = s.create(with(shell_event("Later", "#!/bin/sh\nexit 5\n"), {{"retries", 2}, {"retry_delay", 600}}));
  auto listed = [&](const std::string& job) { return s.ok("get_active_jobs")["jobs"].contains(job); };
  // Listed and pending: its first try failed and its retry waits ten minutes.
  auto waiting = [&](const std::string& job) { return listed(job) && s.ok("get_active_jobs")["jobs"][job].value("pending", 0) == 1; };
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  REQUIRE(eventually([&] { return waiting(job); }, 20s));
  // update_job changes it for its retry, as Cronicle's updateLocalJob a job in its queue.
  s.ok("update_job", {{"id", job}, {"timeout", 30}});
  CHECK(s.ok("update_jobs", {{"event", id}, {"updates", {{"retries", 1}}}})["count"] == 1);
  s.ok("abort_job", {{"id", job}});
  // It ends at once, aborted, under its id, with no retry left.
  json ended = s.ok("get_job_status", {{"id", job}})["job"];
  CHECK(ended["complete"] == 1);
  CHECK(ended["code"] == 1);
  CHECK(ended["description"].get<std::string>().starts_with("Job Aborted: "));
  CHECK(ended["retry_num"] == 1);
  CHECK_FALSE(listed(job));
  json rows = s.history(id);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["id"] == job);
  check_error(s.call("abort_job", {{"id", job}}), "job", "Failed to locate job: " + job);
  check_error(s.call("update_job", {{"id", job}, {"timeout", 30}}), "job", "Failed to locate job: " + job);

  // abort_jobs counts and ends a waiting job as it does a running one.
  std::string second = s.ok("run_event", {{"id", id}})["ids"][0];
  REQUIRE(eventually([&] { return waiting(second); }, 20s));
  CHECK(s.ok("abort_jobs", {{"event", id}})["count"] == 1);
  REQUIRE(eventually([&] { return !listed(second); }));
  CHECK(s.ok("get_job_status", {{"id", second}})["job"]["code"] == 1);
  CHECK(s.history(id).size() == 2);
}

TEST_CASE("cronicle: an aborted job is not retried, whatever its event's retries (abort_job, timeout)") {
  cronicle_server s;
  scratch_dir dir;
  std::string id = s.create(with(shell_event("Retried", gated_script(dir.path + "/go", 3)),
                                 {{"retries", 2}, {"retry_delay", 0}}));
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  REQUIRE(eventually([&] { return s.ok("get_active_jobs")["jobs"].contains(job); }));
  s.ok("abort_job", {{"id", job}});
  json ended = s.wait_job(job);
  CHECK(ended["code"] == 1);
  // A timeout is an abort too: it ends the job once.
  std::string slow = s.ok("run_event", {{"id", id}, {"timeout", 1}})["ids"][0];
  s.wait_job(slow);
  // A failure that is not an abort is retried (twice), which shows the others had time to be.
  dir.touch("go");
  std::string failing = s.ok("run_event", {{"id", id}})["ids"][0];
  s.wait_job(failing);
  REQUIRE(eventually([&] { return tries(s, id) == 5; }, 20s));
  REQUIRE(eventually([&] { return s.ok("get_active_jobs")["jobs"].empty(); }));
  // The failing job ran three times (twice retried); the aborted two ran once each.
  json rows = s.history(id);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0]["id"] == failing);
  CHECK(rows[0]["code"] == 3);
  CHECK(s.wait_job(failing)["retry_num"] == 2);
  s.ok("delete_event", {{"id", id}});
}

TEST_CASE("cronicle: update_job's chain, web_hook and retries apply when the job in flight ends") {
  http_sink sink;
  cronicle_server s;
  scratch_dir dir;
  std::string next = s.create(shell_event("Next", "#!/bin/sh\necho next\n"));
  std::string id = s.create(shell_event("Gated", gated_script(dir.path + "/go", 3)));
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  REQUIRE(eventually([&] { return s.ok("get_active_jobs")["jobs"].contains(job); }));
  s.ok("update_job", {{"id", job}, {"chain_error", next}, {"web_hook", sink.url("/hook")}, {"retries", 1},
                      {"retry_delay", 0}});
  dir.touch("go");
  // It fails, is retried once (its own retries), then its chain_error runs Next, once.
  json rows;
  REQUIRE(eventually([&] {
    rows = s.history(id);
    return rows.size() == 1 && tries(s, id) == 2;
  }, 20s));
  CHECK(rows[0]["code"] == 3);
  REQUIRE(eventually([&] { return s.history(next).size() == 1; }, 20s));
  // The hook was set while the first attempt ran: its end, then the retry's start and end.
  REQUIRE(sink.wait_for_requests(3, 20s));
  std::multiset<std::string> actions;
  for (const auto& r : sink.requests()) actions.insert(json::parse(r.body)["action"].get<std::string>());
  CHECK(actions == std::multiset<std::string>{"job_complete", "job_complete", "job_start"});
  // The event is unchanged: its next job has no chain, no hook, no retry.
  json event = s.ok("get_event", {{"id", id}})["event"];
  CHECK(event["chain_error"] == "");
  CHECK(event["web_hook"] == "");
  CHECK(event["retries"] == 0);
  s.wait_job(s.ok("run_event", {{"id", id}})["ids"][0]);
  REQUIRE(eventually([&] { return s.history(id).size() == 2; }));
  CHECK(s.history(next).size() == 1);
  CHECK(sink.requests().size() == 3);
}

TEST_CASE("cronicle: update_job's log_max_size ends a shell job in flight that printed more") {
  cronicle_server s;
  std::string id = s.create(shell_event("Chatty", "#!/bin/sh\nhead -c 500 /dev/zero | tr '\\0' x\necho\nsleep 30\n"));
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  REQUIRE(eventually([&] { return s.ok("get_active_jobs")["jobs"].contains(job); }));
  s.ok("update_job", {{"id", job}, {"log_max_size", 100}});
  json done = s.wait_job(job);
  CHECK(done["code"] == 1);
  CHECK(done["description"] == "Job Aborted: Exceeded log file size limit of 100 bytes");
}

TEST_CASE("cronicle: run_event's own chain and web_hook apply to that job only, and post_data is taken") {
  http_sink sink;
  cronicle_server s;
  std::string next = s.create(shell_event("Next", "#!/bin/sh\necho next\n"));
  std::string id = s.create(shell_event("Plain", "#!/bin/sh\necho plain\n"));
  std::string job = s.ok("run_event", {{"id", id}, {"chain", next}, {"web_hook", sink.url("/once")}})["ids"][0];
  CHECK(s.wait_job(job)["code"] == 0);
  REQUIRE(eventually([&] { return s.history(next).size() == 1; }, 20s));
  REQUIRE(sink.wait_for_requests(2, 20s));
  // With ?post_data=1 the body is the job's data, not its fields: the run is the event's own.
  auto r = s.cr.request("POST", "/api/app/run_event/v1?id=" + id + "&post_data=1", json{{"chain", next}}.dump(),
                        "application/json", {"X-API-Key: " + s.admin});
  REQUIRE(r.status == 200);
  REQUIRE(r.json()["code"] == 0);
  CHECK(s.wait_job(r.json()["ids"][0])["code"] == 0);
  s.wait_job(s.ok("run_event", {{"id", id}})["ids"][0]);
  REQUIRE(eventually([&] { return s.history(id).size() == 3; }));
  CHECK(s.history(next).size() == 1);
  CHECK(sink.requests().size() == 2);
}

TEST_CASE("cronicle: flush_event_queue drops the jobs waiting, and the job in flight runs on") {
  cronicle_server s;
  scratch_dir dir;
  std::string id = s.create(with(shell_event("Backlog", gated_script(dir.path + "/go")), {{"max_children", 1}, {"queue", 1}}));
  std::string running = s.ok("run_event", {{"id", id}})["ids"][0];
  CHECK(s.ok("run_event", {{"id", id}})["queue"] == 1);
  CHECK(s.ok("run_event", {{"id", id}})["queue"] == 2);
  s.ok("flush_event_queue", {{"id", id}});
  CHECK(s.ok("run_event", {{"id", id}})["queue"] == 1);  // the queue starts again from empty
  s.ok("flush_event_queue", {{"id", id}});
  check_error(s.call("flush_event_queue", {{"id", "nosuch"}}), "event", "Failed to locate event: nosuch");
  check_error(s.call("flush_event_queue", json::object()), "api", "Missing parameter: id");
  CHECK(s.ok("get_active_jobs")["jobs"].contains(running));
  dir.touch("go");
  CHECK(s.wait_job(running)["code"] == 0);
  // Nothing waited to start after it: the next job asked for is the only other one.
  s.wait_job(s.ok("run_event", {{"id", id}})["ids"][0]);
  REQUIRE(eventually([&] { return s.history(id).size() == 2; }));
  CHECK(s.history(id).size() == 2);
}

TEST_CASE("cronicle: jobs waiting in an event's queue survive a kill -9 and start after the restart") {
  cronicle_server s;
  scratch_dir dir;
  std::string id = s.create(with(shell_event("Kept", gated_script(dir.path + "/go")), {{"max_children", 1}, {"queue", 1}}));
  std::string running = s.ok("run_event", {{"id", id}})["ids"][0];
  REQUIRE(eventually([&] { return s.ok("get_active_jobs")["jobs"].contains(running); }));
  CHECK(s.ok("run_event", {{"id", id}})["queue"] == 1);
  json own = {{"id", id}, {"params", {{"script", "#!/bin/sh\necho own fields\n"}}}};
  CHECK(s.ok("run_event", own)["queue"] == 2);
  s.server.kill9();
  s.server.restart();
  dir.touch("go");
  // Both waiting jobs run after the restart, one after the other, the second with its own script.
  json rows;
  REQUIRE(eventually([&] {
    rows = s.history(id);
    return std::count_if(rows.begin(), rows.end(), [](const json& r) { return r["code"] == 0; }) == 2;
  }, 30s));
  std::vector<std::string> logs;
  for (const auto& r : rows)
    if (r["code"] == 0) logs.push_back(s.job_output(r["id"].get<std::string>()));
  CHECK(std::count(logs.begin(), logs.end(), "own fields\n") == 1);
  // They still say who asked for them (stored with the waiting run).
  for (const auto& r : rows)
    if (r["code"] == 0) CHECK(s.wait_job(r["id"].get<std::string>())["source"] == "API Key (bootstrap admin)");
  CHECK(s.ok("get_active_jobs")["jobs"].empty());
}

TEST_CASE("cronicle: update_jobs and abort_jobs act on every job in flight that matches the criteria") {
  cronicle_server s;
  scratch_dir dir;
  std::string a = s.create(with(shell_event("Twice", gated_script(dir.path + "/never")), {{"max_children", 2}}));
  std::string b = s.create(shell_event("Other", gated_script(dir.path + "/never")));
  std::string a1 = s.ok("run_event", {{"id", a}})["ids"][0];
  std::string a2 = s.ok("run_event", {{"id", a}})["ids"][0];
  std::string b1 = s.ok("run_event", {{"id", b}})["ids"][0];
  REQUIRE(eventually([&] { return s.ok("get_active_jobs")["jobs"].size() == 3; }));
  // A bad update is refused before any job changes.
  check_error(s.call("update_jobs", {{"event", a}, {"updates", {{"timeout", "soon"}}}}), "api",
              "Malformed parameter type: timeout (string)");
  CHECK(s.ok("update_jobs", {{"event", a}, {"updates", {{"timeout", 1}}}})["count"] == 2);
  for (const auto& job : {a1, a2})
    CHECK(s.wait_job(job)["description"] == "Job Aborted: Exceeded maximum run time (1 second)");
  CHECK(s.ok("get_active_jobs")["jobs"].contains(b1));
  CHECK(s.ok("abort_jobs", {{"event", "nosuch"}})["count"] == 0);
  CHECK(s.ok("abort_jobs", {{"event", b}})["count"] == 1);
  json done = s.wait_job(b1);
  CHECK(done["code"] == 1);
  CHECK(done["description"] == "Job Aborted: Manually aborted by API Key: " + s.admin.substr(0, 16) + " (bootstrap admin)");
}

namespace {

using minute_point = std::chrono::time_point<std::chrono::system_clock, std::chrono::minutes>;

minute_point this_minute() { return std::chrono::floor<std::chrono::minutes>(std::chrono::system_clock::now()); }

}  // namespace

// Minutes are Cronicle's finest timing: this test is down across one minute boundary (about 60 s).
TEST_CASE("cronicle: after a kill -9, a catch_up event runs the minute it missed, another skips it") {
  using namespace std::chrono;
  cronicle_server s;
  const json every_minute = {{"timing", json::object()}};
  // Created early in a minute M: the first fire is M+1's.
  if (system_clock::now() - this_minute() > seconds(45)) std::this_thread::sleep_until(this_minute() + minutes(1));
  const minute_point m = this_minute();
  std::string caught = s.create(with(with(shell_event("Catch up", "#!/bin/sh\necho tick\n"), every_minute), {{"catch_up", 1}}));
  std::string skipped = s.create(with(with(shell_event("Skip", "#!/bin/sh\necho tick\n"), every_minute), {{"catch_up", 0}}));
  std::this_thread::sleep_until(m + minutes(1) + seconds(5));
  REQUIRE(eventually([&] { return s.history(caught).size() == 1 && s.history(skipped).size() == 1; }, 20s));
  s.server.kill9();
  std::this_thread::sleep_until(this_minute() + minutes(1) + seconds(3));  // down across the next :00
  s.server.restart();
  // The missed minute runs for the catch_up event, at once; the other waits for its next minute.
  REQUIRE(eventually([&] { return s.history(caught).size() == 2; }, 20s));
  CHECK(s.history(skipped).size() == 1);
  CHECK(s.history(caught)[0]["code"] == 0);
}

TEST_CASE("cronicle: reset_cursor to a past time runs a catch_up event's minutes since then, not another's") {
  cronicle_server s;
  const json hourly = {{"timing", {{"minutes", {0}}}}};  // :00 of each hour
  std::string caught = s.create(with(with(shell_event("Rewound", "#!/bin/sh\necho tick\n"), hourly), {{"catch_up", 1}}));
  std::string plain = s.create(with(shell_event("Plain", "#!/bin/sh\necho tick\n"), hourly));
  // Three hours back: the :00 of each of the last three hours runs again, oldest first.
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
  const int64_t cursor = now_s - now_s % 3600 - 2 * 3600 - 60;  // :59 of the hour before those three
  s.ok("update_event", {{"id", caught}, {"reset_cursor", cursor}});
  s.ok("update_event", {{"id", plain}, {"reset_cursor", cursor}});
  REQUIRE(eventually([&] { return s.history(caught).size() == 3; }, 20s));
  for (const auto& row : s.history(caught)) CHECK(row["code"] == 0);
  CHECK(s.history(plain).empty());
  CHECK(s.ok("get_event", {{"id", caught}})["event"]["catch_up"] == 1);
}

TEST_CASE("cronicle: a disabled catch_up event runs the minutes it missed once enabled, from where its cursor stopped") {
  using namespace std::chrono;
  cronicle_server s;
  const json every_minute = {{"timing", json::object()}};
  // Early in a minute M: neither event can fire before it is disabled.
  if (system_clock::now() - this_minute() > seconds(45)) std::this_thread::sleep_until(this_minute() + minutes(1));
  const minute_point m = this_minute();
  const int64_t m_s = duration_cast<seconds>(m.time_since_epoch()).count();
  // One created disabled, one disabled after it was created; and one without catch_up.
  std::string created_off = s.create(with(with(shell_event("Created off", "#!/bin/sh\necho tick\n"), every_minute),
                                          {{"catch_up", 1}, {"enabled", 0}}));
  std::string turned_off = s.create(with(with(shell_event("Turned off", "#!/bin/sh\necho tick\n"), every_minute),
                                         {{"catch_up", 1}}));
  std::string plain = s.create(with(shell_event("Plain", "#!/bin/sh\necho tick\n"), every_minute));
  s.ok("update_event", {{"id", turned_off}, {"enabled", 0}});
  s.ok("update_event", {{"id", plain}, {"enabled", 0}});
  REQUIRE(this_minute() == m);

  // Past M+1's :00, which all three missed: their cursors stay at M, as Cronicle's scheduler
  // skips a disabled event.
  std::this_thread::sleep_until(m + minutes(1) + seconds(3));
  json state = s.ok("get_master_state")["state"];
  INFO(state.dump());
  CHECK(state["cursors"][created_off] == m_s);
  CHECK(state["cursors"][turned_off] == m_s);
  CHECK(state["cursors"][plain] == m_s);
  CHECK(s.history(created_off).empty());

  // Enabled again: each catch_up event runs M+1's minute at once; the other goes on from its next.
  for (const auto& id : {created_off, turned_off, plain}) s.ok("update_event", {{"id", id}, {"enabled", 1}});
  REQUIRE(eventually([&] { return s.history(created_off).size() == 1 && s.history(turned_off).size() == 1; }, 20s));
  CHECK(s.history(created_off)[0]["code"] == 0);
  // The job stands for the minute it missed.
  CHECK(s.wait_job(s.history(created_off)[0]["id"].get<std::string>())["now"] == m_s + 60);
  CHECK(s.wait_job(s.history(turned_off)[0]["id"].get<std::string>())["now"] == m_s + 60);
  if (this_minute() == m + minutes(1)) CHECK(s.history(plain).empty());  // its next is M+2's
}

TEST_CASE("cronicle: a shellplug script sees Cronicle's job variables and its params") {
  cronicle_server s;
  std::string id = s.create(with(shell_event("Vars", "#!/bin/sh\necho \"$JOB_ID|$JOB_EVENT|$JOB_NOW|$JOB_PLUGIN|$ANNOTATE\"\n"),
                                 {{"params", {{"script", "#!/bin/sh\necho \"$JOB_ID|$JOB_EVENT|$JOB_NOW|$JOB_PLUGIN|$ANNOTATE\"\n"},
                                              {"annotate", 0}}}}));
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  json done = s.wait_job(job);
  REQUIRE(done["code"] == 0);
  std::string log = s.job_output(job);
  const std::string prefix = job + "|" + id + "|";
  REQUIRE(log.starts_with(prefix));
  CHECK(log.ends_with("|shellplug|0\n"));
  const std::string now = log.substr(prefix.size(), log.find('|', prefix.size()) - prefix.size());
  CHECK(std::abs(std::stoll(now) - done["time_start"].get<int64_t>()) < 60);
}

TEST_CASE("cronicle: run_event's now is the time the job stands for, in its now and JOB_NOW") {
  cronicle_server s;
  const std::string script = "#!/bin/sh\necho \"now=$JOB_NOW\"\n";
  std::string id = s.create(with(shell_event("Backfill", script), {{"params", {{"script", script}, {"annotate", 0}}}}));
  // Cronicle's UI sends time_now(), a fraction; shift-click sends a chosen time.
  std::string job = s.ok("run_event", {{"id", id}, {"now", 1700000000.75}})["ids"][0];
  json done = s.wait_job(job);
  REQUIRE(done["code"] == 0);
  CHECK(done["now"] == 1700000000);
  CHECK(done["time_start"].get<double>() > 1700000000 + 86400);  // it ran now all the same
  CHECK(s.job_output(job) == "now=1700000000\n");
  // From a query, a string.
  job = s.ok("run_event", {{"id", id}, {"now", "1600000000"}})["ids"][0];
  CHECK(s.wait_job(job)["now"] == 1600000000);
  // Not a time: refused, nothing runs.
  json refused = s.call("run_event", {{"id", id}, {"now", "tomorrow"}});
  CHECK(refused == json{{"code", "api"}, {"description", "Malformed now parameter: must be a unix time in seconds"}});
  CHECK(s.ok("get_event_history", {{"id", id}})["rows"].size() == 2);
}

TEST_CASE("cronicle: a disabled event enabled with a future reset_cursor first fires at the cursor's minute") {
  cronicle_server s;
  const json every_minute = {{"timing", json::object()}};
  const int64_t cursor = 4102444800;  // 2100-01-01 00:00 UTC
  std::string caught = s.create(with(with(shell_event("Caught", "#!/bin/sh\necho tick\n"), every_minute),
                                     {{"catch_up", 1}, {"enabled", 0}}));
  std::string plain = s.create(with(with(shell_event("Plain", "#!/bin/sh\necho tick\n"), every_minute),
                                    {{"enabled", 0}}));
  for (const auto& id : {caught, plain}) {
    INFO(id);
    s.ok("update_event", {{"id", id}, {"enabled", 1}, {"reset_cursor", cursor}});
    json job = s.native.get("/v1/cronicle/job/" + id).json()["success"];
    CHECK(job["active"] == true);
    // As for an enabled event given the same cursor: nothing before it.
    CHECK(job["next_fire_time"] == cursor);
  }
}
