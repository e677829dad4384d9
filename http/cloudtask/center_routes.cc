#include "http/cloudtask/center_routes.h"

#include <unistd.h>

#include <algorithm>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/ascii_text.h"
#include "core/job_allocation.h"
#include "http/cloudtask/center_body.h"
#include "http/cloudtask/job_json.h"
#include "http/cloudtask/replies.h"
#include "http/cloudtask/runtime_view.h"
#include "http/handler_kit.h"
#include "http/json_body.h"

namespace mainspring::http::cloudtask {

namespace {

using nlohmann::json;
using identity_ptr = std::shared_ptr<const center_identity>;

request_handler handler(request_handler h) { return guarded(render_center, std::move(h)); }

// Registers `pattern` for `method`, and OPTIONS on it with the CORS headers.
void add(router& r, const std::string& method, std::string_view pattern, request_handler h) {
  r.add(method, pattern, handler(std::move(h)));
  r.add("OPTIONS", pattern, [](http_request&, responder reply) { send_center_options(reply); });
}

// A server's name: the node id. The center names a worker after the host its agent reports and
// shows that one Name as /servers' `name` and jobsalloc's `hostname`; here both are the id.
const std::string& server_name(const node_view& n) { return n.spec.id; }

// One server as the center lists it (common/models Server): an agent, keyed and named by its id.
json server_json(const node_view& n) {
  auto tag = [&](const char* name) {
    auto it = n.spec.tags.find(name);
    return it == n.spec.tags.end() ? std::string() : it->second;
  };
  return json{{"key", n.spec.id},
              {"name", server_name(n)},
              {"ipaddr", n.spec.ip},
              {"apiaddr", ""},  // agents take no HTTP calls: the server reaches them over their connection
              {"os", tag("os")},
              {"platform", tag("platform")},
              {"status", n.up ? 1 : 0},
              // NodeData's Alivestamp: when the agent started (it changes only when it restarts,
              // which is how the center tells a restart); here when it joined this time.
              {"alivestamp", (n.spec.joined_ms ? n.spec.joined_ms : n.spec.registered_ms) / 1000}};
}

// The table's rows (models JobDataInfo) for the entries `keep` accepts.
template <class Keep>
json alloc_json(const runtime_view& rt, Keep keep) {
  json rows = json::array();
  for (const auto& e : rt.table.entries) {
    if (!keep(e)) continue;
    const node_view* n = rt.node(e.server_key);
    auto job = std::lower_bound(rt.jobs.begin(), rt.jobs.end(), e.job_id,
                                [](const job_view& v, const std::string& id) { return v.spec.id < id; });
    rows.push_back(json{{"jobid", e.job_id},
                        {"key", e.server_key},
                        {"version", e.version},
                        {"jobname", job != rt.jobs.end() && job->spec.id == e.job_id ? job->spec.name : ""},
                        {"ipaddr", n ? n->spec.ip : ""},
                        {"hostname", n ? server_name(*n) : ""}});
  }
  return json{{"alloc", {{"location", rt.name}, {"version", rt.table.version}, {"data", std::move(rows)}}}};
}

// The machine as Go's runtime.GOARCH names it, which the center reports as its node's platform.
#if defined(__x86_64__)
constexpr const char* k_go_arch = "amd64";
#elif defined(__aarch64__)
constexpr const char* k_go_arch = "arm64";
#elif defined(__i386__)
constexpr const char* k_go_arch = "386";
#elif defined(__arm__)
constexpr const char* k_go_arch = "arm";
#else
constexpr const char* k_go_arch = "";
#endif

// A path variable as the center's resolve.go reads it, strings.TrimSpace'd (of ASCII blanks here;
// Go trims Unicode's spaces too); blank is nullopt, which the center answers with a 400.
std::optional<std::string> center_param(http_request& req, const char* name) {
  std::string_view value = trim_blanks(req.params[name]);
  if (value.empty()) return std::nullopt;
  return std::string(value);
}

// The messages postMessages decodes whole, by their header's msgname (models.MsgSystemEvent,
// MsgJobExecute, MsgJobSelect), and the word its error names each by.
struct message_kind {
  std::string_view msgname;
  std::string_view word;
  const center_struct* body;
};
const message_kind k_message_kinds[] = {{"SystemEvent", "systemevent", &k_system_event},
                                        {"JobExecute", "jobexecute", &k_job_execute},
                                        {"JobSelect", "jobselect", &k_job_select}};

// The center answers a message that does not decode as its kind with a 500: a client's error,
// so a 400 here (the text is the center's).
constexpr int k_bad_message_status = 400;

// What postMessages answers a message that does not decode as the struct its msgname names
// ("process systemevent message m1 failure, json: cannot unmarshal ..."), or nullopt.
std::optional<std::string> message_failure(const json& header, std::string_view body) {
  const std::string msgname = header.value("msgname", "");
  for (const auto& kind : k_message_kinds) {
    if (msgname != kind.msgname) continue;
    auto whole = read_center_body(body, *kind.body);
    if (whole.ok()) return std::nullopt;
    return "process " + std::string(kind.word) + " message " + header.value("msgid", "") + " failure, " +
           whole.status().message();
  }
  return std::nullopt;  // a message of no known kind is accepted and ignored
}

json ping_json(const center_identity& id) {
  return json{
      {"app", id.app},
      {"key", id.key},
      {"node",
       {{"type", 1}, {"hostname", id.hostname}, {"datacenter", ""}, {"location", ""}, {"os", "linux"},
        {"platform", k_go_arch}, {"ipaddr", ""}, {"apiaddr", id.api_addr}, {"pid", static_cast<int>(getpid())},
        {"singin", false}, {"timestamp", 0}, {"alivestamp", id.started_s}, {"attach", nullptr}}},
      {"systemconfig",
       {{"version", id.version},
        {"pidfile", ""},
        {"retrystartup", false},
        {"useserverconfig", false},
        {"cluster", {{"hosts", ""}, {"root", ""}, {"device", ""}, {"runtime", ""}, {"os", ""}, {"platform", ""},
                     {"pulse", "2s"}, {"timeout", "8s"}, {"threshold", 1}}},
        {"api", {{"hosts", json::array({id.api_addr})}, {"enablecors", true}}},
        {"scheduler", {{"allocmode", "hash"}, {"allocrecovery", "0s"}}},
        {"cache", {{"lrusize", 0}, {"storagedriver", {{"leveldb", json::object()}}}}},
        {"notifications", {{"EndPoints", json::array()}}},
        {"logger", {{"logfile", ""}, {"loglevel", "info"}, {"logsize", 0}}}}},
  };
}

}  // namespace

void add_center_routes(router& r, scheduler_api& api, identity_ptr identity) {
  add(r, "GET", "/cloudtask/v2/_ping", [identity](http_request&, responder reply) {
    send_center_raw(reply, 200, ping_json(*identity));
  });
  auto base = [&api](http_request& req, responder reply) {
    auto jobid = center_param(req, "jobid");
    if (!jobid) return send_center_error(reply, status::invalid_argument("jobid: blank"));
    find_job(api, *jobid, [reply](status_or<located_job> found) {
      if (!found.ok()) return send_center_error(reply, found.status());
      send_center_raw(reply, 200, job_base_json(found->job, found->runtime.entry_version(found->job.spec.id)));
    });
  };
  add(r, "GET", "/cloudtask/v2/jobs/{jobid}/base", base);
  add(r, "GET", "/cloudtask/v2/jobbase/{jobid}", base);
  add(r, "GET", "/cloudtask/v2/runtimes/{runtime}/jobsalloc", [&api](http_request& req, responder reply) {
    auto runtime = center_param(req, "runtime");
    if (!runtime) return send_center_error(reply, status::invalid_argument("runtime: blank"));
    load_runtime(api, *runtime, true, [reply](status_or<runtime_view> rt) {
      if (!rt.ok()) return send_center_error(reply, rt.status());
      send_center(reply, 200, k_successed, alloc_json(*rt, [](const job_allocation_entry&) { return true; }));
    });
  });
  add(r, "GET", "/cloudtask/v2/runtimes/{runtime}/{server}/jobsalloc", [&api](http_request& req, responder reply) {
    auto runtime = center_param(req, "runtime");
    auto server_param = center_param(req, "server");
    if (!runtime || !server_param) return send_center_error(reply, status::invalid_argument("runtime and server: blank"));
    load_runtime(api, *runtime, true, [reply, server = *server_param](status_or<runtime_view> rt) {
      if (!rt.ok()) return send_center_error(reply, rt.status());
      // As GetServerAllocData: a live server, by IP or (case-insensitively) by name, as a job's
      // servers name them.
      const node_view* match = nullptr;
      for (const auto& n : rt->nodes)
        if (n.up && names_server(server, live_server{n.spec.id, n.spec.ip, n.spec.hostname})) match = &n;
      if (!match) return send_center_error(reply, status::not_found("server: " + server));
      const std::string key = match->spec.id;
      send_center(reply, 200, k_successed, alloc_json(*rt, [&](const job_allocation_entry& e) { return e.server_key == key; }));
    });
  });
  add(r, "GET", "/cloudtask/v2/runtimes/{runtime}/servers", [&api](http_request& req, responder reply) {
    auto runtime = center_param(req, "runtime");
    if (!runtime) return send_center_error(reply, status::invalid_argument("runtime: blank"));
    load_runtime(api, *runtime, false, [reply](status_or<runtime_view> rt) {
      json servers = json::array();  // an unknown runtime has no servers: 200 with [] (GetWorkers)
      if (rt.ok())
        for (const auto& n : rt->nodes)
          if (n.up) servers.push_back(server_json(n));
      send_center(reply, 200, k_successed, json{{"servers", std::move(servers)}});
    });
  });
  add(r, "PUT", "/cloudtask/v2/jobs/action", [&api](http_request& req, responder reply) {
    auto body = read_center_body(req.body, k_job_action_request);
    if (!body.ok()) return send_center_error(reply, body.status());
    // Accepted whatever follows, as the center (SetJobAction only logs what it ignores).
    send_center(reply, 202, k_accepted);
    std::string group = body->value("runtime", ""), id = body->value("jobid", ""), action = body->value("action", "");
    if (group.empty() || id.empty()) return;
    auto origin = origin_of(k_dialect_name, req);
    if (action == "stop") {
      // Ends the running execution; the schedule goes on (only "enabled": 0 stops that).
      return api.abort_job_runs(origin, group, id, [](status_or<std::size_t>) {});
    }
    if (action != "start") return;
    load_runtime(api, group, false, [&api, origin, group, id](status_or<runtime_view> rt) {
      if (!rt.ok() || !rt->placement_of(id).allocated) return;  // not placed: nowhere to run it
      api.job_detail(group, id, [&api, origin, group, id](status_or<job_view> v) {
        // Only an enabled, idle Cloudtask job starts (the center refuses a started or disabled one).
        if (!v.ok() || !is_cloudtask_job(v->spec) || v->phase != job_phase::active || v->running > 0) return;
        api.run_job_now(origin, group, id, [](status_or<uint64_t>) {});
      });
    });
  });
  add(r, "POST", "/cloudtask/v2/messages", [](http_request& req, responder reply) {
    auto header = read_center_body(req.body, k_message_header);
    if (!header.ok()) return send_center_error(reply, header.status());
    // postMessages reads the body again as the struct its msgname names, and answers a failure
    // with a 500 saying which message failed and Go's reason (api/messages.go). The sender's
    // body is at fault, not the server: a 400 here, in the center's words (README).
    if (auto failure = message_failure(*header, req.body))
      return send_center(reply, k_bad_message_status, *failure);
    // Jobs made through /api are placed the moment they change, and Mainspring's agents report
    // runs over their own connection: the web's and agents' messages have nothing left to do.
    send_center(reply, 202, k_accepted);
  });
  add(r, "POST", "/cloudtask/v2/logs", [](http_request& req, responder reply) {
    auto body = read_center_body(req.body, k_job_log_request);
    if (!body.ok()) return send_center_error(reply, body.status());
    send_center(reply, 202, k_accepted);
  });
}

}  // namespace mainspring::http::cloudtask
