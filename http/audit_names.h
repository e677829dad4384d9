// audit_names: the name a job had at each of its audit entries, for a dialect that shows its
// group's audit log in its own shape (ndscheduler's /api/v1/logs, Cronicle's get_activity).
//
// An entry records the job's name of the moment when its change knew it (an add always; an edit
// or a delete when the dialect that made it gave one); a run, or an older entry, records none.
// Read oldest first, such an entry shows the name of the job's entry before it, else the job's
// current name.
//
// Example:
//   audit_job_names names(current);  // job id -> its name now
//   for (const audit_entry& e : entries)  // oldest first
//     show(e, names.name_at(e.job_id, recorded_name_of(e)));
#pragma once

#include <map>
#include <string>
#include <utility>

namespace mainspring::http {

class audit_job_names {
 public:
  // -- constructors --
  explicit audit_job_names(std::map<std::string, std::string> current) : current_(std::move(current)) {}

  // -- reading entries, oldest first --
  // The name the next entry of `job_id` shows: `recorded` when not empty, else the name last
  // shown for the job, else its current name ("" when it has none: a job gone since).
  std::string name_at(const std::string& job_id, std::string recorded);

 private:
  // -- member variables --
  std::map<std::string, std::string> current_;
  std::map<std::string, std::string> last_known_;
};

// The detail of a delete without the count the group adds to it ("<detail>: 1 job(s)" ->
// "<detail>"); "" when the detail was the count alone; other details unchanged.
std::string without_job_count(const std::string& detail);

}  // namespace mainspring::http
