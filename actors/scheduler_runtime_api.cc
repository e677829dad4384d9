// The scheduler_api half of scheduler_runtime: each call is one message, to the group it is for
// when group_routes allows and else to the registry, with the audit record of a change made here
// and the checks that need no actor's state (a store read that would block an actor happens on
// the caller's thread too).
#include <algorithm>

#include "actors/job_actor.h"
#include "actors/messages.h"
#include "actors/runtime_impl.h"
#include "storage/dump_archive.h"
#include "storage/mutation_batch.h"

namespace mainspring {

audit_entry audit_of(const request_origin& origin, std::string action, std::string group,
                     std::string job_id) {
  return audit_entry{to_unix_ms(now_ms()), origin.api,      origin.key_id, std::move(action),
                     std::move(group),       std::move(job_id), origin.detail, origin.client_ip};
}

void scheduler_runtime::register_group(request_origin origin, std::string group,
                                       reply_fn<std::string> done) {
  impl_->send(reg_group_atom::value, audit_of(origin, "group.register", group), std::move(group),
              std::move(done));
}
void scheduler_runtime::remove_group(request_origin origin, std::string group, done_fn done) {
  // What this thread sends the group after the removal goes through the registry behind it.
  impl_->routes.hold(group);
  auto answer = impl_->routes.released_on_answer(group, done_fn([raw = impl_.get(), group, done = std::move(done)](status st) {
    if (st.ok()) {
      raw->forget_run_pools(group);
      raw->forget_group_documents(group);
    }
    done(std::move(st));
  }));
  impl_->send(rm_group_atom::value, audit_of(origin, "group.remove", group), std::move(group), std::move(answer));
}
void scheduler_runtime::list_groups(reply_fn<std::vector<std::string>> done) {
  impl_->send(groups_atom::value, std::move(done));
}
void scheduler_runtime::group_info(std::string group, reply_fn<group_spec> done) {
  impl_->send(group_info_atom::value, std::move(group), std::move(done));
}
void scheduler_runtime::add_job(request_origin origin, job_spec spec, reply_fn<std::string> done) {
  if (auto st = impl_->ctx.admissible(spec); !st.ok()) return done(st);
  auto audit = audit_of(origin, "job.add", spec.group, spec.id);
  std::string group = spec.group;
  impl_->give_group(group, std::move(done), add_job_atom::value, std::move(audit), std::move(spec));
}
void scheduler_runtime::create_job(request_origin origin, job_spec spec, reply_fn<job_view> done) {
  if (auto st = impl_->ctx.admissible(spec); !st.ok()) return done(st);
  auto audit = audit_of(origin, "job.add", spec.group, spec.id);
  std::string group = spec.group;
  impl_->give_group(group, std::move(done), create_job_atom::value, std::move(audit), std::move(spec));
}
void scheduler_runtime::edit_job(request_origin origin, std::string group, std::string job_id,
                                 job_patch patch, reply_fn<job_view> done) {
  auto audit = audit_of(origin, "job.edit", group, job_id);
  impl_->change_group(group, std::move(done), edit_job_atom::value, std::move(audit), std::move(job_id),
              std::move(patch));
}
void scheduler_runtime::pause_job(request_origin origin, std::string group, std::string job_id,
                                  done_fn done) {
  auto audit = audit_of(origin, "job.pause", group, job_id);
  impl_->change_group(group, std::move(done), pause_atom::value, std::move(audit), std::move(job_id));
}
void scheduler_runtime::activate_job(request_origin origin, std::string group, std::string job_id,
                                     int64_t exec_time_s, done_fn done) {
  auto audit = audit_of(origin, "job.activate", group, job_id);
  impl_->change_group(group, std::move(done), activate_atom::value, std::move(audit), std::move(job_id),
              exec_time_s);
}
void scheduler_runtime::delete_job(request_origin origin, std::string group, std::string job_id,
                                   done_fn done) {
  auto audit = audit_of(origin, "job.delete", group, job_id);
  impl_->change_group(group, std::move(done), delete_atom::value, std::move(audit), std::move(job_id));
}
void scheduler_runtime::clear_jobs(request_origin origin, std::string group, reply_fn<std::size_t> done) {
  auto audit = audit_of(origin, "job.clear", group);
  impl_->change_group(group, std::move(done), clear_atom::value, std::move(audit));
}
void scheduler_runtime::delete_jobs_by_name(request_origin origin, std::string group,
                                            std::string name, reply_fn<std::size_t> done) {
  auto audit = audit_of(origin, "job.delete_by_name", group);
  impl_->change_group(group, std::move(done), delete_name_atom::value, std::move(audit), std::move(name));
}
void scheduler_runtime::list_jobs(std::string group, reply_fn<std::vector<job_view>> done) {
  impl_->ask_group(group, std::move(done), list_atom::value);
}
void scheduler_runtime::visit_jobs(std::string group, job_visitor visit, reply_fn<std::size_t> done) {
  impl_->ask_group(group, std::move(done), list_atom::value, std::move(visit));
}
void scheduler_runtime::job_detail(std::string group, std::string job_id, reply_fn<job_view> done) {
  impl_->ask_group(group, std::move(done), view_atom::value, std::move(job_id));
}
void scheduler_runtime::run_view(std::string group, std::string job_id, uint64_t run_id, reply_fn<job_view> done) {
  impl_->ask_group(group, std::move(done), view_atom::value, std::move(job_id), run_id);
}
void scheduler_runtime::run_job_now(request_origin origin, std::string group, std::string job_id,
                                    reply_fn<uint64_t> done) {
  run_job_now_as(std::move(origin), std::move(group), std::move(job_id), manual_run{}, std::move(done));
}
void scheduler_runtime::job_executions(std::string group, std::string job_id, std::size_t limit,
                                       uint64_t before_run_id,
                                       reply_fn<std::vector<run_record>> done) {
  // The store read happens here, on the caller's thread, so that no actor blocks on disk; the
  // job actor adds what is in flight or not yet written.
  auto stored = impl_->store->list_runs(group, job_id, limit, before_run_id);
  if (!stored.ok()) return done(stored.status());
  impl_->ask_group(group, std::move(done), executions_atom::value, std::move(job_id), limit, before_run_id,
              std::move(stored).value());
}

namespace {

// `runs` with the runs in flight of the deleted jobs (of `group`, of its job `job_id` when that
// is not empty) whose actors stay for them (lingering_jobs), newest run id first.
std::vector<run_record> with_lingering_runs(const lingering_jobs& lingering, const std::string& group,
                                            const std::string& job_id, std::vector<run_record> runs) {
  const std::size_t before = runs.size();
  // A job whose delete was just written is kept there before its group forgets it: a run the
  // group listed already is not listed twice.
  auto listed = [&runs, before](const run_record& r) {
    return std::any_of(runs.begin(), runs.begin() + static_cast<std::ptrdiff_t>(before), [&](const run_record& x) {
      return x.run_id == r.run_id && x.job_id == r.job_id;
    });
  };
  for (const auto& job : lingering.of(group, job_id))
    for (auto& run : read_runs_in_flight(caf::actor_cast<caf::abstract_actor*>(job)))
      if (!listed(run)) runs.push_back(std::move(run));
  if (runs.size() != before)
    std::sort(runs.begin(), runs.end(), [](const run_record& a, const run_record& b) { return a.run_id > b.run_id; });
  return runs;
}

}  // namespace

void scheduler_runtime::runs_in_flight(std::string group, reply_fn<std::vector<run_record>> done) {
  // A deleted job's runs still going are the group's too (Dkron's busy, ndscheduler's executions).
  auto with_deleted = [this, group, done = std::move(done)](status_or<std::vector<run_record>> runs) {
    if (!runs.ok()) return done(std::move(runs));
    done(with_lingering_runs(impl_->lingering, group, "", std::move(runs).value()));
  };
  impl_->ask_group(group, reply_fn<std::vector<run_record>>(std::move(with_deleted)), in_flight_atom::value);
}

void scheduler_runtime::retries_waiting(std::string group, reply_fn<std::vector<waiting_retry>> done) {
  impl_->ask_group(group, std::move(done), retries_due_atom::value);
}

void scheduler_runtime::add_func(request_origin origin, func_spec func, reply_fn<std::string> done) {
  if (auto st = validate_func(func); !st.ok()) return done(st);
  if (auto st = impl_->pool->accepts_func(func); !st.ok()) return done(st);
  auto audit = audit_of(origin, "func.add", func.group);
  std::string group = func.group;
  impl_->give_group(group, std::move(done), add_func_atom::value, std::move(audit), std::move(func));
}
void scheduler_runtime::delete_func(request_origin origin, std::string group, std::string name,
                                    done_fn done) {
  auto audit = audit_of(origin, "func.delete", group);
  impl_->change_group(group, std::move(done), delete_func_atom::value, std::move(audit), std::move(name));
}
void scheduler_runtime::list_funcs(std::string group, reply_fn<std::vector<func_spec>> done) {
  impl_->ask_group(group, std::move(done), funcs_atom::value);
}
void scheduler_runtime::list_nodes(std::string group, reply_fn<std::vector<node_view>> done) {
  impl_->send(node_list_atom::value, std::move(group), std::move(done));
}
void scheduler_runtime::list_jobs_page(std::string group, job_page_query query, reply_fn<job_page> done) {
  impl_->ask_group(group, std::move(done), page_atom::value, std::move(query));
}
void scheduler_runtime::run_job_now_with(request_origin origin, std::string group, std::string job_id,
                                         run_override change, reply_fn<uint64_t> done) {
  run_job_now_as(std::move(origin), std::move(group), std::move(job_id), manual_run{0, std::move(change)},
                 std::move(done));
}
void scheduler_runtime::run_job_now_as(request_origin origin, std::string group, std::string job_id, manual_run run,
                                       reply_fn<uint64_t> done) {
  if (run.as_of_ms < 0 || run.as_of_ms > k_max_exec_time_s * 1000)
    return done(status::invalid_argument("plan_time: must be a time from 1970 to 9999"));
  if (run.change)
    if (auto st = validate_override(*run.change); !st.ok()) return done(st);
  auto audit = audit_of(origin, "job.run", group, job_id);
  impl_->change_group(group, std::move(done), run_now_atom::value, std::move(audit), std::move(job_id),
                      std::move(run));
}
void scheduler_runtime::abort_job_runs(request_origin origin, std::string group, std::string job_id,
                                       reply_fn<std::size_t> done) {
  auto audit = audit_of(origin, "job.abort", group, job_id);
  impl_->change_group(group, std::move(done), abort_atom::value, std::move(audit), std::move(job_id));
}
void scheduler_runtime::abort_run(request_origin origin, std::string group, std::string job_id, uint64_t run_id,
                                  reply_fn<std::size_t> done) {
  auto audit = audit_of(origin, "job.abort", group, job_id);
  std::string reason = std::move(origin.detail);
  audit.detail = "run " + std::to_string(run_id) + (reason.empty() ? "" : ": " + reason);
  impl_->change_group(group, std::move(done), abort_atom::value, std::move(audit), std::move(job_id), run_id,
                      std::move(reason));
}
void scheduler_runtime::replay_job_fires(request_origin origin, std::string group, std::string job_id,
                                         int64_t since_ms, reply_fn<std::size_t> done) {
  auto audit = audit_of(origin, "job.replay", group, job_id);
  impl_->change_group(group, std::move(done), rewind_atom::value, std::move(audit), std::move(job_id), since_ms);
}
void scheduler_runtime::flush_job_queue(request_origin origin, std::string group, std::string job_id,
                                        reply_fn<std::size_t> done) {
  auto audit = audit_of(origin, "job.flush_queue", group, job_id);
  impl_->change_group(group, std::move(done), flush_queue_atom::value, std::move(audit), std::move(job_id));
}
void scheduler_runtime::clear_job_runs(request_origin origin, std::string group, std::string job_id,
                                       done_fn done) {
  auto audit = audit_of(origin, "job.clear_runs", group, job_id);
  impl_->change_group(group, std::move(done), clear_runs_atom::value, std::move(audit), std::move(job_id));
}
void scheduler_runtime::delete_runs(request_origin origin, std::string group, std::string job_id,
                                    std::vector<uint64_t> run_ids, done_fn done) {
  // On the caller's thread, as job_executions' store read; the erase is synced before the answer.
  // A run that has just ended is written lazily: what is queued is written first, so that a run
  // a client has seen end is found.
  impl_->store->drain();
  auto found = impl_->store->find_runs(group, job_id, run_ids);
  if (!found.ok()) return done(found.status());
  if (found->empty()) return done(status::not_found("run: no such run of job " + job_id));
  for (const auto& r : *found)
    if (!r.run.finished()) return done(status::failed_precondition("run " + std::to_string(r.run.run_id) + " is in flight"));
  mutation_batch batch;
  auto audit = audit_of(origin, "job.delete_runs", group, job_id);
  // The dialect's own words for what went (Cronicle's job id), then the runs.
  audit.detail += audit.detail.empty() ? "runs" : ": runs";
  for (auto& r : *found) {
    audit.detail += " " + std::to_string(r.run.run_id);
    batch.erase_run_if(std::move(r.key), r.run.run_id);
  }
  batch.put_audit(std::move(audit));
  if (auto st = impl_->store->commit_sync(std::move(batch)); !st.ok()) return done(st);
  // The job's actor (if the job still exists) stops listing the runs it remembers; answered once
  // it has, so that a read after the answer does not show them. A job that is gone has none.
  std::vector<uint64_t> erased;
  for (const auto& r : *found) erased.push_back(r.run.run_id);
  impl_->ask_group(group, reply_fn<std::size_t>([done = std::move(done)](status_or<std::size_t>) { done({}); }),
                   forget_runs_atom::value, std::move(job_id), std::move(erased));
}
void scheduler_runtime::update_run(request_origin origin, std::string group, std::string job_id, uint64_t run_id,
                                   run_override change, reply_fn<std::size_t> done) {
  if (auto st = validate_override(change); !st.ok()) return done(st);
  auto audit = audit_of(origin, "job.update_run", group, job_id);
  audit.detail = "run " + std::to_string(run_id);
  impl_->change_group(group, std::move(done), update_run_atom::value, std::move(audit), std::move(job_id), run_id,
                      std::move(change));
}
void scheduler_runtime::allocation_table(std::string group, reply_fn<allocation_view> done) {
  impl_->send(alloc_view_atom::value, std::move(group), std::move(done));
}
void scheduler_runtime::group_executions(std::string group, int64_t from_ms, int64_t to_ms, std::size_t limit,
                                         reply_fn<std::vector<run_record>> done) {
  // As job_executions: the store read happens on the caller's thread, never on an actor's.
  done(impl_->store->list_group_runs(group, from_ms, to_ms, limit));
}
void scheduler_runtime::deleted_jobs(std::string group, std::size_t limit, reply_fn<std::vector<deleted_job>> done) {
  // On the caller's thread, as group_executions.
  auto records = impl_->store->list_deleted_jobs(group, limit);
  if (!records.ok()) return done(records.status());
  std::vector<deleted_job> out;
  out.reserve(records->size());
  for (auto& r : *records) out.push_back({std::move(r.job), r.deleted_ms});
  done(std::move(out));
}
void scheduler_runtime::deleted_job_executions(std::string group, std::string job_id, std::size_t limit,
                                               uint64_t before_run_id, reply_fn<std::vector<run_record>> done) {
  // On the caller's thread, as job_executions' store read.
  if (auto gone = impl_->store->find_deleted_job(group, job_id); !gone.ok()) return done(gone.status());
  auto stored = impl_->store->list_runs(group, job_id, limit, before_run_id);
  if (!stored.ok()) return done(std::move(stored));
  // With its runs still going (its actor stays for them), newest first as a live job's.
  auto runs = with_lingering_runs(impl_->lingering, group, job_id, std::move(stored).value());
  if (before_run_id != 0) std::erase_if(runs, [&](const run_record& r) { return r.run_id >= before_run_id; });
  if (runs.size() > limit) runs.resize(limit);
  done(std::move(runs));
}
void scheduler_runtime::find_deleted_job(std::string group, std::string job_id, reply_fn<deleted_job> done) {
  // On the caller's thread: two point reads.
  auto gone = impl_->store->find_deleted_job(group, job_id);
  if (!gone.ok()) return done(gone.status());
  done(deleted_job{std::move(gone->job), gone->deleted_ms});
}
void scheduler_runtime::call_func(std::string group, std::string name, func_request req,
                                  reply_fn<std::string> done) {
  impl_->ask_group(group, std::move(done), call_func_atom::value, std::move(name), std::move(req));
}

void scheduler_runtime::import(request_origin origin, std::string archive, done_fn done) {
  auto groups = read_dump(archive);
  if (!groups.ok()) return done(status::invalid_argument("import: " + groups.status().message()));
  auto audit = audit_of(origin, "import", {});
  audit.detail = std::to_string(groups->size()) + " group(s)";
  impl_->send(import_atom::value, std::move(audit), std::move(groups).value(), std::move(done));
}

void scheduler_runtime::group_audit_log(std::vector<std::string> groups, int64_t from_ms, int64_t to_ms,
                                        std::size_t limit, reply_fn<std::vector<audit_entry>> done) {
  // On the caller's thread, as audit_log. A change written lazily (an abort, a run's update) is
  // written first, so that a log read after its answer shows it.
  impl_->store->drain();
  auto entries = impl_->store->latest_group_audit(groups, from_ms, to_ms, limit);
  if (!entries.ok()) return done(entries.status());
  done(std::move(entries).value());
}

void scheduler_runtime::audit_log(int64_t from_ms, int64_t to_ms, std::size_t limit,
                                  reply_fn<std::vector<audit_entry>> done) {
  auto entries = impl_->store->audit_range(from_ms, to_ms, limit);
  if (!entries.ok()) return done(entries.status());
  done(std::move(entries).value());
}

// Written (synced, with its audit entry) before it is acknowledged; a pause whose write failed
// is undone. Blocks the caller for that one write; it is a rare admin call. A pause takes effect
// at once, at the instant it records, so that every fire after that instant is skipped (and none
// before it): a resume has every job replay exactly those, as its misfire policy says
// (job_actor.cc): a catch_up event runs each of them, as after downtime.
void scheduler_runtime::set_scheduler_enabled(request_origin origin, bool enabled, done_fn done) {
  auto& stats = impl_->stats;
  const bool was_paused = stats.scheduler_paused.load(std::memory_order_relaxed);
  const bool pausing = !enabled && !was_paused;
  const int64_t since = to_unix_ms(now_ms());
  // The instant first, then the flag (release): a job that sees the flag sees when the pause
  // began, and runs a fire planned before it that reaches it late (job_actor.cc).
  if (pausing) {
    stats.paused_since_ms.store(since, std::memory_order_relaxed);
    stats.scheduler_paused.store(true, std::memory_order_release);
  }
  mutation_batch batch;
  batch.put_meta(k_scheduler_paused_meta, enabled ? "0" : "1");
  if (pausing) batch.put_meta(k_scheduler_paused_since_meta, std::to_string(since));
  batch.put_audit(audit_of(origin, enabled ? "scheduler.resume" : "scheduler.pause", {}));
  if (auto st = impl_->store->commit_sync(std::move(batch)); !st.ok()) {
    if (pausing) {
      stats.scheduler_paused.store(false, std::memory_order_relaxed);
      stats.paused_since_ms.store(0, std::memory_order_relaxed);
    }
    return done(st);
  }
  stats.scheduler_paused.store(!enabled, std::memory_order_relaxed);
  if (enabled && was_paused) {
    const int64_t since = stats.paused_since_ms.exchange(0, std::memory_order_relaxed);
    if (since > 0) impl_->send(replay_atom::value, since);
  }
  done(status{});
}

bool scheduler_runtime::scheduler_enabled() const {
  return !impl_->stats.scheduler_paused.load(std::memory_order_relaxed);
}

int64_t scheduler_runtime::scheduler_paused_since_ms() const {
  return impl_->stats.paused_since_ms.load(std::memory_order_relaxed);
}

std::optional<run_live> scheduler_runtime::live_run(uint64_t run_id) const {
  return impl_->pool ? impl_->pool->live(run_id) : std::nullopt;  // none once stopped
}

}  // namespace mainspring
