#include "executors/remote_runner.h"

namespace mainspring {

void remote_runner::set_dispatch(remote_dispatch dispatch) {
  dispatch_ = std::move(dispatch);
  ready_.store(true, std::memory_order_release);
}

void remote_runner::start(run_request req, run_callback done) {
  if (!enabled()) {
    return done(failed_outcome(
        req.run_id, "node " + req.node + ": worker nodes are off on this server (start it with --node-listen)"));
  }
  counter_->fetch_add(1, std::memory_order_relaxed);
  // The counter is shared, not borrowed: a node may report after this runner is gone.
  dispatch_(std::move(req), [counter = counter_, done = std::move(done)](run_outcome out) {
    counter->fetch_sub(1, std::memory_order_relaxed);
    done(std::move(out));
  });
}

}  // namespace mainspring
