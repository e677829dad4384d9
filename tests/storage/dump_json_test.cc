// Tests for storage/dump_json.h: a group file's run pools (the rest of the format is tested
// through whole archives in dump_archive_test.cc).
#include "storage/dump_json.h"
#include "tests/storage/group_file_reads.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>

using namespace mainspring;
using namespace mainspring::testing;
using nlohmann::json;

namespace {

run_pool_spec full_pool(const std::string& name) {
  run_pool_spec p;
  p.name = name;
  p.enabled = false;
  p.max_running = 3;
  p.hook_url = "http://127.0.0.1:9/hook";
  p.hook_format = "cronicle";
  p.cpu_limit_percent = 150;
  p.cpu_sustain_s = 10;
  p.memory_limit_bytes = 512ll << 20;
  p.memory_sustain_s = 5;
  p.dialect_data = R"({"title":"Nightly \"q\"","color":"red"})";
  p.created_ms = 1'700'000'000'001;
  p.updated_ms = 1'700'000'000'002;
  return p;
}

group_dump group_with_pools() {
  group_dump g;
  g.group = {"YM55", "MFRGGZDFMZTWQ2LK", 1'650'000'000'000};
  job_spec j;
  j.id = "1";
  j.group = "YM55";
  j.name = "n";
  j.schedule = "@every 5s";
  j.target = noop_target{};
  j.controls.pool = "nightly";
  g.jobs = {j};
  g.pools = {full_pool("nightly"), run_pool_spec{.name = "plain"}};
  return g;
}

std::string with_pools(const std::string& pools) {
  return R"({"group":{"name":"YM55"},"jobs":[],"funcs":[],"pools":[)" + pools + "]}";
}

}  // namespace

TEST_CASE("a group's run pools read back exactly from its file") {
  group_dump g = group_with_pools();
  auto back = decode_text(encode_group_file(g));
  REQUIRE(back.ok());
  CHECK(back->pools_dumped);
  CHECK(back->pools == g.pools);
  REQUIRE(back->jobs.size() == 1);
  CHECK(back->jobs[0].controls.pool == "nightly");

  g.pools.clear();  // none: an empty array, not a file without pools
  auto none = decode_text(encode_group_file(g));
  REQUIRE(none.ok());
  CHECK(none->pools_dumped);
  CHECK(none->pools.empty());
}

TEST_CASE("pools come after funcs, one record per line, with the documented field names") {
  std::string text = encode_group_file(group_with_pools());
  CHECK(text.find("\"funcs\": [],\n  \"pools\": [\n    {\"name\": \"nightly\", \"enabled\": false, ") !=
        std::string::npos);
  CHECK(text.find("},\n    {\"name\": \"plain\", ") != std::string::npos);
  json pool = json::parse(text)["pools"][0];
  CHECK(pool == json{{"name", "nightly"},
                     {"enabled", false},
                     {"max_running", 3},
                     {"hook_url", "http://127.0.0.1:9/hook"},
                     {"hook_format", "cronicle"},
                     {"cpu_limit_percent", 150},
                     {"cpu_sustain_s", 10},
                     {"memory_limit_bytes", 512ll << 20},
                     {"memory_sustain_s", 5},
                     {"dialect_data", R"({"title":"Nightly \"q\"","color":"red"})"},
                     {"created_ms", 1'700'000'000'001},
                     {"updated_ms", 1'700'000'000'002}});
}

TEST_CASE("a file written before pools were dumped reads with its pools unknown, and writes back without them") {
  auto old = decode_text(R"({"group":{"name":"YM55"},"jobs":[],"funcs":[]})");
  REQUIRE(old.ok());
  CHECK_FALSE(old->pools_dumped);
  CHECK(old->pools.empty());
  CHECK(json::parse(encode_group_file(*old)).contains("pools") == false);
  auto again = decode_text(encode_group_file(*old));
  REQUIRE(again.ok());
  CHECK_FALSE(again->pools_dumped);
}

TEST_CASE("a pool field missing takes the pool's default") {
  auto back = decode_text(with_pools(R"({"name":"p"})"));
  REQUIRE(back.ok());
  REQUIRE(back->pools.size() == 1);
  CHECK(back->pools[0] == run_pool_spec{.name = "p"});
  CHECK(back->pools[0].enabled);
}

TEST_CASE("bad pool records are refused with the place named") {
  CHECK(refusal(R"({"group":{"name":"YM55"},"pools":{}})") == "pools: expected an array, got an object");
  CHECK(refusal(with_pools(R"({"name":"a"},"b")")) == "pools[1]: expected an object, got a string");
  CHECK(refusal(with_pools(R"({"name":"a"},{"name":"b","max_running":"1"})")) ==
        "pools[1].max_running: expected an integer, got a string");
  CHECK(refusal(with_pools(R"({"name":"a","enabled":1})")) == "pools[0].enabled: expected a boolean, got an integer");
  CHECK(refusal(with_pools(R"({"name":"a","name":"b"})")) == "pools[0].name: duplicate key");
  CHECK(refusal(with_pools(R"({"name":"a"},{"name":"b"},{"name":"c","max_running":-1})"))
            .starts_with("pools[2].max_running: "));
  CHECK(refusal(with_pools(R"({"name":"no-dash"})")).starts_with("pools[0].name: must be 1 to 64 "));
  CHECK(refusal(with_pools(R"({})")).starts_with("pools[0].name: must be 1 to 64 "));
  CHECK(refusal(with_pools(R"({"name":"a","cpu_limit_percent":-5})")).starts_with("pools[0].cpu_limit_percent: "));
  CHECK(refusal(with_pools(R"({"name":"a","dialect_data":")" + std::string(k_max_run_pool_dialect_bytes + 1, 'x') +
                           R"("})"))
            .starts_with("pools[0].dialect_data: longer than "));
  CHECK(refusal(with_pools(R"({"name":"a","created_ms":-1})")) ==
        "pools[0].created_ms: must be between 0 and 253402300799999 (the year 9999), got -1");
  CHECK(refusal(R"({"group":{"name":"YM55"},"pools":[],"pools":[]})") == "pools: duplicate key");
}

TEST_CASE("pool names are unique within a file") {
  CHECK(refusal(with_pools(R"({"name":"a"},{"name":"b"},{"name":"a","max_running":2})")) ==
        "pools[2].name: duplicate pool \"a\" (also pools[0])");
  // Names are compared exactly, as run_pools keeps them.
  CHECK(refusal(with_pools(R"({"name":"a"},{"name":"A"})")) == "");
}

TEST_CASE("a file holds at most a group's most pools") {
  std::string pools;
  for (std::size_t i = 0; i < k_max_run_pools_per_group; ++i)
    pools += (i ? "," : "") + std::string(R"({"name":"p)") + std::to_string(i) + "\"}";
  auto most = decode_text(with_pools(pools));
  REQUIRE(most.ok());
  CHECK(most->pools.size() == k_max_run_pools_per_group);
  CHECK(refusal(with_pools(pools + R"(,{"name":"one_more"})")) ==
        "pools[1000]: more than 1000 pools (a group's most)");
}

TEST_CASE("pools count against the decode budget") {
  std::string text = with_pools(R"({"name":"a","dialect_data":")" + std::string(4096, 'x') + R"("})");
  std::istringstream in(text);
  decode_budget budget;
  budget.limit = 4096;  // the pool's struct and its dialect data do not fit
  auto r = decode_group_file(in, "YM55", &budget);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "the decoded records would hold more than 4096 bytes");

  std::istringstream again(text);
  decode_budget roomy;
  REQUIRE(decode_group_file(again, "YM55", &roomy).ok());
  CHECK(roomy.used > 4096 + sizeof(run_pool_spec));
}
