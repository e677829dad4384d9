// master_state: Cronicle's scheduler state from the events' views: each event's cursor (the
// minute the scheduler has got to), its last job's code, the scheduler's flag.
#include "http/cronicle/master_state.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace mainspring;
using namespace mainspring::http::cronicle;
using nlohmann::json;

namespace {

constexpr int64_t k_now_ms = 1'700'000'130'500;  // 22:15:30.5 UTC; its minute starts at 1'700'000'100 s
constexpr int64_t k_now_minute_s = 1'700'000'100;

job_view event(const std::string& id, job_phase phase = job_phase::active) {
  job_view v;
  v.spec.id = id;
  v.spec.created_ms = 1'600'000'000'000;
  v.phase = phase;
  return v;
}

run_record ended(run_state state, int code = 0) {
  run_record r;
  r.run_id = 7;
  r.job_id = "e1";
  r.state = state;
  r.code = code;
  r.plan_ms = r.start_ms = k_now_ms - 5'000;
  r.end_ms = k_now_ms - 1'000;
  return r;
}

}  // namespace

TEST_CASE("cronicle master_state: a running scheduler's cursors are the current minute") {
  const scheduler_state running{true, 0, k_now_ms};
  job_view later = event("e1");
  later.next_fire_ms = k_now_ms + 3'600'000;
  CHECK(event_cursor_s(later, running) == k_now_minute_s);
  CHECK(event_cursor_s(event("e2"), running) == k_now_minute_s);  // on demand only: no next fire
  job_view paused = event("e3", job_phase::paused);
  CHECK(event_cursor_s(paused, running) == k_now_minute_s);  // paused before the instant was stored
}

TEST_CASE("cronicle master_state: a disabled event's cursor stays at the minute it was disabled in") {
  const scheduler_state running{true, 0, k_now_ms};
  job_view off = event("e1", job_phase::paused);
  off.spec.paused_at_s = k_now_minute_s - 300 + 59;  // 22:10:59
  CHECK(event_cursor_s(off, running) == k_now_minute_s - 300);
  off.spec.paused_at_s = k_now_minute_s + 10;  // this minute
  CHECK(event_cursor_s(off, running) == k_now_minute_s);
  // The scheduler paused too: whichever stopped first.
  const scheduler_state paused{false, (k_now_minute_s - 120) * 1000, k_now_ms};
  off.spec.paused_at_s = k_now_minute_s - 300;
  CHECK(event_cursor_s(off, paused) == k_now_minute_s - 300);
  off.spec.paused_at_s = k_now_minute_s - 30;
  CHECK(event_cursor_s(off, paused) == k_now_minute_s - 120);
  // Enabled again (active), it is the scheduler's.
  off.phase = job_phase::active;
  CHECK(event_cursor_s(off, running) == k_now_minute_s);
}

TEST_CASE("cronicle master_state: a fire due and not handled yet holds the cursor a minute before it") {
  const scheduler_state running{true, 0, k_now_ms};
  job_view due = event("e1");
  due.next_fire_ms = (k_now_minute_s - 120) * 1000;  // two minutes late (a busy clock)
  CHECK(event_cursor_s(due, running) == k_now_minute_s - 180);
  due.next_fire_ms = k_now_minute_s * 1000;  // this minute's, not handled yet
  CHECK(event_cursor_s(due, running) == k_now_minute_s - 60);
}

TEST_CASE("cronicle master_state: a paused scheduler's cursors stay at the minute the pause began") {
  const int64_t paused_at_ms = k_now_ms - 600'000 - 10'000;  // ten minutes and ten seconds ago
  const scheduler_state paused{false, paused_at_ms, k_now_ms};
  job_view e = event("e1");
  e.next_fire_ms = k_now_ms - 1'000;
  CHECK(event_cursor_s(e, paused) == k_now_minute_s - 600);  // the minute of 22:05:20.5
  job_view fresh = event("e2");  // created during the pause: from its creation minute
  fresh.spec.created_ms = k_now_ms - 60'000;
  CHECK(event_cursor_s(fresh, paused) == k_now_minute_s - 60);
}

TEST_CASE("cronicle master_state: the state holds the flag, every cursor, the last jobs' codes") {
  job_view ok = event("ok");
  ok.last_run = ended(run_state::succeeded);
  job_view failed = event("failed");
  failed.last_run = ended(run_state::failed, 3);
  job_view running = event("running");
  running.last_run = ended(run_state::running);
  running.last_run->end_ms = 0;
  job_view retrying = event("retrying");  // a failed try whose retry waits: its job has not ended
  retrying.last_run = ended(run_state::failed, 2);
  retry_due wait;
  wait.due_ms = k_now_ms + 30'000;
  wait.after_run_id = retrying.last_run->run_id;
  retrying.retries_due = {wait};
  json state = master_state({ok, failed, running, retrying, event("never")}, {true, 0, k_now_ms});
  INFO(state.dump());
  CHECK(state["enabled"] == 1);
  CHECK(state["cursors"].size() == 5);
  CHECK(state["cursors"]["never"] == k_now_minute_s);
  CHECK(state["jobCodes"] == json{{"ok", 0}, {"failed", 3}});
  CHECK(state["flagged_jobs"] == json::object());
  CHECK(master_state({}, {false, k_now_ms, k_now_ms}) ==
        json{{"enabled", 0}, {"cursors", json::object()}, {"jobCodes", json::object()}, {"flagged_jobs", json::object()}});
}
