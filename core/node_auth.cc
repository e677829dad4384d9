#include "core/node_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace mainspring {

namespace {

constexpr std::string_view k_proof_domain = "mainspring-node-v1\n";

std::string hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0xf]);
  }
  return out;
}

}  // namespace

std::string random_nonce() {
  unsigned char bytes[k_nonce_bytes];
  // A nonce an attacker can predict would let a recorded proof be replayed: never fall back.
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  return hex(bytes, sizeof bytes);
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
  return hex(mac, mac_len);
}

bool proof_matches(std::string_view secret, std::string_view nonce, std::string_view group,
                   std::string_view node_id, std::string_view proof) {
  std::string expected = node_proof(secret, nonce, group, node_id);
  if (expected.empty() || proof.size() != expected.size()) return false;
  return CRYPTO_memcmp(expected.data(), proof.data(), expected.size()) == 0;
}

}  // namespace mainspring
