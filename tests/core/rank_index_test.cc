#include "core/rank_index.h"

#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

using mainspring::deref_less;
using mainspring::rank_index;

TEST_CASE("rank_index agrees with std::set on inserts, erases, ranks, ranges and frozen copies (random oracle)") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> value(0, 20'000), op(0, 9);
  rank_index<int> index;
  std::set<int> oracle;
  std::vector<std::pair<rank_index<int>::frozen, std::vector<int>>> frozen;
  for (int step = 0; step < 60'000; ++step) {
    int x = value(rng);
    if (op(rng) < 7) CHECK(index.insert(x) == oracle.insert(x).second);
    else CHECK(index.erase(x) == (oracle.erase(x) == 1));
    if (step % 997 == 0) {
      REQUIRE(index.size() == oracle.size());
      std::vector<int> all(oracle.begin(), oracle.end());
      for (std::size_t n = 0; n < all.size(); n += 1 + all.size() / 50) CHECK(index.at(n) == all[n]);
      int probe = value(rng);
      CHECK(index.rank_of(probe) ==
            static_cast<std::size_t>(std::distance(oracle.begin(), oracle.lower_bound(probe))));
      std::vector<int> page;
      std::size_t from = all.empty() ? 0 : static_cast<std::size_t>(probe) % all.size();
      index.for_range(from, 37, [&](int v) { page.push_back(v); });
      std::vector<int> expected(all.begin() + static_cast<std::ptrdiff_t>(from),
                                all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), from + 37)));
      CHECK(page == expected);
      frozen.emplace_back(index.freeze(), std::move(all));
    }
  }
  // Each frozen copy still holds what the index held when it was taken.
  for (const auto& [copy, then] : frozen) {
    std::vector<int> seen;
    copy.for_each([&](int v) { seen.push_back(v); });
    CHECK(seen == then);
  }
}

TEST_CASE("rank_index of pointers orders by the pointed-to keys") {
  std::vector<std::string> keys = {"b", "a", "c"};
  rank_index<const std::string*, deref_less> index;
  for (const auto& k : keys) CHECK(index.insert(&k));
  CHECK(*index.at(0) == "a");
  CHECK(*index.at(2) == "c");
  std::string probe = "b";
  CHECK(index.rank_of(&probe) == 1);
  CHECK_FALSE(index.insert(&probe));  // an equal key is there
  CHECK(index.erase(&probe));         // erases the element equal to "b"
  CHECK(index.size() == 2);
  CHECK(*index.at(1) == "c");
  index.clear();
  CHECK(index.empty());
  CHECK(index.rank_of(&probe) == 0);
}

TEST_CASE("a frozen rank_index keeps its elements while the index changes on") {
  rank_index<int> index;
  for (int x = 0; x < 5'000; x += 2) index.insert(x);
  auto before = index.freeze();
  REQUIRE(before.size() == 2'500);
  // Changes in every chunk, splits and emptied chunks included.
  for (int x = 1; x < 5'000; x += 2) CHECK(index.insert(x));
  for (int x = 0; x < 1'000; ++x) CHECK(index.erase(x));
  auto after = index.freeze();

  std::vector<int> seen;
  before.for_each([&](int x) { seen.push_back(x); });
  REQUIRE(seen.size() == 2'500);
  for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == static_cast<int>(2 * i));

  seen.clear();
  after.for_each([&](int x) { seen.push_back(x); });
  REQUIRE(seen.size() == 4'000);
  for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == static_cast<int>(1'000 + i));
  CHECK(index.size() == 4'000);
  CHECK(index.at(0) == 1'000);
  CHECK(index.rank_of(2'500) == 1'500);

  index.clear();  // the frozen copies stand alone
  seen.clear();
  after.for_each([&](int x) { seen.push_back(x); });
  CHECK(seen.size() == 4'000);
}
