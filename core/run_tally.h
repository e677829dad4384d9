// run_tally: a job's counts of its runs and the times of its last success and last error, as
// kept with its run history so that they outlive a restart.
//
// The job actor counts as its runs finish (runs = successes + failures). Each run it writes to
// the store carries the tally after that run (storage/run_value.h); at the next start the store's
// ring scan gives each job back the last tally written, with what it can read from the runs
// written before the job knew its stored tally (stored_history below).
//
// Example:
//   run_tally stored = history.tally;     // what the store read back
//   run_tally since_start = ...;          // counted by this process
//   since_start.add(stored);              // counts add up, times keep the later
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/run_record.h"

namespace mainspring {

struct run_tally {
  uint64_t successes = 0;
  uint64_t failures = 0;        // failed + timed out
  uint64_t skipped = 0;         // fires skipped (overlap under forbid, misfire skip)
  uint64_t retries = 0;         // retry runs started
  int64_t last_success_ms = 0;  // end of the last successful run, unix ms; 0 = never
  int64_t last_error_ms = 0;    // end of the last failed or timed-out run; 0 = never
  // The id of the newest run the job had started when this tally was taken: a stored run
  // without a tally and with a smaller id was counted in it (stored_history).
  uint64_t newest_started_id = 0;

  uint64_t runs() const { return successes + failures; }

  // Adds `other`'s counts and keeps the later of each time (and the newer newest_started_id).
  void add(const run_tally& other) {
    successes += other.successes;
    failures += other.failures;
    skipped += other.skipped;
    retries += other.retries;
    last_success_ms = std::max(last_success_ms, other.last_success_ms);
    last_error_ms = std::max(last_error_ms, other.last_error_ms);
    newest_started_id = std::max(newest_started_id, other.newest_started_id);
  }

  // Counts one finished run as the job does (a retry run counts as a retry too: the job counts
  // a retry as it starts, and a stored run is one that finished).
  void count(run_state state, run_trigger trigger, int64_t end_ms) {
    if (state == run_state::running || state == run_state::skipped) return;
    if (trigger == run_trigger::retry) ++retries;
    if (state == run_state::succeeded) {
      ++successes;
      last_success_ms = std::max(last_success_ms, end_ms);
    } else {
      ++failures;
      last_error_ms = std::max(last_error_ms, end_ms);
    }
  }

  bool operator==(const run_tally&) const = default;
};

// A stored run that carries no tally: written before its job knew its stored tally (after a
// start, until the ring scan reached the job), or by a node for a run it reported late.
struct untallied_run {
  uint64_t run_id = 0;
  run_state state = run_state::succeeded;
  run_trigger trigger = run_trigger::schedule;
  int64_t end_ms = 0;
};

// What a start reads back of one job's stored runs (storage/history_reader.h): the last tally
// written (the one counting the most runs: counts only grow, and a clear erases the runs with
// them), the runs without a tally that it does not cover (started after it was taken: by a
// process that stopped before its job learnt its tally), and the run that ended last.
//
// The scan may also see runs this process wrote before the job heard of its history: their ids
// are from this process's first id on (ids grow). The job counts those itself, so it takes
// tally_before(that first id) and adds its own counts.
struct stored_history {
  run_tally tally;                       // the last one written; zero when no run carried one
  std::vector<untallied_run> untallied;  // not covered by it, by id
  std::optional<run_record> newest;      // the run that ended last, with its group and job id

  // The tally of the stored runs with ids below `process_first_id`.
  run_tally tally_before(uint64_t process_first_id) const {
    run_tally t = tally;
    for (const auto& r : untallied)
      if (r.run_id < process_first_id) t.count(r.state, r.trigger, r.end_ms);
    return t;
  }
};

}  // namespace mainspring
