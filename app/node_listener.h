// node_listener: the port worker agents dial (--node-listen), in front of the node gateway.
//
// The runtime publishes its node gateway on 127.0.0.1 at an ephemeral port; this listener relays
// agents to it through net/basp_relay.h, which caps each message at k_max_node_message_bytes and
// the connections at k_max_node_connections, and terminates TLS when --node-tls-cert/-key are
// given (with --node-tls-ca, agents must present a certificate that CA signed).
//
// Example:
//   if (auto st = check_node_flags(cfg); !st.ok()) die(st);
//   auto relay = start_node_listener(cfg, runtime.node_gateway_port());
#pragma once

#include <cstddef>
#include <memory>

#include "app/serve_config.h"
#include "core/status.h"
#include "net/basp_relay.h"

namespace mainspring {

inline constexpr std::size_t k_max_node_connections = 1024;

// ok, or invalid_argument naming the flag: an unparsable --node-listen, a cert without its key
// (or the reverse), a CA without a cert, or a non-loopback address without TLS and without
// --node-insecure.
status check_node_flags(const serve_config& cfg);

// Starts relaying cfg.node_listen to 127.0.0.1:gateway_port. REQUIRES: check_node_flags passed.
status_or<std::unique_ptr<net::basp_relay>> start_node_listener(const serve_config& cfg, uint16_t gateway_port);

}  // namespace mainspring
