#include "http/dkron/dkron_dialect.h"

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/node_auth.h"  // random_nonce
#include "http/dkron/go_json_text.h"
#include "http/dkron/job_json.h"
#include "http/dkron/job_routes.h"
#include "http/dkron/key_requirements.h"
#include "http/dkron/restore_plan.h"
#include "http/go_net_http.h"
#include "http/handler_kit.h"

namespace mainspring::http::dkron {

namespace {

using nlohmann::json;

json tags_of(const dkron_options&) {
  return json{{"dc", "dc1"},       {"region", "global"},         {"role", "dkron"},
              {"server", "true"}, {"version", k_dkron_version}, {"mainspring", MAINSPRING_VERSION}};
}

// This node as Serf shows a member (Status 1 = alive).
json member_of(const dkron_options& o) {
  return json{{"Name", o.node_name},  {"Addr", o.advertise_addr}, {"Port", o.advertise_port},
              {"Tags", tags_of(o)},   {"Status", 1},              {"ProtocolMin", 1},
              {"ProtocolMax", 5},     {"ProtocolCur", 2},         {"DelegateMin", 2},
              {"DelegateMax", 5},     {"DelegateCur", 4}};
}

// A random id as hashicorp/go-uuid writes one (8-4-4-4-12 hex digits).
std::string random_uuid() {
  std::string hex = random_nonce().substr(0, 32);
  for (std::size_t at : {20, 16, 12, 8}) hex.insert(at, 1, '-');
  return hex;
}

// A member as /v1/members lists it (Dkron's typesv1.Member): Serf's fields, a fresh random `id`
// each time (Dkron makes one per call too) and `statusText` (Serf's MemberStatus.String()).
json listed(json member) {
  const int status = member["Status"].get<int>();
  static const char* k_status_names[] = {"none", "alive", "leaving", "left", "failed"};
  member["id"] = random_uuid();
  member["statusText"] = status >= 0 && status < 5 ? k_status_names[status] : "unknown";
  return member;
}

// A worker node of the dialect's group as Serf shows a member.
json member_of(const node_view& n) {
  json tags = n.spec.tags;
  tags["role"] = "dkron";
  tags["server"] = "false";
  tags["dc"] = "dc1";
  return json{{"Name", n.spec.id},   {"Addr", n.spec.ip}, {"Port", 0},
              {"Tags", tags},        {"Status", n.up ? 1 : 4}, {"ProtocolMin", 1},
              {"ProtocolMax", 5},    {"ProtocolCur", 2},  {"DelegateMin", 2},
              {"DelegateMax", 5},    {"DelegateCur", 4}};
}

void send(const responder& reply, const http_request& req, int code, const json& body) {
  bool pretty = req.query.count("pretty") != 0;
  reply.send(http_response{code, "application/json; charset=utf-8",
                           go_json_text(body, pretty), {}});
}

}  // namespace

void add_agent_routes(router& r, scheduler_api& api, std::shared_ptr<dkron_state> state) {
  auto get = [&r](const char* path, std::function<void(const dkron_state&, http_request&, responder)> answer,
                  std::shared_ptr<dkron_state> s) {
    // Dkron registers /health on its engine, outside the group whose middleware adds X-Whom.
    std::string whom = std::string_view(path) == "/health" ? "" : s->options.node_name;
    r.add("GET", path,
          dkron_handler([answer, s](http_request& req, responder reply) { answer(*s, req, reply); }, std::move(whom)));
  };
  // Serf's Stats() over the members /v1/members lists: this node and the group's worker nodes,
  // those down counted failed; a single node's clocks and queues are still.
  auto index = [&api](const dkron_state& s, http_request& req, responder reply) {
    api.list_nodes(s.options.group, [req, reply, o = s.options](status_or<std::vector<node_view>> nodes) {
      std::size_t members = 1, failed = 0;
      if (nodes.ok())  // no group yet: no nodes
        for (const auto& n : *nodes) {
          ++members;
          if (!n.up) ++failed;
        }
      json serf{{"members", std::to_string(members)}, {"failed", std::to_string(failed)}, {"left", "0"},
                {"health_score", "0"}, {"member_time", "1"}, {"event_time", "1"}, {"query_time", "1"},
                {"intent_queue", "0"}, {"event_queue", "0"}, {"query_queue", "0"}, {"encrypted", "false"},
                {"coordinate_resets", "0"}};
      send(reply, req, 200, json{{"agent", {{"name", o.node_name}, {"version", k_dkron_version}}},
                                 {"serf", std::move(serf)}, {"tags", tags_of(o)}});
    });
  };
  get("/v1/", index, state);
  get("/v1", index, state);
  get("/v1/members", [&api](const dkron_state& s, http_request& req, responder reply) {
    api.list_nodes(s.options.group, [req, reply, server = member_of(s.options)](status_or<std::vector<node_view>> nodes) {
      json members = json::array({listed(server)});
      if (nodes.ok())  // no group yet: no nodes
        for (const auto& n : *nodes) members.push_back(listed(member_of(n)));
      responder counted([inner = reply, total = members.size()](http_response r) {
        r.headers.emplace_back("X-Total-Count", std::to_string(total));
        inner.send(std::move(r));
      });
      send(counted, req, 200, members);
    });
  }, state);
  get("/v1/leader", [](const dkron_state& s, http_request& req, responder reply) {
    send(reply, req, 200, member_of(s.options));
  }, state);
  get("/v1/isleader", [](const dkron_state&, http_request& req, responder reply) {
    send(reply, req, 200, json("I am a leader"));
  }, state);
  get("/health", [](const dkron_state&, http_request& req, responder reply) {
    send(reply, req, 200, json{{"status", "healthy"}});
  }, state);
  r.add("POST", "/v1/leave", dkron_handler([](http_request&, responder reply) {
    reply.send(render_error(422, status::failed_precondition("a single Mainspring node cannot leave its cluster")));
  }, state->options.node_name));
}

dialect make_dialect(dkron_options options) {
  auto state = std::make_shared<dkron_state>(std::move(options));
  dialect d;
  d.name = std::string(k_dialect_name);
  d.add_routes = [state](router& r, scheduler_api& api) {
    add_agent_routes(r, api, state);
    add_job_routes(r, api, state);
    // The dialect's group exists from the start, so that lists work before the first job.
    api.register_group(request_origin{std::string(k_dialect_name), "", ""}, state->options.group,
                       [](status_or<std::string>) {});
  };
  d.render_error = render_error;
  // gin.Default(): GET /v1/jobs/ is a 301 to /v1/jobs; any other request no route takes, a wrong
  // method or a HEAD included, gin's 404 (gin's own answers: no X-Whom, which Dkron's middleware
  // adds only to its routes' answers; dkron_handler adds it here).
  d.redirect_trailing_slash = slash_redirect::gin;
  d.answer_unrouted = [](const http_request&, std::string_view) -> std::optional<http_response> {
    return http_response{404, "text/plain", "404 page not found", {}};  // gin's serveError, mimePlain
  };
  d.head_served_by_get = [](std::string_view) { return false; };  // gin has no HEAD routes of its own
  d.net_http_paths = [](std::string_view) { return true; };
  d.answer_before_routing = net_http_options_star;  // "OPTIONS *" is net/http's, never gin's
  d.response_headers = {{"X-Whom", state->options.node_name}};  // on the listener's own refusals too
  d.body_limit_for = [](std::string_view path) {
    return path == "/v1/restore" ? k_max_restore_body_bytes : k_max_body_bytes;
  };
  d.key_requirement_for = key_requirements();
  return d;
}

}  // namespace mainspring::http::dkron
