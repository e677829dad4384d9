// tls_tunnel: the agent's way to the node listener. CAF's network layer speaks plain TCP only, so
// the agent's CAF dials this tunnel on 127.0.0.1, and for each such connection the tunnel dials
// the server — with TLS when given a CA (verifying the server's certificate chain against it,
// presenting a client certificate when given one), plain TCP otherwise — and pipes the bytes
// both ways unchanged. A server that cannot be reached, or whose TLS handshake fails, closes the
// local connection: CAF sees the failure as a dropped dial and retries in its own way.
//
// Example:
//   tunnel_options o;
//   o.server_host = "sched.example"; o.server_port = 7070; o.tls_ca_file = "ca.pem";
//   o.tls_cert_file = "node.pem"; o.tls_key_file = "node.key";   // when the server asks for one
//   auto tunnel = tls_tunnel::start(o);
//   if (!tunnel.ok()) die(tunnel.status().message());
//   sys.middleman().remote_actor("127.0.0.1", (*tunnel)->port());
//
// The server's host name is not checked against its certificate, only the chain: agents often
// dial an IP address, and the CA is the operator's own, given to the agent for this one server.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"

namespace mainspring::net {

struct tunnel_options {
  std::string server_host;  // a name or an IP literal; required
  uint16_t server_port = 0;  // required
  // PEM files. A CA: dial with TLS and verify the server against it. cert + key as well: present
  // them (mutual TLS). No CA: plain TCP; a cert without a CA, or without its key, is refused.
  std::string tls_ca_file;
  std::string tls_cert_file, tls_key_file;
  // Optional: one line per dial that fails, for the log. Called on the tunnel's io thread: it
  // should be quick and must not destroy the tunnel.
  std::function<void(const std::string& event)> on_event;
};

class tls_tunnel {
 public:
  // -- constructors --

  // Listens on 127.0.0.1 (a free port) and starts the tunnel's io thread. invalid_argument for
  // options that do not go together or a TLS file that does not load (the message names the
  // file). Nothing is dialled until a local connection arrives.
  static status_or<std::unique_ptr<tls_tunnel>> start(tunnel_options options);

  // Stops accepting, closes every connection (both sides) and joins the io thread.
  // REQUIRES: not called from on_event.
  ~tls_tunnel();

  tls_tunnel(const tls_tunnel&) = delete;
  tls_tunnel& operator=(const tls_tunnel&) = delete;

  // -- properties, readable from any thread --

  uint16_t port() const;          // the local port, on 127.0.0.1
  uint64_t failed_dials() const;  // the server unresolved, unreachable, or its TLS handshake failed

 private:
  struct impl;
  explicit tls_tunnel(std::unique_ptr<impl> impl);

  // -- member variables --

  std::unique_ptr<impl> impl_;
};

}  // namespace mainspring::net
