// Tests of the worker node proof: it depends on every input, and only the right one matches.
#include "core/node_auth.h"

#include <catch2/catch.hpp>

using namespace mainspring;

TEST_CASE("a node proof matches only the secret, nonce, group and node it was made for") {
  const std::string secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  const std::string nonce = random_nonce();
  const std::string proof = node_proof(secret, nonce, "YM55", "w1");
  CHECK(proof.size() == 64);
  CHECK(proof_matches(secret, nonce, "YM55", "w1", proof));
  CHECK_FALSE(proof_matches("OTHERSECRET", nonce, "YM55", "w1", proof));
  CHECK_FALSE(proof_matches(secret, random_nonce(), "YM55", "w1", proof));
  CHECK_FALSE(proof_matches(secret, nonce, "YM56", "w1", proof));
  CHECK_FALSE(proof_matches(secret, nonce, "YM55", "w2", proof));
  CHECK_FALSE(proof_matches(secret, nonce, "YM55", "w1", proof.substr(1)));
  CHECK_FALSE(proof_matches(secret, nonce, "YM55", "w1", ""));
}

TEST_CASE("a node proof is HMAC-SHA256 of the domain-separated message") {
  // Checked against openssl's CLI for the same bytes: printf 'mainspring-node-v1\nG\nN\nX' | openssl dgst -sha256 -hmac key
  CHECK(node_proof("key", "X", "G", "N") ==
        "497f6b79585214fbd5a7ea088228ba4d3ba8453784d1e78715f6ecb3597debcf");
}

TEST_CASE("nonces are 64 hex digits and differ") {
  auto a = random_nonce(), b = random_nonce();
  CHECK(a.size() == 64);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a != b);
}
