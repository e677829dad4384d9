// write_gate: orders the changes to one thing (a job, a group's funcs, the group list) so that a
// change is applied only after its write is durable, and a later change waits for the write
// before it instead of working from state that may still be rolled back.
//
// An actor starts a write with hold(), applies the change when the store answers, then calls
// release(), which runs the changes that arrived meanwhile, in order, until one holds the gate
// again. The outcome is the one of running the requests one after the other.
//
// Example (inside an actor; `persist_then` answers on the actor's thread):
//   gate.run([=] {
//     if (auto st = validate(change); !st.ok()) return reply(st);   // nothing written
//     gate.hold();
//     persist_then(store, batch, [=](status s) {
//       if (s.ok()) apply(change);
//       reply(s);
//       gate.release();                                            // the next change runs
//     });
//   });
#pragma once

#include <deque>
#include <functional>

namespace mainspring {

class write_gate {
 public:
  // True while a write is in flight: a change started now would have to wait.
  bool busy() const { return held_; }
  // True when nothing is in flight and nothing waits (the gate may be dropped).
  bool idle() const { return !held_ && waiting_.empty(); }

  // Runs `change` now when no write is in flight, else after the writes queued before it.
  // `change` calls hold() if it starts a write.
  void run(std::function<void()> change);

  // A write has started. REQUIRES: !busy().
  void hold() { held_ = true; }

  // The write in flight is answered (and applied or dropped): runs the waiting changes in
  // order until one of them holds the gate again.
  void release();

 private:
  bool held_ = false;
  std::deque<std::function<void()>> waiting_;
};

}  // namespace mainspring
