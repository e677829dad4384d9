#include "http/dkron/restore_plan.h"

#include <unordered_map>

#include "http/dkron/job_json.h"

namespace mainspring::http::dkron {

namespace {

// Go's encoding/json, unmarshalling into Dkron's []*Job.
status not_jobs(const nlohmann::json& value) {
  return status::invalid_argument(std::string("json: cannot unmarshal ") +
                                  (value.is_number() ? "number" : value.type_name()) +
                                  " into Go value of type []*dkron.Job");
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
    if (it == by_name.end()) return status::invalid_argument("the job doesn't have a parent job set");
    plan.children[it->second].push_back(i);
  }
  return plan;
}

}  // namespace mainspring::http::dkron
