#include "http/cloudtask/runtime_view.h"

#include <algorithm>
#include <memory>

namespace mainspring::http::cloudtask {

const node_view* runtime_view::node(std::string_view id) const {
  for (const auto& n : nodes)
    if (n.spec.id == id) return &n;
  return nullptr;
}

job_stat runtime_view::placement_of(std::string_view job_id) const {
  for (const auto& e : table.entries)
    if (e.job_id == job_id) return job_stat{true};
  return job_stat{false};
}

uint64_t runtime_view::entry_version(std::string_view job_id) const {
  for (const auto& e : table.entries)
    if (e.job_id == job_id) return e.version;
  return 0;
}

bool is_cloudtask_job(const job_spec& spec) {
  const auto* remote = std::get_if<remote_target>(&spec.target);
  return remote && remote->allocated;
}

void load_runtime(scheduler_api& api, std::string group, bool with_jobs, reply_fn<runtime_view> done) {
  // The table first (it answers not_found for an unknown group), then the nodes, then the jobs.
  api.allocation_table(group, [&api, group, with_jobs, done](status_or<allocation_view> table) {
    if (!table.ok()) return done(table.status());
    auto view = std::make_shared<runtime_view>();
    view->name = group;
    view->table = std::move(table).value();
    api.list_nodes(group, [&api, group, with_jobs, done, view](status_or<std::vector<node_view>> nodes) {
      if (!nodes.ok()) return done(nodes.status());
      view->nodes = std::move(nodes).value();
      if (!with_jobs) return done(std::move(*view));
      api.list_jobs(group, [done, view](status_or<std::vector<job_view>> jobs) {
        if (!jobs.ok()) return done(jobs.status());
        for (auto& j : *jobs)
          if (is_cloudtask_job(j.spec)) view->jobs.push_back(std::move(j));
        std::sort(view->jobs.begin(), view->jobs.end(),
                  [](const job_view& a, const job_view& b) { return a.spec.id < b.spec.id; });
        done(std::move(*view));
      });
    });
  });
}

namespace {

// Loads groups[next...] one after the other into `loaded`. One at a time, so that a request holds
// at most one list on the list worker: one per group at once filled its queue
// (k_max_queued_lists) on a server of a few hundred groups, and the lists it refused, this
// request's and anyone's, answered 503 or left runtimes out.
void load_from(scheduler_api& api, std::shared_ptr<std::vector<std::string>> groups, std::size_t next,
               std::shared_ptr<std::vector<runtime_view>> loaded, reply_fn<std::vector<runtime_view>> done) {
  if (next == groups->size()) {
    std::sort(loaded->begin(), loaded->end(),
              [](const runtime_view& a, const runtime_view& b) { return a.name < b.name; });
    return done(std::move(*loaded));
  }
  load_runtime(api, (*groups)[next], true, [&api, groups, next, loaded, done](status_or<runtime_view> rt) {
    if (rt.ok()) loaded->push_back(std::move(rt).value());
    else if (rt.status().code() != status_code::not_found) return done(rt.status());  // removed meanwhile: left out
    load_from(api, groups, next + 1, loaded, done);
  });
}

}  // namespace

void load_all_runtimes(scheduler_api& api, reply_fn<std::vector<runtime_view>> done) {
  api.list_groups([&api, done](status_or<std::vector<std::string>> groups) {
    if (!groups.ok()) return done(groups.status());
    load_from(api, std::make_shared<std::vector<std::string>>(std::move(groups).value()), 0,
              std::make_shared<std::vector<runtime_view>>(), done);
  });
}

namespace {

// Looks for `job_id` in groups[next...], one after the other.
void find_from(scheduler_api& api, std::shared_ptr<std::vector<std::string>> groups, std::size_t next,
               std::string job_id, reply_fn<located_job> done) {
  if (next >= groups->size()) return done(status::not_found("jobid: no such job: " + job_id));
  const std::string group = (*groups)[next];
  api.job_detail(group, job_id, [&api, groups, next, job_id, done, group](status_or<job_view> v) {
    if (!v.ok() || !is_cloudtask_job(v->spec)) return find_from(api, groups, next + 1, job_id, done);
    load_runtime(api, group, false, [done, job = std::move(v).value()](status_or<runtime_view> rt) mutable {
      if (!rt.ok()) return done(rt.status());
      done(located_job{std::move(job), std::move(rt).value()});
    });
  });
}

}  // namespace

void find_job(scheduler_api& api, std::string job_id, reply_fn<located_job> done) {
  if (!is_valid_job_id(job_id)) return done(status::not_found("jobid: no such job: " + job_id.substr(0, 64)));
  api.list_groups([&api, job_id, done](status_or<std::vector<std::string>> groups) {
    if (!groups.ok()) return done(groups.status());
    find_from(api, std::make_shared<std::vector<std::string>>(std::move(groups).value()), 0, job_id, done);
  });
}

}  // namespace mainspring::http::cloudtask
