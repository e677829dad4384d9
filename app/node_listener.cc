#include "app/node_listener.h"

#include "actors/node_protocol.h"
#include "http/cross_site_guard.h"
#include "http/http_server.h"

namespace mainspring {

status check_node_flags(const serve_config& cfg) {
  auto address = http::parse_listen_address(cfg.node_listen);
  if (!address.ok()) return status::invalid_argument("--node-listen: " + address.status().message());
  if (cfg.node_tls_cert.empty() != cfg.node_tls_key.empty())
    return status::invalid_argument("--node-tls-cert and --node-tls-key go together");
  if (!cfg.node_tls_ca.empty() && cfg.node_tls_cert.empty())
    return status::invalid_argument("--node-tls-ca needs --node-tls-cert and --node-tls-key");
  const bool tls = !cfg.node_tls_cert.empty();
  if (!tls && !cfg.node_insecure && !http::is_loopback_host(address->first))
    return status::invalid_argument("--node-listen " + cfg.node_listen +
                                    ": agents' traffic would cross the network in the clear; give "
                                    "--node-tls-cert/--node-tls-key, or --node-insecure to accept that");
  return {};
}

status_or<std::unique_ptr<net::basp_relay>> start_node_listener(const serve_config& cfg, uint16_t gateway_port) {
  auto address = http::parse_listen_address(cfg.node_listen);
  if (!address.ok()) return address.status();
  net::relay_options options;
  options.listen_host = address->first;
  options.listen_port = address->second;
  options.upstream_port = gateway_port;
  options.max_frame_payload = k_max_node_message_bytes;
  options.max_connections = k_max_node_connections;
  options.tls_cert_file = cfg.node_tls_cert;
  options.tls_key_file = cfg.node_tls_key;
  options.tls_ca_file = cfg.node_tls_ca;
  return net::basp_relay::start(std::move(options));
}

}  // namespace mainspring
