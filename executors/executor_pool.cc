#include "executors/executor_pool.h"

#include "executors/http_runner.h"
#include "executors/lua_runner.h"
#include "executors/lua_sandbox.h"
#include "executors/remote_runner.h"
#include "executors/shell_runner.h"

namespace mainspring {
namespace {

constexpr executor_kind k_local_kinds[] = {executor_kind::http, executor_kind::shell, executor_kind::lua,
                                           executor_kind::noop};

// How long the reply hook may take before its POST is abandoned.
constexpr std::chrono::milliseconds k_reply_hook_timeout{10'000};

// Ends a run that cannot start, with `why` as its error.
void fail_run(uint64_t run_id, const status& why, const run_callback& done) {
  done(failed_outcome(run_id, why.message(), 0));
}

}  // namespace

executor_pool::executor_pool(executor_pool_options options) : options_(std::move(options)) {
  auto http = std::make_unique<http_runner>(options_.max_concurrent_runs);
  auto remote = std::make_unique<remote_runner>();
  http_ = http.get();
  remote_ = remote.get();
  runners_[static_cast<std::size_t>(executor_kind::http)] = std::move(http);
  runners_[static_cast<std::size_t>(executor_kind::shell)] = std::make_unique<shell_runner>(
      options_.max_concurrent_runs, options_.kill_grace, options_.shell_ledger_path);
  runners_[static_cast<std::size_t>(executor_kind::lua)] = std::make_unique<lua_runner>(options_.lua_threads);
  runners_[static_cast<std::size_t>(executor_kind::remote)] = std::move(remote);
  runners_[static_cast<std::size_t>(executor_kind::noop)] = std::make_unique<noop_runner>();
  funcs_ = std::make_unique<lua_runner>(options_.func_threads);
}

executor_pool::~executor_pool() = default;

status executor_pool::supports(executor_kind kind) const {
  if (!options_.enabled.contains(kind))
    return status::invalid_argument(std::string("request_url: the ") + executor_kind_name(kind) +
                                    " executor is turned off on this server (--executors " +
                                    options_.enabled.to_string() + ")");
  if (kind == executor_kind::remote && !remote_->enabled())
    return status::invalid_argument("request_url: REMOTE@ jobs run on worker nodes, and this server "
                                    "takes none (start it with --node-listen)");
  return {};
}

status executor_pool::accepts(const executor_target& target, const std::string& job_name) const {
  if (auto st = supports(kind_of(target)); !st.ok()) return st;
  const auto* lua = std::get_if<lua_target>(&target);
  if (!lua) return {};
  if (auto st = check_lua_syntax(lua->source, job_name); !st.ok())
    return status::invalid_argument("exec_command: " + st.message());
  return {};
}

void executor_pool::start(executor_kind kind, run_request req, run_callback done) {
  if (auto st = supports(kind); !st.ok()) {
    if (kind == executor_kind::remote) st = status::unavailable("node " + req.node + ": " + st.message());
    return fail_run(req.run_id, st, std::move(done));
  }
  runner_for(kind).start(std::move(req), std::move(done));
}

status executor_pool::accepts_func(const func_spec& func) const {
  if (!options_.enabled.contains(executor_kind::lua))
    return status::invalid_argument("lua_body: funcs run Lua, and the lua executor is turned off on "
                                    "this server (--executors " + options_.enabled.to_string() + ")");
  if (auto st = check_lua_syntax(func.lua_body, func.name); !st.ok())
    return status::invalid_argument("lua_body: " + st.message());
  return {};
}

void executor_pool::call_func(const func_spec& func, func_request req,
                              std::function<void(status_or<std::string>)> done) {
  if (!options_.enabled.contains(executor_kind::lua))
    return done(status::failed_precondition("func " + func.name + ": the lua executor is turned off on this server"));
  lua_http_call call{std::move(req.method), std::move(req.path), std::move(req.body),
                     std::move(req.headers), std::move(req.query)};
  funcs_->start_func(func.lua_body, func.name, std::move(call), k_func_call_timeout,
                     [done = std::move(done), name = func.name](lua_http_result r) {
                       if (r.ok) return done(std::move(r.output));
                       if (r.timed_out) return done(status::deadline_exceeded("func " + name + ": " + r.error));
                       if (r.refused) return done(status::unavailable("func " + name + ": " + r.error));
                       done(status::internal("func " + name + ": " + r.error));
                     });
}

void executor_pool::report(const std::string& json_body) {
  if (options_.reply_hook_url.empty()) return;
  http_->post_json(options_.reply_hook_url, json_body, k_reply_hook_timeout, [](run_outcome) {});
}

void executor_pool::post_hook(std::string url, std::string json_body, std::function<void(bool)> done) {
  http_->post_json(std::move(url), std::move(json_body), k_run_hook_timeout,
                   [done = std::move(done)](run_outcome out) { done(out.result == run_result::succeeded); });
}

std::size_t executor_pool::running() const {
  std::size_t n = funcs_->running();
  for (const auto& r : runners_) n += r->running();
  return n;
}
std::size_t executor_pool::queued() const {
  std::size_t n = funcs_->queued();
  for (const auto& r : runners_) n += r->queued();
  return n;
}

// A job edited to another executor while a run is in flight names its new kind: the run is still on
// the local runner that started it. Run ids are unique, and a runner leaves a run it does not
// hold alone, so asking each local runner reaches it (these calls are rare: a client's abort or
// change).
void executor_pool::abort(executor_kind kind, uint64_t run_id, std::string why) {
  if (kind == executor_kind::remote) return runner_for(kind).abort(run_id, std::move(why));
  for (executor_kind local : k_local_kinds) runner_for(local).abort(run_id, why);
}

void executor_pool::adjust(executor_kind kind, uint64_t run_id, run_adjustment change) {
  if (kind == executor_kind::remote) return runner_for(kind).adjust(run_id, change);
  for (executor_kind local : k_local_kinds) runner_for(local).adjust(run_id, change);
}

std::optional<run_live> executor_pool::live(uint64_t run_id) const {
  return runner_for(executor_kind::shell).live(run_id);
}

}  // namespace mainspring
