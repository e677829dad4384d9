// history_reader: turns the stored runs of one job, read in any order, into the stored_history a
// start gives back to the job (core/run_tally.h): the last tally written (the one counting the
// most runs: runs of one job end in any order, so the run with the largest id need not be the
// last written), the runs without a tally it does not cover, and the run that ended last.
//
// The ring scan (state_store_retention.cc) feeds it each run value of a job as it walks the
// job's keys, and calls finish() when it reaches the next job. Unreadable values are passed
// over (the reads skip and count them too). A run stored twice (under its id and in a slot)
// counts once.
//
// Example:
//   history_reader reader;
//   for (value : runs of job) reader.add(value);
//   if (auto h = reader.finish()) deliver(group, job, std::move(*h));
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/run_record.h"
#include "core/run_tally.h"

namespace mainspring {

class history_reader {
 public:
  // One stored run value of the job being read.
  void add(std::string_view value);
  // The job's history (its newest run without group and job id), or none when no value was
  // readable; then ready for the next job.
  std::optional<stored_history> finish();

 private:
  std::vector<untallied_run> untallied_;
  std::optional<run_tally> tally_;
  uint64_t tally_run_id_ = 0;  // of the run that carried tally_ (ties: the larger id wins)
  std::string newest_value_;   // the run that ended last (ties: the larger id)
  int64_t newest_end_ms_ = 0;
  uint64_t newest_id_ = 0;
  bool any_ = false;
  run_record scratch_;
  std::optional<run_tally> scratch_tally_;
};

}  // namespace mainspring
