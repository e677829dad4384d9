// node_auth: how a worker node proves it knows its group's secret without sending it.
//
// The server hands a connecting agent a fresh random nonce; the agent answers
// HMAC-SHA256(key = the group's secret, message = "mainspring-node-v1\n" group "\n" node_id "\n"
// nonce) in hex. A captured proof is worthless for another nonce, group or node, and the secret
// never crosses the wire. The server compares in constant time.
//
// Example:
//   std::string nonce = random_nonce();                          // server side
//   std::string proof = node_proof(secret, nonce, "YM55", "w1"); // agent side
//   bool ok = proof_matches(secret, nonce, "YM55", "w1", proof); // server side
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mainspring {

// Where `mainspring agent` may read its group's secret. Read once at start and then removed from
// the agent's environment; shell runs never inherit it (executors/shell_spawn.h), so a job that
// prints its environment cannot leak the secret into its run record.
inline constexpr const char* k_group_secret_env = "MAINSPRING_GROUP_SECRET";

// 32 random bytes (256 bits) from OpenSSL's RAND_bytes, as 64 hex digits.
inline constexpr std::size_t k_nonce_bytes = 32;
std::string random_nonce();

// The hex HMAC-SHA256 proof described above.
std::string node_proof(std::string_view secret, std::string_view nonce, std::string_view group,
                       std::string_view node_id);

// True when `proof` is node_proof(secret, nonce, group, node_id); constant time in the proof.
bool proof_matches(std::string_view secret, std::string_view nonce, std::string_view group,
                   std::string_view node_id, std::string_view proof);

}  // namespace mainspring
