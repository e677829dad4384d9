#include "storage/store_keys.h"

#include <catch2/catch.hpp>
#include <random>

using namespace mainspring;

TEST_CASE("keys follow the documented layout") {
  CHECK(group_key("YM55") == "g/YM55");
  CHECK(job_key("YM55", "12") == "j/YM55/12");
  CHECK(group_jobs_prefix("YM55") == "j/YM55/");
  CHECK(run_slot_key("r/YM55/12/", 0x1f) == "r/YM55/12/0000001f");
  CHECK(job_runs_prefix("YM55", "12") == "r/YM55/12/");
  CHECK(group_runs_prefix("YM55") == "r/YM55/");
  CHECK(func_key("YM55", "fn") == "f/YM55/fn");
  CHECK(audit_time_prefix(255) == "a/00000000000000ff/");
  CHECK(audit_time_prefix(-5) == "a/0000000000000000/");
  CHECK(node_key("YM55", "n1") == "n/YM55/n1");
  CHECK(group_nodes_prefix("YM55") == "n/YM55/");
  CHECK(api_key_key("k1") == "k/k1");
  CHECK(api_key_key("ci-deploy_2") == "k/ci-deploy_2");
  CHECK(deleted_job_key("YM55", "12") == "x/YM55/12");
  CHECK(group_deleted_jobs_prefix("YM55") == "x/YM55/");
  CHECK(job_key_of_runs_prefix(job_runs_prefix("a/b", "50%")) == job_key("a/b", "50%"));
  CHECK(deleted_job_key_of_runs_prefix(job_runs_prefix("a/b", "50%")) == deleted_job_key("a/b", "50%"));
}

TEST_CASE("a group's nodes are exactly the keys under its nodes prefix") {
  const std::string prefix = group_nodes_prefix("YM55");
  CHECK(node_key("YM55", "n1").rfind(prefix, 0) == 0);
  CHECK(node_key("YM55", "n1") < prefix_end(prefix));
  // Neither a group whose name extends this one nor a group with a slash reaches in.
  CHECK(node_key("YM555", "n1").rfind(prefix, 0) != 0);
  CHECK(node_key("YM55/x", "n1").rfind(prefix, 0) != 0);
  CHECK(node_key("YM55", "a/b") == "n/YM55/a%2Fb");
}

TEST_CASE("a slash or percent in a name cannot reach into another name's range") {
  CHECK(escape_key_part("a/b%c") == "a%2Fb%25c");
  CHECK(escape_key_part("plain_name") == "plain_name");
  // Group "a/b" must not fall under group "a"'s job prefix.
  const std::string tricky = job_key("a/b", "x");
  CHECK(tricky.rfind(group_jobs_prefix("a"), 0) != 0);
  CHECK(job_key("a%2Fb", "x") != tricky);
}

TEST_CASE("hex16 orders like the numbers and parses back") {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 10000; ++i) {
    uint64_t a = rng() >> (rng() % 64), b = rng() >> (rng() % 64);
    CHECK((hex16(a) < hex16(b)) == (a < b));
    uint64_t back = 0;
    REQUIRE(parse_hex16(hex16(a), &back));
    CHECK(back == a);
  }
  uint64_t v = 0;
  CHECK_FALSE(parse_hex16("000000000000000G", &v));
  CHECK_FALSE(parse_hex16("00000000000000FF", &v));  // upper case is not ours
  CHECK_FALSE(parse_hex16("123", &v));
}

TEST_CASE("prefix_end is the first key past a prefix's range") {
  CHECK(prefix_end("r/YM55/12/") == "r/YM55/120");
  CHECK(run_slot_key("r/YM55/12/", ~0U) < prefix_end("r/YM55/12/"));
  CHECK(prefix_end("a/") == "a0");
}

TEST_CASE("split_run_key and audit_seq_of take keys apart") {
  std::string_view prefix;
  uint32_t slot = 0;
  const std::string key = run_slot_key(job_runs_prefix("g", "j"), 42);
  REQUIRE(split_run_key(key, &prefix, &slot));
  CHECK(prefix == "r/g/j/");
  CHECK(slot == 42);
  CHECK_FALSE(split_run_key("j/g/j", &prefix, &slot));
  CHECK_FALSE(split_run_key("r/g/j/xyz", &prefix, &slot));
  // A schema 1 key (the run id, 16 digits) is not a slot key, and the other way round.
  uint64_t id = 0;
  const std::string legacy = job_runs_prefix("g", "j") + hex16(42);
  CHECK_FALSE(split_run_key(legacy, &prefix, &slot));
  REQUIRE(split_legacy_run_key(legacy, &prefix, &id));
  CHECK(prefix == "r/g/j/");
  CHECK(id == 42);
  CHECK_FALSE(split_legacy_run_key(key, &prefix, &id));
  for (const std::string& either : {key, legacy}) {
    prefix = {};
    REQUIRE(split_any_run_key(either, &prefix));
    CHECK(prefix == "r/g/j/");
  }
  CHECK_FALSE(split_any_run_key("r/g/j/xyz", &prefix));
  CHECK_FALSE(split_any_run_key("r/g/j/" + std::string(12, '0'), &prefix));

  uint64_t seq = 0;
  REQUIRE(audit_seq_of(audit_time_prefix(10) + hex16(77), &seq));
  CHECK(seq == 77);
  CHECK_FALSE(audit_seq_of("a/short", &seq));
}

TEST_CASE("unescape_key_part undoes escape_key_part and refuses what it never writes") {
  std::string out;
  for (std::string_view name : {"plain", "a/b%c", "%%//", "", "%2F literally"}) {
    REQUIRE(unescape_key_part(escape_key_part(name), &out));
    CHECK(out == name);
  }
  CHECK_FALSE(unescape_key_part("a/b", &out));   // a slash is always escaped
  CHECK_FALSE(unescape_key_part("a%2", &out));   // cut short
  CHECK_FALSE(unescape_key_part("a%41", &out));  // only "%25" and "%2F" are escapes
}

TEST_CASE("the group and job of a runs prefix come back unescaped") {
  std::string group, job;
  REQUIRE(run_owner_of_runs_prefix(job_runs_prefix("a/b", "50%"), &group, &job));
  CHECK(group == "a/b");
  CHECK(job == "50%");
  std::string_view prefix;
  uint32_t slot = 0;
  const std::string key = run_slot_key(job_runs_prefix("YM55", "12"), 7);
  REQUIRE(split_run_key(key, &prefix, &slot));
  REQUIRE(run_owner_of_runs_prefix(prefix, &group, &job));
  CHECK(group == "YM55");
  CHECK(job == "12");
  CHECK_FALSE(run_owner_of_runs_prefix("r/only_group/", &group, &job));
  CHECK_FALSE(run_owner_of_runs_prefix("j/g/j/", &group, &job));
  CHECK_FALSE(run_owner_of_runs_prefix("r/g/j", &group, &job));
}

TEST_CASE("an in-flight marker's key names its group, job and run, and reads back") {
  CHECK(in_flight_key("YM55", "12", 0x1f) == "i/YM55/12/000000000000001f");
  CHECK(group_in_flight_prefix("YM55") == "i/YM55/");
  std::string group, job;
  uint64_t id = 0;
  REQUIRE(split_in_flight_key(in_flight_key("a/b", "50%/x", 0xabc), &group, &job, &id));
  CHECK(group == "a/b");
  CHECK(job == "50%/x");
  CHECK(id == 0xabc);
  // A group "a/b" is not under group "a"'s prefix.
  CHECK(in_flight_key("a/b", "x", 1).rfind(group_in_flight_prefix("a"), 0) != 0);
  for (const char* bad : {"i/g/j/00000000000001", "i/g/j/000000000000001g", "i/g/0000000000000001", "i//j/0000000000000001",
                          "i/g//0000000000000001", "i/g/j/k/0000000000000001", "q/g/j/0000000000000001",
                          "i/g/j%zz/0000000000000001", "i/g/j00000000000000001"}) {
    INFO(bad);
    CHECK_FALSE(split_in_flight_key(bad, &group, &job, &id));
  }
}
