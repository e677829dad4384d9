// runner: what every executor implements, so that executor_pool keeps one per kind.
//
// A runner takes a run_request, does the work wherever it does it (its own threads, a worker
// node, nowhere for a no-op) and calls the callback exactly once with the outcome. start() never
// blocks the caller beyond a short lock: the caller is usually an actor thread.
//
// Example:
//   std::unique_ptr<runner> r = std::make_unique<shell_runner>(64);
//   r->start(std::move(req), [](run_outcome out) { /* once, on some thread */ });
//   r->running();   // started, not yet reported
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/run_record.h"

#include "executors/run.h"
#include "executors/run_limits.h"

namespace mainspring {

// What may change about a run while it runs (Cronicle's update_job): its time limit, counted from
// its start (0 = none), and its resource limits.
struct run_adjustment {
  std::chrono::milliseconds timeout{0};
  run_limits limits;
};

class runner {
 public:
  virtual ~runner() = default;

  // Starts `req`; `done` gets its outcome exactly once, possibly inline (before start returns).
  virtual void start(run_request req, run_callback done) = 0;

  // Ends run `run_id` if it is queued or running here: its callback then reports it failed,
  // code -1, "aborted: <why>" (with the output it printed so far). A run this runner does not
  // hold (finished, unknown) is left alone. Thread-safe; never blocks. By default a runner has
  // nothing it could end (its runs complete at once).
  virtual void abort(uint64_t run_id, std::string why) { (void)run_id, (void)why; }

  // Gives run `run_id`, if it is queued or running here, a new time limit and resource limits in
  // place of its request's. A run already past the new time limit ends at once, timed out; one
  // over a new output limit ends as over any limit. A run this runner does not hold is left alone.
  // Thread-safe; never blocks. By default a runner has nothing to adjust (its runs complete at
  // once, or run elsewhere under limits of their own).
  virtual void adjust(uint64_t run_id, run_adjustment change) { (void)run_id, (void)change; }

  // What run `run_id`, running here, shows of itself (core/run_record.h run_live); nullopt when
  // this runner does not hold it running, or has nothing to show. Thread-safe; never blocks
  // beyond a short lock.
  virtual std::optional<run_live> live(uint64_t run_id) const {
    (void)run_id;
    return std::nullopt;
  }

  // Runs started and not yet reported.
  virtual std::size_t running() const = 0;
  // Runs waiting for a free slot.
  virtual std::size_t queued() const = 0;
};

// The outcome of a run that does nothing and succeeds (NOOP@): the one definition of a no-op.
run_outcome noop_outcome(uint64_t run_id);

// Completes every run at once, inline, with noop_outcome: it measures the scheduler, not an
// executor.
class noop_runner final : public runner {
 public:
  void start(run_request req, run_callback done) override { done(noop_outcome(req.run_id)); }
  std::size_t running() const override { return 0; }
  std::size_t queued() const override { return 0; }
};

}  // namespace mainspring
