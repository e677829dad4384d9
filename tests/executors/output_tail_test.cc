#include "executors/output_tail.h"

#include <catch2/catch.hpp>

#include <random>
#include <string>

using mainspring::output_tail;

TEST_CASE("an output shorter than the capacity is kept whole") {
  output_tail tail(16);
  tail.append("hello ");
  tail.append("world");
  CHECK(tail.str() == "hello world");
  CHECK(tail.size() == 11);
  CHECK(tail.total_bytes() == 11);
  CHECK_FALSE(tail.truncated());
}

TEST_CASE("an output longer than the capacity keeps exactly its last bytes") {
  output_tail tail(8);
  tail.append("0123456");   // 7 bytes, not yet full
  tail.append("789ab");     // wraps
  CHECK(tail.str() == "456789ab");
  tail.append("c");
  CHECK(tail.str() == "56789abc");
  CHECK(tail.size() == 8);
  CHECK(tail.total_bytes() == 13);
  CHECK(tail.truncated());
}

TEST_CASE("a single chunk larger than the capacity keeps its end") {
  output_tail tail(4);
  tail.append("ab");
  tail.append("cdefghij");
  CHECK(tail.str() == "ghij");
  tail.append("kl");
  CHECK(tail.str() == "ijkl");
}

TEST_CASE("the default capacity is the run output cap") {
  output_tail tail;
  CHECK(tail.capacity() == mainspring::k_max_output_tail_bytes);
  std::string big(3 * mainspring::k_max_output_tail_bytes + 17, 'x');
  big.back() = 'y';
  tail.append(big);
  CHECK(tail.size() == mainspring::k_max_output_tail_bytes);
  CHECK(tail.str().back() == 'y');
}

TEST_CASE("clear forgets the kept bytes and the total") {
  output_tail tail(4);
  tail.append("abcdefg");
  tail.clear();
  CHECK(tail.str().empty());
  CHECK(tail.total_bytes() == 0);
  tail.append("xy");
  CHECK(tail.str() == "xy");
}

TEST_CASE("random appends always match the suffix of everything appended") {
  std::mt19937 rng(12345);
  for (std::size_t capacity : {1u, 2u, 7u, 64u, 1000u}) {
    output_tail tail(capacity);
    std::string all;
    for (int step = 0; step < 400; ++step) {
      std::size_t len = std::uniform_int_distribution<std::size_t>(0, capacity * 2 + 3)(rng);
      std::string chunk;
      for (std::size_t i = 0; i < len; ++i) chunk.push_back(static_cast<char>('a' + rng() % 26));
      tail.append(chunk);
      all += chunk;
      std::string expected = all.size() > capacity ? all.substr(all.size() - capacity) : all;
      REQUIRE(tail.str() == expected);
      REQUIRE(tail.total_bytes() == all.size());
    }
  }
}
