// basp_relay: the node listener. It accepts agents' connections (TLS when configured) and pipes
// each one to the node gateway that CAF published on 127.0.0.1:<upstream_port>, checking every
// BASP message the agent sends against a payload cap (basp_frame_filter.h), so that no peer can
// make CAF allocate a huge buffer; it also caps the connections it holds.
//
// Example:
//   relay_options o;
//   o.listen_host = "127.0.0.1"; o.listen_port = 7070; o.upstream_port = gateway_port;
//   o.tls_cert_file = "server.pem"; o.tls_key_file = "server.key"; o.tls_ca_file = "ca.pem";
//   auto relay = basp_relay::start(o);
//   if (!relay.ok()) die(relay.status().message());
//   (*relay)->port();   // the listening port (o.listen_port, or the one picked for 0)
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"

namespace mainspring::net {

inline constexpr std::size_t k_default_max_basp_payload = 1024 * 1024;
inline constexpr std::size_t k_default_max_relay_connections = 1024;
// A TLS handshake not finished by then gives its connection slot back.
inline constexpr int k_tls_handshake_timeout_s = 10;

struct relay_options {
  std::string listen_host = "127.0.0.1";  // an IP literal or "localhost"
  uint16_t listen_port = 0;               // 0 = pick a free one
  uint16_t upstream_port = 0;             // on 127.0.0.1
  std::size_t max_frame_payload = k_default_max_basp_payload;
  std::size_t max_connections = k_default_max_relay_connections;
  // cert + key: the listener speaks TLS 1.2+; with a CA as well, clients must present a
  // certificate it signed.
  std::string tls_cert_file, tls_key_file, tls_ca_file;
};

class basp_relay {
 public:
  // Binds, listens and starts its io thread; invalid_argument for a TLS file that does not load,
  // unavailable when the address cannot be bound.
  static status_or<std::unique_ptr<basp_relay>> start(relay_options options);
  // Stops accepting, closes every connection and joins the io thread.
  ~basp_relay();
  basp_relay(const basp_relay&) = delete;
  basp_relay& operator=(const basp_relay&) = delete;

  uint16_t port() const;
  // -- counters, readable from any thread --
  uint64_t connections() const;          // accepted (and within the cap) so far
  std::size_t live_connections() const;  // open now
  uint64_t refused_connections() const;  // over max_connections
  uint64_t oversize_frames() const;      // connections closed for a message over the cap
  uint64_t tls_failures() const;         // handshakes that failed or timed out

 private:
  struct impl;
  explicit basp_relay(std::unique_ptr<impl> impl);
  std::unique_ptr<impl> impl_;
};

}  // namespace mainspring::net
