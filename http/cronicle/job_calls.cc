// The job and state calls: get_history, get_job_status, get_job_details, get_active_jobs, get_job_log, update_job,
// abort_job, get_master_state, update_master_state (Cronicle's lib/api/job.js, event.js, admin.js).
#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "http/cronicle/calls.h"
#include "http/cronicle/categories.h"
#include "http/cronicle/custom_plugins.h"
#include "http/cronicle/job_json.h"
#include "http/cronicle/job_log.h"
#include "http/cronicle/js_values.h"
#include "http/cronicle/list_paging.h"
#include "http/cronicle/master_state.h"
#include "http/cronicle/run_changes.h"
#include "http/cronicle/validation.h"

namespace mainspring::http::cronicle {

namespace {

// What a job in flight shows of itself while it runs (its pid and progress); nothing once ended.
std::optional<run_live> live_of(const scheduler_api& api, const run_record& run) {
  return run.finished() ? std::nullopt : api.live_run(run.run_id);
}

using nlohmann::json;

void send(const responder& reply, const api_error& e) { reply.send(failure(e)); }

// Cronicle's answer for a job not in flight (update_job, abort_job).
api_error job_not_located(const std::string& id) { return {"job", "Failed to locate job: " + id}; }

// Cronicle's answer for a job it holds no record of (get_job_status, get_job_details,
// get_job_log): its storage's error for the key jobs/<id>, as pixl-server-storage's default
// Filesystem engine words it ("Error: " is JavaScript's String of an Error).
api_error job_not_stored(const std::string& id) {
  return {"job", "Failed to fetch job details: Error: Failed to fetch key: jobs/" + id + ": File not found"};
}

struct event_info {
  json event;
  int64_t timeout_ms = 0;
  uint32_t running = 0;
  // The run is a failed try whose retry waits for its retry_delay: Cronicle holds the job in its
  // queue then, neither active nor stored.
  bool retry_pending = false;
};

// `found` hears run `run` (in flight) of the event `event` with the event as that run runs it
// (event_as_run): its own fields from run_event / update_job over the event's.
void with_own_fields(scheduler_api& api, const state_ptr& s, const run_record& run, job_view event,
                     std::function<void(run_record, event_info)> found) {
  api.run_view(s->events.group, run.job_id, run.run_id,
               [s, found, run, event = std::move(event)](status_or<job_view> as_run) {
                 const job_view& shown = as_run.ok() ? *as_run : event;
                 found(run, event_info{event_as_run(event, shown, s->events), shown.spec.timeout_ms, event.running});
               });
}

// The event as an ended run `run` ran it: with the fields of its own it kept (a run_event's or
// update_job's), as a job in flight shows them.
event_info as_ended_run(const job_view& event, const run_record& run, const event_context& ctx) {
  if (!run.own_fields) return event_info{event_json(event, ctx), event.spec.timeout_ms, event.running};
  job_view shown = event;
  shown.spec = with_own_fields(event.spec, *run.own_fields);
  return event_info{event_as_run(event, shown, ctx), shown.spec.timeout_ms, event.running};
}

// The event `event_id`: its view, or when it was deleted with its jobs kept (Cronicle keeps a
// deleted event's completed jobs), the event as it was then; else the event's not_found.
void event_or_deleted(scheduler_api& api, const state_ptr& s, const std::string& event_id,
                      std::function<void(status_or<job_view>)> done) {
  api.job_detail(s->events.group, event_id, [&api, s, event_id, done](status_or<job_view> v) {
    if (v.ok() || v.status().code() != status_code::not_found) return done(std::move(v));
    api.find_deleted_job(s->events.group, event_id, [done, missing = v.status()](status_or<deleted_job> gone) {
      if (!gone.ok()) return done(missing);
      done(job_view{.spec = std::move(gone->spec), .phase = job_phase::done});
    });
  });
}

// The tries of the chain that begins at `first` among `runs` (first_tries), oldest first: `first`
// alone when none follows it.
std::vector<run_record> chain_tries(std::vector<run_record> runs, const run_record& first) {
  std::erase_if(runs, [&](const run_record& r) { return r.run_id <= first.run_id; });
  runs.push_back(first);
  const auto heads = first_tries(runs);
  std::erase_if(runs, [&](const run_record& r) { return heads.at(r.run_id) != first.run_id; });
  std::sort(runs.begin(), runs.end(), [](const run_record& a, const run_record& b) { return a.run_id < b.run_id; });
  return runs;
}

// The job a Cronicle job id names, to `found` with its event's view (the event as it was when
// deleted with its jobs kept; nullopt when the event is gone otherwise): its run, or for a failed
// try of a job that retries, its last try so far; no run when there is none. Each view is read
// after the run it goes with, so that a try that has just failed shows with the retry it left
// waiting. Runs that cannot have been retried cost one read. `found` also hears the tries before
// the one it is given, oldest first (none for a job that was not retried).
void find_try(scheduler_api& api, const state_ptr& s, const std::string& event_id, uint64_t run_id,
              std::function<void(std::optional<run_record>, std::optional<job_view>, std::vector<run_record>)> found) {
  using view_or = status_or<job_view>;
  auto view_of = [](view_or v) { return v.ok() ? std::optional<job_view>(std::move(v).value()) : std::nullopt; };
  executions_kept_after_delete(api, s->events.group, event_id, 1, run_id + 1,
                               [&api, s, event_id, run_id, found, view_of](status_or<std::vector<run_record>> runs) {
    if (!runs.ok() || runs->empty() || runs->front().run_id != run_id) return found(std::nullopt, std::nullopt, {});
    event_or_deleted(api, s, event_id, [&api, s, event_id, found, view_of, first = std::move(runs->front())](view_or v) {
      std::optional<job_view> view = view_of(std::move(v));
      const int retries = first.own_fields && first.own_fields->retries ? *first.own_fields->retries
                          : view                                      ? view->spec.retries
                                                                      : 0;
      if (!first.finished() || first.state == run_state::succeeded || retries == 0)
        return found(first, std::move(view), {});
      executions_kept_after_delete(api, s->events.group, event_id, k_retry_chain_scan, 0,
                                   [&api, s, event_id, found, view_of, first, view](status_or<std::vector<run_record>> newer) {
        if (!newer.ok()) return found(first, view, {});
        std::vector<run_record> tries = chain_tries(std::move(newer).value(), first);
        run_record last = std::move(tries.back());
        tries.pop_back();
        if (tries.empty()) return found(std::move(last), view, {});
        event_or_deleted(api, s, event_id, [found, view_of, last = std::move(last), tries = std::move(tries)](view_or v) {
          found(last, view_of(std::move(v)), tries);
        });
      });
    });
  });
}

// The job a job id names (its last try so far), with its event (null when the event is gone),
// or `missing`.
void find_run(scheduler_api& api, const state_ptr& s, const json& params, const responder& reply,
              api_error (*missing_of)(const std::string& id), std::function<void(run_record, event_info)> found) {
  if (auto e = require_params(params, {{"id", param_rule::word}})) return send(reply, *e);
  const std::string id = js_text(params["id"]);
  const api_error missing = missing_of(id);
  auto parts = parse_job_id(id);
  if (!parts) return send(reply, missing);
  find_try(api, s, parts->first, parts->second,
           [&api, s, reply, missing, found](std::optional<run_record> run, std::optional<job_view> v, std::vector<run_record>) {
    if (!run) return send(reply, missing);
    if (!v) return found(std::move(*run), event_info{});
    if (!run->finished()) return with_own_fields(api, s, *run, std::move(*v), found);
    event_info info = as_ended_run(*v, *run, s->events);
    info.retry_pending = awaits_retry(*run, v->retries_due);
    found(std::move(*run), std::move(info));
  });
}

}  // namespace

namespace {

// Jobs in flight gathered from several calls, each answered on whichever thread answers it.
struct active_gather {
  std::mutex mutex;
  std::vector<active_job> jobs;
  std::size_t left = 0;  // calls not answered yet
};

// The runs of `busy` (each in flight, with its event) as Cronicle shows them, each with its own
// fields (run_view) and a retry under its first try's id (`first`, from first_tries), newest
// first, to `done` on whichever thread answers last.
void to_active_jobs(scheduler_api& api, const state_ptr& s, std::vector<std::pair<run_record, job_view>> busy,
                    std::map<uint64_t, uint64_t> first, std::function<void(std::vector<active_job>)> done) {
  if (busy.empty()) return done({});
  auto g = std::make_shared<active_gather>();
  g->left = busy.size();
  auto heads = std::make_shared<const std::map<uint64_t, uint64_t>>(std::move(first));
  auto categories = std::make_shared<const category_titles>(api, s->events.group);  // read once for all
  auto plugins = group_plugins(api, s->events.group);
  for (auto& [r, v] : busy)
    with_own_fields(api, s, r, std::move(v), [&api, s, g, heads, categories, plugins, done](run_record run, event_info info) {
      json job = job_json(run, info.event, info.timeout_ms, s->hostname, to_unix_ms(now_ms()), live_of(api, run));
      categories->show(job);
      plugins->show(job);
      if (auto head = heads->find(run.run_id); head != heads->end()) job["id"] = job_id_of(run.job_id, head->second);
      std::lock_guard<std::mutex> lock(g->mutex);
      g->jobs.push_back({std::move(run), std::move(info.event), std::move(job)});
      if (--g->left > 0) return;
      // Newest first, whichever answered first.
      std::sort(g->jobs.begin(), g->jobs.end(), [](const active_job& x, const active_job& y) { return x.run.run_id > y.run.run_id; });
      done(std::move(g->jobs));
    });
}

}  // namespace

void active_jobs(scheduler_api& api, const state_ptr& s, const job_view& v,
                 std::function<void(std::vector<active_job>)> done) {
  api.job_executions(s->events.group, v.spec.id, k_max_runs_in_flight_read, 0,
                     [&api, s, v, done](status_or<std::vector<run_record>> runs) {
    std::vector<std::pair<run_record, job_view>> busy;
    std::map<uint64_t, uint64_t> first;
    if (runs.ok()) {
      first = first_tries(*runs);
      for (auto& r : *runs)
        if (!r.finished()) busy.emplace_back(std::move(r), v);
    }
    to_active_jobs(api, s, std::move(busy), std::move(first), done);
  });
}

namespace {

// What get_history gathers before it reads the group's runs.
struct history_read {
  call_args a;
  std::optional<int64_t> offset, limit;  // parseInt'ed, nullopt for NaN (list_paging.h)
  std::map<std::string, event_info> events;           // by event id: live and deleted events
  std::map<std::string, std::vector<retry_due>> due;  // retries waiting, by event id
  // Each event's last finished job, which the store may not hold yet: the history shows it at
  // once, as the event's own history does.
  std::vector<run_record> latest;
};

// The page of completed jobs `h` asks for, of the group's stored runs `runs`.
void send_history(const scheduler_api& api, const state_ptr& s, history_read& h, status_or<std::vector<run_record>> runs) {
  // Cronicle answers an offset past the end (listGet's "Index out of range") as it answers a
  // history it never made.
  const auto none = [&h] { h.a.reply.send(success({{"rows", json::array()}, {"list", {{"length", 0}}}})); };
  if (!runs.ok()) return none();
  add_runs_not_held(runs.value(), std::move(h.latest));
  fold_retries(runs.value());  // a job retried shows once, when its last try ends
  std::erase_if(runs.value(), [&](const run_record& r) {
    auto d = h.due.find(r.job_id);
    return !r.finished() || (d != h.due.end() && awaits_retry(r, d->second));
  });
  order_by_completion(runs.value());
  const auto total = static_cast<int64_t>(runs->size());
  const list_page page = list_get_page(total, h.offset, h.limit);
  if (page.out_of_range || !total) return none();
  json rows = json::array();
  const category_titles categories(api, s->events.group);
  const auto plugins = group_plugins(api, s->events.group);
  for (int64_t i = page.from; i < page.to; ++i) {
    const run_record& r = (*runs)[static_cast<std::size_t>(i)];
    auto it = h.events.find(r.job_id);
    json event = it == h.events.end() ? json(nullptr) : it->second.event;
    int64_t timeout_ms = it == h.events.end() ? 0 : it->second.timeout_ms;
    // A row shows its event's fields but for the run's own time limit (in its description).
    if (r.own_fields && r.own_fields->timeout_ms) timeout_ms = *r.own_fields->timeout_ms;
    rows.push_back(history_row(r, event, timeout_ms, s->hostname));
    categories.show(rows.back(), /*notifications=*/false);
    plugins->show(rows.back(), /*job_fields=*/false);
  }
  h.a.reply.send(success({{"rows", std::move(rows)}, {"list", unshifted_list_header(total)}}));
}

}  // namespace

void get_history(scheduler_api& api, const state_ptr& s, call_args a) {
  auto h = std::make_shared<history_read>();
  h->offset = list_param(a.params, "offset", 0);
  h->limit = list_param(a.params, "limit", 50);
  h->a = std::move(a);
  api.list_jobs(s->events.group, [&api, s, h](status_or<std::vector<job_view>> views) {
    if (views.ok()) {
      for (const auto& v : *views) {
        h->events[v.spec.id] = {event_json(v, s->events), v.spec.timeout_ms, v.running};
        if (!v.retries_due.empty()) h->due[v.spec.id] = v.retries_due;
      }
      h->latest = last_finished_runs(*views);
    }
    // Jobs of events deleted a while ago still show, as the events were (Cronicle keeps them).
    api.deleted_jobs(s->events.group, k_max_deleted_events_read, [&api, s, h](status_or<std::vector<deleted_job>> gone) {
      if (gone.ok())
        for (auto& d : *gone) {
          if (h->events.count(d.spec.id)) continue;
          const job_view was{.spec = std::move(d.spec), .phase = job_phase::done};
          h->events[was.spec.id] = {event_json(was, s->events), was.spec.timeout_ms, 0};
        }
      api.group_executions(s->events.group, 0, INT64_MAX, k_max_history_rows,
                           [&api, s, h](status_or<std::vector<run_record>> runs) { send_history(api, s, *h, std::move(runs)); });
    });
  });
}

void get_job_status(scheduler_api& api, const state_ptr& s, call_args a) {
  find_run(api, s, a.params, a.reply, job_not_stored,
           [&api, s, reply = a.reply, id = js_text(a.params["id"])](run_record run, event_info info) {
             // Cronicle's get_job_status finds a job waiting for its retry neither active nor stored.
             if (info.retry_pending) return send(reply, job_not_stored(id));
             json job = job_json(run, info.event, info.timeout_ms, s->hostname, to_unix_ms(now_ms()), live_of(api, run));
             category_titles(api, s->events.group).show(job);
             group_plugins(api, s->events.group)->show(job);
             job["id"] = id;  // a retry goes on under the id its first try had
             reply.send(success({{"job", std::move(job)}}));
           });
}

namespace {

// Runs in flight and retries waiting, gathered with their events' views, one job_detail per event.
struct busy_gather {
  std::mutex mutex;
  std::map<std::string, std::vector<run_record>> runs;    // in flight, by event id
  std::map<std::string, std::vector<retry_due>> waiting;  // retries waiting, by event id
  std::vector<std::pair<run_record, job_view>> busy;
  std::vector<active_job> pending;     // jobs waiting for their retry, as Cronicle lists them
  std::map<uint64_t, uint64_t> first;  // first_tries of events with a retry in flight or waiting
  std::size_t left = 0;                // events not answered yet
};

// A job waiting out its retry_delay as Cronicle's getAllActiveJobs(true) lists it: its failed try
// without what finishLocalJob deletes before relaunching (complete, code, description, ...),
// `when` it starts, `pending: 1`, retries counted down, under its first try's id.
active_job pending_job(const state_ptr& s, const job_view& v, const run_record& tail, const retry_due& retry,
                       uint64_t first_run_id) {
  event_info info = as_ended_run(v, tail, s->events);
  json job = job_json(tail, info.event, info.timeout_ms, s->hostname, to_unix_ms(now_ms()));
  for (const char* gone : {"complete", "code", "description", "perf", "progress", "cpu", "mem", "time_end", "elapsed"})
    job.erase(gone);
  job["id"] = job_id_of(tail.job_id, first_run_id);
  job["when"] = retry.due_ms / 1000;
  job["pending"] = 1;
  // job_json counted the retries down to the failed try; the relaunch takes one more.
  if (auto it = job.find("retries"); it != job.end() && it->is_number_integer())
    *it = std::max<int64_t>(0, it->get<int64_t>() - 1);
  return active_job{tail, std::move(info.event), std::move(job), true};
}

}  // namespace

// Every job in flight of the Cronicle group, and every job waiting for its retry, to `done` (on
// whichever thread answers last): the group's runs in flight and retries waiting, each with its
// event's view (O(jobs in flight), not O(events)).
void all_active_jobs(scheduler_api& api, const state_ptr& s, std::function<void(std::vector<active_job>)> done) {
  api.runs_in_flight(s->events.group, [&api, s, done](status_or<std::vector<run_record>> runs) {
    api.retries_waiting(s->events.group, [&api, s, done, runs = std::move(runs)](status_or<std::vector<waiting_retry>> waiting) {
      auto g = std::make_shared<busy_gather>();
      if (runs.ok())
        for (const auto& r : *runs) g->runs[r.job_id].push_back(r);
      if (waiting.ok())
        for (const auto& w : *waiting) g->waiting[w.job_id].push_back(w.retry);
      std::set<std::string> events;
      for (const auto& [id, _] : g->runs) events.insert(id);
      for (const auto& [id, _] : g->waiting) events.insert(id);
      if (events.empty()) return done({});
      g->left = events.size();
      auto answered = [&api, s, done, g] {
        std::unique_lock<std::mutex> lock(g->mutex);
        if (--g->left > 0) return;
        lock.unlock();
        to_active_jobs(api, s, std::move(g->busy), std::move(g->first), [g, done](std::vector<active_job> jobs) {
          std::lock_guard<std::mutex> lock(g->mutex);
          for (auto& p : g->pending) jobs.push_back(std::move(p));
          done(std::move(jobs));
        });
      };
      // Each event's view, and for one with a retry in flight or waiting, its recent runs.
      for (const auto& event_id : events)
        api.job_detail(s->events.group, event_id, [&api, s, g, answered, event_id](status_or<job_view> v) {
          std::unique_lock<std::mutex> lock(g->mutex);
          const auto& busy = g->runs[event_id];
          const auto& waiting = g->waiting[event_id];
          const bool scan = !waiting.empty() || std::any_of(busy.begin(), busy.end(), is_retry);
          if (v.ok())  // an event deleted meanwhile: its jobs are ending
            for (const auto& r : busy) g->busy.emplace_back(r, *v);
          lock.unlock();
          if (!v.ok() || !scan) return answered();
          api.job_executions(s->events.group, event_id, k_retry_chain_scan, 0,
                             [s, g, answered, view = std::move(v).value(), event_id](status_or<std::vector<run_record>> runs) {
            if (runs.ok()) {
              auto first = first_tries(*runs);
              std::lock_guard<std::mutex> lock(g->mutex);
              for (const auto& retry : g->waiting[event_id])
                for (const auto& r : *runs)  // newest first: the try this retry follows
                  if (r.finished() && retry_follows(retry, r)) {
                    g->pending.push_back(pending_job(s, view, r, retry, first.at(r.run_id)));
                    break;
                  }
              g->first.merge(first);
            }
            answered();
          });
        });
    });
  });
}

namespace {

// Cronicle's Tools.findObjects: every field of `criteria` equals the job's (numbers and strings
// compared as text, as JavaScript's == compares them).
bool matches(const json& job, const json& criteria) {
  for (auto it = criteria.begin(); it != criteria.end(); ++it) {
    auto field = job.find(it.key());
    if (field == job.end()) return false;
    if (*field != *it && js_text(*field) != js_text(*it)) return false;
  }
  return true;
}

// The criteria of abort_jobs / update_jobs: the call's fields but the key and its own flags.
json criteria_of(json params, std::initializer_list<const char*> own) {
  for (const char* name : {"api_key", "session_id"}) params.erase(name);
  for (const char* name : own) params.erase(name);
  return params;
}

// The origin of abort_job / abort_jobs with Cronicle's reason, which the job's description shows
// ("Job Aborted: Manually aborted by API Key: <key> (<title>)", lib/api/job.js): the key named by
// its id, as everywhere here, never by its secret (which Cronicle writes there).
request_origin aborting(const state_ptr& s, request_origin origin) {
  if (origin.key_id.empty()) return origin;
  if (auto title = stored_key_title(s, origin.key_id))
    origin.detail = "Manually aborted by API Key: " + origin.key_id + " (" + *title + ")";
  return origin;
}

}  // namespace

void get_active_jobs(scheduler_api& api, const state_ptr& s, call_args a) {
  all_active_jobs(api, s, [reply = a.reply](std::vector<active_job> active) {
    json jobs = json::object();
    for (auto& j : active) {
      const std::string id = j.job.value("id", "");  // before the move: json's operator= takes its value first
      jobs[id] = std::move(j.job);
    }
    reply.send(success({{"jobs", std::move(jobs)}}));
  });
}

// Every job in flight or waiting for its retry that matches the call's fields (event, plugin,
// category, ...) is aborted, as abort_job aborts one (a waiting one through the try it follows:
// scheduler_api::abort_run); detached jobs would not be (none are here). Answers how many.
void abort_jobs(scheduler_api& api, const state_ptr& s, call_args a) {
  json criteria = criteria_of(a.params, {"no_rewind"});
  all_active_jobs(api, s, [&api, s, a, criteria](std::vector<active_job> active) {
    std::size_t count = 0;
    for (const auto& j : active) {
      if (!matches(j.job, criteria)) continue;
      api.abort_run(aborting(s, a.origin), s->events.group, j.run.job_id, j.run.run_id, [](status_or<std::size_t>) {});
      ++count;
    }
    a.reply.send(success({{"count", count}}));
  });
}

// update_job's fields (in `updates`) for every job in flight or waiting for its retry that matches
// the call's other fields. Answers how many were updated.
void update_jobs(scheduler_api& api, const state_ptr& s, call_args a) {
  const json updates = a.params.value("updates", json::object());
  if (!updates.is_object()) return send(a.reply, api_refusal("Malformed parameter type: updates"));
  if (auto e = validate_event_data(updates)) return send(a.reply, *e);
  json criteria = criteria_of(a.params, {"updates"});
  all_active_jobs(api, s, [&api, s, a, criteria, updates](std::vector<active_job> active) {
    // Every change is made before any is sent: a refused one changes nothing.
    std::vector<std::pair<const run_record*, run_override>> changes;
    const event_context ctx = with_plugins(s->events, api);
    for (const auto& j : active) {
      if (!matches(j.job, criteria)) continue;
      auto change = run_change(j.event, updates, ctx, j.run.job_id, run_fields::in_flight);
      if (!change.ok()) return send(a.reply, change.error());
      changes.emplace_back(&j.run, std::move(*change));
    }
    for (auto& [run, change] : changes)
      api.update_run(a.origin, s->events.group, run->job_id, run->run_id, std::move(change), [](status_or<std::size_t>) {});
    a.reply.send(success({{"count", changes.size()}}));
  });
}

// Cronicle stores a job's details once it is complete: a job in flight is not found yet. The
// answer is get_job_status's job, without Cronicle's log `token` (its log needs a key here).
void get_job_details(scheduler_api& api, const state_ptr& s, call_args a) {
  find_run(api, s, a.params, a.reply, job_not_stored,
           [&api, s, a](run_record run, event_info info) {
             if (!run.finished() || info.retry_pending) return send(a.reply, job_not_stored(js_text(a.params["id"])));
             json job = job_json(run, info.event, info.timeout_ms, s->hostname, to_unix_ms(now_ms()));
             category_titles(api, s->events.group).show(job);
             group_plugins(api, s->events.group)->show(job);
             job["id"] = js_text(a.params["id"]);
             a.reply.send(success({{"job", std::move(job)}}));
           });
}

// Cronicle sets every field of the call on the job in flight; those of its update_job table have a
// meaning here (run_changes.h): the time limit and shell limits change at once, retries, chains
// and the web hook when the job ends. Values are checked as an event's are.
void update_job(scheduler_api& api, const state_ptr& s, call_args a) {
  find_run(api, s, a.params, a.reply, job_not_located, [&api, s, a](run_record run, event_info info) {
    // A job waiting out its retry_delay is changed for its retry, through the try it follows.
    if ((run.finished() && !info.retry_pending) || info.event.is_null())
      return send(a.reply, {"job", "Failed to locate job: " + js_text(a.params["id"])});
    // Checked once the job is found, where Cronicle's updateJob would set the values (it checks
    // none; here they must make a job).
    if (auto e = validate_event_data(a.params)) return send(a.reply, *e);
    auto change = run_change(info.event, a.params, with_plugins(s->events, api), run.job_id, run_fields::in_flight);
    if (!change.ok()) return send(a.reply, change.error());
    api.update_run(a.origin, s->events.group, run.job_id, run.run_id, std::move(*change),
                   [reply = a.reply](status_or<std::size_t> n) {
                     if (!n.ok() || *n == 0) return send(reply, {"job", "Failed to update job."});
                     reply.send(success());
                   });
  });
}

void abort_job(scheduler_api& api, const state_ptr& s, call_args a) {
  find_run(api, s, a.params, a.reply, job_not_located, [&api, s, a](run_record run, event_info info) {
    const std::string id = js_text(a.params["id"]);
    // A job waiting out its retry_delay is aborted through the try it follows, as Cronicle's
    // abortLocalPendingJob finishes it.
    if (run.finished() && !info.retry_pending) return send(a.reply, {"job", "Failed to locate job: " + id});
    // This run only, however many of the event are in flight.
    api.abort_run(aborting(s, a.origin), s->events.group, run.job_id, run.run_id, [reply = a.reply](status_or<std::size_t> n) {
      if (!n.ok() || *n == 0) return send(reply, {"job", "Failed to abort job."});
      reply.send(success());
    });
  });
}

void get_job_log(scheduler_api& api, const state_ptr& s, call_args a) {
  // Cronicle reads the id from the query only, and answers the log itself, not JSON.
  if (auto e = require_params(a.query, {{"id", param_rule::word}})) return send(a.reply, *e);
  const std::string id = js_text(a.query["id"]);
  const bool download = a.query.contains("download") && js_truthy(a.query["download"]);
  auto text = [](int status, std::string body) {
    http_response r{status, "text/plain; charset=utf-8", std::move(body), {}};
    r.headers.emplace_back("Access-Control-Allow-Origin", "*");
    return r;
  };
  auto parts = parse_job_id(id);
  // A job Cronicle holds no record of is refused in JSON before any log is read.
  if (!parts) return send(a.reply, job_not_stored(id));
  // A retried job's log is its last try's (Cronicle appends each try to one log).
  find_try(api, s, parts->first, parts->second,
           [s, reply = a.reply, id, download, text](std::optional<run_record> run, std::optional<job_view> v,
                                                    std::vector<run_record> earlier) {
    if (!run) return send(reply, job_not_stored(id));
    // Each try as get_job_status showed it, for its header, and its retry note or the footer.
    auto job_of = [&](const run_record& t) {
      const event_info info = v ? as_ended_run(*v, t, s->events) : event_info{};
      json job = job_json(t, info.event, info.timeout_ms, s->hostname, to_unix_ms(now_ms()));
      job["id"] = id;  // a retry goes on under the id its first try had
      return job;
    };
    std::string log;
    for (const run_record& t : earlier) log += failed_try_log_text(job_of(t), t);
    http_response r = text(200, log + job_log_text(job_of(*run), *run));
    if (download) r.headers.emplace_back("Content-disposition", "attachment; filename=Cronicle-Job-Log-" + id + ".txt");
    reply.send(std::move(r));
  });
}

// Cronicle's delete_job (an admin call): a completed job's record and log go, each of its tries
// for a retried job. A job in flight or waiting for its retry has no record yet (Cronicle writes
// jobs/<id> when the job completes), so it is refused as an unknown job is. Cronicle leaves a stub
// row ({action: "job_delete"}) in place of the job in its history lists; here the row goes.
void delete_job(scheduler_api& api, const state_ptr& s, call_args a) {
  if (auto e = require_params(a.params, {{"id", param_rule::word}})) return send(a.reply, *e);
  const std::string id = js_text(a.params["id"]);
  auto parts = parse_job_id(id);
  if (!parts) return send(a.reply, job_not_stored(id));
  find_try(api, s, parts->first, parts->second,
           [&api, s, a, id, event_id = parts->first](std::optional<run_record> run, std::optional<job_view> v,
                                                     std::vector<run_record> earlier) {
    if (!run || !run->finished() || (v && awaits_retry(*run, v->retries_due))) return send(a.reply, job_not_stored(id));
    std::vector<uint64_t> tries{run->run_id};
    for (const auto& t : earlier) tries.push_back(t.run_id);
    request_origin origin = a.origin;
    origin.detail = id;
    api.delete_runs(origin, s->events.group, event_id, std::move(tries), [reply = a.reply, id](status st) {
      if (st.code() == status_code::not_found || st.code() == status_code::failed_precondition)
        return send(reply, job_not_stored(id));
      if (!st.ok()) return send(reply, {"job", "Failed to delete job: " + st.message()});
      reply.send(success());
    });
  });
}

// Cronicle's state: the scheduler's flag, each event's cursor and last job code (master_state.h).
void get_master_state(scheduler_api& api, const state_ptr& s, call_args a) {
  api.list_jobs(s->events.group, [&api, reply = a.reply](status_or<std::vector<job_view>> views) {
    const scheduler_state scheduler{api.scheduler_enabled(), api.scheduler_paused_since_ms(), to_unix_ms(now_ms())};
    reply.send(success({{"state", master_state(views.ok() ? *views : std::vector<job_view>{}, scheduler)}}));
  });
}

// Cronicle's state.enabled: 0 stops the scheduler from launching events (run_event still runs
// them), 1 starts it again.
void update_master_state(scheduler_api& api, const state_ptr&, call_args a) {
  // Cronicle requires nothing: without `enabled` its state is left as it is.
  if (!a.params.contains("enabled")) return a.reply.send(success());
  if (auto e = require_params(a.params, {{"enabled", param_rule::flag}})) return send(a.reply, *e);
  // 0, "0", false and "false" disable (Cronicle takes the string "0" as true, a trap for form
  // and query callers); anything else the flag rule admits enables.
  const json& v = a.params["enabled"];
  const bool enabled = !(v == 0 || v == "0" || v == false || v == "false");
  api.set_scheduler_enabled(a.origin, enabled, [reply = a.reply](status st) {
    if (!st.ok()) return send(reply, {"api", "Failed to update master state: " + st.message()});
    reply.send(success());
  });
}

}  // namespace mainspring::http::cronicle
