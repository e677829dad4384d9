// End to end: worker nodes. A real server with --node-listen and real `mainspring agent`
// processes on loopback: joining, the node list, REMOTE@ runs on each listed node, timeouts,
// agents and servers killed and restarted, wrong secrets, group isolation and removal, many
// agents, bursts of run-now, and TLS.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/e2e/agent_process.h"
#include "tests/e2e/native_helpers.h"
#include "tests/e2e/node_server.h"
#include "tests/e2e/server_process.h"
#include "tests/support/child_process.h"

using namespace mainspring::e2e;

namespace {

std::string metric_line(const std::string& text, const std::string& name) {
  auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return "";
  auto end = text.find('\n', at + 1);
  return text.substr(at + 1, end - at - 1);
}

// True while some process's command line contains `text` (read from /proc).
bool process_mentioning(const std::string& text) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("agents join a group, show in the node list, and run a REMOTE@ job once on each listed node") {
  node_server s;
  auto w1 = s.agent("w1", {"--tags", "rack=a,zone=z1"});
  auto w2 = s.agent("w2");
  REQUIRE(s.becomes("w1", "up"));
  REQUIRE(s.becomes("w2", "up"));
  json nodes = s.nodes();
  REQUIRE(nodes.size() == 2);
  const json& n = nodes[0];
  CHECK(n["node_id"] == "w1");
  CHECK(n["group_name"] == "G");
  CHECK(n["otp_token"] == "");  // never a secret
  CHECK(n["tags"] == json{{"rack", "a"}, {"zone", "z1"}});
  CHECK(n["last_seen"].get<int64_t>() > 0);
  for (const char* field : {"hostname", "ip", "mac", "boradcast_addr", "grpclisten", "machine_code", "running"})
    CHECK(n.contains(field));
  CHECK(n["ip"] == "127.0.0.1");

  std::string id = s.add_remote("env", "w1,w2",
                                "echo node=$MAINSPRING_NODE_ID job=$MAINSPRING_JOB_ID group=$MAINSPRING_GROUP "
                                "run=$MAINSPRING_RUN_ID plan=$MAINSPRING_PLAN_TIME shell=$BASH_VERSION; exit 3");
  s.run_now(id);
  REQUIRE(eventually([&] { return s.finished_by_node(id).size() == 2; }, 20s));
  auto runs = s.finished_by_node(id);
  for (const std::string node : {"w1", "w2"}) {
    const json& r = runs[node];
    INFO(r.dump());
    CHECK(r["state"] == "failed");
    CHECK(r["code"] == 3);
    std::string out = r["output_tail"];
    CHECK(out.find("node=" + node + " ") != std::string::npos);
    CHECK(out.find("job=" + id + " ") != std::string::npos);
    CHECK(out.find("group=G ") != std::string::npos);
    CHECK(out.find("run=" + r["run_id"].get<std::string>() + " ") != std::string::npos);
    CHECK(out.find("shell=5") != std::string::npos);  // /bin/bash, not sh
  }
  CHECK(runs["w1"]["run_id"] != runs["w2"]["run_id"]);
}

TEST_CASE("a REMOTE@ command does not see the group's secret its agent was started with") {
  node_server s;
  auto w1 = s.agent_up("w1");  // MAINSPRING_GROUP_SECRET=<secret> in its environment
  std::string id = s.add_remote("env", "w1", "env");
  s.run_now(id);
  REQUIRE(eventually([&] { return s.finished_runs(id, "succeeded") == 1; }, 20s));
  std::string out = s.finished_by_node(id)["w1"]["output_tail"];
  CHECK(out.find("MAINSPRING_NODE_ID=w1") != std::string::npos);  // it is the environment
  CHECK(out.find(s.secret) == std::string::npos);
  CHECK(out.find("MAINSPRING_GROUP_SECRET") == std::string::npos);
}

TEST_CASE("a remote run past its timeout is killed with its process group and recorded timed out") {
  node_server s;
  auto w1 = s.agent_up("w1");
  std::string marker = "/tmp/mainspring-node-timeout-" + std::to_string(::getpid());
  std::filesystem::remove(marker);
  // The background child would touch the marker after 4 s if it survived its group's kill.
  std::string id = s.add_remote("slow", "w1", "(sleep 4; touch " + marker + ") & echo started; sleep 60",
                                json{{"timeout", 1}});
  s.run_now(id);
  REQUIRE(eventually([&] { return s.finished_runs(id) == 1; }, 20s));
  json r = s.finished_by_node(id)["w1"];
  CHECK(r["state"] == "timed_out");
  CHECK(r["output_tail"] == "started\n");
  // The background subshell is a fork of the job's shell, so its command line names the marker:
  // once no process does, nothing is left that could touch it.
  REQUIRE(eventually([&] { return !process_mentioning(marker); }, 10s));
  CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("an agent killed with a run in flight: the node goes down and the run fails naming it and a restarted agent is up again") {
  node_server s;
  auto w1 = s.agent_up("w1");
  std::string id = s.add_remote("long", "w1", "sleep 30");
  s.run_now(id);
  REQUIRE(eventually([&] { return s.nodes()[0]["running"] == 1; }));
  w1->kill9();
  REQUIRE(s.becomes("w1", "down", 10s));
  REQUIRE(eventually([&] { return s.finished_runs(id) == 1; }, 15s));
  json r = s.finished_by_node(id)["w1"];
  CHECK(r["state"] == "failed");
  CHECK(r["error"].get<std::string>().find("node w1") != std::string::npos);
  // It started when it went to the node, not when it was given up on (at least the grace later).
  constexpr int64_t k_lost_grace_ms = 5000;  // actors/node_protocol.h's k_node_lost_grace
  CHECK(r["end_time_ms"].get<int64_t>() - r["start_time_ms"].get<int64_t>() >= k_lost_grace_ms);
  // A run planned for the node while it is down fails at once, naming it.
  s.run_now(id);
  REQUIRE(eventually([&] { return s.finished_runs(id) == 2; }));
  CHECK(s.api->executions("G", id)[0]["error"].get<std::string>().find("node w1: the node is down") != std::string::npos);
  w1->restart();
  REQUIRE(s.becomes("w1", "up"));
  std::string after = s.add_remote("after", "w1", "echo back");
  s.run_now(after);
  REQUIRE(eventually([&] { return s.finished_runs(after, "succeeded") == 1; }, 20s));
}

TEST_CASE("an agent with --process-ledger ends, as it starts again, the commands a kill -9 of it left running") {
  node_server s;
  const std::string ledger = s.server.data_dir() + "/../agent-w1-processes";
  auto w1 = s.agent_up("w1", {"--process-ledger", ledger});
  // The shell stays (two commands), its sleep is its child: both in the run's process group.
  const std::string command = "sleep 307; true";
  const std::string child_cmdline = std::string("sleep\0" "307", 9);
  std::string id = s.add_remote("long", "w1", command);
  s.run_now(id);
  REQUIRE(eventually([&] { return process_mentioning(command) && process_mentioning(child_cmdline); }));
  w1->kill9();
  std::this_thread::sleep_for(200ms);
  REQUIRE(process_mentioning(command));  // the killed agent ended nothing
  w1->restart();
  CHECK(eventually([&] { return !process_mentioning(command) && !process_mentioning(child_cmdline); }));
  // The agent logs it once the groups are gone: a slow agent (ThreadSanitizer's) writes it after.
  CHECK(eventually([&] { return w1->log().find("ended 1 process group(s)") != std::string::npos; }));
  REQUIRE(s.becomes("w1", "up"));
}

TEST_CASE("after a server kill -9 and restart, agents reconnect by themselves and nodes are remembered") {
  node_server s;
  auto w1 = s.agent_up("w1");
  std::string id = s.add_remote("again", "w1", "echo hi");
  s.restart_server();
  // Remembered (stored) whatever the agent does, and up again once it has dialled back.
  REQUIRE(s.status_of("w1") != "");
  REQUIRE(s.becomes("w1", "up", 30s));
  s.run_now(id);
  REQUIRE(eventually([&] { return s.finished_runs(id, "succeeded") == 1; }, 20s));
  CHECK(s.finished_by_node(id)["w1"]["output_tail"] == "hi\n");
}

TEST_CASE("a node that never registered, and another group's node, fail the run naming the node") {
  node_server s;
  s.api->register_group("H");
  auto other = s.agent("w1", {}, "H", s.api->success(s.api->client.get("/v1/H/group/info")));
  REQUIRE(eventually([&] { return s.status_of("w1", "H") == "up"; }, 15s));
  CHECK(s.nodes("G").empty());  // H's node is not G's
  std::string id = s.add_remote("nobody", "w1,w9", "echo hi");
  s.run_now(id);
  REQUIRE(eventually([&] { return s.finished_runs(id) == 2; }));
  auto runs = s.finished_by_node(id);
  CHECK(runs["w1"]["error"].get<std::string>().find("node w1: no such node in group G") != std::string::npos);
  CHECK(runs["w9"]["error"].get<std::string>().find("node w9") != std::string::npos);
}

TEST_CASE("a second agent with a node id already in use replaces the first, which exits 3 naming the node id, and the second runs the jobs") {
  node_server s;
  auto first = s.agent_up("w1");
  auto second = s.agent("w1");
  // The replaced agent stops for good instead of taking the node back every 200 ms.
  auto code = first->exit_within(20s);
  INFO(first->log());
  REQUIRE(code.has_value());
  CHECK(*code == 3);  // agent/agent.h k_exit_node_id_taken
  std::string log = first->log();
  CHECK(log.find("node id w1 of group G is in use by another agent") != std::string::npos);
  CHECK(log.find("not reconnecting") != std::string::npos);
  CHECK(log.find("received signal") == std::string::npos);  // it stopped by itself
  REQUIRE(s.becomes("w1", "up"));
  std::string id = s.add_remote("after", "w1", "echo second");
  s.run_now(id);
  REQUIRE(eventually([&] { return s.finished_runs(id, "succeeded") == 1; }, 20s));
  CHECK(s.finished_by_node(id)["w1"]["output_tail"] == "second\n");
  // No flapping: the second agent joined once and is still up, still connected.
  CHECK_FALSE(second->exit_within(2s).has_value());
  CHECK(s.status_of("w1") == "up");
  std::string second_log = second->log();
  CHECK(second_log.find("session 1 ended") == std::string::npos);
  CHECK(second_log.find("(session 2)") == std::string::npos);
}

TEST_CASE("an agent with a wrong secret is refused, counted in the metrics, and the server keeps serving") {
  node_server s;
  auto bad = s.agent("w1", {}, "G", "WRONGSECRETWRONGSECRET");
  REQUIRE(eventually([&] {
    return metric_line(s.api->client.get("/metrics").body, "mainspring_node_auth_failures_total") !=
           "mainspring_node_auth_failures_total 0";
  }));
  CHECK(s.nodes().empty());
  CHECK(s.server.log().find("WRONGSECRET") == std::string::npos);
  CHECK(s.server.log().find(s.secret) == std::string::npos);
  CHECK(eventually([&] { return bad->log().find("join refused: unknown group or wrong secret") != std::string::npos; }));
  auto good = s.agent_up("w2");
}

TEST_CASE("removing a group disconnects its agents and refuses them afterwards") {
  node_server s;
  auto w1 = s.agent_up("w1");
  s.api->post_ok("/v1/remove/group", json{{"group_name", "G"}});
  REQUIRE(eventually([&] { return w1->log().find("group was removed") != std::string::npos; }));
  REQUIRE(eventually([&] { return w1->log().find("join refused") != std::string::npos; }));
  // The group comes back empty: its old node is gone with it.
  s.api->register_group("G");
  CHECK(s.nodes().empty());
}

TEST_CASE("twenty agents join one group and a job over all of them runs once on each") {
  node_server s;
  std::vector<std::unique_ptr<agent_process>> agents;
  std::string list;
  for (int i = 1; i <= 20; ++i) {
    std::string node = "n";
    node += std::to_string(i);
    agents.push_back(s.agent(node));
    if (!list.empty()) list += ',';
    list += node;
  }
  REQUIRE(eventually([&] {
    std::size_t up = 0;
    for (const auto& n : s.nodes()) up += n["status"] == "up";
    return up == 20;
  }, 30s));
  std::string id = s.add_remote("all", list, "echo $MAINSPRING_NODE_ID");
  s.run_now(id);
  REQUIRE(eventually([&] { return s.finished_runs(id, "succeeded") == 20; }, 30s));
  auto runs = s.finished_by_node(id);
  CHECK(runs.size() == 20);
  for (const auto& [node, r] : runs) CHECK(r["output_tail"] == node + "\n");
}

TEST_CASE("a burst of run-now calls over two nodes loses nothing") {
  node_server s;
  auto w1 = s.agent_up("w1");
  auto w2 = s.agent_up("w2");
  std::string id = s.add_remote("burst", "w1,w2", "echo $MAINSPRING_RUN_ID");
  constexpr int k_calls = 100;
  for (int i = 0; i < k_calls; ++i) s.run_now(id);
  // Counted from the job's totals: the run history keeps only the newest 100 runs.
  REQUIRE(eventually([&] { return s.api->detail("G", id)["counts"]["runs"] == 2 * k_calls; }, 60s));
  json counts = s.api->detail("G", id)["counts"];
  CHECK(counts["successes"] == 2 * k_calls);
  CHECK(counts["failures"] == 0);
}

TEST_CASE("concurrency forbid skips a busy node only, and retries go to the node that failed") {
  node_server s;
  auto w1 = s.agent_up("w1");
  auto w2 = s.agent_up("w2");
  // w1 stays busy; w2 finishes at once: under forbid only w1's fires are skipped.
  std::string id = s.add_remote("overlap", "w1,w2", "[ \"$MAINSPRING_NODE_ID\" = w1 ] && sleep 20; true",
                                json{{"interval_pattern", "@every 1s"}, {"concurrency", "forbid"}});
  REQUIRE(eventually([&] { return s.finished_runs(id, "succeeded") >= 4; }, 20s));
  std::size_t w1_runs = 0;
  for (const auto& r : s.api->executions("G", id, "?limit=1000")) w1_runs += r["node"] == "w1";
  CHECK(w1_runs == 1);
  CHECK(s.api->detail("G", id)["counts"]["skipped"].get<int>() >= 3);

  // Only w2 fails, once per try: its retries run on w2 alone.
  std::string flaky = s.add_remote("flaky", "w1,w2", "[ \"$MAINSPRING_NODE_ID\" = w1 ]",
                                   json{{"retries", 2}, {"retry_delay", 0.2}});
  s.run_now(flaky);
  REQUIRE(eventually([&] { return s.finished_runs(flaky) == 4; }, 20s));
  std::map<std::string, int> per_node;
  for (const auto& r : s.api->executions("G", flaky, "?limit=1000")) per_node[r["node"]]++;
  CHECK(per_node["w1"] == 1);
  CHECK(per_node["w2"] == 3);
}

TEST_CASE("without --node-listen a REMOTE@ job is refused with a 400 naming the flag") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  auto r = api.client.post_json("/v1/add/job", json{{"group_name", "G"},
                                                    {"name", "r"},
                                                    {"request_url", "REMOTE@w1"},
                                                    {"exec_command", "true"},
                                                    {"interval_pattern", "@manually"}});
  CHECK(r.status == 400);
  CHECK(r.body.find("--node-listen") != std::string::npos);
}

TEST_CASE("a node listener on a non-loopback address needs TLS or --node-insecure") {
  auto dir = std::filesystem::temp_directory_path() / ("mainspring-node-insecure-" + std::to_string(::getpid()));
  std::string log = "/tmp/mainspring-node-insecure-" + std::to_string(::getpid()) + ".log";
  std::string error;
  pid_t pid = mainspring::testing::spawn_logged(
      {std::getenv("MAINSPRING_BINARY"), "serve", "--listen", "127.0.0.1:" + std::to_string(pick_free_port()),
       "--data-dir", dir.string(), "--node-listen", "0.0.0.0:" + std::to_string(pick_free_port())},
      log, &error);
  REQUIRE(pid > 0);
  auto code = mainspring::testing::wait_exit_until(pid, std::chrono::steady_clock::now() + 20s);
  REQUIRE(code);
  CHECK(*code == 1);
  CHECK(mainspring::testing::file_tail(log).find("--node-insecure") != std::string::npos);
  std::filesystem::remove(log);
  std::filesystem::remove_all(dir);
}

namespace {

// A CA, a server certificate and a client certificate it signed, made with openssl in `dir`.
void make_certificates(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const std::string d = dir.string();
  const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  std::string script =
      "cd " + d + " && openssl req -x509" + key + " -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca" +
      " && openssl req" + key + " -keyout server.key -out server.csr -subj /CN=127.0.0.1" +
      " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2" +
      " && openssl req" + key + " -keyout client.key -out client.csr -subj /CN=agent" +
      " && openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2" +
      " > openssl.log 2>&1";
  REQUIRE(std::system(script.c_str()) == 0);
}

}  // namespace

TEST_CASE("with mutual TLS an agent holding a certificate of the CA joins and one without is refused") {
  auto dir = std::filesystem::temp_directory_path() / ("mainspring-node-tls-" + std::to_string(::getpid()));
  make_certificates(dir);
  auto file = [&](const char* name) { return (dir / name).string(); };
  node_server s({"--node-tls-cert", file("server.pem"), "--node-tls-key", file("server.key"), "--node-tls-ca",
                 file("ca.pem")});
  auto good = s.agent("w1", {"--node-tls-ca", file("ca.pem"), "--node-tls-cert", file("client.pem"),
                             "--node-tls-key", file("client.key")});
  REQUIRE(s.becomes("w1", "up"));
  std::string id = s.add_remote("tls", "w1", "echo over tls");
  s.run_now(id);
  REQUIRE(eventually([&] { return s.finished_runs(id, "succeeded") == 1; }, 20s));

  auto no_cert = s.agent("w2", {"--node-tls-ca", file("ca.pem")});
  auto plain = s.agent("w3");
  // Both refused agents have tried (a failure each, at least) and neither was let in.
  REQUIRE(eventually([&] {
    std::string line = metric_line(s.api->client.get("/metrics").body, "mainspring_node_tls_failures_total");
    auto space = line.rfind(' ');
    return space != std::string::npos && std::stod(line.substr(space + 1)) >= 2;
  }, 15s));
  CHECK(s.status_of("w2") == "");
  CHECK(s.status_of("w3") == "");
  std::filesystem::remove_all(dir);
}

TEST_CASE("Dkron's member list shows the worker nodes of its group") {
  const uint16_t dkron_port = pick_free_port();
  node_server s({"--dkron-listen", "127.0.0.1:" + std::to_string(dkron_port)});
  http_client dkron("http://127.0.0.1:" + std::to_string(dkron_port));
  std::string secret;
  REQUIRE(eventually([&] {
    auto r = s.api->client.get("/v1/dkron/group/info");
    if (r.status != 200) return false;
    secret = r.json()["success"];
    return true;
  }));
  auto w1 = s.agent("w1", {"--tags", "zone=z1"}, "dkron", secret);
  REQUIRE(eventually([&] {
    auto members = dkron.get("/v1/members").json();
    return members.size() == 2 && members[1]["Status"] == 1;
  }, 15s));
  auto members = dkron.get("/v1/members");
  CHECK(members.header("x-total-count") == "2");
  json node = members.json()[1];
  CHECK(node["Name"] == "w1");
  CHECK(node["Tags"]["zone"] == "z1");
  CHECK(node["Tags"]["server"] == "false");
  // The agent's status (GET /v1/) counts them as Serf's Stats() does.
  json serf = dkron.get("/v1/").json()["serf"];
  CHECK(serf["members"] == "2");
  CHECK(serf["failed"] == "0");
  for (const char* stat : {"left", "health_score", "member_time", "event_time", "query_time", "intent_queue",
                           "event_queue", "query_queue", "encrypted", "coordinate_resets"})
    CHECK(serf[stat].is_string());
  w1->kill9();
  REQUIRE(eventually([&] { return dkron.get("/v1/members").json()[1]["Status"] == 4; }, 15s));
  CHECK(dkron.get("/v1").json()["serf"]["failed"] == "1");
}

namespace {

// Connects to 127.0.0.1:port, sends `bytes`, and waits until the server closes the connection
// (true) or a few seconds pass (false).
bool send_and_see_closed(uint16_t port, const std::string& bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return false;
  }
  (void)!::write(fd, bytes.data(), bytes.size());
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[512];
  bool closed = false;
  for (int i = 0; i < 100 && !closed; ++i) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    closed = n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN);
    if (n < 0 && errno == EAGAIN) break;
  }
  ::close(fd);
  return closed;
}

}  // namespace

TEST_CASE("garbage and a message announcing 4 GiB on the node port close that connection and nothing else") {
  node_server s;
  auto w1 = s.agent_up("w1");
  std::string huge(32, '\0');
  huge[0] = 2;  // a client handshake
  huge[4] = huge[5] = huge[6] = huge[7] = static_cast<char>(0xff);
  CHECK(send_and_see_closed(s.node_port, huge));
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 7919) & 0xff));
  send_and_see_closed(s.node_port, garbage);  // CAF may close it or wait for more: either is fine
  REQUIRE(eventually([&] {
    return metric_line(s.api->client.get("/metrics").body, "mainspring_node_oversize_messages_total") !=
           "mainspring_node_oversize_messages_total 0";
  }));
  // The server and the connected node are unharmed.
  CHECK(s.api->client.get("/health").status == 200);
  CHECK(s.status_of("w1") == "up");
  std::string id = s.add_remote("still", "w1", "echo fine");
  s.run_now(id);
  REQUIRE(eventually([&] { return s.finished_runs(id, "succeeded") == 1; }, 20s));
}

TEST_CASE("a remote run that finishes while the server is down is recorded once its agent is back") {
  node_server s;
  auto w1 = s.agent_up("w1");
  const std::string marker = "/tmp/mainspring-node-outlives-" + std::to_string(::getpid());
  const std::string began = marker + ".began", ended = marker + ".ended";
  std::filesystem::remove(began);
  std::filesystem::remove(ended);
  std::string id = s.add_remote("outlives", "w1", "touch " + began + "; sleep 2; echo survived; touch " + ended);
  s.run_now(id);
  // Killed once the command runs on the node (the server counts a run as soon as it sends it).
  REQUIRE(eventually([&] { return std::filesystem::exists(began); }, 15s));
  s.server.kill9();
  // The command ends on the node while no server is there.
  REQUIRE(eventually([&] { return std::filesystem::exists(ended); }, 15s));
  std::filesystem::remove(began);
  std::filesystem::remove(ended);
  s.restart_server();
  REQUIRE(eventually([&] { return s.finished_runs(id, "succeeded") == 1; }, 30s));
  json r = s.finished_by_node(id)["w1"];
  CHECK(r["output_tail"] == "survived\n");
  CHECK(r["trigger"] == "manual");
}

TEST_CASE("a remote run still going on its node across a server kill -9 is taken back by its job, which counts it when it ends") {
  node_server s;
  auto w1 = s.agent_up("w1");
  const std::string marker = "/tmp/mainspring-node-adopted-" + std::to_string(::getpid());
  const std::string began = marker + ".began", release = marker + ".release";
  std::filesystem::remove(began);
  std::filesystem::remove(release);
  // Runs until the test lets it end, whatever the restart takes.
  std::string id = s.add_remote("adopted", "w1",
                                "touch " + began + "; while [ ! -e " + release + " ]; do sleep 0.2; done; echo survived",
                                json{{"timeout", 120}});
  const std::string run_id = s.run_now(id);
  REQUIRE(eventually([&] { return std::filesystem::exists(began); }, 15s));
  s.restart_server();
  REQUIRE(s.becomes("w1", "up", 30s));
  // In flight in its job again, as before the restart: the same run, on its node.
  const bool ok = eventually([&] { return s.api->detail("G", id)["counts"]["running"] == 1; }, 15s);
  INFO(s.server.log());
  INFO(w1->log());
  REQUIRE(ok);
  json job = s.api->detail("G", id);
  CHECK(job["last_run"]["run_id"] == run_id);
  CHECK(job["last_run"]["state"] == "running");
  CHECK(job["last_run"]["node"] == "w1");
  CHECK(job["counts"]["runs"] == 0);
  CHECK(s.nodes()[0]["running"] == 1);

  std::ofstream(release).put('\n');
  REQUIRE(eventually([&] { return s.api->detail("G", id)["counts"]["running"] == 0; }, 15s));
  job = s.api->detail("G", id);
  CHECK(job["counts"]["runs"] == 1);
  CHECK(job["counts"]["successes"] == 1);
  CHECK(job["last_success"].is_number());
  CHECK(job["last_run"]["run_id"] == run_id);
  CHECK(job["last_run"]["state"] == "succeeded");
  CHECK(job["last_run"]["output_tail"] == "survived\n");
  CHECK(job["last_run"]["trigger"] == "manual");
  // Recorded once, and the count survives another restart (written with the run's tally).
  REQUIRE(eventually([&] { return s.finished_runs(id, "succeeded") == 1; }));
  CHECK(s.finished_runs(id) == 1);
  // Runs are written unsynced and the list above may come from the job's memory: a synced change
  // acknowledged after the run ended is written in the same commit round or a later one, so once
  // it is, the run's record survives kill -9.
  s.api->register_group("synced_after_the_run");
  s.restart_server();
  CHECK(eventually([&] { return s.api->detail("G", id)["counts"]["successes"] == 1; }));
  CHECK(s.api->detail("G", id)["counts"]["runs"] == 1);
  std::filesystem::remove(began);
  std::filesystem::remove(release);
}
