#include "agent/agent_actor.h"

#include <map>
#include <memory>

#include <spdlog/spdlog.h>

#include "actors/node_protocol.h"
#include "executors/shell_runner.h"

namespace mainspring {

namespace {

using run_finished_atom = caf::atom_constant<caf::atom("runfin")>;
using beat_tick_atom = caf::atom_constant<caf::atom("beattick")>;

struct agent_state {
  std::string node_id;
  session_end_fn on_session_end;
  std::unique_ptr<shell_runner> runner;
  caf::actor node;       // the current session's node actor; null between sessions
  uint64_t session = 0;
  std::map<uint64_t, running_run> running;  // by run id: what a restarted server needs to adopt it
  std::map<uint64_t, remote_result> unacked;  // by run id: oldest first
  static inline const char* name = "mainspring.agent";
};

using agent_self = caf::stateful_actor<agent_state>*;

// The outcome in wire form, with the run's identity echoed (node_protocol.h).
remote_result result_of(const run_outcome& out, const remote_run& run) {
  remote_result r;
  r.run_id = out.run_id;
  r.result = static_cast<uint8_t>(out.result);
  r.start_ms = to_unix_ms(out.start_time);
  r.end_ms = to_unix_ms(out.end_time);
  r.code = out.code;
  r.output_tail = out.output_tail;
  r.error = out.error;
  r.job_id = run.job_id;
  r.group = run.group;
  r.plan_ms = run.plan_ms;
  r.trigger = run.trigger;
  r.attempt = run.attempt;
  return r;
}

void end_session(agent_self self, const std::string& why, bool node_id_taken = false) {
  auto& st = self->state;
  if (!st.node) return;
  self->demonitor(st.node);
  st.node = nullptr;
  spdlog::warn("session {} ended: {}", st.session, why);
  st.on_session_end(st.session, why, node_id_taken);
}

bool from_node(agent_self self) {
  auto& st = self->state;
  return st.node && self->current_sender() == caf::actor_cast<caf::strong_actor_ptr>(st.node);
}

void start_run(agent_self self, remote_run run) {
  auto& st = self->state;
  if (st.running.count(run.run_id) || st.unacked.count(run.run_id)) return;  // sent twice
  run_request req;
  req.run_id = run.run_id;
  req.job_id = run.job_id;
  req.group = run.group;
  req.job_name = std::move(run.job_name);
  req.target = std::move(run.command);
  req.shell = "/bin/bash";
  req.timeout = std::chrono::milliseconds(run.timeout_ms);
  req.plan_time = from_unix_ms(run.plan_ms);
  req.extras = std::move(run.env);
  req.extras.emplace_back("MAINSPRING_NODE_ID", st.node_id);
  st.running.emplace(req.run_id, running_run{run.run_id, run.job_id, run.group, run.plan_ms, run.trigger,
                                             run.attempt, run.timeout_ms, to_unix_ms(now_ms())});
  st.runner->start(std::move(req), [agent = caf::actor_cast<caf::actor>(self), run = std::move(run)](run_outcome out) {
    caf::anon_send(agent, run_finished_atom::value, result_of(out, run));
  });
}

caf::behavior agent_behavior(agent_self self, std::string node_id, std::size_t max_concurrent_runs,
                             std::chrono::milliseconds kill_grace, session_end_fn on_session_end,
                             std::string ledger_path) {
  auto& st = self->state;
  st.node_id = std::move(node_id);
  st.on_session_end = std::move(on_session_end);
  st.runner = std::make_unique<shell_runner>(max_concurrent_runs, kill_grace, ledger_path);
  self->set_down_handler([self](caf::down_msg& msg) {
    if (self->state.node && msg.source == self->state.node.address()) end_session(self, "the connection to the server ended");
  });
  return {
      [=](session_atom, const caf::actor& node, uint64_t session) {
        auto& st = self->state;
        if (st.node) self->demonitor(st.node);
        st.node = node;
        st.session = session;
        self->monitor(node);
        // Before the results: a server that restarted takes these runs back in flight (node_protocol.h).
        if (!st.running.empty()) {
          node_running running;
          for (const auto& [id, run] : st.running) running.runs.push_back(run);
          self->send(node, node_running_atom::value, std::move(running));
        }
        for (const auto& [id, result] : st.unacked) self->send(node, node_result_atom::value, result);
        self->send(self, beat_tick_atom::value, session);
      },
      [=](ids_atom) -> std::tuple<std::vector<uint64_t>, std::vector<uint64_t>> {
        auto& st = self->state;
        std::vector<uint64_t> running, finished;
        for (const auto& [id, run] : st.running) running.push_back(id);
        for (const auto& [id, result] : st.unacked) finished.push_back(id);
        return std::make_tuple(std::move(running), std::move(finished));
      },
      [=](node_run_atom, remote_run& run) {
        // Only the server holds this actor's handle. A run may arrive before the connect loop
        // has handed over the session (the node is up as soon as the join is answered): it is
        // taken, and its result waits in unacked until the session starts.
        if (from_node(self) || !self->state.node) start_run(self, std::move(run));
      },
      [=](run_finished_atom, remote_result& result) {
        auto& st = self->state;
        st.running.erase(result.run_id);
        if (st.unacked.size() >= k_max_unacked_results) {
          spdlog::warn("dropping the unacknowledged result of run {}: {} results wait already",
                       st.unacked.begin()->first, st.unacked.size());
          st.unacked.erase(st.unacked.begin());
        }
        if (st.node) self->send(st.node, node_result_atom::value, result);
        st.unacked.emplace(result.run_id, std::move(result));
      },
      [=](node_abort_atom, uint64_t run_id, const std::string& why) {
        if (from_node(self)) self->state.runner->abort(run_id, why);  // its result follows as any other
      },
      [=](node_ack_atom, uint64_t run_id) {
        if (from_node(self)) self->state.unacked.erase(run_id);
      },
      [=](node_bye_atom, const std::string& why) {
        // Only the current session hears a bye: one that ended already (a dropped connection
        // this process dialled again after) is not "replaced", whatever arrives late.
        if (from_node(self)) end_session(self, "the server said: " + why, why == k_node_replaced_reason);
      },
      [=](beat_tick_atom, uint64_t session) {
        auto& st = self->state;
        if (!st.node || session != st.session) return;  // that session is over
        self->request(st.node, k_node_request_timeout, node_beat_atom::value)
            .then([](node_beat_atom) {},
                  [self, session](caf::error& err) {
                    if (session == self->state.session)
                      end_session(self, "heartbeat failed: " + self->system().render(err));
                  });
        self->delayed_send(self, k_node_beat_interval, beat_tick_atom::value, session);
      },
  };
}

}  // namespace

caf::actor spawn_agent_actor(caf::actor_system& sys, std::string node_id, std::size_t max_concurrent_runs,
                             std::chrono::milliseconds kill_grace, session_end_fn on_session_end,
                             const std::string& ledger_path) {
  return sys.spawn(agent_behavior, std::move(node_id), max_concurrent_runs, kill_grace, std::move(on_session_end),
                   ledger_path);
}

}  // namespace mainspring
