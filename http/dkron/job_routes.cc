#include "http/dkron/job_routes.h"

#include <algorithm>
#include <charconv>
#include <memory>
#include <string>
#include <vector>

#include "core/go_json_scan.h"
#include "core/json_depth.h"
#include "core/go_strconv.h"
#include "core/time_types.h"
#include "core/utf8.h"
#include "http/dialect_data.h"
#include "http/dkron/bound_job.h"
#include "http/dkron/go_json_text.h"
#include "http/dkron/job_json.h"
#include "http/dkron/restore_plan.h"
#include "http/go_json.h"
#include "http/handler_kit.h"
#include "http/json_body.h"
#include "http/multipart_form.h"

namespace mainspring::http::dkron {

namespace {

using nlohmann::json;
using state_ptr = std::shared_ptr<dkron_state>;

constexpr std::string_view k_json_type = "application/json; charset=utf-8";

// -- answering --

// `body` as JSON with `code`; indented when the client asked for ?pretty, as Dkron's renderJSON.
void send_json(const responder& reply, const http_request& req, int code, const json& body,
               std::vector<std::pair<std::string, std::string>> headers = {}) {
  bool pretty = req.query.count("pretty") != 0;
  auto text = go_json_text(body, pretty);
  reply.send(http_response{code, std::string(k_json_type), std::move(text), std::move(headers)});
}

int http_status_of(const status& st) {
  switch (st.code()) {
    case status_code::invalid_argument: return 400;
    case status_code::not_found: return 404;
    case status_code::already_exists: return 409;
    case status_code::failed_precondition: return 422;
    case status_code::unavailable: return 503;
    default: return 500;
  }
}

void send_error(const responder& reply, const status& st) { reply.send(render_error(http_status_of(st), st)); }

// A core error in Dkron's words: an unknown job is Dkron's ErrJobNotFound.
status dkron_status(const status& st) {
  // Dkron answers an unknown job with a bare 404, a missing parent with its ErrParentJobNotFound.
  if (st.code() == status_code::not_found && st.message().starts_with("job_id:")) return status::not_found("");
  if (st.code() == status_code::not_found && st.message().starts_with("parent_job:"))
    return status::not_found("specified parent job not found");
  // Within k_max_dkron_fields_bytes (to_job_spec), Dkron's fields outgrow the core's limit only
  // beside the fields another API keeps for the job: say so in the client's terms.
  if (st.code() == status_code::invalid_argument && st.message().starts_with("dialect_data:"))
    return status::invalid_argument("Job validation failed: the job's displayname, owner, tags, processors, executor "
                                    "config and the like, with the fields other APIs keep for it, take more than " +
                                    std::to_string(k_max_dialect_data_bytes) + " bytes.");
  return renamed_field(st, {{"job_id", "name"}, {"parent_job", "parent_job"}});
}

// Dkron's run and toggle handlers answer `Location: c.Request.RequestURI`: the request's own
// target as sent, query included ("/v1/jobs/x/toggle?pretty").
std::vector<std::pair<std::string, std::string>> location_of_request(const http_request& req) {
  return {{"Location", req.target}};
}

// Dkron's jobRunHandler sets 202, then renderJSON(c, 200, job) sets the status again before
// anything is written (gin's responseWriter keeps the last one): its clients get 200.
constexpr int k_run_status = 200;

request_origin origin(const http_request& req) { return origin_of(k_dialect_name, req); }

// -- list queries --

// ?_start or ?_end as Dkron's jobsHandler reads it, `n, _ := strconv.Atoi(text)`: what Atoi
// cannot parse ("abc", "") is 0, so `?_start=&_end=` is the empty page, as in Dkron.
int64_t index_query(const http_request& req, const std::string& name, int64_t fallback) {
  return req.query.count(name) ? go_atoi_ignoring_error(req.query_value(name)) : fallback;
}

// The jobs of GET /v1/jobs that the query keeps, as Dkron's Store.GetJobs filters them:
// ?metadata[k]=v (all must match), ?q (a part of the name or the displayname), ?disabled
// (true|false) and ?status (success|failed|running, or untriggered for a job that never ran).
bool kept(const http_request& req, const json& job) {
  const json& metadata = job["metadata"];
  for (const auto& [key, value] : req.query) {
    // gin's QueryMap("metadata"): "metadata[k]..." names k, up to its first ']'; "metadata[]" none.
    const std::size_t close = key.starts_with("metadata[") ? key.find(']', 9) : std::string::npos;
    if (close == std::string::npos || close == 9) continue;
    auto it = metadata.find(key.substr(9, close - 9));
    if (it == metadata.end() || !it->is_string() || *it != value) return false;
  }
  auto text = [&job](const char* field) { return job[field].is_string() ? job[field].get<std::string>() : std::string(); };
  const std::string& q = req.query_value("q");
  if (!q.empty() && text("name").find(q) == std::string::npos && text("displayname").find(q) == std::string::npos)
    return false;
  const std::string& disabled = req.query_value("disabled");
  if (!disabled.empty() && disabled != (job["disabled"] == true ? "true" : "false")) return false;
  const std::string& wanted = req.query_value("status");
  const std::string status = text("status");
  return wanted.empty() || status == wanted || (wanted == "untriggered" && status.empty());
}

// Sorts by ?_sort (default name) as Dkron's index does (sorted_before), descending for ?_order=DESC
// exactly (Dkron's test: "desc" is ascending), then pages with ?_start/_end (react-admin's).
json sorted_page(const http_request& req, std::vector<json> jobs) {
  auto either = [&](const char* dkron, const char* plain) {
    return req.query.count(dkron) ? req.query_value(dkron) : req.query_value(plain);
  };
  std::string field = either("_sort", "sort");
  if (field.empty() || field == "id") field = "name";
  const bool descending = either("_order", "order") == "DESC";
  std::sort(jobs.begin(), jobs.end(), [&](const json& a, const json& b) {
    return descending ? sorted_before(b, a, field) : sorted_before(a, b, field);
  });
  // Dkron slices jobs[start:end] with end cut to the list's length; a negative index, a start
  // past the end or past the list makes its handler panic (a 500). Here they are clamped into
  // the list: the page is empty rather than an error.
  const auto size = static_cast<int64_t>(jobs.size());
  const int64_t start = std::clamp<int64_t>(index_query(req, "_start", 0), 0, size);
  const int64_t end = std::clamp<int64_t>(index_query(req, "_end", size), start, size);
  const auto from = static_cast<std::size_t>(start), to = static_cast<std::size_t>(end);
  return json(std::vector<json>(std::make_move_iterator(jobs.begin() + static_cast<std::ptrdiff_t>(from)),
                                std::make_move_iterator(jobs.begin() + static_cast<std::ptrdiff_t>(to))));
}

// -- create or update --

// The edit that makes an existing job what `next` says, keeping its identity, secret and the
// other dialects' dialect_data.
job_patch replacement(const job_spec& next) {
  job_patch p;
  p.name = next.name;
  p.schedule = next.schedule;
  p.timezone = next.timezone;
  p.exec_time_s = next.exec_time_s;
  p.target = next.target;
  p.timeout_ms = next.timeout_ms;
  p.retries = next.retries;
  p.concurrency = next.concurrency;
  p.metadata = next.metadata;
  p.parent_job = next.parent_job;
  p.ephemeral = next.ephemeral;
  p.expires_at_ms = next.expires_at_ms;
  p.edit = [section = dialect_section(next.dialect_data, k_dialect_name)](job_spec& job) {
    job.dialect_data = with_dialect_section(job.dialect_data, k_dialect_name, section);
    return status{};
  };
  return p;
}

int64_t now_unix_ms() { return to_unix_ms(now_ms()); }

// Answers the job `name` as it is now, with `code` and `headers`.
void answer_job(scheduler_api& api, const std::string& group, const std::string& name, const http_request& req,
                const responder& reply, int code, std::vector<std::pair<std::string, std::string>> headers = {}) {
  api.job_detail(group, name, [reply, code, headers, pretty = req.query.count("pretty") != 0,
                               zone = api.default_timezone()](status_or<job_view> v) mutable {
    if (!v.ok()) return send_error(reply, dkron_status(v.status()));
    http_request shape;  // only ?pretty matters once the request is gone
    if (pretty) shape.query["pretty"] = "";
    send_json(reply, shape, code, job_json(*v, v->dependents, zone, now_unix_ms()), std::move(headers));
  });
}

// Sets the job's paused state to `disabled`, then calls `then`. An enabled job starts at
// `exec_time_s` (first_exec_time_s).
void set_disabled(scheduler_api& api, const request_origin& who, const std::string& group, const std::string& name,
                  bool disabled, bool was_paused, int64_t exec_time_s, done_fn then) {
  if (disabled == was_paused) return then(status{});
  if (disabled) return api.pause_job(who, group, name, std::move(then));
  api.activate_job(who, group, name, exec_time_s, std::move(then));
}

struct upsert {
  scheduler_api& api;
  state_ptr state;
  request_origin who;
  job_spec spec;
  bool run_on_create = false;
  bool pretty = false;
  responder reply;
  // What the client hears: the job as its request bound it (bound_job.h).
  json bound;
  // When set, hears the outcome instead of the client getting the job's answer (a restore).
  done_fn on_set;

  const std::string& group() const { return state->options.group; }

  void fail(const status& st) {
    if (on_set) return on_set(st);
    send_error(reply, dkron_status(st));
  }

  // Creating is the common case: try it first, and update when the job exists.
  void start(bool group_registered = false) {
    auto self = std::make_shared<upsert>(*this);
    api.create_job(who, spec, [self, group_registered](status_or<job_view> made) {
      if (made.ok()) return self->finish();
      const status& st = made.status();
      if (st.code() == status_code::already_exists) return self->find_existing();
      bool no_group = st.code() == status_code::not_found && st.message().starts_with("group_name:");
      if (no_group && !group_registered) return self->register_group();
      self->fail(st);
    });
  }

  // The dialect's group was removed (through another API): make it again, then create.
  void register_group() {
    auto self = std::make_shared<upsert>(*this);
    api.register_group(who, group(), [self](status_or<std::string> made) {
      if (!made.ok() && made.status().code() != status_code::already_exists) return self->fail(made.status());
      self->start(/*group_registered=*/true);
    });
  }

  void find_existing() {
    auto self = std::make_shared<upsert>(*this);
    api.job_detail(group(), spec.id, [self](status_or<job_view> v) {
      if (v.ok()) return self->update(v->phase == job_phase::paused);
      self->fail(v.status());
    });
  }

  void update(bool was_paused) {
    auto self = std::make_shared<upsert>(*this);
    api.edit_job(who, group(), spec.id, replacement(spec), [self, was_paused](status_or<job_view> v) {
      if (!v.ok()) return self->fail(v.status());
      set_disabled(self->api, self->who, self->group(), self->spec.id, self->spec.paused, was_paused,
                   self->spec.exec_time_s, [self](status st) {
                     if (!st.ok()) return self->fail(st);
                     self->finish();
                   });
    });
  }

  // Answers the job as the request bound it, as Dkron does for a create and an update alike.
  void finish() {
    if (run_on_create) api.run_job_now(who, group(), spec.id, [](status_or<uint64_t>) {});
    if (on_set) return on_set(status{});
    http_request shape;
    if (pretty) shape.query["pretty"] = "";
    send_json(reply, shape, 201, bound, {{"Location", "/v1/jobs/" + spec.id}});
  }
};

// A job body as gin's BindJSON reads it into Dkron's Job: the first JSON value (what follows it is
// not read), Go's words for a body that is no JSON or no object ("json: cannot unmarshal array
// into Go value of type dkron.Job"); null leaves the Job empty.
status_or<json> read_job_body(std::string_view body) {
  auto length = go_json_first_value(body);
  if (!length.ok()) return length.status();
  // Go's decoder takes bytes that are not UTF-8 and lone surrogate escapes, as U+FFFD.
  go_json_members read = parse_members_in_order(go_json_replace_invalid(body.substr(0, *length)));
  // What Go's scanner takes and Mainspring's reader does not (a number beyond a double, 1e999):
  // refused in Mainspring's words.
  if (read.value.is_discarded()) {
    auto refused = parse_json_object(body.substr(0, *length));
    return refused.ok() ? status::invalid_argument("malformed JSON body") : refused.status();
  }
  if (read.value.is_null()) return json::object();
  if (!read.value.is_object()) {
    return status::invalid_argument(std::string("json: cannot unmarshal ") + go_json_kind(read.value) +
                                    " into Go value of type dkron.Job");
  }
  return go_job_fields(read.members);
}

void create_or_update(scheduler_api& api, const state_ptr& state, http_request& req, responder reply) {
  if (state->paused) return reply.send(render_error(503, status::unavailable("New job submissions are currently paused")));
  auto body = read_job_body(req.body);
  if (!body.ok()) return reply.send(render_error(400, status::invalid_argument("Unable to parse payload: " + body.status().message() + ".")));
  auto job = decode_job(*body);
  if (!job.ok()) return reply.send(render_error(400, status::invalid_argument("Unable to parse payload: " + job.status().message() + ".")));
  auto spec = to_job_spec(*job, state->options.group);
  if (!spec.ok()) return reply.send(render_error(400, status::invalid_argument("Job validation failed: " + spec.status().message() + ".")));
  spec->exec_time_s = first_exec_time_s(*spec, job->starts_at, api.default_timezone(), now_unix_ms());
  upsert{api, state, origin(req), std::move(spec).value(), req.query.count("runoncreate") != 0,
         req.query.count("pretty") != 0, std::move(reply), bound_job_json(*body)}
      .start();
}

// -- restore --

// Sets a restore plan's jobs one after the other, each parent before its children (whose turn is
// skipped when the parent could not be set), and answers Dkron's list of results.
struct restorer : std::enable_shared_from_this<restorer> {
  scheduler_api& api;
  state_ptr state;
  request_origin who;
  restore_plan plan;
  responder reply;
  bool pretty = false;
  std::vector<std::size_t> pending;  // the jobs still to set; the next one is at the back
  std::vector<std::string> results;  // "success create NAME" / "fail create NAME", in order

  restorer(scheduler_api& a, state_ptr s, request_origin w, restore_plan p, responder r, bool indent)
      : api(a), state(std::move(s)), who(std::move(w)), plan(std::move(p)), reply(std::move(r)), pretty(indent) {
    pending.assign(plan.roots.rbegin(), plan.roots.rend());
  }

  void next() {
    if (pending.empty()) {
      http_request shape;
      if (pretty) shape.query["pretty"] = "";
      // Dkron marshals its []string and renders that text as a JSON string: renderJSON(c, 200, string(resp)).
      return send_json(reply, shape, 200, json(json(results).dump()));
    }
    const std::size_t i = pending.back();
    pending.pop_back();
    auto outcome = [self = shared_from_this(), i](status st) {
      self->results.push_back((st.ok() ? "success create " : "fail create ") + self->plan.jobs[i].id);
      const auto& children = self->plan.children[i];
      if (st.ok()) self->pending.insert(self->pending.end(), children.rbegin(), children.rend());
      self->next();
    };
    upsert{api, state, who, plan.jobs[i], false, false, responder{}, json(), std::move(outcome)}.start();
  }
};

void restore(scheduler_api& api, const state_ptr& state, http_request& req, responder reply) {
  // Dkron answers 404 whenever Go finds no file in the form, 400 for a file it cannot read.
  auto file = form_part(req.header("content-type"), req.body, "file");
  if (!file.ok()) return reply.send(render_error(404, file.status()));
  json jobs = parse_json_within_depth(file->data, /*ignore_comments=*/false);
  // (nlohmann ends its input at a NUL byte, which no JSON text holds.)
  if (jobs.is_discarded() || file->data.find('\0') != std::string::npos)
    return reply.send(render_error(400, status::invalid_argument("the restore file is not JSON: expected an array of jobs")));
  auto plan = plan_restore(jobs, state->options.group, api.default_timezone(), now_unix_ms());
  if (!plan.ok()) return reply.send(render_error(400, plan.status()));
  std::make_shared<restorer>(api, state, origin(req), std::move(plan).value(), std::move(reply),
                             req.query.count("pretty") != 0)
      ->next();
}

// -- executions --

// ?output_size_limit: the last N bytes of each output; absent, not a number or negative: the
// whole output (Dkron's executionsHandler reads it with strconv.Atoi and falls back to -1).
std::size_t output_limit(const http_request& req) {
  if (!req.query.count("output_size_limit")) return k_whole_output;
  const std::string& text = req.query_value("output_size_limit");
  long long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 0) return k_whole_output;
  return static_cast<std::size_t>(n);
}

// Orders a job's executions (newest first from job_executions) as Dkron's executionsHandler:
// ?_sort started_at (or id), finished_at or attempt, else the store's order (by start);
// ?_order DESC (the default) or anything else for ascending.
void sort_executions(const http_request& req, std::vector<run_record>& runs) {
  std::string field = req.query_value("_sort");
  const bool descending = !req.query.count("_order") || req.query_value("_order") == "DESC";
  auto key = [&field](const run_record& r) -> std::pair<int64_t, uint64_t> {
    if (field == "finished_at") return {r.end_ms, r.run_id};
    if (field == "attempt") return {r.attempt + 1, r.run_id};  // Dkron's attempts count from 1
    return {r.start_ms, r.run_id};
  };
  std::stable_sort(runs.begin(), runs.end(), [&](const run_record& a, const run_record& b) {
    return descending ? key(b) < key(a) : key(a) < key(b);
  });
}

}  // namespace

http_response render_error(int http_status, const status& error) {
  // A bare status (Dkron's c.AbortWithStatus) writes no body, and net/http then sends no
  // Content-Type; text it sniffs as text/plain; charset=utf-8.
  if (error.message().empty()) return http_response{http_status, "", "", {}};
  return http_response::text(http_status, error.message());
}

request_handler dkron_handler(request_handler h, std::string whom) {
  return guarded(render_error, [h = std::move(h), whom = std::move(whom)](http_request& req, responder reply) {
    if (!whom.empty())
      reply = responder([inner = std::move(reply), whom](http_response r) {
        r.headers.emplace_back("X-Whom", whom);
        inner.send(std::move(r));
      });
    h(req, std::move(reply));
  });
}

void add_job_routes(router& r, scheduler_api& api, state_ptr state) {
  auto handler = [whom = state->options.node_name](request_handler h) { return dkron_handler(std::move(h), whom); };
  r.add("GET", "/v1/jobs", handler([&api, state](http_request& req, responder reply) {
    api.list_jobs(state->options.group, [req, reply, zone = api.default_timezone()](
                                            status_or<std::vector<job_view>> views) {
      if (!views.ok() && views.status().code() != status_code::not_found) return send_error(reply, views.status());
      std::vector<json> jobs;
      const int64_t now = now_unix_ms();
      if (views.ok())
        for (const auto& v : *views)
          if (json job = job_json(v, v.dependents, zone, now); kept(req, job)) jobs.push_back(std::move(job));
      std::size_t total = jobs.size();
      send_json(reply, req, 200, sorted_page(req, std::move(jobs)), {{"X-Total-Count", std::to_string(total)}});
    });
  }));
  // Dkron routes PATCH /v1/jobs and PUT /v1/jobs/{job} to the same create-or-update (the body
  // names the job; the path's name is not read).
  for (const auto& [method, path] : {std::pair{"POST", "/v1/jobs"}, {"PATCH", "/v1/jobs"}, {"PUT", "/v1/jobs/{job}"}})
    r.add(method, path, handler([&api, state](http_request& req, responder reply) {
      create_or_update(api, state, req, std::move(reply));
    }));
  r.add("POST", "/v1/restore", handler([&api, state](http_request& req, responder reply) {
    restore(api, state, req, std::move(reply));
  }));
  r.add("GET", "/v1/jobs/{job}", handler([&api, state](http_request& req, responder reply) {
    const std::string& group = state->options.group;
    answer_job(api, group, req.param("job"), req, reply, 200);
  }));
  r.add("DELETE", "/v1/jobs/{job}", handler([&api, state](http_request& req, responder reply) {
    const std::string& group = state->options.group;
    std::string name = req.param("job");
    api.job_detail(group, name, [&api, state, name, req, reply](status_or<job_view> v) {
      if (!v.ok()) return send_error(reply, dkron_status(v.status()));
      json gone = job_json(*v, v->dependents, api.default_timezone(), now_unix_ms());
      api.delete_job(origin(req), state->options.group, name, [req, reply, gone](status st) {
        // Jobs run after it: Dkron's jobDeleteHandler answers every error 404, here with its
        // store's text (Dkron's own body is empty).
        if (st.code() == status_code::failed_precondition)
          return send_error(reply, status::not_found("store: could not delete job with dependent jobs, delete children first"));
        if (!st.ok()) return send_error(reply, dkron_status(st));
        send_json(reply, req, 200, gone);
      });
    });
  }));
  r.add("POST", "/v1/jobs/{job}", handler([&api, state](http_request& req, responder reply) {
    const std::string& group = state->options.group;
    std::string name = req.param("job");
    api.run_job_now(origin(req), group, name, [&api, state, name, req, reply](status_or<uint64_t> run) {
      if (!run.ok()) return send_error(reply, dkron_status(run.status()));
      answer_job(api, state->options.group, name, req, reply, k_run_status, location_of_request(req));
    });
  }));
  r.add("POST", "/v1/jobs/{job}/run", handler([&api, state](http_request& req, responder reply) {
    std::string name = req.param("job");
    api.run_job_now(origin(req), state->options.group, name, [&api, state, name, req, reply](status_or<uint64_t> run) {
      if (!run.ok()) return send_error(reply, dkron_status(run.status()));
      answer_job(api, state->options.group, name, req, reply, k_run_status, location_of_request(req));
    });
  }));
  r.add("POST", "/v1/jobs/{job}/toggle", handler([&api, state](http_request& req, responder reply) {
    const std::string& group = state->options.group;
    std::string name = req.param("job");
    api.job_detail(group, name, [&api, state, name, req, reply](status_or<job_view> v) {
      if (!v.ok()) return send_error(reply, dkron_status(v.status()));
      bool paused = v->phase == job_phase::paused;
      int64_t exec_time_s = first_exec_time_s(v->spec, api.default_timezone(), now_unix_ms());
      set_disabled(api, origin(req), state->options.group, name, !paused, paused, exec_time_s,
                   [&api, state, name, req, reply](status st) {
        if (!st.ok()) return send_error(reply, dkron_status(st));
        answer_job(api, state->options.group, name, req, reply, 200, location_of_request(req));
      });
    });
  }));
  r.add("GET", "/v1/jobs/{job}/executions", handler([&api, state](http_request& req, responder reply) {
    std::string node = state->options.node_name;
    api.job_executions(state->options.group, req.param("job"), k_max_executions, 0,
                       [req, reply, node, max_output = output_limit(req)](status_or<std::vector<run_record>> runs) {
                         if (!runs.ok()) return send_error(reply, dkron_status(runs.status()));
                         sort_executions(req, runs.value());
                         json out = json::array();
                         for (const auto& run : *runs) out.push_back(execution_json(run, node, max_output));
                         send_json(reply, req, 200, out, {{"X-Total-Count", std::to_string(runs->size())}});
                       });
  }));
  // The seed document's 0.x route: the same runs as GET /v1/jobs/{job}/executions, in the
  // document's shape (job_name, started_at, finished_at, success, output, node_name) and in 0.x's
  // order, oldest first (its store listed the keys "<started_at ns>-<node>" in order). Today's
  // Dkron no longer has it; an unknown job is the bare 404 of the other routes.
  r.add("GET", "/v1/executions/{job}", handler([&api, state](http_request& req, responder reply) {
    std::string node = state->options.node_name;
    api.job_executions(state->options.group, req.param("job"), k_max_executions, 0,
                       [req, reply, node](status_or<std::vector<run_record>> runs) {
                         if (!runs.ok()) return send_error(reply, dkron_status(runs.status()));
                         std::stable_sort(runs->begin(), runs->end(), [](const run_record& a, const run_record& b) {
                           return a.start_ms != b.start_ms ? a.start_ms < b.start_ms : a.run_id < b.run_id;
                         });
                         json out = json::array();
                         for (const auto& run : *runs) out.push_back(document_execution_json(run, node));
                         send_json(reply, req, 200, out);
                       });
  }));
  // Dkron 4.x: every execution of the job goes, and its success and error counts and last times
  // start over; answers the job. (Dkron itself answers 500 for an unknown job: its store's "not
  // found" does not reach the check for it. This answers the bare 404 of its other routes.)
  r.add("DELETE", "/v1/jobs/{job}/executions", handler([&api, state](http_request& req, responder reply) {
    std::string name = req.param("job");
    api.clear_job_runs(origin(req), state->options.group, name, [&api, state, name, req, reply](status st) {
      if (!st.ok()) return send_error(reply, dkron_status(st));
      answer_job(api, state->options.group, name, req, reply, 200);
    });
  }));
  // An unknown execution is Dkron's bare 404 (its executionHandler's AbortWithError writes no body).
  r.add("GET", "/v1/jobs/{job}/executions/{execution}", handler([&api, state](http_request& req, responder reply) {
    const std::string& text = req.param("execution");
    uint64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id == UINT64_MAX)
      return send_error(reply, status::not_found(""));
    std::string node = state->options.node_name;
    api.job_executions(state->options.group, req.param("job"), 1, id + 1,
                       [req, reply, node, id](status_or<std::vector<run_record>> runs) {
                         if (!runs.ok()) return send_error(reply, dkron_status(runs.status()));
                         if (runs->empty() || runs->front().run_id != id)
                           return send_error(reply, status::not_found(""));
                         send_json(reply, req, 200, stored_execution_json(runs->front(), node));
                       });
  }));
  // Every execution running now, of every job (a job that allows overlap may have several), by
  // started_at, earliest first: Dkron's busyHandler sorts them so.
  r.add("GET", "/v1/busy", handler([&api, state](http_request& req, responder reply) {
    std::string node = state->options.node_name;
    api.runs_in_flight(state->options.group, [req, reply, node](status_or<std::vector<run_record>> runs) {
      json out = json::array();
      if (runs.ok()) {
        std::stable_sort(runs->begin(), runs->end(), [](const run_record& a, const run_record& b) {
          return a.start_ms != b.start_ms ? a.start_ms < b.start_ms : a.run_id < b.run_id;
        });
        for (const auto& run : *runs) out.push_back(stored_execution_json(run, node));
      }
      send_json(reply, req, 200, out, {{"X-Total-Count", std::to_string(out.size())}});
    });
  }));
  r.add("GET", "/v1/pause", handler([state](http_request& req, responder reply) {
    send_json(reply, req, 200, json{{"paused", state->paused.load()}});
  }));
  r.add("POST", "/v1/pause", handler([state](http_request& req, responder reply) {
    state->paused = true;
    send_json(reply, req, 200, json{{"paused", true}});
  }));
  r.add("POST", "/v1/unpause", handler([state](http_request& req, responder reply) {
    state->paused = false;
    send_json(reply, req, 200, json{{"paused", false}});
  }));
}

}  // namespace mainspring::http::dkron
