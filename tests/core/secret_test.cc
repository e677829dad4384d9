#include "core/secret.h"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <set>
#include <thread>
#include <vector>

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

TEST_CASE("secrets longer than the per-thread pool, and secrets from many threads, are all distinct") {
  // 5,000 characters span several kilobyte draws: a pool that handed a byte out twice would
  // repeat a 64-byte block inside it.
  const std::string long_secret = random_base32_secret(5000);
  REQUIRE(long_secret.size() == 5000);
  std::set<std::string> blocks;
  for (std::size_t i = 0; i + 64 <= long_secret.size(); i += 64) CHECK(blocks.insert(long_secret.substr(i, 64)).second);

  std::vector<std::vector<std::string>> per_thread(4);
  std::vector<std::thread> threads;
  for (auto& out : per_thread) {
    threads.emplace_back([&out] {
      for (int i = 0; i < 500; ++i) out.push_back(random_base32_secret());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> seen;
  for (const auto& out : per_thread) {
    for (const auto& s : out) CHECK(seen.insert(s).second);
  }
  CHECK(seen.size() == 2000);
}

TEST_CASE("a forked child does not repeat the secrets its parent draws next") {
  (void)random_base32_secret();  // the parent's pool now holds unused bytes
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const std::string s = random_base32_secret();
    const ssize_t w = ::write(fds[1], s.data(), s.size());
    ::_exit(w == static_cast<ssize_t>(s.size()) ? 0 : 1);
  }
  ::close(fds[1]);
  const std::string parent_next = random_base32_secret();
  std::string from_child(k_secret_chars, '\0');
  std::size_t got = 0;
  while (got < from_child.size()) {
    const ssize_t r = ::read(fds[0], from_child.data() + got, from_child.size() - got);
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(got == k_secret_chars);
  CHECK(from_child != parent_next);
}
