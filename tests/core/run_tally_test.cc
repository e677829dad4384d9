#include "core/run_tally.h"

#include <catch2/catch.hpp>

using namespace mainspring;

TEST_CASE("tallies add counts and keep the later times") {
  run_tally a;
  a.successes = 3;
  a.failures = 1;
  a.skipped = 2;
  a.retries = 1;
  a.last_success_ms = 500;
  a.last_error_ms = 100;
  run_tally b;
  b.successes = 1;
  b.last_success_ms = 400;
  b.last_error_ms = 900;
  a.newest_started_id = 70;
  b.newest_started_id = 80;
  a.add(b);
  CHECK(a.newest_started_id == 80);  // an id: the newer, not a sum
  CHECK(a.successes == 4);
  CHECK(a.failures == 1);
  CHECK(a.runs() == 5);
  CHECK(a.skipped == 2);
  CHECK(a.retries == 1);
  CHECK(a.last_success_ms == 500);
  CHECK(a.last_error_ms == 900);
}

TEST_CASE("a finished run counts as the job counts it") {
  run_tally t;
  t.count(run_state::succeeded, run_trigger::schedule, 10);
  t.count(run_state::failed, run_trigger::retry, 20);
  t.count(run_state::timed_out, run_trigger::manual, 15);
  t.count(run_state::running, run_trigger::schedule, 30);  // not finished: not counted
  t.count(run_state::skipped, run_trigger::schedule, 40);
  CHECK(t.successes == 1);
  CHECK(t.failures == 2);
  CHECK(t.retries == 1);
  CHECK(t.last_success_ms == 10);
  CHECK(t.last_error_ms == 20);
}

TEST_CASE("a history's tally leaves out the runs of this process, which the job counted itself") {
  stored_history h;
  h.tally.successes = 10;
  h.tally.last_success_ms = 1000;
  h.untallied = {{60, run_state::failed, run_trigger::schedule, 1100},
                 {70, run_state::succeeded, run_trigger::schedule, 1200},
                 {80, run_state::succeeded, run_trigger::schedule, 1300}};
  const run_tally all = h.tally_before(1000);  // this process's ids start at 1000
  CHECK(all.successes == 12);
  CHECK(all.failures == 1);
  CHECK(all.last_success_ms == 1300);
  CHECK(all.last_error_ms == 1100);
  const run_tally before_own = h.tally_before(70);  // runs 70 and 80 are this process's
  CHECK(before_own.successes == 10);
  CHECK(before_own.failures == 1);
  CHECK(before_own.last_success_ms == 1000);
}
