// group_routes: which group actor a request for a group may go to directly, so that the job
// calls of scheduler_api (a create, an edit, a list) skip the registry's hop. The registry
// publishes each group's actor as it adopts the group and withdraws it as the group goes; the
// callers' threads (HTTP) read it.
//
// Order: requests sent from one thread reach their group in the order they were sent, whichever
// way they go. A request goes directly only when no earlier request for its group is still in
// the registry's hands: one sent through the registry is counted (held) until it is answered,
// and the group then has it. A group's removal holds it too, so that what a client sends after
// a removal (pipelined, unanswered yet) waits for it in the registry and finds the group gone, as
// it would have without the shortcut.
//
// Example:
//   group_routes routes;
//   routes.publish("backups", group_actor);               // registry, on adopting the group
//   if (!routes.send_direct("backups", [&](const caf::actor& g) { caf::anon_send(g, ...); }))
//     caf::anon_send(registry, ..., routes.released_on_answer("backups", reply));
//   routes.withdraw("backups");                           // registry, once the group is removed
//
// Thread-safe. send_direct() sends under the table's lock, so that a removal cannot slip
// between finding a group's actor and sending to it.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include <caf/actor.hpp>

namespace mainspring {

class group_routes {
 public:
  // Calls send(actor) under the table's lock and answers true when a request for `group` may go
  // straight to the group's actor. Otherwise answers false without calling it and holds the
  // group: the caller sends the request through the registry, with release(group) called when
  // it is answered (released_on_answer() wraps its reply to do that).
  template <class Send>
  bool send_direct(const std::string& group, Send&& send) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& r = routes_[group];
    if (r.held != 0 || !r.actor) {
      ++r.held;
      return false;
    }
    send(r.actor);
    return true;
  }

  // Holds `group` for a request that must go through the registry whatever the table says (a
  // removal of the group); the caller calls release(group) once it is answered.
  void hold(const std::string& group);
  void release(const std::string& group);

  // `reply` (a reply_fn or done_fn) that releases `group` first when it is called.
  template <class Reply>
  Reply released_on_answer(std::string group, Reply reply) {
    return Reply([this, group = std::move(group), reply = std::move(reply)](auto outcome) {
      release(group);
      reply(std::move(outcome));
    });
  }

  // Registry side: `group` is served by `actor` from now on / no longer served / no group is
  // (the server stops).
  void publish(const std::string& group, caf::actor actor);
  void withdraw(const std::string& group);
  void withdraw_all();

  // How many groups have a published actor (tests).
  std::size_t published() const;

 private:
  struct route {
    caf::actor actor;   // null: unknown group, or withdrawn
    uint32_t held = 0;  // requests for the group the registry has not answered yet
  };
  // An entry with no actor and nothing held goes. REQUIRES: mutex_ held.
  void forget_if_unused(std::unordered_map<std::string, route>::iterator it);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, route> routes_;
};

}  // namespace mainspring
