#include "agent/agent.h"

#include <memory>
#include <optional>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/node_protocol.h"
#include "agent/agent_actor.h"
#include "agent/host_facts.h"
#include "core/backoff.h"
#include "core/node_auth.h"
#include "net/tls_tunnel.h"

namespace mainspring {

void agent_stop::request() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
}

bool agent_stop::requested() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stop_;
}

bool agent_stop::wait_for(std::chrono::milliseconds d) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return wake_.wait_for(lock, d, [this] { return stop_; });
}

namespace {

// Where the connect loop learns that the current session ended.
struct session_watch {
  std::mutex mutex;
  std::condition_variable wake;
  uint64_t ended = 0;  // the last session that ended
  bool node_id_taken = false;  // the server said another agent process joined with our node id
};

bool node_id_taken(session_watch& watch) {
  std::lock_guard<std::mutex> lock(watch.mutex);
  return watch.node_id_taken;
}

node_hello hello_of(const agent_config& cfg, const host_facts& facts) {
  node_hello h;
  h.group = cfg.group;
  h.node_id = cfg.node_id;
  h.hostname = cfg.hostname.empty() ? facts.hostname : cfg.hostname;
  h.ip = cfg.advertise_ip.empty() ? facts.ip : cfg.advertise_ip;
  h.mac = facts.mac;
  h.broadcast_addr = facts.broadcast_addr;
  h.machine_code = facts.machine_code;
  h.tags = cfg.tags;
  return h;
}

// One session: challenge, join, then wait until it ends or a stop is requested. Answers why it
// ended (for the log), or nullopt when the join itself failed with a message already logged.
std::optional<std::string> one_session(caf::actor_system& sys, const caf::actor& gateway, const caf::actor& agent,
                                       const agent_config& cfg, const host_facts& facts, uint64_t session,
                                       session_watch& watch, const agent_stop& stop, reconnect_backoff& backoff) {
  caf::scoped_actor self{sys};
  std::string failure;
  std::string nonce;
  self->request(gateway, k_node_request_timeout, node_hello_atom::value, cfg.group, cfg.node_id)
      .receive([&](std::string& n) { nonce = std::move(n); },
               [&](caf::error& e) { failure = "challenge failed: " + sys.render(e); });
  node_hello hello = hello_of(cfg, facts);
  if (failure.empty()) {
    self->request(agent, k_node_request_timeout, ids_atom::value)
        .receive([&](std::vector<uint64_t>& running, std::vector<uint64_t>& finished) {
                   hello.running = std::move(running);
                   hello.finished = std::move(finished);
                 },
                 [&](caf::error& e) { failure = "agent actor: " + sys.render(e); });
  }
  caf::actor node;
  if (failure.empty()) {
    hello.proof = node_proof(cfg.secret, nonce, cfg.group, cfg.node_id);
    self->request(gateway, k_node_request_timeout, node_join_atom::value, hello, agent)
        .receive([&](caf::actor& n) { node = std::move(n); },
                 [&](caf::error& e) { failure = sys.render(e); });
  }
  if (!node) {
    spdlog::warn("joining group {} as {} failed: {}", cfg.group, cfg.node_id, failure.empty() ? "no node" : failure);
    return std::nullopt;
  }
  backoff.reset();
  spdlog::info("joined group {} as node {} (session {})", cfg.group, cfg.node_id, session);
  caf::anon_send(agent, session_atom::value, node, session);
  while (!stop.requested()) {
    std::unique_lock<std::mutex> lock(watch.mutex);
    if (watch.wake.wait_for(lock, std::chrono::milliseconds(200), [&] { return watch.ended >= session; })) break;
  }
  return stop.requested() ? "stopping" : "the session ended";
}

}  // namespace

int run_agent(const agent_config& cfg, const agent_stop& stop) {
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  std::unique_ptr<net::tls_tunnel> tunnel;
  std::string host = cfg.server_host;
  uint16_t port = cfg.server_port;
  if (!cfg.tls_ca.empty()) {
    net::tunnel_options topts;
    topts.server_host = cfg.server_host;
    topts.server_port = cfg.server_port;
    topts.tls_ca_file = cfg.tls_ca;
    topts.tls_cert_file = cfg.tls_cert;
    topts.tls_key_file = cfg.tls_key;
    auto started = net::tls_tunnel::start(topts);
    if (!started.ok()) {
      spdlog::error("TLS: {}", started.status().message());
      return 1;
    }
    tunnel = std::move(started).value();
    host = "127.0.0.1";
    port = tunnel->port();
  }

  caf::actor_system_config config;
  config.load<caf::io::middleman>();
  add_node_message_types(config);
  caf::actor_system sys{config};
  auto watch = std::make_shared<session_watch>();
  auto agent = spawn_agent_actor(sys, cfg.node_id, cfg.max_concurrent_runs, std::chrono::seconds(cfg.kill_grace_s), [watch](uint64_t session, std::string, bool node_id_taken) {
    {
      std::lock_guard<std::mutex> lock(watch->mutex);
      watch->ended = std::max(watch->ended, session);
      watch->node_id_taken = watch->node_id_taken || node_id_taken;
    }
    watch->wake.notify_all();
  }, cfg.process_ledger);
  host_facts facts = probe_host_facts(cfg.server_host, cfg.server_port);
  reconnect_backoff backoff{k_reconnect_base, k_reconnect_cap};
  spdlog::info("mainspring agent {}: node {} of group {}, server {}", MAINSPRING_VERSION, cfg.node_id, cfg.group,
               cfg.server);
  uint64_t session = 0;
  int code = 0;
  while (!stop.requested()) {
    auto gateway = sys.middleman().remote_actor(host, port);
    if (gateway) {
      auto why = one_session(sys, *gateway, agent, cfg, facts, ++session, *watch, stop, backoff);
      if (why && stop.requested()) break;
      if (node_id_taken(*watch)) {
        // One process has one session at a time, and the server never replaces a process by
        // itself (actors/node_protocol.h k_node_replaced_reason): someone else holds the id.
        spdlog::error("node id {} of group {} is in use by another agent: the server replaced this agent's "
                      "connection with that agent's; not reconnecting (give each agent its own --node-id)",
                      cfg.node_id, cfg.group);
        code = k_exit_node_id_taken;
        break;
      }
    } else {
      spdlog::warn("cannot reach {}: {}", cfg.server, sys.render(gateway.error()));
    }
    auto wait = backoff.next();
    spdlog::info("dialling again in {} ms", wait.count());
    if (stop.wait_for(wait)) break;
  }
  spdlog::info("agent stopping");
  caf::anon_send_exit(agent, caf::exit_reason::user_shutdown);
  return code;
}

}  // namespace mainspring
