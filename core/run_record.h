// run_record: what Mainspring remembers of one run of a job.
//
// Every run is recorded with its planned time, start, end, outcome and output tail, so that
// job detail, the executions list of each dialect and the metrics all read the same facts.
//
// Example:
//   run_record r;
//   r.run_id = ids.next(now_ms()); r.plan_ms = plan; r.trigger = run_trigger::schedule;
//   r.state = run_state::running; r.start_ms = to_unix_ms(now_ms());
//   int64_t late = r.lateness_ms();   // start - plan
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace mainspring {

struct run_override;  // core/job.h

enum class run_state { running, succeeded, failed, timed_out, skipped };
enum class run_trigger { schedule, manual, retry, misfire, parent };  // parent: its parent job succeeded

const char* run_state_name(run_state s);      // "running", "succeeded", ...
const char* run_trigger_name(run_trigger t);  // "schedule", "manual", "retry", "misfire", "parent"

// What started a run, beyond its trigger, when that is worth keeping with it: the API key that
// asked for a manual run, or the run whose end started a chained one (trigger parent). Dialects
// show it (Cronicle's source, source_event, source_job, chain_code, chain_description). Null for
// nearly every run.
struct run_cause {
  std::string by;  // a manual run: the title of the API key that asked ("" = not known)
  // A chained run: the job whose run ended, its name then, that run and how it ended.
  std::string after_job;
  std::string after_name;
  uint64_t after_run_id = 0;
  uint8_t after_kind = 0;  // its executor_kind (core/executor_target.h)
  run_state after_state = run_state::succeeded;
  int after_code = 0;
  std::string after_error;  // at most k_max_cause_error_bytes
  // What that run passed on (Cronicle's chain_data, from its reports: run_record::reported), a
  // JSON value's text; "" = none.
  std::string after_data;
  // The params it gave this run (Cronicle's chain_params), a JSON object's text; "" = none. A
  // dialect turns them into this run's own fields (job_context::chain_params).
  std::string after_params;

  bool operator==(const run_cause&) const = default;
};

// The longest error text of the run a cause names: a line is what a dialect shows of it.
inline constexpr std::size_t k_max_cause_error_bytes = 1024;

// Samples of one figure of a running run, as Cronicle keeps a job's cpu and mem.
struct usage_stats {
  double min = 0, max = 0, total = 0, current = 0;
  uint32_t count = 0;  // samples taken; the others are 0 until the first

  void add(double sample) {
    min = count == 0 ? sample : std::min(min, sample);
    max = count == 0 ? sample : std::max(max, sample);
    total += sample;
    current = sample;
    ++count;
  }
  bool operator==(const usage_stats&) const = default;
};

// What a run in flight shows of itself while it runs, from its executor (a local shell run's):
// its process, its progress and other reports as its command made them
// (shell_target::progress_lines, json_lines), and what its processes use, sampled about once a
// second.
struct run_live {
  int pid = 0;          // the shell's process id (its process group's id)
  double progress = 0;  // 0..1; 0 until the command reports some
  usage_stats cpu;      // % of one core, over each second before a sample
  usage_stats mem;      // resident bytes
  // What its reports set so far, as run_record::reported holds it once it ends; null for none.
  std::shared_ptr<const std::string> reported;

  bool operator==(const run_live&) const = default;
};

// The largest output tail kept per run (stdout+stderr of a command, body of an HTTP reply): a
// runner keeps the last this many bytes and drops what came before (executors/output_tail.h).
inline constexpr std::size_t k_max_output_tail_bytes = 64 * 1024;

struct run_record {
  uint64_t run_id = 0;
  std::string job_id;
  std::string group;
  run_trigger trigger = run_trigger::schedule;
  int attempt = 0;            // 0 for the first try, 1.. for retries
  run_state state = run_state::running;
  // The store holds a marker of this run while it is in flight here (storage: put_in_flight), for
  // a start after a crash to record it; the write that records the run deletes it. Not stored.
  bool marker_stored = false;
  int64_t plan_ms = 0;        // when the schedule wanted it
  int64_t start_ms = 0;       // when the executor got it
  int64_t end_ms = 0;         // 0 while running
  int code = 0;               // exit code or HTTP status
  std::string output_tail;
  std::string error;
  std::string node;           // the worker node a REMOTE@ run ran on ("" = this server)
  // The run's own fields (Cronicle's run_event or update_job with fields of its own), kept with
  // its finished record so that the job shows them once it has ended; null for nearly every run.
  // Shared, not copied: a run record is copied into replies and views, its own fields never
  // change once it has ended.
  std::shared_ptr<const run_override> own_fields;
  // What started it, when more than its trigger says (run_cause); shared for the same reason.
  std::shared_ptr<const run_cause> cause;
  // What its command reported of itself beyond its outcome, a JSON object's text (Cronicle's
  // JSON reports: perf, table, html, label, chain..., a success's description; its
  // shellplug's "Error Output": core/progress_lines.h reported_fields), and a shell run's last cpu
  // and mem samples; null for nearly every run. Read back with reported_object.
  std::shared_ptr<const std::string> reported;

  int64_t lateness_ms() const { return start_ms - plan_ms; }
  int64_t duration_ms() const { return end_ms > start_ms ? end_ms - start_ms : 0; }
  bool finished() const { return state != run_state::running; }

  template <class Archive>
  void serialize(Archive& ar) {
    ar(run_id, job_id, group, trigger, attempt, state, plan_ms, start_ms, end_ms, code,
       output_tail, error, node);
  }
};

}  // namespace mainspring
