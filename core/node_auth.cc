#include "core/node_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "core/hex.h"

namespace mainspring {

namespace {

constexpr std::string_view k_proof_domain = "mainspring-node-v1\n";


}  // namespace

std::string random_nonce() {
  unsigned char bytes[k_nonce_bytes];
  // A nonce an attacker can predict would let a recorded proof be replayed: never fall back.
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  return lower_hex(bytes, sizeof bytes);
}

std::string node_proof(std::string_view secret, std::string_view nonce, std::string_view group,
                       std::string_view node_id) {
  std::string message;
  message.reserve(k_proof_domain.size() + group.size() + node_id.size() + nonce.size() + 2);
  message.append(k_proof_domain).append(group).append("\n").append(node_id).append("\n").append(nonce);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  // A failed HMAC gives an empty proof, which proof_matches never accepts.
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len) == nullptr)
    return {};
  return lower_hex(mac, mac_len);
}

bool proof_matches(std::string_view secret, std::string_view nonce, std::string_view group,
                   std::string_view node_id, std::string_view proof) {
  std::string expected = node_proof(secret, nonce, group, node_id);
  if (expected.empty() || proof.size() != expected.size()) return false;
  return CRYPTO_memcmp(expected.data(), proof.data(), expected.size()) == 0;
}

}  // namespace mainspring
