// The changes a client makes to one job (edit, pause, activate, delete, clearing its runs), each
// applied only once its write is durable. A job writes one change at a time: a change that
// arrives while one is being written waits in the job's write_gate and then works from the state
// the first one left, so concurrent requests end as if they had run one after the other. A failed
// write changes nothing and answers the storage error.
#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "actors/job_runs.h"
#include "actors/job_state.h"
#include "actors/lingering_jobs.h"
#include "core/write_gate.h"
#include "storage/mutation_batch.h"

namespace mainspring {
namespace {

caf::actor handle_of(job_self self) {
  return caf::actor_cast<caf::actor>(self);
}

status gone(const job_state& st) {
  return status::not_found("job_id: no job \"" + std::string(st.spec.id()) + "\" in group \"" +
                           std::string(st.spec.group()) + "\"");
}

// The write in flight is answered: the changes that waited for it run now.
void finish_write(job_self self) {
  auto& st = self->state;
  st.gate->release();
  if (st.gate && st.gate->idle()) st.gate.reset();
}

// Writes `batch`, then (on the job's thread) runs `apply(outcome)` and lets the next change in.
void write_then(job_self self, mutation_batch batch, std::function<void(status)> apply) {
  self->state.gate->hold();
  persist_then(self->state.ctx, handle_of(self), std::move(batch), [self, apply = std::move(apply)](status s) {
    apply(std::move(s));
    finish_write(self);
  });
}

// `spec` restarted from now (or exec_time_s): its first fire, which is also its new anchor.
std::optional<int64_t> restart(job_spec& spec, const job_context* ctx, int64_t exec_time_s) {
  auto timing = ctx->timing_of(spec).value();  // validated before it was stored
  auto first = before_expiry(first_fire(timing->sched, timing->zone, exec_time_s, to_unix_ms(now_ms())),
                             spec.expires_at_ms);
  spec.anchor_ms = first.value_or(0);
  // A one-shot whose time has passed is done at once, as when it is created so (admit_job): left
  // active without a fire it would look scheduled, and run as a missed fire after a restart.
  spec.done = !first && is_one_shot(timing->sched);
  return first;
}

// The job runs again from `first` (what restart() planned; done when it said so).
void rearm(job_self self, std::optional<int64_t> first) {
  set_phase(self->state, self->state.ctx, self->state.spec.done ? job_phase::done : job_phase::active);
  arm_schedule(self, self->state.ctx, first);
}

status_or<job_spec> edited_spec(const job_state& st, const job_patch& patch, const job_context* ctx) {
  auto patched = apply_patch(st.spec.unpack(), patch);
  if (!patched.ok()) return patched.status();
  job_spec next = std::move(patched).value();
  next.updated_ms = to_unix_ms(now_ms());
  ++next.revision;
  if (auto v = validate_job(next); !v.ok()) return v;
  if (auto s = ctx->pool_accepts(next); !s.ok()) return s;
  return next;
}

void edit_now(job_self self, audit_entry audit, const job_patch& patch, reply_fn<job_view> reply) {
  auto& st = self->state;
  if (st.deleted) return reply(gone(st));
  auto edited = edited_spec(st, patch, st.ctx);
  if (!edited.ok()) return reply(edited.status());
  job_spec next = std::move(edited).value();
  const bool retimed = (patch.schedule || patch.timezone || patch.exec_time_s) && st.phase != job_phase::paused;
  std::optional<int64_t> first;
  if (retimed) first = restart(next, st.ctx, next.exec_time_s);
  auto batch = mutation_batch{}.put_job(next).put_audit(audit);
  write_then(self, std::move(batch), [self, next = std::move(next), retimed, first, reply](status s) mutable {
               if (!s.ok()) return reply(std::move(s));
               auto& st = self->state;
               if (!retimed) {  // what ran meanwhile (the job finished, say) stays as it is
                 next.anchor_ms = st.spec.anchor_ms;
                 next.done = st.spec.done;
               }
               // A REMOTE@* job that stops being one leaves the allocation table; one that stays is
               // placed again (its node limit may have changed) with its new version (revision + 1).
               const bool was_placed = st.phase == job_phase::active && placement_of(st);
               st.spec = compact_job_spec(next);
               compile(st, st.ctx);
               if (was_placed && !placement_of(st)) leave_allocation(handle_of(self), st, st.ctx);
               if (retimed) rearm(self, first);
               if (st.phase == job_phase::active) sync_allocation(handle_of(self), st, st.ctx, true);
               reply(view_of(st));
             });
}

void pause_now(job_self self, audit_entry audit, done_fn done) {
  auto& st = self->state;
  if (st.deleted) return done(gone(st));
  job_spec next = st.spec.unpack();
  // Pausing a paused job keeps the instant its schedule stopped.
  if (!next.paused || !next.paused_at_s) next.paused_at_s = to_unix_ms(now_ms()) / 1000;
  next.paused = true;
  write_then(self, mutation_batch{}.put_job(next).put_audit(audit), [self, paused_at_s = next.paused_at_s, done](status s) {
    if (!s.ok()) return done(std::move(s));
    auto& st = self->state;
    if (st.phase == job_phase::active) {
      set_phase(st, st.ctx, job_phase::paused);
      arm_schedule(self, st.ctx, std::nullopt);
      sync_allocation(handle_of(self), st, st.ctx, false);
    }
    st.spec.paused = true;
    st.spec.paused_at_s = static_cast<uint32_t>(paused_at_s);  // unix seconds: 32 bits until 2106
    done({});
  });
}

void activate_now(job_self self, audit_entry audit, int64_t exec_time_s, done_fn done) {
  auto& st = self->state;
  if (st.deleted) return done(gone(st));
  job_spec next = st.spec.unpack();
  next.paused = false;
  next.paused_at_s = 0;
  auto first = restart(next, st.ctx, exec_time_s);
  write_then(self, mutation_batch{}.put_job(next).put_audit(audit), [self, first, next, done](status s) {
    if (!s.ok()) return done(std::move(s));
    auto& st = self->state;
    st.spec.paused = false;
    st.spec.paused_at_s = 0;
    st.spec.anchor_ms = next.anchor_ms;
    st.spec.done = next.done;
    rearm(self, first);
    if (st.phase == job_phase::active) sync_allocation(handle_of(self), st, st.ctx, true);
    done({});
  });
}

void delete_now(job_self self, mutation_batch batch, std::function<void(status)> then) {
  auto& st = self->state;
  if (st.deleted) return then(gone(st));
  write_then(self, std::move(batch), [self, then = std::move(then)](status s) {
    if (s.ok()) {
      // Gone from the store: no more fires. The group retires the actor once it has forgotten it.
      auto& st = self->state;
      st.deleted = true;
      st.next_fire_ms.reset();
      st.retries_due.clear();
      st.waiting.reset();  // its stored queue went with the delete
      self->send(st.ctx->clock, disarm_atom::value, self->id());
      sync_allocation(handle_of(self), st, st.ctx, false);
      // Its runs still going are found through ctx->lingering from now on: the group forgets
      // the job once `then` answered, and whoever hears of the delete may read them at once.
      st.kept_for_runs = st.ctx->deleted_job_history_ms > 0 && !st.in_flight.empty() && st.ctx->lingering &&
                         st.ctx->lingering->add(handle_of(self), std::string(st.spec.group()), std::string(st.spec.id()));
    }
    then(std::move(s));
  });
}

}  // namespace

void when_idle(job_self self, std::function<void()> change) {
  auto& st = self->state;
  if (st.gate) return st.gate->run(std::move(change));
  st.gate = std::make_unique<write_gate>();
  st.gate->run(std::move(change));
  if (st.gate && st.gate->idle()) st.gate.reset();  // it wrote nothing
}

void edit_job(job_self self, audit_entry audit, job_patch patch, reply_fn<job_view> reply) {
  when_idle(self, [self, audit = std::move(audit), patch = std::move(patch), reply = std::move(reply)]() mutable {
    edit_now(self, std::move(audit), patch, std::move(reply));
  });
}

void pause_job(job_self self, audit_entry audit, done_fn done) {
  when_idle(self, [self, audit = std::move(audit), done = std::move(done)]() mutable {
    pause_now(self, std::move(audit), std::move(done));
  });
}

void activate_job(job_self self, audit_entry audit, int64_t exec_time_s, done_fn done) {
  when_idle(self, [self, audit = std::move(audit), exec_time_s, done = std::move(done)]() mutable {
    activate_now(self, std::move(audit), exec_time_s, std::move(done));
  });
}

void delete_job(job_self self, mutation_batch batch, std::function<void(status)> then) {
  when_idle(self, [self, batch = std::move(batch), then = std::move(then)]() mutable {
    auto& st = self->state;
    // A job that ever ran (or whose history is not read yet) keeps its runs listed a while.
    const bool has_runs = st.counts.newest_started_id != 0 || !st.history_known;
    if (st.ctx->deleted_job_history_ms > 0 && has_runs)
      batch.delete_job_keeping_runs(st.spec.unpack(), to_unix_ms(now_ms()));
    else
      batch.delete_job(st.spec.group(), st.spec.id());
    // Its stored queue goes with it (a group's delete takes every job's at once).
    if (st.waiting) batch.delete_all_waiting(st.spec.group(), st.spec.id());
    forget_in_flight_markers(st, batch);
    delete_now(self, std::move(batch), std::move(then));
  });
}

namespace {

// What clear_runs forgets of a job, kept until its write is answered.
struct run_history_memory {
  run_tally counts;
  std::unique_ptr<finished_run> last_finished;
  std::unique_ptr<std::vector<finished_run>> recent_finished;
};

// Moves the job's counts and remembered runs out of `st`, leaving them zero and empty.
std::shared_ptr<run_history_memory> take_run_history(job_state& st) {
  auto m = std::make_shared<run_history_memory>();
  m->counts = std::exchange(st.counts, run_tally{});
  st.counts.newest_started_id = m->counts.newest_started_id;  // an id, not a count
  m->last_finished = std::move(st.last_finished);
  m->recent_finished = std::move(st.recent_finished);
  st.history_known = true;  // what the store kept is gone with the rest
  return m;
}

// Adds what take_run_history took back to what the job counted since.
void give_back_run_history(job_state& st, run_history_memory& m) {
  st.counts.add(m.counts);
  if (!st.last_finished) {  // no run ended since: the remembered ones are still the latest
    st.last_finished = std::move(m.last_finished);
    st.recent_finished = std::move(m.recent_finished);
  }
}

void clear_runs_now(job_self self, audit_entry audit, done_fn done) {
  auto& st = self->state;
  if (st.deleted) return done(gone(st));
  // The counts go to zero now, as the store's delete is queued behind every run record queued so
  // far: a run that ends from here on is counted, and kept in the store unless its record reaches
  // the committer's same round, ahead of the delete (a run ending in that millisecond).
  auto forgotten = take_run_history(st);
  write_then(self, mutation_batch{}.delete_runs(st.spec.group(), st.spec.id()).put_audit(audit),
             [self, forgotten, done](status s) {
               if (!s.ok()) give_back_run_history(self->state, *forgotten);
               done(std::move(s));
             });
}

}  // namespace

void clear_runs(job_self self, audit_entry audit, done_fn done) {
  when_idle(self, [self, audit = std::move(audit), done = std::move(done)]() mutable {
    clear_runs_now(self, std::move(audit), std::move(done));
  });
}

void persist_spec_when_idle(job_self self) {
  when_idle(self, [self] {
    if (!self->state.deleted) persist(self->state.ctx, mutation_batch{}.put_job(self->state.spec.unpack()), nullptr);
  });
}

}  // namespace mainspring
