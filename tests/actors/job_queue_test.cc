// job_queue's admission: a job's runs at once counted job-wide (admit: a job running here, a
// REMOTE@* job) or per node (admit_on: a REMOTE@a,b job), and which waiting run starts next.
#include <catch2/catch.hpp>

#include <string>

#include "actors/job_queue.h"
#include "actors/job_state.h"

using namespace mainspring;

namespace {

void set_up(job_state& st, job_controls controls) {
  job_spec spec;
  spec.group = "g";
  spec.id = "j";
  spec.target = remote_target{.nodes = {"n1", "n2"}, .command = "true"};
  spec.controls = controls;
  st.spec = compact_job_spec(spec);
  st.kind = executor_kind::remote;
}

void run_on(job_state& st, const std::string& node) {
  run_record r;
  r.run_id = st.in_flight.size() + 1;
  r.node = node;
  st.in_flight.push_back(r);
}

void wait_for(job_state& st, const std::string& node) {
  if (!st.waiting) st.waiting = std::make_unique<std::deque<waiting_run>>();
  st.waiting->push_back(waiting_run{.id = st.waiting->size() + 1, .node = node});
}

}  // namespace

TEST_CASE("max_running counts a REMOTE@a,b job's runs on each node apart") {
  job_state st;
  set_up(st, job_controls{.max_running = 1});
  run_on(st, "n1");
  CHECK(admit_on(st, "n1", false) == admission::overlap);
  CHECK(admit_on(st, "n2", false) == admission::start);
  // Job-wide, the same run fills the job (a REMOTE@* job's limit).
  CHECK(admit(st, false) == admission::overlap);
  run_on(st, "n2");
  CHECK(admit_on(st, "n2", false) == admission::overlap);
}

TEST_CASE("without max_running a node's run starts, and under concurrency forbid a busy node skips it") {
  job_state st;
  set_up(st, job_controls{});
  run_on(st, "n1");
  CHECK(admit_on(st, "n1", false) == admission::start);
  CHECK(admit_on(st, "n1", true) == admission::overlap);
  CHECK(admit_on(st, "n2", true) == admission::start);
}

TEST_CASE("with a queue a full node's run waits, behind the runs waiting for that node only") {
  job_state st;
  set_up(st, job_controls{.max_running = 1, .queue = true, .queue_max = 3});
  run_on(st, "n1");
  CHECK(admit_on(st, "n1", false) == admission::wait);
  wait_for(st, "n1");
  // n2 has room, and nothing waits for it: a run waiting for n1 does not hold it back.
  CHECK(admit_on(st, "n2", false) == admission::start);
  wait_for(st, "n1");
  wait_for(st, "n1");
  // queue_max bounds the job's whole queue.
  CHECK(admit_on(st, "n1", false) == admission::queue_full);
  CHECK(admit_on(st, "n2", true) == admission::start);
  run_on(st, "n2");
  CHECK(admit_on(st, "n2", false) == admission::queue_full);
}

TEST_CASE("the next waiting run is the oldest with room on its node") {
  job_state st;
  set_up(st, job_controls{.max_running = 1, .queue = true});
  CHECK_FALSE(next_waiting_run(st));
  run_on(st, "n1");
  run_on(st, "n2");
  wait_for(st, "n1");
  wait_for(st, "n2");
  wait_for(st, "n1");
  CHECK_FALSE(next_waiting_run(st));
  st.in_flight.erase(st.in_flight.begin() + 1);  // n2's run ended
  CHECK(next_waiting_run(st) == std::size_t{1});
  st.in_flight.clear();  // n1's too
  CHECK(next_waiting_run(st) == std::size_t{0});
}

TEST_CASE("a run waiting job-wide holds back every run behind it, as a local job's queue") {
  job_state st;
  set_up(st, job_controls{.max_running = 1, .queue = true});
  run_on(st, "n1");
  wait_for(st, "");
  wait_for(st, "n2");
  CHECK_FALSE(next_waiting_run(st));
  st.in_flight.clear();
  CHECK(next_waiting_run(st) == std::size_t{0});
  // Without max_running every waiting run may start (they waited under concurrency forbid).
  job_state unlimited;
  set_up(unlimited, job_controls{.queue = true});
  run_on(unlimited, "n1");
  wait_for(unlimited, "n1");
  CHECK(next_waiting_run(unlimited) == std::size_t{0});
}

TEST_CASE("runs that waited for their nodes count job-wide once an edit has the job run here or on REMOTE@*") {
  job_state st;
  set_up(st, job_controls{.max_running = 1, .queue = true});
  run_on(st, "n1");
  wait_for(st, "n1");
  wait_for(st, "n2");
  CHECK(next_waiting_run(st) == std::size_t{1});  // per node: n2 has room

  SECTION("edited to run here") {
    job_spec spec = st.spec.unpack();
    spec.target = shell_target{.command = "true"};
    st.spec = compact_job_spec(spec);
    st.kind = executor_kind::shell;
  }
  SECTION("edited to REMOTE@*") {
    job_spec spec = st.spec.unpack();
    spec.target = remote_target{.command = "true", .allocated = true};
    st.spec = compact_job_spec(spec);
  }
  // The job's one run in flight fills it: neither waiting run may start.
  CHECK_FALSE(next_waiting_run(st));
  st.in_flight.clear();
  CHECK(next_waiting_run(st) == std::size_t{0});
}
