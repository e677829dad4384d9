// api_key: the pure parts of API keys: privileges, key material, hashing, validation.
//
// A key is "<key_id>.<secret part>": the key id is 16 lower-case hex digits (64 random bits),
// public (it names the key in lists and in the audit log); the secret part is 48 lower-case hex
// digits (192 bits from OpenSSL's RAND_bytes). The whole text is what a client sends
// (X-API-Key); the store keeps only its SHA-256. Checking a presented key is O(1): its id (the
// text before the '.') finds the one record, then the SHA-256 of the whole presented text is
// compared with the stored hash in constant time (CRYPTO_memcmp).
//
// Privileges are Cronicle's, plus admin, which grants every other one and key management.
//
// Example:
//   auto key = generate_api_key();                   // {key_id, secret}; shown once
//   std::string stored = hash_api_key(key->secret);  // 64 hex digits, what the store keeps
//   auto privileges = parse_privileges({"create_events", "run_events"});
//   if (!privileges.ok()) return privileges.status();   // "privileges: unknown privilege ..."
//   privileges->grants(privilege::run_events);          // true
//   hashes_equal(hash_api_key(presented), stored);      // constant-time
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mainspring {

// -- privileges --

enum class privilege : uint8_t {
  create_events,
  edit_events,
  delete_events,
  run_events,
  abort_events,
  state_update,
  admin,  // every privilege above, and key management
};
inline constexpr std::size_t k_privilege_count = 7;

// "create_events", ..., "admin".
std::string_view privilege_name(privilege p);
// invalid_argument "privileges: unknown privilege \"x\" (known: create_events, ...)".
status_or<privilege> parse_privilege(std::string_view name);

class privilege_set {
 public:
  // -- constructors --
  privilege_set() = default;
  privilege_set(std::initializer_list<privilege> privileges);

  // -- properties --
  void add(privilege p) { bits_ |= bit(p); }
  // Held as given (admin does not imply the others here).
  bool has(privilege p) const { return (bits_ & bit(p)) != 0; }
  // What a request needing `needed` asks: held, or admin.
  bool grants(privilege needed) const { return has(privilege::admin) || has(needed); }
  bool empty() const { return bits_ == 0; }
  // Names in declaration order.
  std::vector<std::string> names() const;

  friend bool operator==(const privilege_set&, const privilege_set&) = default;

 private:
  static uint32_t bit(privilege p) { return uint32_t{1} << static_cast<unsigned>(p); }

  // -- member variables --
  uint32_t bits_ = 0;
};

// The set the names make; a repeated name is kept once. Unknown names are invalid_argument.
status_or<privilege_set> parse_privileges(const std::vector<std::string>& names);

// -- key material --

inline constexpr std::size_t k_api_key_id_bytes = 8;       // random bytes of a key id (16 hex)
inline constexpr std::size_t k_api_key_secret_bytes = 24;  // random bytes of the secret part
inline constexpr std::size_t k_max_api_key_title_bytes = 200;
// Keys a server keeps at most: all of them live in memory.
inline constexpr std::size_t k_max_api_keys = 10'000;
// The longest text a client may present as a key; anything longer is refused unread.
inline constexpr std::size_t k_max_presented_api_key_bytes = 256;

struct generated_api_key {
  std::string key_id;  // 16 hex digits
  std::string secret;  // "<key_id>.<48 hex digits>": the whole key, shown once
};

// A fresh key from OpenSSL's RAND_bytes; internal when the random source fails.
status_or<generated_api_key> generate_api_key();

// Lower-case hex SHA-256 of `secret` (64 characters).
std::string hash_api_key(std::string_view secret);

// The key id a presented key names (the text before its first '.'), or "" when it names none
// that could be valid.
std::string_view key_id_of(std::string_view presented);

// True when both are equal, in time that depends only on their lengths (CRYPTO_memcmp).
bool hashes_equal(std::string_view a, std::string_view b);

// -- validation --

// invalid_argument "title: ..." unless 1..k_max_api_key_title_bytes bytes of valid UTF-8
// without control characters.
status validate_api_key_title(std::string_view title);

}  // namespace mainspring
