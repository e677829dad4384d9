// job_lists: building a group's job lists and pages from its job handles, by reading each job's
// state (read_job_view) instead of asking it: no message per job, nothing queued behind fires.
//
// The group takes a job_snapshot (its handles in id order and a copy of its chains) on its own
// thread, then hands it to the list worker (list_worker.h), which calls these.
//
// Example:
//   job_snapshot snap = ...;                         // on the group's thread
//   lists->post([snap = std::move(snap), query, reply] {
//     reply(page_of(read_all(snap), query));
//   });
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "actors/scheduler_api.h"
#include "core/job_chains.h"
#include "core/rank_index.h"

namespace mainspring {

// A job in its group's id order: its id (the key in the group's map) and its actor as a plain
// pointer (the map's handle keeps it alive), for lists to copy without touching the actor.
struct job_ref {
  const std::string* id;
  caf::abstract_actor* actor;
};

// Orders job_refs by job id.
struct by_job_id {
  bool operator()(const job_ref& a, const job_ref& b) const { return *a.id < *b.id; }
};

using job_order = rank_index<job_ref, by_job_id>;

struct job_snapshot {
  // The group's id order, frozen (O(jobs / k_chunk) on the group's thread). Read only each ref's
  // actor: an id may be gone with its job. Plain pointers: taking a reference on a million
  // actors held the group's thread for seconds (a cache miss each); the group keeps every one of
  // them alive while `keep_alive` is shared, even the jobs it forgets meanwhile (group_actor.cc,
  // retire()).
  job_order::frozen jobs;
  std::shared_ptr<const void> keep_alive;
  job_chains chains;  // to fill each view's dependents
};

// The views of the snapshot's jobs that still exist, in its order, with their dependents.
std::vector<job_view> read_all(const job_snapshot& snapshot);

// Calls `visit` with the view of each of the snapshot's jobs that still exists, in its order, with
// its dependents, one view at a time (at_most = the snapshot's size); answers how many.
std::size_t visit_all(const job_snapshot& snapshot, const job_visitor& visit);

// Every run in flight of the snapshot's jobs that still exist, newest run id first.
std::vector<run_record> runs_in_flight(const job_snapshot& snapshot);

// Every retry of the snapshot's jobs waiting for its delay (read_retries_due of each).
std::vector<waiting_retry> retries_waiting(const job_snapshot& snapshot);

// `views` with their dependents, from `chains`.
void add_dependents(std::vector<job_view>& views, const job_chains& chains);

// Whether `view` passes the query's filters (q, state).
bool matches(const job_view& view, const job_page_query& query);

// The page `query` asks for from `views` (ordered by id): filtered, sorted, sliced.
job_page page_of(std::vector<job_view> views, const job_page_query& query);

// Checks a query's bounds: limit 1..k_max_page_jobs.
status validate_page_query(const job_page_query& query);

}  // namespace mainspring
