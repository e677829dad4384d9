#include "core/id_generator.h"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace mainspring;

TEST_CASE("ids are 19-digit decimals that encode their creation time") {
  id_generator ids;
  auto now = from_unix_ms(1700000000123);
  uint64_t id = ids.next(now);
  CHECK(std::to_string(id).size() == 19);
  CHECK(id_generator::unix_ms_of(id) == 1700000000123);
}

TEST_CASE("ids strictly increase even when the clock stalls or steps back") {
  id_generator ids;
  auto t = from_unix_ms(1700000000000);
  uint64_t a = ids.next(t);
  uint64_t b = ids.next(t);
  uint64_t c = ids.next(t - std::chrono::seconds(5));
  CHECK(a < b);
  CHECK(b < c);
}

TEST_CASE("ids from many threads at once are unique") {
  id_generator ids(3);
  constexpr int k_threads = 4, k_each = 20000;
  std::vector<std::vector<uint64_t>> got(k_threads);
  std::vector<std::thread> threads;
  for (int i = 0; i < k_threads; ++i)
    threads.emplace_back([&, i] {
      for (int j = 0; j < k_each; ++j) got[i].push_back(ids.next(now_ms()));
    });
  for (auto& t : threads) t.join();
  std::set<uint64_t> all;
  for (auto& v : got) all.insert(v.begin(), v.end());
  CHECK(all.size() == static_cast<std::size_t>(k_threads * k_each));
}
