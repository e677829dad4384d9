// runtime_view: what the Cloudtask routes read about a runtime (a Mainspring group) in one
// answer: its Cloudtask jobs, its allocation table and its worker nodes; and finding a job by
// id across runtimes (Cloudtask's job ids are global, Mainspring's are per group).
//
// Example:
//   load_runtime(api, "myCluster", /*with_jobs=*/true, [](status_or<runtime_view> rt) {
//     for (const job_view& v : rt->jobs) render(v, rt->placement_of(v.spec.id));
//   });
//   find_job(api, "399d4b159c65c9b34d2a3c41", [](status_or<located_job> found) { ... });
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "actors/scheduler_api.h"
#include "http/cloudtask/job_json.h"

namespace mainspring::http::cloudtask {

struct runtime_view {
  std::string name;
  std::vector<job_view> jobs;  // the Cloudtask (REMOTE@*) jobs, by id; empty unless asked for
  allocation_view table;
  std::vector<node_view> nodes;  // every node of the group, up or down, by id

  // The node with id `id`, or null.
  const node_view* node(std::string_view id) const;
  // Where job `job_id` stands in the table.
  job_stat placement_of(std::string_view job_id) const;
  // Its entry version in the table; 0 when it is not placed.
  uint64_t entry_version(std::string_view job_id) const;
};

// True for the jobs the Cloudtask API shows: REMOTE@* jobs, placed by the allocation table.
bool is_cloudtask_job(const job_spec& spec);

// The runtime `group`; not_found when there is no such group.
void load_runtime(scheduler_api& api, std::string group, bool with_jobs, reply_fn<runtime_view> done);

// Every runtime, with its jobs, ordered by name, read one after the other (at most one list
// of this call on the list worker at a time). A group removed meanwhile is left out; any other
// failure (a list refused, unavailable) is the answer, never a list with runtimes missing.
void load_all_runtimes(scheduler_api& api, reply_fn<std::vector<runtime_view>> done);

struct located_job {
  job_view job;
  runtime_view runtime;  // without its jobs
};

// The Cloudtask job `job_id` in whichever runtime holds it; not_found "jobid: ..." otherwise.
void find_job(scheduler_api& api, std::string job_id, reply_fn<located_job> done);

}  // namespace mainspring::http::cloudtask
