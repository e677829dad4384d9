// restore_plan: the jobs of a Dkron restore file (POST /v1/restore) checked and put in the order
// Dkron sets them. Dkron's generateJobTree validates every job first (one bad job refuses the whole
// file, nothing is set), hangs each job under its parent_job, which must be in the same file (a
// chain that loops hangs under no top-level job: the file is refused too), and
// recursiveSetJob then sets each top-level job followed by its children, depth first; the children
// of a job that could not be set are not tried.
//
// Example:
//   auto plan = plan_restore(nlohmann::json::parse(file), "dkron", "UTC", now);   // 400 on any bad job
//   for (std::size_t i : plan->roots) set(plan->jobs[i]);             // then plan->children[i]
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/job.h"
#include "core/status.h"

namespace mainspring::http::dkron {

// The largest POST /v1/restore body (413 above it): Go's ParseMultipartForm keeps 32 MB in memory.
inline constexpr std::size_t k_max_restore_body_bytes = 32 * 1024 * 1024;

struct restore_plan {
  std::vector<job_spec> jobs;                     // in the file's order, ready to create or update
  std::vector<std::vector<std::size_t>> children; // per job: the jobs whose parent_job it is
  std::vector<std::size_t> roots;                 // the jobs without a parent_job, in file order
};

// Reads `file` (a JSON array of Dkron jobs) into a plan for `group`. invalid_argument, with
// Dkron's words, when it is not an array of objects, when a job fails decode_job or to_job_spec
// (its name leads the message), or when a job's parent_job is not in the file or its chain of
// parents loops ("the job doesn't have a parent job set", Dkron's ErrNoParent for both). Each job starts as one created through POST
// /v1/jobs at `now_ms` does (first_exec_time_s: its schedule's next fire, or its first at or
// after its starts_at); `default_zone` is the zone of a job without a timezone.
status_or<restore_plan> plan_restore(const nlohmann::json& file, const std::string& group,
                                     std::string_view default_zone, int64_t now_ms);

}  // namespace mainspring::http::dkron
