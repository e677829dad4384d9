// End to end: shell jobs (request_url "" with exec_command) through the native API: a command
// that outlives its timeout is killed with its children and recorded as timed out; output, exit
// code and the job's environment are recorded; a run going on when the server is killed outright
// is ended, its whole process group, when the server starts again on its data dir.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"

using namespace mainspring::e2e;

namespace {

// True while `pid` exists and is not a zombie waiting to be reaped.
bool process_alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return false;
  auto paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z';
}

// The pid the command printed as "<label>=<pid>" in its output, or 0.
pid_t printed_pid(const std::string& output, const std::string& label) {
  std::smatch m;
  if (!std::regex_search(output, m, std::regex(label + "=([0-9]+)"))) return 0;
  return static_cast<pid_t>(std::stol(m[1]));
}

// The pids written one per line to `path` so far.
std::vector<pid_t> read_pids(const std::string& path) {
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  std::vector<pid_t> pids;
  for (pid_t p; text >> p;) pids.push_back(p);
  return pids;
}

json shell_job(const std::string& name, const std::string& command, double timeout_s) {
  return {{"group_name", "G"}, {"name", name},      {"request_url", ""},
          {"exec_command", command}, {"interval_pattern", "@once"}, {"exec_time", 0},
          {"timeout", timeout_s}};
}

// The first finished run of the job (polls until there is one).
json first_finished_run(native_api& api, const std::string& id) {
  json found;
  bool done = eventually(
      [&] {
        json runs = api.executions("G", id);
        for (const auto& r : runs)
          if (r["state"] != "running") found = r;
        return !found.is_null();
      },
      20s);
  REQUIRE(done);
  return found;
}

}  // namespace

TEST_CASE("a shell job that outlives its timeout is killed with its children and recorded as timed out") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  std::string id = api.add_job(shell_job(
      "sleepy", "echo started; echo shell=$$; sleep 60 & echo child=$!; sleep 60; echo never", 1));
  json run = first_finished_run(api, id);
  INFO(run.dump());
  CHECK(run["state"] == "timed_out");
  std::string output = run["output_tail"];
  CHECK_THAT(output, Catch::Contains("started"));
  CHECK_THAT(output, !Catch::Contains("never"));
  CHECK(run["duration_ms"] < 30000);  // killed at the timeout, not after the sleep
  pid_t shell = printed_pid(output, "shell");
  pid_t child = printed_pid(output, "child");
  REQUIRE(shell > 0);
  REQUIRE(child > 0);
  CHECK(eventually([&] { return !process_alive(shell) && !process_alive(child); }, 5s));
  json detail = api.detail("G", id);
  CHECK(detail["counts"]["failures"] == 1);
  CHECK(detail["last_error"].is_number());
  CHECK(detail["phase"] == "done");
}

TEST_CASE("a timed-out shell job gets SIGTERM first: its trap's cleanup is recorded, and --kill-grace 0 skips it") {
  const std::string command = "trap 'echo cleaned up; exit 1' TERM; echo started; sleep 60 & wait";
  {
    server_process server;
    native_api api(server.base_url());
    api.register_group("G");
    json run = first_finished_run(api, api.add_job(shell_job("graceful", command, 1)));
    CHECK(run["state"] == "timed_out");
    CHECK(run["output_tail"] == "started\ncleaned up\n");
  }
  server_process server({"--kill-grace", "0"});
  native_api api(server.base_url());
  api.register_group("G");
  json run = first_finished_run(api, api.add_job(shell_job("abrupt", command, 1)));
  CHECK(run["state"] == "timed_out");
  CHECK(run["output_tail"] == "started\n");
}

TEST_CASE("a shell job's output, exit code and environment are recorded") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  std::string ok = api.add_job(shell_job("fine", "echo hello; echo oops >&2", 10));
  std::string bad = api.add_job(shell_job(
      "env", "echo \"id=$MAINSPRING_JOB_ID group=$MAINSPRING_GROUP plan=$MAINSPRING_PLAN_TIME\"; exit 3",
      10));

  json good_run = first_finished_run(api, ok);
  CHECK(good_run["state"] == "succeeded");
  CHECK(good_run["code"] == 0);
  CHECK_THAT(good_run["output_tail"].get<std::string>(), Catch::Contains("hello"));
  CHECK_THAT(good_run["output_tail"].get<std::string>(), Catch::Contains("oops"));

  json bad_run = first_finished_run(api, bad);
  INFO(bad_run.dump());
  CHECK(bad_run["state"] == "failed");
  CHECK(bad_run["code"] == 3);
  std::string output = bad_run["output_tail"];
  CHECK_THAT(output, Catch::Contains("id=" + bad + " group=G plan="));
  CHECK(std::regex_search(output, std::regex("plan=[0-9]+")));
}

TEST_CASE("a run now may stand for another time: its plan time is the one asked for, and the command sees it") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  const std::string id = api.add_job({{"group_name", "G"}, {"name", "report"}, {"interval_pattern", "@manually"},
                                      {"exec_command", "echo \"for $MAINSPRING_PLAN_TIME\""}});
  // Yesterday's report, run today (a backfill).
  const int64_t yesterday_s = unix_now_ms() / 1000 - 86'400;
  const std::string run_id = api.success(api.client.request(
      "POST", "/v1/G/job/" + id + "/run", json{{"plan_time", yesterday_s}}.dump()));
  REQUIRE(eventually([&] {
    json runs = api.executions("G", id);
    return runs.size() == 1 && runs[0]["state"] == "succeeded";
  }));
  json run = api.executions("G", id)[0];
  CHECK(run["run_id"].get<std::string>() == run_id);
  CHECK(run["trigger"] == "manual");
  CHECK(run["plan_time_ms"] == yesterday_s * 1000);
  CHECK(run["output_tail"] == "for " + std::to_string(yesterday_s) + "\n");
  CHECK(run["start_time_ms"].get<int64_t>() >= unix_now_ms() - 60'000);  // it ran now all the same

  // A time that is not one is refused, and nothing runs.
  for (const char* body : {R"({"plan_time": -1})", R"({"plan_time": "soon"})"}) {
    http_response refused = api.client.request("POST", "/v1/G/job/" + id + "/run", body);
    CHECK(refused.status == 400);
    CHECK(refused.json()["error"].get<std::string>().starts_with("plan_time: "));
  }
  CHECK(api.executions("G", id).size() == 1);
}

TEST_CASE("a job made again under a deleted job's id has none of the old job's runs, even one still running") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  const std::string marker = server.data_dir() + "/old-run-ended";
  auto job = [&](const std::string& command) {
    return json{{"group_name", "G"}, {"name", "s"},         {"job_id", "s3"},
                {"request_url", ""}, {"exec_command", command}, {"interval_pattern", "@manually"}};
  };
  api.add_job(job("sleep 1; echo old; touch " + marker));
  api.success(api.client.post_json("/v1/G/job/s3/run", json::object()));
  REQUIRE(eventually([&] { return api.detail("G", "s3")["counts"]["running"] == 1; }));
  api.post_ok("/v1/delete/job", {{"group_name", "G"}, {"job_id", "s3"}});
  api.add_job(job("echo new"));
  REQUIRE(eventually([&] { return std::ifstream(marker).good(); }));
  // The old run has ended (its record, had it been written, is queued before the new run's).
  api.success(api.client.post_json("/v1/G/job/s3/run", json::object()));
  REQUIRE(eventually([&] { return api.detail("G", "s3")["counts"]["runs"] == 1; }));
  REQUIRE(eventually([&] { return api.executions("G", "s3").size() == 1 && api.executions("G", "s3")[0]["state"] != "running"; }));
  json runs = api.executions("G", "s3");
  CHECK(runs[0]["output_tail"] == "new\n");
  // Nor after a restart, when the counts come back from the stored runs.
  REQUIRE(server.stop() == 0);
  server.restart();
  native_api again(server.base_url());
  REQUIRE(eventually([&] { return again.detail("G", "s3")["counts"]["runs"] == 1; }));
  json detail = again.detail("G", "s3");
  CHECK(detail["counts"]["successes"] == 1);
  CHECK(detail["last_run"]["output_tail"] == "new\n");
  CHECK(again.executions("G", "s3").size() == 1);
}

TEST_CASE("a run the server's stop ends is recorded as interrupted, and counted, across the restart") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  api.add_job({{"group_name", "G"}, {"name", "long"}, {"job_id", "long"}, {"request_url", ""},
               {"exec_command", "sleep 30"}, {"interval_pattern", "@manually"}});
  api.success(api.client.post_json("/v1/G/job/long/run", json::object()));
  REQUIRE(eventually([&] { return api.detail("G", "long")["counts"]["running"] == 1; }));
  REQUIRE(server.stop() == 0);
  server.restart();
  native_api again(server.base_url());
  REQUIRE(eventually([&] { return again.executions("G", "long").size() == 1; }));
  json run = again.executions("G", "long")[0];
  CHECK(run["state"] == "failed");
  CHECK(run["error"] == "interrupted: the server stopped while it ran");
  REQUIRE(eventually([&] { return again.detail("G", "long")["counts"]["failures"] == 1; }));
  CHECK(again.detail("G", "long")["counts"]["running"] == 0);
}

TEST_CASE("a run in flight at a kill -9 is recorded as interrupted after the restart, and counted once") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  auto manual_job = [&](const std::string& id, const std::string& command) {
    api.add_job({{"group_name", "G"}, {"name", id}, {"job_id", id}, {"request_url", ""},
                 {"exec_command", command}, {"interval_pattern", "@manually"}});
  };
  manual_job("long", "sleep 30");
  manual_job("quick", "true");
  manual_job("gone", "sleep 30");
  api.success(api.client.post_json("/v1/G/job/quick/run", json::object()));
  REQUIRE(eventually([&] { return api.detail("G", "quick")["counts"]["successes"] == 1; }));
  api.success(api.client.post_json("/v1/G/job/long/run", json::object()));
  api.success(api.client.post_json("/v1/G/job/gone/run", json::object()));
  REQUIRE(eventually([&] {
    return api.detail("G", "long")["counts"]["running"] == 1 && api.detail("G", "gone")["counts"]["running"] == 1;
  }));
  // A deleted job's run in flight is not recorded after the crash (its job is not restored).
  api.post_ok("/v1/delete/job", {{"group_name", "G"}, {"job_id", "gone"}});
  // Run records and markers are written without waiting for a sync, within milliseconds.
  std::this_thread::sleep_for(2s);
  server.kill9();
  server.restart();
  native_api again(server.base_url());
  REQUIRE(eventually([&] { return again.detail("G", "long")["counts"]["failures"] == 1; }));
  json runs = again.executions("G", "long");
  REQUIRE(runs.size() == 1);
  CHECK(runs[0]["state"] == "failed");
  CHECK(runs[0]["error"] == "interrupted: the server ended (killed or crashed) while it ran");
  CHECK(runs[0]["trigger"] == "manual");
  CHECK(runs[0]["end_time_ms"].get<int64_t>() >= runs[0]["start_time_ms"].get<int64_t>());
  json long_detail = again.detail("G", "long");
  CHECK(long_detail["counts"]["running"] == 0);
  CHECK(long_detail["counts"]["runs"] == 1);
  CHECK(long_detail["last_run"]["error"] == "interrupted: the server ended (killed or crashed) while it ran");
  // A run that had ended left nothing to record.
  json quick = again.detail("G", "quick");
  CHECK(quick["counts"]["runs"] == 1);
  CHECK(quick["counts"]["failures"] == 0);
  CHECK(again.executions("G", "quick").size() == 1);
  manual_job("gone", "true");
  CHECK(again.executions("G", "gone").empty());

  // Recorded once: the next start finds no marker left (a second record would count 2 as the
  // job's stored counts come back).
  REQUIRE(server.stop() == 0);
  server.restart();
  native_api third(server.base_url());
  REQUIRE(eventually([&] { return third.detail("G", "long")["counts"]["runs"] == 1; }));
  CHECK(third.detail("G", "long")["counts"]["failures"] == 1);
  CHECK(third.executions("G", "long").size() == 1);
  CHECK(third.executions("G", "gone").empty());
}

TEST_CASE("a shell run going on when the server is killed with kill -9 is ended, its whole group, at the next start") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  const std::string pids_file = server.data_dir() + "/../run-pids";
  api.add_job({{"group_name", "G"}, {"name", "long"}, {"job_id", "long"}, {"request_url", ""},
               {"exec_command", "echo $$ > " + pids_file + "; sleep 300 & echo $! >> " + pids_file + "; wait"},
               {"interval_pattern", "@manually"}});
  api.success(api.client.post_json("/v1/G/job/long/run", json::object()));
  std::vector<pid_t> pids;  // the shell (its group's id), then its sleep
  REQUIRE(eventually([&] { return (pids = read_pids(pids_file)).size() == 2; }, 20s));
  // Whatever the checks below find, the group does not outlive the test.
  struct group_killer {
    pid_t group;
    ~group_killer() { ::kill(-group, SIGKILL); }
  } guard{pids[0]};
  CHECK(std::filesystem::exists(server.data_dir() + "/shell-processes"));

  server.kill9();
  // The killed server ended nothing: its runs go on, orphaned.
  std::this_thread::sleep_for(200ms);
  REQUIRE(process_alive(pids[0]));
  REQUIRE(process_alive(pids[1]));

  server.restart();
  CHECK(eventually([&] { return !process_alive(pids[0]) && !process_alive(pids[1]); }, 20s));
  CHECK_THAT(server.log(), Catch::Contains("ended 1 process group(s) that an earlier process left running"));
}

TEST_CASE("what a shell run left running when its shell exited after a kill -9 of the server is ended at the next start") {
  // The orphaned shell must be reaped once it exits, as a real init does, or its zombie would
  // still lead the group: this test adopts the server's orphans (a child subreaper) and reaps it.
  REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
  struct subreaper_reset {
    ~subreaper_reset() {
      ::prctl(PR_SET_CHILD_SUBREAPER, 0);
      while (::waitpid(-1, nullptr, WNOHANG) > 0) {
      }
    }
  } reset;
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  const std::string pids_file = server.data_dir() + "/../left-pids";
  const std::string go_file = server.data_dir() + "/../left-go";
  api.add_job({{"group_name", "G"}, {"name", "left"}, {"job_id", "left"}, {"request_url", ""},
               {"exec_command", "echo $$ > " + pids_file + "; sleep 300 & echo $! >> " + pids_file +
                                    "; while [ ! -e " + go_file + " ]; do sleep 0.02; done"},
               {"interval_pattern", "@manually"}});
  api.success(api.client.post_json("/v1/G/job/left/run", json::object()));
  std::vector<pid_t> pids;  // the shell (its group's id), then its sleep
  REQUIRE(eventually([&] { return (pids = read_pids(pids_file)).size() == 2; }, 20s));
  struct group_killer {
    pid_t group;
    ~group_killer() { ::kill(-group, SIGKILL); }
  } guard{pids[0]};

  server.kill9();
  // The shell exits after the server died; its background sleep stays, in the run's group.
  std::ofstream(go_file) << "go";
  REQUIRE(::waitpid(pids[0], nullptr, 0) == pids[0]);
  REQUIRE(process_alive(pids[1]));

  server.restart();
  CHECK(eventually([&] { return !process_alive(pids[1]); }, 20s));
  CHECK_THAT(server.log(), Catch::Contains("ended 1 process group(s) that an earlier process left running, 1 of "
                                           "them after their shell had exited"));
}
