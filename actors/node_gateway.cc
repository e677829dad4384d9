#include "actors/node_gateway.h"

#include <map>
#include <utility>

#include "actors/messages.h"
#include "actors/node_protocol.h"
#include "core/node.h"
#include "core/node_auth.h"

namespace mainspring {

namespace {

struct challenge {
  std::string nonce;
  int64_t issued_ms = 0;
};

struct gateway_state {
  caf::actor registry;
  std::map<std::pair<std::string, std::string>, challenge> challenges;  // (group, node id)
  std::map<uint64_t, caf::response_promise> joins;                     // by ticket
  uint64_t next_ticket = 1;
  static inline const char* name = "mainspring.node_gateway";
};

using gateway_self = caf::stateful_actor<gateway_state>*;

int64_t now_unix_ms() { return to_unix_ms(now_ms()); }

void forget_expired(gateway_state& st) {
  const int64_t cutoff = now_unix_ms() - std::chrono::milliseconds(k_challenge_lifetime).count();
  for (auto it = st.challenges.begin(); it != st.challenges.end();)
    it = it->second.issued_ms < cutoff ? st.challenges.erase(it) : std::next(it);
}

caf::error refused(std::string why) { return caf::make_error(caf::sec::runtime_error, std::move(why)); }

caf::behavior gateway_behavior(gateway_self self, caf::actor registry) {
  self->state.registry = std::move(registry);
  return {
      [=](node_hello_atom, const std::string& group, const std::string& node_id) -> caf::result<std::string> {
        auto& st = self->state;
        if (group.size() > k_max_node_field_bytes || node_id.size() > k_max_node_field_bytes)
          return refused("join refused: group or node id too long");
        if (st.challenges.size() >= k_max_pending_challenges) forget_expired(st);
        if (st.challenges.size() >= k_max_pending_challenges || st.joins.size() >= k_max_pending_challenges)
          return refused("the server is busy with other joins: try again");
        std::string nonce = random_nonce();
        st.challenges[{group, node_id}] = challenge{nonce, now_unix_ms()};
        return nonce;
      },
      [=](node_join_atom, node_hello& hello, caf::actor& agent) -> caf::response_promise {
        auto& st = self->state;
        auto rp = self->make_response_promise();
        if (!agent) {
          rp.deliver(refused("join refused: no agent actor"));
          return rp;
        }
        // A challenge serves one join: a recorded proof cannot be replayed.
        std::string nonce;
        if (auto it = st.challenges.find({hello.group, hello.node_id}); it != st.challenges.end()) {
          if (now_unix_ms() - it->second.issued_ms <= std::chrono::milliseconds(k_challenge_lifetime).count())
            nonce = std::move(it->second.nonce);
          st.challenges.erase(it);
        }
        uint64_t ticket = st.next_ticket++;
        st.joins.emplace(ticket, rp);
        self->send(st.registry, node_join_atom::value, std::move(hello), std::move(nonce), std::move(agent),
                   caf::actor_cast<caf::actor>(self), ticket);
        return rp;
      },
      [=](join_result_atom, uint64_t ticket, const std::string& error, const caf::actor& node) {
        auto& st = self->state;
        auto it = st.joins.find(ticket);
        if (it == st.joins.end()) return;
        auto rp = std::move(it->second);
        st.joins.erase(it);
        if (error.empty()) rp.deliver(node);
        else rp.deliver(refused(error));
      },
      [=](stop_atom) {
        for (auto& [ticket, rp] : self->state.joins) rp.deliver(refused("the server is stopping"));
        self->state.joins.clear();
        self->quit();
      },
  };
}

}  // namespace

caf::actor spawn_node_gateway(caf::actor_system& sys, caf::actor registry) {
  return sys.spawn(gateway_behavior, std::move(registry));
}

}  // namespace mainspring
