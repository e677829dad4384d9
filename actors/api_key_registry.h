// api_key_registry: the server's API keys, kept in memory and in the state store (k/<key_id>).
//
// Every listener checks presented keys here (check()), and the key management routes change
// them (bootstrap, create, edit, remove). A change is committed to the store, synced, together
// with its audit entry (under the key id that made it, never a secret), BEFORE it takes effect
// in memory and before the call returns; a failed write changes nothing. Only SHA-256 hashes of
// the secrets are kept (core/api_key.h has the key format).
//
// Last use: check() records it in memory at once; it is written lazily, as a non-durable put of
// the record at most once per k_last_used_write_interval per key (so a crash may lose the last
// minute of it; a lazy write the store drops is retried by the next use or the flush), and
// durably by flush_last_used() at shutdown.
//
// Thread-safe. Management calls block for one synced write (they are rare, admin-only);
// check() never waits for the disk.
//
// Example:
//   auto keys = api_key_registry::load(store, {.on_failure = count_it});
//   auto admin = (*keys)->bootstrap(origin);      // only while no key exists
//   auto ci = (*keys)->create(origin, {"ci", {privilege::create_events}, true});
//   key_check c = (*keys)->check("native", presented, privilege::create_events);
//   if (!c.verdict.ok()) answer_401_or_403(c.verdict);   // c.key_id feeds the audit log
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "actors/scheduler_api.h"  // request_origin
#include "core/api_key.h"
#include "core/status.h"
#include "storage/records.h"

namespace mainspring {

class state_store;

// The bootstrap key's title.
inline constexpr std::string_view k_bootstrap_key_title = "bootstrap admin";
// Last use is written to the store at most this often per key (see above).
inline constexpr std::chrono::milliseconds k_last_used_write_interval{60'000};

// A key as it may be shown: no secret, no hash.
struct api_key_view {
  std::string key_id;
  std::string title;
  privilege_set privileges;
  bool active = true;
  int64_t created_ms = 0;    // unix ms
  int64_t last_used_ms = 0;  // unix ms; 0 = never
};

// A key just made: its view and its secret, which nothing keeps after this is answered.
struct issued_api_key {
  api_key_view view;
  std::string secret;
};

struct api_key_spec {
  std::string title;
  privilege_set privileges;  // empty: a read-only key
  bool active = true;
};

// Each present field replaces the key's.
struct api_key_edit {
  std::optional<std::string> title;
  std::optional<privilege_set> privileges;
  std::optional<bool> active;
};

// Why a presented key was refused: the `reason` label of the failure metric.
enum class key_failure : uint8_t { none, missing, unknown, wrong_secret, disabled, forbidden };
std::string_view key_failure_name(key_failure f);  // "missing", "unknown", ...

struct key_check {
  // ok; unauthenticated (missing, unknown, wrong or disabled key: 401); permission_denied (an
  // enabled key without the privilege: 403). Messages never contain the presented text.
  status verdict;
  std::string key_id;  // of the accepted key; also of a disabled or forbidden one
  key_failure failure = key_failure::none;
};

struct api_key_registry_options {
  // Told of every refused check (the listener's name, key_failure_name), for metrics. Must be
  // quick and thread-safe.
  std::function<void(std::string_view listener, std::string_view reason)> on_failure = nullptr;
  // The clock, for tests: unix ms.
  std::function<int64_t()> now_ms = nullptr;
};

class api_key_registry {
 public:
  // -- constructors --

  // Reads every stored key. REQUIRES: `store` outlives the registry.
  static status_or<std::unique_ptr<api_key_registry>> load(state_store& store,
                                                           api_key_registry_options options = {});
  ~api_key_registry();  // flush_last_used()
  api_key_registry(const api_key_registry&) = delete;
  api_key_registry& operator=(const api_key_registry&) = delete;

  // -- management --

  // An admin key titled k_bootstrap_key_title; failed_precondition once any key exists.
  status_or<issued_api_key> bootstrap(const request_origin& origin);
  // invalid_argument for a bad title; resource_exhausted past k_max_api_keys.
  status_or<issued_api_key> create(const request_origin& origin, api_key_spec spec);
  // not_found for an unknown key id.
  status_or<api_key_view> edit(const request_origin& origin, std::string_view key_id, api_key_edit change);
  status remove(const request_origin& origin, std::string_view key_id);

  // -- reading --

  // Every key, oldest first.
  std::vector<api_key_view> list() const;
  bool empty() const;

  // -- authentication --

  // Checks `presented` (the whole key text a client sent) for a request on `listener` that
  // needs `needed` (nullopt: any enabled key). Constant-time in the secret.
  key_check check(std::string_view listener, std::string_view presented, std::optional<privilege> needed);

  // Writes every last use not yet written, durably.
  void flush_last_used();

 private:
  struct entry {
    api_key_record record;
    privilege_set privileges;  // parsed from record.privileges
    int64_t last_used_written_ms = 0;
  };

  api_key_registry(state_store& store, api_key_registry_options options);
  int64_t now() const;
  // REQUIRES: write_mutex_ held (as for the three below).
  status_or<issued_api_key> issue(const request_origin& origin, std::string_view action, api_key_spec spec);
  // Commits `record` (or its removal) with its audit entry, synced.
  status write(const request_origin& origin, std::string_view action, const api_key_record& record, bool erase);
  // failed_precondition when keys would remain but none of them an enabled admin key (nobody
  // could manage them any more, and bootstrap works only while there are none).
  status keeps_an_admin(std::string_view changed_id, const api_key_record* replacement) const;
  void store_in_memory(const api_key_record& record);
  void touch(const std::string& key_id, int64_t now_ms);

  // -- member variables --
  state_store& store_;
  api_key_registry_options options_;
  // Writers hold write_mutex_ from reading the current record to updating memory, so that the
  // store sees changes in the order memory does (a lazy last-use put never overwrites a newer
  // edit). data_mutex_ guards keys_ and is held only briefly, never across a write.
  std::mutex write_mutex_;
  mutable std::mutex data_mutex_;
  std::unordered_map<std::string, entry> keys_;
};

// The view of a stored record; privileges it does not know are left out.
api_key_view view_of(const api_key_record& record);

}  // namespace mainspring
