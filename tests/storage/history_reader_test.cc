#include "storage/history_reader.h"

#include <catch2/catch.hpp>
#include <string>

#include "storage/run_value.h"

using namespace mainspring;

namespace {

run_record run_of(uint64_t id, run_state state, int64_t end_ms) {
  run_record r;
  r.run_id = id;
  r.state = state;
  r.plan_ms = end_ms - 5;
  r.start_ms = end_ms - 5;
  r.end_ms = end_ms;
  return r;
}

run_tally tally_with(uint64_t successes, uint64_t failures, int64_t last_success_ms) {
  run_tally t;
  t.successes = successes;
  t.failures = failures;
  t.last_success_ms = last_success_ms;
  return t;
}

}  // namespace

TEST_CASE("a job's history is its last tally and the untallied runs it does not cover, in any order") {
  history_reader reader;
  run_tally old_tally = tally_with(5, 0, 1000);
  old_tally.newest_started_id = 10;
  // Run 20 ended before run 15 did: 15's tally, written last, counts more runs and covers 20.
  run_tally middle_tally = tally_with(6, 0, 2000);
  middle_tally.newest_started_id = 20;
  run_tally last_tally = tally_with(7, 0, 2100);
  last_tally.newest_started_id = 22;
  // A ring read in slot order: the newest runs wrapped to the first slots.
  reader.add(encode_run_value(run_of(40, run_state::failed, 4000)));           // untallied, newest
  reader.add(encode_run_value(run_of(30, run_state::succeeded, 3000)));        // untallied
  reader.add(encode_run_value(run_of(10, run_state::succeeded, 1000), &old_tally));
  reader.add(encode_run_value(run_of(20, run_state::succeeded, 2000), &middle_tally));
  reader.add(encode_run_value(run_of(15, run_state::succeeded, 2100), &last_tally));
  reader.add(encode_run_value(run_of(21, run_state::failed, 1900)));           // untallied, covered
  reader.add(encode_run_value(run_of(5, run_state::failed, 500)));             // untallied, older
  reader.add(encode_run_value(run_of(30, run_state::succeeded, 3000)));        // stored twice
  reader.add("garbage");
  reader.add(std::string("\x04\x01", 2));  // cut short: passed over

  auto h = reader.finish();
  REQUIRE(h.has_value());
  CHECK(h->tally.successes == 7);
  CHECK(h->tally.last_success_ms == 2100);
  CHECK(h->tally.newest_started_id == 22);
  REQUIRE(h->untallied.size() == 2);
  CHECK(h->untallied[0].run_id == 30);
  CHECK(h->untallied[1].run_id == 40);
  REQUIRE(h->newest.has_value());
  CHECK(h->newest->run_id == 40);  // ended last
  CHECK(h->newest->state == run_state::failed);
  const run_tally t = h->tally_before(1000);
  CHECK(t.successes == 8);
  CHECK(t.failures == 1);
  CHECK(t.last_success_ms == 3000);
  CHECK(t.last_error_ms == 4000);

  // Ready for the next job: nothing of this one carries over.
  CHECK_FALSE(reader.finish().has_value());
  reader.add(encode_run_value(run_of(7, run_state::succeeded, 700)));
  h = reader.finish();
  REQUIRE(h.has_value());
  CHECK(h->tally == run_tally{});
  REQUIRE(h->untallied.size() == 1);
  CHECK(h->tally_before(1000).successes == 1);
  CHECK(h->tally_before(7).successes == 0);  // run 7 is this process's own
}

TEST_CASE("a job whose values are all unreadable has no history") {
  history_reader reader;
  reader.add("");
  reader.add("\x03junk");
  CHECK_FALSE(reader.finish().has_value());
}
