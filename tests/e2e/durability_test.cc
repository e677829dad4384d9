// End to end: what survives a stop of the real server. kill -9 in the middle of a burst of
// concurrent changes loses nothing acknowledged and half-applies nothing; jobs keep firing on
// schedule after a restart; each misfire policy handles a real downtime; run history is trimmed
// to --history-runs (and by --history-max-age) and survives a restart; a damaged data dir is
// refused with a pointer to `mainspring repair`, which fixes it and refuses a dir in use. Waits are bounded polls; counts of fires allow for
// scheduling jitter and for the heartbeat's one-second resolution.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/e2e/durability_helpers.h"
#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/support/http_sink.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

constexpr auto k_ready_timeout = 30s;  // restore plus a slow (sanitizer) start

int64_t far_future_s() { return unix_now_ms() / 1000 + 30 * 24 * 3600; }

enum class stop_kind { kill9, sigterm };

// Stops the server as `kind` says; answers [time before, time after] in unix ms.
std::pair<int64_t, int64_t> stop_server(server_process& server, stop_kind kind) {
  int64_t before = unix_now_ms();
  if (kind == stop_kind::kill9) {
    server.kill9();
  } else {
    int code = server.stop();
    INFO(server.log());
    CHECK(code == 0);
  }
  return {before, unix_now_ms()};
}

// How many requests for `path` the sink has seen.
std::size_t hits(const http_sink& sink, const std::string& path) {
  std::size_t n = 0;
  for (const auto& r : sink.requests()) n += r.path == path;
  return n;
}

// The catch-up runs among `runs`: misfire runs of fires planned before the restart began. A fire
// after it that the busy machine takes more than its allowance late is a misfire run too (the
// policy handles it as any missed fire), but not one the downtime caused.
std::size_t count_catch_up(const json& runs, int64_t restart_begin_ms) {
  return static_cast<std::size_t>(std::count_if(runs.begin(), runs.end(), [&](const json& r) {
    return r["trigger"] == "misfire" && r["plan_time_ms"].get<int64_t>() < restart_begin_ms;
  }));
}

// -- the burst of concurrent changes --

// One client of the burst: its own group, its own keep-alive connection, its own jobs.
struct burst_client {
  std::string group;
  std::map<std::string, job_history> jobs;  // every id it ever sent an add for
  std::vector<std::string> live;            // ids whose acknowledged state is "exists"
  int next_job = 0;
  int acked = 0;
  bool interrupted = false;   // a request got no answer: the server died under it
  std::string unexpected;     // an answer other than 200 from a live server
};

constexpr int k_burst_clients = 8;
constexpr int k_ops_per_client = 300;
// The kill lands after a random number of acknowledged changes in this range (of 2,400).
constexpr int k_fewest_acks_before_kill = 300;
constexpr int k_most_acks_before_kill = 1500;

// Sends one change on a job of `c` and records it in the model; false once the client must stop.
bool send_one_change(burst_client& c, http_client& http, std::mt19937& random,
                     std::atomic<int>& total_acked) {
  auto roll = std::uniform_int_distribution<int>(0, 99)(random);
  std::string id;
  std::optional<job_seen> next;
  std::string path;
  json body{{"group_name", c.group}};
  if (c.live.size() < 3 || roll < 20) {
    id = c.group + "j" + std::to_string(c.next_job++);
    next = job_seen{0, false};
    path = "/v1/add/job";
    body.update({{"job_id", id}, {"name", "n0"}, {"memo", "m0"}, {"request_url", "NOOP@"},
                 {"interval_pattern", "@every 1h"}, {"exec_time", far_future_s()}});
  } else {
    id = c.live[std::uniform_int_distribution<std::size_t>(0, c.live.size() - 1)(random)];
    job_seen now = *c.jobs[id].acked();
    body["job_id"] = id;
    if (roll < 60) {  // edit two fields in one request: both or neither may show
      next = job_seen{now.version + 1, now.paused};
      path = "/v1/edit/job";
      body.update({{"name", "n" + std::to_string(next->version)},
                   {"memo", "m" + std::to_string(next->version)}});
    } else if (roll < 85) {
      next = job_seen{now.version, !now.paused};
      path = now.paused ? "/v1/active/job" : "/v1/pause/job";
      if (now.paused) body["exec_time"] = far_future_s();  // resume without firing
    } else {
      next = std::nullopt;
      path = "/v1/delete/job";
    }
  }
  job_history& history = c.jobs[id];
  history.begin(next);
  http_response r = http.post_json(path, body);
  if (r.status == 0) {
    c.interrupted = true;  // left pending: applied or not, both are allowed
    return false;
  }
  if (r.status != 200) {
    history.refuse();
    c.unexpected = path + " " + body.dump() + " -> " + std::to_string(r.status) + " " + r.body;
    return false;
  }
  history.acknowledge();
  ++c.acked;
  total_acked.fetch_add(1, std::memory_order_relaxed);
  if (!next) c.live.erase(std::find(c.live.begin(), c.live.end(), id));
  else if (path == "/v1/add/job") c.live.push_back(id);
  return true;
}

void run_burst_client(burst_client& c, const std::string& base_url, unsigned seed,
                      std::atomic<int>& total_acked) {
  http_client http(base_url);  // one keep-alive connection per client
  std::mt19937 random(seed);
  for (int op = 0; op < k_ops_per_client; ++op)
    if (!send_one_change(c, http, random, total_acked)) return;
}

// Compares one client's model with the job list of its group after the restart.
void check_client_after_restart(const burst_client& c, native_api& api) {
  INFO("client of group " << c.group);
  std::map<std::string, std::optional<job_seen>> observed;
  for (const auto& item : api.jobs(c.group)) {
    std::string id = item["id"];
    parsed_job parsed = parse_listed_job(item);
    INFO("job " << id);
    CHECK(parsed.problem == "");
    CHECK(c.jobs.count(id) == 1);  // nothing the client never sent appears
    observed[id] = parsed.job;
  }
  for (const auto& [id, history] : c.jobs) {
    auto it = observed.find(id);
    std::optional<job_seen> seen = it == observed.end() ? std::nullopt : it->second;
    INFO("job " << id);
    CHECK(history.explain_mismatch(seen) == "");
  }
}

// -- firing after a restart --

json http_job(const http_sink& sink, const std::string& group, const std::string& name,
              const std::string& pattern, json extra = json::object()) {
  json body{{"group_name", group},
            {"name", name},
            {"request_url", "HTTP@" + sink.url("/" + name)},
            {"interval_pattern", pattern},
            {"exec_time", 0},
            {"timeout", 5}};
  body.update(extra);
  return body;
}

void check_fires_on_schedule_after_restart(stop_kind kind) {
  http_sink sink;
  server_process server;
  native_api api(server.base_url());
  api.register_group("S");
  std::string id = api.add_job(http_job(sink, "S", "tick", "@every 1s"));
  REQUIRE(sink.wait_for_requests(2, 10s));

  stop_server(server, kind);
  std::size_t before_restart = hits(sink, "/tick");
  int64_t restart_begin = unix_now_ms();
  server.restart();
  native_api after(server.base_url());
  REQUIRE(wait_ready(after.client, k_ready_timeout));
  REQUIRE(sink.wait_for_requests(before_restart + 1, 10s));

  // Three more calls, then the plans (not arrival times, which a loaded machine delays) of the
  // scheduled runs since the restart: each exactly one second after the last, so the job kept
  // its schedule and fires each plan once.
  REQUIRE(sink.wait_for_requests(before_restart + 4, 20s));
  INFO(server.log());
  CHECK_THAT(sink.requests().back().query, Catch::Contains("job_id=" + id));
  std::vector<int64_t> plans;
  REQUIRE(eventually([&] {
    plans.clear();
    for (const auto& r : after.executions("S", id, "?limit=100"))
      if (r["trigger"] == "schedule" && r["start_time_ms"] >= restart_begin)
        plans.push_back(r["plan_time_ms"].get<int64_t>());
    return plans.size() >= 3;
  }));
  for (std::size_t i = 1; i < plans.size(); ++i) CHECK(plans[i - 1] - plans[i] == 1000);
  json detail = after.detail("S", id);
  CHECK(detail["phase"] == "active");
}

// -- misfire policies --

// The fires of an @every 1s job missed while the server was down, as bounds: fires in
// (last_alive, restore - 1 s) are missed, where last_alive is the previous process's last
// heartbeat (written every second, so up to ~1.2 s before it stopped) and restore happens
// between the restart's start and /health answering. One more either way for fires at the edges
// (a fire after the last heartbeat ran, and is counted missed again).
struct missed_bounds {
  int64_t low;
  int64_t high;
};
missed_bounds expected_missed(std::pair<int64_t, int64_t> stopped, int64_t restart_begin_ms,
                              int64_t restart_end_ms) {
  double shortest_s = (restart_begin_ms - stopped.second) / 1000.0 - 1.0;
  double longest_s = (restart_end_ms - stopped.first + 1200) / 1000.0 - 1.0;
  return {static_cast<int64_t>(std::floor(shortest_s)) - 1,
          static_cast<int64_t>(std::ceil(longest_s)) + 1};
}

// How long the misfire test keeps the server down at least: 1 s jobs miss at least two fires.
constexpr int64_t k_misfire_downtime_ms = 4500;

json noop_every_second(const std::string& name, const std::string& misfire) {
  return {{"group_name", "M"},        {"name", name},        {"request_url", "NOOP@"},
          {"interval_pattern", "@every 1s"}, {"exec_time", 0}, {"misfire", misfire}};
}

void check_misfire_policies_after_downtime(stop_kind kind) {
  http_sink sink;
  server_process server;
  native_api api(server.base_url());
  api.register_group("M");
  std::string skip = api.add_job(noop_every_second("skip", "skip"));
  std::string once = api.add_job(noop_every_second("once", "once"));
  std::string all = api.add_job(noop_every_second("all", "all"));
  REQUIRE(eventually([&] {
    return api.detail("M", skip)["counts"]["runs"] >= 1 &&
           api.detail("M", once)["counts"]["runs"] >= 1 && api.detail("M", all)["counts"]["runs"] >= 1;
  }));
  int64_t skipped_before = api.detail("M", skip)["counts"]["skipped"];
  // A one-shot due 2-3 s from now: the server is down then.
  int64_t once_at_s = unix_now_ms() / 1000 + 3;
  std::string one_shot =
      api.add_job(http_job(sink, "M", "oneshot", "@once", {{"exec_time", once_at_s}}));

  auto stopped = stop_server(server, kind);
  // The test is only meaningful if the one-shot's time falls in the downtime.
  REQUIRE(stopped.second < once_at_s * 1000);
  CHECK(hits(sink, "/oneshot") == 0);
  // Down past the one-shot's time and long enough that every job surely misses a fire (a
  // shorter downtime lets `once` and `all` legitimately miss none, which they cannot tell apart
  // from a lost catch-up run).
  int64_t restart_at = std::max(once_at_s * 1000 + 2000, stopped.second + k_misfire_downtime_ms);
  std::this_thread::sleep_for(std::chrono::milliseconds(restart_at - unix_now_ms()));
  int64_t restart_begin = unix_now_ms();
  server.restart();
  int64_t restart_end = unix_now_ms();
  native_api after(server.base_url());
  REQUIRE(wait_ready(after.client, k_ready_timeout));
  missed_bounds missed = expected_missed(stopped, restart_begin, restart_end);
  INFO("down from " << stopped.first << "-" << stopped.second << " to " << restart_begin << "-"
                    << restart_end << ": between " << missed.low << " and " << missed.high
                    << " fires missed");
  REQUIRE(missed.low >= 1);

  // skip: the missed fires are counted, none is run.
  int64_t skipped = after.detail("M", skip)["counts"]["skipped"].get<int64_t>() - skipped_before;
  CHECK(skipped >= missed.low);
  CHECK(skipped <= missed.high);

  // once: exactly one catch-up run; all: one per missed fire. Catch-up runs start at restore,
  // so once a later scheduled run shows up, every one of them is listed.
  auto settled_runs = [&](const std::string& id) {
    json runs;
    bool settled = eventually([&] {
      runs = after.executions("M", id, "?limit=100");
      return std::any_of(runs.begin(), runs.end(), [&](const json& r) {
        return r["trigger"] == "schedule" && r["start_time_ms"] >= restart_begin;
      }) && runs[0]["state"] != "running";
    });
    CHECK(settled);
    return runs;
  };
  json skip_runs = settled_runs(skip);
  json once_runs = settled_runs(once);
  json all_runs = settled_runs(all);
  CHECK(count_catch_up(skip_runs, restart_begin) == 0);
  CHECK(count_catch_up(once_runs, restart_begin) == 1);
  auto all_misfires = static_cast<int64_t>(count_catch_up(all_runs, restart_begin));
  CHECK(all_misfires >= missed.low);
  CHECK(all_misfires <= missed.high);
  CHECK(after.detail("M", all)["counts"]["skipped"] == 0);

  // The one-shot missed while down runs exactly once after the restart, whatever the policy.
  REQUIRE(sink.wait_for_requests(1, 10s));
  // No second call: by the time `skip` has run twice more (two scheduled fires after the
  // catch-up started), a duplicate would have come.
  int64_t runs_at_hit = after.detail("M", skip)["counts"]["runs"];
  REQUIRE(eventually([&] { return after.detail("M", skip)["counts"]["runs"] >= runs_at_hit + 2; }));
  CHECK(hits(sink, "/oneshot") == 1);
  json shot_runs;
  REQUIRE(eventually([&] {
    shot_runs = after.executions("M", one_shot);
    return shot_runs.size() == 1 && shot_runs[0]["state"] != "running";
  }));
  CHECK(shot_runs[0]["trigger"] == "misfire");
  CHECK(shot_runs[0]["start_time_ms"] >= restart_begin);
  CHECK(after.detail("M", one_shot)["phase"] == "done");
}

std::vector<std::string> run_ids(const json& runs) {
  std::vector<std::string> ids;
  for (const auto& r : runs) ids.push_back(r["run_id"]);
  return ids;
}

}  // namespace

TEST_CASE("kill -9 during a burst of concurrent changes loses no acknowledged change") {
  server_process server;
  native_api api(server.base_url());
  std::vector<burst_client> clients(k_burst_clients);
  for (int i = 0; i < k_burst_clients; ++i) {
    clients[i].group = "D" + std::to_string(i);
    api.register_group(clients[i].group);
  }

  std::atomic<int> total_acked{0};
  std::vector<std::thread> threads;
  unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  for (int i = 0; i < k_burst_clients; ++i)
    threads.emplace_back(run_burst_client, std::ref(clients[i]), server.base_url(), seed + i,
                         std::ref(total_acked));
  std::mt19937 kill_random(seed);
  int kill_after = std::uniform_int_distribution<int>(k_fewest_acks_before_kill,
                                                     k_most_acks_before_kill)(kill_random);
  INFO("kill after " << kill_after << " acknowledged changes");
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (total_acked.load() < kill_after && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);  // a finer poll than eventually(): 3-5k changes/s
  bool reached = total_acked.load() >= kill_after;
  server.kill9();
  for (auto& t : threads) t.join();
  REQUIRE(reached);

  int interrupted = 0;
  for (const auto& c : clients) {
    INFO("client " << c.group);
    CHECK(c.unexpected == "");
    interrupted += c.interrupted;
  }
  INFO("acknowledged " << total_acked.load() << " changes before the kill");
  CHECK(interrupted > 0);  // the kill did land mid-burst

  server.restart();
  native_api after(server.base_url());
  REQUIRE(wait_ready(after.client, k_ready_timeout));
  for (const auto& c : clients) check_client_after_restart(c, after);
  CHECK(after.success(after.client.get("/v1/group/list")).size() ==
        static_cast<std::size_t>(k_burst_clients));
}

TEST_CASE("after a clean stop and restart an @every 1s job keeps firing each second") {
  check_fires_on_schedule_after_restart(stop_kind::sigterm);
}

TEST_CASE("after kill -9 and restart an @every 1s job keeps firing each second") {
  check_fires_on_schedule_after_restart(stop_kind::kill9);
}

TEST_CASE("each misfire policy handles the fires missed while killed with -9") {
  check_misfire_policies_after_downtime(stop_kind::kill9);
}

TEST_CASE("each misfire policy handles the fires missed while stopped cleanly") {
  check_misfire_policies_after_downtime(stop_kind::sigterm);
}

TEST_CASE("run history keeps the newest --history-runs runs and survives a restart") {
  server_process server({"--history-runs", "5"});
  native_api api(server.base_url());
  api.register_group("H");
  std::string id = api.add_job({{"group_name", "H"}, {"name", "manual"}, {"request_url", "NOOP@"},
                                {"interval_pattern", "@manually"}, {"exec_time", far_future_s()}});
  std::vector<std::string> started;
  for (int i = 0; i < 15; ++i)
    started.push_back(api.success(api.client.request("POST", "/v1/H/job/" + id + "/run", std::string())));
  std::vector<std::string> newest(started.rbegin(), started.rbegin() + 5);  // newest first

  // The store trims on about one write in N and sweeps every second: within a few seconds
  // exactly the newest five remain.
  std::vector<std::string> listed;
  bool trimmed = eventually([&] {
    listed = run_ids(api.executions("H", id, "?limit=100"));
    return listed == newest;
  }, 5s);
  INFO("listed " << json(listed).dump() << ", newest " << json(newest).dump());
  // Guards a fixed bug: the executions list merges the job actor's in-memory recent runs
  // (actors/job_runs.cc merge_runs), which once brought back runs the store had trimmed.
  CHECK(trimmed);
  CHECK(api.detail("H", id)["counts"]["runs"] == 15);

  // Runs are written unsynced (they may lose their last few records to kill -9), and the list
  // above can be answered from the job's memory before the committer has written them. A synced
  // change acknowledged after them comes out of the same or a later commit round, so once it is,
  // the runs have reached the OS and survive kill -9. A trim lost with the process is redone by
  // the next sweep.
  api.register_group("H_after_runs");
  server.kill9();
  server.restart();
  native_api after(server.base_url());
  REQUIRE(wait_ready(after.client, k_ready_timeout));
  json runs;
  bool kept = eventually([&] {
    runs = after.executions("H", id, "?limit=100");
    return run_ids(runs) == newest;
  }, 5s);
  INFO("after the restart " << runs.dump());
  CHECK(kept);
  for (const auto& r : runs) CHECK(r["trigger"] == "manual");
}

TEST_CASE("a damaged data dir is refused with a pointer to repair and repair fixes it") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("R");
  std::string id = api.add_job({{"group_name", "R"}, {"name", "keep"}, {"request_url", "NOOP@"},
                                {"interval_pattern", "@every 1h"}, {"exec_time", far_future_s()}});
  REQUIRE(server.stop() == 0);
  {
    std::ofstream current(server.data_dir() + "/CURRENT", std::ios::trunc | std::ios::binary);
    current << "\x01garbage, not a MANIFEST name";  // and no newline: LevelDB's own check
  }

  std::vector<std::string> serve = {"serve", "--listen",
                                    "127.0.0.1:" + std::to_string(pick_free_port()), "--data-dir",
                                    server.data_dir()};
  command_result refused = run_mainspring(serve, 20s);
  INFO(refused.output);
  CHECK_FALSE(refused.timed_out);
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.output, Catch::Contains("mainspring repair"));
  CHECK_THAT(refused.output, Catch::Contains(server.data_dir()));

  command_result repaired = run_mainspring({"repair", "--data-dir", server.data_dir()}, 20s);
  INFO(repaired.output);
  CHECK(repaired.exit_code == 0);

  server.restart();  // throws (failing the test with the log) if it does not start
  native_api after(server.base_url());
  REQUIRE(wait_ready(after.client, k_ready_timeout));
  CHECK(after.success(after.client.get("/v1/group/list")) == json{"R"});
  json jobs = after.jobs("R");
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0]["id"] == id);
  CHECK(jobs[0]["name"] == "keep");
}

TEST_CASE("repair refuses a data dir that a running server holds, and the server goes on") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("L");
  command_result refused = run_mainspring({"repair", "--data-dir", server.data_dir()}, 20s);
  INFO(refused.output);
  CHECK_FALSE(refused.timed_out);
  CHECK(refused.exit_code != 0);
  CHECK_THAT(refused.output, Catch::Contains("in use"));
  CHECK(api.success(api.client.get("/v1/group/list")) == json{"L"});
  api.register_group("L2");  // still writing
  server.restart();
  native_api after(server.base_url());
  REQUIRE(wait_ready(after.client, k_ready_timeout));
  CHECK(after.success(after.client.get("/v1/group/list")) == json{"L", "L2"});
}

TEST_CASE("runs older than --history-max-age are dropped, from the store and the list") {
  server_process server({"--history-max-age", "2"});
  native_api api(server.base_url());
  api.register_group("A");
  std::string id = api.add_job({{"group_name", "A"}, {"name", "manual"}, {"request_url", "NOOP@"},
                                {"interval_pattern", "@manually"}, {"exec_time", far_future_s()}});
  for (int i = 0; i < 3; ++i) api.client.request("POST", "/v1/A/job/" + id + "/run", std::string());
  CHECK(eventually([&] { return api.executions("A", id, "?limit=100").size() == 3; }, 5s));
  // Two seconds later they are too old; the sweep (every second) drops them, and the job's
  // in-memory recent runs must not bring them back.
  json left;
  bool dropped = eventually([&] {
    left = api.executions("A", id, "?limit=100");
    return left.empty();
  }, 10s);
  INFO(left.dump());
  CHECK(dropped);
  CHECK(api.detail("A", id)["counts"]["runs"] == 3);
  // A new run is listed again, until it too is too old.
  api.client.request("POST", "/v1/A/job/" + id + "/run", std::string());
  CHECK(eventually([&] { return api.executions("A", id, "?limit=100").size() == 1; }, 5s));
}
