#include "actors/control_first_policy.h"
#include "actors/registry_actor.h"

#include <functional>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "actors/group_actor.h"
#include "actors/group_routes.h"
#include "actors/messages.h"
#include "actors/node_protocol.h"
#include "actors/node_registry.h"
#include "actors/group_documents.h"
#include "actors/run_pools.h"
#include "core/node_auth.h"
#include "core/secret.h"
#include "core/write_gate.h"
#include "executors/executor_pool.h"
#include "storage/codec.h"
#include "storage/mutation_batch.h"

namespace mainspring {

namespace {

struct group_entry {
  caf::actor actor;
  caf::actor nodes;  // its node registry
  group_spec spec;
  // An import that would replace it is being decided or written.
  bool replacing = false;
};

struct registry_state {
  std::map<std::string, group_entry> groups;  // ordered: the group list comes out sorted
  // Groups are registered, removed and imported one write at a time, applied once durable.
  write_gate gate;
  // Removals that arrived and are not answered yet, by group name. Calls for a group with one
  // (or being replaced) wait behind the gate, where they keep their place among the group
  // changes, and then go to what those left: a call sent after a removal finds the group gone.
  std::map<std::string, std::size_t> removals;
  // The restored groups, held in group_routes until the stored jobs streamed at start-up have
  // all been passed on (restored_atom): until then a request for one goes through here, behind
  // its jobs, rather than straight to a group that has not adopted them yet.
  std::vector<std::string> held_while_restoring;
  static inline const char* name = "mainspring.registry";
};

using registry_self = caf::stateful_actor<registry_state>*;

status unknown_group(const std::string& group) {
  if (auto st = validate_group_name(group); !st.ok()) return st;
  return status::not_found("group_name: unknown group \"" + group + "\"");
}

// True while a removal of `group` or an import that would replace it is pending.
bool held(registry_self self, const std::string& group, const group_entry& entry) {
  return entry.replacing || self->state.removals.count(group) != 0;
}

// Passes `args...` on to the group's actor now, or answers not_found through `reply`.
template <class Reply, class... Ts>
void deliver(registry_self self, const std::string& group, const Reply& reply, Ts&&... args) {
  auto it = self->state.groups.find(group);
  if (it == self->state.groups.end()) return reply(unknown_group(group));
  self->send(it->second.actor, std::forward<Ts>(args)..., reply);
}

// Passes `args...` on to the group's actor, or answers not_found through `reply`, after the
// group changes that came before it and may make, remove or replace the group (a dialect
// registers its group at start-up without waiting), as it would have queued behind them in the
// mailbox.
template <class Reply, class... Ts>
void to_group(registry_self self, const std::string& group, const Reply& reply, Ts&&... args) {
  auto it = self->state.groups.find(group);
  const bool waits = it == self->state.groups.end() ? self->state.gate.busy() : held(self, group, it->second);
  if (!waits) return deliver(self, group, reply, std::forward<Ts>(args)...);
  self->state.gate.run([self, group, reply, ... args = std::forward<Ts>(args)]() mutable {
    deliver(self, group, reply, std::move(args)...);
  });
}

void adopt_group(registry_self self, const job_context* ctx, group_spec spec,
                 std::vector<job_spec> jobs, int64_t last_alive_ms) {
  auto actor = spawn_group(self->system(), spec, std::move(jobs), last_alive_ms, ctx);
  auto nodes = spawn_node_registry(self->system(), spec.name, ctx);
  std::string name = spec.name;
  if (ctx->routes && !self->state.removals.count(name)) ctx->routes->publish(name, actor);
  self->state.groups.emplace(std::move(name), group_entry{std::move(actor), std::move(nodes), std::move(spec), false});
  ctx->stats->groups.fetch_add(1, std::memory_order_relaxed);
}

// Hands restored or imported funcs to their group's actor (they are already in the store).
void give_funcs(registry_self self, const std::string& group, std::vector<func_spec> funcs) {
  if (funcs.empty()) return;
  if (auto it = self->state.groups.find(group); it != self->state.groups.end())
    self->send(it->second.actor, funcs_atom::value, std::move(funcs));
}

// Writes `batch` behind the registry's gate, then runs `then(outcome)` on the registry's thread
// and lets the next group change in.
void write_then(registry_self self, const job_context* ctx, mutation_batch batch, std::function<void(status)> then) {
  self->state.gate.hold();
  persist_then(ctx, caf::actor_cast<caf::actor>(self), std::move(batch), [self, then = std::move(then)](status s) {
    then(std::move(s));
    self->state.gate.release();
  });
}

void register_group(registry_self self, const job_context* ctx, audit_entry audit, const std::string& group,
                    const reply_fn<std::string>& reply) {
  if (auto st = validate_group_name(group); !st.ok()) return reply(st);
  if (self->state.groups.count(group))
    return reply(status::already_exists("group_name: group \"" + group + "\" already exists"));
  group_spec spec{group, random_base32_secret(), to_unix_ms(now_ms())};
  // The delete first clears what an edit racing an earlier removal of the name may have left.
  auto batch = mutation_batch{}.delete_group(group).put_group(spec).put_audit(audit);
  write_then(self, ctx, std::move(batch), [self, ctx, spec, reply](status s) mutable {
    if (!s.ok()) return reply(std::move(s));
    std::string secret = spec.secret;
    adopt_group(self, ctx, std::move(spec), {}, 0);
    reply(std::move(secret));
  });
}

// Calls for `group` sent straight to its actor come here from now on, to wait for what holds
// the group (held()): they come here once it is withdrawn from ctx->routes.
void withdraw(const job_context* ctx, const std::string& group) {
  if (ctx->routes) ctx->routes->withdraw(group);
}

// What held `group` is over and it is still there: calls may go straight to it again, unless
// something else holds it.
void republish(registry_self self, const job_context* ctx, const std::string& group) {
  auto it = self->state.groups.find(group);
  if (it == self->state.groups.end() || held(self, group, it->second)) return;
  if (ctx->routes) ctx->routes->publish(group, it->second.actor);
}

// A removal that arrived is answered (as not_found too).
void removal_answered(registry_self self, const std::string& group) {
  auto it = self->state.removals.find(group);
  if (it != self->state.removals.end() && --it->second == 0) self->state.removals.erase(it);
}

// The group's actors stop (as after a removal) and its entry goes; calls waiting for it go on to
// what now has its name.
void retire_group(registry_self self, const job_context* ctx, const std::string& group) {
  auto it = self->state.groups.find(group);
  if (it == self->state.groups.end()) return;
  self->send(it->second.actor, delete_atom::value);
  self->send(it->second.nodes, delete_atom::value);
  self->state.groups.erase(it);
  ctx->stats->groups.fetch_sub(1, std::memory_order_relaxed);
}

// Writes the removal of `group`; calls for it wait meanwhile, then find it gone (or, when the
// write failed, still there).
void remove_group(registry_self self, const job_context* ctx, audit_entry audit, const std::string& group,
                  const done_fn& done) {
  auto it = self->state.groups.find(group);
  if (it == self->state.groups.end()) {
    removal_answered(self, group);
    return done(unknown_group(group));
  }
  // Withdrawn when the removal arrived, unless the group was made after that (by a change ahead
  // of it behind the gate).
  withdraw(ctx, group);
  write_then(self, ctx, mutation_batch{}.delete_group(group).put_audit(audit), [self, ctx, group, done](status s) {
    removal_answered(self, group);
    if (!s.ok()) {
      republish(self, ctx, group);
      return done(std::move(s));
    }
    retire_group(self, ctx, group);
    done(std::move(s));
  });
}

// Holds a group an import may replace: calls for it wait for the import.
void hold_for_import(const job_context* ctx, group_entry& entry, const std::string& group) {
  entry.replacing = true;
  withdraw(ctx, group);
}

// The import did not replace `group`: calls may go to it again (after those that waited).
void unhold(registry_self self, const job_context* ctx, const std::string& group) {
  auto it = self->state.groups.find(group);
  if (it == self->state.groups.end()) return;
  it->second.replacing = false;
  republish(self, ctx, group);
}

// The import's write of the run pools of `groups` is done (`written`: it succeeded): each group
// whose archive holds its pools has them from now on, and its pools may be changed again. Before
// the group's jobs are adopted, so that a job naming a pool is limited from its first run.
void end_pools_import(const job_context* ctx, std::vector<group_dump>& groups, bool written) {
  if (!ctx->pools) return;
  for (auto& g : groups)
    if (g.pools_dumped)
      ctx->pools->end_import(g.group.name, written ? std::optional(std::move(g.pools)) : std::nullopt);
}

// A group's documents in its archive, by kind.
group_documents::by_kind documents_by_kind(const group_dump& g) {
  group_documents::by_kind kinds;
  for (const auto& d : g.documents) kinds[d.kind].push_back(d.document);
  return kinds;
}

// Adds to `batch` the documents of each group whose archive holds them (documents_dumped), each
// kind's list whole, and empties the kinds the group has that the archive lacks: the archive's
// documents replace all of the group's. Marks those groups as being imported first, so that the
// kinds read are all the group has until end_documents_import.
void begin_documents_import(const job_context* ctx, const std::vector<group_dump>& groups, mutation_batch& batch) {
  for (const auto& g : groups) {
    if (!g.documents_dumped) continue;
    const std::string& group = g.group.name;
    auto kinds = documents_by_kind(g);
    if (ctx->documents)
      for (auto& had : ctx->documents->begin_import(group)) kinds.try_emplace(std::move(had));
    for (const auto& [kind, docs] : kinds)
      batch.put_meta(group_documents_meta(group, kind), encode(group_documents_value{group, kind, docs}));
  }
}

// The import's write of the documents is done (`written`: it succeeded): as end_pools_import.
void end_documents_import(const job_context* ctx, const std::vector<group_dump>& groups, bool written) {
  if (!ctx->documents) return;
  for (const auto& g : groups)
    if (g.documents_dumped)
      ctx->documents->end_import(g.group.name, written ? std::optional(documents_by_kind(g)) : std::nullopt);
}

// Writes the import (the gate held), then starts its groups in place of `replaced` (held).
// A group's run pools are written with its jobs, replacing the group's list, when its archive
// holds them (group_dump::pools_dumped): an archive written before pools were dumped says nothing
// of them, so a group it replaces keeps its own (the category a Cronicle listener made at
// start-up, say) and a new group has none. Its documents likewise (group_dump::documents_dumped).
void write_import(registry_self self, const job_context* ctx, audit_entry audit, std::vector<group_dump> groups,
                  std::vector<std::string> replaced, const done_fn& done) {
  mutation_batch batch;
  for (auto& g : groups) {
    if (g.group.secret.empty()) g.group.secret = random_base32_secret();  // an archive written by hand
    for (auto& job : g.jobs)
      if (job.otp_secret.empty()) job.otp_secret = random_base32_secret();
    batch.delete_group(g.group.name).put_group(g.group);
    for (const auto& job : g.jobs) batch.put_job(job);
    for (auto& func : g.funcs) {
      if (func.secret.empty()) func.secret = random_base32_secret();  // an archive written by hand
      batch.put_func(func);
    }
    if (g.pools_dumped) batch.put_meta(run_pools_meta(g.group.name), encode_run_pools(g.pools));
  }
  // Blocks this thread while a change of documents is being written, as for pools below.
  begin_documents_import(ctx, groups, batch);
  batch.put_audit(audit);
  // Blocks this thread while a change of pools is being written (one synced write at most): an
  // import is rare, and a change made meanwhile would be lost under the import's list.
  if (ctx->pools)
    for (const auto& g : groups)
      if (g.pools_dumped) ctx->pools->begin_import(g.group.name);
  persist_then(ctx, caf::actor_cast<caf::actor>(self), std::move(batch),
               [self, ctx, groups = std::move(groups), replaced = std::move(replaced), done](status s) mutable {
                 end_documents_import(ctx, groups, s.ok());
                 end_pools_import(ctx, groups, s.ok());
                 if (!s.ok()) {
                   for (const auto& name : replaced) unhold(self, ctx, name);
                   done(std::move(s));
                   return self->state.gate.release();
                 }
                 for (const auto& name : replaced) retire_group(self, ctx, name);
                 // Imported jobs keep their anchors and plan from now, as if restored with nothing missed.
                 for (auto& g : groups) {
                   std::string name = g.group.name;
                   adopt_group(self, ctx, std::move(g.group), std::move(g.jobs), to_unix_ms(now_ms()));
                   give_funcs(self, name, std::move(g.funcs));
                 }
                 done({});
                 self->state.gate.release();
               });
}

// Refuses an archive that holds its group's run pools (group_dump::pools_dumped) and has a job
// naming a pool not among them, as a create naming one is refused: such a job would be limited by
// no pool, silently, and an archive written here never has one (a pool named by a job cannot be
// deleted). An archive written before pools were dumped cannot say which pools its jobs had: its
// jobs are taken, and one naming a pool the group lacks is limited by none (dump_json.h).
status check_pools_named(const group_dump& g) {
  if (!g.pools_dumped) return {};
  std::set<std::string_view> names;
  for (const auto& p : g.pools) names.insert(p.name);
  for (const auto& job : g.jobs)
    if (!job.controls.pool.empty() && names.count(job.controls.pool) == 0)
      return status::invalid_argument("import: group \"" + g.group.name + "\" job \"" + job.id +
                                      "\": controls: pool: the archive has no run pool " + job.controls.pool +
                                      " for the group");
  return {};
}

// An import adds its groups; a group of the same name is replaced only while it holds nothing (no
// job, no func: the group a dialect's listener registered at start-up, say), else the import is
// refused whole. Run pools are not holdings (a Cronicle listener makes one at start-up): a
// replaced group's pools go with it when the archive holds the group's (write_import). Such
// groups are held (their calls wait behind the gate) while their actors answer what they hold, so
// that nothing is added to one between that answer and the import.
void import_groups(registry_self self, const job_context* ctx, audit_entry audit, std::vector<group_dump> groups,
                   const done_fn& done) {
  // What an add checks beyond the job's own fields (the archive reader checked those): its
  // executor is enabled here and its Lua compiles.
  for (const auto& g : groups)
    for (const auto& job : g.jobs)
      if (auto st = ctx->pool_accepts(job); !st.ok())
        return done(status::invalid_argument("import: group \"" + g.group.name + "\" job \"" + job.id +
                                             "\": " + st.message()));
  for (const auto& g : groups)
    if (auto st = check_pools_named(g); !st.ok()) return done(std::move(st));
  std::vector<std::string> present;
  for (const auto& g : groups)
    if (self->state.groups.count(g.group.name)) present.push_back(g.group.name);
  self->state.gate.hold();
  if (present.empty()) return write_import(self, ctx, std::move(audit), std::move(groups), {}, done);

  // The groups' answers, gathered on the registry's thread; the last one decides.
  struct check {
    std::size_t unanswered = 0;
    std::string held_one;  // the first group found holding something
    std::function<void(const std::string& held_one)> decide;
  };
  auto c = std::make_shared<check>();
  c->unanswered = present.size();
  c->decide = [self, ctx, present, audit = std::move(audit), groups = std::move(groups),
               done](const std::string& held_one) mutable {
    if (held_one.empty()) return write_import(self, ctx, std::move(audit), std::move(groups), std::move(present), done);
    for (const auto& name : present) unhold(self, ctx, name);
    done(status::already_exists("import: group \"" + held_one + "\" already exists and has jobs or funcs; remove it first"));
    self->state.gate.release();
  };
  auto registry = caf::actor_cast<caf::actor>(self);
  for (const auto& name : present) {
    auto& entry = self->state.groups.at(name);
    hold_for_import(ctx, entry, name);
    self->send(entry.actor, holdings_atom::value, reply_fn<std::size_t>([registry, c, name](status_or<std::size_t> holdings) {
      // On the group's thread: the answer goes back to the registry's.
      caf::anon_send(registry, written_atom::value, actor_task([c, name, holdings] {
        if ((!holdings.ok() || holdings.value() > 0) && c->held_one.empty()) c->held_one = name;
        if (--c->unanswered == 0) c->decide(c->held_one);
      }));
    }));
  }
}

// The node an agent claims to be, checked as a stored node would be (sizes, id rules).
status valid_hello(const node_hello& h) {
  if (h.tags.size() > k_max_node_tags)
    return status::invalid_argument("tags: more than " + std::to_string(k_max_node_tags));
  if (h.running.size() + h.finished.size() > k_max_reported_run_ids)
    return status::invalid_argument("more than " + std::to_string(k_max_reported_run_ids) + " runs reported");
  return validate_node(node_spec_of(h));
}

// Why an agent may not join (logged without the proof or the secret), or ok.
status check_join(registry_self self, const node_hello& hello, const std::string& nonce) {
  if (auto st = valid_hello(hello); !st.ok()) return st;
  auto it = self->state.groups.find(hello.group);
  if (it == self->state.groups.end()) return status::unauthenticated("no such group");
  if (nonce.empty() || !proof_matches(it->second.spec.secret, nonce, hello.group, hello.node_id, hello.proof))
    return status::unauthenticated("the proof does not match the group's secret");
  return {};
}

caf::behavior registry_behavior(registry_self self, restored_state restored, const job_context* ctx) {
  for (auto& g : restored.groups) {
    std::string name = g.name;
    adopt_group(self, ctx, std::move(g), {}, ctx->last_alive_ms);
    if (ctx->routes) {
      ctx->routes->hold(name);
      self->state.held_while_restoring.push_back(name);
    }
    give_funcs(self, name, std::move(restored.funcs[name]));
    if (auto& nodes = restored.nodes[name]; !nodes.empty())
      self->send(self->state.groups[name].nodes, node_restore_atom::value, std::move(nodes));
  }
  restored = {};
  return {
      [=](reg_group_atom, audit_entry& audit, const std::string& group, const reply_fn<std::string>& reply) {
        self->state.gate.run([=, audit = std::move(audit)]() mutable {
          register_group(self, ctx, std::move(audit), group, reply);
        });
      },
      [=](rm_group_atom, audit_entry& audit, const std::string& group, const done_fn& done) {
        // From now on, not once the gate lets the removal in: a call for the group sent after the
        // removal must wait for it (behind the gate), never overtake it while another group
        // change is being written.
        ++self->state.removals[group];
        withdraw(ctx, group);
        self->state.gate.run([=, audit = std::move(audit)]() mutable {
          remove_group(self, ctx, std::move(audit), group, done);
        });
      },
      [=](written_atom, actor_task& task) { task(); },
      // Reads of the group list see the group changes sent before them (they wait for a write in
      // flight, which is rare and short).
      [=](groups_atom, const reply_fn<std::vector<std::string>>& reply) {
        self->state.gate.run([self, reply] {
          std::vector<std::string> names;
          names.reserve(self->state.groups.size());
          for (auto& [name, entry] : self->state.groups) names.push_back(name);
          reply(std::move(names));
        });
      },
      [=](group_info_atom, const std::string& group, const reply_fn<group_spec>& reply) {
        self->state.gate.run([self, group, reply] {
          auto it = self->state.groups.find(group);
          if (it == self->state.groups.end()) return reply(unknown_group(group));
          reply(it->second.spec);
        });
      },
      // Jobs and funcs come checked (scheduler_runtime_api.cc).
      [=](add_job_atom, audit_entry& audit, job_spec& job, const reply_fn<std::string>& reply) {
        std::string group = job.group;
        to_group(self, group, reply, add_job_atom::value, std::move(audit), std::move(job));
      },
      [=](create_job_atom, audit_entry& audit, job_spec& job, const reply_fn<job_view>& reply) {
        std::string group = job.group;
        to_group(self, group, reply, create_job_atom::value, std::move(audit), std::move(job));
      },
      [=](edit_job_atom, audit_entry& audit, const std::string& group, const std::string& id,
          job_patch& patch, const reply_fn<job_view>& reply) {
        to_group(self, group, reply, edit_job_atom::value, std::move(audit), id, std::move(patch));
      },
      [=](pause_atom, audit_entry& audit, const std::string& group, const std::string& id,
          const done_fn& done) {
        to_group(self, group, done, pause_atom::value, std::move(audit), id);
      },
      [=](activate_atom, audit_entry& audit, const std::string& group, const std::string& id,
          int64_t exec_time_s, const done_fn& done) {
        to_group(self, group, done, activate_atom::value, std::move(audit), id, exec_time_s);
      },
      [=](delete_atom, audit_entry& audit, const std::string& group, const std::string& id,
          const done_fn& done) {
        to_group(self, group, done, delete_atom::value, std::move(audit), id);
      },
      [=](clear_atom, audit_entry& audit, const std::string& group, const reply_fn<std::size_t>& reply) {
        to_group(self, group, reply, clear_atom::value, std::move(audit));
      },
      [=](delete_name_atom, audit_entry& audit, const std::string& group, const std::string& name,
          const reply_fn<std::size_t>& reply) {
        to_group(self, group, reply, delete_name_atom::value, std::move(audit), name);
      },
      [=](list_atom, const std::string& group, const reply_fn<std::vector<job_view>>& reply) {
        to_group(self, group, reply, list_atom::value);
      },
      [=](in_flight_atom, const std::string& group, const reply_fn<std::vector<run_record>>& reply) {
        to_group(self, group, reply, in_flight_atom::value);
      },
      [=](retries_due_atom, const std::string& group, const reply_fn<std::vector<waiting_retry>>& reply) {
        to_group(self, group, reply, retries_due_atom::value);
      },
      [=](list_atom, const std::string& group, job_visitor& visit, const reply_fn<std::size_t>& reply) {
        to_group(self, group, reply, list_atom::value, std::move(visit));
      },
      [=](page_atom, const std::string& group, job_page_query& query, const reply_fn<job_page>& reply) {
        to_group(self, group, reply, page_atom::value, std::move(query));
      },
      [=](view_atom, const std::string& group, const std::string& id, const reply_fn<job_view>& reply) {
        to_group(self, group, reply, view_atom::value, id);
      },
      [=](view_atom, const std::string& group, const std::string& id, uint64_t run_id, const reply_fn<job_view>& reply) {
        to_group(self, group, reply, view_atom::value, id, run_id);
      },
      [=](run_now_atom, audit_entry& audit, const std::string& group, const std::string& id, manual_run& run,
          const reply_fn<uint64_t>& reply) {
        to_group(self, group, reply, run_now_atom::value, std::move(audit), id, std::move(run));
      },
      [=](abort_atom, audit_entry& audit, const std::string& group, const std::string& id,
          const reply_fn<std::size_t>& reply) {
        to_group(self, group, reply, abort_atom::value, std::move(audit), id);
      },
      [=](abort_atom, audit_entry& audit, const std::string& group, const std::string& id, uint64_t run_id,
          std::string& reason, const reply_fn<std::size_t>& reply) {
        to_group(self, group, reply, abort_atom::value, std::move(audit), id, run_id, std::move(reason));
      },
      [=](rewind_atom, audit_entry& audit, const std::string& group, const std::string& id, int64_t since_ms,
          const reply_fn<std::size_t>& reply) {
        to_group(self, group, reply, rewind_atom::value, std::move(audit), id, since_ms);
      },
      [=](flush_queue_atom, audit_entry& audit, const std::string& group, const std::string& id,
          const reply_fn<std::size_t>& reply) {
        to_group(self, group, reply, flush_queue_atom::value, std::move(audit), id);
      },
      [=](clear_runs_atom, audit_entry& audit, const std::string& group, const std::string& id,
          const done_fn& done) {
        to_group(self, group, done, clear_runs_atom::value, std::move(audit), id);
      },
      [=](update_run_atom, audit_entry& audit, const std::string& group, const std::string& id, uint64_t run_id,
          run_override& change, const reply_fn<std::size_t>& reply) {
        to_group(self, group, reply, update_run_atom::value, std::move(audit), id, run_id, std::move(change));
      },
      [=](import_atom, audit_entry& audit, std::vector<group_dump>& groups, const done_fn& done) {
        self->state.gate.run([=, audit = std::move(audit), groups = std::move(groups)]() mutable {
          import_groups(self, ctx, std::move(audit), std::move(groups), done);
        });
      },
      [=](add_func_atom, audit_entry& audit, func_spec& func, const reply_fn<std::string>& reply) {
        std::string group = func.group;
        to_group(self, group, reply, add_func_atom::value, std::move(audit), std::move(func));
      },
      [=](delete_func_atom, audit_entry& audit, const std::string& group, const std::string& name,
          const done_fn& done) {
        to_group(self, group, done, delete_func_atom::value, std::move(audit), name);
      },
      [=](funcs_atom, const std::string& group, const reply_fn<std::vector<func_spec>>& reply) {
        to_group(self, group, reply, funcs_atom::value);
      },
      [=](call_func_atom, const std::string& group, const std::string& name, func_request& req,
          const reply_fn<std::string>& reply) {
        to_group(self, group, reply, call_func_atom::value, name, std::move(req));
      },
      [=](follow_atom, const std::string& group, const std::string& next, std::shared_ptr<const run_cause>& cause) {
        if (auto it = self->state.groups.find(group); it != self->state.groups.end())
          self->send(it->second.actor, follow_atom::value, next, std::move(cause));
      },
      [=](succeeded_atom, const std::string& group, const std::string& id, bool ephemeral,
          std::shared_ptr<const run_cause>& cause) {
        if (auto it = self->state.groups.find(group); it != self->state.groups.end())
          self->send(it->second.actor, succeeded_atom::value, id, ephemeral, std::move(cause));
      },
      [=](deleted_run_atom, const std::string& group, const std::string& id, caf::actor_id job, mutation_batch& record) {
        if (auto it = self->state.groups.find(group); it != self->state.groups.end())
          self->send(it->second.actor, deleted_run_atom::value, id, job, std::move(record));
      },
      [=](restore_atom, const std::string& group, std::vector<job_spec>& jobs) {
        // Start-up streams the stored jobs here, before any request: FIFO order from here to
        // the group puts them ahead of every request for the group, as none goes to the group
        // directly until restored_atom (held_while_restoring).
        if (auto it = self->state.groups.find(group); it != self->state.groups.end())
          self->send(it->second.actor, restore_atom::value, std::move(jobs));
      },
      [=](restored_atom) {
        // Every batch above was passed on, so the groups have them ahead of anything sent later.
        for (const auto& group : self->state.held_while_restoring) ctx->routes->release(group);
        self->state.held_while_restoring.clear();
      },
      [=](restore_in_flight_atom, const std::string& group, const std::string& id, std::vector<run_record>& runs) {
        if (auto it = self->state.groups.find(group); it != self->state.groups.end())
          self->send(it->second.actor, restore_in_flight_atom::value, id, std::move(runs));
        else
          drop_in_flight_markers(ctx, runs);
      },
      [=](restore_waiting_atom, const std::string& group, const std::string& id, std::vector<waiting_record>& stored) {
        if (auto it = self->state.groups.find(group); it != self->state.groups.end())
          self->send(it->second.actor, restore_waiting_atom::value, id, std::move(stored));
      },
      // From the store's ring scan, after the stored jobs (runtime_restore.h): the same path to
      // the job keeps each behind its job, and histories_read behind every history.
      [=](restore_history_atom, const std::string& group, const std::string& id, stored_history& history) {
        if (auto it = self->state.groups.find(group); it != self->state.groups.end())
          self->send(it->second.actor, restore_history_atom::value, id, std::move(history));
      },
      [=](histories_read_atom) {
        for (auto& [name, entry] : self->state.groups) self->send(entry.actor, histories_read_atom::value);
      },
      [=](replay_atom, int64_t since_ms) {
        for (auto& [name, entry] : self->state.groups) self->send(entry.actor, replay_atom::value, since_ms);
      },
      [=](stop_atom) {  // the server stops: every group and job actor ends; the store keeps them
        if (ctx->routes) ctx->routes->withdraw_all();  // nothing reaches a group after its stop
        for (auto& [name, entry] : self->state.groups) {
          self->send(entry.actor, stop_atom::value);
          self->send(entry.nodes, stop_atom::value);
        }
        self->state.groups.clear();
        self->quit();
      },
      // -- worker nodes --
      [=](node_join_atom, node_hello& hello, const std::string& nonce, caf::actor& agent,
          caf::actor& gateway, uint64_t ticket) {
        if (auto st = check_join(self, hello, nonce); !st.ok()) {
          ctx->stats->node_auth_failures.fetch_add(1, std::memory_order_relaxed);
          spdlog::warn("refused node \"{}\" of group \"{}\": {}", hello.node_id.substr(0, 64),
                       hello.group.substr(0, 64), st.message());
          // The agent learns only that it was refused, not which part was wrong.
          std::string why = st.code() == status_code::unauthenticated
                                ? "join refused: unknown group or wrong secret"
                                : "join refused: " + st.message();
          return self->send(gateway, join_result_atom::value, ticket, std::move(why), caf::actor{});
        }
        auto& entry = self->state.groups.find(hello.group)->second;
        self->send(entry.nodes, node_join_atom::value, std::move(hello), std::move(agent), std::move(gateway), ticket);
      },
      [=](node_dispatch_atom, run_request& req, run_callback& done) {
        auto it = self->state.groups.find(req.group);
        if (it == self->state.groups.end()) {
          return done(failed_outcome(req.run_id, "node " + req.node + ": group " + req.group + " is gone"));
        }
        self->send(it->second.nodes, node_dispatch_atom::value, std::move(req), std::move(done));
      },
      [=](node_list_atom, const std::string& group, const reply_fn<std::vector<node_view>>& reply) {
        auto it = self->state.groups.find(group);
        if (it == self->state.groups.end()) return reply(unknown_group(group));
        self->send(it->second.nodes, node_list_atom::value, reply);
      },
      [=](alloc_leave_atom, const std::string& group, std::vector<std::string>& job_ids) {
        if (auto it = self->state.groups.find(group); it != self->state.groups.end())
          self->send(it->second.nodes, alloc_leave_atom::value, std::move(job_ids));
      },
      // A node's agent still runs a run of an earlier process: its job may take it back.
      [=](adopt_run_atom, const std::string& group, run_record& run, const caf::actor& node) {
        auto it = self->state.groups.find(group);
        if (it == self->state.groups.end()) return self->send(node, adopted_atom::value, run.run_id, caf::actor{});
        self->send(it->second.actor, adopt_run_atom::value, std::move(run), node);
      },
      [=](node_abort_atom, const std::string& group, std::string& node, uint64_t run_id, std::string& why) {
        if (auto it = self->state.groups.find(group); it != self->state.groups.end())
          self->send(it->second.nodes, node_abort_atom::value, std::move(node), run_id, std::move(why));
      },
      [=](alloc_view_atom, const std::string& group, const reply_fn<allocation_view>& reply) {
        auto it = self->state.groups.find(group);
        if (it == self->state.groups.end()) return reply(unknown_group(group));
        self->send(it->second.nodes, alloc_view_atom::value, reply);
      },
      // A REMOTE@* job joins or leaves its group's allocation table. A job of a group being
      // removed has nowhere to go: it is being deleted too.
      [=](alloc_sync_atom, const std::string& group, std::string& job_id, caf::actor& job, bool wanted,
          std::vector<std::string>& servers, uint64_t entry_version) {
        if (auto it = self->state.groups.find(group); it != self->state.groups.end())
          self->send(it->second.nodes, alloc_sync_atom::value, std::move(job_id), std::move(job), wanted,
                     std::move(servers), entry_version);
      },
      [=](node_restore_atom, const std::string& group, std::vector<node_spec>& nodes) {
        if (auto it = self->state.groups.find(group); it != self->state.groups.end())
          self->send(it->second.nodes, node_restore_atom::value, std::move(nodes));
      },
      [=](forget_runs_atom, const std::string& group, const std::string& id, std::vector<uint64_t>& run_ids,
          const reply_fn<std::size_t>& reply) {
        to_group(self, group, reply, forget_runs_atom::value, id, std::move(run_ids));
      },
      [=](executions_atom, const std::string& group, const std::string& id, std::size_t limit,
          uint64_t before, std::vector<run_record>& stored, const reply_fn<std::vector<run_record>>& reply) {
        to_group(self, group, reply, executions_atom::value, id, limit, before, std::move(stored));
      },
  };
}

}  // namespace

caf::actor spawn_registry(caf::actor_system& sys, restored_state restored, const job_context* ctx) {
  auto registry = sys.spawn(registry_behavior, std::move(restored), ctx);
  mark_control_actor(sys, registry);  // every API call passes through it
  return registry;
}

}  // namespace mainspring
