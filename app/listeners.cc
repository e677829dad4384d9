#include "app/listeners.h"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "core/job.h"
#include "http/cloudtask/cloudtask_dialect.h"
#include "http/cronicle/cronicle_dialect.h"
#include "http/dkron/dkron_dialect.h"
#include "http/ndscheduler/ndscheduler_dialect.h"

#include "http/http_server.h"
#include "http/native/native_dialect.h"
#include "http/router.h"

namespace mainspring {

struct listener_set::listener {
  listener_plan plan;
  http::router routes;
  http::dispatch_options dispatch;
  std::unique_ptr<http::api_key_guard> keys;
  std::unique_ptr<http::http_server> server;
};

namespace {

// Adds a plan for `dialect` on `address` to `out`; a bad address or guard names `flag`.
status add_plan(std::vector<listener_plan>& out, std::string flag, const std::string& address,
                http::dialect dialect, const http::cross_site_options& cross_site) {
  auto parsed = http::parse_listen_address(address);
  if (!parsed.ok()) return status::invalid_argument(flag + ": " + parsed.status().message());
  auto guard = http::cross_site_guard::make(cross_site, parsed->first);
  if (!guard.ok()) return guard.status();
  out.push_back(listener_plan{std::move(flag), parsed->first, parsed->second, std::move(dialect),
                              std::move(guard).value()});
  return {};
}

// This machine's name, as Dkron names its node.
std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "mainspring";
  return name;
}

}  // namespace

http::cronicle::cronicle_options cronicle_options_of(const serve_config& cfg) {
  http::cronicle::cronicle_options cr;
  cr.group = cfg.cronicle_group;
  cr.hostname = host_name();
  cr.default_timezone = cfg.timezone;
  cr.base_app_url = "http://" + cfg.cronicle_listen;
  return cr;
}

status_or<std::vector<listener_plan>> plan_listeners(const serve_config& cfg) {
  http::cross_site_options cross_site{cfg.allowed_origins, cfg.allowed_hosts};
  std::vector<listener_plan> plans;
  if (!cfg.func_listen.empty())
    if (auto st = add_plan(plans, "--func-listen", cfg.func_listen, http::native::make_func_dialect(), cross_site);
        !st.ok())
      return st;
  if (!cfg.dkron_listen.empty()) {
    if (auto st = validate_group_name(cfg.dkron_group); !st.ok())
      return status::invalid_argument("--dkron-group: " + st.message());
    http::dkron::dkron_options dkron;
    dkron.group = cfg.dkron_group;
    dkron.node_name = host_name();
    if (auto st = add_plan(plans, "--dkron-listen", cfg.dkron_listen, http::dkron::make_dialect(dkron), cross_site);
        !st.ok())
      return st;
  }
  if (!cfg.ndscheduler_listen.empty()) {
    if (auto st = validate_group_name(cfg.ndscheduler_group); !st.ok())
      return status::invalid_argument("--ndscheduler-group: " + st.message());
    http::ndscheduler::ndscheduler_options nd;
    nd.group = cfg.ndscheduler_group;
    nd.hostname = host_name();
    if (auto st = add_plan(plans, "--ndscheduler-listen", cfg.ndscheduler_listen, http::ndscheduler::make_dialect(nd),
                           cross_site);
        !st.ok())
      return st;
  }
  if (!cfg.cloudtask_listen.empty()) {
    http::cloudtask::cloudtask_options ct;
    ct.hostname = host_name();
    ct.api_addr = "http://" + cfg.cloudtask_listen;
    if (auto st = add_plan(plans, "--cloudtask-listen", cfg.cloudtask_listen, http::cloudtask::make_dialect(ct),
                           cross_site);
        !st.ok())
      return st;
  }
  if (!cfg.cronicle_listen.empty()) {
    if (auto st = validate_group_name(cfg.cronicle_group); !st.ok())
      return status::invalid_argument("--cronicle-group: " + st.message());
    if (auto st = add_plan(plans, "--cronicle-listen", cfg.cronicle_listen, http::cronicle::make_dialect(cronicle_options_of(cfg)), cross_site);
        !st.ok())
      return st;
  }
  if (auto st = add_plan(plans, "--listen", cfg.listen, http::native::make_dialect(), cross_site); !st.ok())
    return st;
  for (auto& plan : plans) {
    plan.limits.max_connections = cfg.max_connections;
    plan.limits.idle_timeout_ms = int64_t{cfg.idle_timeout_s} * 1000;
    plan.limits.request_head_deadline_ms = int64_t{cfg.request_head_timeout_s} * 1000;
    plan.require_api_key = !plan.dialect.keyless && (cfg.require_api_key || plan.dialect.requires_api_key);
  }
  return plans;
}

listener_set::listener_set() = default;
listener_set::~listener_set() { stop(); }

status listener_set::start(std::vector<listener_plan> plans, scheduler_api& api, api_key_registry& keys,
                           const http::system_probe& probe, const http::request_observer* observer,
                           unsigned http_threads) {
  for (auto& plan : plans) {
    auto l = std::make_unique<listener>();
    l->plan = std::move(plan);
    const http::dialect& d = l->plan.dialect;
    if (d.system_routes) http::add_system_routes(l->routes, probe);
    d.add_routes(l->routes, api);
    if (d.add_key_routes) d.add_key_routes(l->routes, keys);
    l->routes.head_served_by_get(d.head_served_by_get);
    if (l->plan.require_api_key)
      l->keys = std::make_unique<http::api_key_guard>(keys, d.name, d.key_requirement_for, d.presented_key);
    // The listener's own errors, by the request's path when the dialect tells its APIs apart.
    http::path_error_renderer render_error = d.render_error_at ? d.render_error_at
                                             : d.render_error  ? http::at_any_path(d.render_error)
                                                               : nullptr;
    // ... with the dialect's headers: Dkron's X-Whom is on its refusals (403, 401, 413, 503) too.
    if (render_error && !d.response_headers.empty())
      render_error = [render = render_error, extra = d.response_headers](std::string_view path, int code,
                                                                         const status& why) {
        http::http_response r = render(path, code, why);
        r.headers.insert(r.headers.end(), extra.begin(), extra.end());
        return r;
      };
    l->dispatch = {render_error, &l->plan.guard, observer, l->keys.get(), d.redirect_trailing_slash,
                   d.answer_before_routing, d.answer_unrouted};

    http::http_server_options options;
    options.host = l->plan.host;
    options.port = l->plan.port;
    options.threads = static_cast<int>(http_threads);
    options.body_limit_for = d.body_limit_for;
    options.render_error = render_error;
    options.net_http_paths = d.net_http_paths;
    options.limits = l->plan.limits;
    l->server = std::make_unique<http::http_server>(
        std::move(options), [raw = l.get()](http::http_request& req, http::responder reply) {
          http::dispatch(raw->routes, req, std::move(reply), raw->dispatch);
        });
    if (auto st = l->server->start(); !st.ok()) {
      stop();
      return status::unavailable(l->plan.flag + ": " + st.message());
    }
    spdlog::info("{} API served on {}:{}{}", d.name, l->plan.host, l->server->port(),
                 l->keys ? " (API keys required)" : "");
    listeners_.push_back(std::move(l));
  }
  return {};
}

void listener_set::stop() {
  for (auto& l : listeners_) l->server->stop();
  listeners_.clear();
}

}  // namespace mainspring
