// tls_tunnel: the agent's way to a TLS node listener. CAF's network layer speaks plain TCP, so
// the agent's CAF dials this tunnel on 127.0.0.1, and the tunnel dials the server with TLS
// (verifying the server's certificate against the CA, presenting a client certificate when
// given) and pipes the bytes both ways. A server that cannot be reached, or whose certificate
// does not verify, closes the local connection: CAF sees the failure as a refused dial.
//
// Example:
//   tunnel_options o;
//   o.server_host = "sched.example"; o.server_port = 7070; o.tls_ca_file = "ca.pem";
//   auto tunnel = tls_tunnel::start(o);
//   sys.middleman().remote_actor("127.0.0.1", (*tunnel)->port());
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"

namespace mainspring::net {

struct tunnel_options {
  std::string server_host;
  uint16_t server_port = 0;
  std::string tls_ca_file;                  // required: the CA of the server's certificate
  std::string tls_cert_file, tls_key_file;  // optional: mutual TLS
};

class tls_tunnel {
 public:
  // Listens on 127.0.0.1 (a free port) and starts its io thread; invalid_argument for a TLS file
  // that does not load.
  static status_or<std::unique_ptr<tls_tunnel>> start(tunnel_options options);
  ~tls_tunnel();
  tls_tunnel(const tls_tunnel&) = delete;
  tls_tunnel& operator=(const tls_tunnel&) = delete;

  uint16_t port() const;
  uint64_t failed_dials() const;  // the server unreachable, or its TLS handshake failed

 private:
  struct impl;
  explicit tls_tunnel(std::unique_ptr<impl> impl);
  std::unique_ptr<impl> impl_;
};

}  // namespace mainspring::net
