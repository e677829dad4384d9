// End to end: controls.max_running and controls.queue on REMOTE@ jobs, with real agents. A
// REMOTE@a,b job's limit holds on each node (a fire runs where there is room, is skipped or waits
// for its node elsewhere); a REMOTE@* job's holds job-wide; run now at the limit answers 429 (or
// "0" when the run waits); a waiting run keeps its node across a server kill -9.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/e2e/node_server.h"
#include "tests/support/prometheus_text.h"

using namespace mainspring::e2e;

namespace {

// A file whose existence lets the runs that wait on it end (or says that a run began); removed
// when the test ends.
struct release_file {
  explicit release_file(const std::string& name)
      : path("/tmp/mainspring-remote-limits-" + name + "-" + std::to_string(::getpid())) {
    std::filesystem::remove(path);
  }
  ~release_file() { std::filesystem::remove(path); }
  // A command that runs until release().
  std::string wait_command() const { return "while [ ! -e " + path + " ]; do sleep 0.1; done; echo done"; }
  void release() const { std::ofstream(path).put('\n'); }
  std::string path;
};

json limits(int max_running, bool queue = false, int queue_max = 0) {
  json c = {{"max_running", max_running}};
  if (queue) c["queue"] = true;
  if (queue_max) c["queue_max"] = queue_max;
  return json{{"controls", c}};
}

double skipped(node_server& s, const std::string& reason) {
  auto t = mainspring::prometheus_text::parse(s.api->client.get("/metrics").body);
  return t.value("mainspring_runs_skipped_total", {{"reason", reason}}).value_or(0);
}

// The job's runs, oldest first.
std::vector<json> runs_of(node_server& s, const std::string& id) {
  std::vector<json> runs;
  for (const auto& r : s.api->executions("G", id, "?limit=1000")) runs.push_back(r);
  std::sort(runs.begin(), runs.end(),
            [](const json& a, const json& b) { return a["start_time_ms"].get<int64_t>() < b["start_time_ms"].get<int64_t>(); });
  return runs;
}

// True when no two finished runs of the job on `node` overlapped: each started after the one
// before it ended.
bool one_at_a_time_on(node_server& s, const std::string& id, const std::string& node) {
  int64_t last_end = 0;
  for (const auto& r : runs_of(s, id)) {
    if (r["node"] != node) continue;
    if (r["start_time_ms"].get<int64_t>() < last_end) return false;
    last_end = r["end_time_ms"].is_number() ? r["end_time_ms"].get<int64_t>() : INT64_MAX;
  }
  return true;
}

http_response run_now_raw(node_server& s, const std::string& id) {
  return s.api->client.post_json("/v1/G/job/" + id + "/run", json::object());
}

}  // namespace

TEST_CASE("a REMOTE@ job at its max_running skips a fire while its run goes on, counted overlap, and run now answers 429") {
  node_server s;
  auto n1 = s.agent_up("n1");
  release_file gate("overlap");
  json extra = limits(1);
  extra["interval_pattern"] = "@every 1s";
  std::string id = s.add_remote("limited", "n1", gate.wait_command(), extra);
  REQUIRE(eventually([&] { return s.api->detail("G", id)["counts"]["running"] == 1; }, 15s));
  REQUIRE(eventually([&] { return skipped(s, "overlap") >= 2; }, 15s));
  CHECK(s.api->detail("G", id)["counts"]["skipped"].get<int>() >= 2);
  auto refused = run_now_raw(s, id);
  CHECK(refused.status == 429);
  CHECK(refused.body.find("max_running") != std::string::npos);
  CHECK(s.api->detail("G", id)["counts"]["running"] == 1);

  gate.release();
  REQUIRE(eventually([&] { return s.finished_runs(id, "succeeded") >= 2; }, 20s));
  CHECK(s.api->client.post_json("/v1/pause/job", json{{"group_name", "G"}, {"job_id", id}}).status == 200);
  CHECK(one_at_a_time_on(s, id, "n1"));
}

TEST_CASE("a REMOTE@ job with a queue: a run over the limit waits for its node and starts once the first ends") {
  node_server s;
  auto n1 = s.agent_up("n1");
  release_file gate("queue");
  std::string id = s.add_remote("queued", "n1", gate.wait_command(), limits(1, true, 1));
  CHECK(s.run_now(id) != "0");
  CHECK(s.run_now(id) == "0");  // waits
  REQUIRE(eventually([&] { return s.api->detail("G", id)["counts"]["waiting"] == 1; }));
  auto full = run_now_raw(s, id);  // queue_max 1
  CHECK(full.status == 429);
  CHECK(full.body.find("queue_max") != std::string::npos);
  CHECK(s.api->detail("G", id)["counts"]["running"] == 1);

  gate.release();
  REQUIRE(eventually([&] { return s.finished_runs(id, "succeeded") == 2; }, 20s));
  auto runs = runs_of(s, id);
  REQUIRE(runs.size() == 2);
  CHECK(runs[1]["node"] == "n1");
  CHECK(runs[1]["trigger"] == "manual");
  CHECK(runs[1]["start_time_ms"].get<int64_t>() >= runs[0]["end_time_ms"].get<int64_t>());
  CHECK(s.api->detail("G", id)["counts"]["waiting"] == 0);
}

TEST_CASE("a REMOTE@a,b job's max_running holds on each node: a run now starts where there is room") {
  node_server s;
  auto n1 = s.agent_up("n1");
  auto n2 = s.agent_up("n2");
  release_file gate("per-node");
  // Both nodes run at once under max_running 1: one run on each.
  std::string both = s.add_remote("both", "n1,n2", gate.wait_command(), limits(1));
  s.run_now(both);
  REQUIRE(eventually([&] { return s.api->detail("G", both)["counts"]["running"] == 2; }));
  CHECK(run_now_raw(s, both).status == 429);  // every node at its limit

  // Only n1 stays busy: a second run now runs on n2 and skips n1 (counted overlap).
  std::string one = s.add_remote("one", "n1,n2", "[ \"$MAINSPRING_NODE_ID\" = n2 ] || { " + gate.wait_command() + "; }",
                                 limits(1));
  s.run_now(one);
  REQUIRE(eventually([&] { return s.finished_runs(one, "succeeded") == 1; }));
  const double overlap_before = skipped(s, "overlap");
  CHECK(run_now_raw(s, one).status == 200);
  REQUIRE(eventually([&] { return s.finished_runs(one, "succeeded") == 2; }));
  CHECK(s.api->detail("G", one)["counts"]["skipped"] == 1);
  CHECK(skipped(s, "overlap") == overlap_before + 1);

  gate.release();
  REQUIRE(eventually([&] { return s.finished_runs(both, "succeeded") == 2; }, 20s));
  REQUIRE(eventually([&] { return s.finished_runs(one, "succeeded") == 3; }, 20s));
  auto by_node = s.finished_by_node(both);
  CHECK(by_node.count("n1") == 1);
  CHECK(by_node.count("n2") == 1);
  std::size_t n1_runs = 0;
  for (const auto& r : runs_of(s, one)) n1_runs += r["node"] == "n1";
  CHECK(n1_runs == 1);
}

TEST_CASE("a REMOTE@* job's max_running holds job-wide, and a run that waited starts on the allocated node") {
  node_server s;
  auto n1 = s.agent_up("n1");
  auto n2 = s.agent_up("n2");
  release_file gate("placed");
  std::string id = s.add_remote("placed", "*", gate.wait_command(), limits(1, true));
  std::string first;
  // The job hears its node from the allocation table just after it is added.
  REQUIRE(eventually([&] {
    first = s.run_now(id);
    return first != "0";
  }));
  CHECK(s.run_now(id) == "0");
  REQUIRE(eventually([&] { return s.api->detail("G", id)["counts"]["waiting"] == 1; }));
  CHECK(s.api->detail("G", id)["counts"]["running"] == 1);

  gate.release();
  REQUIRE(eventually([&] { return s.finished_runs(id, "succeeded") == 2; }, 20s));
  auto runs = runs_of(s, id);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0]["node"] == runs[1]["node"]);  // the table gave the same node both times
  CHECK(runs[1]["start_time_ms"].get<int64_t>() >= runs[0]["end_time_ms"].get<int64_t>());
}

TEST_CASE("a REMOTE@ run waiting in its job's queue keeps its node across a server kill -9 and runs once the first ends") {
  node_server s;
  auto n1 = s.agent_up("n1");
  release_file gate("restart");
  release_file began("restart-began");
  std::string id = s.add_remote("kept", "n1", "touch " + began.path + "; " + gate.wait_command(), limits(1, true));
  const std::string first = s.run_now(id);
  CHECK(first != "0");
  CHECK(s.run_now(id) == "0");
  REQUIRE(eventually([&] { return s.api->detail("G", id)["counts"]["waiting"] == 1; }));
  // Killed once the first run runs on its node: the server counts a run as soon as it sends it,
  // and a kill -9 before the agent got it would leave no run to take back.
  REQUIRE(eventually([&] { return std::filesystem::exists(began.path); }, 15s));

  s.restart_server();
  REQUIRE(s.becomes("n1", "up", 30s));
  // The first run is taken back once its agent rejoins, and the stored one still waits behind it.
  REQUIRE(eventually([&] { return s.api->detail("G", id)["counts"]["running"] == 1; }, 15s));
  CHECK(s.api->detail("G", id)["counts"]["waiting"] == 1);
  CHECK(s.api->detail("G", id)["last_run"]["run_id"] == first);

  gate.release();
  REQUIRE(eventually([&] { return s.finished_runs(id, "succeeded") == 2; }, 30s));
  auto runs = runs_of(s, id);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0]["run_id"] == first);
  CHECK(runs[1]["node"] == "n1");
  CHECK(runs[1]["trigger"] == "manual");
  CHECK(runs[1]["start_time_ms"].get<int64_t>() >= runs[0]["end_time_ms"].get<int64_t>());
  CHECK(s.api->detail("G", id)["counts"]["waiting"] == 0);
}

TEST_CASE("a run waiting for a node that an edit took out of the job runs nothing and is counted skipped, no_node") {
  node_server s;
  auto n1 = s.agent_up("n1");
  auto n2 = s.agent_up("n2");
  release_file gate("edited");
  std::string id = s.add_remote("edited", "n1,n2", gate.wait_command(), limits(1, true));
  s.run_now(id);
  REQUIRE(eventually([&] { return s.api->detail("G", id)["counts"]["running"] == 2; }));
  CHECK(s.run_now(id) == "0");  // one waits for each node
  REQUIRE(eventually([&] { return s.api->detail("G", id)["counts"]["waiting"] == 2; }));
  s.api->post_ok("/v1/edit/job", json{{"group_name", "G"}, {"job_id", id}, {"request_url", "REMOTE@n1"}});
  const double no_node_before = skipped(s, "no_node");

  gate.release();
  // n1's waiting run runs; n2's, whose node the job no longer names, is skipped and counted.
  REQUIRE(eventually([&] { return s.finished_runs(id, "succeeded") == 3; }, 20s));
  REQUIRE(eventually([&] { return s.api->detail("G", id)["counts"]["skipped"] == 1; }));
  CHECK(s.api->detail("G", id)["counts"]["waiting"] == 0);
  CHECK(skipped(s, "no_node") == no_node_before + 1);
  std::size_t on_n2 = 0;
  for (const auto& r : runs_of(s, id)) on_n2 += r["node"] == "n2";
  CHECK(on_n2 == 1);
}
