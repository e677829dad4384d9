// job_chains: which jobs of a group run after which (job_spec::parent_job), for the group actor.
//
// A job with a parent runs each time its parent succeeds (Dkron's parent_job / dependent_jobs).
// The group keeps the links here: only jobs that have a parent cost anything. Changes answer the
// parents whose "has dependents" flag flipped, so that the group can tell those job actors (a job
// only reports its successes to the group when someone depends on it).
//
// Example:
//   job_chains chains;
//   chains.set_parent("report", "extract");        // {{"extract", true}}: extract now has a child
//   chains.would_cycle("extract", "report");       // true: extract -> report -> extract
//   chains.children_of("extract");                 // {"report"}
//   chains.forget("report");                       // {{"extract", false}}
#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mainspring {

class job_chains {
 public:
  // A parent whose "has dependents" flag changed, and its new value.
  using flag_changes = std::vector<std::pair<std::string, bool>>;

  // Makes `parent` the parent of `child` ("" = none), replacing its previous one.
  flag_changes set_parent(const std::string& child, const std::string& parent);
  // Forgets `job` as a child (its own children keep their link, now to a missing parent).
  flag_changes forget(const std::string& job) { return set_parent(job, ""); }

  // -- queries --
  std::string parent_of(const std::string& child) const;
  bool has_children(const std::string& parent) const { return child_count_.count(parent) != 0; }
  // In no particular order.
  std::vector<std::string> children_of(const std::string& parent) const;
  // True when `parent` is `child` or descends from it: the link would close a loop.
  bool would_cycle(const std::string& child, const std::string& parent) const;

 private:
  std::unordered_map<std::string, std::string> parent_of_;  // child -> parent
  std::unordered_map<std::string, int> child_count_;        // parent -> children (> 0)
};

}  // namespace mainspring
