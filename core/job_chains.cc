#include "core/job_chains.h"

namespace mainspring {

job_chains::flag_changes job_chains::set_parent(const std::string& child, const std::string& parent) {
  flag_changes changes;
  auto old = parent_of_.find(child);
  if (old != parent_of_.end()) {
    if (old->second == parent) return changes;
    auto count = child_count_.find(old->second);
    if (--count->second == 0) {
      changes.emplace_back(old->second, false);
      child_count_.erase(count);
    }
    parent_of_.erase(old);
  }
  if (parent.empty()) return changes;
  parent_of_.emplace(child, parent);
  if (++child_count_[parent] == 1) changes.emplace_back(parent, true);
  return changes;
}

std::string job_chains::parent_of(const std::string& child) const {
  auto it = parent_of_.find(child);
  return it == parent_of_.end() ? std::string() : it->second;
}

std::vector<std::string> job_chains::children_of(const std::string& parent) const {
  std::vector<std::string> out;
  if (!has_children(parent)) return out;
  for (const auto& [child, p] : parent_of_)
    if (p == parent) out.push_back(child);
  return out;
}

bool job_chains::would_cycle(const std::string& child, const std::string& parent) const {
  // Walk up from the new parent; a chain is at most as long as the links recorded.
  std::string at = parent;
  for (std::size_t steps = 0; !at.empty() && steps <= parent_of_.size(); ++steps) {
    if (at == child) return true;
    at = parent_of(at);
  }
  return false;
}

}  // namespace mainspring
