#include "actors/node_registry.h"

#include <algorithm>
#include <map>
#include <memory>

#include "actors/messages.h"
#include "actors/node_actor.h"
#include "actors/node_protocol.h"

namespace mainspring {

namespace {

struct node_registry_state {
  std::string group;
  const job_context* ctx = nullptr;
  std::map<std::string, caf::actor> nodes;  // by node id
  static inline const char* name = "mainspring.node_registry";
};

using node_registry_self = caf::stateful_actor<node_registry_state>*;

void adopt(node_registry_self self, node_spec spec) {
  std::string id = spec.id;
  auto actor = spawn_node(self->system(), std::move(spec), self->state.ctx);
  self->state.nodes.emplace(std::move(id), std::move(actor));
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

caf::actor spawn_node_registry(caf::actor_system& sys, std::string group, const job_context* ctx) {
  return sys.spawn(node_registry_behavior, std::move(group), ctx);
}

}  // namespace mainspring
