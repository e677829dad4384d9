#include "core/secret.h"

#include <catch2/catch.hpp>

#include <array>
#include <set>

#include "core/totp.h"

using namespace mainspring;

TEST_CASE("random secrets are base32 of the asked length, distinct, and usable as TOTP keys") {
  std::set<std::string> seen;
  std::array<int, 32> counts{};
  for (int i = 0; i < 2000; ++i) {
    std::string s = random_base32_secret();
    REQUIRE(s.size() == k_secret_chars);
    for (char c : s) {
      REQUIRE(((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')));
      ++counts[c >= 'A' ? c - 'A' : 26 + (c - '2')];
    }
    CHECK(seen.insert(s).second);
    CHECK(totp_now(s, 1'700'000'000).size() == static_cast<std::size_t>(k_totp_digits));
  }
  // 64,000 characters over 32 symbols: each about 2,000; a stuck bit would empty half of them.
  for (int n : counts) CHECK(n > 1500);
  CHECK(random_base32_secret(0).empty());
  CHECK(random_base32_secret(7).size() == 7);
}
