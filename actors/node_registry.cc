#include "actors/node_registry.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>

#include <spdlog/spdlog.h>

#include "actors/messages.h"
#include "actors/node_actor.h"
#include "actors/node_protocol.h"

namespace mainspring {

namespace {

// A REMOTE@* job in the allocation table: its actor, and the node it was last told to run on.
struct placed_job {
  caf::actor actor;
  std::vector<std::string> servers;  // the servers it is limited to, as it lists them; empty: any
  uint64_t version = 1;              // its entry version: the job's revision + 1
  std::string node;                  // "" = none live
};

struct node_registry_state {
  std::string group;
  const job_context* ctx = nullptr;
  std::map<std::string, caf::actor> nodes;  // by node id
  // -- placing REMOTE@* jobs --
  std::map<std::string, live_server> live;  // the nodes that are up, by id, with their names
  job_allocation table{k_cloudtask_virtual_nodes, first_table_version()};
  std::map<std::string, placed_job, std::less<>> placed;  // by job id
  static inline const char* name = "mainspring.node_registry";
};

using node_registry_self = caf::stateful_actor<node_registry_state>*;

void adopt(node_registry_self self, node_spec spec) {
  std::string id = spec.id;
  auto actor = spawn_node(self->system(), std::move(spec), self->state.ctx, caf::actor_cast<caf::actor>(self));
  self->state.nodes.emplace(std::move(id), std::move(actor));
}

// Tells each placed job whose node the table changed where it runs now.
void tell_moved(node_registry_self self) {
  auto& st = self->state;
  for (auto& [job_id, job] : st.placed) {
    std::string node = st.table.server_of(job_id).value_or("");
    if (node == job.node) continue;
    job.node = std::move(node);
    self->send(job.actor, alloc_node_atom::value, job.node);
  }
}

// A job joins, changes in, or leaves the table.
void sync_job(node_registry_self self, std::string job_id, caf::actor job, bool wanted,
              std::vector<std::string> servers, uint64_t version) {
  auto& st = self->state;
  auto it = st.placed.find(job_id);
  if (!wanted) {
    if (it == st.placed.end()) return;
    st.placed.erase(it);
    (void)st.table.remove_job(job_id);
    return;
  }
  status s;
  if (it == st.placed.end()) {
    s = st.table.add_job(job_id, servers, version);
    if (s.ok()) it = st.placed.emplace(job_id, placed_job{job, servers, version, ""}).first;
  } else {
    if (version != it->second.version || it->second.servers != servers)
      s = st.table.update_job(job_id, servers, version);
    it->second.actor = std::move(job);
    it->second.servers = std::move(servers);
    it->second.version = version;
  }
  if (!s.ok()) {  // validate_job() bounds ids and node ids below the table's limits
    spdlog::error("group {}: job {} cannot be placed: {}", st.group, job_id, s.message());
    return;
  }
  // A new job hears its node even when it is none, so that it knows it was placed.
  if (it->second.node.empty()) self->send(it->second.actor, alloc_node_atom::value, std::string());
  tell_moved(self);
}

// A node went up or down, or came back under another address or host name: the table follows
// the live nodes.
void on_node_status(node_registry_self self, const std::string& id, bool up, std::string ip, std::string hostname) {
  auto& st = self->state;
  if (up) {
    live_server now{id, std::move(ip), std::move(hostname)};
    auto [it, added] = st.live.try_emplace(id, now);
    if (!added && it->second == now) return;
    it->second = std::move(now);
  } else if (st.live.erase(id) == 0) {
    return;
  }
  std::vector<live_server> live;
  live.reserve(st.live.size());
  for (const auto& [node_id, server] : st.live) live.push_back(server);
  auto moved = st.table.set_live_servers(live);
  if (!moved.ok()) return spdlog::error("group {}: node {} cannot be placed: {}", st.group, id, moved.status().message());
  if (moved->changed())
    spdlog::info("group {}: node {} is {}: {} job(s) moved, {} placed, {} left without a node (table version {})",
                 st.group, id, up ? "up" : "down", moved->moved, moved->allocated, moved->unallocated,
                 st.table.version());
  tell_moved(self);
}

allocation_view view_of_table(const job_allocation& table) {
  return allocation_view{table.version(), table.entries(), table.unallocated_jobs()};
}

void list(node_registry_self self, const reply_fn<std::vector<node_view>>& reply) {
  auto& nodes = self->state.nodes;
  if (nodes.empty()) return reply(std::vector<node_view>{});
  struct gather {
    std::vector<node_view> views;
    std::size_t waiting = 0;
    reply_fn<std::vector<node_view>> reply;
  };
  auto g = std::make_shared<gather>();
  g->waiting = nodes.size();
  g->reply = reply;
  auto one_done = [g] {
    if (--g->waiting != 0) return;
    std::sort(g->views.begin(), g->views.end(),
              [](const node_view& a, const node_view& b) { return a.spec.id < b.spec.id; });
    g->reply(std::move(g->views));
  };
  for (auto& [id, actor] : nodes)
    self->request(actor, caf::infinite, view_atom::value)
        .then([g, one_done](node_view& v) { g->views.push_back(std::move(v)); one_done(); },
              [one_done](caf::error&) { one_done(); });
}

caf::behavior node_registry_behavior(node_registry_self self, std::string group, const job_context* ctx) {
  self->state.group = std::move(group);
  self->state.ctx = ctx;
  return {
      [=](node_join_atom, node_hello& hello, caf::actor& agent, caf::actor& gateway, uint64_t ticket) {
        auto& st = self->state;
        auto it = st.nodes.find(hello.node_id);
        if (it == st.nodes.end()) {
          if (st.nodes.size() >= k_max_nodes_per_group)
            return self->send(gateway, join_result_atom::value, ticket,
                              "group " + st.group + " already has " + std::to_string(st.nodes.size()) +
                                  " nodes, the most it takes",
                              caf::actor{});
          node_spec spec;
          spec.group = st.group;
          spec.id = hello.node_id;
          adopt(self, std::move(spec));
          it = st.nodes.find(hello.node_id);
        }
        self->send(it->second, node_join_atom::value, std::move(hello), std::move(agent), std::move(gateway), ticket);
      },
      [=](node_dispatch_atom, run_request& req, run_callback& done) {
        auto& st = self->state;
        auto it = st.nodes.find(req.node);
        if (it == st.nodes.end()) {
          return done(failed_outcome(
              req.run_id, "node " + req.node + ": no such node in group " + st.group + " (it never registered)"));
        }
        self->send(it->second, node_dispatch_atom::value, std::move(req), std::move(done));
      },
      [=](node_list_atom, const reply_fn<std::vector<node_view>>& reply) { list(self, reply); },
      [=](alloc_sync_atom, std::string& job_id, caf::actor& job, bool wanted, std::vector<std::string>& servers,
          uint64_t version) { sync_job(self, std::move(job_id), std::move(job), wanted, std::move(servers), version); },
      [=](node_status_atom, const std::string& id, bool up, std::string& ip, std::string& hostname) {
        on_node_status(self, id, up, std::move(ip), std::move(hostname));
      },
      [=](alloc_leave_atom, const std::vector<std::string>& job_ids) {
        auto& st = self->state;
        if (st.placed.empty()) return;
        for (const auto& id : job_ids)
          if (st.placed.erase(id)) (void)st.table.remove_job(id);
      },
      [=](node_abort_atom, const std::string& node, uint64_t run_id, std::string& why) {
        if (auto it = self->state.nodes.find(node); it != self->state.nodes.end())
          self->send(it->second, node_abort_atom::value, run_id, std::move(why));
      },
      [=](alloc_view_atom, const reply_fn<allocation_view>& reply) { reply(view_of_table(self->state.table)); },
      [=](node_restore_atom, std::vector<node_spec>& specs) {
        for (auto& spec : specs)
          if (!self->state.nodes.count(spec.id)) adopt(self, std::move(spec));
      },
      [=](delete_atom) {
        for (auto& [id, actor] : self->state.nodes) self->send(actor, delete_atom::value);
        self->quit();
      },
      [=](stop_atom) {
        for (auto& [id, actor] : self->state.nodes) self->send(actor, stop_atom::value);
        self->quit();
      },
  };
}

}  // namespace

uint64_t first_table_version() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

caf::actor spawn_node_registry(caf::actor_system& sys, std::string group, const job_context* ctx) {
  return sys.spawn(node_registry_behavior, std::move(group), ctx);
}

}  // namespace mainspring
