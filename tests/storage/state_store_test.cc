#include "storage/state_store.h"

#include <leveldb/db.h>
#include <stdlib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <mutex>
#include <set>
#include <thread>

#include "storage/codec.h"
#include "storage/log_runway.h"
#include "storage/store_keys.h"
#include "tests/storage/legacy_run_value.h"
#include "tests/support/temp_dir.h"

using namespace mainspring;
namespace fs = std::filesystem;

namespace {

// A fresh directory under /tmp, removed with everything in it at scope exit.
struct temp_dir : testing::temp_dir {
  temp_dir() : testing::temp_dir("ms_store_test", "data") {}
};

store_options quiet_options() {
  store_options o;
  o.sweep_interval = std::chrono::milliseconds{0};  // tests drive the sweep themselves
  return o;
}

// quiet_options() keeping `runs` runs a job.
store_options keeping(std::size_t runs) {
  store_options o = quiet_options();
  o.max_runs_per_job = runs;
  return o;
}

// The LevelDB in `dir` itself, as another build or a damaged disk would have left it, without the
// store (which must not have it open).
std::unique_ptr<leveldb::DB> open_raw_db(const std::string& dir) {
  leveldb::DB* raw = nullptr;
  leveldb::Options lo;
  lo.create_if_missing = true;
  REQUIRE(leveldb::DB::Open(lo, dir, &raw).ok());
  return std::unique_ptr<leveldb::DB>(raw);
}

std::unique_ptr<state_store> open_store(const std::string& dir, store_options o = quiet_options()) {
  auto r = state_store::open(dir, o);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  // Runs go into rings only once the scan after open is done (the test below holds it back).
  while (!r.value()->rings_scanned()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return std::move(r).value();
}

// A store opened with its ring scan held back (store_options::before_ring_scan) until
// release_scan(): runs finished meanwhile are kept under their ids.
struct held_scan_store {
  held_scan_store(const std::string& dir, store_options o) {
    std::shared_future<void> released = gate.get_future().share();
    o.before_ring_scan = [released] { released.wait(); };
    auto r = state_store::open(dir, o);
    INFO(r.status().to_string());
    REQUIRE(r.ok());
    store = std::move(r).value();
  }
  ~held_scan_store() {
    if (!released) gate.set_value();  // or closing the store would wait for the scan forever
    store.reset();
  }
  // Lets the scan run and waits until it is done.
  void release_scan() {
    released = true;
    gate.set_value();
    while (!store->rings_scanned()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  std::promise<void> gate;
  bool released = false;
  std::unique_ptr<state_store> store;
};

job_spec make_job(const std::string& group, const std::string& id) {
  job_spec j;
  j.group = group;
  j.id = id;
  j.name = "job " + id;
  j.schedule = "@every 5s";
  j.metadata = {{"k", id}};
  return j;
}

run_record make_run(const std::string& group, const std::string& job, uint64_t run_id,
                    int64_t time_ms = 0) {
  run_record r;
  r.group = group;
  r.job_id = job;
  r.run_id = run_id;
  r.plan_ms = r.start_ms = r.end_ms = time_ms;
  r.state = run_state::succeeded;
  return r;
}

// Runs `from` to `to` of one job, each in its own lazy batch, as the fire path writes them.
void put_runs(state_store& store, const std::string& group, const std::string& job, uint64_t from, uint64_t to) {
  for (uint64_t id = from; id <= to; ++id)
    REQUIRE(store.commit_sync(mutation_batch{}.put_run(make_run(group, job, id)).set_durable(false)).ok());
}

node_spec make_node(const std::string& group, const std::string& id) {
  node_spec n;
  n.group = group;
  n.id = id;
  n.hostname = "host-" + id;
  n.grpc_listen = "10.0.0.7:9090";
  n.otp_secret = "JBSWY3DPEHPK3PXP";
  n.registered_ms = 1000;
  n.last_seen_ms = 2000;
  return n;
}

api_key_record make_api_key(const std::string& key_id, const std::string& group) {
  api_key_record k;
  k.key_id = key_id;
  k.secret_hash = std::string(64, 'f');
  k.api = "native";
  k.group = group;
  k.created_ms = 5;
  return k;
}

struct loaded {
  std::vector<group_spec> groups;
  std::map<std::string, job_spec> jobs;  // by "group/id"
  std::vector<func_spec> funcs;
  std::map<std::string, node_spec> nodes;        // by "group/id"
  std::map<std::string, api_key_record> api_keys;  // by key_id
};

loaded load(state_store& store) {
  loaded out;
  load_visitor v;
  v.on_group = [&](group_spec&& g) { out.groups.push_back(std::move(g)); };
  v.on_job = [&](job_spec&& j) { out.jobs[j.group + "/" + j.id] = std::move(j); };
  v.on_func = [&](func_spec&& f) { out.funcs.push_back(std::move(f)); };
  v.on_node = [&](node_spec&& n) { out.nodes[n.group + "/" + n.id] = std::move(n); };
  v.on_api_key = [&](api_key_record&& k) { out.api_keys[k.key_id] = std::move(k); };
  status st = store.load_all(v);
  INFO(st.to_string());
  REQUIRE(st.ok());
  return out;
}

std::vector<uint64_t> run_ids(state_store& store, const std::string& group, const std::string& job,
                              std::size_t limit = 1000, uint64_t before = 0) {
  auto runs = store.list_runs(group, job, limit, before);
  REQUIRE(runs.ok());
  std::vector<uint64_t> ids;
  for (const auto& r : runs.value()) ids.push_back(r.run_id);
  return ids;
}

void overwrite(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace

TEST_CASE("groups, jobs, funcs, runs and audit entries round-trip through LevelDB") {
  temp_dir tmp;
  auto store = open_store(tmp.path);
  mutation_batch b;
  b.put_group({"YM55", "SECRET", 5})
      .put_job(make_job("YM55", "12"))
      .put_func({"YM55", "fn", "return 1", true, false, "m", "S", 7})
      .put_run(make_run("YM55", "12", 99, 1000))
      .put_audit({1000, "native", "key", "job.add", "YM55", "12", "{}"});
  REQUIRE(store->commit_sync(std::move(b)).ok());

  loaded l = load(*store);
  REQUIRE(l.groups.size() == 1);
  CHECK(l.groups[0].secret == "SECRET");
  REQUIRE(l.jobs.count("YM55/12") == 1);
  CHECK(l.jobs["YM55/12"].metadata.at("k") == "12");
  REQUIRE(l.funcs.size() == 1);
  CHECK(l.funcs[0].lua_body == "return 1");
  CHECK(run_ids(*store, "YM55", "12") == std::vector<uint64_t>{99});
  auto audit = store->audit_range(0, 2000, 10);
  REQUIRE(audit.ok());
  REQUIRE(audit->size() == 1);
  CHECK(audit->front().action == "job.add");
}

TEST_CASE("everything committed is still there after the store is closed and reopened") {
  temp_dir tmp;
  {
    auto store = open_store(tmp.path);
    for (int i = 0; i < 50; ++i) {
      REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", std::to_string(i)))).ok());
    }
    REQUIRE(
        store->commit_sync(mutation_batch{}.put_group({"g", "", 1}).put_run(make_run("g", "3", 1)))
            .ok());
    // Queued but not waited for: the destructor still commits it.
    store->commit(mutation_batch{}.put_job(make_job("g", "last")), nullptr);
  }
  auto store = open_store(tmp.path);
  loaded l = load(*store);
  CHECK(l.groups.size() == 1);
  CHECK(l.jobs.size() == 51);
  CHECK(l.jobs.count("g/last") == 1);
  CHECK(run_ids(*store, "g", "3") == std::vector<uint64_t>{1});
}

TEST_CASE("a crash image whose log ends in a torn record and zeros opens with every synced change") {
  temp_dir tmp;
  auto store = open_store(tmp.path);
  for (int i = 0; i < 20; ++i)
    REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", std::to_string(i)))).ok());
  // The files as kill -9 would leave them, taken while the store is open: the log ends in the
  // zeros written ahead of it (storage/log_runway.h).
  const std::string image = tmp.path + "-image";
  fs::create_directories(image);
  std::string log;
  for (const auto& e : fs::directory_iterator(tmp.path)) {
    if (e.path().filename() == "LOCK") continue;
    fs::copy_file(e.path(), image + "/" + e.path().filename().string());
    if (e.path().extension() == ".log") log = image + "/" + e.path().filename().string();
  }
  REQUIRE(!log.empty());
  const auto with_zeros = fs::file_size(log);
  // Where its records end (a record may itself end in zero bytes), and the zeros put back.
  auto end = trim_log_tail(log);
  REQUIRE(end.ok());
  REQUIRE(*end < with_zeros);
  std::ifstream in(log, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  in.close();
  // A write torn by the crash: a header that promises 900 bytes, and 100 of them.
  bytes += std::string("\x12\x34\x56\x78\x84\x03\x01", 7) + std::string(100, 'x');
  bytes += std::string(with_zeros - bytes.size(), '\0');
  overwrite(log, bytes);

  auto reopened = state_store::open(image, quiet_options());
  INFO(reopened.status().to_string());
  REQUIRE(reopened.ok());
  CHECK(load(*reopened.value()).jobs.size() == 20);
  reopened.value().reset();
  fs::remove_all(image);
}

TEST_CASE("concurrent commits from 8 threads are all acknowledged, present, and grouped") {
  temp_dir tmp;
  constexpr int k_threads = 8, k_per_thread = 1000;
  {
    auto store = open_store(tmp.path);
    std::atomic<int> ok{0}, failed{0};
    std::mutex mu;
    std::condition_variable cv;
    int acked = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < k_threads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < k_per_thread; ++i) {
          mutation_batch b;
          b.put_job(make_job("g" + std::to_string(t), std::to_string(i)));
          store->commit(std::move(b), [&](status st) {
            (st.ok() ? ok : failed)++;
            std::lock_guard<std::mutex> lock(mu);
            if (++acked == k_threads * k_per_thread) cv.notify_all();
          });
        }
      });
    }
    for (auto& th : threads) th.join();
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return acked == k_threads * k_per_thread; });
    }
    CHECK(ok == k_threads * k_per_thread);
    CHECK(failed == 0);
    store_stats s = store->stats();
    CHECK(s.batches == static_cast<uint64_t>(k_threads * k_per_thread));
    // Group commit: far fewer synced writes than acknowledged batches.
    CHECK(s.commits * 4 < s.batches);
    CHECK(s.max_batch_size > 1);
  }
  auto store = open_store(tmp.path);
  CHECK(load(*store).jobs.size() == static_cast<std::size_t>(k_threads * k_per_thread));
}

TEST_CASE("delete_group removes its jobs, runs and funcs and nothing of other groups") {
  temp_dir tmp;
  auto store = open_store(tmp.path);
  for (const std::string g : {"g", "g2", "a/b"}) {
    mutation_batch b;
    b.put_group({g, "", 0}).put_job(make_job(g, "1")).put_job(make_job(g, "2"));
    b.put_run(make_run(g, "1", 10)).put_run(make_run(g, "2", 11));
    b.put_func({g, "fn", "", false, false, "", "", 0});
    REQUIRE(store->commit_sync(std::move(b)).ok());
  }
  SECTION("in its own commit") {
    REQUIRE(store->commit_sync(mutation_batch{}.delete_group("g")).ok());
  }
  SECTION("in the same group commit as puts into that group, which it also removes") {
    std::promise<status> first;
    store->commit(mutation_batch{}.put_job(make_job("g", "3")).put_run(make_run("g", "3", 12)),
                  [&](status st) { first.set_value(st); });
    REQUIRE(store->commit_sync(mutation_batch{}.delete_group("g")).ok());
    REQUIRE(first.get_future().get().ok());
    store->sweep_retention();
    CHECK(run_ids(*store, "g", "3").empty());
  }
  loaded l = load(*store);
  CHECK(l.groups.size() == 2);
  CHECK(l.jobs.size() == 4);
  CHECK(l.jobs.count("g/1") == 0);
  CHECK(l.jobs.count("g2/1") == 1);
  CHECK(l.jobs.count("a/b/2") == 1);
  CHECK(l.funcs.size() == 2);
  // The deleted group's runs are orphans: group-wide reads skip them, the sweep erases them.
  CHECK(store->list_group_runs("g", 0, INT64_MAX, 100).value().empty());
  store->sweep_retention();
  CHECK(store->stats().orphan_runs_erased >= 2);
  CHECK(run_ids(*store, "g", "1").empty());
  CHECK(run_ids(*store, "g2", "1") == std::vector<uint64_t>{10});
  CHECK(run_ids(*store, "a/b", "2") == std::vector<uint64_t>{11});

  // A group put after its delete in the same batch survives.
  REQUIRE(
      store->commit_sync(mutation_batch{}.delete_group("g2").put_job(make_job("g2", "9"))).ok());
  l = load(*store);
  CHECK(l.jobs.count("g2/9") == 1);
  CHECK(l.jobs.count("g2/1") == 0);
}

TEST_CASE("delete_job removes the job (its runs go with the sweep), delete_func removes one key") {
  temp_dir tmp;
  auto store = open_store(tmp.path);
  mutation_batch b;
  b.put_job(make_job("g", "1")).put_job(make_job("g", "10"));
  for (uint64_t id = 1; id <= 3; ++id)
    b.put_run(make_run("g", "1", id)).put_run(make_run("g", "10", id));
  b.put_func({"g", "f1", "", false, false, "", "", 0})
      .put_func({"g", "f2", "", false, false, "", "", 0});
  REQUIRE(store->commit_sync(std::move(b)).ok());

  REQUIRE(store
              ->commit_sync(mutation_batch{}.delete_job("g", "1").delete_func("g", "f1"))
              .ok());
  loaded l = load(*store);
  CHECK(l.jobs.size() == 1);
  CHECK(l.jobs.count("g/10") == 1);
  REQUIRE(l.funcs.size() == 1);
  CHECK(l.funcs[0].name == "f2");
  CHECK(store->list_group_runs("g", 0, INT64_MAX, 100).value().size() == 3);  // job 10's only
  CHECK(store->sweep_retention() == 3);  // job 1's orphans
  CHECK(run_ids(*store, "g", "1").empty());
  CHECK(run_ids(*store, "g", "10") == std::vector<uint64_t>{3, 2, 1});
}

TEST_CASE("a job created under a deleted job's id starts with no history") {
  temp_dir tmp;
  auto store = open_store(tmp.path);
  mutation_batch b;
  b.put_job(make_job("g", "backup"));
  for (uint64_t id = 1; id <= 3; ++id) b.put_run(make_run("g", "backup", id));
  REQUIRE(store->commit_sync(std::move(b)).ok());
  REQUIRE(store->commit_sync(mutation_batch{}.delete_job("g", "backup")).ok());
  REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "backup")).delete_runs("g", "backup")).ok());
  REQUIRE(store->commit_sync(mutation_batch{}.put_run(make_run("g", "backup", 9))).ok());
  CHECK(run_ids(*store, "g", "backup") == std::vector<uint64_t>{9});
  store->sweep_retention();  // the job exists again: the sweep leaves its runs alone
  CHECK(run_ids(*store, "g", "backup") == std::vector<uint64_t>{9});
}

namespace {

int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<std::string> deleted_ids(const state_store& store, const std::string& group) {
  std::vector<std::string> ids;
  auto gone = store.list_deleted_jobs(group, 100);
  REQUIRE(gone.ok());
  for (const auto& d : *gone) ids.push_back(d.job.id);
  return ids;
}

}  // namespace

TEST_CASE("a job deleted keeping its runs has them listed until its deleted_job_history has passed") {
  temp_dir tmp;
  store_options o = quiet_options();
  o.deleted_job_history = std::chrono::hours{1};
  const int64_t now = unix_now_ms();
  {
    auto store = open_store(tmp.path, o);
    mutation_batch b;
    b.put_job(make_job("g", "recent")).put_job(make_job("g", "old")).put_job(make_job("g", "live"));
    b.put_run(make_run("g", "recent", 1)).put_run(make_run("g", "recent", 2));
    b.put_run(make_run("g", "old", 3)).put_run(make_run("g", "live", 4));
    REQUIRE(store->commit_sync(std::move(b)).ok());
    job_spec recent = make_job("g", "recent");
    recent.name = "nightly report";
    REQUIRE(store
                ->commit_sync(mutation_batch{}
                                  .delete_job_keeping_runs(recent, now)
                                  .delete_job_keeping_runs(make_job("g", "old"), now - 2 * 3'600'000))
                .ok());
    // Gone as jobs (a restart does not bring them back)...
    loaded l = load(*store);
    CHECK(l.jobs.size() == 1);
    CHECK(l.jobs.count("g/live") == 1);
    // ...but the recent one's runs are still the group's, and it is named as it was.
    std::vector<uint64_t> listed;
    auto runs = store->list_group_runs("g", 0, INT64_MAX, 100);
    REQUIRE(runs.ok());
    for (const auto& r : *runs) listed.push_back(r.run_id);
    CHECK(listed == std::vector<uint64_t>{4, 2, 1});
    auto gone = store->list_deleted_jobs("g", 100).value();
    REQUIRE(gone.size() == 1);
    CHECK(gone[0].job.name == "nightly report");
    CHECK(gone[0].deleted_ms == now);
    CHECK(store->find_deleted_job("g", "recent").ok());
    CHECK_FALSE(store->find_deleted_job("g", "old").ok());
    CHECK_FALSE(store->find_deleted_job("g", "live").ok());
    CHECK(run_ids(*store, "g", "recent") == std::vector<uint64_t>{2, 1});
    // The sweep erases the old one's run (its time is up) and its record; the recent one's stay.
    CHECK(store->sweep_retention() == 1);
    CHECK(store->stats().orphan_runs_erased == 1);
    CHECK(run_ids(*store, "g", "recent") == std::vector<uint64_t>{2, 1});
    CHECK(run_ids(*store, "g", "old").empty());
  }
  // Reopened with a longer history, the old job would be kept again had its record stayed.
  o.deleted_job_history = std::chrono::hours{10};
  auto store = open_store(tmp.path, o);
  CHECK(deleted_ids(*store, "g") == std::vector<std::string>{"recent"});
  // A job made again under the id starts with no history and is no longer a deleted one.
  REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "recent")).delete_runs("g", "recent")).ok());
  CHECK(run_ids(*store, "g", "recent").empty());
  CHECK(deleted_ids(*store, "g").empty());
  CHECK_FALSE(store->find_deleted_job("g", "recent").ok());
}

TEST_CASE("without a deleted_job_history a job deleted keeping its runs loses them as any other") {
  temp_dir tmp;
  auto store = open_store(tmp.path);  // deleted_job_history 0
  REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "j")).put_run(make_run("g", "j", 1))).ok());
  REQUIRE(store->commit_sync(mutation_batch{}.delete_job_keeping_runs(make_job("g", "j"), unix_now_ms())).ok());
  CHECK(store->list_group_runs("g", 0, INT64_MAX, 100).value().empty());
  CHECK(deleted_ids(*store, "g").empty());
  CHECK(store->sweep_retention() == 1);
  CHECK(run_ids(*store, "g", "j").empty());
}

TEST_CASE("deleting a group takes its deleted jobs' records and runs too") {
  temp_dir tmp;
  store_options o = quiet_options();
  o.deleted_job_history = std::chrono::hours{1};
  auto store = open_store(tmp.path, o);
  for (const std::string g : {"g", "other"}) {
    REQUIRE(store->commit_sync(mutation_batch{}.put_group({g, "", 0}).put_job(make_job(g, "j")).put_run(make_run(g, "j", 1)))
                .ok());
    REQUIRE(store->commit_sync(mutation_batch{}.delete_job_keeping_runs(make_job(g, "j"), unix_now_ms())).ok());
  }
  REQUIRE(store->commit_sync(mutation_batch{}.delete_group("g")).ok());
  CHECK(deleted_ids(*store, "g").empty());
  CHECK(store->list_group_runs("g", 0, INT64_MAX, 100).value().empty());
  CHECK(deleted_ids(*store, "other") == std::vector<std::string>{"j"});
  CHECK(store->list_group_runs("other", 0, INT64_MAX, 100).value().size() == 1);
}

TEST_CASE("worker nodes and API keys are kept across a reopen and deleted one by one") {
  temp_dir tmp;
  {
    auto store = open_store(tmp.path);
    mutation_batch b;
    b.put_group({"g", "", 0})
        .put_node(make_node("g", "n1"))
        .put_node(make_node("g", "n2"))
        .put_api_key(make_api_key("k1", "g"))
        .put_api_key(make_api_key("ci-deploy", ""));
    REQUIRE(store->commit_sync(std::move(b)).ok());
    // A later put replaces the node (a heartbeat).
    node_spec seen = make_node("g", "n1");
    seen.last_seen_ms = 9000;
    REQUIRE(store->commit_sync(mutation_batch{}.put_node(seen)).ok());
  }
  auto store = open_store(tmp.path);
  loaded l = load(*store);
  REQUIRE(l.nodes.size() == 2);
  CHECK(l.nodes["g/n1"].last_seen_ms == 9000);
  CHECK(l.nodes["g/n1"].hostname == "host-n1");
  CHECK(l.nodes["g/n2"].otp_secret == "JBSWY3DPEHPK3PXP");
  REQUIRE(l.api_keys.size() == 2);
  CHECK(l.api_keys["k1"].group == "g");
  CHECK(l.api_keys["ci-deploy"].secret_hash == std::string(64, 'f'));

  // A null callback skips its kind; the others still come.
  std::size_t nodes_only = 0;
  REQUIRE(store->load_all({.on_node = [&](node_spec&&) { ++nodes_only; }}).ok());
  CHECK(nodes_only == 2);

  REQUIRE(store->commit_sync(mutation_batch{}.delete_node("g", "n1").delete_api_key("k1")).ok());
  l = load(*store);
  CHECK(l.nodes.size() == 1);
  CHECK(l.nodes.count("g/n2") == 1);
  CHECK(l.api_keys.size() == 1);
  CHECK(l.api_keys.count("ci-deploy") == 1);
}

TEST_CASE("delete_group removes its worker nodes, not other groups' nor any API key") {
  temp_dir tmp;
  auto store = open_store(tmp.path);
  // "g" is a prefix of "g2" and of "g/x" before escaping: neither may be caught by its range.
  for (const std::string g : {"g", "g2", "g/x"}) {
    REQUIRE(store
                ->commit_sync(mutation_batch{}
                                  .put_group({g, "", 0})
                                  .put_node(make_node(g, "n1"))
                                  .put_node(make_node(g, "n2"))
                                  .put_api_key(make_api_key("key_" + std::to_string(g.size()), g)))
                .ok());
  }
  SECTION("in its own commit") {
    REQUIRE(store->commit_sync(mutation_batch{}.delete_group("g")).ok());
  }
  SECTION("in the same group commit as a node put into that group, which it also removes") {
    std::promise<status> first;
    store->commit(mutation_batch{}.put_node(make_node("g", "n3")),
                  [&](status st) { first.set_value(st); });
    REQUIRE(store->commit_sync(mutation_batch{}.delete_group("g")).ok());
    REQUIRE(first.get_future().get().ok());
  }
  loaded l = load(*store);
  CHECK(l.nodes.size() == 4);
  CHECK(l.nodes.count("g/n1") == 0);
  CHECK(l.nodes.count("g/n2") == 0);
  CHECK(l.nodes.count("g/n3") == 0);
  CHECK(l.nodes.count("g2/n1") == 1);
  CHECK(l.nodes.count("g/x/n2") == 1);
  // API keys are not per group: the key scoped to "g" is still there.
  CHECK(l.api_keys.size() == 3);
  CHECK(l.api_keys.count("key_1") == 1);
  CHECK(l.api_keys["key_1"].group == "g");

  // A node put after its group's delete in the same batch survives.
  REQUIRE(store->commit_sync(mutation_batch{}.delete_group("g2").put_node(make_node("g2", "n9")))
              .ok());
  l = load(*store);
  CHECK(l.nodes.count("g2/n9") == 1);
  CHECK(l.nodes.count("g2/n1") == 0);
}

TEST_CASE("list_runs gives the newest first, honours limit and pages with before_run_id") {
  temp_dir tmp;
  store_options o = keeping(0);  // no trimming here
  auto store = open_store(tmp.path, o);
  mutation_batch b;
  b.set_durable(false);
  for (uint64_t id : {5ULL, 300ULL, 7ULL, 0x100000000ULL, 1ULL}) b.put_run(make_run("g", "j", id));
  b.put_run(make_run("g", "j2", 1000));  // the next job's runs are not listed
  b.put_run(make_run("g", "i", 2000));   // nor the previous job's
  REQUIRE(store->commit_sync(std::move(b)).ok());

  CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{0x100000000ULL, 300, 7, 5, 1});
  CHECK(run_ids(*store, "g", "j", 2) == std::vector<uint64_t>{0x100000000ULL, 300});
  CHECK(run_ids(*store, "g", "j", 2, 300) == std::vector<uint64_t>{7, 5});
  CHECK(run_ids(*store, "g", "j", 10, 6) == std::vector<uint64_t>{5, 1});
  CHECK(run_ids(*store, "g", "j", 10, 1).empty());
  CHECK(run_ids(*store, "g", "j", 0).empty());
  CHECK(run_ids(*store, "g", "none").empty());
  CHECK(run_ids(*store, "g", "j2") == std::vector<uint64_t>{1000});
}

TEST_CASE("a schema 1 store's runs (keyed by run id, any format) move into rings at open") {
  temp_dir tmp;
  {
    // As an older build left it: schema 1, each run under its id, values of formats 2 and 3.
    auto db = open_raw_db(tmp.path);
    REQUIRE(db->Put({}, "m/schema", "1").ok());
    REQUIRE(db->Put({}, job_key("a/b", "50%"), encode(make_job("a/b", "50%"))).ok());  // names the key escapes
    const std::string prefix = job_runs_prefix("a/b", "50%");
    for (uint64_t id = 10; id <= 14; ++id) {
      run_record old = make_run("a/b", "50%", id);
      old.output_tail = "old " + std::to_string(id);
      if (id % 2 == 0) {
        REQUIRE(db->Put({}, prefix + hex16(id), format2_run(old)).ok());
      } else {
        std::string v3 = encode(old);  // format 4 with a one-byte run id, made format 3
        v3[0] = static_cast<char>(k_run_value_format_keyed);
        v3.erase(2, 1);
        REQUIRE(db->Put({}, prefix + hex16(id), v3).ok());
      }
    }
    REQUIRE(db->Put({}, job_key("g", "k"), encode(make_job("g", "k"))).ok());
    REQUIRE(db->Put({}, job_runs_prefix("g", "k") + hex16(7), format2_run(make_run("g", "k", 7))).ok());
  }
  store_options o = keeping(3);  // the newest three of job 50% move; the older two go
  {
    auto store = open_store(tmp.path, o);
    auto schema = store->get_meta("schema");
    REQUIRE(schema.ok());
    CHECK(schema.value() == std::optional<std::string>("2"));
    auto runs = store->list_runs("a/b", "50%", 10);
    REQUIRE(runs.ok());
    REQUIRE(runs->size() == 3);
    for (const run_record& r : *runs) {
      CHECK(r.group == "a/b");
      CHECK(r.job_id == "50%");
      CHECK(r.output_tail == "old " + std::to_string(r.run_id));
    }
    CHECK((*runs)[0].run_id == 14);
    CHECK((*runs)[2].run_id == 12);
    CHECK(run_ids(*store, "g", "k") == std::vector<uint64_t>{7});
    // The ring goes on after the moved runs: the next run replaces the oldest (12).
    REQUIRE(store->commit_sync(mutation_batch{}.put_run(make_run("a/b", "50%", 20)).set_durable(false)).ok());
    CHECK(run_ids(*store, "a/b", "50%") == std::vector<uint64_t>{20, 14, 13});
    auto group_runs = store->list_group_runs("a/b", 0, INT64_MAX, 10);
    REQUIRE(group_runs.ok());
    REQUIRE(group_runs->size() == 3);
    CHECK((*group_runs)[0].run_id == 20);
    CHECK((*group_runs)[0].job_id == "50%");
    CHECK((*group_runs)[1].group == "a/b");
    CHECK(store->stats().corrupt_runs_skipped == 0);
  }
  {
    // No legacy key is left, and opening again changes nothing.
    auto store = open_store(tmp.path, o);
    CHECK(run_ids(*store, "a/b", "50%") == std::vector<uint64_t>{20, 14, 13});
  }
  auto db = open_raw_db(tmp.path);
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator({}));
  std::size_t legacy = 0, slots = 0;
  for (it->Seek("r/"); it->Valid() && it->key().starts_with("r/"); it->Next()) {
    std::string_view p;
    uint64_t id = 0;
    uint32_t slot = 0;
    if (split_legacy_run_key(it->key().ToString(), &p, &id)) ++legacy;
    if (split_run_key(it->key().ToString(), &p, &slot)) ++slots;
  }
  CHECK(legacy == 0);
  CHECK(slots == 4);
}

TEST_CASE("a job's ring keeps its newest max_runs_per_job runs, and pages count from the newest") {
  temp_dir tmp;
  store_options o = keeping(3);
  auto store = open_store(tmp.path, o);
  mutation_batch b;
  b.put_job(make_job("g", "j")).put_job(make_job("g", "k"));
  for (uint64_t id = 1; id <= 6; ++id) b.put_run(make_run("g", "j", id, static_cast<int64_t>(id)));
  b.put_run(make_run("g", "k", 100, 100));
  REQUIRE(store->commit_sync(std::move(b)).ok());

  CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{6, 5, 4});
  CHECK(store->stats().runs_trimmed == 3);
  // Pages count from the newest.
  CHECK(run_ids(*store, "g", "j", 10, 5) == std::vector<uint64_t>{4});
  CHECK(run_ids(*store, "g", "j", 10, 4).empty());
  CHECK(run_ids(*store, "g", "j", 10, 3).empty());
  CHECK(run_ids(*store, "g", "j", 1, 6) == std::vector<uint64_t>{5});

  auto group_runs = store->list_group_runs("g", 0, INT64_MAX, 100);
  REQUIRE(group_runs.ok());
  std::vector<uint64_t> ids;
  for (const auto& r : *group_runs) ids.push_back(r.run_id);
  CHECK(ids == std::vector<uint64_t>{100, 6, 5, 4});
  // A time range that held only overwritten runs lists none of them.
  group_runs = store->list_group_runs("g", 1, 3, 100);
  REQUIRE(group_runs.ok());
  CHECK(group_runs->empty());
  group_runs = store->list_group_runs("g", 2, 5, 100);
  REQUIRE(group_runs.ok());
  REQUIRE(group_runs->size() == 2);
  CHECK((*group_runs)[0].run_id == 5);
  CHECK((*group_runs)[1].run_id == 4);
  // Nothing is past the cap: the sweep has nothing to delete.
  CHECK(store->sweep_retention() == 0);
}

TEST_CASE("after a reopen a job's ring goes on from its newest run, and a lowered cap is swept") {
  temp_dir tmp;
  store_options o = keeping(4);
  {
    auto store = open_store(tmp.path, o);
    REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "j")).put_job(make_job("g", "k"))).ok());
    put_runs(*store, "g", "j", 1, 6);  // slots 0 and 1 hold 5 and 6: the oldest is in slot 2
    put_runs(*store, "g", "k", 1, 2);  // a ring not yet full
  }
  {
    auto store = open_store(tmp.path, o);
    REQUIRE(store->commit_sync(mutation_batch{}.put_run(make_run("g", "j", 7)).set_durable(false)).ok());
    CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{7, 6, 5, 4});
    REQUIRE(store->commit_sync(mutation_batch{}.put_run(make_run("g", "k", 3)).set_durable(false)).ok());
    CHECK(run_ids(*store, "g", "k") == std::vector<uint64_t>{3, 2, 1});
    CHECK(store->stats().runs_trimmed == 1);  // only j's run 3 was overwritten
  }
  o.max_runs_per_job = 2;
  auto store = open_store(tmp.path, o);
  CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{7, 6});  // listed: the newest two
  CHECK(store->sweep_retention() == 2 + 1);  // stored: j's 5 and 4, k's 1
  CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{7, 6});
  CHECK(run_ids(*store, "g", "k") == std::vector<uint64_t>{3, 2});
  put_runs(*store, "g", "j", 8, 9);
  // The ring went on in slots 0 and 1; slot 2, past the new cap, still held run 7 for the sweep.
  CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{9, 8});
  CHECK(store->sweep_retention() == 1);
  CHECK(store->sweep_retention() == 0);
}

TEST_CASE("until the rings are scanned after open, runs are kept under their ids, and the sweep trims them") {
  temp_dir tmp;
  store_options o = keeping(3);
  {
    auto store = open_store(tmp.path, o);
    REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "j"))).ok());
    put_runs(*store, "g", "j", 1, 4);  // slot 0 holds 4: slot 1 holds the oldest, 2
  }
  held_scan_store held(tmp.path, o);
  auto& store = held.store;
  CHECK_FALSE(store->rings_scanned());
  put_runs(*store, "g", "j", 5, 6);
  CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{6, 5, 4});
  CHECK(store->stats().runs_trimmed == 0);  // nothing overwritten: 5 and 6 are extra keys
  held.release_scan();
  // The scan found the ring's place (after 4, in slot 0): 7 overwrites slot 1's run 2.
  REQUIRE(store->commit_sync(mutation_batch{}.put_run(make_run("g", "j", 7)).set_durable(false)).ok());
  CHECK(store->stats().runs_trimmed == 1);
  CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{7, 6, 5});
  // Stored: slots 4, 7, 3 and the extra 5 and 6; the sweep keeps the newest three.
  CHECK(store->sweep_retention() == 2);
  CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{7, 6, 5});
  CHECK(store->sweep_retention() == 0);
}

TEST_CASE("a job made again under a deleted job's id starts empty, whichever side of the ring scan its runs were stored") {
  temp_dir tmp;
  store_options o = keeping(3);
  {
    auto store = open_store(tmp.path, o);
    REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "old"))).ok());
    put_runs(*store, "g", "old", 1, 2);  // in the DB before the scan: the scan finds them
  }
  held_scan_store held(tmp.path, o);
  auto& store = held.store;
  // Runs of a job first seen while the scan is held back are kept under their ids; the scan's
  // iterator (made before) does not see them, so only the committer can tell the table about
  // them.
  REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "new"))).ok());
  put_runs(*store, "g", "new", 10, 11);
  for (const char* id : {"old", "new"}) REQUIRE(store->commit_sync(mutation_batch{}.delete_job("g", id)).ok());
  held.release_scan();
  // A put_run takes the scan's table over; then the creates (a job under a client's id erases
  // the runs its id may have left) find both jobs in it and erase their runs.
  REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "other"))).ok());
  put_runs(*store, "g", "other", 20, 20);
  for (const char* id : {"old", "new"}) {
    REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", id)).delete_runs("g", id)).ok());
    CHECK(run_ids(*store, "g", id).empty());
  }
  // A job that never had a run: nothing to erase, and its first run is its only one.
  REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "fresh")).delete_runs("g", "fresh")).ok());
  put_runs(*store, "g", "fresh", 30, 30);
  CHECK(run_ids(*store, "g", "fresh") == std::vector<uint64_t>{30});
  CHECK(run_ids(*store, "g", "other") == std::vector<uint64_t>{20});
}

TEST_CASE("a sweep with more deletes than one committer round takes writes them all") {
  temp_dir tmp;
  auto store = open_store(tmp.path, keeping(0));
  mutation_batch b;
  b.put_job(make_job("g", "gone")).put_job(make_job("g", "kept"));
  for (uint64_t id = 1; id <= 2'500; ++id) b.put_run(make_run("g", "gone", id));  // 3 rounds of deletes
  b.put_run(make_run("g", "kept", 1));
  REQUIRE(store->commit_sync(std::move(b)).ok());
  REQUIRE(store->commit_sync(mutation_batch{}.delete_job("g", "gone")).ok());
  CHECK(store->sweep_retention() == 2'500);
  CHECK(store->stats().orphan_runs_erased == 2'500);
  CHECK(store->list_runs("g", "gone", 5'000).value().empty());
  CHECK(run_ids(*store, "g", "kept") == std::vector<uint64_t>{1});
  CHECK(store->sweep_retention() == 0);
}

TEST_CASE("the sweep never erases a run written to a slot after it read the slot") {
  temp_dir tmp;
  store_options o = keeping(1);  // every run goes to slot 0
  auto store = open_store(tmp.path, o);
  REQUIRE(store->commit_sync(mutation_batch{}.put_run(make_run("g", "gone", 1)).set_durable(false)).ok());
  const std::string slot0 = run_slot_key(job_runs_prefix("g", "gone"), 0);
  // The sweep read run 1 in slot 0 (an orphan: job "gone" does not exist); the job is made
  // again and its first run lands in slot 0 before the sweep's erase is written.
  REQUIRE(store
              ->commit_sync(mutation_batch{}
                                .put_job(make_job("g", "gone"))
                                .delete_runs("g", "gone")
                                .put_run(make_run("g", "gone", 2)))
              .ok());
  REQUIRE(store->commit_sync(mutation_batch{}.erase_run_if(slot0, 1).set_durable(false)).ok());
  CHECK(run_ids(*store, "g", "gone") == std::vector<uint64_t>{2});
  REQUIRE(store->commit_sync(mutation_batch{}.erase_run_if(slot0, 2).set_durable(false)).ok());
  CHECK(run_ids(*store, "g", "gone").empty());
  // In one round, an erase of the slot's old run and a new run into it: the new run stays.
  REQUIRE(store->commit_sync(mutation_batch{}.put_run(make_run("g", "gone", 3)).set_durable(false)).ok());
  REQUIRE(store->commit_sync(mutation_batch{}.put_run(make_run("g", "gone", 4)).erase_run_if(slot0, 3)).ok());
  CHECK(run_ids(*store, "g", "gone") == std::vector<uint64_t>{4});
  // An orphan's erase is checked against its job: made again, the job's run stays.
  REQUIRE(store->commit_sync(mutation_batch{}.erase_orphan_run(slot0).set_durable(false)).ok());
  CHECK(run_ids(*store, "g", "gone") == std::vector<uint64_t>{4});
  REQUIRE(store->commit_sync(mutation_batch{}.delete_job("g", "gone")).ok());
  REQUIRE(store->commit_sync(mutation_batch{}.erase_orphan_run(slot0).set_durable(false)).ok());
  CHECK(run_ids(*store, "g", "gone").empty());
}

TEST_CASE("a non-durable run update replaces the running record") {
  temp_dir tmp;
  auto store = open_store(tmp.path);
  run_record r = make_run("g", "j", 1);
  r.state = run_state::running;
  REQUIRE(store->commit_sync(mutation_batch{}.put_run(r).set_durable(false)).ok());
  r.state = run_state::failed;
  r.error = "exit 1";
  REQUIRE(store->commit_sync(mutation_batch{}.update_run(r).set_durable(false)).ok());
  // A run the ring does not hold is added by update_run.
  REQUIRE(store->commit_sync(mutation_batch{}.update_run(make_run("g", "j", 2)).set_durable(false)).ok());
  CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{2, 1});
  auto runs = store->list_runs("g", "j", 10);
  REQUIRE(runs.ok());
  REQUIRE(runs->size() == 2);
  CHECK(runs->back().state == run_state::failed);
  CHECK(runs->back().error == "exit 1");
}

TEST_CASE("every write keeps the newest max_runs_per_job runs of each job") {
  temp_dir tmp;
  SECTION("one run a write, and many in one group commit") {
    store_options o = keeping(10);
    auto store = open_store(tmp.path, o);
    for (uint64_t id = 1; id <= 50; ++id) {
      REQUIRE(
          store->commit_sync(mutation_batch{}.put_run(make_run("g", "j", id)).set_durable(false))
              .ok());
    }
    mutation_batch b;
    for (uint64_t id = 51; id <= 80; ++id)
      b.put_run(make_run("g", "j", id)).put_run(make_run("g", "k", id));
    REQUIRE(store->commit_sync(std::move(b)).ok());
    std::vector<uint64_t> want;
    for (uint64_t id = 80; id > 70; --id) want.push_back(id);
    CHECK(run_ids(*store, "g", "j") == want);
    CHECK(run_ids(*store, "g", "k") == want);
    CHECK(store->stats().runs_trimmed == 70 + 20);
  }
  SECTION("exact at every write, with nothing left for the sweep") {
    store_options o = keeping(100);
    auto store = open_store(tmp.path, o);
    REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "j"))).ok());
    for (uint64_t id = 1; id <= 1000; ++id) {
      REQUIRE(
          store->commit_sync(mutation_batch{}.put_run(make_run("g", "j", id)).set_durable(false))
              .ok());
    }
    CHECK(store->stats().runs_trimmed == 900);
    auto ids = run_ids(*store, "g", "j");
    REQUIRE(ids.size() == 100);
    CHECK(ids.front() == 1000);
    CHECK(ids.back() == 901);
    CHECK(store->sweep_retention() == 0);
  }
}

TEST_CASE("a run that ends late takes the oldest slot, and a job made again starts over") {
  temp_dir tmp;
  store_options o = keeping(5);
  auto store = open_store(tmp.path, o);
  REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "j"))).ok());
  put_runs(*store, "g", "j", 100, 120);
  CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{120, 119, 118, 117, 116});
  // A run that started before the others and ended after them: kept as one of the last five
  // to finish (lists still sort by id).
  REQUIRE(store->commit_sync(mutation_batch{}.put_run(make_run("g", "j", 50)).set_durable(false)).ok());
  CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{120, 119, 118, 117, 50});
  put_runs(*store, "g", "j", 121, 125);
  CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{125, 124, 123, 122, 121});
  CHECK(store->stats().runs_trimmed == 22);
  CHECK(store->sweep_retention() == 0);
  // A job deleted and made again under the same id starts with an empty ring.
  REQUIRE(store->commit_sync(mutation_batch{}.delete_job("g", "j").delete_runs("g", "j")).ok());
  REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "j"))).ok());
  CHECK(run_ids(*store, "g", "j").empty());
  put_runs(*store, "g", "j", 200, 206);
  CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{206, 205, 204, 203, 202});
}

TEST_CASE("the age sweep deletes old runs a bounded number of keys per tick") {
  temp_dir tmp;
  store_options o = keeping(0);
  o.max_run_age = std::chrono::hours{1};
  o.sweep_keys_per_tick = 10;
  auto store = open_store(tmp.path, o);
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  mutation_batch b;
  for (int j = 0; j < 10; ++j) {
    const std::string job = "j" + std::to_string(j);
    b.put_job(make_job("g", job));
    for (uint64_t id = 1; id <= 5; ++id)
      b.put_run(make_run("g", job, id, now - 3 * 3'600'000));  // old
    b.put_run(make_run("g", job, 6, now));                     // fresh
  }
  run_record running = make_run("g", "j0", 7, 0);  // old plan, but it ended just now
  running.end_ms = now;
  b.put_run(running);
  REQUIRE(store->commit_sync(std::move(b)).ok());

  const std::size_t first = store->sweep_retention();
  CHECK(first > 0);
  CHECK(first < 50);  // one tick reads about 10 keys (finishing its last job), not all 61
  std::size_t total = first;
  for (int tick = 0; tick < 20; ++tick) total += store->sweep_retention();
  CHECK(total == 50);
  for (int j = 0; j < 10; ++j) {
    auto ids = run_ids(*store, "g", "j" + std::to_string(j));
    CHECK(ids == (j == 0 ? std::vector<uint64_t>{7, 6} : std::vector<uint64_t>{6}));
  }
}

TEST_CASE(
    "audit_range returns entries from its start up to but excluding its end, oldest first, and "
    "keeps same-ms entries") {
  temp_dir tmp;
  {
    auto store = open_store(tmp.path);
    mutation_batch b;
    for (int64_t t : {100, 200, 200, 300, 400})
      b.put_audit({t, "native", "", "a" + std::to_string(t), "", "", ""});
    REQUIRE(store->commit_sync(std::move(b)).ok());
  }
  auto store = open_store(tmp.path);
  // After a restart the sequence keeps growing: another entry at 200 adds, it does not replace.
  REQUIRE(
      store->commit_sync(mutation_batch{}.put_audit({200, "dkron", "", "late", "", "", ""})).ok());

  auto all = store->audit_range(0, 1000, 100);
  REQUIRE(all.ok());
  CHECK(all->size() == 6);
  auto mid = store->audit_range(200, 400, 100);
  REQUIRE(mid.ok());
  std::vector<std::string> actions;
  for (const auto& a : mid.value()) actions.push_back(a.action);
  CHECK(actions == std::vector<std::string>{"a200", "a200", "late", "a300"});
  auto limited = store->audit_range(0, 1000, 2);
  REQUIRE(limited.ok());
  CHECK(limited->size() == 2);
  CHECK(limited->front().time_ms == 100);
  CHECK(store->audit_range(500, 400, 10)->empty());
}

namespace {

// The actions of the audit entries a read answered, in its order.
std::vector<std::string> audit_actions(const status_or<std::vector<audit_entry>>& got) {
  REQUIRE(got.ok());
  std::vector<std::string> out;
  for (const auto& a : *got) out.push_back(a.action);
  return out;
}

}  // namespace

TEST_CASE("latest_group_audit keeps a group's newest entries of the range, oldest first") {
  temp_dir tmp;
  auto store = open_store(tmp.path);
  mutation_batch b;
  for (int64_t t : {100, 200, 300, 400, 500, 600})
    b.put_audit({t, "native", "", "a" + std::to_string(t), t % 200 == 0 ? "g" : "h", "", ""});
  // Keys after the audit log's, so that reading back from the end starts among other records.
  b.put_group({"zz", "S", 1}).put_job(make_job("zz", "1"));
  REQUIRE(store->commit_sync(std::move(b)).ok());
  CHECK(audit_actions(store->latest_group_audit("g", 0, 1000, 10)) == std::vector<std::string>{"a200", "a400", "a600"});
  CHECK(audit_actions(store->latest_group_audit("g", 0, 1000, 2)) == std::vector<std::string>{"a400", "a600"});
  CHECK(audit_actions(store->latest_group_audit("h", 0, 1000, 2)) == std::vector<std::string>{"a300", "a500"});
  // [from, to): 600 is left out, 200 is in.
  CHECK(audit_actions(store->latest_group_audit("g", 200, 600, 10)) == std::vector<std::string>{"a200", "a400"});
  CHECK(audit_actions(store->latest_group_audit("g", 250, 1'000'000, 10)) == std::vector<std::string>{"a400", "a600"});
  CHECK(store->latest_group_audit("nope", 0, 1000, 10)->empty());
  // Reading back stops after max_scanned entries of the log (600, 500, 400 here).
  CHECK(audit_actions(store->latest_group_audit("g", 0, 1000, 10, 3)) == std::vector<std::string>{"a400", "a600"});
  CHECK(store->latest_group_audit("g", 500, 400, 10)->empty());
}

TEST_CASE("latest_group_audit of several groups keeps their newest entries in the log's order") {
  temp_dir tmp;
  auto store = open_store(tmp.path);
  mutation_batch b;
  // Two entries of one millisecond: the log's order (the order written) decides between them.
  b.put_audit({100, "native", "", "g1", "g", "", ""}).put_audit({100, "native", "", "global1", "", "", ""});
  b.put_audit({200, "native", "", "h1", "h", "", ""}).put_audit({300, "native", "", "global2", "", "", ""});
  b.put_audit({400, "native", "", "g2", "g", "", ""});
  REQUIRE(store->commit_sync(std::move(b)).ok());
  const std::vector<std::string> g_and_global{"g", ""};
  CHECK(audit_actions(store->latest_group_audit(g_and_global, 0, 1000, 10)) ==
        std::vector<std::string>{"g1", "global1", "global2", "g2"});
  CHECK(audit_actions(store->latest_group_audit(g_and_global, 0, 1000, 3)) ==
        std::vector<std::string>{"global1", "global2", "g2"});
}

TEST_CASE("a damaged CURRENT file gives a clear error, and repair() lets the store open") {
  temp_dir tmp;
  {
    auto store = open_store(tmp.path);
    REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "1"))).ok());
  }
  overwrite(fs::path(tmp.path) / "CURRENT", "garbage that names no manifest");
  auto r = state_store::open(tmp.path, quiet_options());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == status_code::failed_precondition);
  CHECK_THAT(r.status().message(), Catch::Contains("data dir " + tmp.path + " is damaged"));
  CHECK_THAT(r.status().message(),
             Catch::Contains("run `mainspring repair --data-dir " + tmp.path + "`"));

  REQUIRE(state_store::repair(tmp.path).ok());
  auto store = open_store(tmp.path);
  CHECK(load(*store).jobs.count("g/1") == 1);
}

TEST_CASE("a damaged log file gives a clear error, and repair() lets the store open") {
  temp_dir tmp;
  {
    auto store = open_store(tmp.path);
    REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "1"))).ok());
  }
  int damaged = 0;
  for (const auto& e : fs::directory_iterator(tmp.path)) {
    if (e.path().extension() == ".log" && fs::file_size(e.path()) > 0) {
      // More than one 32 KiB log block: a short garbage file would pass for a torn tail.
      overwrite(e.path(), std::string(64 * 1024, '\x5a'));
      ++damaged;
    }
  }
  REQUIRE(damaged > 0);
  auto r = state_store::open(tmp.path, quiet_options());
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains("is damaged"));
  REQUIRE(state_store::repair(tmp.path).ok());
  auto store = open_store(tmp.path);  // the garbage is dropped; the store works again
  REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "2"))).ok());
  CHECK(load(*store).jobs.count("g/2") == 1);
}

TEST_CASE("a damaged table file is reported by load_all, and repair() recovers the rest") {
  temp_dir tmp;
  {
    auto store = open_store(tmp.path);
    mutation_batch b;
    for (int i = 0; i < 100; ++i) b.put_job(make_job("g", std::to_string(i)));
    REQUIRE(store->commit_sync(std::move(b)).ok());
  }
  { auto store = open_store(tmp.path); }  // reopening moves the log into a table file
  int damaged = 0;
  for (const auto& e : fs::directory_iterator(tmp.path)) {
    if (e.path().extension() == ".ldb") {
      std::string bytes(fs::file_size(e.path()), '\0');
      std::ifstream(e.path(), std::ios::binary)
          .read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      for (std::size_t i = 0; i < bytes.size() / 2; i += 7)
        bytes[i] = static_cast<char>(bytes[i] ^ 0x55);
      overwrite(e.path(), bytes);
      ++damaged;
    }
  }
  REQUIRE(damaged > 0);
  {
    auto opened = state_store::open(tmp.path, quiet_options());
    if (opened.ok()) {  // tables are opened lazily: the damage shows at the first full read
      status st = opened.value()->load_all(
          {.on_group = nullptr, .on_job = [](job_spec&&) {}, .on_func = nullptr});
      REQUIRE_FALSE(st.ok());
      CHECK_THAT(st.message(), Catch::Contains("is damaged"));
    } else {
      CHECK_THAT(opened.status().message(), Catch::Contains("is damaged"));
    }
  }
  REQUIRE(state_store::repair(tmp.path).ok());
  auto store = open_store(tmp.path);
  load(*store);  // whatever survived reads cleanly
  REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "new"))).ok());
}

TEST_CASE("a data dir open in another store is refused, not shared") {
  temp_dir tmp;
  auto store = open_store(tmp.path);
  auto second = state_store::open(tmp.path, quiet_options());
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == status_code::unavailable);
  CHECK_THAT(second.status().message(), Catch::Contains("in use"));
}

TEST_CASE("repair of a missing data dir is not_found") {
  CHECK(state_store::repair("/tmp/ms_store_test_no_such_dir_x9").code() == status_code::not_found);
}

TEST_CASE(
    "an unreadable record stops load_all with its key, and a newer schema is refused at open") {
  temp_dir tmp;
  { auto store = open_store(tmp.path); }
  {
    auto db = open_raw_db(tmp.path);
    REQUIRE(db->Put({}, "j/g/bad", "\x01garbage").ok());
  }
  {
    auto store = open_store(tmp.path);
    status st =
        store->load_all({.on_group = nullptr, .on_job = [](job_spec&&) {}, .on_func = nullptr});
    CHECK_FALSE(st.ok());
    CHECK_THAT(st.message(), Catch::Contains("j/g/bad"));
  }
  {
    auto db = open_raw_db(tmp.path);
    REQUIRE(db->Put({}, std::string(k_schema_key), "3").ok());
  }
  auto r = state_store::open(tmp.path, quiet_options());
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains("schema version 3"));
}

TEST_CASE("lazy batches beyond the queue bound are dropped and counted, durable ones always queue") {
  temp_dir dir;
  store_options o = quiet_options();
  o.max_queued_lazy_batches = 10;
  auto store = open_store(dir.path, o);
  // Hold the committer inside a done callback, so that what follows waits in the queue.
  std::promise<void> entered, release;
  auto release_future = release.get_future().share();
  store->commit(mutation_batch{}.put_group(group_spec{"G", "S", 0}), [&](status) {
    entered.set_value();
    release_future.wait();
  });
  entered.get_future().wait();
  std::atomic<int> refused{0};
  for (int i = 0; i < 15; ++i) {
    run_record run;
    run.run_id = static_cast<uint64_t>(100 + i);
    run.job_id = "j";
    run.group = "G";
    run.state = run_state::succeeded;
    mutation_batch lazy = mutation_batch{}.put_run(run);
    lazy.set_durable(false);
    store->commit(std::move(lazy), [&](status st) {
      if (st.code() == status_code::resource_exhausted) ++refused;
    });
  }
  CHECK(refused == 5);  // answered at once, on this thread
  std::atomic<bool> durable_ok{false};
  store->commit(mutation_batch{}.put_job(make_job("G", "j")), [&](status st) { durable_ok = st.ok(); });
  auto stats = store->stats();
  CHECK(stats.dropped_lazy_batches == 5);
  CHECK(stats.queued_batches == 11);  // 10 lazy + the durable one
  release.set_value();
  REQUIRE(store->commit_sync(mutation_batch{}.put_audit(audit_entry{})).ok());
  CHECK(durable_ok);
  CHECK(store->list_runs("G", "j", 100).value().size() == 10);
  // Once the committer has caught up, lazy batches queue again.
  run_record later;
  later.run_id = 500;
  later.job_id = "j";
  later.group = "G";
  mutation_batch lazy = mutation_batch{}.put_run(later);
  lazy.set_durable(false);
  store->commit(std::move(lazy), nullptr);
  REQUIRE(store->commit_sync(mutation_batch{}.put_audit(audit_entry{})).ok());
  CHECK(store->list_runs("G", "j", 100).value().size() == 11);
  CHECK(store->stats().dropped_lazy_batches == 5);
}

TEST_CASE("a job's waiting runs load in queue order, and go one by one, by job, or with their group") {
  temp_dir tmp;
  auto store = open_store(tmp.path);
  auto waiting = [](std::string group, std::string job, uint64_t id) {
    waiting_record w;
    w.group = std::move(group);
    w.job_id = std::move(job);
    w.id = id;
    w.plan_ms = static_cast<int64_t>(id);
    return w;
  };
  mutation_batch b;
  b.put_group({"g", "", 0}).put_group({"h", "", 0});
  for (uint64_t id : {0x300, 0x100, 0x200}) b.put_waiting(waiting("g", "a", id));
  b.put_waiting(waiting("g", "b", 0x50)).put_waiting(waiting("h", "a", 0x60));
  REQUIRE(store->commit_sync(std::move(b)).ok());
  auto loaded = [&] {
    std::vector<std::string> out;
    load_visitor v;
    v.on_waiting = [&](waiting_record&& w) { out.push_back(w.group + "/" + w.job_id + "/" + std::to_string(w.id)); };
    REQUIRE(store->load_all(v).ok());
    return out;
  };
  CHECK(loaded() == std::vector<std::string>{"g/a/256", "g/a/512", "g/a/768", "g/b/80", "h/a/96"});
  REQUIRE(store->commit_sync(mutation_batch{}.delete_waiting("g", "a", 0x100)).ok());
  CHECK(loaded() == std::vector<std::string>{"g/a/512", "g/a/768", "g/b/80", "h/a/96"});
  REQUIRE(store->commit_sync(mutation_batch{}.delete_all_waiting("g", "a")).ok());
  CHECK(loaded() == std::vector<std::string>{"g/b/80", "h/a/96"});
  REQUIRE(store->commit_sync(mutation_batch{}.delete_group("g")).ok());
  CHECK(loaded() == std::vector<std::string>{"h/a/96"});
}

TEST_CASE("load_all gives the meta values under a prefix, by name, from the same snapshot as the records") {
  temp_dir tmp;
  auto store = open_store(tmp.path);
  mutation_batch b;
  b.put_group({"g", "", 0}).put_meta("pools/h", "H").put_meta("pools/g", "G").put_meta("pool", "not under the prefix");
  REQUIRE(store->commit_sync(std::move(b)).ok());
  std::vector<std::string> groups, metas;
  load_visitor v;
  v.on_group = [&](group_spec&& g) { groups.push_back(g.name); };
  v.meta_prefix = "pools/";
  v.on_meta = [&](std::string_view name, std::string_view value) {
    metas.push_back(std::string(name) + "=" + std::string(value));
  };
  REQUIRE(store->load_all(v).ok());
  CHECK(groups == std::vector<std::string>{"g"});
  CHECK(metas == std::vector<std::string>{"pools/g=G", "pools/h=H"});
  // Without on_meta no meta value is read, whatever the prefix.
  metas.clear();
  v.on_meta = nullptr;
  REQUIRE(store->load_all(v).ok());
  CHECK(metas.empty());
}

TEST_CASE("in-flight markers load by job with their run, go one by one or with their group, and bad ones are skipped") {
  temp_dir tmp;
  {  // Markers a newer or damaged build left: their key or value does not read.
    auto db = open_raw_db(tmp.path);
    REQUIRE(db->Put({}, "i/g/a/0000000000000050", "garbage").ok());
    REQUIRE(db->Put({}, "i/g/not-a-marker", "").ok());
  }
  auto store = open_store(tmp.path);
  auto marker = [](std::string group, std::string job, uint64_t id) {
    run_record r;
    r.group = std::move(group);
    r.job_id = std::move(job);
    r.run_id = id;
    r.trigger = run_trigger::manual;
    r.plan_ms = 1000;
    r.start_ms = 1005;
    return r;
  };
  mutation_batch b;
  b.put_group({"g", "", 0}).put_group({"h", "", 0});
  b.put_in_flight(marker("g", "a", 0x20)).put_in_flight(marker("g", "a", 0x10)).put_in_flight(marker("g", "b/c", 0x30));
  b.put_in_flight(marker("h", "a", 0x40));
  REQUIRE(store->commit_sync(std::move(b)).ok());
  std::vector<run_record> runs;
  auto loaded = [&] {
    std::vector<std::string> out;
    runs.clear();
    load_visitor v;
    v.on_in_flight = [&](run_record&& r) {
      out.push_back(r.group + "|" + r.job_id + "|" + std::to_string(r.run_id));
      runs.push_back(std::move(r));
    };
    REQUIRE(store->load_all(v).ok());
    return out;
  };
  CHECK(loaded() == std::vector<std::string>{"g|a|16", "g|a|32", "g|b/c|48", "h|a|64"});
  CHECK(runs[0].state == run_state::running);
  CHECK(runs[0].trigger == run_trigger::manual);
  CHECK(runs[0].plan_ms == 1000);
  CHECK(runs[0].start_ms == 1005);
  REQUIRE(store->commit_sync(mutation_batch{}.delete_in_flight("g", "a", 0x10).set_durable(false)).ok());
  CHECK(loaded() == std::vector<std::string>{"g|a|32", "g|b/c|48", "h|a|64"});
  REQUIRE(store->commit_sync(mutation_batch{}.delete_group("g")).ok());
  CHECK(loaded() == std::vector<std::string>{"h|a|64"});
}

TEST_CASE("with read_histories the ring scan waits for the call, then gives each job its tally and newest run") {
  temp_dir tmp;
  store_options o = keeping(3);
  {
    auto store = open_store(tmp.path, o);
    REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "j")).put_job(make_job("g", "k/1"))).ok());
    run_tally t;
    for (uint64_t id = 1; id <= 5; ++id) {  // j's ring of 3 keeps runs 3..5; each carries its tally
      run_record r = make_run("g", "j", id, static_cast<int64_t>(id) * 1000);
      t.count(r.state, r.trigger, r.end_ms);
      t.newest_started_id = id;
      REQUIRE(store->commit_sync(mutation_batch{}.put_run(r, &t).set_durable(false)).ok());
    }
    run_record failed = make_run("g", "j", 6, 6000);  // written before its job knew its tally
    failed.state = run_state::failed;
    failed.error = "exit 1";
    REQUIRE(store->commit_sync(mutation_batch{}.put_run(failed).set_durable(false)).ok());
    put_runs(*store, "g", "k/1", 1, 1);  // no tally at all
  }
  o.read_histories = true;
  auto opened = state_store::open(tmp.path, o);
  REQUIRE(opened.ok());
  auto& store = *opened.value();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(store.rings_scanned());  // waiting for read_histories

  std::mutex mu;
  std::map<std::string, stored_history> got;
  std::promise<void> done;
  store.read_histories(
      [&](std::string group, std::string job_id, stored_history h) {
        std::lock_guard<std::mutex> lock(mu);
        got.emplace(group + "|" + job_id, std::move(h));
      },
      [&] { done.set_value(); });
  REQUIRE(done.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(store.rings_scanned());
  std::lock_guard<std::mutex> lock(mu);
  REQUIRE(got.size() == 2);
  const stored_history& j = got.at("g|j");
  CHECK(j.tally.successes == 5);
  CHECK(j.tally.newest_started_id == 5);
  REQUIRE(j.untallied.size() == 1);
  CHECK(j.untallied[0].run_id == 6);
  const run_tally all = j.tally_before(UINT64_MAX);
  CHECK(all.successes == 5);
  CHECK(all.failures == 1);
  CHECK(all.last_success_ms == 5000);
  CHECK(all.last_error_ms == 6000);
  REQUIRE(j.newest.has_value());
  CHECK(j.newest->run_id == 6);
  CHECK(j.newest->group == "g");
  CHECK(j.newest->job_id == "j");
  CHECK(j.newest->error == "exit 1");
  const stored_history& k = got.at("g|k/1");  // the id's '/' is escaped in the key and back
  CHECK(k.tally == run_tally{});
  CHECK(k.tally_before(UINT64_MAX).successes == 1);
}

TEST_CASE("a run update carries its job's tally, which the next start reads back") {
  temp_dir tmp;
  store_options o = keeping(3);
  run_tally t;
  {
    auto store = open_store(tmp.path, o);
    REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "j"))).ok());
    // A run recorded lost, then its real end (a run of an earlier process, taken back).
    run_record r = make_run("g", "j", 1, 1000);
    r.state = run_state::failed;
    REQUIRE(store->commit_sync(mutation_batch{}.put_run(r).set_durable(false)).ok());
    r.state = run_state::succeeded;
    r.end_ms = 2000;
    t.count(r.state, r.trigger, r.end_ms);
    t.newest_started_id = 7;
    REQUIRE(store->commit_sync(mutation_batch{}.update_run(r, &t).set_durable(false)).ok());
    CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{1});
  }
  o.read_histories = true;
  auto opened = state_store::open(tmp.path, o);
  REQUIRE(opened.ok());
  std::optional<stored_history> got;
  std::promise<void> done;
  opened.value()->read_histories([&](std::string, std::string, stored_history h) { got = std::move(h); },
                                 [&] { done.set_value(); });
  REQUIRE(done.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  REQUIRE(got.has_value());
  CHECK(got->tally == t);
  CHECK(got->untallied.empty());
}

TEST_CASE("a store waiting for read_histories keeps runs under their ids, and closes without the call") {
  temp_dir tmp;
  store_options o = quiet_options();
  o.read_histories = true;
  auto opened = state_store::open(tmp.path, o);
  REQUIRE(opened.ok());
  auto store = std::move(opened).value();
  REQUIRE(store->commit_sync(mutation_batch{}.put_job(make_job("g", "j"))).ok());
  put_runs(*store, "g", "j", 1, 3);
  CHECK_FALSE(store->rings_scanned());
  CHECK(run_ids(*store, "g", "j") == std::vector<uint64_t>{3, 2, 1});
  store.reset();  // returns: the scan stops waiting
  auto again = open_store(tmp.path);
  CHECK(run_ids(*again, "g", "j") == std::vector<uint64_t>{3, 2, 1});
}

TEST_CASE("drain returns once every batch queued before it has been written and its done has returned") {
  temp_dir dir;
  auto store = open_store(dir.path, quiet_options());
  // Hold the committer inside the first done, so that everything after it waits in the lanes.
  std::promise<void> entered, release;
  auto release_future = release.get_future().share();
  std::atomic<int> dones{0};
  store->commit(mutation_batch{}.put_group(group_spec{"G", "S", 0}), [&](status) {
    entered.set_value();
    release_future.wait();
    ++dones;
  });
  entered.get_future().wait();
  for (int i = 0; i < 20; ++i) {
    run_record run;
    run.run_id = static_cast<uint64_t>(100 + i);
    run.job_id = "j";
    run.group = "G";
    run.state = run_state::succeeded;
    mutation_batch lazy = mutation_batch{}.put_run(run);  // the history lane
    lazy.set_durable(false);
    store->commit(std::move(lazy), [&](status) { ++dones; });
  }
  store->commit(mutation_batch{}.put_job(make_job("G", "j")), [&](status) { ++dones; });
  std::promise<void> draining;
  int seen_after_drain = -1;
  std::thread drainer([&] {
    draining.set_value();
    store->drain();
    seen_after_drain = dones.load();
  });
  draining.get_future().wait();
  release.set_value();
  drainer.join();
  CHECK(seen_after_drain == 22);
  CHECK(store->list_runs("G", "j", 100).value().size() == 20);
  store->drain();  // nothing queued: returns at once
}
