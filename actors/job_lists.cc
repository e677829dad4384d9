#include "actors/job_lists.h"

#include <algorithm>
#include <cstdint>

#include "actors/job_actor.h"

namespace mainspring {

namespace {

// The view's dependents, sorted, from `chains`.
void add_dependents(job_view& view, const job_chains& chains) {
  if (!chains.has_children(view.spec.id)) return;
  view.dependents = chains.children_of(view.spec.id);
  std::sort(view.dependents.begin(), view.dependents.end());
}

}  // namespace

void add_dependents(std::vector<job_view>& views, const job_chains& chains) {
  for (auto& v : views) add_dependents(v, chains);
}

std::vector<job_view> read_all(const job_snapshot& snapshot) {
  std::vector<job_view> views;
  views.reserve(snapshot.jobs.size());
  snapshot.jobs.for_each([&](const job_ref& job) {
    if (auto v = read_job_view(job.actor)) views.push_back(std::move(*v));
  });
  add_dependents(views, snapshot.chains);
  return views;
}

std::size_t visit_all(const job_snapshot& snapshot, const job_visitor& visit) {
  std::size_t visited = 0;
  snapshot.jobs.for_each([&](const job_ref& job) {
    auto v = read_job_view(job.actor);
    if (!v) return;
    add_dependents(*v, snapshot.chains);
    visit(*v, snapshot.jobs.size());
    ++visited;
  });
  return visited;
}

std::vector<run_record> runs_in_flight(const job_snapshot& snapshot) {
  std::vector<run_record> runs;
  snapshot.jobs.for_each([&](const job_ref& job) {
    for (auto& run : read_runs_in_flight(job.actor)) runs.push_back(std::move(run));
  });
  std::sort(runs.begin(), runs.end(), [](const run_record& a, const run_record& b) { return a.run_id > b.run_id; });
  return runs;
}

std::vector<waiting_retry> retries_waiting(const job_snapshot& snapshot) {
  std::vector<waiting_retry> out;
  snapshot.jobs.for_each([&](const job_ref& job) {
    for (auto& retry : read_retries_due(job.actor)) out.push_back(std::move(retry));
  });
  return out;
}

bool matches(const job_view& view, const job_page_query& query) {
  if (query.state && view.phase != *query.state) return false;
  if (query.q.empty()) return true;
  return view.spec.id.find(query.q) != std::string::npos || view.spec.name.find(query.q) != std::string::npos;
}

// last_outcome's rank: a failed or timed-out last run first, then a success, then no run.
int outcome_rank(const job_view& v) {
  if (!v.last_run) return 2;
  return v.last_run->state == run_state::succeeded ? 1 : 0;
}

job_page page_of(std::vector<job_view> views, const job_page_query& query) {
  views.erase(std::remove_if(views.begin(), views.end(), [&](const job_view& v) { return !matches(v, query); }),
              views.end());
  using order = job_page_query::order;
  if (query.sort == order::id_desc) {
    std::reverse(views.begin(), views.end());  // read_all gives them in id order
  } else if (query.sort == order::name) {
    std::stable_sort(views.begin(), views.end(), [](const job_view& a, const job_view& b) { return a.spec.name < b.spec.name; });
  } else if (query.sort == order::next_fire) {
    std::stable_sort(views.begin(), views.end(), [](const job_view& a, const job_view& b) {
      return a.next_fire_ms.value_or(INT64_MAX) < b.next_fire_ms.value_or(INT64_MAX);
    });
  } else if (query.sort == order::last_outcome) {
    std::stable_sort(views.begin(), views.end(), [](const job_view& a, const job_view& b) {
      int ra = outcome_rank(a), rb = outcome_rank(b);
      if (ra != rb) return ra < rb;
      return (a.last_run ? a.last_run->start_ms : 0) > (b.last_run ? b.last_run->start_ms : 0);
    });
  }
  job_page page;
  page.total = views.size();
  const std::size_t from = std::min(query.offset, views.size());
  const std::size_t to = std::min(views.size(), from + query.limit);
  page.jobs.assign(std::make_move_iterator(views.begin() + static_cast<std::ptrdiff_t>(from)),
                   std::make_move_iterator(views.begin() + static_cast<std::ptrdiff_t>(to)));
  return page;
}

status validate_page_query(const job_page_query& query) {
  if (query.limit < 1 || query.limit > k_max_page_jobs)
    return status::invalid_argument("limit: must be between 1 and " + std::to_string(k_max_page_jobs));
  return {};
}

}  // namespace mainspring
