#include "actors/api_key_registry.h"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/time_types.h"
#include "storage/mutation_batch.h"
#include "storage/state_store.h"

namespace mainspring {

namespace {

// What the audit log keeps of a key change: never the secret, never its hash.
std::string audit_detail(const api_key_record& r) {
  nlohmann::json j{{"id", r.key_id}, {"title", r.title}, {"privileges", r.privileges}, {"active", r.disabled ? 0 : 1}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool is_active_admin(const api_key_record& r, const privilege_set& p) {
  return !r.disabled && p.has(privilege::admin);
}

}  // namespace

std::string_view key_failure_name(key_failure f) {
  switch (f) {
    case key_failure::none: return "none";
    case key_failure::missing: return "missing";
    case key_failure::unknown: return "unknown";
    case key_failure::wrong_secret: return "wrong_secret";
    case key_failure::disabled: return "disabled";
    case key_failure::forbidden: return "forbidden";
  }
  return "unknown";
}

api_key_view view_of(const api_key_record& r) {
  api_key_view v;
  v.key_id = r.key_id;
  v.title = r.title;
  for (const auto& name : r.privileges)
    if (auto p = parse_privilege(name); p.ok()) v.privileges.add(*p);
  v.active = !r.disabled;
  v.created_ms = r.created_ms;
  v.last_used_ms = r.last_used_ms;
  return v;
}

// -- constructors --

api_key_registry::api_key_registry(state_store& store, api_key_registry_options options)
    : store_(store), options_(std::move(options)) {}

status_or<std::unique_ptr<api_key_registry>> api_key_registry::load(state_store& store,
                                                                    api_key_registry_options options) {
  std::unique_ptr<api_key_registry> registry(new api_key_registry(store, std::move(options)));
  auto st = store.load_all({.on_api_key = [&](api_key_record&& r) {
    for (const auto& name : r.privileges)
      if (!parse_privilege(name).ok()) spdlog::warn("API key {}: ignoring unknown privilege {}", r.key_id, name);
    registry->store_in_memory(r);
  }});
  if (!st.ok()) return st;
  return registry;
}

api_key_registry::~api_key_registry() {
  flush_last_used();
  // The store answers in order: once this empty batch is done, no lazy write's callback (which
  // touches this registry) is still to come.
  store_.commit_sync(mutation_batch{});
}

int64_t api_key_registry::now() const { return options_.now_ms ? options_.now_ms() : to_unix_ms(now_ms()); }

// -- management --

status_or<issued_api_key> api_key_registry::bootstrap(const request_origin& origin) {
  std::lock_guard<std::mutex> writing(write_mutex_);
  if (!empty())
    return status::failed_precondition(
        "apikeys: keys exist already; bootstrap works only while there are none (create keys with an admin key)");
  return issue(origin, "apikey.bootstrap", {std::string(k_bootstrap_key_title), {privilege::admin}, true});
}

status_or<issued_api_key> api_key_registry::create(const request_origin& origin, api_key_spec spec) {
  if (auto st = validate_api_key_title(spec.title); !st.ok()) return st;
  std::lock_guard<std::mutex> writing(write_mutex_);
  return issue(origin, "apikey.create", std::move(spec));
}

status_or<issued_api_key> api_key_registry::issue(const request_origin& origin, std::string_view action,
                                                  api_key_spec spec) {
  {
    std::lock_guard<std::mutex> lock(data_mutex_);
    if (keys_.size() >= k_max_api_keys)
      return status::resource_exhausted("apikeys: at most " + std::to_string(k_max_api_keys) + " keys");
  }
  status_or<generated_api_key> key = status::internal("unset");
  do {  // 64-bit ids practically never collide; a collision just draws again
    key = generate_api_key();
    if (!key.ok()) return key.status();
  } while ([&] {
    std::lock_guard<std::mutex> lock(data_mutex_);
    return keys_.count(key->key_id) != 0;
  }());

  api_key_record r;
  r.key_id = key->key_id;
  r.secret_hash = hash_api_key(key->secret);
  r.created_ms = now();
  r.disabled = !spec.active;
  r.title = std::move(spec.title);
  r.privileges = spec.privileges.names();
  if (auto st = write(origin, action, r, false); !st.ok()) return st;
  store_in_memory(r);
  return issued_api_key{view_of(r), std::move(key->secret)};
}

status_or<api_key_view> api_key_registry::edit(const request_origin& origin, std::string_view key_id,
                                               api_key_edit change) {
  if (change.title)
    if (auto st = validate_api_key_title(*change.title); !st.ok()) return st;
  std::lock_guard<std::mutex> writing(write_mutex_);
  api_key_record r;
  {
    std::lock_guard<std::mutex> lock(data_mutex_);
    auto it = keys_.find(std::string(key_id));
    if (it == keys_.end()) return status::not_found("id: no API key " + std::string(key_id));
    r = it->second.record;
  }
  if (change.title) r.title = std::move(*change.title);
  if (change.privileges) r.privileges = change.privileges->names();
  if (change.active) r.disabled = !*change.active;
  if (auto st = keeps_an_admin(key_id, &r); !st.ok()) return st;
  if (auto st = write(origin, "apikey.edit", r, false); !st.ok()) return st;
  store_in_memory(r);
  return view_of(r);
}

status api_key_registry::remove(const request_origin& origin, std::string_view key_id) {
  std::lock_guard<std::mutex> writing(write_mutex_);
  api_key_record r;
  {
    std::lock_guard<std::mutex> lock(data_mutex_);
    auto it = keys_.find(std::string(key_id));
    if (it == keys_.end()) return status::not_found("id: no API key " + std::string(key_id));
    r = it->second.record;
  }
  if (auto st = keeps_an_admin(key_id, nullptr); !st.ok()) return st;
  if (auto st = write(origin, "apikey.delete", r, true); !st.ok()) return st;
  std::lock_guard<std::mutex> lock(data_mutex_);
  keys_.erase(r.key_id);
  return {};
}

status api_key_registry::write(const request_origin& origin, std::string_view action,
                               const api_key_record& record, bool erase) {
  mutation_batch batch;
  if (erase) batch.delete_api_key(record.key_id);
  else batch.put_api_key(record);
  batch.put_audit(
      audit_entry{now(), origin.api, origin.key_id, std::string(action), "", "", audit_detail(record), origin.client_ip});
  return store_.commit_sync(std::move(batch));
}

status api_key_registry::keeps_an_admin(std::string_view changed_id, const api_key_record* replacement) const {
  std::lock_guard<std::mutex> lock(data_mutex_);
  std::size_t remaining = 0;
  bool admin = false;
  for (const auto& [id, e] : keys_) {
    if (id == changed_id) continue;
    ++remaining;
    admin = admin || is_active_admin(e.record, e.privileges);
  }
  if (replacement) {
    ++remaining;
    admin = admin || is_active_admin(*replacement, view_of(*replacement).privileges);
  }
  if (remaining == 0 || admin) return {};
  return status::failed_precondition(
      "apikeys: this would leave no enabled admin key while other keys exist; keep one (or delete the others first)");
}

void api_key_registry::store_in_memory(const api_key_record& record) {
  std::lock_guard<std::mutex> lock(data_mutex_);
  entry& e = keys_[record.key_id];
  int64_t used_meanwhile = e.record.last_used_ms;  // a check may have run since the copy was made
  e.record = record;
  e.record.last_used_ms = std::max(record.last_used_ms, used_meanwhile);
  e.privileges = view_of(record).privileges;
  e.last_used_written_ms = record.last_used_ms;
}

// -- reading --

std::vector<api_key_view> api_key_registry::list() const {
  std::vector<api_key_view> out;
  {
    std::lock_guard<std::mutex> lock(data_mutex_);
    out.reserve(keys_.size());
    for (const auto& [id, e] : keys_) out.push_back(view_of(e.record));
  }
  std::sort(out.begin(), out.end(), [](const api_key_view& a, const api_key_view& b) {
    return a.created_ms != b.created_ms ? a.created_ms < b.created_ms : a.key_id < b.key_id;
  });
  return out;
}

bool api_key_registry::empty() const {
  std::lock_guard<std::mutex> lock(data_mutex_);
  return keys_.empty();
}

// -- authentication --

key_check api_key_registry::check(std::string_view listener, std::string_view presented,
                                  std::optional<privilege> needed) {
  key_check out;
  auto refuse = [&](key_failure why, status verdict) {
    out.failure = why;
    out.verdict = std::move(verdict);
    if (options_.on_failure) options_.on_failure(listener, key_failure_name(why));
    return out;
  };
  if (presented.empty()) return refuse(key_failure::missing, status::unauthenticated("an API key is required (X-API-Key)"));
  const status not_accepted = status::unauthenticated("unknown or wrong API key");
  if (presented.size() > k_max_presented_api_key_bytes) return refuse(key_failure::unknown, not_accepted);
  // Hashed before the lookup, so that an unknown id costs what a known one does.
  const std::string hash = hash_api_key(presented);
  const std::string id(key_id_of(presented));
  std::string stored_hash;
  bool disabled = false;
  privilege_set privileges;
  {
    std::lock_guard<std::mutex> lock(data_mutex_);
    auto it = id.empty() ? keys_.end() : keys_.find(id);
    if (it == keys_.end()) return refuse(key_failure::unknown, not_accepted);
    stored_hash = it->second.record.secret_hash;
    disabled = it->second.record.disabled;
    privileges = it->second.privileges;
  }
  if (!hashes_equal(hash, stored_hash)) return refuse(key_failure::wrong_secret, not_accepted);
  out.key_id = id;
  if (disabled) return refuse(key_failure::disabled, status::unauthenticated("API key " + id + " is disabled"));
  if (needed && !privileges.grants(*needed))
    return refuse(key_failure::forbidden, status::permission_denied("API key " + id + " lacks the " +
                                                                    std::string(privilege_name(*needed)) +
                                                                    " privilege"));
  touch(id, now());
  return out;
}

void api_key_registry::touch(const std::string& key_id, int64_t now_ms) {
  auto due = [&](const entry& e) {
    return std::chrono::milliseconds(now_ms - e.last_used_written_ms) >= k_last_used_write_interval;
  };
  {
    std::lock_guard<std::mutex> lock(data_mutex_);
    auto it = keys_.find(key_id);
    if (it == keys_.end()) return;
    it->second.record.last_used_ms = std::max(it->second.record.last_used_ms, now_ms);
    if (!due(it->second)) return;
  }
  // A writer at work: the next use writes it. Never wait for the disk on a request's path.
  std::unique_lock<std::mutex> writing(write_mutex_, std::try_to_lock);
  if (!writing.owns_lock()) return;
  api_key_record copy;
  int64_t written_before = 0;
  {
    std::lock_guard<std::mutex> lock(data_mutex_);
    auto it = keys_.find(key_id);
    if (it == keys_.end() || !due(it->second)) return;  // removed, or written meanwhile
    written_before = it->second.last_used_written_ms;
    it->second.last_used_written_ms = it->second.record.last_used_ms;
    copy = it->second.record;
  }
  // Queued while write_mutex_ is held, so it lands before any later change of the key. A lazy
  // write the store drops or fails is marked unwritten again, for the next use or the flush.
  int64_t written = copy.last_used_ms;
  store_.commit(mutation_batch{}.put_api_key(copy).set_durable(false),
                [this, key_id, written, written_before](status st) {
                  if (st.ok()) return;
                  std::lock_guard<std::mutex> lock(data_mutex_);
                  auto it = keys_.find(key_id);
                  if (it != keys_.end() && it->second.last_used_written_ms == written)
                    it->second.last_used_written_ms = written_before;
                });
}

void api_key_registry::flush_last_used() {
  std::lock_guard<std::mutex> writing(write_mutex_);
  mutation_batch batch;
  {
    std::lock_guard<std::mutex> lock(data_mutex_);
    for (auto& [id, e] : keys_) {
      if (e.record.last_used_ms == e.last_used_written_ms) continue;
      batch.put_api_key(e.record);
      e.last_used_written_ms = e.record.last_used_ms;
    }
  }
  if (batch.empty()) return;
  if (auto st = store_.commit_sync(std::move(batch)); !st.ok())
    spdlog::warn("API keys: last use not written: {}", st.message());
}

}  // namespace mainspring
