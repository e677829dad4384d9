#include "actors/registry_actor.h"

#include <algorithm>
#include <map>

#include "actors/group_actor.h"
#include "actors/messages.h"
#include "core/secret.h"
#include "executors/executor_pool.h"

namespace mainspring {

namespace {

struct group_entry {
  caf::actor actor;
  group_spec spec;
};

struct registry_state {
  std::map<std::string, group_entry> groups;  // ordered: group list comes out sorted
  static inline const char* name = "mainspring.registry";
};

using registry_self = caf::stateful_actor<registry_state>*;

status unknown_group(const std::string& group) {
  if (auto st = validate_group_name(group); !st.ok()) return st;
  return status::not_found("group_name: unknown group \"" + group + "\"");
}

// Passes `args...` on to the group's actor, or answers not_found through `reply`.
template <class Reply, class... Ts>
void to_group(registry_self self, const std::string& group, const Reply& reply, Ts&&... args) {
  auto it = self->state.groups.find(group);
  if (it == self->state.groups.end()) return reply(unknown_group(group));
  self->send(it->second.actor, std::forward<Ts>(args)..., reply);
}

caf::behavior registry_behavior(registry_self self, const job_context* ctx) {
  return {
      [=](reg_group_atom, const std::string& group, const reply_fn<std::string>& reply) {
        if (auto st = validate_group_name(group); !st.ok()) return reply(st);
        auto& groups = self->state.groups;
        if (groups.count(group))
          return reply(status::already_exists("group_name: group \"" + group + "\" already exists"));
        group_spec spec{group, random_base32_secret(), to_unix_ms(now_ms())};
        auto actor = spawn_group(self->system(), spec, ctx);
        groups.emplace(group, group_entry{std::move(actor), spec});
        reply(spec.secret);
      },
      [=](rm_group_atom, const std::string& group, const done_fn& done) {
        auto it = self->state.groups.find(group);
        if (it == self->state.groups.end()) return done(unknown_group(group));
        self->send(it->second.actor, delete_atom::value);
        self->state.groups.erase(it);
        done(status{});
      },
      [=](groups_atom, const reply_fn<std::vector<std::string>>& reply) {
        std::vector<std::string> names;
        names.reserve(self->state.groups.size());
        for (auto& [name, entry] : self->state.groups) names.push_back(name);
        reply(std::move(names));
      },
      [=](group_info_atom, const std::string& group, const reply_fn<group_spec>& reply) {
        auto it = self->state.groups.find(group);
        if (it == self->state.groups.end()) return reply(unknown_group(group));
        reply(it->second.spec);
      },
      [=](add_job_atom, job_spec& job, const reply_fn<std::string>& reply) {
        if (auto st = validate_job(job); !st.ok()) return reply(st);
        auto target = parse_executor_target(job.request_url, job.exec_command);
        if (auto st = ctx->pool->supports(target->kind); !st.ok()) return reply(st);
        std::string group = job.group;
        to_group(self, group, reply, add_job_atom::value, std::move(job));
      },
      [=](edit_job_atom, const std::string& group, const std::string& id, job_patch& patch,
          const reply_fn<job_view>& reply) {
        to_group(self, group, reply, edit_job_atom::value, id, std::move(patch));
      },
      [=](pause_atom, const std::string& group, const std::string& id, const done_fn& done) {
        to_group(self, group, done, pause_atom::value, id);
      },
      [=](activate_atom, const std::string& group, const std::string& id, int64_t exec_time_s,
          const done_fn& done) {
        to_group(self, group, done, activate_atom::value, id, exec_time_s);
      },
      [=](delete_atom, const std::string& group, const std::string& id, const done_fn& done) {
        to_group(self, group, done, delete_atom::value, id);
      },
      [=](clear_atom, const std::string& group, const reply_fn<std::size_t>& reply) {
        to_group(self, group, reply, clear_atom::value);
      },
      [=](delete_name_atom, const std::string& group, const std::string& name,
          const reply_fn<std::size_t>& reply) {
        to_group(self, group, reply, delete_name_atom::value, name);
      },
      [=](list_atom, const std::string& group, const reply_fn<std::vector<job_view>>& reply) {
        to_group(self, group, reply, list_atom::value);
      },
      [=](view_atom, const std::string& group, const std::string& id, const reply_fn<job_view>& reply) {
        to_group(self, group, reply, view_atom::value, id);
      },
      [=](run_now_atom, const std::string& group, const std::string& id,
          const reply_fn<uint64_t>& reply) {
        to_group(self, group, reply, run_now_atom::value, id);
      },
      [=](executions_atom, const std::string& group, const std::string& id, std::size_t limit,
          uint64_t before, const reply_fn<std::vector<run_record>>& reply) {
        to_group(self, group, reply, executions_atom::value, id, limit, before);
      },
  };
}

}  // namespace

caf::actor spawn_registry(caf::actor_system& sys, const job_context* ctx) {
  return sys.spawn(registry_behavior, ctx);
}

}  // namespace mainspring
