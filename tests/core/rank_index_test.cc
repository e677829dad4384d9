#include "core/rank_index.h"

#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>
#include <vector>

using mainspring::deref_less;
using mainspring::rank_index;

TEST_CASE("rank_index agrees with std::set on inserts, erases, ranks and ranges (random oracle)") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> value(0, 20'000), op(0, 9);
  rank_index<int> index;
  std::set<int> oracle;
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
    }
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
