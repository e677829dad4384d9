// Cronicle's API key calls (lib/api/apikey.js) over Mainspring's key registry: the same keys as
// the native /v1/apikeys routes. Unlike Cronicle, a key's secret is made here (RAND_bytes) and
// shown once, in create_api_key's answer; no listing shows it, and a `key` a client sends is
// checked as Cronicle checks it, then ignored.
#include <string>
#include <vector>

#include "http/api_key_body.h"
#include "http/cronicle/calls.h"
#include "http/cronicle/errors.h"
#include "http/cronicle/list_paging.h"
#include "http/cronicle/validation.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

void send(const responder& reply, const api_error& e) { reply.send(failure(e)); }

// A key as Cronicle lists it (its fields but `key`).
json key_json(const api_key_view& k) {
  return json{{"id", k.key_id},          {"title", k.title},
              {"description", ""},       {"active", k.active ? 1 : 0},
              {"privileges", privileges_json(k.privileges)}, {"username", ""},
              {"created", k.created_ms / 1000}, {"modified", k.created_ms / 1000},
              {"last_used", k.last_used_ms / 1000}};
}

// The registry, which the listener sets before it serves (dialect::add_key_routes).
api_key_registry* registry_of(const state_ptr& s, const responder& reply) {
  api_key_registry* keys = s->keys.load();
  if (!keys) send(reply, {"api_key", "API keys are not available on this listener"});
  return keys;
}

}  // namespace

json privileges_json(const privilege_set& granted) {
  json privileges = json::object();
  for (std::size_t i = 0; i < k_privilege_count; ++i) {
    const auto p = static_cast<privilege>(i);
    privileges[std::string(privilege_name(p))] = granted.has(p) ? 1 : 0;
  }
  return privileges;
}

std::optional<std::string> stored_key_title(const state_ptr& s, std::string_view key_id) {
  if (api_key_registry* keys = s->keys.load())
    for (auto& k : keys->list())
      if (k.key_id == key_id) return std::move(k.title);
  return std::nullopt;
}

std::string key_title(const state_ptr& s, std::string_view key_id) {
  auto title = stored_key_title(s, key_id);
  return title && !title->empty() ? *title : std::string(key_id);
}

void get_api_keys(scheduler_api&, const state_ptr& s, call_args a) {
  auto* keys = registry_of(s, a.reply);
  if (!keys) return;
  json rows = json::array();
  auto all = keys->list();
  for (auto it = all.rbegin(); it != all.rend(); ++it) rows.push_back(key_json(*it));  // newest first
  const auto total = static_cast<int64_t>(rows.size());
  a.reply.send(success({{"rows", std::move(rows)}, {"list", unshifted_list_header(total)}}));
}

void get_api_key(scheduler_api&, const state_ptr& s, call_args a) {
  if (auto e = require_params(a.params, {{"id", param_rule::word}})) return send(a.reply, *e);
  auto* keys = registry_of(s, a.reply);
  if (!keys) return;
  const std::string id = js_text(a.params["id"]);
  for (const auto& k : keys->list())
    if (k.key_id == id) return a.reply.send(success({{"api_key", key_json(k)}}));
  send(a.reply, {"api_key", "Failed to locate API Key: " + id});
}

void create_api_key(scheduler_api&, const state_ptr& s, call_args a) {
  // The required fields and the HTML check came first (before_session.h).
  json fields = {{"title", js_text(a.params["title"])}, {"active", js_text(a.params["active"]) == "1" ? 1 : 0}};
  if (auto p = a.params.find("privileges"); p != a.params.end()) fields["privileges"] = *p;
  auto parsed = api_key_fields(fields);
  if (!parsed.ok()) return send(a.reply, api_refusal(parsed.status().message()));
  auto* keys = registry_of(s, a.reply);
  if (!keys) return;
  auto issued = keys->create(a.origin, {*parsed->title, parsed->privileges.value_or(privilege_set{}),
                                             parsed->active.value_or(true)});
  if (!issued.ok()) return send(a.reply, {"api_key", "Failed to create api_key: " + issued.status().message()});
  a.reply.send(success({{"id", issued->view.key_id}, {"key", issued->secret}}));
}

void update_api_key(scheduler_api&, const state_ptr& s, call_args a) {
  // The id, validateOptionalParams (key, active) and the HTML check came first (before_session.h).
  json fields = json::object();
  for (const char* f : {"title", "privileges", "active"})
    if (auto it = a.params.find(f); it != a.params.end()) fields[f] = *it;
  auto parsed = api_key_fields(fields);
  if (!parsed.ok()) return send(a.reply, api_refusal(parsed.status().message()));
  auto* keys = registry_of(s, a.reply);
  if (!keys) return;
  const std::string id = js_text(a.params["id"]);
  auto edited = keys->edit(a.origin, id, *parsed);
  if (!edited.ok()) {
    const std::string why = edited.status().code() == status_code::not_found ? std::string(k_item_not_found)
                                                                              : edited.status().message();
    return send(a.reply, {"api_key", "Failed to update API Key: " + why});
  }
  a.reply.send(success());
}

void delete_api_key(scheduler_api&, const state_ptr& s, call_args a) {
  if (auto e = require_params(a.params, {{"id", param_rule::word}})) return send(a.reply, *e);
  auto* keys = registry_of(s, a.reply);
  if (!keys) return;
  const std::string id = js_text(a.params["id"]);
  if (auto st = keys->remove(a.origin, id); !st.ok()) {
    const std::string why = st.code() == status_code::not_found ? std::string(k_item_not_found) : st.message();
    return send(a.reply, {"api_key", "Failed to delete API Key: " + why});
  }
  a.reply.send(success());
}

}  // namespace mainspring::http::cronicle
