#include "http/native/api_key_routes.h"

#include <memory>

#include "http/api_key_guard.h"
#include "http/json_body.h"
#include "http/native/envelope.h"
#include "http/native/route_helpers.h"

namespace mainspring::http::native {

namespace {

using nlohmann::json;

status_or<privilege_set> privileges_field(const json& value) {
  std::vector<std::string> names;
  if (value.is_array()) {
    for (const auto& item : value) {
      if (!item.is_string()) return status::invalid_argument("privileges: must be an array of privilege names");
      names.push_back(item.get<std::string>());
    }
  } else if (value.is_object()) {  // Cronicle's {"create_events": 1, "run_events": 0}
    for (const auto& [name, on] : value.items()) {
      if (!(on.is_number_integer() || on.is_boolean()))
        return status::invalid_argument("privileges: the value of \"" + name.substr(0, 64) + "\" must be 1 or 0");
      if (on.is_boolean() ? on.get<bool>() : on.get<int64_t>() != 0) names.push_back(name);
    }
  } else {
    return status::invalid_argument("privileges: must be an array of privilege names");
  }
  return parse_privileges(names);
}

status_or<bool> active_field(const json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number_integer()) {
    auto n = value.get<int64_t>();
    if (n == 0 || n == 1) return n == 1;
  }
  return status::invalid_argument("active: must be 1 or 0");
}

json issued_json(const issued_api_key& key) {
  return json{{"id", key.view.key_id},
              {"key", key.secret},
              {"title", key.view.title},
              {"privileges", key.view.privileges.names()},
              {"active", key.view.active ? 1 : 0}};
}

// Admits only an admin key; on refusal answers it and returns false.
bool admitted_as_admin(const api_key_guard& guard, http_request& req, const responder& reply) {
  auto st = guard.admit_key(req, presented_api_key(req), key_requirement::needs(privilege::admin));
  if (st.ok()) return true;
  reply.send(render_error(http_status_of_refusal(st), st));
  return false;
}

}  // namespace

status_or<api_key_edit> api_key_fields(const json& body) {
  api_key_edit out;
  if (auto it = body.find("title"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) return status::invalid_argument("title: must be a string");
    out.title = it->get<std::string>();
  }
  if (auto it = body.find("privileges"); it != body.end() && !it->is_null()) {
    auto p = privileges_field(*it);
    if (!p.ok()) return p.status();
    out.privileges = *p;
  }
  if (auto it = body.find("active"); it != body.end() && !it->is_null()) {
    auto a = active_field(*it);
    if (!a.ok()) return a.status();
    out.active = *a;
  }
  return out;
}

json api_key_json(const api_key_view& key) {
  return json{{"id", key.key_id},
              {"title", key.title},
              {"privileges", key.privileges.names()},
              {"active", key.active ? 1 : 0},
              {"created", key.created_ms / 1000},
              {"last_used", key.last_used_ms / 1000}};
}

void add_api_key_routes(router& r, api_key_registry& keys) {
  auto guard = std::make_shared<api_key_guard>(keys, std::string(k_dialect_name), nullptr, nullptr);
  r.add("POST", "/v1/apikeys/bootstrap", guarded([&keys](http_request& req, responder reply) {
    auto key = keys.bootstrap(origin_of(req));
    reply.send(key.ok() ? success(issued_json(*key)) : failure(key.status()));
  }));
  r.add("POST", "/v1/apikeys", guarded([&keys, guard](http_request& req, responder reply) {
    if (!admitted_as_admin(*guard, req, reply)) return;
    auto fields = decode_body(req, api_key_fields);
    if (!fields.ok()) return reply.send(failure(fields.status()));
    if (!fields->title) return reply.send(failure(status::invalid_argument("title: required")));
    api_key_spec spec{std::move(*fields->title), fields->privileges.value_or(privilege_set{}),
                      fields->active.value_or(true)};
    auto key = keys.create(origin_of(req), std::move(spec));
    reply.send(key.ok() ? success(issued_json(*key)) : failure(key.status()));
  }));
  r.add("GET", "/v1/apikeys", guarded([&keys, guard](http_request& req, responder reply) {
    if (!admitted_as_admin(*guard, req, reply)) return;
    json out = json::array();
    for (const auto& key : keys.list()) out.push_back(api_key_json(key));
    reply.send(success(out));
  }));
  r.add("POST", "/v1/apikeys/{id}", guarded([&keys, guard](http_request& req, responder reply) {
    if (!admitted_as_admin(*guard, req, reply)) return;
    auto fields = decode_body(req, api_key_fields);
    if (!fields.ok()) return reply.send(failure(fields.status()));
    auto key = keys.edit(origin_of(req), req.param("id"), std::move(*fields));
    reply.send(key.ok() ? success(api_key_json(*key)) : failure(key.status()));
  }));
  r.add("DELETE", "/v1/apikeys/{id}", guarded([&keys, guard](http_request& req, responder reply) {
    if (!admitted_as_admin(*guard, req, reply)) return;
    auto st = keys.remove(origin_of(req), req.param("id"));
    reply.send(st.ok() ? success("ok") : failure(st));
  }));
}

}  // namespace mainspring::http::native
