#include "net/tls_context.h"

#include <openssl/ssl.h>

namespace mainspring::net {

namespace {

// Runs `load`, turning Asio's exception into a status naming the flag and file.
template <class Load>
status loaded(const char* flag, const std::string& file, Load load) {
  try {
    load();
    return {};
  } catch (const std::system_error& e) {
    return status::invalid_argument(std::string(flag) + " " + file + ": " + e.what());
  }
}

std::shared_ptr<asio::ssl::context> base_context(asio::ssl::context::method method) {
  auto ctx = std::make_shared<asio::ssl::context>(method);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  return ctx;
}

status use_identity(asio::ssl::context& ctx, const std::string& cert_file, const std::string& key_file) {
  if (auto st = loaded("--node-tls-cert", cert_file, [&] { ctx.use_certificate_chain_file(cert_file); }); !st.ok())
    return st;
  return loaded("--node-tls-key", key_file, [&] { ctx.use_private_key_file(key_file, asio::ssl::context::pem); });
}

}  // namespace

status_or<std::shared_ptr<asio::ssl::context>> server_tls_context(const std::string& cert_file,
                                                                  const std::string& key_file,
                                                                  const std::string& ca_file) {
  auto ctx = base_context(asio::ssl::context::tls_server);
  if (auto st = use_identity(*ctx, cert_file, key_file); !st.ok()) return st;
  if (!ca_file.empty()) {
    if (auto st = loaded("--node-tls-ca", ca_file, [&] { ctx->load_verify_file(ca_file); }); !st.ok()) return st;
    ctx->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  }
  return ctx;
}

status_or<std::shared_ptr<asio::ssl::context>> client_tls_context(const std::string& ca_file,
                                                                  const std::string& cert_file,
                                                                  const std::string& key_file) {
  auto ctx = base_context(asio::ssl::context::tls_client);
  if (auto st = loaded("--node-tls-ca", ca_file, [&] { ctx->load_verify_file(ca_file); }); !st.ok()) return st;
  ctx->set_verify_mode(asio::ssl::verify_peer);
  if (!cert_file.empty())
    if (auto st = use_identity(*ctx, cert_file, key_file); !st.ok()) return st;
  return ctx;
}

}  // namespace mainspring::net
