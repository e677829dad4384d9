// The API key calls: create_api_key, get_api_keys, get_api_key, update_api_key, delete_api_key
// (Cronicle's lib/api/apikey.js), over the server's key registry (the native /v1/apikeys keys).
//
// Each needs an admin key (the dialect's table). Unlike Cronicle, a stored key's secret is never
// shown again: create_api_key answers it once in `key`, and the lists show every other field.
// A `key` a client sends (Cronicle's UI makes the secret in the browser) is not used: the
// registry makes the secret itself (core/api_key.h). Changes are audited under the acting key's
// id (request_origin), never a secret.
//
// Example:
//   POST /api/app/create_api_key/v1 {"title":"ci","active":1,"privileges":{"run_events":1}}
//   -> {"code":0,"id":"3f9c0e7a12b4d5e6","key":"3f9c0e7a12b4d5e6.<48 hex>"}
#include <algorithm>

#include "http/cronicle/calls.h"
#include "http/cronicle/js_values.h"
#include "http/cronicle/validation.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

void send(const responder& reply, const api_error& e) { reply.send(failure(e)); }

// The registry, or why there is none (a listener built without keys: tests only).
api_key_registry* registry_of(const state_ptr& s, const responder& reply) {
  api_key_registry* keys = s->keys.load();
  if (!keys) send(reply, {"api_key", "API Keys are not available on this listener"});
  return keys;
}

// Cronicle's privileges object {"run_events": 1, "admin": 0}, or an array of names. Privileges
// Mainspring does not have (Cronicle's cat_* and grp_* limits) are refused when set.
or_error<privilege_set> privileges_of(const json& value, std::string_view verb) {
  std::vector<std::string> names;
  if (value.is_object()) {
    for (const auto& [name, on] : value.items())
      if (js_truthy(on) && js_text(on) != "0") names.push_back(name);
  } else if (value.is_array()) {
    for (const auto& item : value) names.push_back(js_text(item));
  } else {
    return api_refusal("Malformed parameter type: privileges (" + std::string(value.is_string() ? "string" : "number") + ")");
  }
  auto set = parse_privileges(names);
  if (!set.ok()) return api_error{"api_key", "Failed to " + std::string(verb) + ": " + set.status().message()};
  return *set;
}

std::optional<api_error> check_texts(const json& params) {
  for (const char* field : {"title", "description"}) {
    auto it = params.find(field);
    if (it != params.end() && it->is_string() && it->get<std::string>().find_first_of("<>") != std::string::npos)
      return api_refusal(std::string("Malformed ") + field + " parameter: Cannot contain HTML metacharacters");
  }
  return std::nullopt;
}

// "0" / "1" (or 0 / 1) as Cronicle's /^[1|0]$/ reads them (its stray '|' is not taken).
bool is_bit(const json& v) { return js_text(v) == "0" || js_text(v) == "1"; }

// The registry's refusals in the call's words.
api_error registry_error(const status& st, const std::string& verb, const std::string& id) {
  if (st.code() == status_code::not_found) return {"api_key", "Failed to " + verb + ": API Key not found: " + id};
  return {"api_key", "Failed to " + verb + ": " + st.message()};
}

}  // namespace

json cronicle_key_json(const api_key_view& key) {
  json privileges = json::object();
  for (const auto& name : key.privileges.names()) privileges[name] = 1;
  return json{{"id", key.key_id},         {"title", key.title},
              {"active", key.active ? 1 : 0}, {"privileges", std::move(privileges)},
              {"description", ""},        {"created", key.created_ms / 1000},
              {"modified", key.created_ms / 1000}, {"last_used", key.last_used_ms / 1000}};
}

void create_api_key(scheduler_api&, const state_ptr& s, call_args a) {
  if (auto e = require_params(a.params, {{"title", param_rule::non_blank}, {"active", param_rule::flag}}))
    return send(a.reply, *e);
  if (!is_bit(a.params["active"])) return send(a.reply, api_refusal("Malformed parameter: active"));
  if (auto it = a.params.find("key"); it != a.params.end() && !matches(param_rule::word, js_text(*it)))
    return send(a.reply, api_refusal("Malformed parameter: key"));
  if (auto e = check_texts(a.params)) return send(a.reply, *e);
  api_key_spec spec{js_text(a.params["title"]), {}, js_text(a.params["active"]) == "1"};
  if (auto p = a.params.find("privileges"); p != a.params.end() && !p->is_null()) {
    auto set = privileges_of(*p, "create api_key");
    if (!set.ok()) return send(a.reply, set.error());
    spec.privileges = *set;
  }
  api_key_registry* keys = registry_of(s, a.reply);
  if (!keys) return;
  auto issued = keys->create(a.origin, std::move(spec));
  if (!issued.ok()) return send(a.reply, registry_error(issued.status(), "create api_key", ""));
  a.reply.send(success({{"id", issued->view.key_id}, {"key", issued->secret}}));
}

void get_api_keys(scheduler_api&, const state_ptr& s, call_args a) {
  api_key_registry* keys = registry_of(s, a.reply);
  if (!keys) return;
  auto all = keys->list();
  std::reverse(all.begin(), all.end());  // newest first, as Cronicle's listUnshift keeps them
  const int64_t total = static_cast<int64_t>(all.size());
  const int64_t offset = std::max<int64_t>(0, js_parse_int(a.params.value("offset", json(0))).value_or(0));
  const int64_t limit = js_parse_int(a.params.value("limit", json(0))).value_or(0);  // 0: all
  json rows = json::array();
  for (int64_t i = offset; i < total && (limit <= 0 || i < offset + limit); ++i)
    rows.push_back(cronicle_key_json(all[static_cast<std::size_t>(i)]));
  a.reply.send(success({{"rows", std::move(rows)}, {"list", {{"length", total}}}}));
}

void get_api_key(scheduler_api&, const state_ptr& s, call_args a) {
  if (auto e = require_params(a.params, {{"id", param_rule::word}})) return send(a.reply, *e);
  api_key_registry* keys = registry_of(s, a.reply);
  if (!keys) return;
  const std::string id = js_text(a.params["id"]);
  for (const auto& key : keys->list())
    if (key.key_id == id) return a.reply.send(success({{"api_key", cronicle_key_json(key)}}));
  send(a.reply, {"api_key", "Failed to locate API Key: " + id});
}

void update_api_key(scheduler_api&, const state_ptr& s, call_args a) {
  if (auto e = require_params(a.params, {{"id", param_rule::word}})) return send(a.reply, *e);
  if (auto it = a.params.find("active"); it != a.params.end()) {
    if (!it->is_number()) return send(a.reply, api_refusal("Malformed parameter type: active (" + std::string(it->is_string() ? "string" : it->is_boolean() ? "boolean" : "object") + ")"));
    if (!is_bit(*it)) return send(a.reply, api_refusal("Malformed parameter value: active"));
  }
  if (auto it = a.params.find("key"); it != a.params.end()) {
    if (!it->is_string()) return send(a.reply, api_refusal("Malformed parameter type: key (" + std::string(it->is_number() ? "number" : "object") + ")"));
    // Cronicle lets a client replace the secret; here only the server makes secrets.
    return send(a.reply, {"api_key", "Failed to update API Key: a key's secret cannot be changed (create a new key)"});
  }
  if (auto e = check_texts(a.params)) return send(a.reply, *e);
  api_key_edit change;
  if (auto it = a.params.find("title"); it != a.params.end() && !it->is_null()) change.title = js_text(*it);
  if (auto it = a.params.find("active"); it != a.params.end()) change.active = js_text(*it) == "1";
  if (auto p = a.params.find("privileges"); p != a.params.end() && !p->is_null()) {
    auto set = privileges_of(*p, "update API Key");
    if (!set.ok()) return send(a.reply, set.error());
    change.privileges = *set;
  }
  api_key_registry* keys = registry_of(s, a.reply);
  if (!keys) return;
  const std::string id = js_text(a.params["id"]);
  auto edited = keys->edit(a.origin, id, std::move(change));
  if (!edited.ok()) return send(a.reply, registry_error(edited.status(), "update API Key", id));
  a.reply.send(success());
}

void delete_api_key(scheduler_api&, const state_ptr& s, call_args a) {
  if (auto e = require_params(a.params, {{"id", param_rule::word}})) return send(a.reply, *e);
  api_key_registry* keys = registry_of(s, a.reply);
  if (!keys) return;
  const std::string id = js_text(a.params["id"]);
  auto st = keys->remove(a.origin, id);
  if (!st.ok()) return send(a.reply, registry_error(st, "delete API Key", id));
  a.reply.send(success());
}

}  // namespace mainspring::http::cronicle
