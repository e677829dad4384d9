#include "actors/node_actor.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "actors/messages.h"
#include "actors/node_protocol.h"
#include "core/job.h"
#include "core/run_record.h"
#include "executors/run.h"
#include "storage/mutation_batch.h"

namespace mainspring {

namespace {

struct flight {
  run_callback done;
  int64_t report_by_ms = 0;  // 0 = no timeout: wait as long as the node is up
  sys_ms sent_at{};          // handed to the agent: the start a failure given up on records
};

// A run of an earlier process that the agent still runs (node_running), taken back in flight
// here, whose job has not answered yet: what the run is, and its outcome if it ended meanwhile.
struct adoption {
  run_record run;
  std::optional<run_outcome> ended;
};

struct node_state {
  node_spec spec;
  const job_context* ctx = nullptr;
  caf::actor agent;       // null while down
  caf::actor registry;    // the group's node registry: hears every up and down (job placement)
  bool up = false;
  int64_t down_since_ms = 0;
  std::map<uint64_t, flight> in_flight;
  std::map<uint64_t, adoption> adopting;  // by run id: runs taken back, their jobs not answered yet
  static inline const char* name = "mainspring.node";
};

using node_self = caf::stateful_actor<node_state>*;

int64_t now_unix_ms() { return to_unix_ms(now_ms()); }

run_outcome outcome_of(const remote_result& r) {
  run_outcome out;
  out.run_id = r.run_id;
  out.result = r.result <= static_cast<uint8_t>(run_result::timed_out) ? static_cast<run_result>(r.result)
                                                                       : run_result::failed;
  out.start_time = from_unix_ms(r.start_ms);
  out.end_time = from_unix_ms(r.end_ms);
  out.code = r.code;
  // An agent is trusted to run commands, not to size its messages: keep the promised bounds.
  out.output_tail = r.output_tail.size() > k_max_output_tail_bytes
                        ? r.output_tail.substr(r.output_tail.size() - k_max_output_tail_bytes)
                        : r.output_tail;
  out.error = r.error.substr(0, k_max_output_tail_bytes);
  return out;
}

// The registry hears every change of up or down, and a live node's new address or host name
// (`renamed`): a placed job's server list may name the node by either.
void set_up(node_self self, bool up, bool renamed = false) {
  auto& st = self->state;
  if (st.up == up && !(up && renamed)) return;
  if (st.up != up) {
    st.up = up;
    st.ctx->stats->nodes_up.fetch_add(up ? 1 : -1, std::memory_order_relaxed);
    if (!up) st.down_since_ms = now_unix_ms();
  }
  self->send(st.registry, node_status_atom::value, st.spec.id, up, st.spec.ip, st.spec.hostname);
}

// Forgets the current agent: its connection ended, went silent, or a newer one replaced it.
// `record`: store the node's last_seen (not when the node is being deleted with its group).
void drop_agent(node_self self, const std::string& why, bool say_bye, bool record = true) {
  auto& st = self->state;
  if (!st.agent) return;
  if (say_bye) self->send(st.agent, node_bye_atom::value, why);
  self->demonitor(st.agent);
  st.agent = nullptr;
  set_up(self, false);
  spdlog::warn("node {}/{} is down: {}", st.spec.group, st.spec.id, why);
  if (record) persist_lazily(st.ctx, mutation_batch{}.put_node(st.spec));
}

void fail_run(node_state& st, std::map<uint64_t, flight>::iterator it, const std::string& why) {
  auto done = std::move(it->second.done);
  const sys_ms sent_at = it->second.sent_at;
  uint64_t id = it->first;
  st.in_flight.erase(it);
  run_outcome out = failed_outcome(id, "node " + st.spec.id + ": " + why);
  // The run began when it went to the node, not when it was given up on: its lateness and
  // duration say so.
  out.start_time = sent_at;
  done(std::move(out));
}

void fail_all(node_state& st, const std::string& why) {
  while (!st.in_flight.empty()) fail_run(st, st.in_flight.begin(), why);
}

bool from_agent(node_self self) {
  auto& st = self->state;
  return st.agent && self->current_sender() == caf::actor_cast<caf::strong_actor_ptr>(st.agent);
}

// Records what the agent says about itself; the node keeps its id, group and first join.
void take_hello(node_state& st, const node_hello& h) {
  node_spec next = node_spec_of(h);
  next.group = st.spec.group;
  next.id = st.spec.id;
  next.otp_secret = st.spec.otp_secret;
  next.registered_ms = st.spec.registered_ms ? st.spec.registered_ms : now_unix_ms();
  next.last_seen_ms = now_unix_ms();
  next.joined_ms = next.last_seen_ms;
  next.grpc_listen = st.spec.grpc_listen;
  st.spec = std::move(next);
}

// Writes the record of a run nobody waits for (`run` as it started, `out` how it ended), replacing
// a record of the same run if the job has one (it may have recorded the run lost).
void record_unwaited(node_state& st, run_record run, run_outcome out) {
  run.state = out.result == run_result::succeeded ? run_state::succeeded
              : out.result == run_result::timed_out ? run_state::timed_out
                                                    : run_state::failed;
  run.start_ms = std::max(run.start_ms, to_unix_ms(out.start_time));
  run.end_ms = to_unix_ms(out.end_time);
  run.code = out.code;
  run.output_tail = std::move(out.output_tail);
  run.error = std::move(out.error);
  spdlog::info("node {}/{}: recorded run {} of job {}, which finished while nobody waited for it", st.spec.group,
               st.spec.id, run.run_id, run.job_id);
  persist_lazily(st.ctx, mutation_batch{}.update_run(run));
}

// The record of a run an agent reports (a remote_result or a running_run): its identity and
// times, on `node`; no outcome yet.
template <class Reported>
run_record reported_run(const Reported& r, const std::string& node) {
  run_record run;
  run.run_id = r.run_id;
  run.job_id = r.job_id;
  run.group = r.group;
  run.trigger = static_cast<run_trigger>(r.trigger);
  run.attempt = r.attempt;
  run.plan_ms = r.plan_ms;
  run.start_ms = r.start_ms;
  run.node = node;
  return run;
}

// A result nobody waits for any more: this server restarted while the run was on the node (and
// no job took it back: an older agent, or a job that is gone), or gave the run up when the node
// went away. Its record is written from what the result carries, if it is this node's group's.
void record_orphan(node_state& st, const remote_result& r) {
  // The agent is trusted with its group's runs, not with the store's key layout: a job id that is
  // not one (a '/' in it) could name another job's records.
  if (r.group != st.spec.group || !is_valid_job_id(r.job_id) || r.run_id == 0 ||
      r.trigger > static_cast<uint8_t>(run_trigger::parent))
    return;
  record_unwaited(st, reported_run(r, st.spec.id), outcome_of(r));
}

// Takes back in flight the runs of an earlier process that the agent says it still runs, and asks
// each one's job to take it too (adopt_run_atom): the job then shows it, can stop it, and records
// it when it ends, as a run it started. Until the job answers (on_adopted), an outcome waits in
// `adopting`. Runs this node has in flight already (a reconnection) are left as they are.
void adopt_runs(node_self self, const node_running& running) {
  auto& st = self->state;
  const std::size_t n = std::min(running.runs.size(), k_max_reported_run_ids);
  for (std::size_t i = 0; i < n; ++i) {
    const running_run& r = running.runs[i];
    if (st.in_flight.count(r.run_id) || st.adopting.count(r.run_id) ||
        st.in_flight.size() >= k_max_runs_in_flight_per_node || !adoptable(r, st.spec.group, st.ctx->process_first_id))
      continue;
    run_record run = reported_run(r, st.spec.id);
    // Its time limit counts from when the agent took it, but not from before now: a clock apart
    // from the agent's must not fail the run the moment it is taken.
    const int64_t report_by =
        r.timeout_ms > 0 ? std::max(r.start_ms + r.timeout_ms, now_unix_ms()) + k_node_report_grace.count() : 0;
    auto keep_outcome = [&st, id = r.run_id](run_outcome out) {
      if (auto a = st.adopting.find(id); a != st.adopting.end()) a->second.ended = std::move(out);
    };
    st.in_flight.emplace(r.run_id, flight{std::move(keep_outcome), report_by, from_unix_ms(r.start_ms)});
    st.adopting.emplace(r.run_id, adoption{run, std::nullopt});
    spdlog::info("node {}/{}: run {} of job {} is still running there; asking its job to take it back",
                 st.spec.group, st.spec.id, run.run_id, run.job_id);
    std::string group = run.group;  // not read from `run` in the call that moves it
    self->send(st.ctx->registry, adopt_run_atom::value, std::move(group), std::move(run),
               caf::actor_cast<caf::actor>(self));
  }
}

// The job of an adopted run answered: `job` took it (its outcome goes there, as a run's it
// started), or nobody did (null: no such job, or not a REMOTE@ one) and the run's result is
// recorded when it comes, as any nobody waits for.
void on_adopted(node_state& st, uint64_t run_id, const caf::actor& job) {
  auto a = st.adopting.find(run_id);
  if (a == st.adopting.end()) return;
  adoption taken = std::move(a->second);
  st.adopting.erase(a);
  auto f = st.in_flight.find(run_id);
  if (!job) {
    if (f != st.in_flight.end()) st.in_flight.erase(f);
    else if (taken.ended) record_unwaited(st, std::move(taken.run), std::move(*taken.ended));
    return;
  }
  run_callback to_job = [job](run_outcome out) { caf::anon_send(job, run_done_atom::value, std::move(out)); };
  if (f != st.in_flight.end()) f->second.done = std::move(to_job);
  else if (taken.ended) to_job(std::move(*taken.ended));
}

// Once a second: silence, runs lost with their node, runs never reported.
void tick(node_self self) {
  auto& st = self->state;
  const int64_t now = now_unix_ms();
  if (st.up && now - st.spec.last_seen_ms > k_node_silence_limit.count())
    drop_agent(self, "no heartbeat for " + std::to_string((now - st.spec.last_seen_ms) / 1000) + " s", true);
  if (!st.up && !st.in_flight.empty() && now - st.down_since_ms >= k_node_lost_grace.count())
    fail_all(st, "the node went away while the run was in flight (down since " +
                     std::to_string(st.down_since_ms / 1000) + ")");
  for (auto it = st.in_flight.begin(); it != st.in_flight.end();) {
    auto next = std::next(it);
    if (it->second.report_by_ms && now > it->second.report_by_ms)
      fail_run(st, it, "the agent did not report the run within its timeout");
    it = next;
  }
  self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
}

caf::behavior node_behavior(node_self self, node_spec spec, const job_context* ctx, caf::actor registry) {
  self->state.registry = std::move(registry);
  self->state.spec = std::move(spec);
  self->state.ctx = ctx;
  ctx->stats->nodes.fetch_add(1, std::memory_order_relaxed);
  self->attach_functor([stats = ctx->stats] { stats->nodes.fetch_sub(1, std::memory_order_relaxed); });
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    if (st.agent && msg.source == st.agent.address()) {
      st.agent = nullptr;  // gone: no bye, no demonitor
      set_up(self, false);
      spdlog::warn("node {}/{} is down: its connection ended", st.spec.group, st.spec.id);
      persist_lazily(st.ctx, mutation_batch{}.put_node(st.spec));
    }
  });
  self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
  return {
      [=](node_join_atom, const node_hello& hello, const caf::actor& agent, const caf::actor& gateway,
          uint64_t ticket) {
        auto& st = self->state;
        if (st.agent && st.agent != agent) drop_agent(self, k_node_replaced_reason, true);
        if (st.agent != agent) {
          st.agent = agent;
          self->monitor(agent);
        }
        const std::string old_ip = st.spec.ip, old_hostname = st.spec.hostname;
        take_hello(st, hello);
        set_up(self, true, st.spec.ip != old_ip || st.spec.hostname != old_hostname);
        persist(st.ctx, mutation_batch{}.put_node(st.spec), nullptr);
        // Runs the agent no longer knows are lost (it restarted); the finished ones come again.
        std::unordered_set<uint64_t> known(hello.running.begin(), hello.running.end());
        known.insert(hello.finished.begin(), hello.finished.end());
        for (auto it = st.in_flight.begin(); it != st.in_flight.end();) {
          auto next = std::next(it);
          if (!known.count(it->first)) fail_run(st, it, "the agent restarted and lost the run");
          it = next;
        }
        spdlog::info("node {}/{} is up ({} {})", st.spec.group, st.spec.id, st.spec.hostname, st.spec.ip);
        self->send(gateway, join_result_atom::value, ticket, std::string(), caf::actor_cast<caf::actor>(self));
      },
      [=](node_dispatch_atom, run_request& req, run_callback& done) {
        auto& st = self->state;
        if (!st.up) {
          std::string since = st.spec.last_seen_ms ? "last seen " + std::to_string(st.spec.last_seen_ms / 1000)
                                                   : "never connected";
          return done(failed_outcome(req.run_id, "node " + st.spec.id + ": the node is down (" + since + ")"));
        }
        if (st.in_flight.size() >= k_max_runs_in_flight_per_node)
          return done(failed_outcome(req.run_id, "node " + st.spec.id + ": " + std::to_string(st.in_flight.size()) +
                                             " runs already in flight; run refused"));
        remote_run run{req.run_id,         req.job_id,
                       req.group,          req.job_name,
                       std::move(req.target), req.timeout.count(),
                       to_unix_ms(req.plan_time), req.trigger,
                       req.attempt,        std::move(req.extras)};
        int64_t report_by = run.timeout_ms > 0 ? now_unix_ms() + run.timeout_ms + k_node_report_grace.count() : 0;
        st.in_flight.emplace(req.run_id, flight{std::move(done), report_by, now_ms()});
        self->send(st.agent, node_run_atom::value, std::move(run));
      },
      [=](node_result_atom, const remote_result& result) {
        if (!from_agent(self)) return;
        auto& st = self->state;
        st.spec.last_seen_ms = now_unix_ms();  // a result is as good as a heartbeat
        self->send(st.agent, node_ack_atom::value, result.run_id);
        auto it = st.in_flight.find(result.run_id);
        if (it == st.in_flight.end()) return record_orphan(st, result);
        auto done = std::move(it->second.done);
        st.in_flight.erase(it);
        done(outcome_of(result));
      },
      [=](node_running_atom, const node_running& running) {
        if (from_agent(self)) adopt_runs(self, running);
      },
      [=](adopted_atom, uint64_t run_id, const caf::actor& job) {
        // From this server's own actors only: an agent may hold this actor's handle too.
        const auto& sender = self->current_sender();
        if (sender && sender->node() == self->node()) on_adopted(self->state, run_id, job);
      },
      [=](node_abort_atom, uint64_t run_id, std::string& why) {
        // A run on a node that is down ends when the node is given up on (k_node_lost_grace).
        auto& st = self->state;
        if (st.up && st.in_flight.count(run_id)) self->send(st.agent, node_abort_atom::value, run_id, std::move(why));
      },
      [=](node_beat_atom) -> caf::result<node_beat_atom> {
        if (!from_agent(self)) return caf::sec::request_receiver_down;
        self->state.spec.last_seen_ms = now_unix_ms();
        return node_beat_atom::value;
      },
      [=](tick_atom) { tick(self); },
      [=](view_atom) -> node_view {
        auto& st = self->state;
        return node_view{st.spec, st.up, static_cast<uint32_t>(st.in_flight.size())};
      },
      [=](delete_atom) {
        auto& st = self->state;
        drop_agent(self, "the group was removed", true, false);
        fail_all(st, "the node was removed with its group");
        self->quit();
      },
      [=](stop_atom) {
        set_up(self, false);
        self->quit();
      },
  };
}

}  // namespace

caf::actor spawn_node(caf::actor_system& sys, node_spec spec, const job_context* ctx, caf::actor registry) {
  return sys.spawn(node_behavior, std::move(spec), ctx, std::move(registry));
}

}  // namespace mainspring
