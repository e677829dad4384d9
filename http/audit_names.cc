#include "http/audit_names.h"

namespace mainspring::http {

std::string audit_job_names::name_at(const std::string& job_id, std::string recorded) {
  if (recorded.empty()) {
    if (auto known = last_known_.find(job_id); known != last_known_.end()) recorded = known->second;
    else if (auto now = current_.find(job_id); now != current_.end()) recorded = now->second;
  }
  if (!recorded.empty()) last_known_[job_id] = recorded;
  return recorded;
}

std::string without_job_count(const std::string& detail) {
  if (!detail.ends_with(" job(s)")) return detail;
  auto colon = detail.rfind(": ");
  return colon == std::string::npos ? "" : detail.substr(0, colon);
}

}  // namespace mainspring::http
