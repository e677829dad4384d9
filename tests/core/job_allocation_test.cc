#include "core/job_allocation.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

using mainspring::crc32_ieee;
using mainspring::hash_ring;
using mainspring::job_allocation;
using mainspring::job_allocation_entry;
using mainspring::live_server;
using mainspring::status_code;

// The three servers and six jobs of the jobsalloc example in the Cloudtask API document.
const std::vector<std::string> k_doc_servers = {"529ae1f4-d7ea-45e0-0f3f-32aefaba281c",
                                                "517ae088-779c-4520-b23f-e5f0c341081d",
                                                "509794cc-3539-4f58-a4d3-cc02a4f4848f"};
const std::vector<std::string> k_doc_jobs = {"e7994ade7a32b13b4a51788d", "666e3b394cfd1ee1577e72b4",
                                             "399d4b159c65c9b34d2a3c41", "33bd7b52592f4f2c45262e3b",
                                             "8fee1ea957b7b6b49bd4e75f", "72ec7bb9decf1e8ea92ad3da"};

// A UUID-shaped server key and a 24-hex-digit job id, as Cloudtask makes them.
std::string random_server_key(std::mt19937_64& rng) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(rng() & 0xFFFFFFFFull),
                static_cast<unsigned long long>(rng() & 0xFFFFull),
                static_cast<unsigned long long>(rng() & 0xFFFFull),
                static_cast<unsigned long long>(rng() & 0xFFFFull),
                static_cast<unsigned long long>(rng() & 0xFFFFFFFFFFFFull));
  return buf;
}

std::string random_job_id(std::mt19937_64& rng) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08llx%016llx", static_cast<unsigned long long>(rng() & 0xFFFFFFFFull),
                static_cast<unsigned long long>(rng()));
  return buf;
}

std::vector<std::string> random_servers(std::mt19937_64& rng, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(random_server_key(rng));
  return out;
}

std::vector<std::string> random_jobs(std::mt19937_64& rng, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(random_job_id(rng));
  return out;
}

job_allocation table_of(const std::vector<std::string>& servers, const std::vector<std::string>& jobs) {
  job_allocation t;
  REQUIRE(t.set_servers(servers).ok());
  for (const std::string& j : jobs) REQUIRE(t.add_job(j).ok());
  return t;
}

std::map<std::string, std::string> placement(const job_allocation& t) {
  std::map<std::string, std::string> out;
  for (const job_allocation_entry& e : t.entries()) out[e.job_id] = e.server_key;
  return out;
}

// Brute force over every point of every member: the owner of the largest point strictly below
// the key's hash (the smaller member on a shared hash), else of the largest point of all.
std::optional<std::string> oracle_owner(const std::vector<std::string>& members, int virtual_nodes,
                                        const std::string& key) {
  const uint32_t h = crc32_ieee(key);
  std::optional<std::pair<uint32_t, std::string>> below, top;
  auto better = [](const std::optional<std::pair<uint32_t, std::string>>& cur, uint32_t p,
                   const std::string& m) {
    return !cur || p > cur->first || (p == cur->first && m < cur->second);
  };
  for (const std::string& m : members) {
    for (int i = 0; i < virtual_nodes; ++i) {
      const uint32_t p = crc32_ieee(hash_ring::point_key(m, i));
      if (p < h && better(below, p, m)) below = std::make_pair(p, m);
      if (better(top, p, m)) top = std::make_pair(p, m);
    }
  }
  if (below) return below->second;
  if (top) return top->second;
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The hash and the ring

TEST_CASE("crc32_ieee gives the IEEE check values Go and zlib give") {
  CHECK(crc32_ieee("123456789") == 0xCBF43926u);
  CHECK(crc32_ieee("") == 0u);
  CHECK(crc32_ieee("a") == 0xE8B7BE43u);
  CHECK(crc32_ieee("The quick brown fox jumps over the lazy dog") == 0x414FA339u);
}

TEST_CASE("a ring point is named like Cloudtask's, key bar index") {
  CHECK(hash_ring::point_key("529ae1f4", 0) == "529ae1f4|0");
  CHECK(hash_ring::point_key("w", 49) == "w|49");
}

TEST_CASE("placement matches Cloudtask's ring for the API document's servers and jobs") {
  // Expected owners computed by a line-by-line transcription of libtools consistent.go
  // (NewConsisten(50), crc32.ChecksumIEEE, sort.Search then one step back).
  job_allocation t = table_of(k_doc_servers, k_doc_jobs);
  const std::string a = "529ae1f4-d7ea-45e0-0f3f-32aefaba281c";
  const std::string b = "517ae088-779c-4520-b23f-e5f0c341081d";
  const std::string c = "509794cc-3539-4f58-a4d3-cc02a4f4848f";
  CHECK(t.server_of("e7994ade7a32b13b4a51788d") == b);
  CHECK(t.server_of("666e3b394cfd1ee1577e72b4") == b);
  CHECK(t.server_of("399d4b159c65c9b34d2a3c41") == c);
  CHECK(t.server_of("33bd7b52592f4f2c45262e3b") == a);
  CHECK(t.server_of("8fee1ea957b7b6b49bd4e75f") == a);
  CHECK(t.server_of("72ec7bb9decf1e8ea92ad3da") == a);

  SECTION("and after the third server leaves, only its job moves") {
    REQUIRE(t.set_servers({a, b}).ok());
    CHECK(t.server_of("399d4b159c65c9b34d2a3c41") == b);
    CHECK(t.jobs_on(a) == std::vector<std::string>{"33bd7b52592f4f2c45262e3b", "72ec7bb9decf1e8ea92ad3da",
                                                   "8fee1ea957b7b6b49bd4e75f"});
    CHECK(t.jobs_on(b) == std::vector<std::string>{"399d4b159c65c9b34d2a3c41", "666e3b394cfd1ee1577e72b4",
                                                   "e7994ade7a32b13b4a51788d"});
  }
}

TEST_CASE("placement of 1,000 jobs over 5 servers matches Cloudtask's counts") {
  // Same transcription as above: job-0..job-999 over worker-1..worker-5.
  std::vector<std::string> servers, jobs;
  for (int i = 1; i <= 5; ++i) servers.push_back("worker-" + std::to_string(i));
  for (int i = 0; i < 1000; ++i) jobs.push_back("job-" + std::to_string(i));
  job_allocation t = table_of(servers, jobs);
  CHECK(t.jobs_on("worker-1").size() == 280);
  CHECK(t.jobs_on("worker-2").size() == 197);
  CHECK(t.jobs_on("worker-3").size() == 184);
  CHECK(t.jobs_on("worker-4").size() == 206);
  CHECK(t.jobs_on("worker-5").size() == 133);
  const std::vector<std::string> first_ten = {"worker-4", "worker-2", "worker-2", "worker-4", "worker-3",
                                              "worker-3", "worker-3", "worker-3", "worker-3", "worker-5"};
  for (int i = 0; i < 10; ++i) CHECK(t.server_of("job-" + std::to_string(i)) == first_ten[i]);
}

TEST_CASE("the ring's owner agrees with a brute-force search over all points") {
  std::mt19937_64 rng(20240611);
  for (int round = 0; round < 20; ++round) {
    const int n = 1 + static_cast<int>(rng() % 8);
    const int virtual_nodes = round % 2 == 0 ? mainspring::k_cloudtask_virtual_nodes : 1 + static_cast<int>(rng() % 5);
    std::vector<std::string> members = random_servers(rng, n);
    hash_ring ring(virtual_nodes);
    ring.set_members(members);
    for (int k = 0; k < 200; ++k) {
      const std::string key = random_job_id(rng);
      std::optional<std::string_view> got = ring.owner_of(key);
      REQUIRE(got.has_value());
      REQUIRE(std::string(*got) == oracle_owner(members, virtual_nodes, key));
    }
  }
}

TEST_CASE("a hash two servers share belongs to the smaller key, whatever their order") {
  // Point 8 of server-88881 and point 44 of server-272644 both hash to 0x582d1e10.
  const std::string small = "server-272644";
  const std::string large = "server-88881";
  REQUIRE(crc32_ieee(hash_ring::point_key(large, 8)) == 0x582D1E10u);
  REQUIRE(crc32_ieee(hash_ring::point_key(small, 44)) == 0x582D1E10u);

  // A key whose hash lies just above the shared point, below every other point.
  uint32_t next_point = UINT32_MAX;
  for (const std::string& m : {small, large}) {
    for (int i = 0; i < mainspring::k_cloudtask_virtual_nodes; ++i) {
      const uint32_t p = crc32_ieee(hash_ring::point_key(m, i));
      if (p > 0x582D1E10u) next_point = std::min(next_point, p);
    }
  }
  std::string key;
  for (int n = 0; key.empty(); ++n) {
    const std::string candidate = "job-" + std::to_string(n);
    const uint32_t h = crc32_ieee(candidate);
    if (h > 0x582D1E10u && h <= next_point) key = candidate;
  }

  hash_ring forward, backward;
  forward.set_members({small, large});
  backward.set_members({large, small});
  CHECK(forward.owner_of(key) == small);
  CHECK(backward.owner_of(key) == small);

  // Without the smaller key the point is the larger one's (Cloudtask would have lost it).
  hash_ring only_large;
  only_large.set_members({large});
  CHECK(only_large.owner_of(key) == large);
}

TEST_CASE("an empty ring owns nothing") {
  hash_ring ring;
  CHECK(ring.empty());
  CHECK_FALSE(ring.owner_of("e7994ade7a32b13b4a51788d").has_value());
  ring.set_members({"a", "a", "b"});
  CHECK(ring.members() == std::vector<std::string>{"a", "b"});
}

// ---------------------------------------------------------------------------------------------
// The allocation table

TEST_CASE("every job is allocated exactly once, to a live server") {
  std::mt19937_64 rng(1);
  const std::vector<std::string> servers = random_servers(rng, 4);
  const std::vector<std::string> jobs = random_jobs(rng, 300);
  job_allocation t = table_of(servers, jobs);

  const std::vector<job_allocation_entry> entries = t.entries();
  REQUIRE(entries.size() == jobs.size());
  std::set<std::string> seen;
  for (const job_allocation_entry& e : entries) {
    CHECK(seen.insert(e.job_id).second);
    CHECK(std::find(servers.begin(), servers.end(), e.server_key) != servers.end());
    CHECK(e.version == 1);
    CHECK(t.server_of(e.job_id) == e.server_key);
  }
  CHECK(seen == std::set<std::string>(jobs.begin(), jobs.end()));
  CHECK(std::is_sorted(entries.begin(), entries.end(),
                       [](const auto& a, const auto& b) { return a.job_id < b.job_id; }));

  size_t on_some_server = 0;
  for (const std::string& s : servers) on_some_server += t.jobs_on(s).size();
  CHECK(on_some_server == jobs.size());
  CHECK(t.unallocated_jobs().empty());
  CHECK(t.job_count() == jobs.size());
}

TEST_CASE("a server leaving moves only its jobs, to the servers still live") {
  std::mt19937_64 rng(2);
  const std::vector<std::string> servers = random_servers(rng, 5);
  const std::vector<std::string> jobs = random_jobs(rng, 1000);
  job_allocation t = table_of(servers, jobs);
  const std::map<std::string, std::string> before = placement(t);
  const std::string gone = servers[2];
  const size_t gone_jobs = t.jobs_on(gone).size();
  REQUIRE(gone_jobs > 0);

  std::vector<std::string> rest = servers;
  rest.erase(rest.begin() + 2);
  auto r = t.set_servers(rest);
  REQUIRE(r.ok());
  CHECK(r->moved == gone_jobs);
  CHECK(r->allocated == 0);
  CHECK(r->unallocated == 0);

  const std::map<std::string, std::string> after = placement(t);
  REQUIRE(after.size() == before.size());
  std::set<std::string> receivers;
  for (const auto& [job, server] : before) {
    if (server == gone) {
      CHECK(after.at(job) != gone);
      receivers.insert(after.at(job));
    } else {
      CHECK(after.at(job) == server);
    }
  }
  CHECK(t.jobs_on(gone).empty());
  CHECK(receivers.size() > 1);  // spread over the survivors, not dumped on one
}

TEST_CASE("a server coming back takes back exactly its jobs and nothing else moves") {
  std::mt19937_64 rng(3);
  const std::vector<std::string> servers = random_servers(rng, 6);
  const std::vector<std::string> jobs = random_jobs(rng, 1000);
  job_allocation t = table_of(servers, jobs);
  const std::map<std::string, std::string> original = placement(t);
  const std::string returning = servers[4];

  std::vector<std::string> rest = servers;
  rest.erase(rest.begin() + 4);
  REQUIRE(t.set_servers(rest).ok());
  const std::map<std::string, std::string> while_away = placement(t);

  auto r = t.set_servers(servers);
  REQUIRE(r.ok());
  CHECK(placement(t) == original);
  CHECK(r->moved == t.jobs_on(returning).size());
  for (const auto& [job, server] : placement(t)) {
    if (server != returning) CHECK(while_away.at(job) == server);  // only moves onto the joiner
  }
}

TEST_CASE("a new server takes jobs only onto itself") {
  std::mt19937_64 rng(4);
  std::vector<std::string> servers = random_servers(rng, 3);
  const std::vector<std::string> jobs = random_jobs(rng, 1000);
  job_allocation t = table_of(servers, jobs);
  const std::map<std::string, std::string> before = placement(t);

  const std::string joiner = random_server_key(rng);
  servers.push_back(joiner);
  auto r = t.set_servers(servers);
  REQUIRE(r.ok());
  CHECK(r->moved > 0);
  CHECK(r->moved == t.jobs_on(joiner).size());
  for (const auto& [job, server] : placement(t)) {
    if (server != joiner) CHECK(before.at(job) == server);
  }
}

TEST_CASE("with no live server jobs stay known but unallocated until a server comes") {
  job_allocation t;
  REQUIRE(t.add_job("job_a").ok());
  REQUIRE(t.add_job("job_b").ok());
  CHECK(t.contains("job_a"));
  CHECK_FALSE(t.server_of("job_a").has_value());
  CHECK(t.entries().empty());
  CHECK(t.unallocated_jobs() == std::vector<std::string>{"job_a", "job_b"});
  CHECK(t.version() == 0);  // the jobsalloc answer did not change

  auto placed = t.set_servers({"w1", "w2"});
  REQUIRE(placed.ok());
  CHECK(placed->allocated == 2);
  CHECK(t.entries().size() == 2);
  CHECK(t.unallocated_jobs().empty());
  CHECK(t.version() == 1);

  auto lost = t.set_servers({});
  REQUIRE(lost.ok());
  CHECK(lost->unallocated == 2);
  CHECK(t.entries().empty());
  CHECK(t.servers().empty());
  CHECK(t.version() == 2);
  CHECK(t.job_count() == 2);

  auto again = t.set_servers({});
  REQUIRE(again.ok());
  CHECK_FALSE(again->changed());
  CHECK(t.version() == 2);
}

TEST_CASE("the version grows with every change to the table and only then") {
  job_allocation t;
  CHECK(t.version() == 0);
  REQUIRE(t.set_servers({"w1", "w2", "w3"}).ok());
  CHECK(t.version() == 0);  // no jobs: nothing in the answer changed

  REQUIRE(t.add_job("job_a").ok());
  CHECK(t.version() == 1);
  REQUIRE(t.add_job("job_b").ok());
  CHECK(t.version() == 2);

  REQUIRE(t.touch_job("job_a").ok());
  CHECK(t.version() == 3);
  CHECK(t.entries().front() == job_allocation_entry{"job_a", *t.server_of("job_a"), 2});

  REQUIRE(t.set_servers({"w3", "w2", "w1", "w1"}).ok());  // the same set
  CHECK(t.version() == 3);

  REQUIRE(t.remove_job("job_b").ok());
  CHECK(t.version() == 4);
  CHECK(t.job_count() == 1);

  // Refused calls change nothing.
  CHECK(t.add_job("job_a").code() == status_code::already_exists);
  CHECK(t.remove_job("job_b").code() == status_code::not_found);
  CHECK(t.touch_job("nope").code() == status_code::not_found);
  CHECK(t.add_job("").code() == status_code::invalid_argument);
  CHECK(t.add_job(std::string(mainspring::k_max_allocation_job_id_bytes + 1, 'x')).code() ==
        status_code::invalid_argument);
  auto bad = t.set_servers({"w1", ""});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == status_code::invalid_argument);
  CHECK(t.servers() == std::vector<std::string>{"w1", "w2", "w3"});
  CHECK(t.version() == 4);
}

TEST_CASE("an entry's version survives moves and restarts at 1 when the job is added again") {
  std::mt19937_64 rng(5);
  const std::vector<std::string> servers = random_servers(rng, 3);
  const std::vector<std::string> jobs = random_jobs(rng, 200);
  job_allocation t = table_of(servers, jobs);
  for (const std::string& j : jobs) REQUIRE(t.touch_job(j).ok());

  REQUIRE(t.set_servers({servers[0]}).ok());
  REQUIRE(t.set_servers({}).ok());
  REQUIRE(t.touch_job(jobs[0]).ok());  // unallocated, still counted
  const uint64_t version_before = t.version();
  REQUIRE(t.set_servers(servers).ok());
  CHECK(t.version() == version_before + 1);
  for (const job_allocation_entry& e : t.entries()) CHECK(e.version == (e.job_id == jobs[0] ? 3u : 2u));

  REQUIRE(t.remove_job(jobs[1]).ok());
  REQUIRE(t.add_job(jobs[1]).ok());
  for (const job_allocation_entry& e : t.entries()) {
    if (e.job_id == jobs[1]) CHECK(e.version == 1);
  }
}

TEST_CASE("1,000 jobs spread roughly evenly over 3 to 10 servers") {
  // Cloudtask's ring (CRC-32, 50 points a server) is not very even: over many random server sets
  // the busiest server gets up to about 2x its fair share and the idlest about 1/4. The bounds
  // are loose on purpose; they catch a broken ring (everything on one server), not unevenness.
  std::mt19937_64 rng(6);
  const std::vector<std::string> jobs = random_jobs(rng, 1000);
  for (int n = 3; n <= 10; ++n) {
    const std::vector<std::string> servers = random_servers(rng, n);
    job_allocation t = table_of(servers, jobs);
    const double fair = 1000.0 / n;
    for (const std::string& s : servers) {
      const double share = static_cast<double>(t.jobs_on(s).size());
      INFO(n << " servers, " << s << ": " << share << " jobs, fair " << fair);
      CHECK(share >= fair / 5);
      CHECK(share <= fair * 3);
    }
  }
}

TEST_CASE("the table depends on the servers and jobs alone, not on the order of the calls") {
  std::mt19937_64 rng(7);
  std::vector<std::string> servers = random_servers(rng, 5);
  std::vector<std::string> jobs = random_jobs(rng, 500);
  const job_allocation reference = table_of(servers, jobs);

  // Jobs before servers, both shuffled.
  std::shuffle(servers.begin(), servers.end(), rng);
  std::shuffle(jobs.begin(), jobs.end(), rng);
  job_allocation late_servers;
  for (const std::string& j : jobs) REQUIRE(late_servers.add_job(j).ok());
  REQUIRE(late_servers.set_servers(servers).ok());
  CHECK(late_servers.entries() == reference.entries());

  // Servers arriving one at a time, one leaving and returning on the way.
  job_allocation incremental;
  for (const std::string& j : jobs) REQUIRE(incremental.add_job(j).ok());
  std::vector<std::string> live;
  for (const std::string& s : servers) {
    live.push_back(s);
    REQUIRE(incremental.set_servers(live).ok());
  }
  REQUIRE(incremental.set_servers({servers[1], servers[3]}).ok());
  REQUIRE(incremental.set_servers(servers).ok());
  CHECK(incremental.entries() == reference.entries());
}

TEST_CASE("a job limited to servers runs on one of them, chosen as HashLocationRangeWorker") {
  job_allocation table;
  REQUIRE(table.set_servers({"a", "b", "c", "d"}).ok());
  const std::string job = "399d4b159c65c9b34d2a3c41";
  REQUIRE(table.add_job(job, {"d", "b"}).ok());
  // The live servers among the job's, sorted ({"b", "d"}), indexed by crc32(job id) % 2.
  const std::vector<std::string> candidates = {"b", "d"};
  CHECK(table.server_of(job) == candidates[crc32_ieee(job) % 2]);
  // Only b live of its two: b, whatever the ring says.
  REQUIRE(table.set_servers({"a", "b", "c"}).ok());
  CHECK(table.server_of(job) == "b");
  // None of its servers live: unallocated, though other servers are.
  REQUIRE(table.set_servers({"a", "c"}).ok());
  CHECK_FALSE(table.server_of(job).has_value());
  CHECK(table.unallocated_jobs() == std::vector<std::string>{job});
}

TEST_CASE("a table's version starts where its owner says and a job's entry version is the one it is given") {
  // The owner starts each table above any earlier one's, and gives each job the version stored
  // with it: neither goes back when the table is rebuilt after a restart.
  job_allocation table{mainspring::k_cloudtask_virtual_nodes, 1'000'000};
  CHECK(table.version() == 1'000'000);
  REQUIRE(table.set_servers({"a", "b"}).ok());
  REQUIRE(table.add_job("j1", {}, 7).ok());
  CHECK(table.version() == 1'000'001);
  CHECK(table.entries().at(0).version == 7);
  REQUIRE(table.update_job("j1", {"b"}, 9).ok());
  CHECK(table.entries().at(0).version == 9);
  CHECK(table.version() == 1'000'002);
  REQUIRE(table.update_job("j1", {"b"}).ok());  // without a version: one more
  CHECK(table.entries().at(0).version == 10);
  REQUIRE(table.add_job("j2").ok());
  CHECK(table.entries().at(1).version == 1);
}

TEST_CASE("update_job changes a job's server limit, places it again and raises its version") {
  job_allocation table;
  REQUIRE(table.set_servers({"a", "b"}).ok());
  REQUIRE(table.add_job("j1").ok());
  const uint64_t before = table.version();
  REQUIRE(table.update_job("j1", {"b"}).ok());
  CHECK(table.server_of("j1") == "b");
  CHECK(table.entries().at(0).version == 2);
  CHECK(table.version() > before);
  REQUIRE(table.update_job("j1", {}).ok());  // any server again: its ring owner
  hash_ring ring;
  ring.set_members({"a", "b"});
  CHECK(table.server_of("j1") == std::string(*ring.owner_of("j1")));
  CHECK(table.entries().at(0).version == 3);
  CHECK(table.update_job("nope", {}).code() == status_code::not_found);
  CHECK(table.update_job("j1", {""}).code() == status_code::invalid_argument);
  CHECK(table.add_job("j2", {std::string(mainspring::k_max_server_entry_bytes + 1, 'x')}).code() == status_code::invalid_argument);
  CHECK(table.add_job("j2", {"a,b"}).code() == status_code::invalid_argument);
  CHECK(table.add_job("j2", {"a b"}).code() == status_code::invalid_argument);
  CHECK_FALSE(table.contains("j2"));
}

TEST_CASE("a server list names a server by its IP address, or by its key or host name in any case") {
  const live_server w1{"w1", "10.0.0.7", "Build-3"};
  CHECK(mainspring::names_server("10.0.0.7", w1));
  CHECK(mainspring::names_server("w1", w1));
  CHECK(mainspring::names_server("W1", w1));
  CHECK(mainspring::names_server("build-3", w1));
  CHECK(mainspring::names_server("BUILD-3", w1));
  CHECK_FALSE(mainspring::names_server("10.0.0.70", w1));
  CHECK_FALSE(mainspring::names_server("build-", w1));
  CHECK_FALSE(mainspring::names_server("", live_server{"w2", "", ""}));  // no address: none names it so
  CHECK(mainspring::is_valid_server_entry("fe80::1"));
  CHECK(mainspring::is_valid_server_entry("host-a.example.com"));
  CHECK_FALSE(mainspring::is_valid_server_entry(""));
  CHECK_FALSE(mainspring::is_valid_server_entry("caf\xc3\xa9"));  // not ASCII
}

TEST_CASE("a job's servers pick live servers by address and name, each match counting as the center counts it") {
  job_allocation table;
  REQUIRE(table.set_live_servers(std::vector<live_server>{
                                {"a", "10.0.0.1", "alpha"}, {"b", "10.0.0.2", "beta"}, {"c", "10.0.0.2", "gamma"}})
              .ok());
  const std::string job = "399d4b159c65c9b34d2a3c41";

  // One entry naming two servers (b and c share an address) offers both.
  REQUIRE(table.add_job(job, {"10.0.0.2"}).ok());
  const std::vector<std::string> both = {"b", "c"};
  CHECK(table.server_of(job) == both[crc32_ieee(job) % 2]);

  // A server named twice (by name and by address) counts twice: keys [a, a, b], as
  // HashLocationRangeWorker appends a key for every entry that names it.
  REQUIRE(table.update_job(job, {"ALPHA", "beta", "10.0.0.1"}).ok());
  const std::vector<std::string> with_repeat = {"a", "a", "b"};
  CHECK(table.server_of(job) == with_repeat[crc32_ieee(job) % 3]);

  // Names that match no live server: unallocated until one comes.
  REQUIRE(table.update_job(job, {"delta", "10.0.0.9"}).ok());
  CHECK_FALSE(table.server_of(job).has_value());
  REQUIRE(table.set_live_servers(std::vector<live_server>{{"a", "10.0.0.1", "alpha"}, {"d", "10.0.0.9", "delta"}}).ok());
  CHECK(table.server_of(job) == "d");

  // A server that comes back under another address is named by the new one only.
  REQUIRE(table.update_job(job, {"10.0.0.1"}).ok());
  CHECK(table.server_of(job) == "a");
  REQUIRE(table.set_live_servers(std::vector<live_server>{{"a", "10.0.0.5", "alpha"}, {"d", "10.0.0.9", "delta"}}).ok());
  CHECK_FALSE(table.server_of(job).has_value());
}

TEST_CASE("placement by server names agrees with names_server over every live server, for random tables") {
  std::mt19937_64 rng(17);
  const std::vector<std::string> names = {"a", "A", "b", "host-1", "HOST-1", "10.0.0.1", "10.0.0.2", "c", "zz"};
  auto pick = [&](std::size_t n) { return names[rng() % n]; };
  for (int round = 0; round < 200; ++round) {
    std::vector<live_server> live;
    const int servers = 1 + static_cast<int>(rng() % 5);
    for (int i = 0; i < servers; ++i)
      live.push_back({"k" + std::to_string(rng() % 6), rng() % 3 ? pick(names.size()) : "", rng() % 2 ? pick(names.size()) : ""});
    job_allocation table;
    REQUIRE(table.set_live_servers(live).ok());
    std::vector<std::string> entries;
    for (int i = 1 + static_cast<int>(rng() % 4); i > 0; --i) entries.push_back(rng() % 2 ? pick(names.size()) : "k" + std::to_string(rng() % 6));
    const std::string job = "job" + std::to_string(round);
    REQUIRE(table.add_job(job, entries).ok());
    // What HashLocationRangeWorker computes, over the servers as set_live_servers keeps them
    // (one per key, the first given).
    std::vector<live_server> kept;
    for (const auto& s : live)
      if (std::none_of(kept.begin(), kept.end(), [&](const live_server& k) { return k.key == s.key; })) kept.push_back(s);
    std::vector<std::string> keys;
    for (const auto& e : entries)
      for (const auto& s : kept)
        if (mainspring::names_server(e, s)) keys.push_back(s.key);
    std::sort(keys.begin(), keys.end());
    INFO("round " << round);
    if (keys.empty()) CHECK_FALSE(table.server_of(job).has_value());
    else CHECK(table.server_of(job) == keys[crc32_ieee(job) % keys.size()]);
  }
}
