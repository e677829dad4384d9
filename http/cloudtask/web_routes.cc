#include "http/cloudtask/web_routes.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "http/cloudtask/job_json.h"
#include "http/cloudtask/mongo_id.h"
#include "http/cloudtask/replies.h"
#include "http/cloudtask/runtime_view.h"
#include "http/cloudtask/web_echo.h"
#include "http/dialect_data.h"
#include "http/handler_kit.h"
#include "http/header_text.h"
#include "http/json_body.h"

namespace mainspring::http::cloudtask {

namespace {

using nlohmann::json;

request_handler handler(request_handler h) { return guarded(render_web, std::move(h)); }

// Registers a route of the web at `pattern` and, as Express's non-strict routing matches it, at
// `pattern` with a trailing slash ("/api/job/" lists the jobs too).
void add_route(router& r, const std::string& method, const std::string& pattern, request_handler h) {
  r.add(method, pattern + "/", h);
  r.add(method, pattern, std::move(h));
}

// A core error in Cloudtask's field names.
status ct_status(const status& st) {
  return renamed_field(st, {{"interval_pattern", "schedule"}, {"exec_command", "cmd"}, {"request_url", "servers"},
                            {"executor_config", "env"}, {"group_name", "location"}, {"job_id", "jobid"}});
}

std::string groupid_of(const job_view& v) { return dialect_section(v.spec.dialect_data, k_dialect_name).value("groupid", ""); }

// Another job of `rt` in the same groupid already has `name` (cloudtask-web's check).
bool name_taken(const runtime_view& rt, const ct_job& job, const std::string& except_id) {
  const std::string groupid = job.section.value("groupid", "");
  return std::any_of(rt.jobs.begin(), rt.jobs.end(), [&](const job_view& v) {
    return v.spec.id != except_id && v.spec.name == job.name && groupid_of(v) == groupid;
  });
}

status conflict(const std::string& name) {
  return status::already_exists("name: the group already has a job named \"" + name + "\"");
}

// Answers the job `id` of `group` as it is now, as updateJob's answer: cloudtask-web's changeInfo
// answers the body it was sent (`posted`), with the stored job's fields it sets (web_echo.h).
void answer_updated_job(scheduler_api& api, const std::string& group, const std::string& id,
                        std::shared_ptr<const nlohmann::ordered_json> posted, const responder& reply) {
  load_runtime(api, group, false, [&api, group, id, posted, reply](status_or<runtime_view> rt) {
    job_stat placement = rt.ok() ? rt->placement_of(id) : job_stat{};
    api.job_detail(group, id, [reply, placement, posted](status_or<job_view> v) {
      if (!v.ok()) return send_web_error(reply, ct_status(v.status()));
      send_web_text(reply, updated_job_text(*posted, *v, placement));
    });
  });
}

// The job's `files` after an update that may change its filename (web_echo.h's history), cut to
// what its dialect section has room for, oldest first.
json files_after_update(const json& kept, const json& section, int64_t now_ms) {
  json files = file_history(kept.value("files", json::array()), kept.value("filename", ""),
                            section.value("filename", ""), now_ms);
  json with_files = section;
  with_files["files"] = files;
  while (!files.empty() && with_files.dump().size() > k_max_dialect_data_bytes / 2) {
    files.erase(files.end() - 1);
    with_files["files"] = files;
  }
  return files;
}

// -- jobs --

void create_job(scheduler_api& api, http_request& req, responder reply) {
  auto body = parse_json_object(req.body);
  if (!body.ok()) return send_web_error(reply, body.status());
  auto job = decode_job(*body, false);
  if (!job.ok()) return send_web_error(reply, job.status());
  auto origin = origin_of(k_dialect_name, req);
  auto posted = std::make_shared<const nlohmann::ordered_json>(posted_object(req.body, *body));
  const std::string location = job->location;  // before the job moves into the callback
  load_runtime(api, location, true, [&api, origin, reply, posted, job = std::move(job).value()](status_or<runtime_view> rt) {
    if (!rt.ok()) return send_web_error(reply, status::not_found("location: no such runtime: " + job.location));
    if (name_taken(*rt, job, "")) return send_web_error(reply, conflict(job.name));
    // As createJob stores it: edituser is createuser (none without one), files [] (the section
    // leaves it out).
    json section = job.section;
    section.erase("edituser");
    if (section.contains("createuser")) section["edituser"] = section["createuser"];
    ct_job with_users = job;
    with_users.section = std::move(section);
    std::string id = new_cloudtask_job_id();
    api.create_job(origin, to_job_spec(with_users, id, to_unix_ms(now_ms())), [reply, posted](status_or<job_view> v) {
      if (!v.ok()) return send_web_error(reply, ct_status(v.status()));
      send_web_text(reply, created_job_text(*posted, *v));
    });
  });
}

void update_job(scheduler_api& api, http_request& req, responder reply) {
  auto body = parse_json_object(req.body);
  if (!body.ok()) return send_web_error(reply, body.status());
  auto job = decode_job(*body, true);
  if (!job.ok()) return send_web_error(reply, job.status());
  auto origin = origin_of(k_dialect_name, req);
  const std::string jobid = job->jobid;  // before the job moves into the callback
  auto posted = std::make_shared<const nlohmann::ordered_json>(posted_object(req.body, *body));
  find_job(api, jobid, [&api, origin, reply, posted, job = std::move(job).value()](status_or<located_job> found) mutable {
    if (!found.ok()) return send_web_error(reply, found.status());
    // A job stays in its runtime, as cloudtask-web's update leaves `location` alone.
    const std::string group = found->job.spec.group;
    job.location = group;
    load_runtime(api, group, true, [&api, origin, reply, job, group, posted](status_or<runtime_view> rt) {
      if (!rt.ok()) return send_web_error(reply, rt.status());
      if (name_taken(*rt, job, job.jobid)) return send_web_error(reply, conflict(job.name));
      job_patch patch;
      patch.edit = [job](job_spec& current) -> status {
        job_spec next = to_job_spec(job, current.id, current.created_ms);
        json kept = dialect_section(current.dialect_data, k_dialect_name);
        // As changeInfo stores it: the creator stays, and the files list is the stored one with
        // the filename history.
        json section = job.section;
        section.erase("createuser");
        if (kept.contains("createuser")) section["createuser"] = kept["createuser"];
        section["files"] = files_after_update(kept, section, to_unix_ms(now_ms()));
        current.name = next.name;
        current.schedule = next.schedule;
        current.target = next.target;
        current.timeout_ms = next.timeout_ms;
        current.concurrency = next.concurrency;
        current.dialect_data = with_dialect_section(current.dialect_data, k_dialect_name, section);
        return {};
      };
      patch.exec_time_s = k_first_fire_by_schedule;  // the next fire from the new rules
      const bool enable = job.enabled;
      api.edit_job(origin, group, job.jobid, std::move(patch),
                   [&api, origin, reply, group, id = job.jobid, enable, posted](status_or<job_view> v) {
        if (!v.ok()) return send_web_error(reply, ct_status(v.status()));
        auto then_answer = [&api, reply, group, id, posted](status st) {
          if (!st.ok()) return send_web_error(reply, ct_status(st));
          answer_updated_job(api, group, id, posted, reply);
        };
        const bool active = v->phase != job_phase::paused;
        if (enable && !active) return api.activate_job(origin, group, id, k_first_fire_by_schedule, then_answer);
        if (!enable && active) return api.pause_job(origin, group, id, then_answer);
        then_answer(status{});
      });
    });
  });
}

void add_job_routes(router& r, scheduler_api& api) {
  auto list = [&api](std::optional<std::string> groupid, responder reply) {
    load_all_runtimes(api, [reply, groupid](status_or<std::vector<runtime_view>> all) {
      if (!all.ok()) return send_web_error(reply, all.status());
      // In the order they were made, as MongoDB's natural order gives the web's find({}) back
      // (an update in place does not move a document).
      std::vector<std::pair<const job_view*, const runtime_view*>> kept;
      for (const auto& rt : *all)
        for (const auto& v : rt.jobs)
          if (!groupid || groupid_of(v) == *groupid) kept.emplace_back(&v, &rt);
      std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
        return std::pair(a.first->spec.created_ms, a.first->spec.id) < std::pair(b.first->spec.created_ms, b.first->spec.id);
      });
      json jobs = json::array();
      for (const auto& [v, rt] : kept) jobs.push_back(job_json(*v, rt->placement_of(v->spec.id)));
      send_web_raw(reply, jobs);
    });
  };
  add_route(r, "GET", "/api/job", handler([list](http_request&, responder reply) { list(std::nullopt, reply); }));
  add_route(r, "GET", "/api/job/getGroupJobs/{groupId}",
        handler([list](http_request& req, responder reply) { list(req.params["groupId"], reply); }));
  add_route(r, "GET", "/api/job/getById/{jobId}", handler([&api](http_request& req, responder reply) {
    find_job(api, req.params["jobId"], [reply](status_or<located_job> found) {
      if (!found.ok()) return send_web_error(reply, found.status());
      send_web_raw(reply, job_json(found->job, found->runtime.placement_of(found->job.spec.id)));
    });
  }));
  add_route(r, "POST", "/api/job/createJob", handler([&api](http_request& req, responder reply) { create_job(api, req, reply); }));
  add_route(r, "PUT", "/api/job/updateJob", handler([&api](http_request& req, responder reply) { update_job(api, req, reply); }));
  add_route(r, "DELETE", "/api/job/deleteJob/{jobId}", handler([&api](http_request& req, responder reply) {
    auto origin = origin_of(k_dialect_name, req);
    find_job(api, req.params["jobId"], [&api, origin, reply](status_or<located_job> found) {
      if (!found.ok()) return send_web_error(reply, found.status());
      // The job actor leaves the allocation table as it ends: the table no longer has it.
      api.delete_job(origin, found->job.spec.group, found->job.spec.id, [reply](status st) {
        if (!st.ok()) return send_web_error(reply, ct_status(st));
        send_web(reply, json::object());
      });
    });
  }));
}

// -- logs --

struct log_query {
  std::string jobid;
  std::optional<int> stat;
  int64_t from_ms = 0, to_ms = std::numeric_limits<int64_t>::max();
  bool newest_first = false;
  int64_t page_index = 1, page_size = 10;
};

status_or<int64_t> query_integer(const http_request& req, const std::string& name, int64_t fallback, int64_t min, int64_t max) {
  const std::string& text = req.query_value(name);
  if (text.empty()) return fallback;
  try {
    std::size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used != text.size() || v < min || v > max) throw std::out_of_range(name);
    return static_cast<int64_t>(v);
  } catch (const std::exception&) {
    return status::invalid_argument(name + ": a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  }
}

status_or<log_query> parse_log_query(const http_request& req) {
  log_query q;
  q.jobid = req.query_value("jobid");
  q.newest_first = req.query_value("sort") == "desc";
  // 0 is MongoDB's limit(0), no limit, as cloudtask-web passes it on: here a page of the most rows
  // a page has.
  MS_ASSIGN_OR_RETURN(q.page_size, query_integer(req, "pageSize", 10, 0, k_max_log_page_size));
  MS_ASSIGN_OR_RETURN(q.page_index, query_integer(req, "pageIndex", 1, 1, 1'000'000));
  if (!req.query_value("stat").empty()) {
    int64_t stat = 0;
    MS_ASSIGN_OR_RETURN(stat, query_integer(req, "stat", 0, -1, 202));
    q.stat = static_cast<int>(stat);
  }
  if (const std::string& range = req.query_value("createat"); !range.empty()) {
    // cloudtask-web JSON.parse()s it unchecked (a bad one crashed the request); here it is a 400.
    json r = json::parse(range, nullptr, false);
    auto bound = [&](const char* key, int64_t& out) -> status {
      if (!r.contains(key)) return {};
      if (!r[key].is_number_integer()) return status::invalid_argument(std::string("createat.") + key + ": unix milliseconds");
      out = r[key].get<int64_t>();
      return {};
    };
    if (!r.is_object()) return status::invalid_argument("createat: {\"$gte\": ms, \"$lte\": ms}");
    if (auto st = bound("$gte", q.from_ms); !st.ok()) return st;
    if (auto st = bound("$lte", q.to_ms); !st.ok()) return st;
  }
  return q;
}

// The page `q` asks for from `rows` (runs with their job and node), as the web answers it.
struct log_row {
  run_record run;
  const job_view* job = nullptr;
  std::string ipaddr;
};
json log_page(std::vector<log_row>& rows, const log_query& q) {
  rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const log_row& r) {
               return !r.run.finished() || r.run.end_ms < q.from_ms || r.run.end_ms > q.to_ms ||
                      (q.stat && log_stat_of(r.run) != *q.stat);
             }),
             rows.end());
  std::sort(rows.begin(), rows.end(), [&](const log_row& a, const log_row& b) {
    auto ka = std::pair(a.run.end_ms, a.run.run_id), kb = std::pair(b.run.end_ms, b.run.run_id);
    return q.newest_first ? kb < ka : ka < kb;
  });
  json page = json::array();
  const std::size_t first = static_cast<std::size_t>((q.page_index - 1) * q.page_size);
  const std::size_t limit = static_cast<std::size_t>(q.page_size == 0 ? k_max_log_page_size : q.page_size);
  for (std::size_t i = first; i < rows.size() && i < first + limit; ++i)
    page.push_back(job_log_json(rows[i].run, rows[i].job, rows[i].ipaddr));
  return json{{"pageIndex", q.page_index}, {"pageSize", q.page_size}, {"rows", std::move(page)}, {"total_rows", rows.size()}};
}

std::string ip_of(const runtime_view& rt, const std::string& node) {
  const node_view* n = rt.node(node);
  return n ? n->spec.ip : "";
}

json empty_log_page(const log_query& q) {
  return json{{"pageIndex", q.page_index}, {"pageSize", q.page_size}, {"rows", json::array()}, {"total_rows", 0}};
}

// The removed Cloudtask jobs of `group` whose logs are kept (--deleted-job-history; cloudtask-web's
// removeJob leaves a job's logs in its log collection), as views sorted by id.
void removed_jobs(scheduler_api& api, const std::string& group, reply_fn<std::vector<job_view>> done) {
  api.deleted_jobs(group, k_max_removed_jobs_read, [done](status_or<std::vector<deleted_job>> gone) {
    if (!gone.ok()) return done(gone.status());
    std::vector<job_view> views;
    for (auto& d : *gone)
      if (is_cloudtask_job(d.spec)) views.push_back(job_view{.spec = std::move(d.spec), .phase = job_phase::done});
    done(std::move(views));  // deleted_jobs answers them by id
  });
}

// The logs of job `q.jobid` when it was removed: looked for in every runtime, a point read each.
void removed_job_logs(scheduler_api& api, log_query q, responder reply) {
  api.list_groups([&api, q, reply](status_or<std::vector<std::string>> groups) {
    if (!groups.ok() || groups->empty()) return send_web(reply, empty_log_page(q));
    struct search {
      std::mutex mu;
      std::size_t waiting = 0;
      bool found = false;
    };
    auto sr = std::make_shared<search>();
    sr->waiting = groups->size();
    for (const auto& group : *groups) {
      api.find_deleted_job(group, q.jobid, [&api, q, reply, sr, group](status_or<deleted_job> gone) {
        std::unique_lock lock(sr->mu);
        const bool match = gone.ok() && is_cloudtask_job(gone->spec);
        const bool last = --sr->waiting == 0;
        if (match && !sr->found) {
          sr->found = true;
          lock.unlock();
          auto job = std::make_shared<job_view>(job_view{.spec = std::move(gone->spec), .phase = job_phase::done});
          return load_runtime(api, group, false, [&api, q, reply, job](status_or<runtime_view> rt) {
            auto place = std::make_shared<runtime_view>(rt.ok() ? std::move(rt).value() : runtime_view{});
            api.deleted_job_executions(job->spec.group, job->spec.id, k_max_log_rows_scanned, 0,
                                       [q, reply, job, place](status_or<std::vector<run_record>> runs) {
              std::vector<log_row> rows;
              if (runs.ok())
                for (auto& run : *runs) rows.push_back({run, job.get(), ip_of(*place, run.node)});
              send_web(reply, log_page(rows, q));
            });
          });
        }
        if (last && !sr->found) send_web(reply, empty_log_page(q));
      });
    }
  });
}

void job_logs(scheduler_api& api, log_query q, responder reply) {
  find_job(api, q.jobid, [&api, q, reply](status_or<located_job> found) {
    if (!found.ok()) return removed_job_logs(api, q, reply);
    auto located = std::make_shared<located_job>(std::move(found).value());
    api.job_executions(located->job.spec.group, located->job.spec.id, k_max_log_rows_scanned, 0,
                       [q, reply, located](status_or<std::vector<run_record>> runs) {
      if (!runs.ok()) return send_web_error(reply, runs.status());
      std::vector<log_row> rows;
      for (auto& run : *runs) rows.push_back({run, &located->job, ip_of(located->runtime, run.node)});
      send_web(reply, log_page(rows, q));
    });
  });
}

// The job of `run` among a runtime's jobs (sorted by id), or null: not a Cloudtask job.
const job_view* job_of(const std::vector<job_view>& jobs, const std::string& id) {
  auto job = std::lower_bound(jobs.begin(), jobs.end(), id, [](const job_view& v, const std::string& i) { return v.spec.id < i; });
  return job == jobs.end() || job->spec.id != id ? nullptr : &*job;
}

void all_logs(scheduler_api& api, log_query q, responder reply) {
  load_all_runtimes(api, [&api, q, reply](status_or<std::vector<runtime_view>> all) {
    if (!all.ok()) return send_web_error(reply, all.status());
    struct gather {
      std::mutex mu;
      std::vector<runtime_view> runtimes;
      std::vector<std::vector<job_view>> removed;  // each runtime's removed jobs, by id
      std::vector<log_row> rows;
      std::size_t waiting = 0;
    };
    auto g = std::make_shared<gather>();
    g->runtimes = std::move(all).value();
    g->removed.resize(g->runtimes.size());
    g->waiting = g->runtimes.size();
    if (g->waiting == 0) return send_web(reply, log_page(g->rows, q));
    // A run ends after it was planned, by at most the longest timeout.
    const int64_t from = q.from_ms > k_max_timeout_ms ? q.from_ms - k_max_timeout_ms : 0;
    for (std::size_t i = 0; i < g->runtimes.size(); ++i) {
      const runtime_view* rt = &g->runtimes[i];
      removed_jobs(api, rt->name, [&api, g, q, reply, rt, i, from](status_or<std::vector<job_view>> gone) {
        if (gone.ok()) g->removed[i] = std::move(gone).value();  // this runtime's slot: no other writer
        api.group_executions(rt->name, from, q.to_ms, k_max_log_rows_scanned,
                             [g, q, reply, rt, i](status_or<std::vector<run_record>> runs) {
          std::unique_lock lock(g->mu);
          if (runs.ok())
            for (auto& run : *runs) {
              const job_view* job = job_of(rt->jobs, run.job_id);
              if (!job) job = job_of(g->removed[i], run.job_id);
              if (!job) continue;  // not a Cloudtask job
              std::string ip = ip_of(*rt, run.node);
              g->rows.push_back({std::move(run), job, std::move(ip)});
            }
          if (--g->waiting != 0) return;
          lock.unlock();
          send_web(reply, log_page(g->rows, q));
        });
      });
    }
  });
}

// -- locations (runtimes) --

// cloudtask-web's location controller answers an existing runtime on add, and an unknown one on
// remove, with a 409 and a bare text (res.status(409).send(...)), not its JSON envelope.
constexpr std::string_view k_runtime_exists = "Runtime is exists.";
constexpr std::string_view k_runtime_not_exists = "Runtime is not exists.";

void send_runtime_text(const responder& reply, std::string_view text) {
  reply.send(http_response{409, "text/html; charset=utf-8", std::string(text), {}});
}

// What cloudtask-web answers a runtime added: MongoDB's insert result (res.json(result), the
// mongodb 2.x driver's insertMany result), whose one op is the body it was posted (`posted`, its
// keys in the order sent) with the createat and editat the web set and the _id the driver added.
std::string insert_result_text(nlohmann::ordered_json posted, const std::string& location, int64_t added_ms) {
  using nlohmann::ordered_json;
  const std::string at = moment_time_json(added_ms);
  posted["createat"] = at;
  posted["editat"] = at;
  if (!posted.contains(k_mongo_id_key)) posted[std::string(k_mongo_id_key)] = location_object_id(location, added_ms);
  ordered_json ids = ordered_json::array({posted[std::string(k_mongo_id_key)]});
  ordered_json result = {{"result", {{"ok", 1}, {"n", 1}}},
                         {"ops", ordered_json::array({std::move(posted)})},
                         {"insertedCount", 1},
                         {"insertedIds", std::move(ids)}};
  return result.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// Removing a runtime `location` that does not exist as spelled: cloudtask-web's isExists finds
// one whose name differs only in case (a /^name$/i regex; here the name is taken literally, never
// as a pattern), and then its remove({location}) matches nothing: a 200 that removes nothing.
// Otherwise its 409 text.
void remove_by_other_case(scheduler_api& api, const std::string& location, const responder& reply) {
  api.list_groups([reply, location](status_or<std::vector<std::string>> groups) {
    if (!groups.ok()) return send_web_error(reply, groups.status());
    const std::string wanted = ascii_lowercase(location);
    for (const auto& g : *groups)
      if (ascii_lowercase(g) == wanted) return send_web(reply, json::object());
    send_runtime_text(reply, k_runtime_not_exists);
  });
}

void add_location_routes(router& r, scheduler_api& api) {
  add_route(r, "POST", "/api/location/add", handler([&api](http_request& req, responder reply) {
    auto body = parse_json_object(req.body);
    if (!body.ok()) return send_web_error(reply, body.status());
    auto name = string_field(*body, "location");
    if (!name.ok()) return send_web_error(reply, name.status());
    if (!name->has_value() || (*name)->empty()) return send_web_error(reply, status::invalid_argument("location: required"));
    std::string location = **name;
    if (auto st = validate_group_name(location); !st.ok()) return send_web_error(reply, ct_status(st));
    auto origin = origin_of(k_dialect_name, req);
    // The body as posted, keys in their order, for the answer.
    nlohmann::ordered_json posted = posted_object(req.body, *body);
    api.list_groups([&api, origin, reply, location, posted](status_or<std::vector<std::string>> groups) {
      if (!groups.ok()) return send_web_error(reply, groups.status());
      // cloudtask-web's isExists matches the name ignoring case (a /^name$/i regex).
      const std::string wanted = ascii_lowercase(location);
      for (const auto& g : *groups)
        if (ascii_lowercase(g) == wanted) return send_runtime_text(reply, k_runtime_exists);
      api.register_group(origin, location, [reply, location, posted](status_or<std::string> added) {
        if (!added.ok()) {
          if (added.status().code() == status_code::already_exists) return send_runtime_text(reply, k_runtime_exists);
          return send_web_error(reply, ct_status(added.status()));
        }
        // What was posted, never the group's secret.
        send_web_text(reply, insert_result_text(posted, location, to_unix_ms(now_ms())));
      });
    });
  }));
  add_route(r, "DELETE", "/api/location/remove/{location}", handler([&api](http_request& req, responder reply) {
    std::string location = req.params["location"];
    auto origin = origin_of(k_dialect_name, req);
    api.list_jobs(location, [&api, origin, reply, location](status_or<std::vector<job_view>> jobs) {
      if (!jobs.ok() && jobs.status().code() == status_code::not_found) return remove_by_other_case(api, location, reply);
      if (!jobs.ok()) return send_web_error(reply, jobs.status());
      // cloudtask-web removes the runtime and leaves its jobs behind, orphaned; here a runtime
      // with jobs stays until they are deleted.
      if (!jobs->empty())
        return send_web_error(reply, status::failed_precondition("location: the runtime still has " +
                                                                 std::to_string(jobs->size()) + " job(s)"));
      api.remove_group(origin, location, [reply](status st) {
        if (!st.ok()) return send_web_error(reply, ct_status(st));
        send_web(reply, json::object());
      });
    });
  }));
}

}  // namespace

void add_web_routes(router& r, scheduler_api& api) {
  add_job_routes(r, api);
  add_route(r, "GET", "/api/log/logs", handler([&api](http_request& req, responder reply) {
    auto q = parse_log_query(req);
    if (!q.ok()) return send_web_error(reply, q.status());
    if (!q->jobid.empty()) return job_logs(api, std::move(q).value(), reply);
    all_logs(api, std::move(q).value(), reply);
  }));
  add_location_routes(r, api);
}

}  // namespace mainspring::http::cloudtask
