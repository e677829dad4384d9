// finished_run: the compact last run a job keeps gives back the run_record it was made from.
#include <catch2/catch.hpp>

#include "actors/job_state.h"

using namespace mainspring;

namespace {

run_record sample() {
  run_record r;
  r.run_id = 77;
  r.job_id = "j1";
  r.group = "g";
  r.trigger = run_trigger::retry;
  r.attempt = 2;
  r.state = run_state::timed_out;
  r.plan_ms = 1000;
  r.start_ms = 1005;
  r.end_ms = 3005;
  r.code = -1;
  return r;
}

bool same(const run_record& a, const run_record& b) {
  return a.run_id == b.run_id && a.job_id == b.job_id && a.group == b.group && a.trigger == b.trigger &&
         a.attempt == b.attempt && a.state == b.state && a.plan_ms == b.plan_ms && a.start_ms == b.start_ms &&
         a.end_ms == b.end_ms && a.code == b.code && a.output_tail == b.output_tail && a.error == b.error &&
         a.node == b.node;
}

}  // namespace

TEST_CASE("a quiet run is kept without texts and comes back whole") {
  run_record r = sample();
  finished_run f = finished_run::of(run_record(r));
  CHECK_FALSE(f.text);
  CHECK(same(f.record("j1", "g"), r));
}

TEST_CASE("a run's output, error and node are kept and come back") {
  run_record r = sample();
  r.output_tail = "hello\n";
  r.error = "timed out after 2000 ms";
  r.node = "w1";
  finished_run f = finished_run::of(run_record(r));
  REQUIRE(f.text);
  CHECK(same(f.record("j1", "g"), r));
  r.output_tail.clear();
  r.node.clear();
  CHECK(same(finished_run::of(run_record(r)).record("j1", "g"), r));
}
