// node_server: an end-to-end test's server taking worker nodes (--node-listen on a port of its
// own) with group G registered, its agents, and the native calls the worker node tests share.
//
// Example:
//   node_server s;
//   auto w1 = s.agent("w1");
//   REQUIRE(s.becomes("w1", "up"));
//   std::string id = s.add_remote("uptime", "w1", "uptime");
//   s.run_now(id);
//   REQUIRE(eventually([&] { return s.finished_runs(id, "succeeded") == 1; }));
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/agent_process.h"
#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"

namespace mainspring::e2e {

// A server taking worker nodes on a port of its own, with group G registered.
struct node_server {
  explicit node_server(std::vector<std::string> extra = {})
      : node_port(pick_free_port()),
        server(with_node_listen(node_port, std::move(extra))),
        api(std::make_unique<native_api>(server.base_url())),
        secret(api->register_group("G")) {}

  static std::vector<std::string> with_node_listen(uint16_t port, std::vector<std::string> extra) {
    extra.insert(extra.begin(), {"--node-listen", "127.0.0.1:" + std::to_string(port)});
    return extra;
  }

  std::unique_ptr<agent_process> agent(const std::string& node, std::vector<std::string> flags = {},
                                       const std::string& group = "G", const std::string& with_secret = "") {
    return std::make_unique<agent_process>(node_port, group, node, with_secret.empty() ? secret : with_secret,
                                           std::move(flags));
  }  // An agent for `node` of group G, once the server lists the node up.
  std::unique_ptr<agent_process> agent_up(const std::string& node, std::vector<std::string> flags = {}) {
    auto a = agent(node, std::move(flags));
    REQUIRE(becomes(node, "up"));
    return a;
  }


  json nodes(const std::string& group = "G") { return api->success(api->client.get("/v1/" + group + "/node/list")); }

  // "up", "down", or "" when the node is not listed.
  std::string status_of(const std::string& node, const std::string& group = "G") {
    for (const auto& n : nodes(group))
      if (n["node_id"] == node) return n["status"];
    return "";
  }

  bool becomes(const std::string& node, const std::string& status, std::chrono::milliseconds timeout = 15s) {
    return eventually([&] { return status_of(node) == status; }, timeout);
  }

  std::string add_remote(const std::string& name, const std::string& nodes, const std::string& command,
                         json extra = json::object()) {
    json body = {{"group_name", "G"},    {"name", name},           {"request_url", "REMOTE@" + nodes},
                 {"exec_command", command}, {"interval_pattern", "@manually"}, {"timeout", 30}};
    body.update(extra);
    return api->add_job(body);
  }

  std::string run_now(const std::string& id) {
    return api->success(api->client.post_json("/v1/G/job/" + id + "/run", json::object()));
  }

  // Finished runs of the job, by node (the newest per node).
  std::map<std::string, json> finished_by_node(const std::string& id) {
    std::map<std::string, json> out;
    for (const auto& r : api->executions("G", id, "?limit=1000"))
      if (r["state"] != "running" && r["node"].is_string() && !out.count(r["node"])) out[r["node"]] = r;
    return out;
  }

  std::size_t finished_runs(const std::string& id, const std::string& state = "") {
    std::size_t n = 0;
    for (const auto& r : api->executions("G", id, "?limit=1000"))
      if (r["state"] != "running" && (state.empty() || r["state"] == state)) ++n;
    return n;
  }

  // kill -9 and start again on the same data dir (and node port, which the agents dial).
  void restart_server() {
    server.kill9();
    server.restart();
    api = std::make_unique<native_api>(server.base_url());
  }

  uint16_t node_port;
  server_process server;
  std::unique_ptr<native_api> api;  // re-made by restart_server: the port may change
  std::string secret;
};

}  // namespace mainspring::e2e
