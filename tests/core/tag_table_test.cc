#include "core/tag_table.h"

#include <catch2/catch.hpp>
#include <random>
#include <unordered_map>

using namespace mainspring;

TEST_CASE("an empty table finds nothing and holds no memory") {
  tag_table t;
  CHECK(t.find(1) == nullptr);
  CHECK(t.size() == 0);
  CHECK(t.capacity() == 0);
  CHECK(t.memory_bytes() == 0);
}

TEST_CASE("insert_or_get inserts once, later calls return the value held, which is writable") {
  tag_table t;
  uint32_t& v = t.insert_or_get(42, 7);
  CHECK(v == 7);
  v = 9;
  CHECK(t.insert_or_get(42, 100) == 9);  // not reset to `initial`
  REQUIRE(t.find(42) != nullptr);
  CHECK(*t.find(42) == 9);
  *t.find(42) = 11;
  CHECK(*t.find(42) == 11);
  CHECK(t.find(43) == nullptr);
  CHECK(t.size() == 1);
}

TEST_CASE("200,000 random tags survive growth, at a load of at most 3/4") {
  tag_table t;
  std::mt19937_64 rng(17);
  std::unordered_map<uint64_t, uint32_t> want;
  while (want.size() < 200'000) {
    const uint64_t tag = rng() | 1;
    const auto value = static_cast<uint32_t>(rng());
    if (want.emplace(tag, value).second) t.insert_or_get(tag, value);
  }
  CHECK(t.size() == want.size());
  CHECK((t.capacity() & (t.capacity() - 1)) == 0);
  CHECK(t.size() * 4 <= t.capacity() * 3);
  CHECK(t.memory_bytes() == t.capacity() * 12);
  for (const auto& [tag, value] : want) {
    const uint32_t* found = t.find(tag);
    REQUIRE(found != nullptr);
    CHECK(*found == value);
  }
  for (int i = 0; i < 10'000; ++i) {
    const uint64_t tag = rng() & ~uint64_t{1};  // even: never inserted
    if (tag != 0) CHECK(t.find(tag) == nullptr);
  }
}

TEST_CASE("tags that differ only in their high bits do not pile into one slot's run") {
  tag_table t;
  for (uint64_t i = 1; i <= 5'000; ++i) t.insert_or_get(i << 40 | 1, static_cast<uint32_t>(i));
  for (uint64_t i = 1; i <= 5'000; ++i) {
    REQUIRE(t.find(i << 40 | 1) != nullptr);
    CHECK(*t.find(i << 40 | 1) == i);
  }
  CHECK(t.size() == 5'000);
}

TEST_CASE("looking up a held tag with insert_or_get never grows the table") {
  tag_table t;
  uint64_t n = 0;
  while ((n + 1) * 4 <= 1024 * 3) t.insert_or_get(++n * 2 + 1, 0);  // exactly 3/4 full
  REQUIRE(t.capacity() == 1024);
  CHECK(t.insert_or_get(3, 9) == 0);
  CHECK(t.capacity() == 1024);
  t.insert_or_get(++n * 2 + 1, 0);  // a new tag: past 3/4, so it grows
  CHECK(t.capacity() == 2048);
  CHECK(t.size() == n);
}

TEST_CASE("for_each visits every entry once") {
  tag_table t;
  for (uint64_t i = 1; i <= 3'000; ++i) t.insert_or_get(i << 20 | 1, static_cast<uint32_t>(i));
  std::unordered_map<uint64_t, uint32_t> seen;
  t.for_each([&](uint64_t tag, uint32_t value) { CHECK(seen.emplace(tag, value).second); });
  REQUIRE(seen.size() == 3'000);
  for (uint64_t i = 1; i <= 3'000; ++i) CHECK(seen[i << 20 | 1] == i);
}

TEST_CASE("clear frees everything") {
  tag_table t;
  for (uint64_t i = 1; i <= 2'000; ++i) t.insert_or_get(i * 2 + 1, 1);
  t.clear();
  CHECK(t.size() == 0);
  CHECK(t.capacity() == 0);
  CHECK(t.find(3) == nullptr);
  t.insert_or_get(3, 5);
  CHECK(*t.find(3) == 5);
}
