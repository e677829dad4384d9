// basp_relay: the node listener. It accepts agents' connections (TLS when configured) and pipes
// each one to the node gateway that CAF published on 127.0.0.1:<upstream_port>, checking every
// BASP message the agent sends against a payload cap (basp_frame_filter.h), so that no peer can
// make CAF allocate a huge buffer; it also caps the connections it holds.
//
// Example:
//   relay_options o;
//   o.listen_host = "0.0.0.0"; o.listen_port = 7070; o.upstream_port = gateway_port;
//   o.tls_cert_file = "server.pem"; o.tls_key_file = "server.key"; o.tls_ca_file = "ca.pem";
//   o.on_event = [](const std::string& e) { spdlog::info("node listener: {}", e); };
//   auto relay = basp_relay::start(o);
//   if (!relay.ok()) die(relay.status().message());
//   (*relay)->port();   // the listening port (o.listen_port, or the one picked for 0)
//
// What a connection sees:
// - Agent -> gateway: BASP messages pass as they arrive, through a buffer of k_pipe_buffer_bytes
//   per direction (a payload is streamed, never held whole). A header announcing more than
//   max_frame_payload closes both sides at once: the messages before it are delivered, no byte
//   of it is, and oversize_frames() counts it.
// - Gateway -> agent: bytes pass unchanged.
// - Either side ending ends both. The gateway unreachable closes the agent's connection.
// - Over max_connections open at once, a new connection is closed as soon as it is accepted and
//   refused_connections() counts it.
// - TLS (cert + key): TLS 1.2 or newer only. With a CA as well, a client must present a
//   certificate that CA signed. A failed handshake, or one not finished within
//   k_tls_handshake_timeout_s, closes the connection and counts in tls_failures().
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"

namespace mainspring::net {

inline constexpr std::size_t k_default_max_basp_payload = 1024 * 1024;
inline constexpr std::size_t k_default_max_relay_connections = 1024;
// A TLS handshake not finished by then gives its connection slot back, so that silent peers
// cannot hold every slot.
inline constexpr int k_tls_handshake_timeout_s = 10;

struct relay_options {
  std::string listen_host = "127.0.0.1";  // an IPv4 or IPv6 literal, or "localhost" (127.0.0.1)
  uint16_t listen_port = 0;               // 0 = pick a free one (see port())
  uint16_t upstream_port = 0;             // the gateway, on 127.0.0.1; required
  std::size_t max_frame_payload = k_default_max_basp_payload;
  std::size_t max_connections = k_default_max_relay_connections;  // at least 1
  // PEM files. cert + key: the listener speaks TLS; a CA as well: clients must present a
  // certificate it signed (mutual TLS). A CA alone, or a cert without its key, is refused.
  std::string tls_cert_file, tls_key_file, tls_ca_file;
  // Optional: one line per connection event (accepted, closed, refused, oversize message, TLS
  // failure, gateway unreachable), for the log. Never carries payload bytes. Called on the
  // relay's io thread: it should be quick and must not destroy the relay.
  std::function<void(const std::string& event)> on_event;
};

class basp_relay {
 public:
  // -- constructors --

  // Binds, listens and starts the relay's io thread. invalid_argument for options that do not
  // go together or a TLS file that does not load (the message names the file); unavailable
  // when the address cannot be bound.
  static status_or<std::unique_ptr<basp_relay>> start(relay_options options);

  // Stops accepting, closes every connection (both sides) and joins the io thread.
  // REQUIRES: not called from on_event.
  ~basp_relay();

  basp_relay(const basp_relay&) = delete;
  basp_relay& operator=(const basp_relay&) = delete;

  // -- properties, readable from any thread --

  uint16_t port() const;                 // the listening port
  uint64_t connections() const;          // accepted within the cap, so far
  std::size_t live_connections() const;  // open now (handshaking or relaying)
  uint64_t refused_connections() const;  // closed at once for being over max_connections
  uint64_t oversize_frames() const;      // connections closed for a message over the cap
  uint64_t tls_failures() const;         // handshakes that failed or timed out

 private:
  struct impl;
  explicit basp_relay(std::unique_ptr<impl> impl);

  // -- member variables --

  std::unique_ptr<impl> impl_;
};

}  // namespace mainspring::net
