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

// Job g/j, made at 1000 ms, as a start restores it: its stored history not read yet.
void as_restored_job(job_state& st) {
  job_spec spec;
  spec.group = "g";
  spec.id = "j";
  spec.created_ms = 1000;
  st.spec = compact_job_spec(spec);
  st.history_known = false;
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

TEST_CASE("a restored job adds its stored tally to what it counted since the start, once") {
  job_state st;
  st.history_known = false;  // restored, its history not read yet
  job_context ctx;
  ctx.process_first_id = 100;  // this process's runs have ids from 100 on
  // Since the start: one success (run 120) and one skipped fire.
  st.counts.successes = 1;
  st.counts.skipped = 1;
  st.counts.last_success_ms = 5000;
  st.counts.newest_started_id = 120;
  keep_finished(st, finished_run::of(finished(120, 5000)));

  stored_history h;
  h.tally.successes = 10;
  h.tally.failures = 2;
  h.tally.retries = 1;
  h.tally.last_success_ms = 3000;
  h.tally.last_error_ms = 3500;
  h.tally.newest_started_id = 60;
  h.untallied = {{70, run_state::failed, run_trigger::schedule, 4000},       // an earlier crash's
                 {110, run_state::succeeded, run_trigger::schedule, 4900}};  // this process's own
  h.newest = finished(110, 4900);
  adopt_history(st, &ctx, h);
  CHECK(st.history_known);
  CHECK(st.counts.successes == 11);
  CHECK(st.counts.failures == 3);
  CHECK(st.counts.runs() == 14);
  CHECK(st.counts.skipped == 1);
  CHECK(st.counts.retries == 1);
  CHECK(st.counts.last_success_ms == 5000);  // its own, later
  CHECK(st.counts.last_error_ms == 4000);
  CHECK(st.counts.newest_started_id == 120);  // what its next run is written with
  REQUIRE(st.last_finished);
  CHECK(st.last_finished->run_id == 120);  // a run ended since: it stays the last

  adopt_history(st, &ctx, h);  // told twice (or after a clear): nothing changes
  CHECK(st.counts.successes == 11);
}

TEST_CASE("a restored job that has not run since takes its stored run as its last one") {
  job_state st;
  st.history_known = false;
  job_context ctx;
  ctx.process_first_id = 100;
  stored_history h;
  h.tally.successes = 1;
  h.tally.last_success_ms = 900;
  h.newest = finished(50, 900);
  adopt_history(st, &ctx, h);
  REQUIRE(st.last_finished);
  CHECK(st.last_finished->run_id == 50);
  CHECK(st.counts.runs() == 1);

  job_state none;  // no stored run at all: told so once every history was given
  none.history_known = false;
  adopt_history(none, &ctx, stored_history{});
  CHECK(none.history_known);
  CHECK(none.counts.runs() == 0);
  CHECK_FALSE(none.last_finished);
}

TEST_CASE("runs a crash cut short wait for the job's stored counts, then count once as failed, interrupted") {
  job_state st;
  as_restored_job(st);
  job_context ctx;            // no store: the writes go nowhere
  ctx.process_first_id = 100;
  auto cut = [](uint64_t id, int64_t start_ms, int64_t end_ms) {
    run_record r = finished(id, end_ms);
    r.state = run_state::running;
    r.start_ms = start_ms;
    return r;
  };
  // Run 40 began before the job was made: a deleted job's of the same id, whose marker outlived it.
  // Run 60's marker carries the last heartbeat, which may be before its start: it ends at its start.
  restore_cut_short_runs(st, &ctx, {cut(50, 2000, 4000), cut(40, 900, 4000), cut(60, 4500, 4000)});
  REQUIRE(st.cut_short);
  CHECK(ids(*st.cut_short) == std::vector<uint64_t>{50, 60});
  CHECK(st.counts.runs() == 0);  // not before the stored tally: a record then would carry none
  CHECK_FALSE(st.last_finished);

  stored_history h;
  h.tally.successes = 3;
  h.tally.last_error_ms = 100;
  h.tally.newest_started_id = 60;
  h.newest = finished(30, 1500);
  adopt_history(st, &ctx, h);
  record_cut_short_runs(st, &ctx);
  CHECK_FALSE(st.cut_short);
  CHECK(st.counts.successes == 3);
  CHECK(st.counts.failures == 2);
  CHECK(st.counts.last_error_ms == 4500);
  REQUIRE(st.last_finished);
  CHECK(st.last_finished->run_id == 60);  // it ended last
  const run_record last = st.last_finished->record("j", "g");
  CHECK(last.state == run_state::failed);
  CHECK(last.error == k_interrupted_by_crash);
  CHECK(last.end_ms == 4500);

  record_cut_short_runs(st, &ctx);  // told again: nothing more
  CHECK(st.counts.failures == 2);
  // Cut-short runs given once the counts are known are recorded at once.
  restore_cut_short_runs(st, &ctx, {cut(70, 5000, 6000)});
  CHECK_FALSE(st.cut_short);
  CHECK(st.counts.failures == 3);
}

TEST_CASE("a retry run a crash cut short counts as a retry once, whether or not the stored tally covers it") {
  job_state st;
  as_restored_job(st);
  job_context ctx;
  ctx.process_first_id = 100;
  run_record retry = finished(50, 3000);
  retry.state = run_state::running;
  retry.trigger = run_trigger::retry;
  retry.attempt = 1;
  restore_cut_short_runs(st, &ctx, {retry});

  stored_history h;
  h.tally.failures = 1;  // the failed try before the retry
  h.tally.retries = 0;
  SECTION("no run recorded after the retry started: its count is not stored") {
    h.tally.newest_started_id = 40;
    adopt_history(st, &ctx, h);
    record_cut_short_runs(st, &ctx);
    CHECK(st.counts.retries == 1);
  }
  SECTION("a run recorded after the retry started carried its count") {
    h.tally.retries = 1;
    h.tally.newest_started_id = 55;
    adopt_history(st, &ctx, h);
    record_cut_short_runs(st, &ctx);
    CHECK(st.counts.retries == 1);
  }
  CHECK(st.counts.failures == 2);
}

TEST_CASE("a job's delete deletes the markers of its runs in flight and of its cut-short runs") {
  job_state st;
  run_record in_flight = finished(9, 1000);
  in_flight.state = run_state::running;
  in_flight.marker_stored = true;
  run_record remote = in_flight;
  remote.run_id = 10;
  remote.marker_stored = false;  // a REMOTE@ run has none
  st.in_flight = {in_flight, remote};
  st.cut_short = std::make_unique<std::vector<run_record>>(std::vector<run_record>{finished(5, 900)});
  mutation_batch batch;
  forget_in_flight_markers(st, batch);
  REQUIRE(batch.size() == 2);
  CHECK(batch.ops()[0].key == "i/g/j/0000000000000009");
  CHECK(batch.ops()[1].key == "i/g/j/0000000000000005");
  CHECK_FALSE(st.in_flight[0].marker_stored);  // its end writes no delete of its own
  CHECK_FALSE(st.cut_short);
}
