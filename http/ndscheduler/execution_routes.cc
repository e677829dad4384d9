#include "http/ndscheduler/execution_routes.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/audit_names.h"
#include "http/dialect_data.h"
#include "http/ndscheduler/audit_log.h"
#include "http/ndscheduler/job_classes.h"
#include "http/ndscheduler/job_json.h"

namespace mainspring::http::ndscheduler {

namespace {

using nlohmann::json;

const char* state_name(const run_record& run) {
  switch (run.state) {
    case run_state::running: return "running";
    case run_state::succeeded: return "succeeded";
    case run_state::timed_out: return "timeout";
    case run_state::skipped: return "scheduled error";
    case run_state::failed: break;
  }
  return run.output_tail.find(k_unavailable_marker) != std::string::npos ||
                 run.error.find(k_unavailable_marker) != std::string::npos
             ? "scheduled error"
             : "failed";
}

// An execution's updated_time: when it ended, or while in flight when it started.
int64_t updated_ms(const run_record& run) { return run.end_ms ? run.end_ms : run.start_ms; }

std::string execution_id(const run_record& run) { return run.job_id + "-" + std::to_string(run.run_id); }

// What ndscheduler stores as the result: json.dumps(result, indent=4, sort_keys=True) of what
// the class returned (Python's ensure_ascii escapes too), or the error. CurlJob returns the
// body's text; ShellJob and AwesomeJob print their result as JSON (job_classes.h).
json result_of(const run_record& run, const json& job_section) {
  if (run.state == run_state::running) return nullptr;
  const std::string cls = job_section.value("job_class_string", "");
  if (run.state == run_state::succeeded) {
    constexpr bool k_ensure_ascii = true;
    if (cls == k_curl_job) return json(run.output_tail).dump(-1, ' ', k_ensure_ascii, json::error_handler_t::replace);
    if (cls == k_shell_job || cls == k_awesome_job) {
      json value = json::parse(run.output_tail, nullptr, false);
      if (!value.is_discarded()) return value.dump(4, ' ', k_ensure_ascii, json::error_handler_t::replace);
    }
    return run.output_tail;
  }
  std::string why = run.error;
  if (!run.output_tail.empty()) why += (why.empty() ? "" : "\n") + run.output_tail;
  return why;
}

// `job` is null for a job deleted since; `deleted` is then its section as it was deleted (for the
// result's form), or null.
ojson execution_json(const run_record& run, const job_view* job, const std::string& hostname,
                     const json* deleted = nullptr) {
  json section = job ? dialect_section(job->spec.dialect_data, k_dialect_name) : deleted ? *deleted : json::object();
  const int64_t updated = updated_ms(run);
  // _build_execution's order.
  ojson out = {{"execution_id", execution_id(run)},
               {"state", state_name(run)},
               {"hostname", run.node.empty() ? hostname : run.node},
               {"pid", -1},
               {"task_id", ""},
               {"description", ""},
               {"result", result_of(run, section)},
               {"scheduled_time", iso_time(run.plan_ms)},
               {"updated_time", iso_time(updated)}};
  if (job) {
    ojson j = job_json(*job);
    // The released server's fields in its order (job_id, name, task_name, pub_args, the cron
    // strings), then the document's (job_class_string, trigger, trigger_params): a client of
    // either finds what it reads.
    ojson section_out = {{"job_id", j["job_id"]}, {"name", j["name"]}, {"task_name", j["job_class_string"]},
                         {"pub_args", j["pub_args"]}};
    for (const char* f : {"month", "day", "week", "day_of_week", "hour", "minute", "job_class_string", "trigger", "trigger_params"})
      if (j.contains(f)) section_out[f] = j[f];  // an interval job has no cron strings
    out["job"] = std::move(section_out);
  }
  return out;
}

// The finished runs `ended` with the runs of `busy` planned in [from_ms, to_ms] that are not among
// them, at most k_max_list_entries, as ndscheduler orders them: updated_time, latest first (then
// the newer run first). ndscheduler lists an execution from the moment it is scheduled, in state
// "running" until it ends.
std::vector<run_record> with_runs_in_flight(std::vector<run_record> ended, const std::vector<run_record>& busy,
                                            int64_t from_ms, int64_t to_ms) {
  std::set<uint64_t> listed;
  for (const auto& r : ended) listed.insert(r.run_id);
  for (const auto& r : busy)
    if (r.plan_ms >= from_ms && r.plan_ms <= to_ms && !listed.count(r.run_id)) ended.push_back(r);
  std::sort(ended.begin(), ended.end(), [](const run_record& a, const run_record& b) {
    return updated_ms(a) != updated_ms(b) ? updated_ms(a) > updated_ms(b) : a.run_id > b.run_id;
  });
  if (ended.size() > k_max_list_entries) ended.resize(k_max_list_entries);
  return ended;
}

// The deleted jobs whose runs one list looks up at most (each a point read); the others' results
// show as stored.
constexpr std::size_t k_max_deleted_job_lookups = 100;

// Calls `then` with the ndscheduler section of each job of `ids` that was deleted (read one after
// the other), added to `found`.
void with_deleted_sections(scheduler_api& api, const std::string& group, std::vector<std::string> ids,
                           std::map<std::string, json> found, std::function<void(std::map<std::string, json>)> then) {
  if (ids.empty()) return then(std::move(found));
  std::string id = std::move(ids.back());
  ids.pop_back();
  api.find_deleted_job(group, id, [&api, group, id, ids = std::move(ids), found = std::move(found),
                                   then = std::move(then)](status_or<deleted_job> gone) mutable {
    if (gone.ok()) found[id] = dialect_section(gone->spec.dialect_data, k_dialect_name);
    with_deleted_sections(api, group, std::move(ids), std::move(found), std::move(then));
  });
}

// Answers the runs planned in [from_ms, to_ms] as ndscheduler's execution list, each with its
// job's section (for a job deleted meanwhile, its section as deleted): the finished ones the store holds (`ended`),
// each job's last finished run when the store does not hold it yet (it is written a moment after
// the run ends), and those in flight (`busy`).
void send_executions(scheduler_api& api, const options_ptr& o, const responder& reply, std::vector<run_record> ended,
                     std::vector<run_record> busy, int64_t from_ms, int64_t to_ms) {
  api.list_jobs(o->group, [&api, o, reply, ended = std::move(ended), busy = std::move(busy), from_ms,
                           to_ms](status_or<std::vector<job_view>> views) mutable {
    if (views.ok()) add_runs_not_held(ended, last_finished_runs(*views, from_ms, to_ms));
    auto runs = std::make_shared<const std::vector<run_record>>(with_runs_in_flight(std::move(ended), busy, from_ms, to_ms));
    auto jobs = std::make_shared<const std::vector<job_view>>(views.ok() ? std::move(views).value() : std::vector<job_view>{});
    // The deleted jobs among them, for their results' form (a job class's result is JSON).
    std::vector<std::string> gone;
    std::set<std::string> live;
    for (const auto& v : *jobs) live.insert(v.spec.id);
    for (const auto& run : *runs)
      if (!live.count(run.job_id) && std::find(gone.begin(), gone.end(), run.job_id) == gone.end() &&
          gone.size() < k_max_deleted_job_lookups)
        gone.push_back(run.job_id);
    with_deleted_sections(api, o->group, std::move(gone), {}, [o, reply, runs, jobs](std::map<std::string, json> deleted) {
      std::map<std::string, const job_view*> by_id;
      for (const auto& v : *jobs) by_id[v.spec.id] = &v;
      ojson out = ojson::array();
      for (const auto& run : *runs) {
        auto it = by_id.find(run.job_id);
        auto d = deleted.find(run.job_id);
        out.push_back(execution_json(run, it == by_id.end() ? nullptr : it->second, o->hostname,
                                     d == deleted.end() ? nullptr : &d->second));
      }
      send_json(reply, 200, ojson{{"executions", std::move(out)}});
    });
  });
}

// [start, end] of ?time_range_start / ?time_range_end (defaults: ten minutes ago, and now).
status_or<std::pair<int64_t, int64_t>> time_range(const http_request& req) {
  int64_t end = to_unix_ms(now_ms()), start = end - k_default_range_ms;
  if (req.query.count("time_range_end")) {
    auto t = parse_iso_time(req.query_value("time_range_end"), "time_range_end");
    if (!t.ok()) return t.status();
    end = *t;
  }
  if (req.query.count("time_range_start")) {
    auto t = parse_iso_time(req.query_value("time_range_start"), "time_range_start");
    if (!t.ok()) return t.status();
    start = *t;
  }  // else ten minutes before now, whatever the end (as ndscheduler's handlers)
  return std::pair{start, end};
}

void run_now(scheduler_api& api, const options_ptr& o, const http_request& req, responder reply, const std::string& id) {
  api.run_job_now(origin(req), o->group, id, [reply, id](status_or<uint64_t> run) {
    if (!run.ok()) return send_error(reply, nd_status(run.status(), id));
    send_json(reply, 200, json{{"execution_id", id + "-" + std::to_string(*run)}});
  });
}

}  // namespace

void add_execution_routes(router& r, scheduler_api& api, options_ptr o) {
  r.add("GET", k_executions_route, handler([&api, o](http_request& req, responder reply) {
    auto range = time_range(req);
    if (!range.ok()) return send_error(reply, range.status());
    // Named copies, not a structured binding: clang before 16 cannot capture those in a lambda.
    const int64_t from_ms = range->first, to_ms = range->second;
    // Runs in flight first, then the finished ones: a run that ends between the two reads shows
    // once, finished.
    api.runs_in_flight(o->group, [&api, o, reply, from_ms, to_ms](status_or<std::vector<run_record>> busy) {
      if (!busy.ok()) return send_error(reply, busy.status());
      api.group_executions(o->group, from_ms, to_ms, k_max_list_entries,
                           [&api, o, reply, from_ms, to_ms, busy = std::move(busy).value()](status_or<std::vector<run_record>> ended) {
                             if (!ended.ok()) return send_error(reply, ended.status());
                             send_executions(api, o, reply, std::move(ended).value(), std::move(busy), from_ms, to_ms);
                           });
    });
  }));
  r.add("GET", k_execution_route, handler([&api, o](http_request& req, responder reply) {
    const std::string eid = req.params["id"];
    auto ref = parse_execution_id(eid);
    if (!ref) return send_error(reply, status::invalid_argument("Execution not found: " + eid));
    const std::string job_id = ref->job_id;
    const uint64_t run_id = ref->run_id;
    executions_kept_after_delete(api, o->group, job_id, 1, run_id + 1,
                                 [&api, o, reply, eid, job_id, run_id](status_or<std::vector<run_record>> runs) {
      if (!runs.ok() || runs->empty() || runs->front().run_id != run_id)
        return send_error(reply, status::invalid_argument("Execution not found: " + eid));
      api.job_detail(o->group, job_id, [&api, o, reply, job_id, run = runs->front()](status_or<job_view> v) {
        if (v.ok()) return send_json(reply, 200, execution_json(run, &*v, o->hostname));
        with_deleted_sections(api, o->group, {job_id}, {}, [o, reply, run, job_id](std::map<std::string, json> deleted) {
          auto d = deleted.find(job_id);
          send_json(reply, 200, execution_json(run, nullptr, o->hostname, d == deleted.end() ? nullptr : &d->second));
        });
      });
    });
  }));
  r.add("POST", k_execution_route, handler([&api, o](http_request& req, responder reply) {
    run_now(api, o, req, reply, req.params["id"]);
  }));
  r.add("POST", k_executions_route, handler([&api, o](http_request& req, responder reply) {
    auto body = body_of(req);
    if (!body.ok()) return send_error(reply, body.status());
    if (!body->contains("job_id") || !(*body)["job_id"].is_string())
      return send_error(reply, status::invalid_argument("Require this parameter: job_id"));
    run_now(api, o, req, reply, (*body)["job_id"].get<std::string>());
  }));
  r.add("DELETE", k_execution_route, handler([](http_request&, responder reply) {
    send_error(reply, status::unimplemented("Not implemented yet."));
  }));
  r.add("GET", k_logs_route, handler([&api, o](http_request& req, responder reply) {
    auto range = time_range(req);
    if (!range.ok()) return send_error(reply, range.status());
    api.group_audit_log({o->group}, range->first, range->second + 1, k_max_list_entries,
                  [&api, o, reply](status_or<std::vector<audit_entry>> entries) {
      if (!entries.ok()) return send_error(reply, entries.status());
      api.list_jobs(o->group, [o, reply, entries = std::move(entries).value()](status_or<std::vector<job_view>> views) {
        static const std::map<std::string, std::string> events = {
            {"job.add", "added"},     {"job.edit", "modified"},   {"job.delete", "deleted"},
            {"job.pause", "paused"}, {"job.activate", "resumed"}, {"job.run", "custom_run"}};
        std::map<std::string, std::string> current;
        if (views.ok())
          for (const auto& v : *views) current[v.spec.id] = v.spec.name;
        // The name each entry shows is the one it recorded, else as audit_job_names finds it.
        audit_job_names names(std::move(current));
        ojson logs = ojson::array();
        for (const audit_entry& e : entries) {  // oldest first
          auto event = events.find(e.action);
          if (e.group != o->group || event == events.end()) continue;
          logged_event logged = read_entry(e);
          const std::string name = names.name_at(e.job_id, std::move(logged.job_name));
          logs.push_back(ojson{{"job_id", e.job_id},  // _build_audit_log's order
                              {"job_name", name},
                              {"event", event->second},
                              {"user", e.key_id},
                              {"created_time", iso_time(e.time_ms)},
                              {"description", std::move(logged.description)}});
        }
        std::reverse(logs.begin(), logs.end());  // newest first
        send_json(reply, 200, ojson{{"logs", std::move(logs)}});
      });
    });
  }));
}

}  // namespace mainspring::http::ndscheduler
