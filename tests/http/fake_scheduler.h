// fake_scheduler: an in-memory scheduler_api for the HTTP dialects' unit tests.
//
// It answers at once (or, with `defer`, queues the callbacks for the test to run later, from
// another thread if it likes), validates added jobs with validate_job like the real one, and
// remembers what the last calls asked, so that a test can check a dialect's field mapping.
//
// Example:
//   fake_scheduler api;
//   api.groups["YM55"] = {"YM55", "SECRET", 1};
//   native::add_native_routes(router, api);
//   ... dispatch a request ...
//   CHECK(api.added->timeout_ms == 1500);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actors/scheduler_api.h"

namespace mainspring {

class fake_scheduler final : public scheduler_api {
 public:
  std::map<std::string, group_spec> groups;
  std::map<std::string, std::map<std::string, job_view>> jobs;  // group -> id -> job
  std::map<std::string, std::vector<node_view>> nodes;          // group -> its nodes
  std::map<std::string, allocation_view> allocations;           // group -> its REMOTE@* table
  std::vector<std::string> aborted;
  job_page_query last_page_query;                             // job ids abort_job_runs was asked for
  // -- what the last calls asked --
  request_origin origin{"", ""};
  std::optional<job_spec> added;
  std::string edited_group, edited_id;
  std::optional<job_patch> patch;
  std::optional<int64_t> activated_at;
  std::string paused, deleted, cleared, deleted_name;
  std::size_t limit = 0;
  uint64_t before = 0;
  int64_t run_as_of_ms = -1;  // the last run_job_now_as call's as_of_ms
  std::vector<uint64_t> aborted_runs;  // run ids abort_run was asked for
  std::optional<status> run_refusal;   // run_job_now's answer when set (the core's refusal)
  std::set<std::string> lists_refused;  // groups whose list_jobs answers unavailable (a full list worker)
  // When set, callbacks are queued here instead of being called.
  bool defer = false;
  std::vector<std::function<void()>> deferred;

  // -- scheduler_api --
  void register_group(request_origin o, std::string group, reply_fn<std::string> done) override {
    origin = o;
    if (groups.count(group)) return reply(done, status::already_exists("group_name: " + group + " exists"));
    groups[group] = group_spec{group, "JBSWY3DPEHPK3PXP", 1};
    reply(done, status_or<std::string>(groups[group].secret));
  }
  void remove_group(request_origin o, std::string group, done_fn done) override {
    origin = o;
    if (!groups.erase(group)) return answer(done, unknown_group(group));
    jobs.erase(group);
    answer(done, status{});
  }
  void list_groups(reply_fn<std::vector<std::string>> done) override {
    std::vector<std::string> names;
    for (const auto& [name, g] : groups) names.push_back(name);
    reply(done, status_or<std::vector<std::string>>(names));
  }
  void group_info(std::string group, reply_fn<group_spec> done) override {
    if (!groups.count(group)) return reply(done, unknown_group(group));
    reply(done, status_or<group_spec>(groups[group]));
  }
  void add_job(request_origin o, job_spec spec, reply_fn<std::string> done) override {
    origin = o;
    added = spec;
    if (auto st = validate_job(spec); !st.ok()) return reply(done, st);
    if (!groups.count(spec.group)) return reply(done, unknown_group(spec.group));
    if (spec.id.empty()) spec.id = "1107521665400573952";
    if (jobs[spec.group].count(spec.id))
      return reply(done, status::already_exists("job_id: " + spec.id + " exists"));
    job_view v;
    v.spec = spec;
    jobs[spec.group][spec.id] = v;
    reply(done, status_or<std::string>(spec.id));
  }
  void create_job(request_origin o, job_spec spec, reply_fn<job_view> done) override {
    add_job(o, spec, [this, done, group = spec.group](status_or<std::string> id) {
      if (!id.ok()) return reply(done, id.status());
      reply(done, status_or<job_view>(jobs[group][*id]));
    });
  }
  void edit_job(request_origin o, std::string group, std::string job_id, job_patch p,
                reply_fn<job_view> done) override {
    origin = o;
    edited_group = group;
    edited_id = job_id;
    patch = p;
    auto* job = find(group, job_id);
    if (!job) return reply(done, status::not_found("job_id: no job " + job_id));
    reply(done, status_or<job_view>(*job));
  }
  void pause_job(request_origin o, std::string group, std::string job_id, done_fn done) override {
    origin = o;
    paused = group + "/" + job_id;
    answer(done, find(group, job_id) ? status{} : status::not_found("job_id: no job " + job_id));
  }
  void activate_job(request_origin o, std::string group, std::string job_id, int64_t exec_time_s,
                    done_fn done) override {
    origin = o;
    activated_at = exec_time_s;
    answer(done, find(group, job_id) ? status{} : status::not_found("job_id: no job " + job_id));
  }
  void delete_job(request_origin o, std::string group, std::string job_id, done_fn done) override {
    origin = o;
    deleted = group + "/" + job_id;
    answer(done, find(group, job_id) ? status{} : status::not_found("job_id: no job " + job_id));
  }
  void clear_jobs(request_origin o, std::string group, reply_fn<std::size_t> done) override {
    origin = o;
    cleared = group;
    if (!groups.count(group)) return reply(done, unknown_group(group));
    reply(done, status_or<std::size_t>(jobs[group].size()));
  }
  void delete_jobs_by_name(request_origin o, std::string group, std::string name,
                           reply_fn<std::size_t> done) override {
    origin = o;
    deleted_name = group + "/" + name;
    if (!groups.count(group)) return reply(done, unknown_group(group));
    reply(done, status_or<std::size_t>(std::size_t{0}));
  }
  void list_jobs(std::string group, reply_fn<std::vector<job_view>> done) override {
    if (!groups.count(group)) return reply(done, unknown_group(group));
    if (lists_refused.count(group)) return reply(done, status::unavailable("too many lists are being built"));
    std::vector<job_view> out;
    for (const auto& [id, v] : jobs[group]) out.push_back(v);
    reply(done, status_or<std::vector<job_view>>(out));
  }
  void visit_jobs(std::string group, job_visitor visit, reply_fn<std::size_t> done) override {
    if (!groups.count(group)) return reply(done, unknown_group(group));
    std::size_t n = 0;
    for (const auto& [id, v] : jobs[group]) visit(v, jobs[group].size()), ++n;
    reply(done, status_or<std::size_t>(n));
  }
  void job_detail(std::string group, std::string job_id, reply_fn<job_view> done) override {
    auto* job = find(group, job_id);
    if (!job) return reply(done, status::not_found("job_id: no job " + job_id));
    reply(done, status_or<job_view>(*job));
  }
  void run_job_now(request_origin o, std::string group, std::string job_id, reply_fn<uint64_t> done) override {
    origin = o;
    if (!find(group, job_id)) return reply(done, status::not_found("job_id: no job " + job_id));
    if (run_refusal) return reply(done, *run_refusal);
    reply(done, status_or<uint64_t>(uint64_t{18'000'000'000'000'000'001ULL}));
  }
  void run_job_now_as(request_origin o, std::string group, std::string job_id, manual_run run,
                      reply_fn<uint64_t> done) override {
    run_as_of_ms = run.as_of_ms;
    if (run.change) return reply(done, status::unimplemented("the fake runs no fields of its own"));
    run_job_now(std::move(o), std::move(group), std::move(job_id), std::move(done));
  }
  void job_executions(std::string group, std::string job_id, std::size_t n, uint64_t before_id,
                      reply_fn<std::vector<run_record>> done) override {
    limit = n;
    before = before_id;
    if (!find(group, job_id)) return reply(done, status::not_found("job_id: no job " + job_id));
    run_record r;
    r.run_id = 42;
    r.job_id = job_id;
    r.group = group;
    r.state = run_state::timed_out;
    r.plan_ms = 1'700'000'000'000;
    r.start_ms = 1'700'000'000'015;
    r.end_ms = 1'700'000'001'015;
    r.output_tail = "tail";
    reply(done, status_or<std::vector<run_record>>(std::vector<run_record>{r}));
  }

  void dump(std::optional<std::string> group, reply_fn<dump_file> done) override {
    if (group && !groups.count(*group)) return reply(done, status::not_found("group_name: unknown group"));
    reply(done, status_or<dump_file>(dump_file{"2026-11-23-134501-backup.tar.gz", "ARCHIVE:" + group.value_or("*")}));
  }
  void import(request_origin o, std::string archive, done_fn done) override {
    origin = o;
    imported = std::move(archive);
    if (imported == "bad") return done(status::invalid_argument("import: not a gzip archive"));
    done(status{});
  }
  void audit_log(int64_t from_ms, int64_t to_ms, std::size_t n, reply_fn<std::vector<audit_entry>> done) override {
    audit_from = from_ms;
    audit_to = to_ms;
    limit = n;
    reply(done, status_or<std::vector<audit_entry>>(std::vector<audit_entry>{
                    audit_entry{1'700'000'000'123, "native", "", "job.add", "G", "7", "Hello"}}));
  }
  std::vector<std::string> audit_groups;
  // What group_audit_log answers, if set (else one entry of the first group asked for).
  std::optional<std::vector<audit_entry>> group_audit;
  void group_audit_log(std::vector<std::string> groups, int64_t from_ms, int64_t to_ms, std::size_t n,
                       reply_fn<std::vector<audit_entry>> done) override {
    audit_groups = groups;
    const std::string group = groups.empty() ? "" : groups.front();
    audit_from = from_ms;
    audit_to = to_ms;
    limit = n;
    if (group_audit) return reply(done, status_or<std::vector<audit_entry>>(*group_audit));
    reply(done, status_or<std::vector<audit_entry>>(std::vector<audit_entry>{
                    audit_entry{1'700'000'000'123, "native", "", "job.add", group, "7", "Hello"}}));
  }
  // -- funcs: the last call's request, and what calls answer --
  std::map<std::string, std::map<std::string, func_spec>> funcs;  // group -> name -> func
  std::optional<func_request> called;
  std::string called_func;
  status_or<std::string> call_answer{std::string("{\"ok\":true}\n")};

  void add_func(request_origin o, func_spec func, reply_fn<std::string> done) override {
    origin = o;
    if (auto st = validate_func(func); !st.ok()) return reply(done, st);
    if (!groups.count(func.group)) return reply(done, unknown_group(func.group));
    func.secret = "FUNCSECRET";
    std::string answer = func.disable_group_otp ? func.secret : func.name;
    funcs[func.group][func.name] = func;
    reply(done, status_or<std::string>(answer));
  }
  void delete_func(request_origin o, std::string group, std::string name, done_fn done) override {
    origin = o;
    if (!groups.count(group)) return answer(done, unknown_group(group));
    answer(done, funcs[group].erase(name) ? status{} : status::not_found("name: no func " + name));
  }
  std::vector<run_record> group_runs;  // what group_executions answers (filtered by time)
  void group_executions(std::string group, int64_t from_ms, int64_t to_ms, std::size_t lim,
                        reply_fn<std::vector<run_record>> done) override {
    if (!groups.count(group)) return reply(done, unknown_group(group));
    std::vector<run_record> out;
    for (const auto& r : group_runs)
      if (r.group == group && r.plan_ms >= from_ms && r.plan_ms <= to_ms && out.size() < lim) out.push_back(r);
    reply(done, status_or<std::vector<run_record>>(out));
  }
  std::vector<run_record> in_flight;  // what runs_in_flight answers (for the group asked)
  void runs_in_flight(std::string group, reply_fn<std::vector<run_record>> done) override {
    if (!groups.count(group)) return reply(done, unknown_group(group));
    std::vector<run_record> out;
    for (const auto& r : in_flight)
      if (r.group == group) out.push_back(r);
    reply(done, status_or<std::vector<run_record>>(out));
  }
  std::vector<waiting_retry> retries;  // what retries_waiting answers (every group)
  void retries_waiting(std::string group, reply_fn<std::vector<waiting_retry>> done) override {
    if (!groups.count(group)) return reply(done, unknown_group(group));
    reply(done, status_or<std::vector<waiting_retry>>(retries));
  }
  void list_nodes(std::string group, reply_fn<std::vector<node_view>> done) override {
    if (!groups.count(group)) return reply(done, unknown_group(group));
    reply(done, status_or<std::vector<node_view>>(nodes[group]));
  }
  void list_jobs_page(std::string group, job_page_query query, reply_fn<job_page> done) override {
    if (!groups.count(group)) return reply(done, unknown_group(group));
    last_page_query = query;
    job_page page;
    for (const auto& [id, v] : jobs[group]) {
      if (page.total++ < query.offset) continue;
      if (page.jobs.size() < query.limit) page.jobs.push_back(v);
    }
    reply(done, status_or<job_page>(std::move(page)));
  }
  void abort_job_runs(request_origin o, std::string group, std::string job_id, reply_fn<std::size_t> done) override {
    origin = o;
    if (!groups.count(group)) return reply(done, unknown_group(group));
    auto it = jobs[group].find(job_id);
    if (it == jobs[group].end()) return reply(done, status_or<std::size_t>(status::not_found("job_id: " + job_id)));
    aborted.push_back(job_id);
    reply(done, status_or<std::size_t>(std::size_t{it->second.running}));
  }
  void abort_run(request_origin o, std::string group, std::string job_id, uint64_t run_id,
                 reply_fn<std::size_t> done) override {
    origin = o;
    if (!find(group, job_id)) return reply(done, status_or<std::size_t>(status::not_found("job_id: " + job_id)));
    aborted_runs.push_back(run_id);
    reply(done, status_or<std::size_t>(std::size_t{1}));
  }
  void allocation_table(std::string group, reply_fn<allocation_view> done) override {
    if (!groups.count(group)) return reply(done, unknown_group(group));
    reply(done, status_or<allocation_view>(allocations[group]));
  }
  void list_funcs(std::string group, reply_fn<std::vector<func_spec>> done) override {
    if (!groups.count(group)) return reply(done, unknown_group(group));
    std::vector<func_spec> out;
    for (const auto& [name, f] : funcs[group]) out.push_back(f);
    reply(done, status_or<std::vector<func_spec>>(out));
  }
  void call_func(std::string group, std::string name, func_request req, reply_fn<std::string> done) override {
    called = std::move(req);
    called_func = group + "/" + name;
    reply(done, call_answer);
  }

  std::string runs_cleared;                 // "group/job" of the last clear_job_runs
  std::vector<uint64_t> runs_deleted;       // the run ids of the last delete_runs
  void clear_job_runs(request_origin o, std::string group, std::string job_id, done_fn done) override {
    origin = o;
    if (!find(group, job_id)) return answer(done, status::not_found("job_id: no job " + job_id));
    runs_cleared = group + "/" + job_id;
    answer(done, status{});
  }
  void delete_runs(request_origin o, std::string group, std::string job_id, std::vector<uint64_t> run_ids,
                   done_fn done) override {
    origin = o;
    if (!find(group, job_id)) return answer(done, status::not_found("job_id: no job " + job_id));
    runs_deleted = std::move(run_ids);
    answer(done, status{});
  }

  // Run pools: in memory, answered at once (a dialect's setup writes one before any deferral).
  std::map<std::string, std::map<std::string, run_pool_spec>> pools;  // group -> name -> pool
  std::vector<run_pool_spec> run_pools(const std::string& group) const override {
    std::vector<run_pool_spec> out;
    if (auto g = pools.find(group); g != pools.end())
      for (const auto& [name, p] : g->second) out.push_back(p);
    return out;
  }
  std::map<std::string, std::size_t> pool_running;  // "group/name" -> runs in flight
  std::size_t run_pool_running(const std::string& group, const std::string& name) const override {
    auto it = pool_running.find(group + "/" + name);
    return it == pool_running.end() ? 0 : it->second;
  }
  void put_run_pool(request_origin o, std::string group, run_pool_spec pool, done_fn done) override {
    origin = o;
    if (auto st = validate_run_pool(pool); !st.ok()) return done(st);
    pools[group][pool.name] = std::move(pool);
    done(status{});
  }
  void delete_run_pool(request_origin o, std::string group, std::string name, done_fn done) override {
    origin = o;
    if (!pools[group].erase(name)) return done(status::not_found("no run pool " + name));
    done(status{});
  }

  // Group documents: in memory, answered at once, by name.
  std::map<std::string, std::map<std::string, group_document>> documents;  // "group/kind" -> name -> doc
  int64_t document_clock_ms = 1;  // created_ms / updated_ms, one more at each put
  std::vector<group_document> group_documents(const std::string& group, const std::string& kind) const override {
    std::vector<group_document> out;
    if (auto g = documents.find(group + "/" + kind); g != documents.end())
      for (const auto& [name, d] : g->second) out.push_back(d);
    return out;
  }
  void put_group_document(request_origin o, std::string group, std::string kind, group_document doc,
                          done_fn done) override {
    origin = o;
    if (auto st = validate_group_document(kind, doc); !st.ok()) return done(st);
    auto& kept = documents[group + "/" + kind];
    doc.updated_ms = ++document_clock_ms;
    auto it = kept.find(doc.name);
    doc.created_ms = it == kept.end() ? doc.updated_ms : it->second.created_ms;
    kept[doc.name] = std::move(doc);
    done(status{});
  }
  void delete_group_document(request_origin o, std::string group, std::string kind, std::string name,
                             done_fn done) override {
    origin = o;
    if (!documents[group + "/" + kind].erase(name)) return done(status::not_found("no document " + name));
    done(status{});
  }

  std::string imported;
  int64_t audit_from = 0, audit_to = 0;

  // A job in `group` with a next fire time, for the rendering tests.
  job_view& seed_job(const std::string& group, const std::string& id) {
    groups[group] = group_spec{group, "SECRET", 1};
    job_view& v = jobs[group][id];
    v.spec.id = id;
    v.spec.group = group;
    v.spec.name = "Hello";
    v.spec.schedule = "@every 5s";
    v.spec.target = http_target{.url = "http://127.0.0.1:9999?test=yao", .signed_query = true};
    v.spec.dialect_data = R"({"native":{"exec_command":"echo hi"}})";  // kept beside HTTP@
    v.spec.memo = "memo";
    v.spec.otp_secret = "OTP";
    return v;
  }

 private:
  static status unknown_group(const std::string& group) {
    return status::not_found("group_name: no group " + group);
  }
  job_view* find(const std::string& group, const std::string& id) {
    auto g = jobs.find(group);
    if (g == jobs.end()) return nullptr;
    auto j = g->second.find(id);
    return j == g->second.end() ? nullptr : &j->second;
  }
  template <class T>
  void reply(const reply_fn<T>& done, status_or<T> result) {
    if (defer) deferred.push_back([done, result] { done(result); });
    else done(std::move(result));
  }
  template <class T>
  void reply(const reply_fn<T>& done, status st) { reply(done, status_or<T>(std::move(st))); }
  void answer(const done_fn& done, status st) {
    if (defer) deferred.push_back([done, st] { done(st); });
    else done(std::move(st));
  }
};

}  // namespace mainspring
