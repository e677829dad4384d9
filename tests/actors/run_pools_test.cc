// Run pools (actors/run_pools.h, core/run_pool.h) through scheduler_api, without HTTP: the limit
// of runs at once shared by the jobs of a pool, waiting for a slot, the switch, the pool's
// defaults, pools kept across a restart, and pools through a dump and an import.
#include <catch2/catch.hpp>

#include <string>

#include "actors/job_queue.h"
#include "actors/job_state.h"
#include "actors/run_pools.h"
#include "actors/scheduler_runtime.h"
#include "storage/dump_archive.h"
#include "tests/support/runtime_harness.h"

using namespace mainspring;
using namespace mainspring::testing;

namespace {

// A job of pool `pool` that runs only when asked, each run sleeping until aborted.
job_spec pooled_job(const std::string& id, const std::string& pool, bool queue = false) {
  job_spec j = shell_job("g", id, "@manually", "sleep 30");
  j.controls.pool = pool;
  j.controls.queue = queue;
  return j;
}

status put_pool(scheduler_runtime& rt, run_pool_spec pool) {
  return done([&](auto d) { rt.put_run_pool(k_test_origin, "g", std::move(pool), d); });
}

status_or<uint64_t> run_now(scheduler_runtime& rt, const std::string& id) {
  return ask<uint64_t>([&](auto r) { rt.run_job_now(k_test_origin, "g", id, r); });
}

void abort_all(scheduler_runtime& rt, const std::string& id) {
  REQUIRE(ask<std::size_t>([&](auto r) { rt.abort_job_runs(k_test_origin, "g", id, r); }).ok());
}

std::string dump_of(scheduler_runtime& rt, const std::string& group) {
  auto archive = ask<dump_file>([&](auto r) { rt.dump(group, r); });
  REQUIRE(archive.ok());
  return archive->bytes;
}

status import_into(scheduler_runtime& rt, std::string archive) {
  return done([&](auto d) { rt.import(k_test_origin, std::move(archive), d); });
}

std::vector<std::string> pool_names(scheduler_runtime& rt, const std::string& group) {
  std::vector<std::string> names;
  for (const auto& p : rt.run_pools(group)) names.push_back(p.name);
  return names;
}

std::unique_ptr<scheduler_runtime> start_with_group(const std::string& dir) {
  auto rt = start_runtime(dir);
  auto made = ask<std::string>([&](auto r) { rt->register_group(k_test_origin, "g", r); });
  REQUIRE((made.ok() || made.status().code() == status_code::already_exists));
  return rt;
}

}  // namespace

TEST_CASE("a pool's max_running holds for the runs of all its jobs together") {
  temp_data_dir dir("ms_pool_test");
  auto rt = start_with_group(dir.path);
  REQUIRE(put_pool(*rt, {.name = "p", .max_running = 1}).ok());
  REQUIRE(add(*rt, pooled_job("a", "p")).ok());
  REQUIRE(add(*rt, pooled_job("b", "p")).ok());
  REQUIRE(add(*rt, shell_job("g", "free", "@manually", "sleep 30")).ok());

  REQUIRE(run_now(*rt, "a").ok());
  CHECK(rt->run_pool_running("g", "p") == 1);
  auto refused = run_now(*rt, "b");
  CHECK(refused.status().code() == status_code::resource_exhausted);
  CHECK(refused.status().message() == "pool_full: p");
  // A job in no pool is not held back by it.
  CHECK(run_now(*rt, "free").ok());

  abort_all(*rt, "a");
  REQUIRE(poll_until([&] { return rt->run_pool_running("g", "p") == 0; }));
  CHECK(run_now(*rt, "b").ok());
  abort_all(*rt, "b");
  abort_all(*rt, "free");
}

TEST_CASE("a job with a queue waits for a slot of its pool, and starts when another job's run ends") {
  temp_data_dir dir("ms_pool_test");
  auto rt = start_with_group(dir.path);
  REQUIRE(put_pool(*rt, {.name = "p", .max_running = 1}).ok());
  REQUIRE(add(*rt, pooled_job("a", "p")).ok());
  REQUIRE(add(*rt, pooled_job("b", "p", /*queue=*/true)).ok());
  REQUIRE(run_now(*rt, "a").ok());
  auto waited = run_now(*rt, "b");
  REQUIRE(waited.ok());
  CHECK(*waited == 0);  // waits in b's queue
  CHECK(detail(*rt, "g", "b").waiting == 1);

  abort_all(*rt, "a");
  REQUIRE(poll_until([&] { return detail(*rt, "g", "b").running == 1; }));
  CHECK(detail(*rt, "g", "b").waiting == 0);
  CHECK(rt->run_pool_running("g", "p") == 1);
  abort_all(*rt, "b");
}

TEST_CASE("a disabled pool refuses its jobs' runs, and its scheduled fires are counted skipped") {
  temp_data_dir dir("ms_pool_test");
  auto rt = start_with_group(dir.path);
  REQUIRE(put_pool(*rt, {.name = "p", .enabled = false}).ok());
  REQUIRE(add(*rt, pooled_job("a", "p")).ok());
  auto refused = run_now(*rt, "a");
  CHECK(refused.status().code() == status_code::failed_precondition);
  CHECK(refused.status().message() == "pool_disabled: p");

  job_spec ticking = shell_job("g", "tick", "@every 1s", "true");
  ticking.controls.pool = "p";
  REQUIRE(add(*rt, ticking).ok());
  REQUIRE(poll_until([&] { return detail(*rt, "g", "tick").skipped >= 1; }));
  CHECK(detail(*rt, "g", "tick").runs == 0);

  // Enabled again, it runs.
  REQUIRE(put_pool(*rt, {.name = "p", .enabled = true}).ok());
  REQUIRE(poll_until([&] { return detail(*rt, "g", "tick").runs >= 1; }));
}

TEST_CASE("a job naming a pool its group does not have is limited by none") {
  temp_data_dir dir("ms_pool_test");
  auto rt = start_with_group(dir.path);
  REQUIRE(add(*rt, pooled_job("a", "ghost")).ok());
  REQUIRE(add(*rt, pooled_job("b", "ghost")).ok());
  CHECK(run_now(*rt, "a").ok());
  CHECK(run_now(*rt, "b").ok());
  abort_all(*rt, "a");
  abort_all(*rt, "b");
}

TEST_CASE("a group's pools survive a restart, and a deleted one is gone") {
  temp_data_dir dir("ms_pool_test");
  {
    auto rt = start_with_group(dir.path);
    REQUIRE(put_pool(*rt, {.name = "kept", .enabled = false, .max_running = 3, .dialect_data = "{\"title\":\"K\"}"}).ok());
    REQUIRE(put_pool(*rt, {.name = "gone"}).ok());
    REQUIRE(done([&](auto d) { rt->delete_run_pool(k_test_origin, "g", "gone", d); }).ok());
    CHECK(done([&](auto d) { rt->delete_run_pool(k_test_origin, "g", "gone", d); }).code() == status_code::not_found);
    CHECK(put_pool(*rt, {.name = "bad name"}).code() == status_code::invalid_argument);
    rt->stop();
  }
  auto rt = start_with_group(dir.path);
  auto pools = rt->run_pools("g");
  REQUIRE(pools.size() == 1);
  CHECK(pools[0].name == "kept");
  CHECK_FALSE(pools[0].enabled);
  CHECK(pools[0].max_running == 3);
  CHECK(pools[0].dialect_data == "{\"title\":\"K\"}");
}

TEST_CASE("a run of a pool's job takes the pool's defaults for what its job and the run leave unset") {
  run_pools pools;
  pools.put("g", {.name = "p", .cpu_limit_percent = 40, .cpu_sustain_s = 2, .memory_limit_bytes = 4096});
  job_context ctx;
  ctx.pools = &pools;
  job_state st;
  st.ctx = &ctx;
  job_spec spec = shell_job("g", "j", "@manually", "true");
  spec.controls.pool = "p";
  spec.controls.memory_limit_bytes = 8192;
  st.spec = compact_job_spec(spec);

  std::optional<job_controls> storage;
  const job_controls& c = controls_for(st, nullptr, storage);
  CHECK(c.cpu_limit_percent == 40);
  CHECK(c.cpu_sustain_s == 2);
  CHECK(c.memory_limit_bytes == 8192);  // the job's own
  run_override own;
  own.controls.cpu_limit_percent = 90;
  std::optional<job_controls> storage2;
  CHECK(controls_for(st, &own, storage2).cpu_limit_percent == 90);  // the run's own first

  // A job in no pool reads its own controls in place.
  job_state plain;
  plain.ctx = &ctx;
  plain.spec = compact_job_spec(shell_job("g", "k", "@manually", "true"));
  std::optional<job_controls> none;
  CHECK(&controls_for(plain, nullptr, none) == &plain.spec.controls());
  CHECK_FALSE(none);
}

TEST_CASE("slots are given back by the job that holds them, to the pool they were taken from") {
  run_pools pools;
  pools.put("g", {.name = "p", .max_running = 2});
  pools.put("g", {.name = "q", .max_running = 1});
  CHECK(pools.try_take("g", "j", "p", {}) == pool_admission::start);
  CHECK(pools.try_take("g", "k", "p", {}) == pool_admission::start);
  CHECK(pools.try_take("g", "l", "p", {}) == pool_admission::full);
  CHECK(pools.running("g", "p") == 2);
  // j is now in pool q (an edit): its run of p still gives back p's slot.
  CHECK(pools.try_take("g", "j", "q", {}) == pool_admission::start);
  CHECK(pools.give_back("g", "j"));  // j still holds one
  CHECK(pools.give_back("g", "j") == false);
  CHECK(pools.running("g", "p") + pools.running("g", "q") == 1);
  CHECK(pools.give_back("g", "k") == false);
  CHECK(pools.give_back("g", "nobody") == false);
  CHECK(pools.running("g", "p") == 0);
  CHECK(pools.running("g", "q") == 0);
}

TEST_CASE("a dump holds the group's pools as stored, and an import puts them back to limit its jobs at once") {
  temp_data_dir dir("ms_pool_test");
  std::string archive;
  const run_pool_spec single{.name = "p", .max_running = 1, .dialect_data = "{\"title\":\"P\"}", .created_ms = 5};
  {
    auto rt = start_with_group(dir.path);
    REQUIRE(put_pool(*rt, single).ok());
    REQUIRE(put_pool(*rt, {.name = "other", .enabled = false}).ok());
    REQUIRE(add(*rt, pooled_job("a", "p")).ok());
    REQUIRE(add(*rt, pooled_job("b", "p")).ok());
    archive = dump_of(*rt, "g");
    auto read = read_dump(archive);
    REQUIRE(read.ok());
    REQUIRE(read->size() == 1);
    CHECK(read->at(0).pools == rt->run_pools("g"));
    REQUIRE(done([&](auto d) { rt->remove_group(k_test_origin, "g", d); }).ok());
    CHECK(rt->run_pools("g").empty());

    REQUIRE(import_into(*rt, archive).ok());
    CHECK(rt->run_pools("g") == read->at(0).pools);
    REQUIRE(run_now(*rt, "a").ok());
    CHECK(rt->run_pool_running("g", "p") == 1);
    CHECK(run_now(*rt, "b").status().message() == "pool_full: p");
    abort_all(*rt, "a");
    rt->stop();
  }
  // Written with the group's jobs: there after a restart too.
  auto rt = start_runtime(dir.path);
  REQUIRE(rt->run_pools("g").size() == 2);
  CHECK(rt->run_pools("g")[1] == single);
}

TEST_CASE("an import replaces an empty group's pools with the archive's, and an archive without pools leaves them") {
  temp_data_dir source_dir("ms_pool_test");
  auto source = start_with_group(source_dir.path);
  REQUIRE(put_pool(*source, {.name = "theirs", .max_running = 2}).ok());
  REQUIRE(add(*source, pooled_job("a", "theirs")).ok());
  const std::string archive = dump_of(*source, "g");
  // The same archive as a Mainspring before pools were dumped would have written it.
  auto groups = read_dump(archive);
  REQUIRE(groups.ok());
  groups->at(0).pools_dumped = false;
  const std::string old_archive = write_dump(*groups, now_ms()).value();

  temp_data_dir dir("ms_pool_test");
  auto rt = start_with_group(dir.path);
  REQUIRE(put_pool(*rt, {.name = "mine"}).ok());  // the group holds no job: an import replaces it
  REQUIRE(import_into(*rt, old_archive).ok());
  CHECK(pool_names(*rt, "g") == std::vector<std::string>{"mine"});
  CHECK(jobs_of(*rt, "g").size() == 1);

  REQUIRE(done([&](auto d) { rt->delete_job(k_test_origin, "g", "a", d); }).ok());
  REQUIRE(import_into(*rt, archive).ok());
  CHECK(pool_names(*rt, "g") == std::vector<std::string>{"theirs"});
  // A group with a job is never replaced, its pools neither.
  CHECK(import_into(*rt, archive).code() == status_code::already_exists);
  CHECK(pool_names(*rt, "g") == std::vector<std::string>{"theirs"});
}

TEST_CASE("while an import writes a group's pools, changes of them are refused, and a failed write leaves them") {
  run_pools pools;
  pools.put("g", {.name = "kept"});
  pools.begin_import("g");
  {
    auto lock = pools.lock_writes();
    CHECK(pools.importing("g"));
    CHECK_FALSE(pools.importing("h"));
  }
  pools.end_import("g", std::nullopt);  // the write failed
  {
    auto lock = pools.lock_writes();
    CHECK_FALSE(pools.importing("g"));
  }
  REQUIRE(pools.list("g").size() == 1);
  CHECK(pools.list("g")[0].name == "kept");

  pools.begin_import("g");
  pools.end_import("g", std::vector<run_pool_spec>{{.name = "new", .max_running = 1}});
  REQUIRE(pools.list("g").size() == 1);
  CHECK(pools.list("g")[0] == run_pool_spec{.name = "new", .max_running = 1});
}

TEST_CASE("a pool's changes are audited as pool.add, pool.edit and pool.delete, each naming the pool") {
  temp_data_dir dir("ms_pool_test");
  auto rt = start_with_group(dir.path);
  REQUIRE(put_pool(*rt, {.name = "p"}).ok());
  REQUIRE(put_pool(*rt, {.name = "p", .max_running = 2}).ok());
  REQUIRE(done([&](auto d) { rt->delete_run_pool(k_test_origin, "g", "p", d); }).ok());
  auto entries = ask<std::vector<audit_entry>>([&](auto r) { rt->group_audit_log({"g"}, 0, INT64_MAX, 10, r); });
  REQUIRE(entries.ok());
  std::vector<std::string> seen;
  for (const auto& e : *entries)
    if (e.action.starts_with("pool.")) seen.push_back(e.action + " " + e.detail);
  CHECK(seen == std::vector<std::string>{"pool.add p", "pool.edit p", "pool.delete p"});
}
