#include "http/dkron/restore_plan.h"

#include <unordered_map>

#include "http/dkron/job_json.h"
#include "http/go_json.h"

namespace mainspring::http::dkron {

namespace {

// Dkron's ErrNoParent, which its restore answers for a parent not in the file and for a loop.
constexpr const char* k_no_parent = "the job doesn't have a parent job set";

// Go's encoding/json, unmarshalling into Dkron's []*Job.
status not_jobs(const nlohmann::json& value) {
  return status::invalid_argument(std::string("json: cannot unmarshal ") +
                                  go_json_kind(value) +
                                  " into Go value of type []*dkron.Job");
}

// How many jobs hang under the roots, at any depth. Every job with a parent_job hangs under it
// (plan_restore checked that the parent is in the file), so the jobs below no root are those
// whose chain of parents loops.
std::size_t jobs_under_roots(const restore_plan& plan) {
  std::vector<std::size_t> to_visit(plan.roots.begin(), plan.roots.end());
  std::size_t reached = 0;
  while (!to_visit.empty()) {
    std::size_t i = to_visit.back();
    to_visit.pop_back();
    ++reached;
    to_visit.insert(to_visit.end(), plan.children[i].begin(), plan.children[i].end());
  }
  return reached;
}

}  // namespace

status_or<restore_plan> plan_restore(const nlohmann::json& file, const std::string& group,
                                     std::string_view default_zone, int64_t now_ms) {
  if (!file.is_array()) return not_jobs(file);
  restore_plan plan;
  plan.jobs.reserve(file.size());
  std::unordered_map<std::string, std::size_t> by_name;  // the first job of each name
  for (const auto& item : file) {
    if (!item.is_object()) return not_jobs(item);
    auto job = decode_job(item);
    if (!job.ok()) return job.status();
    auto spec = to_job_spec(*job, group);
    if (!spec.ok()) return status::invalid_argument(job->name + ": " + spec.status().message());
    spec->exec_time_s = first_exec_time_s(*spec, job->starts_at, default_zone, now_ms);  // as POST /v1/jobs
    by_name.emplace(spec->id, plan.jobs.size());
    plan.jobs.push_back(std::move(spec).value());
  }
  plan.children.resize(plan.jobs.size());
  for (std::size_t i = 0; i < plan.jobs.size(); ++i) {
    const std::string& parent = plan.jobs[i].parent_job;
    if (parent.empty()) {
      plan.roots.push_back(i);
      continue;
    }
    auto it = by_name.find(parent);
    if (it == by_name.end()) return status::invalid_argument(k_no_parent);
    plan.children[it->second].push_back(i);
  }
  // Dkron's generateJobTree finds no place for the last job of a loop and answers ErrNoParent.
  if (jobs_under_roots(plan) != plan.jobs.size()) return status::invalid_argument(k_no_parent);
  return plan;
}

}  // namespace mainspring::http::dkron
