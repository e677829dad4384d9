// The committer's two lanes: run history may be overtaken by durable writes, never the reverse
// of what a client sees, and a range delete drops the history still waiting for its job.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <stdlib.h>

#include "storage/state_store.h"
#include "tests/support/temp_dir.h"

using namespace mainspring;
namespace fs = std::filesystem;

namespace {

struct temp_dir : testing::temp_dir {
  temp_dir() : testing::temp_dir("ms_lanes_test", "data") {}
};

std::unique_ptr<state_store> open_store(const std::string& dir) {
  store_options o;
  o.sweep_interval = std::chrono::milliseconds{0};
  o.max_runs_per_job = 0;  // keep every run: the test counts them
  auto r = state_store::open(dir, o);
  REQUIRE(r.ok());
  return std::move(r).value();
}

run_record make_run(const std::string& job, uint64_t run_id) {
  run_record r;
  r.group = "g";
  r.job_id = job;
  r.run_id = run_id;
  r.state = run_state::succeeded;
  return r;
}

job_spec make_job(const std::string& id) {
  job_spec j;
  j.group = "g";
  j.id = id;
  j.name = "job " + id;
  j.schedule = "@every 5s";
  return j;
}

// Holds the committer inside a done callback until release(): what is committed meanwhile
// queues up, so the test controls what one round finds.
struct committer_gate {
  std::promise<void> entered, released;
  std::shared_future<void> release_signal = released.get_future().share();
  void hold(state_store& store) {
    store.commit(mutation_batch{}.put_job(make_job("gate")), [this](status) {
      entered.set_value();
      release_signal.wait();
    });
    entered.get_future().wait();
  }
  void release() { released.set_value(); }
};

// Waits (bounded) until `done()` holds: the done callbacks run on the committer thread.
template <class Pred>
bool eventually(Pred done) {
  for (int i = 0; i < 3000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return done();
}

}  // namespace

TEST_CASE("a durable write waits for at most one round's share of queued run history") {
  temp_dir tmp;
  auto store = open_store(tmp.path);
  const std::size_t history = k_history_batches_per_round * 4;
  std::mutex mu;
  std::vector<std::string> order;  // which done ran when
  committer_gate gate;
  gate.hold(*store);
  for (std::size_t i = 0; i < history; ++i) {
    store->commit(mutation_batch{}.put_run(make_run("1", i + 1)).set_durable(false), [&](status s) {
      REQUIRE(s.ok());
      std::lock_guard<std::mutex> lock(mu);
      order.push_back("run");
    });
  }
  std::promise<status> durable;
  store->commit(mutation_batch{}.put_job(make_job("2")), [&](status s) {
    {
      std::lock_guard<std::mutex> lock(mu);
      order.push_back("job");
    }
    durable.set_value(s);
  });
  gate.release();
  REQUIRE(durable.get_future().get().ok());
  REQUIRE(eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    return order.size() == history + 1;
  }));
  std::lock_guard<std::mutex> lock(mu);
  auto job_at = static_cast<std::size_t>(std::find(order.begin(), order.end(), "job") - order.begin());
  CHECK(job_at == k_history_batches_per_round);  // one round of history, then the durable write
  CHECK(store->list_runs("g", "1", history + 10).value().size() == history);  // overtaken, not lost
}

TEST_CASE("deleting a job drops the run records still queued for it, and only those") {
  temp_dir tmp;
  auto store = open_store(tmp.path);
  REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("1")).put_job(make_job("2"))).ok());
  const std::size_t per_job = k_history_batches_per_round * 2;
  std::atomic<std::size_t> acknowledged{0};
  committer_gate gate;
  gate.hold(*store);
  for (std::size_t i = 0; i < per_job; ++i) {
    for (const char* job : {"1", "2"}) {
      store->commit(mutation_batch{}.put_run(make_run(job, i + 1)).set_durable(false), [&](status s) {
        CHECK(s.ok());
        ++acknowledged;
      });
    }
  }
  std::promise<status> deleted;
  store->commit(mutation_batch{}.delete_job("g", "1"), [&](status s) { deleted.set_value(s); });
  gate.release();
  REQUIRE(deleted.get_future().get().ok());
  // Every batch is answered, the dropped ones included.
  REQUIRE(eventually([&] { return acknowledged.load() == per_job * 2; }));
  // Only the runs already in a round when the delete came were written (orphans for the sweep);
  // the rest were dropped unwritten.
  const std::size_t written = store->list_runs("g", "1", per_job * 2).value().size();
  CHECK(written <= k_history_batches_per_round);
  CHECK(store->sweep_retention() == written);
  CHECK(store->list_runs("g", "1", per_job * 2).value().empty());
  CHECK(store->list_runs("g", "2", per_job * 2).value().size() == per_job);
}
