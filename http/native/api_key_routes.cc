#include "http/native/api_key_routes.h"

#include <memory>

#include "http/api_key_body.h"
#include "http/api_key_guard.h"
#include "http/json_body.h"
#include "http/native/envelope.h"
#include "http/native/route_helpers.h"

namespace mainspring::http::native {

namespace {

using nlohmann::json;

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
