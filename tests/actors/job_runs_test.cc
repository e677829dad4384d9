// job_runs' memory of finished runs: the runs a job keeps between their end and their lazy write
// reaching the store, and how merge_runs counts them against what the store returned.
#include <catch2/catch.hpp>

#include <vector>

#include "actors/job_runs.h"
#include "actors/job_state.h"

using namespace mainspring;

namespace {

run_record finished(uint64_t run_id, int64_t end_ms) {
  run_record r;
  r.run_id = run_id;
  r.job_id = "j";
  r.group = "g";
  r.state = run_state::succeeded;
  r.plan_ms = r.start_ms = end_ms - 10;
  r.end_ms = end_ms;
  return r;
}

std::vector<uint64_t> ids(const std::vector<run_record>& runs) {
  std::vector<uint64_t> out;
  for (const auto& r : runs) out.push_back(r.run_id);
  return out;
}

}  // namespace

TEST_CASE("runs that end together are all remembered until the store has them, and merged once") {
  job_state st;
  job_context ctx;
  keep_finished(st, finished_run::of(finished(7, 1000)));
  keep_finished(st, finished_run::of(finished(8, 1000)));
  keep_finished(st, finished_run::of(finished(6, 1002)));  // an older run that ended last
  REQUIRE(st.recent_finished);
  CHECK(st.recent_finished->size() == 2);

  // The store has none of them yet: all three, newest first.
  CHECK(ids(merge_runs(st, &ctx, {finished(5, 900)}, 10, 0)) == std::vector<uint64_t>{8, 7, 6, 5});
  // The store has two of them: none twice.
  CHECK(ids(merge_runs(st, &ctx, {finished(8, 1000), finished(7, 1000), finished(5, 900)}, 10, 0)) ==
        std::vector<uint64_t>{8, 7, 6, 5});
  // One run asked for by id (limit 1 below id + 1), as get_job_status does: the store's page holds
  // an older run, the remembered one is newer than it.
  CHECK(ids(merge_runs(st, &ctx, {finished(5, 900)}, 1, 8)) == std::vector<uint64_t>{7});
  // A full page of newer runs: a remembered run older than all of it is in the store, outside it.
  CHECK(ids(merge_runs(st, &ctx, {finished(20, 2000), finished(19, 1990)}, 2, 0)) == std::vector<uint64_t>{20, 19});
}

TEST_CASE("a remembered run that the store's cap has trimmed is not brought back") {
  job_state st;
  job_context ctx;
  ctx.max_runs_per_job = 2;
  for (uint64_t id = 1; id <= 5; ++id) keep_finished(st, finished_run::of(finished(id, 1000)));
  // The store has its last two; runs 1-3 finished before them and were trimmed.
  CHECK(ids(merge_runs(st, &ctx, {finished(5, 1000), finished(4, 1000)}, 100, 0)) == std::vector<uint64_t>{5, 4});
  // Before the writes land: the last two to finish, from memory.
  CHECK(ids(merge_runs(st, &ctx, {}, 100, 0)) == std::vector<uint64_t>{5, 4});
}

TEST_CASE("a run that ends long after the last one leaves only itself remembered") {
  job_state st;
  keep_finished(st, finished_run::of(finished(1, 1000)));
  keep_finished(st, finished_run::of(finished(2, 1050)));
  REQUIRE(st.recent_finished);
  keep_finished(st, finished_run::of(finished(3, 1050 + k_recent_finished_window_ms)));
  CHECK_FALSE(st.recent_finished);
  REQUIRE(st.last_finished);
  CHECK(st.last_finished->run_id == 3);
}

TEST_CASE("at most k_max_recent_finished earlier runs are remembered, the newest of them") {
  job_state st;
  for (uint64_t id = 1; id <= k_max_recent_finished + 5; ++id) keep_finished(st, finished_run::of(finished(id, 1000)));
  REQUIRE(st.recent_finished);
  CHECK(st.recent_finished->size() == k_max_recent_finished);
  CHECK(st.recent_finished->front().run_id == 5);
  CHECK(st.last_finished->run_id == k_max_recent_finished + 5);
}
