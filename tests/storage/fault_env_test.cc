// The fault-injection Env, and what the state store does over it: failed writes and syncs change
// nothing and the store writes again once the fault clears; a power loss keeps every
// acknowledged change.
#include "storage/fault_env.h"

#include <leveldb/db.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <future>
#include <thread>

#include "storage/state_store.h"
#include "tests/support/temp_dir.h"

using namespace mainspring;
namespace fs = std::filesystem;

namespace {

struct temp_dir : testing::temp_dir {
  temp_dir() : testing::temp_dir("ms_fault_env_test", "data") {}
};

std::unique_ptr<state_store> open_store(const std::string& dir, fault_env& env) {
  store_options o;
  o.sweep_interval = std::chrono::milliseconds{0};
  o.env = &env;
  auto r = state_store::open(dir, o);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return std::move(r).value();
}

group_spec make_group(const std::string& name) {
  return group_spec{name, "SECRET", 1};
}

std::set<std::string> stored_groups(state_store& store) {
  std::set<std::string> names;
  REQUIRE(store.load_all({.on_group = [&](group_spec&& g) { names.insert(g.name); }}).ok());
  return names;
}

// Commits until the store takes it (after a fault it retries its reopen at most every 250 ms),
// for at most about ten seconds.
status commit_once_reopened(state_store& store, const mutation_batch& batch) {
  status st;
  for (int i = 0; i < 200; ++i) {
    if ((st = store.commit_sync(batch)).ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return st;
}

std::string read_file(const std::string& path) {
  std::string out;
  if (FILE* f = fopen(path.c_str(), "rb")) {
    char buf[4096];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    fclose(f);
  }
  return out;
}

}  // namespace

TEST_CASE("a power loss keeps what was synced and drops the rest") {
  temp_dir dir;
  fs::create_directories(dir.path);
  fault_env env;
  const std::string name = dir.path + "/file";
  leveldb::WritableFile* file = nullptr;
  REQUIRE(env.NewWritableFile(name, &file).ok());
  REQUIRE(file->Append("durable").ok());
  REQUIRE(file->Sync().ok());
  REQUIRE(file->Append(" and lost").ok());
  REQUIRE(file->Flush().ok());
  CHECK(env.syncs() == 1);
  CHECK(env.unsynced_bytes() == 9);
  delete file;
  CHECK(read_file(name) == "durable and lost");
  env.power_loss();
  // The file was created after the last directory sync: it is gone altogether.
  CHECK_FALSE(fs::exists(name));
}

TEST_CASE("a power loss keeps a file whose directory was synced, cut to its synced length") {
  temp_dir dir;
  fs::create_directories(dir.path);
  fault_env env;
  const std::string name = dir.path + "/file";
  leveldb::WritableFile* file = nullptr;
  REQUIRE(env.NewWritableFile(name, &file).ok());
  REQUIRE(file->Append("durable").ok());
  REQUIRE(file->Sync().ok());
  leveldb::WritableFile* manifest = nullptr;  // syncing a MANIFEST syncs its directory
  REQUIRE(env.NewWritableFile(dir.path + "/MANIFEST-000001", &manifest).ok());
  REQUIRE(manifest->Sync().ok());
  REQUIRE(file->Append(" and lost").ok());
  delete file;
  delete manifest;
  env.power_loss();
  CHECK(read_file(name) == "durable");
}

TEST_CASE("failing writes and syncs answer IO errors, and a failed sync loses its bytes at close") {
  temp_dir dir;
  fs::create_directories(dir.path);
  fault_env env;
  const std::string name = dir.path + "/file";
  leveldb::WritableFile* file = nullptr;
  REQUIRE(env.NewWritableFile(name, &file).ok());
  REQUIRE(file->Append("kept").ok());
  REQUIRE(file->Sync().ok());
  env.fail_writes(true);
  auto s = file->Append("refused");
  CHECK(s.IsIOError());
  CHECK(s.ToString().find("injected write failure") != std::string::npos);
  env.fail_writes(false);
  REQUIRE(file->Append(" unsynced").ok());
  env.fail_syncs(true);
  CHECK(file->Sync().IsIOError());
  env.fail_syncs(false);
  delete file;
  CHECK(read_file(name) == "kept");
  CHECK(env.syncs() == 1);
}

TEST_CASE("a store whose writes fail answers unavailable, keeps nothing, and writes again once the fault clears") {
  temp_dir dir;
  fault_env env;
  auto store = open_store(dir.path, env);
  REQUIRE(store->commit_sync(mutation_batch{}.put_group(make_group("before"))).ok());

  env.fail_writes(true);
  status failed = store->commit_sync(mutation_batch{}.put_group(make_group("refused")));
  CHECK(failed.code() == status_code::unavailable);
  CHECK(failed.message().find("not made") != std::string::npos);
  // Still failing: the reopen fails too, and the store says so without crashing.
  CHECK(store->commit_sync(mutation_batch{}.put_group(make_group("refused2"))).code() == status_code::unavailable);
  CHECK_FALSE(store->stats().db_open);
  CHECK(store->load_all({.on_group = [](group_spec&&) {}}).code() == status_code::unavailable);

  env.fail_writes(false);
  REQUIRE(commit_once_reopened(*store, mutation_batch{}.put_group(make_group("after"))).ok());
  CHECK(store->stats().db_open);
  CHECK(store->stats().reopens >= 1);
  CHECK(stored_groups(*store) == std::set<std::string>{"after", "before"});
  store.reset();
  CHECK(stored_groups(*open_store(dir.path, env)) == std::set<std::string>{"after", "before"});
}

TEST_CASE("a ring scan that starts while a failed write keeps the DB closed waits for the reopen") {
  temp_dir dir;
  fault_env env;
  std::unique_ptr<state_store> store;
  // Opened before the store closes (declared after it) whatever fails: closing waits for the scan.
  struct scan_gate {
    std::promise<void> promise;
    bool opened = false;
    void open() {
      if (!opened) promise.set_value();
      opened = true;
    }
    ~scan_gate() { open(); }
  } gate;
  store_options o;
  o.sweep_interval = std::chrono::milliseconds{0};
  o.env = &env;
  o.ring_scan_starting = [go = gate.promise.get_future().share()] { go.wait(); };
  auto r = state_store::open(dir.path, o);
  REQUIRE(r.ok());
  store = std::move(r).value();

  env.fail_writes(true);
  CHECK(store->commit_sync(mutation_batch{}.put_group(make_group("refused"))).code() == status_code::unavailable);
  CHECK(store->commit_sync(mutation_batch{}.put_group(make_group("refused2"))).code() == status_code::unavailable);
  REQUIRE_FALSE(store->stats().db_open);
  gate.open();  // the scan finds no DB (it read through a null one before)
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK_FALSE(store->rings_scanned());

  env.fail_writes(false);
  REQUIRE(commit_once_reopened(*store, mutation_batch{}.put_group(make_group("after"))).ok());
  for (int i = 0; i < 1000 && !store->rings_scanned(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(store->rings_scanned());
  CHECK(stored_groups(*store) == std::set<std::string>{"after"});
}

TEST_CASE("a store whose sync fails keeps nothing of that write, also after a reopen, and writes again later") {
  temp_dir dir;
  fault_env env;
  auto store = open_store(dir.path, env);
  REQUIRE(store->commit_sync(mutation_batch{}.put_group(make_group("before"))).ok());

  env.fail_syncs(true);
  CHECK(store->commit_sync(mutation_batch{}.put_group(make_group("refused"))).code() == status_code::unavailable);
  env.fail_syncs(false);
  REQUIRE(commit_once_reopened(*store, mutation_batch{}.put_group(make_group("after"))).ok());
  CHECK(stored_groups(*store) == std::set<std::string>{"after", "before"});
  store.reset();
  env.power_loss();
  CHECK(stored_groups(*open_store(dir.path, env)) == std::set<std::string>{"after", "before"});
}

TEST_CASE("after a power loss every acknowledged commit from concurrent writers is in the store") {
  temp_dir dir;
  fault_env env;
  constexpr int k_writers = 8, k_per_writer = 40;
  std::set<std::string> acknowledged;
  std::mutex mu;
  {
    auto store = open_store(dir.path, env);
    std::vector<std::thread> writers;
    for (int w = 0; w < k_writers; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; i < k_per_writer; ++i) {
          std::string name = "g" + std::to_string(w) + "x" + std::to_string(i);
          // Lazy run records in between: they may be lost, the durable groups may not.
          store->commit(mutation_batch{}.put_group(make_group("lazy" + name)).set_durable(false), nullptr);
          if (store->commit_sync(mutation_batch{}.put_group(make_group(name))).ok()) {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged.insert(name);
          }
        }
      });
    }
    for (auto& t : writers) t.join();
  }  // closing syncs nothing more: what the power loss drops is what a crash here would
  env.power_loss();
  auto store = open_store(dir.path, env);
  auto stored = stored_groups(*store);
  CHECK(acknowledged.size() == k_writers * k_per_writer);
  for (const auto& name : acknowledged) {
    INFO(name);
    CHECK(stored.count(name) == 1);
  }
}

TEST_CASE("every acknowledged durable commit follows a sync that covered it") {
  temp_dir dir;
  fault_env env;
  auto store = open_store(dir.path, env);
  constexpr int k_commits = 50;
  std::vector<std::future<void>> acks;
  std::atomic<int> uncovered{0};
  for (int i = 0; i < k_commits; ++i) {
    const uint64_t syncs_before = env.syncs();
    auto done = std::make_shared<std::promise<void>>();
    acks.push_back(done->get_future());
    store->commit(mutation_batch{}.put_group(make_group("g" + std::to_string(i))),
                  [&env, &uncovered, syncs_before, done](status st) {
                    // The sync that made this batch durable happened after it was queued.
                    if (!st.ok() || env.syncs() <= syncs_before) ++uncovered;
                    done->set_value();
                  });
  }
  for (auto& a : acks) a.wait();
  CHECK(uncovered == 0);
  CHECK(env.syncs() >= 1);
  CHECK(env.syncs() <= static_cast<uint64_t>(k_commits) + 1);  // group commit: at most one per batch
}
