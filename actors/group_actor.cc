#include "actors/control_first_policy.h"
#include "actors/group_actor.h"

#include <algorithm>
#include <map>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "actors/job_actor.h"
#include "actors/job_lists.h"
#include "actors/list_worker.h"
#include "actors/job_state.h"
#include "actors/messages.h"
#include "core/fire_plan.h"
#include "core/job_chains.h"
#include "core/rank_index.h"
#include "core/secret.h"
#include "core/write_gate.h"
#include "executors/executor_pool.h"
#include "storage/mutation_batch.h"

namespace mainspring {

namespace {

struct job_entry {
  caf::actor actor;
  std::string name;  // kept here for delete-by-name
};

using job_map = std::unordered_map<std::string, job_entry>;

// Handles of jobs the group forgot while a list snapshot might still read them (job_snapshot):
// the snapshots share it, so they keep those actors alive until the last of them is done.
using list_lease = std::vector<caf::actor>;

struct group_state {
  group_spec spec;
  job_map jobs;  // by job id
  // The jobs ordered by id (refs to the map's keys, which do not move): pages by offset in
  // O(page), and a list's frozen copy in O(jobs / job_order::k_chunk).
  job_order order;
  std::shared_ptr<list_lease> lease = std::make_shared<list_lease>();
  std::map<std::string, func_spec> funcs;           // by name; ordered for listing
  job_chains chains;                                // parent_job links between the jobs
  // The last TOTP step accepted per func name (replays refused); in memory, so a restart forgets.
  std::unordered_map<std::string, int64_t> last_code_step;
  // -- changes being written (applied once durable) --
  struct pending_add {
    std::string parent;  // its parent_job
    std::string name;    // for a delete-by-name sent after it
  };
  std::unordered_map<std::string, pending_add> adding;  // by job id
  // Calls for a job id being added (another add of it too), and adds of an id being deleted,
  // run once that change is answered.
  std::unordered_map<std::string, std::vector<actor_task>> add_waiters;
  // Job id -> the parent_job an edit being written gives it (until the job answers): the checks
  // of other edits and of deletes count these links as made, as they count adds being written.
  std::unordered_multimap<std::string, std::string> relinking;
  std::unordered_set<std::string> deleting;  // job ids whose delete is being written
  write_gate func_gate;                      // one func change written at a time
  // -- first fires of the jobs adopted since the group last sent the clock anything --
  caf::actor clock;
  schedule_batch new_arms;
  std::size_t writes_in_flight = 0;
  bool quit_when_idle = false;  // the group is removed: end once the writes in flight are answered
  static inline const char* name = "mainspring.group";

  group_state() = default;
  group_state(const group_state&) = delete;
  group_state& operator=(const group_state&) = delete;
  ~group_state();
};

// Drops the group's handle of a job it forgets, or keeps it in the lease while a list snapshot
// may still read the actor. The group's thread alone makes snapshots, so a use count of one,
// seen here, means none is left; the retired handles go then.
void retire(group_state& st, caf::actor&& job) {
  if (st.lease.use_count() > 1) {
    st.lease->push_back(std::move(job));
    return;
  }
  st.lease->clear();
  job = nullptr;
}

// Forgets every job (the group ends or stops).
void retire_all(group_state& st) {
  for (auto& [id, entry] : st.jobs) retire(st, std::move(entry.actor));
  st.order.clear();
  st.jobs.clear();
}

group_state::~group_state() { retire_all(*this); }

using group_self = caf::stateful_actor<group_state>*;

status unknown_job(const std::string& group, const std::string& id) {
  return status::not_found("job_id: no job \"" + id + "\" in group \"" + group + "\"");
}

// Runs `fn(actor)` for the job `id`, or answers not_found through `reply`. A call for a job whose
// add is being written waits for it (add_waiters), as it came after the add.
template <class Reply, class Fn>
void with_job(group_self self, const std::string& id, const Reply& reply, Fn fn) {
  auto it = self->state.jobs.find(id);
  if (it == self->state.jobs.end()) {
    if (!self->state.adding.count(id)) return reply(unknown_job(self->state.spec.name, id));
    self->state.add_waiters[id].push_back([self, id, reply, fn = std::move(fn)]() mutable {
      with_job(self, id, reply, std::move(fn));
    });
    return;
  }
  run_next_urgently(self->system(), it->second.actor);  // an API call: not behind the fires
  fn(it->second.actor);
}

// -- arming new jobs --

// New jobs per arm message at most.
constexpr std::size_t k_new_arms_per_message = 4096;

// Sends the clock the first fires of the jobs adopted since the last call.
void send_new_arms(group_self self) {
  auto& st = self->state;
  if (!st.new_arms.timers.empty()) self->send(st.clock, arm_atom::value, std::exchange(st.new_arms, {}));
}

// Sends a job of the group a message, after the arms still held (send_new_arms): whatever the
// job tells the clock in answer (a disarm, as it is paused or deleted) must not overtake its
// arm.
template <class... Ts>
void to_job(group_self self, const caf::actor& job, Ts&&... xs) {
  send_new_arms(self);
  self->send(job, std::forward<Ts>(xs)...);
}

// -- durable writes --

caf::actor handle_of(group_self self) {
  return caf::actor_cast<caf::actor>(self);
}

// The group is removed: its jobs end with it (the store no longer has them).
void end_group(group_self self) {
  for (auto& [id, entry] : self->state.jobs) to_job(self, entry.actor, delete_atom::value);
  retire_all(self->state);
  self->quit();
}

// A write the group started is answered (its task has run).
void write_answered(group_self self) {
  auto& st = self->state;
  if (--st.writes_in_flight == 0 && st.quit_when_idle) end_group(self);
}

// Writes `batch`, then runs `then(outcome)` on the group's thread.
void write_then(group_self self, const job_context* ctx, mutation_batch batch, std::function<void(status)> then) {
  ++self->state.writes_in_flight;
  persist_then(ctx, handle_of(self), std::move(batch), [self, then = std::move(then)](status s) {
    then(std::move(s));
    write_answered(self);
  });
}

// -- chains (parent_job) --

// Tells the jobs among `changes` that exist whether others now depend on them.
void tell_dependents(group_self self, const job_chains::flag_changes& changes) {
  for (const auto& [parent, has] : changes)
    if (auto it = self->state.jobs.find(parent); it != self->state.jobs.end())
      to_job(self, it->second.actor, dependents_atom::value, has);
}

// Links the job `id` (just adopted or edited) to `parent`, and tells it if others depend on it.
void link(group_self self, const std::string& id, const std::string& parent) {
  auto& st = self->state;
  tell_dependents(self, st.chains.set_parent(id, parent));
  if (st.chains.has_children(id))
    if (auto it = st.jobs.find(id); it != st.jobs.end()) to_job(self, it->second.actor, dependents_atom::value, true);
}

// True when `parent` is `id` or descends from it through the links of the chains and those of
// the adds and edits being written (either may be the one in force once they are answered).
bool would_loop(group_self self, const std::string& id, const std::string& parent) {
  auto& st = self->state;
  if (st.relinking.empty() && st.adding.empty()) return st.chains.would_cycle(id, parent);
  std::vector<std::string> todo{parent};
  std::unordered_set<std::string> seen;
  while (!todo.empty()) {
    std::string job = std::move(todo.back());
    todo.pop_back();
    if (job == id) return true;
    if (!seen.insert(job).second) continue;
    if (auto up = st.chains.parent_of(job); !up.empty()) todo.push_back(std::move(up));
    auto [from, to] = st.relinking.equal_range(job);
    for (auto it = from; it != to; ++it)
      if (!it->second.empty()) todo.push_back(it->second);
    if (auto added = st.adding.find(job); added != st.adding.end() && !added->second.parent.empty())
      todo.push_back(added->second.parent);
  }
  return false;
}

// The edit of `id` that gives it `parent` is answered (a link it made came first: renamed_atom).
void relinked(group_self self, const std::string& id, const std::string& parent) {
  auto [from, to] = self->state.relinking.equal_range(id);
  for (auto it = from; it != to; ++it)
    if (it->second == parent) return self->state.relinking.erase(it), void();
}

// Why `parent` cannot be the parent of job `id`, or ok.
status check_parent(group_self self, const std::string& id, const std::string& parent) {
  auto& st = self->state;
  if (parent.empty()) return {};
  if (parent == id) return status::invalid_argument("parent_job: a job cannot be its own parent");
  // A parent being added counts as made (as the add came first), as a child being added counts
  // for its parent's delete.
  if ((!st.jobs.count(parent) && !st.adding.count(parent)) || st.deleting.count(parent))
    return status::not_found("parent_job: no job \"" + parent + "\" in group \"" + st.spec.name + "\"");
  if (would_loop(self, id, parent))
    return status::invalid_argument("parent_job: \"" + parent + "\" already runs after \"" + id +
                                    "\": the chain would loop");
  return {};
}

std::vector<std::string> sorted_children(group_self self, const std::string& id) {
  auto children = self->state.chains.children_of(id);
  std::sort(children.begin(), children.end());
  return children;
}

// The group's job handles in id order, and its chains: what a list is built from.
job_snapshot snapshot_of(group_self self) {
  job_snapshot snap;
  auto& st = self->state;
  if (st.lease.use_count() == 1) st.lease->clear();  // no snapshot reads the retired ones
  snap.keep_alive = st.lease;
  snap.jobs = st.order.freeze();
  snap.chains = self->state.chains;
  return snap;
}

// Runs `build` on the list worker (here when there is none: unit tests); 503 when it is full.
template <class T>
void build_off_thread(const job_context* ctx, const reply_fn<T>& reply, std::function<status_or<T>()> build) {
  if (!ctx->lists) return reply(build());
  if (!ctx->lists->post([reply, build = std::move(build)] { reply(build()); }))
    reply(status::unavailable("too many lists are being built; try again shortly"));
}

// Every job, in id order, read off the group's thread.
void list_jobs(group_self self, const job_context* ctx, const reply_fn<std::vector<job_view>>& reply) {
  auto snap = std::make_shared<job_snapshot>(snapshot_of(self));
  build_off_thread<std::vector<job_view>>(ctx, reply, [snap]() -> status_or<std::vector<job_view>> {
    return read_all(*snap);
  });
}

// Every job, in id order, to `visit` one at a time, off the group's thread.
void visit_jobs(group_self self, const job_context* ctx, job_visitor visit, const reply_fn<std::size_t>& reply) {
  auto snap = std::make_shared<job_snapshot>(snapshot_of(self));
  build_off_thread<std::size_t>(ctx, reply, [snap, visit = std::move(visit)]() -> status_or<std::size_t> {
    return visit_all(*snap, visit);
  });
}

// Every run in flight of the group's jobs, off the group's thread.
void list_runs_in_flight(group_self self, const job_context* ctx, const reply_fn<std::vector<run_record>>& reply) {
  auto snap = std::make_shared<job_snapshot>(snapshot_of(self));
  build_off_thread<std::vector<run_record>>(ctx, reply, [snap]() -> status_or<std::vector<run_record>> {
    return runs_in_flight(*snap);
  });
}

// Every retry of the group's jobs waiting for its delay, off the group's thread.
void list_retries_waiting(group_self self, const job_context* ctx, const reply_fn<std::vector<waiting_retry>>& reply) {
  auto snap = std::make_shared<job_snapshot>(snapshot_of(self));
  build_off_thread<std::vector<waiting_retry>>(ctx, reply, [snap]() -> status_or<std::vector<waiting_retry>> {
    return retries_waiting(*snap);
  });
}

// One page: read here in O(page) when it needs neither a filter nor another order, else off
// the group's thread from a snapshot.
void list_page(group_self self, const job_context* ctx, const job_page_query& query, const reply_fn<job_page>& reply) {
  if (auto st = validate_page_query(query); !st.ok()) return reply(st);
  auto& st = self->state;
  using order = job_page_query::order;
  if (query.q.empty() && !query.state && (query.sort == order::id || query.sort == order::id_desc)) {
    job_page page;
    page.total = st.order.size();
    // Backwards, the page is the same run of the id order counted from its end.
    const bool backwards = query.sort == order::id_desc;
    const std::size_t skip = std::min(query.offset, page.total);
    const std::size_t count = std::min(query.limit, page.total - skip);
    const std::size_t from = backwards ? page.total - skip - count : skip;
    st.order.for_range(from, count, [&](const job_ref& job) {
      if (auto v = read_job_view(job.actor)) page.jobs.push_back(std::move(*v));
    });
    if (backwards) std::reverse(page.jobs.begin(), page.jobs.end());
    add_dependents(page.jobs, st.chains);
    return reply(std::move(page));
  }
  auto snap = std::make_shared<job_snapshot>(snapshot_of(self));
  build_off_thread<job_page>(ctx, reply, [snap, query]() -> status_or<job_page> {
    return page_of(read_all(*snap), query);
  });
}

// The change of the job id `id` being written is answered: what waited for it runs, in order.
void run_add_waiters(group_self self, const std::string& id) {
  auto waiting = self->state.add_waiters.extract(id);
  if (!waiting.empty())
    for (auto& retry : waiting.mapped()) retry();
}

// The job `id` is gone from the store: the group forgets it and its actor ends.
void forget_job(group_self self, const std::string& id) {
  auto& st = self->state;
  auto it = st.jobs.find(id);
  if (it == st.jobs.end()) return;
  to_job(self, it->second.actor, delete_atom::value);
  st.order.erase(job_ref{&it->first, nullptr});
  retire(st, std::move(it->second.actor));
  st.jobs.erase(it);
  tell_dependents(self, st.chains.forget(id));
}

// Deletes the job `id` through its actor (after any change of it being written); `then` hears
// the outcome on the group's thread, after the group forgot the job when it was written.
// REQUIRES: the job is in the group.
void delete_durably(group_self self, const std::string& id, mutation_batch batch, std::function<void(status)> then) {
  auto& st = self->state;
  auto it = st.jobs.find(id);
  st.deleting.insert(id);
  ++st.writes_in_flight;
  auto back = [group = handle_of(self), self, id, then = std::move(then)](status s) {
    caf::anon_send(group, written_atom::value, actor_task([self, id, then, s]() mutable {
                     self->state.deleting.erase(id);
                     if (s.ok()) forget_job(self, id);
                     then(std::move(s));
                     run_add_waiters(self, id);
                     write_answered(self);
                   }));
  };
  to_job(self, it->second.actor, delete_atom::value, std::move(batch), std::function<void(status)>(std::move(back)));
}

// What remove_jobs() waits for: one answer per job.
struct removal_tally {
  std::size_t left = 0;
  std::vector<std::string> removed;
  status failure;  // the last failed delete, if any
  audit_entry audit;
  reply_fn<std::size_t> reply;
};

// Removes the jobs `ids` from the store and then the group (with `audit`), and answers how
// many. Each job's delete is written on its own; when one fails, the others still happen and
// the answer is that storage error (with how many went).
void remove_jobs(group_self self, const job_context* ctx, const std::vector<std::string>& ids,
                 audit_entry audit, const reply_fn<std::size_t>& reply) {
  audit.detail += (audit.detail.empty() ? "" : ": ") + std::to_string(ids.size()) + " job(s)";
  std::vector<std::string> present;
  for (const auto& id : ids)
    if (self->state.jobs.count(id) && !self->state.deleting.count(id)) present.push_back(id);
  if (present.empty()) {
    return write_then(self, ctx, mutation_batch{}.put_audit(audit), [reply](status s) {
      if (s.ok()) reply(std::size_t{0});
      else reply(std::move(s));
    });
  }
  auto tally = std::make_shared<removal_tally>();
  tally->left = present.size();
  tally->audit = std::move(audit);
  tally->reply = reply;
  for (const auto& id : present) {
    mutation_batch batch;  // the job adds its own delete (job_state.h: delete_job)
    if (present.size() == 1) batch.put_audit(tally->audit);  // with the delete, atomically
    delete_durably(self, id, std::move(batch), [self, ctx, id, tally, n = present.size()](status s) {
      if (s.ok()) tally->removed.push_back(id);
      else tally->failure = std::move(s);
      if (--tally->left != 0) return;
      if (!tally->removed.empty()) {
        // The allocation table forgets them before the client hears of the delete (the registry
        // forwards this ahead of anything the client asks next).
        self->send(ctx->registry, alloc_leave_atom::value, self->state.spec.name, tally->removed);
        if (n > 1) persist_lazily(ctx, mutation_batch{}.put_audit(tally->audit));
      }
      if (tally->failure.ok()) return tally->reply(tally->removed.size());
      if (n == 1) return tally->reply(tally->failure);
      tally->reply(status::unavailable(std::to_string(tally->removed.size()) + " of " + std::to_string(n) +
                                       " jobs deleted, the others kept: " + tally->failure.message()));
    });
  }
}

// Removes every job called `name` (every job: nullopt), those whose add is being written
// included: the removal waits for their adds (add_waiters), as it came after them. Jobs added
// after it are kept.
void remove_jobs_named(group_self self, const job_context* ctx, const std::optional<std::string>& name,
                       audit_entry audit, const reply_fn<std::size_t>& reply) {
  auto& st = self->state;
  std::vector<std::string> ids, pending;
  for (const auto& [id, entry] : st.jobs)
    if (!name || entry.name == *name) ids.push_back(id);
  for (const auto& [id, add] : st.adding)
    if (!name || add.name == *name) pending.push_back(id);
  if (pending.empty()) return remove_jobs(self, ctx, ids, std::move(audit), reply);
  ids.insert(ids.end(), pending.begin(), pending.end());
  auto left = std::make_shared<std::size_t>(pending.size());
  auto removal = std::make_shared<std::function<void()>>(
      [self, ctx, ids = std::move(ids), audit = std::move(audit), reply]() mutable {
        remove_jobs(self, ctx, ids, std::move(audit), reply);
      });
  for (const auto& id : pending)
    st.add_waiters[id].push_back([left, removal] {
      if (--*left == 0) (*removal)();
    });
}

// -- funcs --

// Stores `func` (replacing one of the same name, whose secret and creation time it keeps) and
// answers its name, or its own secret when disable_group_otp is set. Runs behind func_gate.
void add_func_now(group_self self, const job_context* ctx, audit_entry audit, func_spec func,
                  const reply_fn<std::string>& reply) {
  auto& funcs = self->state.funcs;
  auto old = funcs.find(func.name);
  if (old == funcs.end() && funcs.size() >= k_max_funcs_per_group)
    return reply(status::resource_exhausted("group \"" + self->state.spec.name + "\" already has " +
                                            std::to_string(k_max_funcs_per_group) + " funcs"));
  if (old != funcs.end()) {
    func.secret = old->second.secret;
    func.created_ms = old->second.created_ms;
  } else {
    func.secret = random_base32_secret();
    func.created_ms = to_unix_ms(now_ms());
  }
  audit.detail = func.name;
  self->state.func_gate.hold();
  auto batch = mutation_batch{}.put_func(func).put_audit(audit);
  write_then(self, ctx, std::move(batch), [self, func = std::move(func), reply](status s) mutable {
    if (s.ok()) {
      std::string answer = func.disable_group_otp ? func.secret : func.name;
      std::string name = func.name;
      self->state.funcs.insert_or_assign(std::move(name), std::move(func));
      reply(std::move(answer));
    } else {
      reply(std::move(s));
    }
    self->state.func_gate.release();
  });
}

void delete_func_now(group_self self, const job_context* ctx, audit_entry audit, const std::string& name,
                     const done_fn& done) {
  if (!self->state.funcs.count(name))
    return done(status::not_found("name: no func \"" + name + "\" in group \"" + self->state.spec.name + "\""));
  audit.detail = name;
  self->state.func_gate.hold();
  write_then(self, ctx, mutation_batch{}.delete_func(self->state.spec.name, name).put_audit(audit),
             [self, name, done](status s) {
               if (s.ok()) self->state.funcs.erase(name);
               done(std::move(s));
               self->state.func_gate.release();
             });
}

// Checks the caller's code, then hands the call to the func threads, which answer `reply`.
void call_func(group_self self, const job_context* ctx, const std::string& name, func_request req,
               const reply_fn<std::string>& reply) {
  auto& st = self->state;
  auto it = st.funcs.find(name);
  if (it == st.funcs.end())
    return reply(status::not_found("name: no func \"" + name + "\" in group \"" + st.spec.name + "\""));
  auto unix_s = to_unix_ms(now_ms()) / 1000;
  // Each code calls a func once: a replayed (captured) code is refused.
  if (auto ok = check_func_code(it->second, st.spec.secret, req.otp_code, unix_s, &st.last_code_step[name]); !ok.ok())
    return reply(std::move(ok));
  ctx->pool->call_func(it->second, std::move(req), reply);
}

// Adds a spawned job to the group's map and its order.
void enter(group_self self, const std::string& id, job_entry entry) {
  auto [it, added] = self->state.jobs.emplace(id, std::move(entry));
  if (added) self->state.order.insert(job_ref{&it->first, caf::actor_cast<caf::abstract_actor*>(it->second.actor)});
}

// Adopts a job just created. Its first fire goes to the clock with those of the other jobs
// adopted in the same burst (a committer round answers a few dozen creates at once): one arm
// message each woke the clock's thread for every create, 0.6 context switches and some 7 us of
// CPU a create (issue 17). The batch goes once the group has handled what its mailbox held when
// the batch began (the flush message it sends itself), before the group sends any job anything
// (to_job), or when it is full.
void adopt_new(group_self self, const job_context* ctx, const job_spec& job) {
  auto& st = self->state;
  const bool first = st.new_arms.timers.empty();
  enter(self, job.id, job_entry{spawn_job(self->system(), job, ctx, st.new_arms), job.name});
  if (st.new_arms.timers.size() >= k_new_arms_per_message) send_new_arms(self);
  else if (first && !st.new_arms.timers.empty()) self->send(self, arm_atom::value);
  link(self, job.id, job.parent_job);
}

// Restored jobs per message to the clock: large enough that a million jobs make few messages,
// small enough that the clock arms one batch while the next is being planned.
constexpr std::size_t k_restore_batch_jobs = 4096;

// Spawns the actors of jobs found in the store or an import without scheduling them, and arms
// their first fires in batches (see restore_job()). Jobs read from the store at start await
// their stored history (restore_history_atom); imported ones start theirs.
void adopt_restored(group_self self, const job_context* ctx, std::vector<job_spec>& jobs,
                    int64_t last_alive_ms, bool from_store) {
  schedule_batch batch;
  for (auto& job : jobs) {
    std::string id = job.id;
    std::string name = job.name;
    std::string parent = job.parent_job;
    auto actor = restore_job(self->system(), std::move(job), ctx, last_alive_ms, batch, from_store);
    enter(self, id, job_entry{std::move(actor), std::move(name)});
    if (!parent.empty() || self->state.chains.has_children(id)) link(self, id, parent);
    if (batch.jobs == k_restore_batch_jobs)
      self->send(ctx->clock, arm_atom::value, std::exchange(batch, {}));
  }
  if (batch.jobs) self->send(ctx->clock, arm_atom::value, std::move(batch));
}

// Gives a job about to be added its id (unless it has one), secret, times and first fire; fails
// when the id is taken or its parent cannot be.
status admit_job(group_self self, const job_context* ctx, job_spec& job) {
  auto& st = self->state;
  if (job.id.empty()) {
    // Generated ids never collide with each other; a caller's id might.
    do job.id = std::to_string(ctx->ids->next(now_ms()));
    while (st.jobs.count(job.id));
  } else if (st.jobs.count(job.id)) {
    return status::already_exists("job_id: job \"" + job.id + "\" already exists in group \"" + st.spec.name + "\"");
  }
  if (auto linkable = check_parent(self, job.id, job.parent_job); !linkable.ok()) return linkable;
  if (job.otp_secret.empty()) job.otp_secret = random_base32_secret();
  job.created_ms = job.updated_ms = to_unix_ms(now_ms());
  job.paused_at_s = job.paused ? job.created_ms / 1000 : 0;  // a job added paused stands still from now
  if (!job.paused) {
    auto timing = ctx->timing_of(job).value();  // validated by the registry
    auto first = before_expiry(first_fire(timing->sched, timing->zone, job.exec_time_s, job.created_ms),
                               job.expires_at_ms);
    job.anchor_ms = first.value_or(0);
    job.done = !first && is_one_shot(timing->sched);  // its time has passed: it will never run
  }
  return {};
}

// A just-admitted job as a view: what create_job answers.
job_view new_job_view(group_self self, const job_spec& job) {
  job_view view;
  view.spec = job;
  view.phase = job.paused ? job_phase::paused : job.done ? job_phase::done : job_phase::active;
  if (view.phase == job_phase::active && job.anchor_ms) view.next_fire_ms = job.anchor_ms;
  view.dependents = sorted_children(self, job.id);
  return view;
}

// Admits `job`, stores it with its audit entry, and only once that is durable starts its actor
// and answers `then(ok, job)` (the job as admitted: id, secret, times); a failure answers
// `then(why, job)`. An add of an id being added or deleted waits for that change. The job is lent, not
// copied: an add answers its id only.
void add_job(group_self self, const job_context* ctx, audit_entry audit, job_spec job,
             std::function<void(status, const job_spec&)> then) {
  auto& st = self->state;
  if (!job.id.empty() && (st.adding.count(job.id) || st.deleting.count(job.id))) {
    st.add_waiters[job.id].push_back([self, ctx, audit = std::move(audit), job = std::move(job), then]() mutable {
      add_job(self, ctx, std::move(audit), std::move(job), std::move(then));
    });
    return;
  }
  const bool id_chosen = !job.id.empty();  // by the client: a deleted job may have had it
  if (auto admitted = admit_job(self, ctx, job); !admitted.ok()) return then(admitted, job);
  st.adding.emplace(job.id, group_state::pending_add{job.parent_job, job.name});
  audit.job_id = job.id;
  audit.detail = job.name;
  auto batch = mutation_batch{}.put_job(job).put_audit(audit);
  // The runs of a deleted job are erased by the store's sweep, later: a new job under the same
  // id must not inherit them.
  if (id_chosen) batch.delete_runs(job.group, job.id);
  write_then(self, ctx, std::move(batch), [self, ctx, job = std::move(job), then = std::move(then)](status s) {
    auto& st = self->state;
    st.adding.erase(job.id);
    if (s.ok()) adopt_new(self, ctx, job);
    then(std::move(s), job);
    run_add_waiters(self, job.id);
  });
}

// `reply`, given a job's view with the group's children of `id` (the job knows only its parent).
reply_fn<job_view> with_dependents(group_self self, const std::string& id, const reply_fn<job_view>& reply) {
  return [reply, children = sorted_children(self, id)](status_or<job_view> v) {
    if (v.ok()) v.value().dependents = children;
    reply(std::move(v));
  };
}

// True when a job is being added, or edited, with `id` as its parent.
bool child_being_added(group_self self, const std::string& id) {
  for (const auto& [child, add] : self->state.adding)
    if (add.parent == id) return true;
  for (const auto& [child, parent] : self->state.relinking)
    if (parent == id) return true;
  return false;
}

caf::behavior group_behavior(group_self self, group_spec spec, std::vector<job_spec> restored,
                             int64_t last_alive_ms, const job_context* ctx) {
  self->state.spec = std::move(spec);
  self->state.clock = ctx->clock;
  self->state.jobs.reserve(restored.size());
  adopt_restored(self, ctx, restored, last_alive_ms, false);
  restored = {};
  return {
      [=](add_job_atom, audit_entry& audit, job_spec& job, const reply_fn<std::string>& reply) {
        add_job(self, ctx, std::move(audit), std::move(job), [reply](status s, const job_spec& added) {
          if (s.ok()) reply(added.id);
          else reply(std::move(s));
        });
      },
      [=](create_job_atom, audit_entry& audit, job_spec& job, const reply_fn<job_view>& reply) {
        add_job(self, ctx, std::move(audit), std::move(job), [self, reply](status s, const job_spec& added) {
          if (s.ok()) reply(new_job_view(self, added));
          else reply(std::move(s));
        });
      },
      [=](written_atom, actor_task& task) { task(); },
      [=](arm_atom) { send_new_arms(self); },  // see adopt_new()
      [=](restore_atom, std::vector<job_spec>& jobs) {  // start-up: a batch of the stored jobs
        adopt_restored(self, ctx, jobs, ctx->last_alive_ms, true);
      },
      [=](restore_waiting_atom, const std::string& id, std::vector<waiting_record>& stored) {
        // After its job (the same sender's earlier message); a job gone meanwhile drops them.
        if (auto it = self->state.jobs.find(id); it != self->state.jobs.end())
          to_job(self, it->second.actor, restore_waiting_atom::value, std::move(stored));
      },
      [=](restore_in_flight_atom, const std::string& id, std::vector<run_record>& runs) {
        // After its job, as the queue above; the markers of a job gone meanwhile go too.
        if (auto it = self->state.jobs.find(id); it != self->state.jobs.end())
          to_job(self, it->second.actor, restore_in_flight_atom::value, std::move(runs));
        else
          drop_in_flight_markers(ctx, runs);
      },
      [=](restore_history_atom, const std::string& id, stored_history& history) {
        if (auto it = self->state.jobs.find(id); it != self->state.jobs.end())
          to_job(self, it->second.actor, restore_history_atom::value, std::move(history));
      },
      [=](histories_read_atom) {
        for (auto& [id, entry] : self->state.jobs) to_job(self, entry.actor, histories_read_atom::value);
      },
      [=](list_atom, const reply_fn<std::vector<job_view>>& reply) { list_jobs(self, ctx, reply); },
      [=](list_atom, job_visitor& visit, const reply_fn<std::size_t>& reply) {
        visit_jobs(self, ctx, std::move(visit), reply);
      },
      [=](in_flight_atom, const reply_fn<std::vector<run_record>>& reply) { list_runs_in_flight(self, ctx, reply); },
      [=](retries_due_atom, const reply_fn<std::vector<waiting_retry>>& reply) { list_retries_waiting(self, ctx, reply); },
      [=](page_atom, const job_page_query& query, const reply_fn<job_page>& reply) {
        list_page(self, ctx, query, reply);
      },
      [=](clear_atom, audit_entry& audit, const reply_fn<std::size_t>& reply) {
        remove_jobs_named(self, ctx, std::nullopt, std::move(audit), reply);
      },
      [=](delete_name_atom, audit_entry& audit, const std::string& name,
          const reply_fn<std::size_t>& reply) {
        audit.detail = name;
        remove_jobs_named(self, ctx, name, std::move(audit), reply);
      },
      [=](delete_atom, audit_entry& audit, const std::string& id, const done_fn& done) {
        with_job(self, id, done, [=, audit = std::move(audit)](const caf::actor&) mutable {
          if (self->state.deleting.count(id)) return done(unknown_job(self->state.spec.name, id));
          if (child_being_added(self, id))
            return done(status::failed_precondition("job_id: a job that runs after \"" + id +
                                                    "\" is being added or edited: delete it or change its parent_job first"));
          if (auto children = self->state.chains.children_of(id); !children.empty()) {
            std::string names;
            for (const auto& c : children) names += (names.empty() ? "" : ", ") + c;
            return done(status::failed_precondition("job_id: jobs run after \"" + id + "\" (" + names +
                                                    "): delete them or change their parent_job first"));
          }
          remove_jobs(self, ctx, {id}, std::move(audit),
                      [done](status_or<std::size_t> n) { done(n.ok() ? status{} : n.status()); });
        });
      },
      [=](edit_job_atom, audit_entry& audit, const std::string& id, job_patch& patch,
          const reply_fn<job_view>& reply) {
        with_job(self, id, reply, [=, audit = std::move(audit), patch = std::move(patch)](const caf::actor& job) mutable {
          if (patch.parent_job)
            if (auto linkable = check_parent(self, id, *patch.parent_job); !linkable.ok()) return reply(linkable);
          // The job validates the edit; wrap the reply to keep the name index and chains current.
          std::optional<std::string> relink = patch.parent_job;
          if (relink) self->state.relinking.emplace(id, *relink);
          auto renamed = [group = caf::actor_cast<caf::actor>(self), self, id, relink, reply](status_or<job_view> v) {
            if (v.ok()) caf::anon_send(group, renamed_atom::value, id, v->spec.name, v->spec.parent_job);
            if (relink)
              caf::anon_send(group, written_atom::value, actor_task([self, id, parent = *relink] { relinked(self, id, parent); }));
            reply(std::move(v));
          };
          to_job(self, job, edit_job_atom::value, std::move(audit), std::move(patch),
                     reply_fn<job_view>(renamed));
        });
      },
      [=](renamed_atom, const std::string& id, const std::string& name, const std::string& parent) {
        auto it = self->state.jobs.find(id);
        if (it == self->state.jobs.end()) return;
        it->second.name = name;
        link(self, id, parent);
      },
      // A job's run ended and its controls name `next` to run after it (chain, chain_error). A
      // follow-up that no longer exists is counted (mainspring_chain_misses_total), as Cronicle
      // logs it.
      [=](follow_atom, const std::string& next, std::shared_ptr<const run_cause>& cause) {
        auto it = self->state.jobs.find(next);
        if (it == self->state.jobs.end()) return ctx->stats->chain_misses.fetch_add(1, std::memory_order_relaxed), void();
        to_job(self, it->second.actor, run_after_atom::value, std::move(cause));
      },
      [=](succeeded_atom, const std::string& id, bool ephemeral, const std::shared_ptr<const run_cause>& cause) {
        for (const auto& child : self->state.chains.children_of(id))
          if (auto it = self->state.jobs.find(child); it != self->state.jobs.end())
            to_job(self, it->second.actor, run_after_atom::value, cause);
        if (!ephemeral || !self->state.jobs.count(id)) return;
        audit_entry audit{to_unix_ms(now_ms()), "scheduler", "", "job.delete", self->state.spec.name, id,
                          "ephemeral"};
        remove_jobs(self, ctx, {id}, std::move(audit), [](status_or<std::size_t>) {});
      },
      // A deleted job's run ended (its actor lingers for its runs: job_runs.cc). Its record is kept
      // with the deleted job's history unless the id names another job now, made again under it
      // (or being made): that job's create erased the old runs, and this record would become its
      // history. The check is here because the group orders creates: a record persisted before a
      // create's write is erased by it (mutation_batch::delete_runs), one after it is never written.
      [=](deleted_run_atom, const std::string& id, caf::actor_id job, mutation_batch& record) {
        auto& st = self->state;
        const auto it = st.jobs.find(id);
        const bool same_job = it == st.jobs.end() || it->second.actor.id() == job;  // not yet forgotten
        if (same_job && !st.adding.count(id)) persist_lazily(ctx, std::move(record));
      },
      [=](adopt_run_atom, run_record& run, const caf::actor& node) {
        auto it = self->state.jobs.find(run.job_id);
        if (it == self->state.jobs.end()) return self->send(node, adopted_atom::value, run.run_id, caf::actor{});
        to_job(self, it->second.actor, adopt_run_atom::value, std::move(run), node);
      },
      [=](pause_atom, audit_entry& audit, const std::string& id, const done_fn& done) {
        with_job(self, id, done, [=, audit = std::move(audit)](const caf::actor& job) mutable {
          to_job(self, job, pause_atom::value, std::move(audit), done);
        });
      },
      [=](activate_atom, audit_entry& audit, const std::string& id, int64_t exec_time_s,
          const done_fn& done) {
        with_job(self, id, done, [=, audit = std::move(audit)](const caf::actor& job) mutable {
          to_job(self, job, activate_atom::value, std::move(audit), exec_time_s, done);
        });
      },
      [=](view_atom, const std::string& id, const reply_fn<job_view>& reply) {
        with_job(self, id, reply, [=](const caf::actor& job) {
          to_job(self, job, view_atom::value, with_dependents(self, id, reply));
        });
      },
      [=](view_atom, const std::string& id, uint64_t run_id, const reply_fn<job_view>& reply) {
        with_job(self, id, reply, [=](const caf::actor& job) {
          to_job(self, job, view_atom::value, run_id, with_dependents(self, id, reply));
        });
      },
      [=](run_now_atom, audit_entry& audit, const std::string& id, manual_run& run, const reply_fn<uint64_t>& reply) {
        with_job(self, id, reply, [=, audit = std::move(audit), run = std::move(run)](const caf::actor& job) mutable {
          to_job(self, job, run_now_atom::value, std::move(audit), std::move(run), reply);
        });
      },
      [=](abort_atom, audit_entry& audit, const std::string& id, const reply_fn<std::size_t>& reply) {
        with_job(self, id, reply, [=, audit = std::move(audit)](const caf::actor& job) mutable {
          to_job(self, job, abort_atom::value, std::move(audit), reply);
        });
      },
      [=](abort_atom, audit_entry& audit, const std::string& id, uint64_t run_id, std::string& reason,
          const reply_fn<std::size_t>& reply) {
        with_job(self, id, reply, [=, audit = std::move(audit), reason = std::move(reason)](const caf::actor& job) mutable {
          to_job(self, job, abort_atom::value, std::move(audit), run_id, std::move(reason), reply);
        });
      },
      [=](rewind_atom, audit_entry& audit, const std::string& id, int64_t since_ms, const reply_fn<std::size_t>& reply) {
        with_job(self, id, reply, [=, audit = std::move(audit)](const caf::actor& job) mutable {
          to_job(self, job, rewind_atom::value, std::move(audit), since_ms, reply);
        });
      },
      [=](flush_queue_atom, audit_entry& audit, const std::string& id, const reply_fn<std::size_t>& reply) {
        with_job(self, id, reply, [=, audit = std::move(audit)](const caf::actor& job) mutable {
          to_job(self, job, flush_queue_atom::value, std::move(audit), reply);
        });
      },
      [=](clear_runs_atom, audit_entry& audit, const std::string& id, const done_fn& done) {
        with_job(self, id, done, [=, audit = std::move(audit)](const caf::actor& job) mutable {
          to_job(self, job, clear_runs_atom::value, std::move(audit), done);
        });
      },
      [=](update_run_atom, audit_entry& audit, const std::string& id, uint64_t run_id, run_override& change,
          const reply_fn<std::size_t>& reply) {
        with_job(self, id, reply, [=, audit = std::move(audit), change = std::move(change)](const caf::actor& job) mutable {
          to_job(self, job, update_run_atom::value, std::move(audit), run_id, std::move(change), reply);
        });
      },
      [=](forget_runs_atom, const std::string& id, std::vector<uint64_t>& run_ids, const reply_fn<std::size_t>& reply) {
        with_job(self, id, reply, [=, run_ids = std::move(run_ids)](const caf::actor& job) mutable {
          to_job(self, job, forget_runs_atom::value, std::move(run_ids), reply);
        });
      },
      [=](executions_atom, const std::string& id, std::size_t limit, uint64_t before,
          std::vector<run_record>& stored, const reply_fn<std::vector<run_record>>& reply) {
        with_job(self, id, reply, [=, stored = std::move(stored)](const caf::actor& job) mutable {
          to_job(self, job, executions_atom::value, limit, before, std::move(stored), reply);
        });
      },
      [=](add_func_atom, audit_entry& audit, func_spec& func, const reply_fn<std::string>& reply) {
        self->state.func_gate.run([=, audit = std::move(audit), func = std::move(func)]() mutable {
          add_func_now(self, ctx, std::move(audit), std::move(func), reply);
        });
      },
      [=](delete_func_atom, audit_entry& audit, const std::string& name, const done_fn& done) {
        self->state.func_gate.run([=, audit = std::move(audit)]() mutable {
          delete_func_now(self, ctx, std::move(audit), name, done);
        });
      },
      [=](holdings_atom, const reply_fn<std::size_t>& reply) {
        const auto& st = self->state;
        reply(st.jobs.size() + st.funcs.size() + st.adding.size() + st.writes_in_flight);
      },
      [=](funcs_atom, const reply_fn<std::vector<func_spec>>& reply) {
        std::vector<func_spec> out;
        out.reserve(self->state.funcs.size());
        for (const auto& [name, func] : self->state.funcs) out.push_back(func);
        reply(std::move(out));
      },
      [=](funcs_atom, std::vector<func_spec>& restored) {  // from the store or an import: kept as is
        for (auto& func : restored) {
          std::string name = func.name;
          self->state.funcs.insert_or_assign(std::move(name), std::move(func));
        }
      },
      [=](call_func_atom, const std::string& name, func_request& req, const reply_fn<std::string>& reply) {
        // After a func change being written (its add, a delete), as if sent after it.
        self->state.func_gate.run([=, req = std::move(req)]() mutable { call_func(self, ctx, name, std::move(req), reply); });
      },
      [=](delete_atom) {  // the group is removed (the registry persisted it): its jobs go with it
        // Writes still in flight answer their clients first.
        if (self->state.writes_in_flight == 0) return end_group(self);
        self->state.quit_when_idle = true;
      },
      [=](replay_atom, int64_t since_ms) {  // the scheduler resumed: each job replays its missed fires
        for (auto& [id, entry] : self->state.jobs) to_job(self, entry.actor, replay_atom::value, since_ms);
      },
      [=](stop_atom) {  // the server stops: the jobs end as they are (the store keeps them)
        for (auto& [id, entry] : self->state.jobs) to_job(self, entry.actor, stop_atom::value);
        retire_all(self->state);
        self->quit();
      },
  };
}

}  // namespace

caf::actor spawn_group(caf::actor_system& sys, group_spec spec, std::vector<job_spec> restored,
                       int64_t last_alive_ms, const job_context* ctx) {
  auto group = sys.spawn(group_behavior, std::move(spec), std::move(restored), last_alive_ms, ctx);
  mark_control_actor(sys, group);  // API calls pass through it: never queued behind fires
  return group;
}

}  // namespace mainspring
