// tls_context: the OpenSSL contexts of the node link, from PEM files, with clear errors.
//
// Both sides speak TLS 1.2 or newer. The server presents cert+key and, with a CA, requires a
// client certificate that CA signed. The client verifies the server's certificate against its
// CA (the chain, not the host name: agents often dial an address) and presents cert+key when
// given.
//
// Example:
//   auto ctx = server_tls_context("server.pem", "server.key", "ca.pem");
//   if (!ctx.ok()) die(ctx.status().message());   // "--node-tls-cert server.pem: ..."
#pragma once

#include <memory>
#include <string>

#include <asio/ssl.hpp>

#include "core/status.h"

namespace mainspring::net {

status_or<std::shared_ptr<asio::ssl::context>> server_tls_context(const std::string& cert_file,
                                                                  const std::string& key_file,
                                                                  const std::string& ca_file);

status_or<std::shared_ptr<asio::ssl::context>> client_tls_context(const std::string& ca_file,
                                                                  const std::string& cert_file,
                                                                  const std::string& key_file);

}  // namespace mainspring::net
