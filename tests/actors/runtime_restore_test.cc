// runtime_restore: the stored jobs streamed to the registry at start-up, and requests that come
// while they are still on their way to their groups.
#include "actors/runtime_restore.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.h"
#include "actors/scheduler_runtime.h"
#include "storage/state_store.h"
#include "tests/support/runtime_harness.h"

using namespace mainspring;
using namespace mainspring::testing;

namespace {

std::string job_id(std::size_t i) {
  char id[16];
  std::snprintf(id, sizeof id, "j%06zu", i);
  return id;
}

}  // namespace

TEST_CASE("requests sent as soon as start returns find every restored job, the last streamed one too") {
  temp_data_dir dir("ms_restore_test");
  // Several restore batches: the last is sent just before start() returns, while the group may
  // already be adopting the first.
  const std::size_t jobs = 3 * k_restore_stream_jobs + 1;
  {
    auto store = state_store::open(dir.path, store_options{});
    REQUIRE(store.ok());
    mutation_batch batch;
    batch.put_group(group_spec{"G", "", 0});
    for (std::size_t i = 0; i < jobs; ++i) batch.put_job(shell_job("G", job_id(i), "@manually", "true"));
    REQUIRE((*store)->commit_sync(std::move(batch)).ok());
  }
  runtime_options options;
  options.data_dir = dir.path;
  options.worker_threads = 2;
  auto rt = scheduler_runtime::start(options);
  REQUIRE(rt.ok());
  // No wait for readiness: a client may ask as soon as the listeners are up.
  auto last = ask<job_view>([&](auto reply) { (*rt)->job_detail("G", job_id(jobs - 1), reply); });
  INFO(last.status().to_string());
  CHECK(last.ok());
  auto list = ask<std::vector<job_view>>([&](auto reply) { (*rt)->list_jobs("G", reply); });
  REQUIRE(list.ok());
  CHECK(list->size() == jobs);
}

namespace {

// What stream_jobs sent to a stand-in registry: the cut-short runs, and whether it finished.
struct restore_messages {
  std::mutex mu;
  std::vector<run_record> cut_short;
  int restored = 0;
};

// The shared state goes in as a spawn argument: CAF 0.17 dereferences a null tuple for an actor
// function spawned without one (UBSan reports it).
caf::behavior recording_registry(caf::event_based_actor*, std::shared_ptr<restore_messages> seen) {
  return {
      [](restore_atom, const std::string&, std::vector<job_spec>&) {},
      [seen](restore_in_flight_atom, const std::string&, const std::string&, std::vector<run_record>& runs) {
        std::lock_guard<std::mutex> lock(seen->mu);
        for (auto& run : runs) seen->cut_short.push_back(std::move(run));
      },
      [seen](restored_atom) {
        std::lock_guard<std::mutex> lock(seen->mu);
        ++seen->restored;
      },
  };
}

// The cut-short runs one start passes on once it is done (waits for its restored_atom).
std::vector<run_record> cut_short_of_one_start(state_store& store, caf::actor_system& sys, int64_t last_alive_ms) {
  auto seen = std::make_shared<restore_messages>();
  auto registry = sys.spawn(recording_registry, seen);
  REQUIRE(stream_jobs(store, registry, {group_spec{"G", "", 0}}, last_alive_ms).ok());
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(std::chrono::milliseconds(5))) {
    std::lock_guard<std::mutex> lock(seen->mu);
    if (seen->restored == 1) return seen->cut_short;
  }
  FAIL("the stand-in registry never got restored_atom");
  return {};
}

}  // namespace

TEST_CASE("a run cut short ends when its process was last alive, also after a second start that did not record it") {
  temp_data_dir dir("ms_restore_test");
  auto store = state_store::open(dir.path, store_options{});
  REQUIRE(store.ok());
  run_record marker;
  marker.run_id = 42;
  marker.group = "G";
  marker.job_id = "j";
  marker.start_ms = 1'000;
  mutation_batch batch;
  batch.put_group(group_spec{"G", "", 0});
  batch.put_job(shell_job("G", "j", "@manually", "sleep 300"));
  batch.put_in_flight(marker);
  REQUIRE((*store)->commit_sync(std::move(batch)).ok());
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};

  // The first start after the crash: the run ends when the crashed process was last alive.
  std::vector<run_record> first = cut_short_of_one_start(**store, sys, 5'000);
  REQUIRE(first.size() == 1);
  CHECK(first[0].run_id == 42);
  CHECK(first[0].end_ms == 5'000);

  // That start is killed before its job recorded the run (the marker is still there); the next
  // start, whose previous process was last alive later, still ends it as the first did.
  std::vector<run_record> second = cut_short_of_one_start(**store, sys, 9'000);
  REQUIRE(second.size() == 1);
  CHECK(second[0].run_id == 42);
  CHECK(second[0].end_ms == 5'000);

  std::vector<run_record> stored;
  load_visitor visitor;
  visitor.on_in_flight = [&](run_record&& run) { stored.push_back(std::move(run)); };
  REQUIRE((*store)->load_all(visitor).ok());
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].end_ms == 5'000);
}
