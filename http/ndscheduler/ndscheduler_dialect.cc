#include "http/ndscheduler/ndscheduler_dialect.h"

#include <algorithm>
#include <memory>

#include <nlohmann/json.hpp>

#include "http/dialect_data.h"
#include "http/ndscheduler/audit_log.h"
#include "http/ndscheduler/execution_routes.h"
#include "http/ndscheduler/job_classes.h"
#include "http/ndscheduler/job_json.h"
#include "http/ndscheduler/key_requirements.h"
#include "http/ndscheduler/replies.h"

namespace mainspring::http::ndscheduler {

namespace {

using nlohmann::json;

// What a PUT of `job` makes of `current`: name, class, arguments and schedule from the body,
// with the current pub_args (as sent) when the body has none. The phase (paused or not) is the
// job actor's and stays as it is.
status put_into(job_spec& current, const nd_job& job, bool pub_args_given) {
  nd_job next = job;
  if (!pub_args_given)
    next.pub_args = ordered_dialect_section(current.dialect_data, k_dialect_name).value("pub_args", ojson::array());
  auto rebuilt = to_job_spec(next, current.group, current.id);
  if (!rebuilt.ok()) return rebuilt.status();
  current.name = rebuilt->name;
  current.schedule = rebuilt->schedule;
  current.target = rebuilt->target;
  current.timeout_ms = rebuilt->timeout_ms;
  current.dialect_data = with_dialect_section(current.dialect_data, k_dialect_name,
                                              ordered_dialect_section(rebuilt->dialect_data, k_dialect_name));
  return {};
}

void add_job_routes(router& r, scheduler_api& api, options_ptr o) {
  r.add("GET", k_jobs_route, handler([&api, o](http_request&, responder reply) {
    api.list_jobs(o->group, [reply](status_or<std::vector<job_view>> views) {
      if (!views.ok()) return send_error(reply, views.status());
      // APScheduler's get_jobs: by next_run_time, paused jobs last (_fix_paused_jobs_sorting);
      // jobs due together in the order they were added (the job store's rows).
      std::sort(views->begin(), views->end(), [](const job_view& a, const job_view& b) {
        auto ka = a.next_fire_ms.value_or(INT64_MAX), kb = b.next_fire_ms.value_or(INT64_MAX);
        if (ka != kb) return ka < kb;
        if (a.spec.created_ms != b.spec.created_ms) return a.spec.created_ms < b.spec.created_ms;
        return a.spec.id < b.spec.id;
      });
      ojson jobs = ojson::array();
      for (const auto& v : *views) jobs.push_back(job_json(v));
      send_json(reply, 200, ojson{{"jobs", std::move(jobs)}});
    });
  }));
  r.add("GET", k_job_route, handler([&api, o](http_request& req, responder reply) {
    std::string id = req.params["id"];
    api.job_detail(o->group, id, [reply, id](status_or<job_view> v) {
      if (!v.ok()) return send_error(reply, nd_status(v.status(), id));
      send_json(reply, 200, job_json(*v));
    });
  }));
  r.add("POST", k_jobs_route, handler([&api, o](http_request& req, responder reply) {
    auto body = body_of(req);
    if (!body.ok()) return send_error(reply, body.status());
    auto job = decode_job(*body);
    if (!job.ok()) return send_error(reply, job.status());
    std::string id = new_job_id();
    auto spec = to_job_spec(*job, o->group, id);
    if (!spec.ok()) return send_error(reply, nd_status(spec.status(), id));
    api.add_job(origin(req, job->name), std::move(spec).value(), [reply, id](status_or<std::string> added) {
      if (!added.ok()) return send_error(reply, nd_status(added.status(), id));
      send_json(reply, 201, json{{"job_id", id}});
    });
  }));
  r.add("POST", k_job_route, not_allowed_with_id("GET, PUT, DELETE, PATCH, OPTIONS"));
  r.add("PUT", k_job_route, handler([&api, o](http_request& req, responder reply) {
    std::string id = req.params["id"];
    auto body = body_of(req);
    if (!body.ok()) return send_error(reply, body.status());
    auto job = decode_job(*body);
    if (!job.ok()) return send_error(reply, job.status());
    const bool pub_args_given = body->contains("pub_args");
    // ndscheduler's _modify_job reads the job before and after the change, and its audit entry
    // says what changed. The job after is the one read with the body put into it: what the edit
    // does unless another change of the job comes between (ndscheduler has the same window).
    with_job(api, o, id, reply, [&api, o, req, reply, id, job = *job, pub_args_given](const job_view& before) {
      job_view after = before;
      if (auto st = put_into(after.spec, job, pub_args_given); !st.ok()) return send_error(reply, nd_status(st, id));
      const std::string detail = audit_detail(job.name, modified_description(job_json(before), job_json(after)));
      job_patch patch;
      patch.edit = [job, pub_args_given](job_spec& current) { return put_into(current, job, pub_args_given); };
      patch.exec_time_s = k_first_fire_by_schedule;  // replans the next fire from the new schedule
      api.edit_job(origin(req, detail), o->group, id, std::move(patch), [reply, id](status_or<job_view> v) {
        if (!v.ok()) return send_error(reply, nd_status(v.status(), id));
        send_json(reply, 200, json{{"job_id", id}});
      });
    });
  }));
  // Delete, pause and resume record the job's name of the moment in the audit entry, as
  // ndscheduler's audit log stores it (the log shows it after a rename or the delete); a delete
  // also the job as it was (its description).
  r.add("DELETE", k_job_route, handler([&api, o](http_request& req, responder reply) {
    std::string id = req.params["id"];
    with_job(api, o, id, reply, [&api, o, req, reply, id](const job_view& v) {
      const std::string detail = audit_detail(v.spec.name, deleted_description(job_json(v)));
      api.delete_job(origin(req, detail), o->group, id, answer_job_id(reply, id));
    });
  }));
  r.add("PATCH", k_job_route, handler([&api, o](http_request& req, responder reply) {
    std::string id = req.params["id"];
    with_job(api, o, id, reply, [&api, o, req, reply, id](const job_view& v) {
      api.pause_job(origin(req, v.spec.name), o->group, id, answer_job_id(reply, id));
    });
  }));
  r.add("OPTIONS", k_job_route, handler([&api, o](http_request& req, responder reply) {
    std::string id = req.params["id"];
    with_job(api, o, id, reply, [&api, o, req, reply, id](const job_view& v) {
      api.activate_job(origin(req, v.spec.name), o->group, id, k_first_fire_by_schedule, answer_job_id(reply, id));
    });
  }));
}

}  // namespace

dialect make_dialect(ndscheduler_options options) {
  auto o = std::make_shared<const ndscheduler_options>(std::move(options));
  dialect d;
  d.name = std::string(k_dialect_name);
  d.add_routes = [o](router& r, scheduler_api& api) {
    add_job_routes(r, api, o);
    add_execution_routes(r, api, o);
    // The dialect's group exists from the start, so that lists work before the first job.
    api.register_group(request_origin{std::string(k_dialect_name), "", ""}, o->group, [](status_or<std::string>) {});
  };
  d.render_error = render;
  d.key_requirement_for = key_requirements();
  return d;
}

}  // namespace mainspring::http::ndscheduler
