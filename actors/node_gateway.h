// The node gateway: the one actor agents reach over the network (published by the runtime on
// the node port). It hands out challenges and passes joins to the registry actor, which checks
// the proof and the group; it keeps no node state of its own.
//
//   (node_hello_atom, group, node_id) -> nonce     a fresh nonce for that node (core/node_auth.h),
//                                                  good for one join within k_challenge_lifetime
//   (node_join_atom, node_hello, agent) -> node    the node actor to talk to, or an error
//                                                  ("join refused: unknown group or wrong secret")
// At most k_max_pending_challenges challenges and as many joins wait at once: beyond that a
// hello is refused (so a flood of hellos cannot grow the server).
//
// Example (runtime):
//   caf::actor gateway = spawn_node_gateway(sys, registry);
//   auto port = sys.middleman().publish(gateway, 0, "127.0.0.1");
#pragma once

#include <chrono>

#include <caf/fwd.hpp>

namespace mainspring {

inline constexpr std::chrono::seconds k_challenge_lifetime{30};

caf::actor spawn_node_gateway(caf::actor_system& sys, caf::actor registry);

}  // namespace mainspring
