#include "http/native/pool_routes.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/run_pool.h"
#include "core/time_types.h"
#include "http/json_body.h"
#include "http/native/envelope.h"
#include "http/native/route_helpers.h"

namespace mainspring::http::native {

namespace {

using nlohmann::json;

constexpr std::string_view k_settings[] = {"enabled",       "max_running",        "hook_url",        "cpu_limit_percent",
                                           "cpu_sustain_s", "memory_limit_bytes", "memory_sustain_s"};

json pool_json(const run_pool_spec& p, std::size_t running) {
  return json{{"name", p.name},
              {"enabled", p.enabled},
              {"max_running", p.max_running},
              {"running", running},
              {"hook_url", p.hook_url},
              {"cpu_limit_percent", p.cpu_limit_percent},
              {"cpu_sustain_s", p.cpu_sustain_s},
              {"memory_limit_bytes", p.memory_limit_bytes},
              {"memory_sustain_s", p.memory_sustain_s},
              {"created_ms", p.created_ms},
              {"updated_ms", p.updated_ms}};
}

status_or<std::string> pool_param(const http_request& req) {
  const std::string& name = req.param("name");
  if (!is_valid_run_pool_name(name))
    return status::invalid_argument("name: must be 1 to " + std::to_string(k_max_run_pool_name_bytes) +
                                    " letters, digits or underscores, got \"" + name.substr(0, 64) + "\"");
  return name;
}

// The PUT body's settings of the pool `name`: each from the body or its default, checked.
status_or<run_pool_spec> pool_from_body(const json& body, const std::string& name) {
  for (auto m = body.begin(); m != body.end(); ++m)
    if (std::find(std::begin(k_settings), std::end(k_settings), m.key()) == std::end(k_settings))
      return status::invalid_argument("unknown member \"" + m.key().substr(0, 64) + "\"");
  run_pool_spec p;
  p.name = name;
  auto enabled = bool_field(body, "enabled");
  if (!enabled.ok()) return enabled.status();
  p.enabled = enabled->value_or(true);
  for (auto [member, field] : {std::pair{"max_running", &p.max_running},
                               std::pair{"cpu_limit_percent", &p.cpu_limit_percent},
                               std::pair{"cpu_sustain_s", &p.cpu_sustain_s},
                               std::pair{"memory_sustain_s", &p.memory_sustain_s}}) {
    auto v = int_field(body, member);
    if (!v.ok()) return v.status();
    *field = v->value_or(0);
  }
  auto memory = integer_field(body, "memory_limit_bytes");
  if (!memory.ok()) return memory.status();
  p.memory_limit_bytes = memory->value_or(0);
  auto hook = string_field(body, "hook_url");
  if (!hook.ok()) return hook.status();
  p.hook_url = hook->value_or("");
  if (auto st = validate_run_pool(p); !st.ok()) return st;
  return p;
}

// `p` stamped `now_ms`, with what a body cannot set kept from the pool it replaces, if any: a
// dialect's own fields, the creation time, and the hook's format while its url stays.
void keep_from(const std::optional<run_pool_spec>& existing, int64_t now_ms, run_pool_spec& p) {
  p.created_ms = now_ms;
  p.updated_ms = now_ms;
  if (!existing) return;
  p.dialect_data = existing->dialect_data;
  p.created_ms = existing->created_ms;
  if (p.hook_url == existing->hook_url) p.hook_format = existing->hook_format;
}

std::optional<run_pool_spec> find_pool(const scheduler_api& api, const std::string& group, std::string_view name) {
  for (auto& p : api.run_pools(group))
    if (p.name == name) return std::move(p);
  return std::nullopt;
}

status no_such_pool(const std::string& group, const std::string& name) {
  return status::not_found("group " + group + " has no run pool " + name);
}

// A change's failure; past the number of pools a group may have is a conflict with what the
// group holds, not a body too large (resource_exhausted's usual 413).
http_response change_failure(const status& st) {
  if (st.code() == status_code::resource_exhausted) return render_error(409, st);
  return failure(st);
}

// Calls `then` once the group is known to exist; answers its failure (404) otherwise.
template <class Then>
void with_group(scheduler_api& api, const std::string& group, const responder& reply, Then then) {
  api.group_info(group, [reply, then = std::move(then)](status_or<group_spec> g) mutable {
    if (!g.ok()) return reply.send(failure(g.status()));
    then();
  });
}

}  // namespace

status check_pool_named(const scheduler_api& api, const std::string& group, const job_controls& c) {
  if (c.pool.empty() || find_pool(api, group, c.pool)) return {};
  return status::invalid_argument("controls: pool: group " + group + " has no run pool " + c.pool.substr(0, 64));
}

void add_pool_routes(router& r, scheduler_api& api) {
  r.add("GET", "/v1/{group}/pools", guarded([&api](http_request& req, responder reply) {
    auto group = group_param(req);
    if (!group.ok()) return reply.send(failure(group.status()));
    with_group(api, *group, reply, [&api, group = *group, reply] {
      json out = json::array();
      for (const auto& p : api.run_pools(group)) out.push_back(pool_json(p, api.run_pool_running(group, p.name)));  // by name
      reply.send(success(out));
    });
  }));
  r.add("GET", "/v1/{group}/pool/{name}", guarded([&api](http_request& req, responder reply) {
    auto group = group_param(req);
    if (!group.ok()) return reply.send(failure(group.status()));
    auto name = pool_param(req);
    if (!name.ok()) return reply.send(failure(name.status()));
    with_group(api, *group, reply, [&api, group = *group, name = *name, reply] {
      auto pool = find_pool(api, group, name);
      if (!pool) return reply.send(failure(no_such_pool(group, name)));
      reply.send(success(pool_json(*pool, api.run_pool_running(group, name))));
    });
  }));
  r.add("PUT", "/v1/{group}/pool/{name}", guarded([&api](http_request& req, responder reply) {
    auto group = group_param(req);
    if (!group.ok()) return reply.send(failure(group.status()));
    auto name = pool_param(req);
    if (!name.ok()) return reply.send(failure(name.status()));
    auto body = parse_json_object(req.body.empty() ? std::string_view("{}") : std::string_view(req.body));
    if (!body.ok()) return reply.send(failure(body.status()));
    // Checked before the group is asked for, so that a bad body is a 400 whatever the group.
    auto pool = pool_from_body(*body, *name);
    if (!pool.ok()) return reply.send(failure(pool.status()));
    with_group(api, *group, reply, [&api, origin = origin_of(req), group = *group,
                                    pool = std::move(pool).value(), reply]() mutable {
      keep_from(find_pool(api, group, pool.name), to_unix_ms(now_ms()), pool);
      run_pool_spec shown = pool;
      api.put_run_pool(std::move(origin), group, std::move(pool),
                       [&api, group, shown = std::move(shown), reply](status st) {
                         if (!st.ok()) return reply.send(change_failure(st));
                         reply.send(success(pool_json(shown, api.run_pool_running(group, shown.name))));
                       });
    });
  }));
  r.add("DELETE", "/v1/{group}/pool/{name}", guarded([&api](http_request& req, responder reply) {
    auto group = group_param(req);
    if (!group.ok()) return reply.send(failure(group.status()));
    auto name = pool_param(req);
    if (!name.ok()) return reply.send(failure(name.status()));
    // Refused while a job names it, as Cronicle refuses to delete a category in use: its jobs
    // would lose their shared limit without anyone saying so.
    auto members = std::make_shared<std::vector<std::string>>();
    auto visit = [members, name = *name](const job_view& v, std::size_t) {
      if (v.spec.controls.pool == name) members->push_back(v.spec.id);
    };
    api.visit_jobs(*group, std::move(visit), [&api, origin = origin_of(req), group = *group, name = *name, members,
                                              reply](status_or<std::size_t> visited) mutable {
      if (!visited.ok()) return reply.send(failure(visited.status()));
      if (!members->empty())
        return reply.send(failure(status::failed_precondition(
            "run pool " + name + " is named by " + std::to_string(members->size()) + " job(s) of group " + group +
            " (" + members->front() + (members->size() > 1 ? ", ..." : "") + "); take them out of it first")));
      api.delete_run_pool(std::move(origin), group, name, [reply](status st) {
        if (!st.ok()) return reply.send(change_failure(st));
        reply.send(success("ok"));
      });
    });
  }));
}

}  // namespace mainspring::http::native
