// runtime_restore: the stored jobs streamed to the registry at start-up, and requests that come
// while they are still on their way to their groups.
#include "actors/runtime_restore.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

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
