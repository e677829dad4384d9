#include "executors/shell_runner.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>

#include <spdlog/spdlog.h>

#include "core/progress_lines.h"
#include "core/shell_exit.h"
#include "core/usage_json.h"
#include "executors/output_tail.h"
#include "executors/process_ledger.h"
#include "executors/process_usage.h"
#include "executors/run_limits.h"
#include "executors/shell_spawn.h"

namespace mainspring {
namespace {

using steady = std::chrono::steady_clock;

// epoll keys: run key << 2 | what the descriptor is.
enum fd_kind : uint64_t { k_wake = 0, k_output = 1, k_exit = 2, k_error = 3 };
constexpr uint64_t make_tag(uint64_t key, fd_kind kind) { return key << 2 | kind; }

// Without a pidfd (old kernel, seccomp) exits are found by polling this often.
constexpr int k_exit_poll_ms = 20;
// Reads per readiness event, so one flooding command cannot starve the others.
constexpr int k_reads_per_event = 16;
constexpr std::size_t k_read_chunk = 64 * 1024;

struct pending_run {
  run_request req;
  run_callback done;
};

struct active_run {
  pending_run p;
  spawned_shell child;
  output_tail tail;
  sys_ms start_time{};
  steady::time_point spawned{};  // start_time on the steady clock: deadlines count from it
  std::optional<steady::time_point> deadline;
  // Set once the group got SIGTERM for a timeout, an abort or a limit: SIGKILL follows then.
  std::optional<steady::time_point> kill_at;
  uint64_t key = 0;  // its key in runs_, deadlines_ and kill_deadlines_
  std::optional<process_ledger::slot> ledger_slot;  // while the process ledger records its group
  bool timed_out = false;
  std::optional<std::string> aborted;  // why, once abort() asked for it or a limit was exceeded
  std::optional<limit_watch> limits;   // set when the job limits its runs (run_limits.h)
  int64_t printed_bytes = 0;           // everything read from its pipes
  stderr_first_line stderr_line;       // when its stderr is apart (run_request::stderr_apart)
  stderr_head stderr_start;            // ... and its start, for its Error Output report
  progress_lines stdout_lines;         // when its stdout reports progress (run_request::progress_lines)
  stdout_report report;                // what that stdout reported
  // The group's CPU time at its last usage sample, and when that was (live CPU %).
  double sampled_cpu_s = 0;
  steady::time_point sampled_at{};
};

void call(run_callback& done, run_outcome out) {
  // An exception from a caller's callback must not kill the thread every other run depends on.
  try {
    if (done) done(std::move(out));
  } catch (...) {
  }
}

run_outcome failed_outcome(const run_request& req, sys_ms start, std::string error) {
  run_outcome out;
  out.run_id = req.run_id;
  out.result = run_result::failed;
  out.start_time = start;
  out.end_time = now_ms();
  out.code = -1;
  out.error = std::move(error);
  return out;
}

// What an annotated output line starts with: the local time now, as Cronicle's shellplug writes
// it ("[2026-12-06 15:04:05] ").
std::string annotation_now() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "[%Y-%m-%d %H:%M:%S] ", &local);
  return std::string(text, n);
}

// stderr_line: the first line of its stderr, when that was read apart (core/shell_exit.h).
void describe_exit(int wait_status, const std::optional<std::string>& stderr_line, run_outcome& out) {
  if (WIFEXITED(wait_status)) {
    out.code = WEXITSTATUS(wait_status);
    out.result = out.code == 0 ? run_result::succeeded : run_result::failed;
    if (out.code != 0) out.error = exit_code_error(out.code, stderr_line);
  } else if (WIFSIGNALED(wait_status)) {
    out.code = -1;
    out.result = run_result::failed;
    out.error = killed_by_signal_error(WTERMSIG(wait_status), stderr_line);
  }
}

}  // namespace

class shell_runner::impl {
 public:
  impl(std::size_t max_concurrent, std::chrono::milliseconds kill_grace, const std::string& ledger_path)
      : max_running_(std::max<std::size_t>(max_concurrent, 1)),
        kill_grace_(std::max(kill_grace, std::chrono::milliseconds(0))),
        base_env_(environment_snapshot()) {
    if (!ledger_path.empty()) open_ledger(ledger_path);
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (epoll_fd_ < 0 || wake_fd_ < 0 || !watch(wake_fd_, make_tag(0, k_wake))) {
      // Out of descriptors at startup: nothing can run; every start() fails at once.
      setup_error_ = "runner unavailable: " + std::string(std::strerror(errno));
      closed_ = true;
      return;
    }
    try {
      thread_ = std::thread([this] { loop(); });
    } catch (const std::system_error& e) {
      setup_error_ = std::string("runner unavailable: ") + e.what();
      closed_ = true;
    }
  }

  ~impl() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    if (thread_.joinable()) {
      signal_wake();
      thread_.join();
    }
    if (wake_fd_ >= 0) close(wake_fd_);
    if (epoll_fd_ >= 0) close(epoll_fd_);
  }

  void start(run_request req, run_callback done) {
    bool queued = false, write_wake = false;
    {
      std::lock_guard lock(mu_);
      if (!closed_) {
        queued = true;
        queue_.push_back({std::move(req), std::move(done)});
        // One eventfd write per loop turn is enough: each turn looks at the whole queue.
        write_wake = !wake_pending_;
        wake_pending_ = true;
      }
    }
    if (!queued) {
      // Not queued: the runner could not set up, or start() raced the destructor (which the
      // contract forbids). Answer rather than drop the run.
      std::string error = setup_error_.empty() ? "runner stopped" : setup_error_;
      call(done, failed_outcome(req, now_ms(), std::move(error)));
      return;
    }
    if (write_wake) signal_wake();
  }

  // A queued run is taken out and reported here; a running one is left to the thread, which
  // owns the processes (apply_aborts).
  void abort(uint64_t run_id, std::string why) {
    std::optional<pending_run> dequeued;
    bool write_wake = false;
    {
      std::lock_guard lock(mu_);
      if (closed_) return;
      auto it = std::find_if(queue_.begin(), queue_.end(), [&](const pending_run& p) { return p.req.run_id == run_id; });
      if (it != queue_.end()) {
        dequeued = std::move(*it);
        queue_.erase(it);
      } else {
        aborts_.emplace_back(run_id, std::move(why));
        write_wake = !wake_pending_;
        wake_pending_ = true;
      }
    }
    if (dequeued) return call(dequeued->done, failed_outcome(dequeued->req, now_ms(), "aborted: " + why));
    if (write_wake) signal_wake();
  }

  // A queued run takes the change into its request; a running one is left to the thread
  // (apply_adjustments).
  void adjust(uint64_t run_id, run_adjustment change) {
    bool write_wake = false;
    {
      std::lock_guard lock(mu_);
      if (closed_) return;
      auto it = std::find_if(queue_.begin(), queue_.end(), [&](const pending_run& p) { return p.req.run_id == run_id; });
      if (it != queue_.end()) return set_request_limits(it->req, change);
      adjustments_.emplace_back(run_id, change);
      write_wake = !wake_pending_;
      wake_pending_ = true;
    }
    if (write_wake) signal_wake();
  }

  std::optional<run_live> live(uint64_t run_id) const {
    std::lock_guard lock(live_mu_);
    auto it = live_.find(run_id);
    if (it == live_.end()) return std::nullopt;
    return it->second;
  }

  std::size_t running() const {
    std::lock_guard lock(mu_);
    return running_;
  }
  std::size_t queued() const {
    std::lock_guard lock(mu_);
    return queue_.size();
  }

 private:
  // -- the thread --

  void loop() {
    epoll_event events[64];
    for (;;) {
      if (!launch_queued()) break;
      int n = epoll_wait(epoll_fd_, events, 64, wait_ms());
      for (int i = 0; i < n; ++i) dispatch(events[i]);
      poll_exits_without_pidfd();
      apply_adjustments();
      expire_deadlines();
      expire_kill_deadlines();
      apply_aborts();
      sample_runs();
    }
    stop_all();
  }

  // Spawns queued runs while a slot is free. Returns false once the runner is stopping.
  bool launch_queued() {
    for (;;) {
      pending_run p;
      {
        std::lock_guard lock(mu_);
        if (stopping_) return false;
        if (queue_.empty() || running_ >= max_running_) return true;
        p = std::move(queue_.front());
        queue_.pop_front();
        ++running_;
      }
      launch(std::move(p));
    }
  }

  void launch(pending_run p) {
    sys_ms start = now_ms();
    auto env = shell_environment(base_env_, p.req);
    status_or<spawned_shell> child =
        env.ok() ? spawn_shell(p.req.target, env.value(), p.req.shell, p.req.cwd, p.req.input, p.req.stderr_apart)
                 : status_or<spawned_shell>(env.status());
    if (!child.ok()) {
      release_slot();
      call(p.done, failed_outcome(p.req, start, child.status().message()));
      return;
    }
    uint64_t key = next_key_++;
    {
      std::lock_guard lock(live_mu_);
      live_[p.req.run_id] = run_live{child.value().pid, 0};
    }
    auto run = std::make_unique<active_run>();
    run->stdout_lines = progress_lines(p.req.json_lines);
    run->p = std::move(p);
    run->key = key;
    run->child = child.value();
    if (ledger_) run->ledger_slot = ledger_->add(run->child.pid, run->p.req.run_id);
    run->start_time = start;
    run->spawned = steady::now();
    run->sampled_at = run->spawned;
    if (!next_sample_) next_sample_ = run->spawned + k_usage_sample_interval;  // its live usage
    set_deadline(*run, key);
    if (run_limits limits = limits_of(run->p.req); limits.any()) {
      run->limits.emplace(limits, run->spawned);
      if (limits.needs_samples() && !next_sample_) next_sample_ = steady::now() + k_usage_sample_interval;
    }
    bool watched = watch(run->child.output_fd, make_tag(key, k_output));
    if (watched && run->child.error_fd >= 0) watched = watch(run->child.error_fd, make_tag(key, k_error));
    if (watched && run->child.pid_fd >= 0) {
      watched = watch(run->child.pid_fd, make_tag(key, k_exit));
    }
    if (run->child.pid_fd < 0) without_pidfd_.insert(key);
    auto it = runs_.emplace(key, std::move(run)).first;
    if (!watched) finish(it, "spawn failed: epoll_ctl: " + std::string(std::strerror(errno)));
  }

  void dispatch(const epoll_event& ev) {
    uint64_t key = ev.data.u64 >> 2;
    auto kind = static_cast<fd_kind>(ev.data.u64 & 3);
    if (kind == k_wake) {
      uint64_t count;
      while (read(wake_fd_, &count, sizeof count) > 0) {
      }
      std::lock_guard lock(mu_);
      wake_pending_ = false;
      return;
    }
    auto it = runs_.find(key);
    if (it == runs_.end()) return;  // finished earlier in this batch
    if (kind == k_output) {
      read_output(*it->second, it->second->child.output_fd, k_reads_per_event);
    } else if (kind == k_error) {
      read_output(*it->second, it->second->child.error_fd, k_reads_per_event);
    } else {
      finish(it);
    }
  }

  // Reads up to `budget` chunks of one of the run's pipes (`fd`, its output_fd or error_fd)
  // into its tail, in the order read; on EOF stops watching that pipe.
  void read_output(active_run& run, int& fd, int budget) {
    if (fd < 0) return;
    for (int i = 0; i < budget; ++i) {
      ssize_t n = read(fd, read_buf_.get(), k_read_chunk);
      if (n > 0) {
        take_output(run, &fd == &run.child.error_fd, std::string_view(read_buf_.get(), static_cast<std::size_t>(n)));
        run.printed_bytes += n;
        if (run.limits && !run.aborted)
          if (auto why = run.limits->on_output(run.printed_bytes)) end_over_limit(run, std::move(*why));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      unwatch(fd);  // EOF or a read error: nothing more will come
      return;
    }
  }

  // Adds what the run printed to its tail: stderr's also to its first line (stderr_apart), stdout
  // a line at a time without its progress lines (progress_lines).
  void take_output(active_run& run, bool from_stderr, std::string_view bytes) {
    if (from_stderr) {
      run.stderr_line.add(bytes);
      run.stderr_start.add(bytes);
    }
    if (from_stderr || !run.p.req.progress_lines) return run.tail.append(bytes);
    const std::optional<double> before = run.report.progress;
    const uint32_t changes_before = run.report.fields_changes;
    lines_buf_.clear();
    run.stdout_lines.add(bytes, lines_buf_, run.report, run.p.req.annotate_lines ? annotation_now() : std::string());
    run.tail.append(lines_buf_);
    if (run.report.progress && run.report.progress != before) set_progress(run, *run.report.progress);
    if (run.report.fields_changes != changes_before) set_reported(run);
  }

  // Without pidfds: a non-reaping peek (WNOWAIT) so the pid, and with it the process group id,
  // stay ours until finish() has killed the group.
  void poll_exits_without_pidfd() {
    for (auto k = without_pidfd_.begin(); k != without_pidfd_.end();) {
      uint64_t key = *k++;
      auto it = runs_.find(key);
      siginfo_t info{};
      int r = waitid(P_PID, it->second->child.pid, &info, WEXITED | WNOHANG | WNOWAIT);
      if ((r == 0 && info.si_pid != 0) || (r < 0 && errno == ECHILD)) finish(it);
    }
  }

  void expire_deadlines() {
    auto now = steady::now();
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
      uint64_t key = deadlines_.begin()->second;
      deadlines_.erase(deadlines_.begin());
      active_run& run = *runs_.at(key);
      run.timed_out = true;
      stop_group(run);  // finish() follows when the exit is seen
    }
  }

  // The grace after SIGTERM is over: SIGKILL (finish() follows when the exit is seen).
  void expire_kill_deadlines() {
    auto now = steady::now();
    while (!kill_deadlines_.empty() && kill_deadlines_.begin()->first <= now) {
      uint64_t key = kill_deadlines_.begin()->second;
      kill_deadlines_.erase(kill_deadlines_.begin());
      kill_group(*runs_.at(key));
    }
  }

  // (Re)sets the run's deadline from its spawn time and its request's timeout (<= 0: none).
  void set_deadline(active_run& run, uint64_t key) {
    if (run.deadline) deadlines_.erase({*run.deadline, key});
    run.deadline.reset();
    if (run.p.req.timeout.count() <= 0) return;
    run.deadline = run.spawned + run.p.req.timeout;
    deadlines_.emplace(*run.deadline, key);
  }

  // Gives the running runs adjust() named their new limits; expire_deadlines() and the next
  // sample act on them.
  void apply_adjustments() {
    std::vector<std::pair<uint64_t, run_adjustment>> asked;
    {
      std::lock_guard lock(mu_);
      if (adjustments_.empty()) return;
      asked.swap(adjustments_);
    }
    for (auto& [run_id, change] : asked)
      for (auto& [key, run] : runs_) {
        if (run->p.req.run_id != run_id || run->aborted) continue;
        set_request_limits(run->p.req, change);
        set_deadline(*run, key);
        if (run->limits) run->limits->set_limits(change.limits);
        else if (change.limits.any()) run->limits.emplace(change.limits, run->spawned);
        if (change.limits.needs_samples() && !next_sample_) next_sample_ = steady::now() + k_usage_sample_interval;
        if (auto why = run->limits ? run->limits->on_output(run->printed_bytes) : std::nullopt)
          end_over_limit(*run, std::move(*why));
      }
  }

  static void set_request_limits(run_request& req, const run_adjustment& change) {
    req.timeout = change.timeout;
    set_limits(req, change.limits);
  }

  // Kills the groups of the runs abort() named; finish() follows when each exit is seen.
  void apply_aborts() {
    std::vector<std::pair<uint64_t, std::string>> asked;
    {
      std::lock_guard lock(mu_);
      if (aborts_.empty()) return;
      asked.swap(aborts_);
    }
    for (auto& [run_id, why] : asked)
      for (auto& [key, run] : runs_)
        if (run->p.req.run_id == run_id && !run->aborted) {
          run->aborted = std::move(why);
          stop_group(*run);
        }
  }

  // Once per k_usage_sample_interval while a command runs: one pass over /proc for all of them
  // (procfs reads do not block on a device), then what each shows (live()) and, for a run with a
  // CPU or memory limit, its verdict.
  void sample_runs() {
    if (!next_sample_ || steady::now() < *next_sample_) return;
    std::vector<pid_t> groups;
    for (auto& [key, run] : runs_)
      if (!run->aborted) groups.push_back(run->child.pid);
    if (groups.empty()) {
      next_sample_.reset();
      return;
    }
    auto usage = sample_process_groups(groups);
    auto now = steady::now();
    for (auto& [key, run] : runs_) {
      if (run->aborted) continue;
      group_usage u;
      if (auto it = usage.find(run->child.pid); it != usage.end()) u = it->second;
      record_usage(*run, now, u);
      if (!run->limits || !run->limits->limits().needs_samples()) continue;
      if (auto why = run->limits->on_sample(now, u.cpu_seconds(), u.rss_bytes)) end_over_limit(*run, std::move(*why));
    }
    next_sample_ = now + k_usage_sample_interval;
  }

  // A sample of the run's group for live(): CPU in % of one core since the last sample (the time
  // of processes that ended unwaited is gone from the group's sum: never below 0), memory resident.
  void record_usage(active_run& run, steady::time_point now, const group_usage& u) {
    const double wall_s = std::chrono::duration<double>(now - run.sampled_at).count();
    const double cpu_s = u.cpu_seconds();
    const double percent = wall_s > 0 ? std::max(0.0, (cpu_s - run.sampled_cpu_s) / wall_s * 100) : 0;
    run.sampled_cpu_s = cpu_s;
    run.sampled_at = now;
    std::lock_guard lock(live_mu_);
    if (auto it = live_.find(run.p.req.run_id); it != live_.end()) {
      it->second.cpu.add(percent);
      it->second.mem.add(static_cast<double>(u.rss_bytes));
    }
  }

  // A limit was exceeded: the run ends as an abort does (finish() follows when the exit is seen),
  // failed "aborted: <why>".
  void end_over_limit(active_run& run, std::string why) {
    run.aborted = std::move(why);
    stop_group(run);
  }

  // The shell has exited (or is being stopped): kill what it left, keep the output, reap, report.
  // A forced_error (the runner stopping) replaces whatever the exit would have said.
  void finish(std::unordered_map<uint64_t, std::unique_ptr<active_run>>::iterator it,
              std::optional<std::string> forced_error = std::nullopt) {
    uint64_t key = it->first;
    std::unique_ptr<active_run> run = std::move(it->second);
    runs_.erase(it);
    without_pidfd_.erase(key);
    if (run->deadline) deadlines_.erase({*run->deadline, key});
    if (run->kill_at) kill_deadlines_.erase({*run->kill_at, key});

    // The unreaped shell keeps its pid and so its group id: killing the group is safe here.
    kill_group(*run);
    // What was written before the exit is in the pipes.
    read_output(*run, run->child.output_fd, k_reads_per_event);
    read_output(*run, run->child.error_fd, k_reads_per_event);
    unwatch(run->child.output_fd);
    unwatch(run->child.error_fd);
    if (run->p.req.progress_lines) {  // a last line without its newline
      lines_buf_.clear();
      run->stdout_lines.finish(lines_buf_, run->report, run->p.req.annotate_lines ? annotation_now() : std::string());
      run->tail.append(lines_buf_);
    }
    std::optional<run_live> last_seen;  // its last samples, kept with its outcome
    {
      std::lock_guard lock(live_mu_);
      if (auto it = live_.find(run->p.req.run_id); it != live_.end()) {
        last_seen = it->second;
        live_.erase(it);
      }
    }
    unwatch(run->child.pid_fd);
    int wait_status = 0;
    pid_t r;
    do {
      r = waitpid(run->child.pid, &wait_status, 0);
    } while (r < 0 && errno == EINTR);
    int wait_errno = errno;
    // Only now: the group is killed and its leader reaped, so there is nothing left to end.
    if (run->ledger_slot) ledger_->remove(*run->ledger_slot);

    run_outcome out = failed_outcome(run->p.req, run->start_time, "");
    out.output_tail = run->tail.str();
    if (forced_error) {
      out.error = std::move(*forced_error);
    } else if (run->aborted) {
      out.error = "aborted: " + *run->aborted;
    } else if (run->timed_out) {
      out.result = run_result::timed_out;
      out.error = "timed out after " + std::to_string(run->p.req.timeout.count()) + " ms";
    } else if (r < 0) {
      out.error = "exit status lost: " + std::string(std::strerror(wait_errno));
    } else if (run->report.completed) {
      // The command reported its end (json_lines): that, not its exit, is the outcome.
      out.code = run->report.code;
      out.result = out.code == 0 ? run_result::succeeded : run_result::failed;
      // Cronicle's words for a failure reported without a description (finishLocalJob).
      if (out.code != 0)
        out.error = run->report.description.empty() ? "Unknown Error (no description provided)" : run->report.description;
    } else {
      describe_exit(wait_status, run->p.req.stderr_apart ? run->stderr_line.line() : std::nullopt, out);
    }
    out.reported = reported_of(*run, out.result == run_result::succeeded, last_seen);
    release_slot();
    call(run->p.done, std::move(out));
  }

  // What the run reported of itself (run_outcome::reported): its JSON reports' fields and, as
  // Cronicle's shellplug adds when the script's exit ends it, its stderr as "Error Output" html
  // unless the script sent html of its own; and its last CPU and memory samples, when it ran long
  // enough to be sampled (as Cronicle keeps a finished job's cpu and mem).
  static std::string reported_of(active_run& run, bool succeeded, const std::optional<run_live>& last_seen) {
    stdout_report& report = run.report;
    if (run.p.req.stderr_apart && !report.completed && !report.sent_html)
      if (std::string html = error_output_html(run.stderr_start.text()); !html.empty())
        report.fields["html"] = {{"title", "Error Output"}, {"content", std::move(html)}};
    if (last_seen && last_seen->cpu.count > 0) report.fields["cpu"] = usage_json(last_seen->cpu, false);
    if (last_seen && last_seen->mem.count > 0) report.fields["mem"] = usage_json(last_seen->mem, true);
    return reported_fields(report, succeeded);
  }

  void stop_all() {
    for (auto& [key, run] : runs_) kill_group(*run);
    while (!runs_.empty()) finish(runs_.begin(), "runner stopped");
    // Fail every queued run, including ones that callbacks queue meanwhile, then refuse more.
    for (;;) {
      std::deque<pending_run> batch;
      {
        std::lock_guard lock(mu_);
        if (queue_.empty()) {
          closed_ = true;
          return;
        }
        batch.swap(queue_);
      }
      for (pending_run& p : batch) call(p.done, failed_outcome(p.req, now_ms(), "runner stopped"));
    }
  }

  // -- helpers --

  // Opens the process ledger, which ends what a runner of an earlier process left running. Its
  // path is no secret; no command, nor anything else of a run, is logged.
  void open_ledger(const std::string& path) {
    process_ledger::leftovers found;
    auto ledger = process_ledger::open(path, max_running_, &found);
    if (!ledger.ok()) {
      spdlog::warn("shell runs: {}; running without a process ledger: should this process be killed "
                   "outright, its shell runs' processes are not ended at the next start",
                   ledger.status().message());
      return;
    }
    ledger_ = std::move(ledger).value();
    if (found.ended > 0)
      spdlog::warn("shell runs: ended {} process group(s) that an earlier process left running, {} of them after "
                   "their shell had exited (process ledger {})",
                   found.ended, found.leaderless, path);
    if (found.refused > 0)
      spdlog::warn("shell runs: process ledger {}: {} process group(s) an earlier process left running may not be "
                   "signalled by this one (another user's); left running", path, found.refused);
    if (found.gone + found.invalid > 0)
      spdlog::info("shell runs: process ledger {}: {} recorded group(s) already ended, "
                   "{} damaged record(s); left alone", path, found.gone, found.invalid);
    if (found.owner_alive > 0)
      spdlog::warn("shell runs: process ledger {} was written by a process that still runs (a copy of a live "
                   "server's data dir?): its {} process group(s) are that process's runs, left running",
                   path, found.owner_alive);
  }

  // How long epoll may sleep: until the next deadline, SIGKILL, exit poll or sample; -1 = none.
  int wait_ms() const {
    int ms = -1;
    auto until = [&](steady::time_point t, long long cap_ms) {
      auto left_ms = std::chrono::ceil<std::chrono::milliseconds>(t - steady::now()).count();
      int wait = static_cast<int>(std::clamp<long long>(left_ms, 0, cap_ms));
      ms = ms < 0 ? wait : std::min(ms, wait);
    };
    if (!deadlines_.empty()) until(deadlines_.begin()->first, 60'000);
    if (!kill_deadlines_.empty()) until(kill_deadlines_.begin()->first, 60'000);
    if (!without_pidfd_.empty()) ms = ms < 0 ? k_exit_poll_ms : std::min(ms, k_exit_poll_ms);
    if (next_sample_) until(*next_sample_, k_usage_sample_interval.count());
    return ms;
  }

  void kill_group(const active_run& run) { signal_group(run, SIGKILL); }

  void set_progress(const active_run& run, double progress) {
    std::lock_guard lock(live_mu_);
    if (auto it = live_.find(run.p.req.run_id); it != live_.end()) it->second.progress = progress;
  }

  // What the run's reports set so far, for live(): written once here, shared with every reader.
  void set_reported(const active_run& run) {
    auto reported = std::make_shared<const std::string>(reported_fields(run.report, false));
    std::lock_guard lock(live_mu_);
    if (auto it = live_.find(run.p.req.run_id); it != live_.end()) it->second.reported = std::move(reported);
  }

  void signal_group(const active_run& run, int sig) {
    kill(-run.child.pid, sig);
    kill(run.child.pid, sig);  // in case the shell left its own group
  }

  // Ends a run that has not ended by itself: SIGTERM to its group, SIGKILL after the grace
  // (at once without one). Asked again while the grace runs, it changes nothing.
  void stop_group(active_run& run) {
    if (kill_grace_.count() == 0) return kill_group(run);
    if (run.kill_at) return;
    signal_group(run, SIGTERM);
    run.kill_at = steady::now() + kill_grace_;
    kill_deadlines_.emplace(*run.kill_at, run.key);
  }

  bool watch(int fd, uint64_t tag) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag;
    return epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0;
  }

  // Unregisters before closing: a child between its spawn and exec may briefly hold a copy of
  // the descriptor, which would keep a closed-only registration alive.
  void unwatch(int& fd) {
    if (fd < 0) return;
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
    fd = -1;
  }

  void release_slot() {
    std::lock_guard lock(mu_);
    --running_;
  }

  void signal_wake() {
    uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof one);
  }

  // -- member variables --

  const std::size_t max_running_;
  const std::chrono::milliseconds kill_grace_;
  const std::vector<std::string> base_env_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;

  // Shared with start() and the observers; guarded by mu_.
  mutable std::mutex mu_;
  std::deque<pending_run> queue_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  bool closed_ = false;
  bool wake_pending_ = false;  // an eventfd write is on its way to the thread
  std::vector<std::pair<uint64_t, std::string>> aborts_;  // run ids to end, and why
  std::vector<std::pair<uint64_t, run_adjustment>> adjustments_;  // running runs' new limits
  std::string setup_error_;    // set only by the constructor

  // What each running command shows of itself (live()), by run id; written by the thread.
  mutable std::mutex live_mu_;
  std::unordered_map<uint64_t, run_live> live_;

  // Owned by the thread.
  std::unordered_map<uint64_t, std::unique_ptr<active_run>> runs_;
  std::set<std::pair<steady::time_point, uint64_t>> deadlines_;
  std::set<std::pair<steady::time_point, uint64_t>> kill_deadlines_;  // SIGTERM sent, SIGKILL due
  std::set<uint64_t> without_pidfd_;
  std::optional<steady::time_point> next_sample_;  // set while a command runs
  uint64_t next_key_ = 1;
  std::unique_ptr<char[]> read_buf_ = std::make_unique<char[]>(k_read_chunk);
  std::string lines_buf_;  // a read's output once its progress lines are out (reused)
  std::unique_ptr<process_ledger> ledger_;  // null: none (set by the constructor only)

  std::thread thread_;
};

shell_runner::shell_runner(std::size_t max_concurrent, std::chrono::milliseconds kill_grace,
                           const std::string& ledger_path)
    : impl_(std::make_unique<impl>(max_concurrent, kill_grace, ledger_path)) {}
shell_runner::~shell_runner() = default;

void shell_runner::start(run_request req, run_callback done) {
  impl_->start(std::move(req), std::move(done));
}
void shell_runner::abort(uint64_t run_id, std::string why) { impl_->abort(run_id, std::move(why)); }
void shell_runner::adjust(uint64_t run_id, run_adjustment change) { impl_->adjust(run_id, change); }
std::optional<run_live> shell_runner::live(uint64_t run_id) const { return impl_->live(run_id); }
std::size_t shell_runner::running() const { return impl_->running(); }
std::size_t shell_runner::queued() const { return impl_->queued(); }

}  // namespace mainspring
