// scheduler_api: what the HTTP dialects may ask of the scheduler, with no CAF type in sight.
//
// Every change is durable (synced to the state store) before its callback reports success, and
// is recorded in the audit log with the caller's request_origin.
//
// Each call sends one message into the actor system (to the group's actor, or to the registry
// that passes it on; then to the job's) and returns at once; calls made one after another from
// one thread are handled in that order. The answer arrives later through the callback, on an
// actor thread. The dialects under
// http/ translate requests into these calls and replies into their own envelope, so CAF headers
// (and their compile cost) stay inside actors/.
//
// Example:
//   api.add_job(origin, std::move(spec), [reply](status_or<std::string> id) {
//     reply.send(id.ok() ? native::success(*id) : native::failure(id.status()));
//   });
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/audit_entry.h"
#include "core/func.h"
#include "core/group_document.h"
#include "core/job.h"
#include "core/job_allocation.h"
#include "core/node.h"
#include "core/run_pool.h"
#include "core/run_record.h"
#include "core/status.h"
#include "core/activity_window.h"

namespace mainspring {

template <class T>
using reply_fn = std::function<void(status_or<T>)>;
using done_fn = std::function<void(status)>;

// A dump of the scheduler's state, ready to download.
struct dump_file {
  std::string name;   // "2026-11-23-134501-backup.tar.gz"
  std::string bytes;  // a gzip'd tar of JSON, one file per group (storage/dump_archive.h)
};

// Who asked: recorded in the audit log with every change.
struct request_origin {
  std::string api = "native";  // the dialect: "native", "dkron", "ndscheduler", ...
  std::string key_id;          // the API key that authorized it ("" = none)
  std::string detail;          // the audit entry's detail, when the dialect has one to keep
  std::string client_ip;       // the request's peer address, for the audit entry ("" = none)
};

// A run a client asks for now, outside the schedule (run_job_now_as).
struct manual_run {
  // The time the run stands for, when not now: its plan time, which its command sees as
  // MAINSPRING_PLAN_TIME (a backfill: yesterday's report run today; Cronicle's run_event `now`).
  // 0 = now. At most k_max_exec_time_s in ms; the run still starts at once.
  int64_t as_of_ms = 0;
  std::optional<run_override> change;  // fields of its own for this run and its retries
  // Who asked, when the dialect knows (run_cause::by: an API key's title); kept by its retries.
  std::shared_ptr<const run_cause> cause;
};

// The lifecycle state of a job as users see it.
enum class job_phase { active, paused, done };
const char* job_phase_name(job_phase p);  // "active", "paused", "done"

// A job's spec and its run-time state, as the job actor sees it at the time of the call.
// A retry waiting for its delay (retry_delay_ms): the failed try's plan time and node, the
// attempt the retry will be, when it starts, and the run it follows (the try that failed).
struct retry_due {
  int64_t plan_ms = 0;
  int attempt = 0;
  int64_t due_ms = 0;
  std::string node;  // "" = this server
  uint64_t after_run_id = 0;
  std::shared_ptr<const run_cause> cause;  // the failed try's (run_record::cause), kept by its retry
};

// A job deleted with its runs kept (--deleted-job-history), as it was when deleted: what a list
// of its group's runs shows of the job those runs are of.
struct deleted_job {
  job_spec spec;
  int64_t deleted_ms = 0;  // unix ms
};

// A retry waiting for its delay, with its job (scheduler_api::retries_waiting).
struct waiting_retry {
  std::string job_id;
  retry_due retry;
};

struct job_view {
  job_spec spec;
  job_phase phase = job_phase::active;
  std::optional<int64_t> next_fire_ms;  // none when paused, done or never firing again
  uint64_t runs = 0;         // finished runs
  uint64_t successes = 0;
  uint64_t failures = 0;     // failed + timed out
  uint64_t skipped = 0;      // fires skipped (overlap under forbid, misfire skip)
  uint64_t retries = 0;      // retry runs started
  uint32_t running = 0;      // runs in flight
  uint32_t waiting = 0;      // runs waiting in the job's queue (job_controls::queue)
  int64_t last_success_ms = 0;  // 0 = never
  int64_t last_error_ms = 0;
  std::optional<run_record> last_run;
  // last_run was erased from the job's stored history (delete_runs): it still tells the job's
  // last outcome, but is in no list of runs (last_finished_runs leaves it out).
  bool last_run_erased = false;
  std::vector<std::string> dependents;  // ids of the jobs that run after this one, sorted
  std::vector<retry_due> retries_due;   // retries waiting for their delay, soonest first
};

// A run's record reaches the store a moment after the run ends (it is written without waiting
// for a sync), so a group's runs read from the store at once (group_executions) can miss the
// job that just ended, which its job's view already shows. These mend such a list:
// last_finished_runs() takes from the views each job's last run when it has ended and was planned
// in [from_ms, to_ms]; add_runs_not_held() appends to `runs` those of `more` it does not hold.
inline std::vector<run_record> last_finished_runs(const std::vector<job_view>& views, int64_t from_ms = INT64_MIN,
                                                  int64_t to_ms = INT64_MAX) {
  std::vector<run_record> out;
  for (const auto& v : views)
    if (v.last_run && !v.last_run_erased && v.last_run->finished() && v.last_run->plan_ms >= from_ms &&
        v.last_run->plan_ms <= to_ms)
      out.push_back(*v.last_run);
  return out;
}
inline void add_runs_not_held(std::vector<run_record>& runs, std::vector<run_record> more) {
  std::unordered_set<uint64_t> held;
  for (const auto& r : runs) held.insert(r.run_id);
  for (auto& r : more)
    if (held.insert(r.run_id).second) runs.push_back(std::move(r));
}

// Receives one job of a list (scheduler_api::visit_jobs): its view, valid only during the call,
// and how many jobs the list read at most (to size what the visitor builds).
using job_visitor = std::function<void(const job_view& view, std::size_t at_most)>;

// A worker node of a group as the node lists show it.
struct node_view {
  node_spec spec;       // what it reported when it last joined; last_seen_ms kept fresh
  bool up = false;      // connected now, and heard from within k_node_silence_limit
  uint32_t running = 0; // runs in flight on it
};

// One page of a group's jobs (list_jobs_page).
inline constexpr std::size_t k_max_page_jobs = 1000;
struct job_page_query {
  enum class order { id, id_desc, name, next_fire, last_outcome };
  std::size_t offset = 0;
  std::size_t limit = 100;             // 1..k_max_page_jobs
  std::string q;                       // "" or a text the job's id or name contains
  std::optional<job_phase> state;      // only jobs in this phase
  order sort = order::id;              // id_desc: by id, last first (Cronicle's newest first);
                                       // next_fire: soonest first, jobs that never fire last;
                                       // last_outcome: last run failed first, then succeeded,
                                       // then never run; newest run first within each
};
struct job_page {
  std::size_t total = 0;       // jobs that match, over all pages
  std::vector<job_view> jobs;  // the page
};

// The allocation table of a group's REMOTE@* jobs (core/job_allocation.h): which live node runs
// each, as Cloudtask's jobsalloc shows it.
struct allocation_view {
  uint64_t version = 0;                        // grows with every change to `entries`
  std::vector<job_allocation_entry> entries;   // allocated jobs, ordered by job id
  std::vector<std::string> unallocated;        // jobs no live node can run now, ordered
};

// The whole scheduler at a glance, for the dashboard (GET /v1/stats): live gauges plus the last
// hour of activity (core/activity_window.h, computed by metrics/activity_history.h).
struct scheduler_overview {
  int64_t time_ms = 0;  // when it was taken (unix ms)
  uint64_t groups = 0;
  uint64_t jobs_active = 0, jobs_paused = 0, jobs_done = 0;
  uint64_t runs_in_flight = 0;  // inside executors
  uint64_t runs_queued = 0;     // waiting for an executor slot
  uint64_t fires_held = 0;      // due fires the clock holds back (overload)
  uint64_t nodes_up = 0, nodes_down = 0;  // worker nodes known to the server
  uint64_t storage_queued_batches = 0;
  uint64_t storage_failed_writes = 0;
  bool scheduler_enabled = true;  // false while the whole scheduler is paused
  // The clock's last pass over its timers (unix ms; at least once a second while it runs, 0
  // before the first): how long ago tells whether the clock is alive.
  int64_t clock_pass_ms = 0;
  activity_window last_minute;
  activity_window last_hour;
  std::vector<activity_window> slots;  // the chart: one per k_activity_slot_ms, oldest first
};

class scheduler_api {
 public:
  virtual ~scheduler_api() = default;

  // -- groups --
  // Creates `group` and answers its TOTP secret; already_exists if it is there.
  virtual void register_group(request_origin origin, std::string group, reply_fn<std::string> done) = 0;
  // Removes the group and every job in it.
  virtual void remove_group(request_origin origin, std::string group, done_fn done) = 0;
  virtual void list_groups(reply_fn<std::vector<std::string>> done) = 0;
  virtual void group_info(std::string group, reply_fn<group_spec> done) = 0;

  // -- jobs --
  // Validates and adds a job; answers its id (the caller's spec.id, or a generated one).
  virtual void add_job(request_origin origin, job_spec spec, reply_fn<std::string> done) = 0;
  // As add_job, answering the new job's view (as stored, with its first fire): for dialects
  // whose create answers the whole job, without a second round trip.
  virtual void create_job(request_origin origin, job_spec spec, reply_fn<job_view> done) = 0;
  virtual void edit_job(request_origin origin, std::string group, std::string job_id,
                        job_patch patch, reply_fn<job_view> done) = 0;
  virtual void pause_job(request_origin origin, std::string group, std::string job_id, done_fn done) = 0;
  // Re-arms a paused job with its first run at exec_time_s (0 = now; k_first_fire_by_schedule =
  // the schedule's next fire).
  virtual void activate_job(request_origin origin, std::string group, std::string job_id,
                            int64_t exec_time_s, done_fn done) = 0;
  virtual void delete_job(request_origin origin, std::string group, std::string job_id, done_fn done) = 0;
  // Answers how many jobs were removed.
  virtual void clear_jobs(request_origin origin, std::string group, reply_fn<std::size_t> done) = 0;
  virtual void delete_jobs_by_name(request_origin origin, std::string group, std::string name,
                                   reply_fn<std::size_t> done) = 0;
  // Every job of the group, ordered by id. Built off the group's thread: writes to the group go
  // on meanwhile (the list shows each job as it was when it was read).
  virtual void list_jobs(std::string group, reply_fn<std::vector<job_view>> done) = 0;
  // As list_jobs, one view at a time: calls `visit` with every job of the group, ordered by id,
  // then `done` with how many it visited. No vector of views: a full list of 100,000 jobs held
  // some 70 MB of them, fresh memory that cost more than reading the jobs. Both run on the list
  // worker, one after the other; `visit` must not call back into the scheduler and must not
  // keep the view. On an unknown group or a full list worker only `done` runs, with why.
  virtual void visit_jobs(std::string group, job_visitor visit, reply_fn<std::size_t> done) = 0;
  // One page. Ordered by id without a filter, it costs O(page) whatever the group's size; a
  // filter or another order reads every job (off the group's thread, as list_jobs).
  virtual void list_jobs_page(std::string group, job_page_query query, reply_fn<job_page> done) = 0;
  virtual void job_detail(std::string group, std::string job_id, reply_fn<job_view> done) = 0;
  // The job as its run `run_id` runs it: job_detail's view with the run's own fields
  // (run_job_now_with, update_run) in its spec. Those are kept only while the run or a retry of
  // it is in flight or due; for any other run (finished, unknown, without own fields) this is
  // job_detail's view.
  virtual void run_view(std::string group, std::string job_id, uint64_t run_id, reply_fn<job_view> done) {
    (void)run_id;
    job_detail(std::move(group), std::move(job_id), std::move(done));
  }
  // Starts a run now, outside the schedule; answers the run id, or 0 when the run waits in the
  // job's queue (job_controls::queue). A job at its max_running answers resource_exhausted
  // ("max_running: ..." without a queue, "queue_max: ..." when its queue is full).
  virtual void run_job_now(request_origin origin, std::string group, std::string job_id,
                           reply_fn<uint64_t> done) = 0;
  // As run_job_now, with `change` for this one run. invalid_argument when the change names
  // another executor kind than the job's, or the job runs on worker nodes (REMOTE@).
  virtual void run_job_now_with(request_origin origin, std::string group, std::string job_id, run_override change,
                                reply_fn<uint64_t> done) {
    (void)origin, (void)group, (void)job_id, (void)change;
    done(status::unimplemented("a run with fields of its own is not supported here"));
  }
  // As run_job_now_with (or run_job_now without a change), standing for `run.as_of_ms` when set;
  // invalid_argument "plan_time: ..." when that is negative or past k_max_exec_time_s.
  virtual void run_job_now_as(request_origin origin, std::string group, std::string job_id, manual_run run,
                              reply_fn<uint64_t> done) {
    if (run.as_of_ms != 0) return done(status::unimplemented("a run as of another time is not supported here"));
    if (run.change)
      return run_job_now_with(std::move(origin), std::move(group), std::move(job_id), std::move(*run.change),
                              std::move(done));
    run_job_now(std::move(origin), std::move(group), std::move(job_id), std::move(done));
  }
  // Ends the job's runs in flight (each recorded failed, "aborted: " and origin.detail when given,
  // else "stopped through the <api> API"), drops its pending retries and the runs waiting in its queue; answers how many runs
  // were asked to end. Shell, HTTP and REMOTE@ runs end at once (process groups are killed,
  // transfers dropped); Lua runs go on to their own end or timeout. The schedule is untouched.
  virtual void abort_job_runs(request_origin origin, std::string group, std::string job_id,
                              reply_fn<std::size_t> done) = 0;
  // Ends one run in flight of the job, as abort_job_runs ends them all (the job's other pending
  // retries stay). When run_id is a try that failed and whose retry waits for its delay, that
  // retry is dropped instead and recorded as a try a client aborted (its attempt, failed,
  // "aborted: ...", started and ended now), as Cronicle's abort_job ends a job in its retry
  // delay. The run's error is "aborted: " and origin.detail when given (Cronicle's "Manually
  // aborted by API Key: ..."), else "stopped through the <api> API"; the audit entry's detail
  // is "run <id>" and that reason. Answers 1, or 0 when that run is neither in flight nor
  // followed by a waiting retry. Unimplemented unless the scheduler can.
  virtual void abort_run(request_origin origin, std::string group, std::string job_id, uint64_t run_id,
                         reply_fn<std::size_t> done) {
    (void)origin, (void)group, (void)job_id, (void)run_id;
    done(status::unimplemented("ending one run of a job is not supported here"));
  }
  // Changes one run in flight of the job (Cronicle's update_job): each field `change` sets becomes
  // that run's own, for it and its retries: the time limit (from its start) and shell limits at
  // once, retries, follow-ups and the hook at its end when it ends. A try whose retry waits for
  // its delay is changed for that retry (Cronicle's update_job on a job in its queue). Answers 1,
  // or 0 when that run is neither in flight nor followed by a waiting retry; invalid_argument for
  // a bad field, a change of target or a REMOTE@ run.
  // Unimplemented unless the scheduler can.
  virtual void update_run(request_origin origin, std::string group, std::string job_id, uint64_t run_id,
                          run_override change, reply_fn<std::size_t> done) {
    (void)origin, (void)group, (void)job_id, (void)run_id, (void)change;
    done(status::unimplemented("changing a run in flight is not supported here"));
  }
  // Runs the job's fires planned since `since_ms` (a past time) again, by its misfire policy, as
  // after downtime (Cronicle's reset_cursor on a catch_up event): `all` runs each (at most
  // k_max_catch_up_runs), `once` the latest, `skip` none. Answers how many runs started.
  // Unimplemented unless the scheduler can.
  virtual void replay_job_fires(request_origin origin, std::string group, std::string job_id, int64_t since_ms,
                                reply_fn<std::size_t> done) {
    (void)origin, (void)group, (void)job_id, (void)since_ms;
    done(status::unimplemented("replaying a job's fires is not supported here"));
  }
  // Drops the runs waiting in the job's queue (job_controls::queue); answers how many. Runs in
  // flight go on. Unimplemented unless the scheduler can.
  virtual void flush_job_queue(request_origin origin, std::string group, std::string job_id,
                               reply_fn<std::size_t> done) {
    (void)origin, (void)group, (void)job_id;
    done(status::unimplemented("flushing a job's queue is not supported here"));
  }
  // Forgets the job's finished runs (Dkron's DELETE /v1/jobs/{job}/executions): its stored run
  // history, its counts (runs, successes, failures, skipped, retries) and last outcomes; durable
  // before `done`. Runs in flight go on and are recorded when they end. Unimplemented unless the
  // scheduler can.
  virtual void clear_job_runs(request_origin origin, std::string group, std::string job_id, done_fn done) {
    (void)origin, (void)group, (void)job_id;
    done(status::unimplemented("clearing a job's runs is not supported here"));
  }
  // Erases the finished runs `run_ids` of the job (or of a deleted job whose runs are kept) from
  // its stored history, durably before `done` (Cronicle's delete_job): lists, details and logs
  // no longer show them; the job's counts and last outcomes stay as they were. not_found when
  // none of them is in the history (a run in flight is not, until it ends);
  // failed_precondition, erasing nothing, when the history holds one as still running.
  virtual void delete_runs(request_origin origin, std::string group, std::string job_id, std::vector<uint64_t> run_ids,
                           done_fn done) {
    (void)origin, (void)group, (void)job_id, (void)run_ids;
    done(status::unimplemented("deleting runs is not supported here"));
  }
  // Newest first; at most `limit`; only runs with run_id < before_run_id when that is non-zero.
  virtual void job_executions(std::string group, std::string job_id, std::size_t limit,
                              uint64_t before_run_id, reply_fn<std::vector<run_record>> done) = 0;
  // What run `run_id`, in flight on this server, shows of itself while it runs: a shell run's
  // process and the progress its command reported (shell_target::progress_lines); nullopt for
  // any other run, or none known here. Read at once, off the actors (a short lock).
  virtual std::optional<run_live> live_run(uint64_t run_id) const {
    (void)run_id;
    return std::nullopt;
  }
  // Every run in flight of the group's jobs, newest run id first: read from each job's state off
  // the actors' threads (O(jobs) of the group), for dialects whose execution lists show runs in
  // flight beside finished ones (group_executions has only these).
  virtual void runs_in_flight(std::string group, reply_fn<std::vector<run_record>> done) = 0;
  // Every retry of the group's jobs waiting for its delay, read as runs_in_flight reads runs (for
  // Cronicle's active jobs, which list a job waiting for its retry as pending).
  virtual void retries_waiting(std::string group, reply_fn<std::vector<waiting_retry>> done) = 0;

  // -- worker nodes (REMOTE@) --
  // The group's nodes, sorted by id: every node that ever joined and was not removed with its
  // group, up or down.
  virtual void list_nodes(std::string group, reply_fn<std::vector<node_view>> done) = 0;
  // The group's allocation table of REMOTE@* jobs (active ones; a paused job leaves it);
  // not_found for an unknown group.
  virtual void allocation_table(std::string group, reply_fn<allocation_view> done) = 0;

  // Runs of every job of the group planned in [from_ms, to_ms], newest first, at most `limit`:
  // the finished runs the store holds (a run finished a moment ago may not be there yet, and
  // runs in flight are not).
  virtual void group_executions(std::string group, int64_t from_ms, int64_t to_ms, std::size_t limit,
                                reply_fn<std::vector<run_record>> done) = 0;
  // The group's jobs deleted with their runs kept (group_executions lists those runs), sorted by
  // id, at most `limit`. None unless the scheduler keeps them.
  virtual void deleted_jobs(std::string group, std::size_t limit, reply_fn<std::vector<deleted_job>> done) {
    (void)group, (void)limit;
    done(std::vector<deleted_job>{});
  }
  // One job of deleted_jobs, by id (a point read, not a list); not_found for any other.
  virtual void find_deleted_job(std::string group, std::string job_id, reply_fn<deleted_job> done) {
    done(status::not_found("job " + job_id + " of group " + group + " is not a deleted job with runs kept"));
  }
  // As job_executions, for a job of deleted_jobs: its stored runs. not_found for any other job
  // (a live one included: job_executions answers those).
  virtual void deleted_job_executions(std::string group, std::string job_id, std::size_t limit,
                                      uint64_t before_run_id, reply_fn<std::vector<run_record>> done) {
    (void)limit, (void)before_run_id;
    done(status::not_found("job " + job_id + " of group " + group + " is not a deleted job with runs kept"));
  }

  // -- funcs: Lua served over HTTP (core/func.h) --
  // Validates and compiles `func`, then stores it, replacing a func of the same name (whose
  // secret it keeps, so that clients holding it go on working). Answers the func's name, or its
  // own TOTP secret when disable_group_otp is set (the only way a client learns it).
  virtual void add_func(request_origin origin, func_spec func, reply_fn<std::string> done) = 0;
  virtual void delete_func(request_origin origin, std::string group, std::string name, done_fn done) = 0;
  // The group's funcs, sorted by name.
  virtual void list_funcs(std::string group, reply_fn<std::vector<func_spec>> done) = 0;
  // Checks req.otp_code (check_func_code), then calls the func; answers what it printed, or
  // not_found / unauthenticated / the call's failure (executor_pool::call_func).
  virtual void call_func(std::string group, std::string name, func_request req,
                         reply_fn<std::string> done) = 0;

  // -- state as a whole --
  // Every group (or only `group`) with its jobs, funcs, run pools and documents, as a tar.gz
  // archive.
  virtual void dump(std::optional<std::string> group, reply_fn<dump_file> done) = 0;
  // Restores an archive written by dump(). Checks all of it first: a bad archive, or one naming
  // a group that already exists with jobs or funcs, changes nothing. A group of the same name
  // that holds neither is replaced, its run pools by the archive's when the archive holds them
  // (an archive written before pools were dumped leaves the group's as they are), its documents
  // likewise (all of its kinds). A group's pools and documents are durable with its jobs; the
  // pools limit them from their first run.
  virtual void import(request_origin origin, std::string archive, done_fn done) = 0;
  // Audit entries with from_ms <= time < to_ms, oldest first, at most `limit`.
  virtual void audit_log(int64_t from_ms, int64_t to_ms, std::size_t limit,
                         reply_fn<std::vector<audit_entry>> done) = 0;
  // The newest `limit` audit entries of any of `groups` with from_ms <= time < to_ms, oldest
  // first (a dialect's log of its group, which lists a wide range latest first; "" among them
  // adds the global changes: API keys, the scheduler's switch, imports).
  virtual void group_audit_log(std::vector<std::string> groups, int64_t from_ms, int64_t to_ms, std::size_t limit,
                               reply_fn<std::vector<audit_entry>> done) = 0;

  // -- run pools (core/run_pool.h): a group's shared limits and switches of runs --
  // The group's pools, by name: read at once, off the actors (a short lock).
  virtual std::vector<run_pool_spec> run_pools(const std::string& group) const {
    (void)group;
    return {};
  }
  // Runs in flight counted against the group's pool `name` (0 for a pool it does not have).
  virtual std::size_t run_pool_running(const std::string& group, const std::string& name) const {
    (void)group, (void)name;
    return 0;
  }
  // Adds the pool, or replaces the group's pool of that name, after validate_run_pool; durable
  // (with its audit entry) before `done`, and in effect from then on: runs waiting for it are
  // woken (it may have room now). invalid_argument for a bad pool, resource_exhausted past
  // k_max_run_pools_per_group, unavailable while an import of the group is being written (its
  // list would be lost under the import's). A group's pools go with it (remove_group).
  virtual void put_run_pool(request_origin origin, std::string group, run_pool_spec pool, done_fn done) {
    (void)origin, (void)group, (void)pool;
    done(status::unimplemented("run pools are not supported here"));
  }
  // Removes the group's pool `name`, durably; not_found when it has none, unavailable as
  // put_run_pool. Jobs naming it are limited by no pool from then on (a dialect refuses the
  // delete while some do, if it must).
  virtual void delete_run_pool(request_origin origin, std::string group, std::string name, done_fn done) {
    (void)origin, (void)group, (void)name;
    done(status::unimplemented("run pools are not supported here"));
  }

  // -- group documents (core/group_document.h): JSON a dialect keeps with a group --
  // The group's documents of `kind`, by name: read at once, off the actors (a short lock).
  virtual std::vector<group_document> group_documents(const std::string& group, const std::string& kind) const {
    (void)group, (void)kind;
    return {};
  }
  // Adds the document, or replaces the group's document of that kind and name (keeping its
  // created_ms), after validate_group_document; stamps created_ms / updated_ms; durable (with its
  // audit entry, detail origin.detail or the name) before `done`. resource_exhausted past
  // k_max_group_documents of the kind. The documents go with their group (remove_group); a
  // group that is not there at the next start loses them then.
  virtual void put_group_document(request_origin origin, std::string group, std::string kind, group_document doc,
                                  done_fn done) {
    (void)origin, (void)group, (void)kind, (void)doc;
    done(status::unimplemented("group documents are not supported here"));
  }
  // Removes the group's document of that kind and name, durably; not_found when there is none.
  virtual void delete_group_document(request_origin origin, std::string group, std::string kind, std::string name,
                                     done_fn done) {
    (void)origin, (void)group, (void)kind, (void)name;
    done(status::unimplemented("group documents are not supported here"));
  }

  // -- the scheduler as a whole --
  // Pauses (enabled = false) or resumes every job's scheduled fires at once, durably: while
  // paused a due fire is skipped and counted (reason scheduler_paused) and the job's schedule
  // goes on; runs asked for (run now), retries and chains still run. Takes effect once written.
  virtual void set_scheduler_enabled(request_origin origin, bool enabled, done_fn done) {
    (void)origin, (void)enabled;
    done(status::unimplemented("the scheduler cannot be paused as a whole here"));
  }
  virtual bool scheduler_enabled() const { return true; }
  // When the pause of the whole scheduler began (unix ms; 0 while it runs): its fires from then on
  // are the ones skipped (a dialect showing how far its scheduler has got, Cronicle's cursors).
  virtual int64_t scheduler_paused_since_ms() const { return 0; }

  // -- the dashboard --
  // The overview; unimplemented unless the implementation keeps the figures (test fakes don't).
  virtual void overview(reply_fn<scheduler_overview> done) {
    done(status::unimplemented("stats: not kept by this scheduler"));
  }
  // The zone of jobs that name none (--timezone).
  virtual std::string default_timezone() const { return "UTC"; }
};

// job_executions, and for a job that is gone, deleted_job_executions: for the dialects whose
// original keeps a deleted job's runs (Cronicle's jobs/<id>, ndscheduler's executions table).
inline void executions_kept_after_delete(scheduler_api& api, const std::string& group, const std::string& job_id,
                                         std::size_t limit, uint64_t before_run_id,
                                         reply_fn<std::vector<run_record>> done) {
  api.job_executions(group, job_id, limit, before_run_id,
                     [&api, group, job_id, limit, before_run_id, done](status_or<std::vector<run_record>> runs) {
                       if (runs.ok() || runs.status().code() != status_code::not_found) return done(std::move(runs));
                       api.deleted_job_executions(group, job_id, limit, before_run_id, done);
                     });
}

}  // namespace mainspring
