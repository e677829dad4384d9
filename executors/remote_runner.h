// remote_runner: hands REMOTE@ runs to the worker node that is to run them.
//
// The node actors (actors/node_actor.h) own the connections to the agents, so this runner only
// forwards: `dispatch` (installed by the scheduler runtime once its actors exist) takes the
// request (req.group, req.node, req.target = the command) and the callback, and the node actor
// calls the callback when the agent reports the run, or when it gives up on it. Without a
// dispatch (the server runs without --node-listen) every run fails at once, naming the node.
//
// Example:
//   remote_runner remote;
//   remote.set_dispatch([registry](run_request req, run_callback done) { ... });
//   req.node = "w1"; req.group = "YM55"; req.target = "uptime";
//   remote.start(std::move(req), [](run_outcome out) { /* out.error names w1 on failure */ });
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "executors/runner.h"

namespace mainspring {

using remote_dispatch = std::function<void(run_request, run_callback)>;

class remote_runner final : public runner {
 public:
  // Installs the way to the node actors. Call once, before the first start() that is to reach a
  // node; starts before that fail as if nodes were off. Thread-safe against start().
  void set_dispatch(remote_dispatch dispatch);
  // True once set_dispatch was called: REMOTE@ jobs can run here.
  bool enabled() const { return ready_.load(std::memory_order_acquire); }

  void start(run_request req, run_callback done) override;
  std::size_t running() const override { return counter_->load(std::memory_order_relaxed); }
  std::size_t queued() const override { return 0; }  // a node queues nothing here

 private:
  remote_dispatch dispatch_;
  std::atomic<bool> ready_{false};
  // Runs handed to a node and not yet reported; shared with the callbacks, which may outlive us.
  std::shared_ptr<std::atomic<std::size_t>> counter_ = std::make_shared<std::atomic<std::size_t>>(0);
};

}  // namespace mainspring
