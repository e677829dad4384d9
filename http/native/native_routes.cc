#include "http/native/native_routes.h"

#include <charconv>
#include <exception>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "http/native/dashboard_routes.h"
#include "http/native/envelope.h"
#include "http/native/func_routes.h"
#include "http/native/job_json.h"
#include "http/native/pool_routes.h"
#include "http/json_body.h"
#include "http/native/route_helpers.h"

namespace mainspring::http::native {

namespace {

using nlohmann::json;

// Same as `answer`, with "ok" whatever the value (clear and delete-by-name answer a count).
template <class T>
reply_fn<T> answer_ok_ignoring_value(responder reply) {
  return answer<T>(std::move(reply), [](const T&) { return json("ok"); });
}

status_or<std::string> job_id_param(const http_request& req) {
  // Any dialect's job ids (Dkron's names have '-' and '.'), so that native clients see them all.
  const std::string& id = req.param("job_id");
  if (!is_valid_job_id(id))
    return status::invalid_argument("job_id: must match [a-zA-Z0-9_.-]{1,128}, got \"" +
                                    id.substr(0, 64) + "\"");
  return id;
}

status_or<std::pair<std::string, std::string>> group_and_job_params(const http_request& req) {
  auto group = group_param(req);
  if (!group.ok()) return group.status();
  auto id = job_id_param(req);
  if (!id.ok()) return id.status();
  return std::pair{*group, *id};
}

// ?name=<decimal> as an unsigned number, `fallback` when the key is absent.
status_or<uint64_t> unsigned_query(const http_request& req, const std::string& name,
                                   uint64_t fallback, std::string_view what) {
  if (!req.query.contains(name)) return fallback;
  const std::string& text = req.query_value(name);
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return status::invalid_argument(name + ": must be " + std::string(what) + ", got \"" +
                                    text.substr(0, 32) + "\"");
  return n;
}

struct executions_page {
  std::size_t limit = k_default_executions_limit;
  uint64_t before_run_id = 0;  // 0 = from the newest
};

status_or<executions_page> executions_query(const http_request& req) {
  executions_page page;
  auto limit = unsigned_query(req, "limit", k_default_executions_limit, "a whole number");
  if (!limit.ok()) return limit.status();
  if (*limit < 1 || *limit > k_max_executions_limit)
    return status::invalid_argument("limit: must be between 1 and " +
                                    std::to_string(k_max_executions_limit));
  page.limit = static_cast<std::size_t>(*limit);
  auto before = unsigned_query(req, "before", 0, "a run id (a decimal number)");
  if (!before.ok()) return before.status();
  page.before_run_id = *before;
  return page;
}

// GET /v1/{group}/jobs?offset=&limit=&q=&state=&sort= (an extension: paged lists).
status_or<job_page_query> page_query(const http_request& req) {
  job_page_query q;
  auto offset = unsigned_query(req, "offset", 0, "a whole number");
  if (!offset.ok()) return offset.status();
  auto limit = unsigned_query(req, "limit", 100, "a whole number");
  if (!limit.ok()) return limit.status();
  if (*limit < 1 || *limit > k_max_page_jobs)
    return status::invalid_argument("limit: must be between 1 and " + std::to_string(k_max_page_jobs));
  q.offset = static_cast<std::size_t>(*offset);
  q.limit = static_cast<std::size_t>(*limit);
  q.q = req.query_value("q");
  if (q.q.size() > k_max_job_name_bytes)
    return status::invalid_argument("q: longer than " + std::to_string(k_max_job_name_bytes) + " bytes");
  const std::string& state = req.query_value("state");
  if (state == "active") q.state = job_phase::active;
  else if (state == "paused") q.state = job_phase::paused;
  else if (state == "done") q.state = job_phase::done;
  else if (!state.empty()) return status::invalid_argument("state: active, paused or done");
  const std::string& sort = req.query_value("sort");
  if (sort == "name") q.sort = job_page_query::order::name;
  else if (sort == "next_fire") q.sort = job_page_query::order::next_fire;
  else if (sort == "last_outcome") q.sort = job_page_query::order::last_outcome;
  else if (sort == "id_desc") q.sort = job_page_query::order::id_desc;
  else if (!sort.empty() && sort != "id")
    return status::invalid_argument("sort: id, id_desc, name, next_fire or last_outcome");
  return q;
}

// -- payloads --

json page_json(const job_page& page) {
  json jobs = json::array();
  for (const auto& job : page.jobs) jobs.push_back(job_detail_json(job));
  return json{{"total", page.total}, {"jobs", std::move(jobs)}};
}

json runs_json(const std::vector<run_record>& runs) {
  json out = json::array();
  for (const auto& run : runs) out.push_back(run_record_json(run));
  return out;
}

// -- routes --

void add_group_routes(router& r, scheduler_api& api) {
  r.add("POST", "/v1/register/group", guarded([&api](http_request& req, responder reply) {
    auto group = decode_body(req, group_name_from_json);
    if (!group.ok()) return reply.send(failure(group.status()));
    api.register_group(origin_of(req), *group, answer<std::string>(reply, [](const std::string& s) { return json(s); }));
  }));
  r.add("POST", "/v1/remove/group", guarded([&api](http_request& req, responder reply) {
    auto group = decode_body(req, group_name_from_json);
    if (!group.ok()) return reply.send(failure(group.status()));
    api.remove_group(origin_of(req), *group, answer_ok(reply));
  }));
  r.add("GET", "/v1/group/list", guarded([&api](http_request&, responder reply) {
    api.list_groups(answer<std::vector<std::string>>(reply, [](const auto& g) { return json(g); }));
  }));
  auto group_info = guarded([&api](http_request& req, responder reply) {
    auto group = group_param(req);
    if (!group.ok()) return reply.send(failure(group.status()));
    api.group_info(*group, answer<group_spec>(reply, [](const group_spec& g) { return json(g.secret); }));
  });
  r.add("GET", "/v1/{group}/group/info", group_info);
  r.add("GET", "/{group}/v1/group/info", group_info);  // the document's spelling
  auto node_list = guarded([&api](http_request& req, responder reply) {
    auto group = group_param(req);
    if (!group.ok()) return reply.send(failure(group.status()));
    api.list_nodes(*group, answer<std::vector<node_view>>(reply, [](const std::vector<node_view>& nodes) {
      json out = json::array();
      for (const auto& n : nodes) out.push_back(node_json(n));
      return out;
    }));
  });
  r.add("GET", "/v1/{group}/node/list", node_list);
  r.add("GET", "/{group}/v1/node/list", node_list);  // the document's example spelling
}

void add_job_routes(router& r, scheduler_api& api) {
  r.add("POST", "/v1/add/job", guarded([&api](http_request& req, responder reply) {
    auto spec = decode_body(req, job_spec_from_json);
    if (!spec.ok()) return reply.send(failure(spec.status()));
    if (auto st = check_pool_named(api, spec->group, spec->controls); !st.ok()) return reply.send(failure(st));
    api.add_job(origin_of(req), std::move(spec).value(),
                answer<std::string>(reply, [](const std::string& id) { return json(id); }));
  }));
  r.add("POST", "/v1/edit/job", guarded([&api](http_request& req, responder reply) {
    auto edit = decode_body(req, job_edit_from_json);
    if (!edit.ok()) return reply.send(failure(edit.status()));
    if (edit->patch.controls) {
      if (auto st = check_pool_named(api, edit->group, *edit->patch.controls); !st.ok()) return reply.send(failure(st));
    }
    api.edit_job(origin_of(req), edit->group, edit->job_id, edit->patch, answer_ok_ignoring_value<job_view>(reply));
  }));
  r.add("POST", "/v1/pause/job", guarded([&api](http_request& req, responder reply) {
    auto job = decode_body(req, job_ref_from_json);
    if (!job.ok()) return reply.send(failure(job.status()));
    api.pause_job(origin_of(req), job->group, job->job_id, answer_ok(reply));
  }));
  r.add("POST", "/v1/active/job", guarded([&api](http_request& req, responder reply) {
    auto body = parse_json_object(req.body);
    if (!body.ok()) return reply.send(failure(body.status()));
    auto job = job_ref_from_json(*body);
    if (!job.ok()) return reply.send(failure(job.status()));
    auto exec_time = activate_time_from_json(*body);
    if (!exec_time.ok()) return reply.send(failure(exec_time.status()));
    api.activate_job(origin_of(req), job->group, job->job_id, *exec_time, answer_ok(reply));
  }));
  r.add("POST", "/v1/delete/job", guarded([&api](http_request& req, responder reply) {
    auto job = decode_body(req, job_ref_from_json);
    if (!job.ok()) return reply.send(failure(job.status()));
    api.delete_job(origin_of(req), job->group, job->job_id, answer_ok(reply));
  }));
  r.add("GET", "/v1/{group}/job/list", guarded([&api](http_request& req, responder reply) {
    auto group = group_param(req);
    if (!group.ok()) return reply.send(failure(group.status()));
    // The text is built as the jobs are read (on the list worker), without a view of each.
    auto body = std::make_shared<std::string>("{\"success\":[");
    const std::size_t opening = body->size();
    auto add_item = [body, opening](const job_view& view, std::size_t at_most) {
      if (body->size() == opening) body->reserve(opening + at_most * k_job_list_item_guess + 2);
      else *body += ',';
      append_job_list_item(*body, view);
    };
    api.visit_jobs(*group, std::move(add_item), [reply, body](status_or<std::size_t> visited) {
      if (!visited.ok()) return reply.send(failure(visited.status()));
      *body += "]}";
      reply.send(http_response::json(200, std::move(*body)));
    });
  }));
  r.add("DELETE", "/v1/{group}/job/clear", guarded([&api](http_request& req, responder reply) {
    auto group = group_param(req);
    if (!group.ok()) return reply.send(failure(group.status()));
    api.clear_jobs(origin_of(req), *group, answer_ok_ignoring_value<std::size_t>(reply));
  }));
  r.add("DELETE", "/v1/{group}/job/delete/{job_name}",
        guarded([&api](http_request& req, responder reply) {
          auto group = group_param(req);
          if (!group.ok()) return reply.send(failure(group.status()));
          const std::string& name = req.param("job_name");
          if (name.size() > k_max_job_name_bytes)
            return reply.send(failure(status::invalid_argument(
                "name: longer than " + std::to_string(k_max_job_name_bytes) + " bytes")));
          api.delete_jobs_by_name(origin_of(req), *group, name, answer_ok_ignoring_value<std::size_t>(reply));
        }));
}

// Mainspring's additions: job detail, run now, the executions list.
void add_extension_routes(router& r, scheduler_api& api) {
  r.add("GET", "/v1/{group}/job/{job_id}", guarded([&api](http_request& req, responder reply) {
    auto job = group_and_job_params(req);
    if (!job.ok()) return reply.send(failure(job.status()));
    api.job_detail(job->first, job->second, answer<job_view>(reply, job_detail_json));
  }));
  r.add("GET", "/v1/{group}/jobs", guarded([&api](http_request& req, responder reply) {
    auto group = group_param(req);
    if (!group.ok()) return reply.send(failure(group.status()));
    auto query = page_query(req);
    if (!query.ok()) return reply.send(failure(query.status()));
    api.list_jobs_page(*group, std::move(query).value(), answer<job_page>(reply, page_json));
  }));
  r.add("POST", "/v1/{group}/job/{job_id}/abort", guarded([&api](http_request& req, responder reply) {
    auto job = group_and_job_params(req);
    if (!job.ok()) return reply.send(failure(job.status()));
    api.abort_job_runs(origin_of(req), job->first, job->second,
                       answer<std::size_t>(reply, [](std::size_t n) { return json(n); }));
  }));
  r.add("POST", "/v1/{group}/job/{job_id}/run", guarded([&api](http_request& req, responder reply) {
    auto job = group_and_job_params(req);
    if (!job.ok()) return reply.send(failure(job.status()));
    // An optional body {"plan_time": <unix s>} makes it a run standing for that time.
    auto as_of_ms = run_as_of_ms_from_body(req.body);
    if (!as_of_ms.ok()) return reply.send(failure(as_of_ms.status()));
    // A string: run ids are 64-bit and JavaScript numbers are not; "0": the run waits in the
    // job's queue. A job at its max_running (no room in its queue) is a 429: try again later.
    manual_run run{*as_of_ms, std::nullopt};
    api.run_job_now_as(origin_of(req), job->first, job->second, std::move(run), [reply](status_or<uint64_t> id) {
      if (!id.ok() && id.status().code() == status_code::resource_exhausted)
        return reply.send(render_error(429, id.status()));
      if (!id.ok()) return reply.send(failure(id.status()));
      reply.send(success(json(std::to_string(*id))));
    });
  }));
  r.add("GET", "/v1/{group}/job/{job_id}/executions",
        guarded([&api](http_request& req, responder reply) {
          auto job = group_and_job_params(req);
          if (!job.ok()) return reply.send(failure(job.status()));
          auto page = executions_query(req);
          if (!page.ok()) return reply.send(failure(page.status()));
          api.job_executions(job->first, job->second, page->limit, page->before_run_id,
                             answer<std::vector<run_record>>(reply, runs_json));
        }));
  // Forgets the job's finished runs and its counts (runs in flight go on, recorded when they end).
  r.add("DELETE", "/v1/{group}/job/{job_id}/executions",
        guarded([&api](http_request& req, responder reply) {
          auto job = group_and_job_params(req);
          if (!job.ok()) return reply.send(failure(job.status()));
          api.clear_job_runs(origin_of(req), job->first, job->second, answer_ok(reply));
        }));
  // Erases one finished run from the job's history (its counts stay).
  r.add("DELETE", "/v1/{group}/job/{job_id}/executions/{run_id}",
        guarded([&api](http_request& req, responder reply) {
          auto job = group_and_job_params(req);
          if (!job.ok()) return reply.send(failure(job.status()));
          const std::string& text = req.param("run_id");
          uint64_t run_id = 0;
          auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), run_id);
          if (text.empty() || ec != std::errc() || end != text.data() + text.size() || run_id == 0)
            return reply.send(failure(status::invalid_argument("run_id: must be a run id (a decimal number), got \"" +
                                                               text.substr(0, 32) + "\"")));
          api.delete_runs(origin_of(req), job->first, job->second, {run_id}, answer_ok(reply));
        }));
}

// Dumps download as a tar.gz attachment named as the original names them.
reply_fn<dump_file> answer_dump(responder reply) {
  return [reply = std::move(reply)](status_or<dump_file> file) {
    if (!file.ok()) return reply.send(failure(file.status()));
    http_response r{200, "application/gzip", std::move(file->bytes), {}};
    r.headers.emplace_back("Content-Disposition", "attachment; filename=" + file->name);
    reply.send(std::move(r));
  };
}

json audit_json(const std::vector<audit_entry>& entries) {
  json out = json::array();
  for (const auto& e : entries)
    out.push_back({{"time_ms", e.time_ms}, {"api", e.api}, {"key_id", e.key_id}, {"action", e.action},
                   {"group_name", e.group}, {"job_id", e.job_id}, {"detail", e.detail}, {"client_ip", e.client_ip}});
  return out;
}

// GET /v1/audit?from=<unix s>&to=<unix s>&limit=N: the audit log (an extension).
status_or<std::tuple<int64_t, int64_t, std::size_t>> audit_query(const http_request& req) {
  auto from = unsigned_query(req, "from", 0, "a unix time in seconds");
  if (!from.ok()) return from.status();
  auto to = unsigned_query(req, "to", static_cast<uint64_t>(k_max_exec_time_s), "a unix time in seconds");
  if (!to.ok()) return to.status();
  auto limit = unsigned_query(req, "limit", k_default_executions_limit * 5, "a whole number");
  if (!limit.ok()) return limit.status();
  if (*limit < 1 || *limit > k_max_audit_limit)
    return status::invalid_argument("limit: must be between 1 and " + std::to_string(k_max_audit_limit));
  if (*from > static_cast<uint64_t>(k_max_exec_time_s) || *to > static_cast<uint64_t>(k_max_exec_time_s))
    return status::invalid_argument("from, to: must not be later than the year 9999");
  return std::make_tuple(static_cast<int64_t>(*from) * 1000, static_cast<int64_t>(*to) * 1000,
                         static_cast<std::size_t>(*limit));
}

void add_state_routes(router& r, scheduler_api& api) {
  r.add("GET", "/v1/dump/all", guarded([&api](http_request&, responder reply) {
    api.dump(std::nullopt, answer_dump(std::move(reply)));
  }));
  r.add("GET", "/v1/{group}/dump", guarded([&api](http_request& req, responder reply) {
    auto group = group_param(req);
    if (!group.ok()) return reply.send(failure(group.status()));
    api.dump(*group, answer_dump(std::move(reply)));
  }));
  auto import = guarded([&api](http_request& req, responder reply) {
    if (req.body.empty()) return reply.send(failure(status::invalid_argument("import: the body must be a dump archive (tar.gz)")));
    api.import(origin_of(req), std::move(req.body), [reply](status st) {
      reply.send(st.ok() ? success("success") : failure(st));
    });
  });
  r.add("POST", "/v1/import", import);
  r.add("POST", "/import", import);  // the document's example spelling
  r.add("GET", "/v1/audit", guarded([&api](http_request& req, responder reply) {
    auto query = audit_query(req);
    if (!query.ok()) return reply.send(failure(query.status()));
    auto [from, to, limit] = *query;
    api.audit_log(from, to, limit, answer<std::vector<audit_entry>>(reply, audit_json));
  }));
}

}  // namespace

void add_native_routes(router& r, scheduler_api& api) {
  r.add("GET", "/version", [](http_request&, responder reply) {
    reply.send(success(MAINSPRING_VERSION));
  });
  add_group_routes(r, api);
  add_job_routes(r, api);
  add_extension_routes(r, api);
  add_state_routes(r, api);
  add_func_routes(r, api);
  add_dashboard_routes(r, api);
  add_pool_routes(r, api);
}

}  // namespace mainspring::http::native
