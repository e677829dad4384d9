#include "http/cronicle/cronicle_dialect.h"

#include <cctype>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "http/cronicle/before_session.h"
#include "http/cronicle/calls.h"
#include "http/cronicle/categories.h"
#include "http/cronicle/errors.h"
#include "http/cronicle/server_status.h"
#include "http/handler_kit.h"
#include "http/json_body.h"
#include "http/request_parser.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

// How a call reads its parameters (Cronicle's handlers differ).
enum class param_source {
  body,            // args.params: the POST body only
  body_and_query,  // Tools.mergeHashes(args.params, args.query): the query wins
  query_and_body,  // run_event: the query, then the body over it (or into params.post_data)
};

struct call_entry {
  call_fn fn;
  param_source source;
  key_requirement need;
};

const std::unordered_map<std::string_view, call_entry>& calls() {
  using k = key_requirement;
  using p = param_source;
  static const std::unordered_map<std::string_view, call_entry> table = {
      {"get_schedule", {get_schedule, p::body_and_query, k::any_key()}},
      {"get_event", {get_event, p::body_and_query, k::any_key()}},
      {"create_event", {create_event, p::body, k::needs(privilege::create_events)}},
      {"update_event", {update_event, p::body, k::needs(privilege::edit_events)}},
      {"delete_event", {delete_event, p::body, k::needs(privilege::delete_events)}},
      {"run_event", {run_event, p::query_and_body, k::needs(privilege::run_events)}},
      {"get_event_history", {get_event_history, p::body_and_query, k::any_key()}},
      {"get_history", {get_history, p::body_and_query, k::any_key()}},
      {"get_job_status", {get_job_status, p::body_and_query, k::any_key()}},
      {"get_active_jobs", {get_active_jobs, p::body_and_query, k::any_key()}},
      {"update_job", {update_job, p::body, k::needs(privilege::edit_events)}},
      {"abort_job", {abort_job, p::body, k::needs(privilege::abort_events)}},
      {"flush_event_queue", {flush_event_queue, p::body, k::needs(privilege::abort_events)}},
      {"abort_jobs", {abort_jobs, p::body, k::needs(privilege::abort_events)}},
      {"update_jobs", {update_jobs, p::body, k::needs(privilege::edit_events)}},
      {"get_master_state", {get_master_state, p::body, k::any_key()}},
      {"get_job_log", {get_job_log, p::body_and_query, k::any_key()}},
      {"get_job_details", {get_job_details, p::body_and_query, k::any_key()}},
      {"update_master_state", {update_master_state, p::body, k::needs(privilege::state_update)}},
      {"get_api_keys", {get_api_keys, p::body_and_query, k::needs(privilege::admin)}},
      {"get_api_key", {get_api_key, p::body_and_query, k::needs(privilege::admin)}},
      {"create_api_key", {create_api_key, p::body, k::needs(privilege::admin)}},
      {"update_api_key", {update_api_key, p::body, k::needs(privilege::admin)}},
      {"delete_api_key", {delete_api_key, p::body, k::needs(privilege::admin)}},
      {"get_servers", {get_servers, p::body_and_query, k::needs(privilege::admin)}},
      {"get_activity", {get_activity, p::body_and_query, k::needs(privilege::admin)}},
      {"delete_job", {delete_job, p::body_and_query, k::needs(privilege::admin)}},
      {"get_categories", {get_categories, p::body_and_query, k::any_key()}},
      {"create_category", {create_category, p::body, k::needs(privilege::admin)}},
      {"update_category", {update_category, p::body, k::needs(privilege::admin)}},
      {"delete_category", {delete_category, p::body, k::needs(privilege::admin)}},
      {"get_plugins", {get_plugins, p::body_and_query, k::any_key()}},
      {"create_plugin", {create_plugin, p::body, k::needs(privilege::admin)}},
      {"update_plugin", {update_plugin, p::body, k::needs(privilege::admin)}},
      {"delete_plugin", {delete_plugin, p::body, k::needs(privilege::admin)}},
  };
  return table;
}

bool looks_like_json(std::string_view body) {
  auto at = body.find_first_not_of(" \t\r\n");
  return at != std::string_view::npos && (body[at] == '{' || body[at] == '[');
}

// A urlencoded form body as pixl-server-web reads one (every value a string).
json form_params(std::string_view body) {
  json out = json::object();
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('&', start);
    std::string_view pair = body.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    std::size_t eq = pair.find('=');
    std::string key, value;
    if (percent_decode(pair.substr(0, eq), &key, true) &&
        (eq == std::string_view::npos || percent_decode(pair.substr(eq + 1), &value, true)) && !key.empty())
      out[key] = value;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

// How Cronicle's web server reads a POST body: as JSON, as a form, or not at all.
enum class body_kind { none, form, json_text };

body_kind kind_of_body(const http_request& req) {
  if (req.method != "POST" || req.body.find_first_not_of(" \t\r\n") == std::string::npos) return body_kind::none;
  if (!looks_like_json(req.body) && req.header("content-type").starts_with("application/x-www-form-urlencoded"))
    return body_kind::form;
  return body_kind::json_text;
}

or_error<json> parse_body(body_kind kind, std::string_view body) {
  if (kind == body_kind::none) return json::object();
  if (kind == body_kind::form) return form_params(body);
  auto parsed = parse_json_object(body);
  if (!parsed.ok()) return api_refusal(parsed.status().message());
  return std::move(parsed).value();
}

json query_params(const http_request& req) {
  json out = json::object();
  for (const auto& [k, v] : req.query) out[k] = v;
  return out;
}

// run_event's "params/foo=bar" query keys become params.foo.
void nest_slash_keys(json& params) {
  std::vector<std::string> keys;
  for (auto it = params.begin(); it != params.end(); ++it) keys.push_back(it.key());
  for (const auto& key : keys) {
    auto slash = key.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == key.size() || key.find('/', slash + 1) != std::string::npos)
      continue;
    std::string parent = key.substr(0, slash), child = key.substr(slash + 1);
    if (!params.contains(parent) || !params[parent].is_object()) params[parent] = json::object();
    params[parent][child] = params[key];
    params.erase(key);
  }
}

// The key a request presents, `body_key` being its body's api_key ("" = none): as Cronicle's
// loadSession takes it (lib/api.js), the X-API-Key header, else the body's, else the query's,
// each when it is not empty.
std::string first_presented_key(const http_request& request, std::string body_key) {
  if (auto header = request.header("x-api-key"); !header.empty()) return std::string(header);
  if (!body_key.empty()) return body_key;
  if (auto q = request.query.find("api_key"); q != request.query.end()) return q->second;
  return "";
}

json call_params(json body, const json& query, param_source source) {
  json params;
  switch (source) {
    case param_source::body: params = std::move(body); break;
    case param_source::body_and_query:
      params = std::move(body);
      for (auto it = query.begin(); it != query.end(); ++it) params[it.key()] = *it;
      break;
    case param_source::query_and_body:
      params = query;
      if (query.contains("post_data")) params["post_data"] = std::move(body);
      else
        for (auto it = body.begin(); it != body.end(); ++it) params[it.key()] = std::move(*it);
      nest_slash_keys(params);
      break;
  }
  params.erase("api_key");  // Cronicle's loadSession takes it out of the params
  params.erase("session_id");
  return params;
}

// A call's parameters as it reads them and what Cronicle checks of them before any key
// (before_session.h), prepared once per request: the listener's key check (key_requirements, then
// presented_key) and the call (serve) read the same request one after the other on one HTTP
// thread. The preparation is a function of the call's name, the body and the query only, so a
// kept one is taken only when all three are exactly those it was made from (whichever request
// they came from), and made again otherwise. At most one is kept per HTTP thread, until the next
// request's key check or call on that thread.
struct prepared_call {
  std::string name;
  body_kind kind = body_kind::none;
  std::string body;
  std::unordered_map<std::string, std::string> query;
  std::string body_key;                    // the body's api_key ("" = none)
  or_error<json> params = json::object();  // call_params of the body and the query, or the body's error
  std::optional<api_error> refusal;        // check_before_session's
};
thread_local std::optional<prepared_call> t_prepared;

const call_entry* call_named(std::string_view name) {
  auto it = calls().find(name);
  return it == calls().end() ? nullptr : &it->second;
}

prepared_call prepare(const http_request& req, std::string_view name) {
  prepared_call p{std::string(name), kind_of_body(req), req.body, req.query, "", json::object(), std::nullopt};
  auto body = parse_body(p.kind, req.body);
  if (!body.ok()) {
    p.params = body.error();
    return p;
  }
  if (auto k = body->find("api_key"); k != body->end() && k->is_string()) p.body_key = k->get<std::string>();
  const call_entry* call = call_named(name);
  json query = query_params(req);
  json params = call_params(std::move(*body), query, call ? call->source : param_source::body);
  p.refusal = check_before_session(name, params, query);
  p.params = std::move(params);
  return p;
}

// The request's prepared call, kept for the next reader of the same request.
const prepared_call& prepared(const http_request& req, std::string_view name) {
  auto& kept = t_prepared;
  if (!kept || kept->name != name || kept->kind != kind_of_body(req) || kept->body != req.body || kept->query != req.query)
    kept = prepare(req, name);
  return *kept;
}

// The same, taken: the call is its last reader.
prepared_call take_prepared(const http_request& req, std::string_view name) {
  prepared(req, name);
  prepared_call p = std::move(*t_prepared);
  t_prepared.reset();
  return p;
}

void serve(scheduler_api& api, const state_ptr& s, http_request& req, responder reply) {
  const std::string& name = req.params["name"];
  if (name == "ping") return reply.send(success());
  if (name == "status")
    return api.overview([s, reply](status_or<scheduler_overview> o) {
      reply.send(status_response(read_server_facts(MAINSPRING_VERSION, s->hostname, o.ok() ? o->clock_pass_ms : 0)));
    });
  const call_entry* call = call_named(name);
  if (!call) return reply.send(failure({"1", "Unsupported API: app/api_" + name}));
  prepared_call p = take_prepared(req, name);
  // A body Cronicle's web server cannot read, then what the call checks before it looks for a
  // session: answered whatever key came (key_requirements let the request through without one).
  if (!p.params.ok()) return reply.send(failure(p.params.error()));
  if (p.refusal) return reply.send(failure(*p.refusal));
  std::string key = first_presented_key(req, p.body_key);
  json query = query_params(req);
  call_args args{std::move(*p.params), std::move(query), origin_of(k_dialect_name, req), std::move(key), std::move(reply)};
  call->fn(api, s, std::move(args));
}

}  // namespace

key_requirement_fn key_requirements() {
  return [](const http_request& request, std::string_view) {
    auto it = request.params.find("name");
    if (it == request.params.end()) return key_requirement::any_key();
    const call_entry* call = call_named(it->second);
    // ping, status and names Cronicle does not serve answer without a key, as Cronicle answers
    // them before it looks for a session (status never looks for one).
    if (!call) return key_requirement::open();
    // So does a call refused before its handler looks for one (an unreadable body, a missing or
    // malformed parameter: before_session.h); serve() answers that refusal and runs nothing.
    const prepared_call& p = prepared(request, it->second);
    if (!p.params.ok() || p.refusal) return key_requirement::open();
    return call->need;
  };
}

std::string presented_key(const http_request& request) {
  auto it = request.params.find("name");
  const std::string_view name = it == request.params.end() ? std::string_view() : std::string_view(it->second);
  return first_presented_key(request, prepared(request, name).body_key);
}

dialect make_dialect(cronicle_options options) {
  auto s = std::make_shared<cronicle_state>();
  s->events.group = options.group;
  s->events.default_timezone = options.default_timezone.empty() ? "UTC" : options.default_timezone;
  s->hostname = options.hostname.empty() ? "localhost" : options.hostname;
  dialect d;
  d.name = std::string(k_dialect_name);
  d.add_routes = [s](router& r, scheduler_api& api) {
    auto h = guarded([](int st, const status& e) { return render_error(st, e); }, [&api, s](http_request& req, responder reply) { serve(api, s, req, std::move(reply)); });
    for (const char* method : {"GET", "POST"}) {
      r.add(method, "/api/app/{name}", h);
      r.add(method, "/api/app/{name}/{version}", h);
    }
    // The dialect's group exists from the start, so that lists work before the first event.
    api.register_group(request_origin{std::string(k_dialect_name), "", ""}, s->events.group, [](status_or<std::string>) {});
    // Setup's category, while the group has none (a group made by an earlier Mainspring too).
    if (api.run_pools(s->events.group).empty())
      api.put_run_pool(request_origin{std::string(k_dialect_name), "", "setup"}, s->events.group, default_category(),
                       [](status) {});
    // Events left with a custom Plugin's former command by a crash inside update_plugin.
    sync_plugin_events(api, s, request_origin{std::string(k_dialect_name), "", "plugin changed"}, "", [](std::size_t n) {
      if (n) spdlog::info("cronicle: {} event(s) now run their Plugin's current command", n);
    });
  };
  // A key's refusal names it by its title, read from the registry the listener checks keys with.
  d.render_error = [s](int http_status, const status& error) {
    return render_error(http_status, error, [s](std::string_view key_id) { return key_title(s, key_id); });
  };
  d.key_requirement_for = key_requirements();
  d.presented_key = presented_key;
  d.requires_api_key = true;
  d.add_key_routes = [s](router&, api_key_registry& keys) { s->keys.store(&keys); };
  return d;
}

}  // namespace mainspring::http::cronicle
