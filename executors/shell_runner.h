// shell_runner: runs shell commands for jobs, many at once, from a single I/O thread.
//
// Each start() runs `/bin/sh -c <req.target>` in a new process group, with stdin from /dev/null
// and stdout+stderr merged into one pipe whose last k_max_output_tail_bytes are kept (with
// req.stderr_apart, stderr comes on a pipe of its own, added to the tail as it is read). One thread
// per runner (not per process) spawns, reads every pipe, watches every exit and enforces every
// timeout with epoll over pipes and pidfds; start() only queues and wakes it, so it never blocks.
// At most max_concurrent commands are alive at once; further starts wait in a FIFO queue.
//
// Example:
//   shell_runner runner(64);
//   run_request req;
//   req.run_id = 7; req.job_id = "1234ABC"; req.group = "YM55";
//   req.target = "echo \"$MAINSPRING_JOB_ID\"; exit 3";
//   req.timeout = std::chrono::seconds(5);
//   runner.start(std::move(req), [](run_outcome out) {
//     // out.result == failed, out.code == 3, out.error == "exit code 3",
//     // out.output_tail == "1234ABC\n"
//   });
//
// What a run sees and what its outcome says:
// - Environment: the server's environment as it was when the runner was constructed, plus
//   req.extras, plus MAINSPRING_JOB_ID, MAINSPRING_GROUP, MAINSPRING_PLAN_TIME (unix seconds),
//   MAINSPRING_RUN_ID (these four win over an extra or server variable of the same name).
//   An extra whose name is empty or holds '=' or NUL, or whose value holds NUL, fails the run
//   before anything is spawned.
// - The run is its process group: when the shell exits, whatever it left running in its group
//   (`sleep 100 &`) is killed with SIGKILL, so a finished run leaves nothing behind and the
//   concurrency bound means something. A command that really wants to outlive its run must leave
//   the group itself (setsid).
// - Exit 0 -> succeeded, code 0. Exit N -> failed, code N, "exit code N" (with stderr apart,
//   "exit code N: <stderr's first line>" when it has one, core/shell_exit.h). Killed by a signal ->
//   failed, code -1, "killed by signal N (SIGNAME)".
// - Stopping a run (its timeout, an abort, a limit): its whole group gets SIGTERM, and SIGKILL
//   once the runner's kill_grace has passed if anything of the group is still alive (as
//   Cronicle's child_kill_timeout); a kill_grace of 0 sends SIGKILL at once. The run is reported
//   when its shell has exited, with what it printed until then (a trap's last words included).
// - Timeout: at req.timeout after the spawn the run is stopped -> timed_out, code -1,
//   "timed out after N ms". A timeout <= 0 means no timeout.
// - abort(run_id, why): a queued run is reported at once; a running one is stopped and reported
//   failed, code -1, "aborted: <why>".
// - adjust(run_id, change): a queued run starts with the new limits; a running one gets its
//   deadline moved to its spawn time + change.timeout (its timeout message names the new one)
//   and its resource limits replaced, the CPU and memory samples taken so far kept.
// - Limits (req.cpu_limit_percent, memory_limit_bytes, log_max_bytes; run_limits.h): the run's
//   process group is sampled from /proc about once a k_usage_sample_interval (CPU time over wall
//   time, resident memory summed); over a limit at every sample for its sustain seconds, or
//   past log_max_bytes printed (checked as output arrives), the run is stopped -> failed,
//   code -1, "aborted: " + Cronicle's text ("aborted: Exceeded CPU limit of 50% for over 5
//   seconds"), with the output printed until then.
// - While a command runs, live(run_id) shows its shell's pid, the progress its stdout reported
//   (req.progress_lines) and its group's CPU (% of one core over each interval) and resident
//   memory, sampled in the same pass as the limits, about once a k_usage_sample_interval.
// - Spawn failure (fork limit, no /bin/sh, out of fds) -> failed, code -1, "spawn failed: ...".
// - Destruction -> every live group is killed (SIGKILL at once, no grace: a stopping server must
//   not wait on its runs) and reaped, and every started and queued run is
//   reported failed, code -1, "runner stopped" (live ones keep their output tail).
// - A process killed outright (kill -9, a crash) runs no destructor. With a ledger path, the
//   runner keeps its live groups in a process ledger there (process_ledger.h: a slot filled at
//   each spawn, cleared once the group is killed and reaped), and at construction ends every
//   group a runner of an earlier process left in it (SIGKILL), before any run starts; it logs how
//   many. A ledger that cannot be opened is logged as a warning, and the runner runs without one.
// start_time is when the command was spawned (not queued), end_time when its outcome was made.
//
// Callbacks: called exactly once per start(), on the runner's thread, never under its lock, so a
// callback may call start() again. A callback should be quick (it delays every other run's I/O);
// an exception thrown by one is swallowed. One exception: if the runner could not set itself up
// (no descriptors or threads left at construction), start() reports failed, "runner
// unavailable: ..." at once on the caller's thread.
//
// REQUIRES: nothing else in the process reaps children it did not spawn (waitpid(-1, ...) or
// SIGCHLD set to SIG_IGN): the runner reaps its own children by pid, and an exit status taken
// by someone else is reported as failed, "exit status lost".
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "executors/run.h"
#include "executors/runner.h"

namespace mainspring {

class shell_runner final : public runner {
 public:
  // -- constructors --

  // Starts the runner's thread. max_concurrent bounds the processes alive at once (0 is taken
  // as 1); kill_grace is the time between SIGTERM and SIGKILL when a run is stopped;
  // ledger_path is its process ledger's file ("" = none), opened (and its leftovers ended)
  // before this returns; a second live runner on the same path runs without one (logged).
  explicit shell_runner(std::size_t max_concurrent = 256,
                        std::chrono::milliseconds kill_grace = k_default_kill_grace,
                        const std::string& ledger_path = "");

  // Kills every process group still running, reaps them, reports them and every queued run as
  // failed "runner stopped", and joins the thread.
  // Blocks until those processes are reaped (moments after SIGKILL).
  // REQUIRES: not called from one of this runner's callbacks; no thread other than the runner's
  // own callbacks calls start() once this began.
  ~shell_runner() override;

  shell_runner(const shell_runner&) = delete;
  shell_runner& operator=(const shell_runner&) = delete;

  // -- operations --

  // Queues `req` and returns at once; `done` gets its outcome later on the runner's thread.
  // Thread-safe.
  void start(run_request req, run_callback done) override;
  void abort(uint64_t run_id, std::string why) override;
  void adjust(uint64_t run_id, run_adjustment change) override;
  // A running command's shell pid and its progress (req.progress_lines).
  std::optional<run_live> live(uint64_t run_id) const override;

  // -- observers --

  // Commands spawned and not yet reported.
  std::size_t running() const override;
  // Runs waiting for a free slot.
  std::size_t queued() const override;

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mainspring
